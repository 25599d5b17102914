//! The answer engine's tests.

use super::*;

fn candidate(incident: &str, munis: &[&str], section: Section, situation: Option<usize>, text: &str) -> Candidate {
    let answer = text.split_once('\n').map_or(text, |(_, a)| a).to_string();
    Candidate {
        incident: incident.into(),
        version: 1,
        section,
        situation,
        municipalities: munis.iter().map(|m| m.to_string()).collect(),
        incident_title: if incident == "power" {
            "Strømafbrydelse i Frederikssund".into()
        } else {
            "Forurenet drikkevand i Odense".into()
        },
        match_text: text.into(),
        answer,
        example: false,
    }
}

/// Two live crises: a power cut in 0250 and polluted drinking water in 0461.
fn answers() -> Answers {
    let p = |s, i, t| candidate("power", &["0250"], s, i, t);
    let w = |s, i, t| candidate("water", &["0461"], s, i, t);
    use Section::*;
    Answers::new(vec![
        p(
            CitizenSummary,
            None,
            "Der er strømafbrydelse i store dele af Frederikssund Kommune. Netselskabet forventer strøm igen i løbet af 1–2 døgn.",
        ),
        p(Situation, Some(0), "Borgeren spørger, hvornår strømmen kommer igen\nNetselskabet forventer, at alle har strøm igen tirsdag."),
        p(
            Situation,
            Some(1),
            "Borgeren er bekymret for maden i køleskab og fryser\nHold køleskab og fryser lukket; en fuld fryser holder på kulden et døgn.",
        ),
        p(Situation, Some(2), "Borgeren spørger, om vandet fra hanen kan bruges\nVandværkerne kører på nødstrøm, og vandet kan drikkes."),
        p(Contacts, None, "Kriselinjen, Frederikssund Kommune: 70 12 34 56\nNetselskabets fejlmelding: 70 20 41 10"),
        w(CitizenSummary, None, "Der er fundet bakterier i drikkevandet i Odense Syd. Kog vandet, før du drikker det."),
        w(Situation, Some(0), "Borgeren spørger, om vandet kan drikkes\nNej. Kog vandet i mindst et minut, før du drikker det."),
        w(
            Situation,
            Some(1),
            "Borgeren har et spædbarn og skal lave modermælkserstatning\nBrug kogt vand eller flaskevand til modermælkserstatning.",
        ),
        w(Contacts, None, "VandCenter Fyn, døgnvagt: 65 65 65 65\nKriselinjen, Odense Kommune: 66 13 13 72"),
    ])
}

fn answered(a: &Answers, q: &str, muni: Option<&str>) -> Option<(String, Section, Option<usize>)> {
    match a.respond(q, muni) {
        Reply::Answer { candidate, confidence } => {
            assert!((THRESHOLD..=1.0).contains(&confidence), "{q}: {confidence}");
            let c = a.candidate(candidate);
            Some((c.incident.clone(), c.section.clone(), c.situation))
        }
        _ => None,
    }
}

#[test]
fn social_intents() {
    let a = answers();
    assert_eq!(a.respond("Hej!", None), Reply::Greeting);
    assert_eq!(a.respond("godmorgen", Some("0250")), Reply::Greeting);
    assert_eq!(a.respond("mange tak for hjælpen", None), Reply::Thanks);
    assert_eq!(a.respond("er du en robot?", None), Reply::Robot);
    assert_eq!(a.respond("kan jeg tale med en medarbejder", Some("0250")), Reply::Person);
    assert_eq!(a.respond("ring mig op", None), Reply::Person);
}

#[test]
fn situations_are_found_through_paraphrase_typos_and_compounds() {
    let a = answers();
    let power = |i| Some(("power".to_string(), Section::Situation, Some(i)));
    assert_eq!(answered(&a, "hvornår kommer strømmen tilbage?", Some("0250")), power(0));
    assert_eq!(answered(&a, "hvornår får vi lys igen", Some("0250")), power(0), "lys ~ strøm");
    assert_eq!(answered(&a, "hvornår komer strømen igen", Some("0250")), power(0), "typos");
    assert_eq!(answered(&a, "er maden i køleskabet stadig god", Some("0250")), power(1));
    let water = |i| Some(("water".to_string(), Section::Situation, Some(i)));
    assert_eq!(answered(&a, "må vi drikke postevand", Some("0461")), water(0));
    assert_eq!(answered(&a, "hvad gør jeg med min babys modermælkserstatning", Some("0461")), water(1));
}

