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
    ("print.activity", "5. Aktivitetslog", "5. Activity log"),
    ("print.time", "Tidspunkt", "Date/time"),
    ("print.activities", "Væsentlige aktiviteter", "Notable activities"),
    ("print.signature", "Underskrift", "Signature"),
    ("print.until_now", "til nu", "until now"),
    ("print.print", "Udskriv", "Print"),
];

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
