//! Hand-written Danish vocabulary for the answer engine: crisis synonyms and paraphrases,
//! words that ask for the situation or for phone numbers, chat filler, and the municipality
//! names. General domain words only; every entry is stemmed when the tables are built.

use crate::analysis::{stem, term_of};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Groups of words citizens use for the same thing. A word may sit in several groups.
/// English entries bridge the most common crisis questions asked in English.
const SYNONYMS: &[&[&str]] = &[
    // Electricity and power cuts.
    &[
        "strøm",
        "el",
        "elektricitet",
        "lys",
        "lyset",
        "elforsyning",
        "strømforsyning",
        "elnet",
        "elnettet",
        "mørk",
        "mørkt",
        "power",
        "electricity",
    ],
    &["strømafbrydelse", "strømsvigt", "strømnedbrud", "elafbrydelse", "afbrydelse", "udfald", "blackout", "outage"],
    &["generator", "nødstrøm", "nødgenerator", "aggregat", "gasblus", "grill", "stearinlys", "brændeovn", "gasovn"],
    &["oplade", "lade", "opladning", "ladestation", "batteri", "strømbank", "powerbank", "charge"],
    &["telefon", "mobil", "mobiltelefon", "mobilen", "smartphone", "phone"],
    &["mobilnet", "mobilnettet", "dækning", "signal", "fastnet", "fastnettet", "netværk", "forbindelse"],
    &["apparat", "apparater", "elektronik", "tv", "fjernsyn", "computer", "router", "vaskemaskine", "hvidevarer", "varer"],
    &["indendørs", "inde", "indenfor", "garage", "køkken", "køkkenet", "stue", "stuen", "skur", "indoors"],
    // Water.
    &["vand", "vandet", "drikkevand", "hanevand", "postevand", "vandhane", "hane", "hanen", "water", "tap"],
    &["drikke", "drikkes", "drikkeligt", "drikkelig", "drink", "drinkable"],
    &["koge", "koges", "kogt", "kogning", "kogeanbefaling", "boil", "boiled"],
    &["forurenet", "forurening", "bakterier", "bakterie", "coli", "smittet", "beskidt", "contaminated"],
    &["misfarvet", "brunt", "brun", "gult", "uklart", "grumset", "lugter", "lugt", "ildelugtende", "smager", "smag", "mærkeligt"],
    &["syg", "sygdom", "ondt", "maveonde", "diarré", "opkast", "kaste", "feber", "sick", "ill"],
    &["baby", "spædbarn", "nyfødt", "modermælkserstatning", "sutteflaske", "flaske", "grød", "infant"],
    &[
        "vaske",
        "vask",
        "bad",
        "bade",
        "brusebad",
        "bruser",
        "tandbørstning",
        "tænder",
        "opvask",
        "skylle",
        "shower",
        "wash",
        "badekar",
        "badekarret",
        "badeværelse",
        "håndvask",
        "bathe",
    ],
    &["mad", "madlavning", "fødevarer", "madvarer", "lave", "kød", "fisk", "mælk", "grøntsager", "salat", "frugt", "food", "cooking"],
    &["restaurant", "café", "cafe", "pizzeria", "kantine", "butik", "bageri", "virksomhed", "fødevarevirksomhed", "erhverv"],
    &["hente", "afhente", "bringe", "levere", "udlevering", "udleveres", "pick"],
    &["adresse", "postnummer", "omfattet", "gælder", "zone", "zonen", "området", "område", "address"],
    // Flooding.
    &["oversvømmelse", "oversvømmet", "oversvømmede", "oversvømmes", "stormflod", "højvande", "vandstand", "flod", "flood", "flooded"],
    &["kælder", "kælderen", "stueetage", "basement"],
    &["sandsække", "sandsæk", "sandbags"],
    &["kloak", "afløb", "toilet", "wc", "kloakken"],
    &[
        "fugt",
        "skimmel",
        "skimmelsvamp",
        "svamp",
        "mug",
        "muggen",
        "mold",
        "muggent",
        "fugtig",
        "fugtigt",
        "affugter",
        "affugtning",
        "tørre",
        "udtørring",
        "damp",
        "mould",
    ],
    &["vej", "veje", "vejen", "gade", "spærret", "afspærret", "køre", "kører", "bil", "bilen", "trafik", "omkørsel", "road", "roads"],
    &["havn", "kaj", "harbour", "harbor", "port"],
    // Heat.
    &["varme", "fjernvarme", "opvarmning", "varmt", "varmeforsyning", "heating", "heat"],
    &["radiator", "radiatorer", "radiatoren", "termostat", "fjernvarmeunit", "varmeanlæg", "varmeanlægget", "radiators"],
    &[
        "kold",
        "koldt",
        "kulde",
        "fryser",
        "fryse",
        "grader",
        "cold",
        "freezing",
        "iskold",
        "iskoldt",
        "isnende",
        "pivkoldt",
        "hundekoldt",
        "kølig",
        "køligt",
        "chilly",
    ],
    &["varmestue", "varmestuen", "varmested", "opvarmet", "warming"],
    &["kompensation", "nedslag", "rabat", "refusion", "tilbagebetaling", "pris", "regning", "refund"],
    // Evacuation and fire.
    &["evakuere", "evakueret", "evakuering", "evakueres", "forlade", "rømme", "flytte", "evacuate", "evacuation", "leave"],
    &["brand", "ild", "brænder", "brændt", "røg", "røgen", "flammer", "fire", "smoke"],
    &["evakueringscenter", "evakueringscentret", "opsamlingssted", "samlingssted", "evakueringssted", "shelter"],
    &["overnatning", "overnatte", "sove", "seng", "sengeplads", "sleep"],
    &["vindue", "vinduer", "ventilation", "udluftning", "lufte"],
    &["sirene", "sirener", "sirenerne", "varsling", "alarm", "sirens"],
    &["bolig", "boligen", "hus", "huset", "lejlighed", "hjem", "hjemmet", "home", "house", "villa", "rækkehus", "flat", "apartment"],
    &["handicap", "kørestol", "rollator", "gangbesværet", "sengeliggende", "wheelchair"],
    &["vejrtrækning", "vejrtrækningsbesvær", "luft", "astma", "hoste", "lunger", "lungerne", "åndenød", "breathing"],
    // Health, care and relatives.
    &["medicin", "insulin", "piller", "tabletter", "medicinen", "medicine", "medication"],
    &[
        "køleskab",
        "køleskabet",
        "fryser",
        "køl",
        "frost",
        "fridge",
        "freezer",
        "optø",
        "optøet",
        "tø",
        "tøet",
        "kølevarer",
        "frostvarer",
        "dybfrost",
    ],
    &["iltapparat", "ilt", "dialyse", "respirator", "hjælpemiddel", "medicinsk", "oxygen"],
    &["ældre", "pårørende", "mor", "far", "mormor", "morfar", "farmor", "farfar", "bedstemor", "bedstefar", "forældre", "elderly"],
    &["hjemmepleje", "hjemmeplejen", "hjemmehjælp", "hjemmehjælper", "madudbringning"],
    &["plejehjem", "plejecenter", "plejecentre", "plejebolig", "plejeboliger"],
    &[
        "skole",
        "skoler",
        "børnehave",
        "vuggestue",
        "dagtilbud",
        "daginstitution",
        "institution",
        "sfo",
        "dagpleje",
        "pasning",
        "nødpasning",
        "school",
    ],
    &[
        "barn",
        "børn",
        "børnene",
        "barnet",
        "baby",
        "spædbarn",
        "datter",
        "søn",
        "kids",
        "children",
        "unger",
        "ungerne",
        "poder",
        "småbørn",
        "kid",
    ],
    &[
        "kæledyr",
        "husdyr",
        "hund",
        "hunde",
        "kat",
        "katte",
        "dyr",
        "dyrene",
        "hest",
        "heste",
        "køer",
        "ko",
        "kvæg",
        "grise",
        "høns",
        "geder",
        "ged",
        "fugle",
        "pets",
        "pet",
        "animals",
        "livestock",
    ],
    // Money and damage.
    &[
        "erstatning",
        "kompensation",
        "forsikring",
        "forsikringsselskab",
        "skade",
        "skader",
        "ødelagt",
        "ødelagte",
        "betaler",
        "insurance",
        "compensation",
    ],
    &["betale", "betaling", "regning", "opkrævning", "faktura", "betalingsfrist", "pay"],
    &["farlig", "farligt", "farlige", "sikker", "sikkert", "risiko", "usundt", "skadeligt", "safe", "dangerous"],
    &["udbetaling", "penge", "kontanthjælp", "pension", "refusion", "ydelse", "payment"],
    // IT breakdowns and cyber attacks.
    &["hacket", "hackerangreb", "cyberangreb", "angreb", "hacker", "hackere", "hack", "hacked", "cyber", "it"],
    &[
        "data",
        "oplysninger",
        "personoplysninger",
        "cpr",
        "cprnummer",
        "personnummer",
        "lækket",
        "læk",
        "stjålet",
        "leaked",
        "information",
        "personal",
    ],
    &[
        "logge",
        "login",
        "log",
        "selvbetjening",
        "hjemmeside",
        "hjemmesiden",
        "website",
        "mitid",
        "nemid",
        "adgangskode",
        "kode",
        "password",
    ],
    &["svindel", "mistænkelig", "phishing", "falsk", "fupmail", "opkald", "scam"],
    &["frist", "frister", "tidsfrist", "deadline", "ansøgning", "klage", "anke"],
    &["pas", "kørekort", "sundhedskort", "borgerservice", "tidsbestilling", "booking", "aftale", "mødetid", "appointment"],
    &["frivillig", "frivillige", "hjælpe", "volunteer", "frivilligt", "hjælper", "hjælpere", "help"],
    // When something comes back.
    &["hvornår", "længe", "tidspunkt", "forventet", "forventes", "when", "long"],
    &["igen", "tilbage", "genoprettet", "ophævet", "again", "back"],
];