#[test]
fn example_questions_find_their_row_but_not_a_message_that_shares_one_word() {
    let plain = answers();
    let q = "min mors vekseltryksmadras kører ikke";
    assert_eq!(answered(&plain, q, Some("0250")), None, "no row knows the word");
    let mut cands: Vec<Candidate> = (0..plain.len()).map(|i| plain.candidate(i).clone()).collect();
    let fridge = cands.iter().position(|c| c.situation == Some(1) && c.incident == "power").unwrap();
    let example = cands[fridge].asked_as("vekseltryksmadrassen kører ikke uden strøm");
    cands.push(example);
    cands.push(cands[fridge].asked_as("kan vi spise maden i dag"));
    let taught = Answers::new(cands);
    assert_eq!(answered(&taught, q, Some("0250")), Some(("power".into(), Section::Situation, Some(1))));
    let Reply::Answer { candidate, .. } = taught.respond(q, Some("0250")) else { panic!() };
    assert_eq!(taught.candidate(candidate).answer, plain.candidate(fridge).answer, "the row's wording, not the example");
    assert_eq!(taught.respond("goddag", Some("0250")), Reply::Greeting, "one shared word is not the example's question");
    assert_eq!(
        answered(&taught, "hvornår kommer strømmen tilbage?", Some("0250")),
        answered(&plain, "hvornår kommer strømmen tilbage?", Some("0250"))
    );
}

#[test]
fn the_callers_own_crisis_comes_first() {
    let a = answers();
    let got = |muni| answered(&a, "kan vi drikke vandet fra hanen", Some(muni)).map(|(i, ..)| i);
    assert_eq!(got("0250").as_deref(), Some("power"));
    assert_eq!(got("0461").as_deref(), Some("water"));
    // A municipality named in the question beats the caller's own.
    assert_eq!(
        answered(&a, "hvad sker der i odense", Some("0250")).map(|(i, s, _)| (i, s)),
        Some(("water".into(), Section::CitizenSummary))
    );
}

#[test]
fn summary_and_contacts_cues() {
    let a = answers();
    assert_eq!(answered(&a, "hvad sker der?", Some("0250")), Some(("power".into(), Section::CitizenSummary, None)));
    assert_eq!(answered(&a, "hvad er der galt med vandet", Some("0461")), Some(("water".into(), Section::CitizenSummary, None)));
    assert_eq!(answered(&a, "hvilket nummer skal jeg ringe til", Some("0461")), Some(("water".into(), Section::Contacts, None)));
    assert_eq!(answered(&a, "hvem kan jeg ringe til om strømmen", Some("0250")), Some(("power".into(), Section::Contacts, None)));
}

#[test]
fn out_of_scope_and_gibberish_are_handed_over() {
    let a = answers();
    for q in ["hvornår åbner genbrugspladsen", "hvorfor har jeg ikke fået min boligstøtte", "xqzt vbnm", "og det er", "", "???"] {
        assert!(matches!(a.respond(q, Some("0250")), Reply::NotCovered { .. }), "{q:?}: {:?}", a.respond(q, Some("0250")));
    }
    let empty = Answers::new(Vec::new());
    assert!(matches!(empty.respond("hvornår kommer strømmen", None), Reply::NotCovered { .. }));
    assert_eq!(empty.respond("hej", None), Reply::Greeting);
}

#[test]
fn a_question_the_guide_does_not_answer_is_about_the_crisis_or_about_something_else() {
    let a = answers();
    let about = |q: &str, m: &str| match a.respond(q, Some(m)) {
        Reply::NotCovered { about_crisis, .. } => Some(about_crisis),
        _ => None,
    };
    for q in ["hvad bliver vejret i weekenden", "hvornår skal jeg forny mit pas", "hvornår tømmer i skraldespanden"] {
        assert_eq!(about(q, "0250"), Some(false), "{q}");
    }
    // The guide's own words, asked in a way no row answers.
    assert_eq!(about("kan netselskabet give erstatning", "0250"), Some(true));
    assert_eq!(about("hvem har ansvaret for strømafbrydelsen", "0250"), Some(true));
    // Another municipality's crisis is not the caller's.
    assert_eq!(about("kan netselskabet give erstatning", "0461"), Some(false));
}

