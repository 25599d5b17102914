//! The one translation table for UI text. Danish is the default; English is available.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Da,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// From the `lang` cookie; Danish unless English was chosen.
    pub fn from_headers(h: &axum::http::HeaderMap) -> Lang {
        if crate::auth::cookie(h, "lang") == Some("en") { Lang::En } else { Lang::Da }
    }
}

/// (key, Danish, English)
const TABLE: &[(&str, &str, &str)] = &[
    ("app", "Kriseservice", "Crisis service"),
    ("skip", "Gå til indhold", "Skip to content"),
    ("nav.incidents", "Kriser", "Incidents"),
    ("nav.admin", "Administration", "Administration"),
    ("nav.logout", "Log ud", "Log out"),
    ("nav.lang", "English", "Dansk"),
    ("nav.main", "Hovedmenu", "Main menu"),
    ("login.title", "Log ind", "Log in"),
    ("login.email", "E-mail", "E-mail"),
    ("login.password", "Adgangskode", "Password"),
    ("login.submit", "Log ind", "Log in"),
    ("login.failed", "Forkert e-mail eller adgangskode.", "Wrong e-mail or password."),
    ("login.throttled", "For mange forsøg. Vent et kvarter, og prøv igen.", "Too many attempts. Wait fifteen minutes and try again."),
    ("incidents.title", "Kriser", "Incidents"),
    ("incidents.none", "Ingen kriser.", "No incidents."),
    ("incidents.new", "Opret krise", "Create incident"),
    ("incidents.create", "Opret som forberedt", "Create as prepared"),
    ("field.title", "Titel", "Title"),
    ("field.kind", "Type", "Kind"),
    ("field.affected", "Berørte organisationer (koder, adskilt af komma)", "Affected organisations (codes, comma-separated)"),
    (
        "field.affected.hint",
        "Fx 0250 for Frederikssund. Se koderne under Administration → Organisationer.",
        "E.g. 0250 for Frederikssund. Codes are listed under Administration → Organisations.",
    ),
    ("field.channels", "Kanaler", "Channels"),
    ("field.exercise", "Øvelse (alt markeres som øvelse)", "Exercise (everything is marked as practice)"),
    ("field.status", "Status", "Status"),
    ("field.created", "Oprettet", "Created"),
    ("field.activated", "Aktiveret", "Activated"),
    ("field.closed", "Lukket", "Closed"),
    ("exercise", "ØVELSE", "EXERCISE"),
    ("room.status", "Status og overgange", "Status and transitions"),
    ("room.note", "Begrundelse til logbogen", "Reason for the log"),
    ("room.note.close", "Afslutningsnotat til logbogen (påkrævet)", "Closing note for the log (required)"),
    ("room.goto", "Skift status til", "Change status to"),
    ("room.reactivate", "Genaktivér", "Reactivate"),
    ("room.roles", "Krisestab", "Crisis staff"),
    ("room.role", "Rolle", "Role"),
    ("room.primary", "Primær", "Primary"),
    ("room.deputy", "Stedfortræder", "Deputy"),
    ("room.assign", "Gem bemanding", "Save staffing"),
    ("room.nobody", "Ingen", "Nobody"),
    ("room.checklist", "Aktiveringstjekliste", "Activation checklist"),
    ("room.checklist.none", "Tjeklisten oprettes, når krisen aktiveres.", "The checklist is raised when the incident is activated."),
    ("room.done", "Udført", "Done"),
    ("room.mark_done", "Markér som udført", "Mark as done"),
    ("room.undo", "Fortryd", "Undo"),
    ("room.progress", "udført", "done"),
    ("room.cards", "Aktionskort", "Action cards"),
    ("room.cards.none", "Ingen aktionskort tilknyttet.", "No action cards attached."),
    ("room.attach", "Tilknyt aktionskort", "Attach action card"),
    ("room.log", "Logbog", "Log"),
    ("room.log.empty", "Logbogen er tom.", "The log is empty."),
    ("room.log.add", "Skriv i logbogen", "Write in the log"),
    ("room.log.category", "Kategori", "Category"),
    ("room.log.text", "Tekst", "Text"),
    ("room.log.submit", "Tilføj til logbogen", "Add to the log"),
    ("room.log.corrects", "Retter post nr.", "Corrects entry no."),
    ("room.log.valid", "Logbogens kæde er intakt", "The log's chain is intact"),
    (
        "room.log.invalid",
        "ADVARSEL: Logbogen er ændret efter den blev skrevet – første brudte post",
        "WARNING: The log was altered after it was written – first broken entry",
    ),
    ("room.log.csv", "Hent som CSV", "Download as CSV"),
    ("room.log.print", "Udskriftsvenlig logbog (ICS 214)", "Printable log (ICS 214)"),
    ("room.live", "Siden er opdateret andetsteds.", "This page was updated elsewhere."),
    ("room.reload", "Genindlæs", "Reload"),
    ("side.authority", "Den berørte myndighed", "The affected authority"),
    ("side.crisis_staff", "Krisestaben", "The crisis staff"),
    ("responsible", "Ansvarlig", "Responsible"),
    ("status.prepared", "Forberedt", "Prepared"),
    ("status.active", "Aktiv", "Active"),
    ("status.standing_down", "Under afvikling", "Standing down"),
    ("status.closed", "Lukket", "Closed"),
    ("kind.it_breakdown", "IT-nedbrud", "IT breakdown"),
    ("kind.power_cut", "Strømafbrydelse", "Power cut"),
    ("kind.heat_supply", "Varmeforsyning", "Heat supply"),
    ("kind.flood", "Oversvømmelse", "Flood"),
    ("kind.fire", "Brand", "Fire"),
    ("kind.water_supply", "Vandforsyning", "Water supply"),
    ("kind.evacuation", "Evakuering", "Evacuation"),
    ("kind.cyber_attack", "Cyberangreb", "Cyber attack"),
    ("kind.other", "Andet", "Other"),
    ("channel.phone", "Telefon", "Phone"),
    ("channel.chat", "Chat", "Chat"),
    ("channel.voice", "Voicebot", "Voicebot"),
    ("category.decision", "Beslutning", "Decision"),
    ("category.information", "Information", "Information"),
    ("category.action", "Handling", "Action"),
    ("category.staffing", "Bemanding", "Staffing"),
    ("category.contact", "Kontakt", "Contact"),
    ("role.secretariat", "Sekretariatet", "Secretariat"),
    ("role.steering_group", "Styregruppen", "Steering group"),
    ("role.crisis_leader", "Kriseleder", "Crisis leader"),
    ("role.log_keeper", "Logfører", "Log keeper"),
    ("role.process_lead", "Procesansvarlig", "Process lead"),
    ("role.staffing_lead", "Bemandingsansvarlig", "Staffing lead"),
    ("role.authority_editor", "Myndighedsredaktør", "Authority editor"),
    ("role.agent", "Agent", "Agent"),
    ("role.shift_contact", "Vagtkontakt i medlemskommune", "Member municipality's shift contact"),
    ("admin.title", "Administration", "Administration"),
    ("admin.orgs", "Organisationer", "Organisations"),
    ("admin.users", "Brugere", "Users"),
    ("admin.roster", "Stående krisestab", "Standing crisis staff"),
    ("admin.templates", "Skabeloner", "Templates"),
    ("admin.code", "Kode", "Code"),
    ("admin.name", "Navn", "Name"),
    ("admin.population", "Indbyggere", "Population"),
    ("admin.member", "Medlem", "Member"),
    ("admin.yes", "Ja", "Yes"),
    ("admin.no", "Nej", "No"),
    ("admin.make_member", "Gør til medlem", "Make member"),
    ("admin.remove_member", "Fjern som medlem", "Remove membership"),
    ("admin.org", "Organisation", "Organisation"),
    ("admin.role", "Rolle", "Role"),
    ("admin.active", "Aktiv", "Active"),
    ("admin.activate", "Aktivér", "Activate"),
    ("admin.deactivate", "Deaktivér", "Deactivate"),
    ("admin.new_user", "Ny bruger", "New user"),
    ("admin.password", "Adgangskode (mindst 12 tegn)", "Password (at least 12 characters)"),
    ("admin.create", "Opret", "Create"),
    ("admin.save", "Gem", "Save"),
    ("admin.delete", "Slet", "Delete"),
    ("admin.checklist", "Aktiveringstjekliste", "Activation checklist"),
    ("admin.side", "Side", "Side"),
    ("admin.add_item", "Tilføj punkt", "Add item"),
    ("admin.cards", "Aktionskort", "Action cards"),
    ("admin.problem", "Problem", "Problem"),
    ("admin.solution", "Løsning", "Solution"),
    ("admin.communication", "Kommunikation", "Communication"),
    ("admin.steps", "Trin (ét pr. linje; bliver tjeklistepunkter)", "Steps (one per line; become checklist items)"),
    ("admin.add_card", "Tilføj aktionskort", "Add action card"),
    ("error.title", "Noget gik galt", "Something went wrong"),
    ("error.back", "Tilbage", "Back"),
    ("error.forbidden", "Du har ikke adgang til dette.", "You do not have access to this."),
    ("error.not_found", "Siden eller emnet findes ikke.", "The page or item does not exist."),
    (
        "error.invalid",
        "Oplysningerne kunne ikke gemmes. Ret følgende og prøv igen:",
        "The details could not be saved. Correct the following and try again:",
    ),
    ("error.conflict", "Handlingen passer ikke med krisens nuværende tilstand:", "The action does not fit the incident's current state:"),
    (
        "error.unavailable",
        "Databasen svarer ikke. Intet er gemt; prøv igen om lidt.",
        "The database is not answering. Nothing was saved; try again shortly.",
    ),
    ("error.csrf", "Formularen er udløbet. Genindlæs siden, og prøv igen.", "The form has expired. Reload the page and try again."),
    ("error.generic", "Anmodningen kunne ikke gennemføres:", "The request could not be completed:"),
    ("print.title", "Aktivitetslog (ICS 214)", "Activity log (ICS 214)"),
    ("print.incident", "1. Krise", "1. Incident name"),
    ("print.period", "2. Operationel periode", "2. Operational period"),
    ("print.prepared_by", "3. Udarbejdet af (navn, stilling, hjemmeorganisation)", "3. Prepared by (name, position, home agency)"),
    ("print.resources", "4. Tilknyttede personer", "4. Resources assigned"),
    ("nav.agent", "Agentkonsol", "Agent console"),
    ("agent.title", "Agentkonsol", "Agent console"),
    ("agent.none", "Ingen aktive kriser lige nu.", "No active crises right now."),
    ("search.label", "Søg i kriseguides og hverdagsguides", "Search crisis guides and everyday guides"),
    ("search.button", "Søg", "Search"),
    ("search.title", "Søgning", "Search"),
    ("search.none", "Ingen resultater. Prøv andre ord.", "No results. Try other words."),
    ("search.hits", "resultater", "results"),
    (
        "search.invalid",
        "Søgningen kunne ikke udføres. Skriv mindst ét ord (højst 500 tegn).",
        "The search could not run. Write at least one word (at most 500 characters).",
    ),
    ("search.kind.crisis", "Kriseguide", "Crisis guide"),
    ("search.kind.everyday", "Hverdagsguide", "Everyday guide"),
    ("search.everyday_for", "Hverdagsguide for", "Everyday guide for"),
    (
        "agent.no_guide",
        "Guiden er endnu ikke offentliggjort. Henvis til kommunens egne kanaler.",
        "The guide has not been published yet. Refer to the municipality's own channels.",
    ),
    ("agent.done_inquiry", "Henvendelsen er registreret.", "The inquiry is recorded."),
    ("agent.done_feedback", "Tak – din feedback er sendt.", "Thank you – your feedback was sent."),
    ("agent.done_callback", "Anmodningen om opkald er sendt til myndigheden.", "The callback request was sent to the authority."),
    ("agent.caller_municipality", "Borgerens kommune", "Caller's municipality"),
    (
        "agent.question",
        "Hvad spurgte borgeren om? (valgfrit, ingen navne eller CPR)",
        "What did the citizen ask? (optional, no names or CPR numbers)",
    ),
    (
        "agent.inquiry_hint",
        "Vælg kommune, skriv evt. stikord, og klik på den situation, borgeren spurgte om – eller på »Ikke dækket af guiden«.",
        "Choose the municipality, optionally type a few words, and click the situation the citizen asked about – or »Not covered by the guide«.",
    ),
    ("agent.not_covered", "Ikke dækket af guiden", "Not covered by the guide"),
    ("agent.record", "Registrér", "Record"),
    ("agent.callback", "Anmodning om opkald", "Callback request"),
    (
        "agent.callback_hint",
        "Til ikke-akutte sager: myndigheden ringer borgeren op. Oplysningerne slettes automatisk efter krisen.",
        "For non-urgent cases: the authority calls the citizen back. The details are deleted automatically after the crisis.",
    ),
    ("agent.send_callback", "Send anmodning", "Send request"),
    ("agent.feedback", "Feedback på guiden", "Feedback on the guide"),
    ("agent.send_feedback", "Send feedback", "Send feedback"),
    ("field.name", "Navn", "Name"),
    ("field.phone", "Telefon", "Phone"),
    ("field.email_optional", "E-mail (valgfri)", "E-mail (optional)"),
    ("field.reason", "Hvad drejer det sig om?", "What is it about?"),
    ("staffing.title", "Bemanding", "Staffing"),
    ("staffing.calls", "Opkald pr. interval", "Calls per interval"),
    ("staffing.no_calls", "Der er ingen opkaldstal endnu.", "There are no call figures yet."),
    (
        "staffing.chart_title",
        "Opkald, opgivne opkald og serviceniveau pr. interval",
        "Calls, abandoned calls and service level per interval",
    ),
    (
        "staffing.chart_desc",
        "Søjler: besvarede og opgivne opkald pr. interval. Linje: andel besvaret inden for målet. Tallene står i tabellen herunder.",
        "Bars: answered and abandoned calls per interval. Line: the share answered within the target. The figures are in the table below.",
    ),
    ("staffing.answered", "Besvaret", "Answered"),
    ("staffing.abandoned", "Opgivet", "Abandoned"),
    ("staffing.offered", "Opkald", "Calls"),
    ("staffing.service_level", "Serviceniveau", "Service level"),
    ("staffing.as_table", "Vis tallene som tabel", "Show the figures as a table"),
    ("staffing.interval", "Interval", "Interval"),
    ("staffing.plan", "Plan for de næste otte timer", "Plan for the next eight hours"),
    (
        "staffing.plan_hint",
        "Prognosen følger krisens egen kurve (eksponentiel udjævning med dæmpet trend); agenter efter Erlang C (Erlang A med borgernes tålmodighed). Samtaletid",
        "The forecast follows the crisis's own curve (exponential smoothing with a damped trend); agents by Erlang C (Erlang A with callers' patience). Handling time",
    ),
    ("staffing.aht_from_calls", "opkaldenes eget gennemsnit", "the calls' own average"),
    ("staffing.covered", "Bemandingen dækker behovet.", "The staffing covers the need."),
    ("staffing.log", "Skriv anbefalingen i loggen", "Write the recommendation in the log"),
    ("staffing.forecast", "Prognose, opkald", "Forecast, calls"),
    ("staffing.overridden", "Sat manuelt af bemandingsansvarlig", "Set by hand by the staffing lead"),
    ("staffing.required", "Agenter i telefonen", "Agents on the phone"),
    ("staffing.scheduled", "Agenter på vagt", "Agents scheduled"),
    ("staffing.rostered", "Agenter i vagtplanen", "Agents rostered"),
    ("staffing.gap", "Mangler", "Short"),
    ("staffing.settings", "Mål for bemandingen", "Staffing targets"),
    ("staffing.target_sl", "Andel besvaret inden for målet (%)", "Share answered within the target (%)"),
    ("staffing.target_answer", "Svartid, mål (sekunder)", "Answer time, target (seconds)"),
    ("staffing.max_occupancy", "Højeste belægning (%)", "Highest occupancy (%)"),
    ("staffing.shrinkage", "Spildtid: pauser, oplæring m.m. (%)", "Shrinkage: breaks, training etc. (%)"),
    ("staffing.aht", "Samtaletid (sekunder)", "Handling time (seconds)"),
    ("staffing.aht_hint", "Tom: opkaldenes eget gennemsnit.", "Empty: the calls' own average."),
    ("staffing.patience", "Borgernes tålmodighed (sekunder)", "Callers' patience (seconds)"),
    ("staffing.max_abandon", "Højeste andel opgivne opkald (%)", "Highest share of abandoned calls (%)"),
    ("staffing.optional", "Kan udelades.", "Optional."),
    ("staffing.interval_length", "Planlægningsinterval", "Planning interval"),
    ("staffing.save", "Gem", "Save"),
    ("staffing.override", "Egen prognose for et interval", "Own forecast for an interval"),
    ("staffing.override_start", "Intervallets start", "Start of the interval"),
    ("staffing.override_calls", "Antal opkald", "Number of calls"),
    ("staffing.override_hint", "Tom: den beregnede prognose gælder igen.", "Empty: the calculated forecast applies again."),
    ("staffing.import", "Opkaldstal fra kontaktcenteret", "Call figures from the contact centre"),
    ("staffing.import_label", "Indsæt eksporten (CSV)", "Paste the export (CSV)"),
    (
        "staffing.import_hint",
        "Første linje: start;length_s;offered;answered;abandoned;answered_within_target;avg_handle_s;avg_wait_s. Start som 2026-11-23 14:00. Et interval, der sendes igen, erstattes.",
        "First line: start,length_s,offered,answered,abandoned,answered_within_target,avg_handle_s,avg_wait_s. Start as 2026-11-23 14:00. An interval sent again is replaced.",
    ),
    ("staffing.import_button", "Indlæs", "Import"),
    ("staffing.imported", "Indlæst", "Imported"),
    ("staffing.new", "nye intervaller", "new intervals"),
    ("staffing.replaced", "erstattet", "replaced"),
    ("staffing.rejected", "Afviste rækker – ret dem og indlæs igen", "Rejected rows – correct them and import again"),
    ("staffing.line", "Linje", "Line"),
    ("staffing.open", "Bemanding og opkald", "Staffing and calls"),
    ("shifts.title", "Vagtplan", "Shift plan"),
    (
        "shifts.intro",
        "Basisandelen af hver vagt fordeles på medlemskommunerne efter indbyggertal (Sainte-Laguë); resten udbydes, og kommunerne byder ind med agenter.",
        "Each shift's base share is spread over the member municipalities by population (Sainte-Laguë); the rest is offered, and the municipalities bid agents.",
    ),
    ("shifts.none", "Der er ingen vagtplan endnu.", "There is no shift plan yet."),
    ("shifts.csv", "Hent vagtplanen (CSV)", "Download the shift plan (CSV)"),
    ("shifts.ics", "Hent jeres vagter til kalenderen (iCalendar)", "Download your shifts for the calendar (iCalendar)"),
    ("shifts.award", "Fordel de udbudte vagter efter buddene", "Award the offered shifts from the bids"),
    ("shifts.agents", "agenter", "agents"),
    ("shifts.base", "basisandel", "base share"),
    ("shifts.open", "udbudt", "offered"),
    ("shifts.awarded", "tildelt", "awarded"),
    ("shifts.bids", "bud", "bids"),
    ("shifts.member", "Kommune", "Municipality"),
    ("shifts.yours", "Jeres agenter på vagten", "Your agents on this shift"),
    ("shifts.yours_link", "Jeres vagter og bud", "Your shifts and bids"),
    ("shifts.bid", "Jeres bud (agenter)", "Your bid (agents)"),
    ("shifts.send_bid", "Send bud", "Send bid"),
    ("shifts.lay", "Læg vagtplanen", "Lay the shift plan"),
    ("shifts.lines", "Vagter, én pr. linje", "Shifts, one per line"),
    (
        "shifts.lines_hint",
        "start;slut;agenter, fx 2026-11-23 06:00;2026-11-23 14:00;20. En ny plan erstatter den gamle, så længe ingen har budt.",
        "start;end;agents, e.g. 2026-11-23 06:00;2026-11-23 14:00;20. A new plan replaces the old one as long as nobody has bid.",
    ),
    ("shifts.base_share", "Basisandel (%)", "Base share (%)"),
    ("shifts.lay_button", "Læg planen", "Lay the plan"),
    ("guide.title", "Beredskabsguide", "Crisis guide"),
    ("guide.version", "Version", "Version"),
    ("guide.overdue", "Guiden er forældet.", "The guide is overdue."),
    ("guide.was_due", "Næste opdatering var lovet", "The next update was due"),
    ("guide.next_update", "Næste opdatering forventes", "Next update expected"),
    ("guide.unpublished", "Guiden er ikke offentliggjort endnu.", "The guide has not been published yet."),
    ("guide.urgent", "Akut", "Urgent"),
    ("guide.changes", "Nyt siden version", "New since version"),
    ("guide.situations", "Hvad agenterne kan hjælpe med", "What agents can help with"),
    ("guide.situation", "Borgerens situation", "Citizen's situation"),
    ("guide.action", "Det gør du", "What you do"),
    ("guide.citizen_text", "Det må borgerne få at vide", "What citizens may be told"),
    ("guide.citizen_questions", "Sådan spørger borgerne", "How citizens ask"),
    (
        "guide.citizen_questions_hint",
        "Ét spørgsmål pr. linje, med borgernes egne ord. Chatbotten genkender spørgsmålene; borgerne ser dem ikke.",
        "One question per line, in citizens' own words. The chatbot recognises them; citizens never see them.",
    ),
    ("guide.contacts", "Nødnumre og kontakter", "Emergency numbers and contacts"),
    ("guide.callback_email", "Postkasse til opkald", "Callback mailbox"),
    ("guide.short_status", "Kort status", "Short status"),
    ("guide.scope", "Omfang", "Scope"),
    ("guide.purpose", "Formål (internt – vises ikke for agenter og borgere)", "Purpose (internal – not shown to agents or citizens)"),
    ("guide.banner", "Banner (én linje alle agenter ser)", "Banner (one line every agent sees)"),
    ("guide.started_at", "Krisen startede", "Started"),
    ("guide.expected_duration", "Forventet varighed", "Expected duration"),
    ("guide.next_update_at", "Næste opdatering (dato og klokkeslæt)", "Next update (date and time)"),
    ("guide.citizen_summary", "Til borgerne", "For citizens"),
    ("guide.edit", "Redigér guiden", "Edit the guide"),
    ("guide.save", "Gem kladde", "Save draft"),
    ("guide.publish", "Gem og offentliggør", "Save and publish"),
    ("guide.saved", "Kladden er gemt.", "The draft is saved."),
    ("guide.published", "Guiden er offentliggjort som en ny version.", "The guide is published as a new version."),
    ("guide.rows_hint", "Tomme rækker gemmes ikke: tøm en række for at fjerne den.", "Empty rows are not saved: clear a row to remove it."),
    ("guide.note", "Bemærkning", "Note"),
    (
        "guide.fix",
        "Guiden er ikke gemt færdig. Ret disse felter (forklaringen er på engelsk):",
        "The guide is not done. Correct these fields:",
    ),
    ("guide.not_done", "Det lykkedes ikke:", "That did not work:"),
    ("guide.row_situation", "Situation", "Situation"),
    ("guide.row_contact", "Kontakt", "Contact"),
    (
        "guide.embed_hint",
        "Sæt denne kode ind på kommunens hjemmeside; siden opdaterer sig selv, når guiden ændres. Erstat adressen med Kriseservices adresse.",
        "Put this code on the municipality's website; it updates itself when the guide changes. Replace the address with Kriseservice's address.",
    ),
    (
        "guide.markdown_hint",
        "Du kan skrive **fed**, *kursiv*, punktlister med »- « og links som [tekst](https://…).",
        "You can write **bold**, *italic*, lists with »- « and links as [text](https://…).",
    ),
    ("guide.time_hint", "Dansk tid.", "Copenhagen time."),
    ("guide.embed", "Indlejr krisesiden på kommunens hjemmeside", "Embed the crisis page on the municipality's website"),
    ("guide.public_page", "Offentlig kriseside", "Public crisis page"),
    ("feedback.title", "Feedback fra agenterne", "Feedback from agents"),
    ("feedback.section", "Afsnit", "Section"),
    ("feedback.category", "Hvad er der galt?", "What is wrong?"),
    ("feedback.text", "Beskriv kort", "Describe briefly"),
    ("feedback.routed", "Sendt til", "Routed to"),
    ("feedback.acknowledge", "Kvittér", "Acknowledge"),
    ("feedback.resolve", "Løst i version", "Resolved in version"),
    ("feedback.none", "Ingen feedback endnu.", "No feedback yet."),
    ("feedback.counts", "Feedback: nye / kvitteret / løst", "Feedback: new / acknowledged / resolved"),
    ("feedback.contact_details", "Kontaktoplysninger er forkerte", "Contact details are wrong"),
    ("feedback.information_wrong", "Information er forkert", "Information is wrong"),
    ("feedback.information_missing", "Information mangler", "Information is missing"),
    ("feedback.other", "Andet", "Other"),
    ("feedback_state.new", "Ny", "New"),
    ("feedback_state.acknowledged", "Kvitteret", "Acknowledged"),
    ("feedback_state.resolved", "Løst", "Resolved"),
    ("section.banner", "Banner", "Banner"),
    ("section.scope", "Omfang", "Scope"),
    ("section.short_status", "Kort status", "Short status"),
    ("section.time_perspective", "Tidsperspektiv", "Time perspective"),
    ("section.expected_duration", "Forventet varighed", "Expected duration"),
    ("section.next_update_at", "Næste opdatering", "Next update"),
    ("section.situations", "Situationer", "Situations"),
    ("section.contacts", "Kontakter", "Contacts"),
    ("section.callback_email", "Postkasse til opkald", "Callback mailbox"),
    ("section.citizen_summary", "Til borgerne", "For citizens"),
    ("inquiries.title", "Hvad spørger borgerne om?", "What are citizens asking?"),
    ("inquiries.total", "Henvendelser i alt", "Inquiries in all"),
    ("inquiries.per_hour", "Pr. time", "Per hour"),
    ("inquiries.hour", "Time", "Hour"),
    ("inquiries.count", "Antal", "Count"),
    ("inquiries.per_situation", "Pr. situation", "Per situation"),
    ("inquiries.top_not_covered", "Oftest stillede spørgsmål, guiden ikke dækker", "Most frequent questions the guide does not cover"),
    ("inquiries.none", "Ingen henvendelser registreret endnu.", "No inquiries recorded yet."),
    ("callbacks.title", "Anmodninger om opkald", "Callback requests"),
    ("callbacks.none", "Ingen anmodninger.", "No requests."),
    ("callbacks.export", "Eksportér som CSV", "Export as CSV"),
    ("callbacks.mailed", "Mailet", "Mailed"),
    ("callbacks.received", "Modtaget", "Received"),
    ("callbacks.recorded_by", "Modtaget af", "Recorded by"),
    (
        "callbacks.privacy",
        "Personoplysninger: hver visning og eksport logges, og oplysningerne slettes automatisk efter opbevaringsperioden.",
        "Personal data: every view and export is logged, and the data is deleted automatically after the retention period.",
    ),
    ("callbacks.access", "Hvem har set oplysningerne", "Who has seen the data"),
    ("yes", "Ja", "Yes"),
    ("no", "Nej", "No"),
    ("print.activity", "5. Aktivitetslog", "5. Activity log"),
    ("print.time", "Tidspunkt", "Date/time"),
    ("print.activities", "Væsentlige aktiviteter", "Notable activities"),
    ("print.signature", "Underskrift", "Signature"),
    ("print.until_now", "til nu", "until now"),
    ("print.print", "Udskriv", "Print"),
    ("public.title", "Krisesider", "Crisis pages"),
    ("public.index_title", "Aktive kriser", "Active crises"),
    ("public.none", "Der er ingen aktive kriser lige nu.", "There are no active crises right now."),
    ("public.crisis_in", "Krise i {name}", "Crisis in {name}"),
    (
        "public.no_crisis_in",
        "Der er ingen aktiv krise i {name} lige nu. Kontakt kommunen, som du plejer.",
        "There is no active crisis in {name} right now. Contact the municipality as you usually would.",
    ),
    ("public.active", "Aktiv krise", "Active crisis"),
    ("public.standing_down", "Krisen er ved at være overstået", "The crisis is nearly over"),
    ("public.crisis_line", "Har du spørgsmål, så ring til kriselinjen:", "If you have questions, call the crisis line:"),
    ("public.started", "Startede", "Started"),
    ("public.expected_duration", "Forventet varighed", "Expected duration"),
    ("public.next_update", "Næste opdatering", "Next update"),
    ("public.updated", "Senest opdateret", "Last updated"),
    ("public.answers", "Det skal du vide", "What you need to know"),
    ("public.contacts", "Nødnumre og kontakter", "Emergency numbers and contacts"),
    ("public.all", "Alle krisesider", "All crisis pages"),
    ("public.print", "Udskriv siden", "Print the page"),
    ("chat.title", "Spørg om krisen – chat", "Ask about the crisis – chat"),
    ("chat.heading", "Spørg om krisen", "Ask about the crisis"),
    ("chat.heading_in", "Spørg om krisen i {name}", "Ask about the crisis in {name}"),
    (
        "chat.intro",
        "Jeg er en chatbot. Jeg svarer kun med kommunens godkendte tekster – ikke med mine egne ord. Skriv ikke CPR-nummer eller andre personlige oplysninger.",
        "I am a chatbot. I answer only with the municipality's approved texts – not in my own words. Do not write your CPR number or other personal details.",
    ),
    ("chat.log", "Samtale", "Conversation"),
    ("chat.you_wrote", "Du skrev:", "You wrote:"),
    ("chat.bot_replies", "Chatbotten svarer:", "The chatbot replies:"),
    ("chat.crisis_phone", "Ring til krisetelefonen:", "Call the crisis phone:"),
    (
        "chat.callback_sent",
        "Tak. Din anmodning om opkald er sendt til kommunen.",
        "Thank you. Your callback request was sent to the municipality.",
    ),
    ("chat.question", "Dit spørgsmål", "Your question"),
    ("chat.send", "Send", "Send"),
    ("chat.callback", "Bestil et opkald", "Request a call"),
    ("chat.phone", "Telefonnummer", "Phone number"),
    ("chat.call_me", "Ring mig op", "Call me"),
    (
        "chat.error.rate_limited",
        "Du har sendt mange beskeder på kort tid. Vent et øjeblik, og prøv igen.",
        "You have sent many messages in a short time. Wait a moment and try again.",
    ),
    (
        "chat.error.unknown_municipality",
        "Kommunen kendes ikke. Åbn chatten fra kommunens hjemmeside.",
        "The municipality is not known. Open the chat from the municipality's website.",
    ),
    ("chat.error.too_long", "Skriv kortere – højst {max} tegn.", "Write less – at most {max} characters."),
    ("chat.error.empty", "Skriv dit spørgsmål i feltet.", "Write your question in the field."),
    ("chat.error.expired", "Samtalen er udløbet. Skriv dit spørgsmål igen.", "The conversation has expired. Write your question again."),
    (
        "chat.error.no_crisis",
        "Der er ingen aktiv krise at blive ringet op om. Kontakt kommunen, som du plejer.",
        "There is no active crisis to be called about. Contact the municipality as you usually would.",
    ),
    (
        "chat.error.already_requested",
        "Du har allerede bestilt et opkald. Kommunen ringer dig op.",
        "You have already requested a call. The municipality will call you.",
    ),
    ("chat.error.failed", "Det lykkedes ikke. Prøv igen.", "That did not work. Try again."),
    (
        "chat.error.callback_fields",
        "Udfyld navn, et dansk telefonnummer og hvad det drejer sig om.",
        "Fill in your name, a Danish phone number and what it is about.",
    ),
];