/// Words that ask what is going on: they point at the citizen summary. The strong ones
/// decide on their own ("hvad sker der?"), the weak ones only help.
const SUMMARY_CUES: &[&str] = &["sker", "sket", "galt", "foregår", "status", "situationen", "happening", "happened"];
const SUMMARY_HINTS: &[&str] =
    &["hvorfor", "situation", "hændelse", "nyt", "nyheder", "opdatering", "overblik", "ramt", "problemet", "wrong", "going", "why"];

/// Words that ask whom to call: they point at the contacts.
const CONTACT_CUES: &[&str] =
    &["nummer", "nummeret", "telefonnummer", "telefonnummeret", "tlf", "kontaktoplysninger", "hotline", "vagttelefon", "number"];
const CONTACT_HINTS: &[&str] =
    &["ringe", "ring", "ringer", "kontakt", "kontakte", "kontaktes", "kriselinje", "kriselinjen", "call", "contact"];

/// Chat filler that carries no topic: dropped like stop words.
const FILLER: &[&str] = &[
    "kan",
    "må",
    "får",
    "få",
    "fik",
    "gør",
    "gøre",
    "lige",
    "bare",
    "egentlig",
    "nogen",
    "ved",
    "mon",
    "gerne",
    "altså",
    "okay",
    "ok",
    "så",
    "nok",
    "hvilken",
    "hvilket",
    "hvilke",
    "hvem",
    "vores",
    "jeres",
    "hej",
    "tak",
    "please",
    "lidt",
    "helt",
    "stadig",
    "vel",
    "ja",
    "nej",
    "spørge",
    "spørgsmål",
    "vide",
    "synes",
    "tror",
    "sige",
    "fortælle",
    "fortæl",
    "hallo",
    "hjælp",
    "hjælpen",
    "venligst",
    "noget",
    "nogle",
    "andre",
    "anden",
    "andet",
    "hele",
    "meget",
    "mere",
    "mest",
    "godt",
    "fået",
    "blevet",
    "haft",
    "gået",
    "kommet",
    "begyndt",
    "begynde",
    "prøve",
    "prøvet",
    "plejer",
    "mener",
    "sagde",
    "sagt",
    "gjorde",
    "gjort",
    "bør",
    "burde",
    "næsten",
    "ret",
    "temmelig",
    "flere",
    "hver",
    "hvert",
    "enhver",
    "samme",
    "nemlig",
    "derfor",
    "alligevel",
    "simpelthen",
    "stadigvæk",
    "overhovedet",
    "osv",
    "fx",
    "bl",
    "mht",
    "ift",
    "kun",
    "hen",
    "endnu",
    "allerede",
    "måske",
    "faktisk",
    "virkelig",
    "fordi",
    "selvom",
    "pga",
    "mens",
    "inden",
    "sådan",
    "hvis",
    "the",
    "a",
    "an",
    "is",
    "are",
    "was",
    "be",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "my",
    "i",
    "you",
    "we",
    "our",
    "your",
    "can",
    "could",
    "will",
    "would",
    "what",
    "how",
    "where",
    "why",
    "who",
    "do",
    "does",
    "there",
    "this",
    "that",
    "me",
    "any",
];

