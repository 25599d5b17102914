//! The social side of a chat: "are you a robot?", "I want a human", greetings and thanks.
//! Patterns over lower-cased words; the answer engine asks these before and after matching.

use crate::lexicon::lexicon;

const BOT_WORDS: &[&str] = &["robot", "bot", "chatbot", "maskine", "computer", "ai", "automat", "botten", "robotten", "maskinen"];
const HUMAN_WORDS: &[&str] = &["menneske", "person", "human", "rigtig", "ægte", "real", "levende"];
/// Whom a citizen asks to be put through to. Named roles ("sagsbehandler") are left to the
/// guide: it may have a row for exactly that.
const STAFF_WORDS: &[&str] =
    &["menneske", "person", "medarbejder", "medarbejderen", "human", "agent", "nogen", "someone", "somebody", "operator", "rådgiver"];
const TALK_VERBS: &[&str] = &["tale", "snakke", "chatte", "skrive", "talk", "speak", "chat"];
/// "er du …", "taler jeg med …": asking what one talks to, not asking to talk to someone.
const IDENTITY: &[[&str; 2]] = &[
    ["er", "du"],
    ["er", "det"],
    ["are", "you"],
    ["is", "this"],
    ["am", "i"],
    ["taler", "jeg"],
    ["snakker", "jeg"],
    ["skriver", "jeg"],
    ["chatter", "jeg"],
];
/// "er I en robot", "er De et menneske": the plural and the polite "you", only as the message's
/// opening ("hvad er i vandet", "hvor er de åbne" ask about other things).
const IDENTITY_OPENING: &[[&str; 2]] = &[["er", "i"], ["er", "de"]];
const CALLBACK: &[&[&str]] = &[
    &["ring", "mig", "op"],
    &["ringe", "mig", "op"],
    &["ringer", "mig", "op"],
    &["ringe", "mig", "tilbage"],
    &["ringe", "til", "mig"],
    &["call", "me"],
];

/// A social intent recognised before any matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Social {
    Robot,
    Person,
}

/// Robot questions and requests for a human, from the message's lower-cased words.
pub fn social(words: &[String]) -> Option<Social> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // "maskinen kører ikke" is about a machine, "taler jeg med en maskine" about us.
    let opening = words.len() >= 2 && IDENTITY_OPENING.iter().any(|p| words[0] == p[0] && words[1] == p[1]);
    let identity = words.len() <= 12 && (opening || words.windows(2).any(|w| IDENTITY.iter().any(|p| w[0] == p[0] && w[1] == p[1])));
    if (identity && (has(BOT_WORDS) || has(HUMAN_WORDS))) || (words.len() <= 2 && has(BOT_WORDS)) {
        return Some(Social::Robot);
    }
    let talk_to_staff = words
        .iter()
        .position(|w| TALK_VERBS.contains(&w.as_str()))
        .is_some_and(|i| words[i + 1..].iter().any(|w| STAFF_WORDS.contains(&w.as_str())));
    let callback = CALLBACK.iter().any(|p| words.windows(p.len()).any(|w| w.iter().zip(p.iter()).all(|(a, b)| a == b)));
    (talk_to_staff || callback).then_some(Social::Person)
}

pub fn is_thanks(words: &[String]) -> bool {
    words.iter().any(|w| lexicon().thanks.contains(w))
}

pub fn is_greeting(words: &[String]) -> bool {
    words.iter().any(|w| lexicon().greetings.contains(w))
        || words.windows(2).any(|w| w[0] == "god" && ["morgen", "dag", "aften"].contains(&w[1].as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokenize;

    fn words(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn robot_questions_and_requests_for_a_human_differ() {
        for q in [
            "er du en robot?",
            "Er du et menneske",
            "are you a bot",
            "taler jeg med en maskine",
            "er det en rigtig person",
            "er I en robot",
            "Er De et menneske?",
        ] {
            assert_eq!(social(&words(q)), Some(Social::Robot), "{q}");
        }
        for q in ["kan jeg tale med en medarbejder", "jeg vil gerne snakke med et menneske", "ring mig op", "kan I ringe mig op i morgen"] {
            assert_eq!(social(&words(q)), Some(Social::Person), "{q}");
        }
        for q in [
            "kan jeg tale med min sagsbehandler",
            "hvornår kommer strømmen",
            "hvem skal jeg ringe til",
            "maskinen kører ikke",
            "hvad er i vandet fra en rigtig brønd",
            "hvor er de rigtige telefonnumre",
            "",
        ] {
            assert_eq!(social(&words(q)), None, "{q}");
        }
    }

    #[test]
    fn greetings_and_thanks() {
        assert!(is_greeting(&words("Hej med dig")) && is_greeting(&words("god morgen")) && !is_greeting(&words("vand")));
        assert!(is_thanks(&words("tusind tak!")) && is_thanks(&words("Thanks")) && !is_thanks(&words("takket være")));
    }
}