/// `t` for a key that may have no entry (names that come from elsewhere, like a validation's field).
pub fn t_or<'a>(lang: Lang, key: &str, fallback: &'a str) -> &'a str {
    TABLE.iter().find(|(k, _, _)| *k == key).map_or(fallback, |(_, da, en)| if lang == Lang::Da { da } else { en })
}

/// The text for `key`. A key missing from the table panics in debug and test builds (the page
/// tests then fail); a release build shows `?` rather than fail a citizen's page.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match TABLE.iter().find(|(k, _, _)| *k == key) {
        Some((_, da, en)) => {
            if lang == Lang::Da {
                da
            } else {
                en
            }
        }
        None => {
            debug_assert!(false, "missing translation key {key}");
            "?"
        }
    }
}

/// `t` for a text with values in it: each `{name}` is replaced by the value given for `name`,
/// which is inserted as it is (never scanned for placeholders itself).
pub fn tf(lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
    fill(t(lang, key), values)
}

fn fill(text: &str, values: &[(&str, &str)]) -> String {
    debug_assert!(values.iter().all(|(name, _)| text.contains(&format!("{{{name}}}"))), "a value without a placeholder in {text:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => {
                debug_assert!(false, "no value for {{{name}}} in {text:?}");
                out.push_str(&rest[open..=open + len]);
            }
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The keys `word(prefix, value)` looks up: one per value of each domain enum.
    fn domain_keys() -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(domain::incident::Status::ALL.iter().map(|s| format!("status.{s}")));
        keys.extend(domain::incident::IncidentKind::ALL.iter().map(|s| format!("kind.{s}")));
        keys.extend(domain::incident::Channel::ALL.iter().map(|s| format!("channel.{s}")));
        keys.extend(domain::log::LogCategory::ALL.iter().map(|s| format!("category.{s}")));
        keys.extend(domain::Role::ALL.iter().map(|s| format!("role.{s}")));
        keys.extend(domain::checklist::Side::ALL.iter().map(|s| format!("side.{s}")));
        keys.extend(domain::feedback::FeedbackCategory::ALL.iter().map(|s| format!("feedback.{s}")));
        keys.extend(domain::feedback::FeedbackState::ALL.iter().map(|s| format!("feedback_state.{s}")));
        keys.extend(domain::feedback::GuideSection::ALL.iter().map(|s| format!("section.{s}")));
        // The agents' "new since version" list names the guide's fields: change every one of them.
        let text = || "x".to_string();
        let changed = domain::guide::Guide {
            banner: text(),
            scope: text(),
            short_status: text(),
            expected_duration: text(),
            next_update_at: Some(time::OffsetDateTime::UNIX_EPOCH),
            situations: vec![domain::guide::Situation { situation: text(), action: text(), ..Default::default() }],
            contacts: vec![domain::guide::Contact { name: text(), phone: "112".into(), note: String::new(), urgent: true }],
            callback_email: text(),
            citizen_summary: text(),
            ..Default::default()
        };
        keys.extend(domain::guide::changes(&Default::default(), &changed).iter().map(|c| format!("section.{}", c.section)));
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    fn entry(key: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
        TABLE.iter().find(|(k, _, _)| *k == key)
    }

    /// The `{name}`s in a text, in order.
    fn placeholders(text: &str) -> Vec<&str> {
        text.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name)).collect()
    }

    #[derive(Debug, PartialEq)]
    enum Tok {
        Ident(String),
        Str(String),
        Punct(char),
    }

    /// Rust source as identifiers, string literals and punctuation, without comments, so that
    /// neither a comment nor a string's content is taken for code.
    fn tokens(src: &str) -> Vec<Tok> {
        let c: Vec<char> = src.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            let ch = c[i];
            if ch.is_whitespace() {
                i += 1;
            } else if ch == '/' && c.get(i + 1) == Some(&'/') {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            } else if ch == '/' && c.get(i + 1) == Some(&'*') {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            } else if ch == '"' {
                let mut s = String::new();
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        s.push(c[i]);
                        i += 1;
                    }
                    if let Some(&x) = c.get(i) {
                        s.push(x);
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str(s));
            } else if ch == '\'' {
                // A char literal ('x', '\n', '\'') or a lifetime ('a).
                if c.get(i + 1) == Some(&'\\') {
                    i += 3;
                    while i < c.len() && c[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if c.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            } else if ch.is_alphanumeric() || ch == '_' {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                let hashes = c[i..].iter().take_while(|&&x| x == '#').count();
                if (word == "r" || word == "br") && c.get(i + hashes) == Some(&'"') {
                    // A raw string: up to the quote followed by as many hashes.
                    i += hashes + 1;
                    let start = i;
                    while i < c.len() && !(c[i] == '"' && c[i + 1..].iter().take(hashes).filter(|&&x| x == '#').count() == hashes) {
                        i += 1;
                    }
                    out.push(Tok::Str(c[start..i].iter().collect()));
                    i += hashes + 1;
                } else {
                    out.push(Tok::Ident(word));
                }
            } else {
                out.push(Tok::Punct(ch));
                i += 1;
            }
        }
        out
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Call {
        T,
        Tf,
        Word,
    }

    /// Each `t(…)`, `tf(…)` and `word(…)` call (also as methods, `ctx.t(…)`) with the string
    /// literals among its own arguments, and whether its first argument is `self` (the `Ctx`
    /// methods that pass a key on).
    fn calls(src: &str) -> Vec<(Call, Vec<String>, bool)> {
        let toks = tokens(src);
        let mut out = Vec::new();
        for (i, tok) in toks.iter().enumerate() {
            let call = match tok {
                Tok::Ident(n) if n == "t" => Call::T,
                Tok::Ident(n) if n == "tf" => Call::Tf,
                Tok::Ident(n) if n == "word" => Call::Word,
                _ => continue,
            };
            if toks.get(i + 1) != Some(&Tok::Punct('(')) || (i > 0 && toks[i - 1] == Tok::Ident("fn".into())) {
                continue;
            }
            let via_self = toks.get(i + 2) == Some(&Tok::Ident("self".into()));
            let (mut depth, mut literals) = (0, Vec::new());
            for tok in &toks[i + 1..] {
                match tok {
                    Tok::Punct('(' | '[' | '{') => depth += 1,
                    Tok::Punct(')' | ']' | '}') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Tok::Str(s) if depth == 1 => literals.push(s.clone()),
                    _ => {}
                }
            }
            out.push((call, literals, via_self));
        }
        out
    }

    /// Every Rust file of the crate but this one, by path relative to `src`.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("read src") {
                let p = e.expect("dir entry").path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&root, &mut files);
        files.sort();
        let files: Vec<_> = files
            .into_iter()
            .map(|p| {
                (p.strip_prefix(&root).expect("under src").to_string_lossy().replace('\\', "/"), std::fs::read_to_string(&p).expect("read"))
            })
            .filter(|(name, _)| name != "i18n.rs")
            .collect();
        assert!(files.iter().any(|(n, _)| n == "pages/public.rs") && files.len() > 10, "the sources were found");
        files
    }

    /// The keys the code looks up, with the file and how (`t` or `tf`); `word` calls give the domain
    /// prefix (and the value, when that is a literal too).
    fn used_keys() -> Vec<(String, String, Call)> {
        let mut used = Vec::new();
        for (file, src) in sources() {
            for (call, literals, via_self) in calls(&src) {
                let key = match (call, literals.as_slice()) {
                    (Call::Word, [prefix, value]) => format!("{prefix}.{value}"),
                    (Call::Word, [prefix]) => prefix.clone(),
                    (_, [key, ..]) => key.clone(),
                    // `Ctx::t` and friends hand their argument on; everything else names its key.
                    (_, []) if via_self => continue,
                    _ => panic!("{file}: a {call:?} call whose key is not a string literal, so no test can check it: {literals:?}"),
                };
                used.push((key, file.clone(), call));
            }
        }
        used
    }

    #[test]
    fn the_source_scan_sees_calls_and_not_comments() {
        let src = r##"
            // t("in.comment")
            /* ctx.t("in.block") */
            fn t(lang: Lang, key: &str) {}
            let a = ctx.t("a.b");
            let b = t(lang, "c.d");
            let c = crate::i18n::tf(Lang::Da, "e.f", &[("name", &n)]);
            let d = ctx.word("role", r.role);
            let e = ctx.word("section", "scope");
            let f = "t("in.string")";
            let g = r#"t("in.raw")"#;
            let h = '"'; let i = ctx.t("g.h"); fn l<'a>(x: &'a str) { t(self.lang, key) }
        "##;
        let found: Vec<_> = calls(src).into_iter().map(|(c, l, s)| (c, l.join("|"), s)).collect();
        let want = [
            (Call::T, "a.b", false),
            (Call::T, "c.d", false),
            (Call::Tf, "e.f", false),
            (Call::Word, "role", false),
            (Call::Word, "section|scope", false),
            (Call::T, "g.h", false),
            (Call::T, "", true),
        ];
        assert_eq!(found, want.map(|(c, l, s)| (c, l.to_string(), s)));
    }

    /// Every key the code names is in the table, and a text with placeholders is only used with
    /// values (and the other way round), so no page can show `?` or a bare `{name}`.
    #[test]
    fn every_key_used_is_in_the_table() {
        let prefixes: BTreeSet<String> = domain_keys().iter().map(|k| k.split('.').next().expect("prefix").to_string()).collect();
        let used = used_keys();
        assert!(used.len() > 400, "the scan found the pages' keys: {}", used.len());
        for (key, file, call) in used {
            if call == Call::Word && !key.contains('.') {
                assert!(prefixes.contains(&key), "{file}: word({key:?}, …) is not a domain word prefix");
                continue;
            }
            let Some((_, da, _)) = entry(&key) else { panic!("{file}: the key {key:?} is not in the translation table") };
            match call {
                Call::Tf => assert!(!placeholders(da).is_empty(), "{file}: {key:?} has no placeholder; use t"),
                _ => assert!(placeholders(da).is_empty(), "{file}: {key:?} has placeholders; use tf"),
            }
        }
    }

    #[test]
    fn every_key_in_the_table_is_used() {
        let mut used: BTreeSet<String> = used_keys().into_iter().map(|(k, _, _)| k).collect();
        used.extend(domain_keys());
        let unused: Vec<_> = TABLE.iter().map(|(k, _, _)| *k).filter(|k| !used.contains(*k)).collect();
        assert!(unused.is_empty(), "keys no page uses: {unused:?}");
    }

    /// String literals that look like text for people: a capital first letter (markup's own
    /// strings, like classes, headers and form names, are lower case), æ/ø/å or a common Danish word.
    /// Paths (`/krise/…`) are addresses, not text.
    fn danish_literals(src: &str) -> Vec<String> {
        const WORDS: &[&str] = &[
            "af", "alle", "det", "der", "din", "dit", "du", "er", "har", "ikke", "ingen", "jeg", "kan", "kommunen", "kontakt", "krise",
            "krisen", "kriser", "med", "navn", "og", "ring", "samtale", "senest", "siden", "skal", "som", "startede", "tak", "til",
            "udskriv",
        ];
        tokens(src)
            .into_iter()
            .filter_map(|t| match t {
                Tok::Str(s) => Some(s),
                _ => None,
            })
            .filter(|s| !s.starts_with('/'))
            .filter(|s| {
                s.chars().find(|c| c.is_alphabetic()).is_some_and(char::is_uppercase)
                    || s.chars().any(|c| "æøåÆØÅ".contains(c))
                    || s.split(|c: char| !c.is_alphabetic()).any(|w| WORDS.contains(&w.to_lowercase().as_str()))
            })
            .collect()
    }

    #[test]
    fn the_danish_scan_finds_danish_literals_only() {
        let src = r##"p { "Gå til indhold" } // Krise i en kommentar
            h1 { "Krisesider" " i " (n) } a href="tel:" { "ring mig op" } p { "spørgsmål" } "frame-ancestors *" "public.crisis_in"
            /* "Ingen" */ "cb-name" "no-store" "#main" "utf-8" "/krise/{code}""##;
        assert_eq!(danish_literals(src), ["Gå til indhold", "Krisesider", "ring mig op", "spørgsmål"]);
    }

    #[test]
    fn public_and_chat_pages_have_no_danish_outside_the_table() {
        for file in ["pages/public.rs", "pages/chat.rs"] {
            let src = sources().into_iter().find(|(n, _)| n == file).expect("file").1;
            assert_eq!(danish_literals(&src), Vec::<String>::new(), "{file}: Danish text belongs in the translation table");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("Krise i {name}", &[("name", "Frederikssund")]), "Krise i Frederikssund");
        assert_eq!(fill("{a} og {b}, {a}", &[("a", "1"), ("b", "2")]), "1 og 2, 1");
        assert_eq!(fill("Krise i {name}", &[("name", "{name} & {x}")]), "Krise i {name} & {x}", "a value is not filled in again");
        assert_eq!(fill("Ingen", &[]), "Ingen");
        assert_eq!(tf(Lang::En, "public.crisis_in", &[("name", "Halsnæs")]), "Crisis in Halsnæs");
    }

    #[test]
    #[should_panic(expected = "no value for {name}")]
    fn a_placeholder_without_a_value_panics_in_tests() {
        fill("Krise i {name}", &[]);
    }

    #[test]
    #[should_panic(expected = "missing translation key")]
    fn a_missing_key_panics_in_tests() {
        t(Lang::Da, "no.such.key");
    }

    #[test]
    fn every_domain_word_is_translated() {
        for k in domain_keys() {
            assert!(entry(&k).is_some(), "missing {k}");
        }
    }

    /// No key twice, no text empty or padded in either language (spacing belongs to the markup),
    /// and both languages have the same placeholders.
    #[test]
    fn keys_are_unique_and_complete() {
        for (i, (k, da, en)) in TABLE.iter().enumerate() {
            assert!(!da.trim().is_empty() && !en.trim().is_empty(), "{k} is empty in a language");
            assert!(da.trim() == *da && en.trim() == *en, "{k} starts or ends with a space");
            assert!(!TABLE[..i].iter().any(|(x, _, _)| x == k), "duplicate {k}");
            let (mut pd, mut pe) = (placeholders(da), placeholders(en));
            pd.sort_unstable();
            pe.sort_unstable();
            assert_eq!(pd, pe, "{k}: the placeholders differ between Danish and English");
            assert_eq!(da.matches('{').count(), placeholders(da).len(), "{k}: a stray brace");
            assert_eq!(en.matches('{').count(), placeholders(en).len(), "{k}: a stray brace");
        }
    }
}