/// Everyday verbs and nouns that say little about which guide row is meant; they count half.
const GENERIC: &[&str] = &[
    "komme", "kommer", "gå", "går", "bruge", "tage", "give", "se", "søge", "stå", "ligge", "holde", "sætte", "finde", "ting", "sted",
    "dag", "dage", "tid", "folk", "mand", "kone", "løbe", "sige", "skrive", "hente", "bo", "bor", "hus", "huset", "hjemme", "hjem",
    "borger", "borgeren", "kommune", "kommunen", "sag", "gang", "lang", "stor", "ny", "nye", "last", "get", "need",
    // Question words ask, they are not the topic.
    "hvornår", "hvorfor", "hvordan", // When, in passing: "i morgen", "i nat" rarely decide which row is meant.
    "morgen", "morges", "aften", "nat", "dag", "døgn", "uge", "time", "timer", "snart", "weekend", "today", "tonight", "tomorrow",
];

/// Greetings and thanks, recognised when nothing else in the message is answerable.
pub const GREETINGS: &[&str] =
    &["hej", "hejsa", "hejhej", "hallo", "halløj", "goddag", "godmorgen", "godaften", "dav", "davs", "morn", "hi", "hello", "hey"];
pub const THANKS: &[&str] = &["tak", "takker", "mangetak", "thanks", "thank", "thx"];

