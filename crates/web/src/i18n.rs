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
];

/// `t` for a key that may have no entry (names that come from elsewhere, like a validation's field).
pub fn t_or<'a>(lang: Lang, key: &str, fallback: &'a str) -> &'a str {
    TABLE.iter().find(|(k, _, _)| *k == key).map_or(fallback, |(_, da, en)| if lang == Lang::Da { da } else { en })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_word_is_translated() {
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
        for k in keys {
            assert!(TABLE.iter().any(|(key, _, _)| *key == k), "missing {k}");
        }
    }

    #[test]
    fn keys_are_unique_and_complete() {
        for (i, (k, da, en)) in TABLE.iter().enumerate() {
            assert!(!da.is_empty() && !en.is_empty(), "{k}");
            assert!(!TABLE[..i].iter().any(|(x, _, _)| x == k), "duplicate {k}");
        }
    }
}