#[test]
fn confidence_falls_with_coverage_and_margin() {
    let full = confidence(&[1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]);
    assert!((full - 1.0).abs() < 1e-6);
    assert!(confidence(&[0.5, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]) < full);
    assert!(confidence(&[1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]) < confidence(&[1.0, 1.0, 0.5, 1.0, 0.0, 1.0, 0.0]));
    assert!(confidence(&[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]) < full, "another municipality's crisis");
    assert_eq!(confidence(&[0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]), 0.0);
}

proptest::proptest! {
    #[test]
    fn respond_never_panics(q in "\\PC{0,300}", muni in proptest::option::of("[0-9]{4}")) {
        let a = answers();
        match a.respond(&q, muni.as_deref()) {
            Reply::Answer { candidate, confidence } => {
                proptest::prop_assert!(candidate < a.len() && (0.0..=1.0).contains(&confidence));
            }
            Reply::NotCovered { confidence, .. } => proptest::prop_assert!((0.0..=1.0).contains(&confidence)),
            _ => {}
        }
    }
}

/// The two crises and Odense's everyday guide on passports.
fn with_everyday() -> Answers {
    let mut cs: Vec<Candidate> = (0..answers().len()).map(|i| answers().candidate(i).clone()).collect();
    cs.push(Candidate::everyday(
        "0461",
        "pas",
        "Pas – bestil tid og søg om pas",
        "Pas bestilles i Borgerservice efter tidsbestilling. Ansøg om pas på borger.dk, og medbring det gamle pas.",
    ));
    Answers::new(cs)
}

#[test]
fn an_everyday_question_gets_the_callers_everyday_guide_never_a_crisis_text() {
    let a = with_everyday();
    match a.respond("jeg skal have nyt pas", Some("0461")) {
        Reply::Everyday { candidate, confidence } => {
            assert_eq!(a.candidate(candidate).incident, "0461/pas");
            assert!(confidence >= THRESHOLD);
        }
        other => panic!("during the boil-water notice a passport is not the crisis: {other:?}"),
    }
    // Another municipality's guide is no answer for this caller: a person, not the crisis text.
    for muni in [Some("0250"), None] {
        let reply = a.respond("jeg skal have nyt pas", muni);
        assert!(matches!(reply, Reply::NotCovered { about_crisis: false, .. }), "{muni:?}: {reply:?}");
    }
    // The crisis questions are answered as before.
    assert_eq!(answered(&a, "kan vi drikke vandet", Some("0461")).map(|x| x.0), Some("water".into()));
}

#[test]
fn the_thesaurus_finds_a_word_the_guide_does_not_use_for_less_than_the_word() {
    let t = crate::thesaurus::Thesaurus::parse("utf-8\nelektricitet|1\n|strøm\n").unwrap();
    let cs: Vec<Candidate> = (0..answers().len()).map(|i| answers().candidate(i).clone()).collect();
    let plain = Answers::new(cs.clone());
    let with = Answers::with_resources(cs, Arc::new(Resources::with_thesaurus(&t)));
    let q = "hvornår får vi elektricitet igen";
    let situation = with.best_match(q, Some("0250")).map(|(c, _)| with.candidate(c).situation);
    assert_eq!(situation, Some(Some(0)), "elektricitet is strøm: {}", with.explain(q, Some("0250")));
    let (c, synonym) = with.best_match(q, Some("0250")).unwrap();
    let (_, exact) = with.best_match("hvornår får vi strøm igen", Some("0250")).unwrap();
    assert!(synonym < exact, "a synonym counts for less than the word: {synonym} vs {exact}");
    assert_ne!(plain.best_match(q, Some("0250")).map(|(x, _)| x), Some(c).filter(|_| false), "without it the word is unknown");
}