/// Danish municipality codes and names (two-part names by their distinctive word). "Vejen"
/// is left out: it is also the everyday word for "the road".
const MUNICIPALITIES: &[(&str, &[&str])] = &[
    ("0101", &["københavn", "kbh", "copenhagen"]),
    ("0147", &["frederiksberg"]),
    ("0151", &["ballerup"]),
    ("0153", &["brøndby"]),
    ("0155", &["dragør"]),
    ("0157", &["gentofte"]),
    ("0159", &["gladsaxe"]),
    ("0161", &["glostrup"]),
    ("0163", &["herlev"]),
    ("0165", &["albertslund"]),
    ("0167", &["hvidovre"]),
    ("0169", &["taastrup"]),
    ("0173", &["lyngby"]),
    ("0175", &["rødovre"]),
    ("0183", &["ishøj"]),
    ("0185", &["tårnby"]),
    ("0187", &["vallensbæk"]),
    ("0190", &["furesø"]),
    ("0201", &["allerød"]),
    ("0210", &["fredensborg"]),
    ("0217", &["helsingør"]),
    ("0219", &["hillerød"]),
    ("0223", &["hørsholm"]),
    ("0230", &["rudersdal"]),
    ("0240", &["egedal"]),
    ("0250", &["frederikssund"]),
    ("0253", &["greve"]),
    ("0259", &["køge"]),
    ("0260", &["halsnæs"]),
    ("0265", &["roskilde"]),
    ("0269", &["solrød"]),
    ("0270", &["gribskov"]),
    ("0306", &["odsherred"]),
    ("0316", &["holbæk"]),
    ("0320", &["faxe"]),
    ("0326", &["kalundborg"]),
    ("0329", &["ringsted"]),
    ("0330", &["slagelse"]),
    ("0336", &["stevns"]),
    ("0340", &["sorø"]),
    ("0350", &["lejre"]),
    ("0360", &["lolland"]),
    ("0370", &["næstved"]),
    ("0376", &["guldborgsund"]),
    ("0390", &["vordingborg"]),
    ("0400", &["bornholm"]),
    ("0410", &["middelfart"]),
    ("0411", &["christiansø"]),
    ("0420", &["assens"]),
    ("0430", &["faaborg", "midtfyn"]),
    ("0440", &["kerteminde"]),
    ("0450", &["nyborg"]),
    ("0461", &["odense"]),
    ("0479", &["svendborg"]),
    ("0480", &["nordfyns", "nordfyn"]),
    ("0482", &["langeland"]),
    ("0492", &["ærø"]),
    ("0510", &["haderslev"]),
    ("0530", &["billund"]),
    ("0540", &["sønderborg"]),
    ("0550", &["tønder"]),
    ("0561", &["esbjerg"]),
    ("0563", &["fanø"]),
    ("0573", &["varde"]),
    ("0580", &["aabenraa"]),
    ("0607", &["fredericia"]),
    ("0615", &["horsens"]),
    ("0621", &["kolding"]),
    ("0630", &["vejle"]),
    ("0657", &["herning"]),
    ("0661", &["holstebro"]),
    ("0665", &["lemvig"]),
    ("0671", &["struer"]),
    ("0706", &["syddjurs"]),
    ("0707", &["norddjurs"]),
    ("0710", &["favrskov"]),
    ("0727", &["odder"]),
    ("0730", &["randers"]),
    ("0740", &["silkeborg"]),
    ("0741", &["samsø"]),
    ("0746", &["skanderborg"]),
    ("0751", &["aarhus", "århus"]),
    ("0756", &["ikast", "brande"]),
    ("0760", &["ringkøbing", "skjern"]),
    ("0766", &["hedensted"]),
    ("0773", &["morsø", "mors"]),
    ("0779", &["skive"]),
    ("0787", &["thisted"]),
    ("0791", &["viborg"]),
    ("0810", &["brønderslev"]),
    ("0813", &["frederikshavn"]),
    ("0820", &["vesthimmerland", "vesthimmerlands"]),
    ("0825", &["læsø"]),
    ("0840", &["rebild"]),
    ("0846", &["mariagerfjord"]),
    ("0849", &["jammerbugt"]),
    ("0851", &["aalborg", "ålborg"]),
    ("0860", &["hjørring"]),
];

