//! The translation table's tests: every key used is in the table, every key in it is used, and
//! no Danish is left outside it in the citizens' pages.

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
    keys.extend(domain::callout::ContactChannel::ALL.iter().map(|s| format!("contact_channel.{s}")));
    keys.extend(domain::callout::DeliveryState::ALL.iter().map(|s| format!("delivery.{s}")));
    keys.extend(domain::callout::AckVia::ALL.iter().map(|s| format!("ack_via.{s}")));
    keys.extend(domain::callout::Standing::ALL.iter().map(|s| format!("standing.{s}")));
    keys.extend(domain::contact_list::EntryKind::ALL.iter().map(|s| format!("contact_kind.{s}")));
    keys.extend(domain::exercise::InjectChannel::ALL.iter().map(|s| format!("inject_channel.{s}")));
    keys.extend(domain::exercise::Part::ALL.iter().map(|s| format!("exercise_part.{s}")));
    keys.extend(domain::exercise::Rating::ALL.iter().map(|s| format!("rating.{s}")));
    keys.extend(domain::report::ActionStatus::ALL.iter().map(|s| format!("action_status.{s}")));
    keys.extend(domain::evaluation::QuestionKind::ALL.iter().map(|s| format!("question_kind.{s}")));
    // The scenario editor labels each MSEL column and names the scenario's own fields in its problems.
    keys.extend(domain::exercise::msel::COLUMNS.iter().chain(&["title", "summary", "duration"]).map(|s| format!("msel.{s}")));
    // The agents' "new since version" list names the guide's fields: change every one of them.
    let text = || "x".to_string();
    let changed = domain::guide::Guide {
        banner: text(),
        scope: text(),
        affected_area: text(),
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

fn entry(key: &str) -> Option<(&'static str, &'static str)> {
    TABLE.get(key).map(|text| (text.da.as_str(), text.en.as_str()))
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
    /// `counted(lang, key, n)`: uses `key.one` and `key.other`, both with `{n}`.
    Counted,
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
            Tok::Ident(n) if n == "counted" => Call::Counted,
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
        .filter(|(name, _)| !name.starts_with("i18n/"))
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
            if let (Call::Counted, [key, ..]) = (call, literals.as_slice()) {
                for form in ["one", "other"] {
                    used.push((format!("{key}.{form}"), file.clone(), Call::Tf));
                }
                continue;
            }
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
        let Some((da, _)) = entry(&key) else { panic!("{file}: the key {key:?} is not in the translation table") };
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
    let unused: Vec<_> = TABLE.keys().filter(|k| !used.contains(*k)).collect();
    assert!(unused.is_empty(), "keys no page uses: {unused:?}");
}

/// String literals that look like text for people: a capital first letter (markup's own
/// strings, like classes, headers and form names, are lower case), æ/ø/å or a common Danish word.
/// Paths (`/krise/…`) are addresses, not text.
fn danish_literals(src: &str) -> Vec<String> {
    const WORDS: &[&str] = &[
        "af", "alle", "det", "der", "din", "dit", "du", "er", "har", "ikke", "ingen", "jeg", "kan", "kommunen", "kontakt", "krise",
        "krisen", "kriser", "med", "navn", "og", "ring", "samtale", "senest", "siden", "skal", "som", "startede", "tak", "til", "udskriv",
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

/// No key twice (the parser refuses it), no text empty or padded in either language (spacing
/// belongs to the markup), and both languages have the same placeholders.
#[test]
fn keys_are_unique_and_complete() {
    let twice = "\"a\" = { da = \"x\", en = \"x\" }\n\"a\" = { da = \"y\", en = \"y\" }\n";
    assert!(toml::from_str::<std::collections::HashMap<String, Text>>(twice).is_err(), "a key twice is refused");
    for (k, Text { da, en }) in TABLE.iter() {
        assert!(!da.trim().is_empty() && !en.trim().is_empty(), "{k} is empty in a language");
        assert!(da.trim() == da && en.trim() == en, "{k} starts or ends with a space");
        let (mut pd, mut pe) = (placeholders(da), placeholders(en));
        pd.sort_unstable();
        pe.sort_unstable();
        assert_eq!(pd, pe, "{k}: the placeholders differ between Danish and English");
        assert_eq!(da.matches('{').count(), placeholders(da).len(), "{k}: a stray brace");
        assert_eq!(en.matches('{').count(), placeholders(en).len(), "{k}: a stray brace");
    }
}

/// The Danish texts are Danish: none of the English words that crept into the interface before.
#[test]
fn the_danish_texts_hold_no_english_words() {
    const ENGLISH: &[&str] = &["callback", "the ", "query", "overdue", "error", "request"];
    for (k, Text { da, .. }) in TABLE.iter() {
        let lower = da.to_lowercase();
        for w in ENGLISH {
            assert!(!lower.contains(w), "{k}: \"{w}\" in the Danish text \"{da}\"");
        }
    }
}

/// The browser scripts take their words from the page (`script_texts`), so they are translated
/// with the rest: a Danish letter in a script is a word that went around the table.
#[test]
fn the_scripts_hold_no_danish_of_their_own() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("static files") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "js") {
            seen += 1;
            let src = std::fs::read_to_string(&path).expect("read");
            let danish: Vec<&str> = src.lines().filter(|l| l.chars().any(|c| "æøåÆØÅ".contains(c))).collect();
            assert!(danish.is_empty(), "{}: Danish outside the translation table: {danish:?}", path.display());
        }
    }
    assert!(seen >= 3, "the scripts were found");
}

#[test]
fn counts_take_the_right_number_and_thousand_separators() {
    assert_eq!(counted(Lang::Da, "search.hits", 1), "1 resultat");
    assert_eq!(counted(Lang::Da, "search.hits", 0), "0 resultater");
    assert_eq!(counted(Lang::Da, "search.hits", 660_842), "660.842 resultater");
    assert_eq!(counted(Lang::En, "search.hits", 1_000), "1,000 results");
    assert_eq!((thousands(Lang::Da, 999), thousands(Lang::Da, 1_000_000)), ("999".to_string(), "1.000.000".to_string()));
}