/// The tables keyed by term (stem), built once.
pub struct Lexicon {
    /// Synonym groups by the word as written, then by stem: the written form wins where
    /// the stemmer conflates ("farligt" → "far", like "far", father).
    by_word: HashMap<String, Vec<u16>>,
    by_stem: HashMap<String, Vec<u16>>,
    pub groups: usize,
    pub summary_cues: Vec<String>,
    pub summary_hints: Vec<String>,
    pub contact_cues: Vec<String>,
    pub contact_hints: Vec<String>,
    pub filler: Vec<String>,
    pub generic: Vec<String>,
    pub municipalities: HashMap<String, &'static str>,
}

impl Lexicon {
    /// The synonym groups of a word (lower-cased) with its term.
    pub fn groups(&self, word: &str, term: &str) -> &[u16] {
        let found = self.by_word.get(word).or_else(|| self.by_stem.get(term)).or_else(|| self.by_stem.get(&stem(term)));
        found.map_or(&[], Vec::as_slice)
    }

    /// The synonym groups of a compound's head when the lexicon lacks the compound itself:
    /// "havnegade" is a "gade", "badekarret" a "kar". Longest head first; heads of at least
    /// four letters, so "ild" does not make "skild" a fire.
    pub fn head_groups(&self, word: &str) -> &[u16] {
        if !self.groups(word, &term_of(word)).is_empty() {
            return &[];
        }
        let n = word.chars().count();
        for (i, (b, _)) in word.char_indices().enumerate().skip(3) {
            if n - i < 4 {
                break;
            }
            let head = &word[b..];
            let found = self.by_word.get(head).or_else(|| self.by_stem.get(&stem(head)));
            if let Some(groups) = found {
                return groups;
            }
        }
        &[]
    }

    /// The synonym groups of a term, when only the term is known.
    pub fn groups_of_term(&self, term: &str) -> &[u16] {
        self.groups(term, term)
    }

    pub fn has_groups(&self, term: &str) -> bool {
        self.by_stem.contains_key(term)
    }
}

pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let (mut by_word, mut by_stem): (HashMap<String, Vec<u16>>, HashMap<String, Vec<u16>>) = Default::default();
        for (g, words) in SYNONYMS.iter().enumerate() {
            for w in *words {
                for (map, key) in [(&mut by_word, w.to_string()), (&mut by_stem, term_of(w))] {
                    let groups = map.entry(key).or_default();
                    if !groups.contains(&(g as u16)) {
                        groups.push(g as u16);
                    }
                }
            }
        }
        let terms = |ws: &[&str]| -> Vec<String> { ws.iter().map(|w| term_of(w)).collect() };
        let municipalities = MUNICIPALITIES.iter().flat_map(|&(code, names)| names.iter().map(move |n| (term_of(n), code))).collect();
        Lexicon {
            by_word,
            by_stem,
            groups: SYNONYMS.len(),
            summary_cues: terms(SUMMARY_CUES),
            summary_hints: terms(SUMMARY_HINTS),
            contact_cues: terms(CONTACT_CUES),
            contact_hints: terms(CONTACT_HINTS),
            filler: FILLER.iter().map(|w| w.to_string()).collect(),
            generic: terms(GENERIC),
            municipalities,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_words_reach_their_groups() {
        let lx = lexicon();
        let shared = |a: &str, b: &str| {
            let (ga, gb) = (lx.groups(a, &term_of(a)), lx.groups(b, &term_of(b)));
            ga.iter().any(|g| gb.contains(g))
        };
        assert!(shared("strømmen", "elektriciteten"));
        assert!(shared("fjernvarmen", "opvarmningen"));
        assert!(shared("radiatorerne", "termostaten"));
        assert!(shared("toilettet", "toilet"), "a second stemming pass");
        assert!(!shared("strømmen", "vandet"));
        assert!(!shared("farligt", "far"), "the written form wins over a conflating stem");
        let vej = lx.groups("vej", "vej");
        assert!(lx.head_groups("havnegaden").iter().any(|g| vej.contains(g)), "a compound's head");
        assert!(lx.head_groups("vejen").is_empty() && lx.head_groups("xyz").is_empty());
        assert_eq!(lx.municipalities.get(&term_of("københavns")), Some(&"0101"));
        assert_eq!(lx.municipalities.get(&term_of("aalborg")), Some(&"0851"));
        assert_eq!(MUNICIPALITIES.len(), 98);
    }
}
