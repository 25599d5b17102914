//! The Danish lexical resources the answer engine may use beside its own lexicon: Debian's
//! thesaurus (`mythes-da`) for synonyms the guides do not use. They are optional: without them
//! the engine gives the answers it gave before, and the server says at start-up what is missing.

use crate::hunspell::{self, Hunspell};
use crate::thesaurus::{self, Thesaurus};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Where to read the resources from; `None` is Debian's system path.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    pub thesaurus: Option<PathBuf>,
    /// The Hunspell dictionary's `.dic`; its `.aff` lies beside it.
    pub hunspell: Option<PathBuf>,
}

/// What the engine expands a question's words with.
#[derive(Debug, Default)]
pub struct Resources {
    /// Index term → its thesaurus expansions (terms) and what each counts for.
    synonyms: HashMap<String, Vec<(String, f32)>>,
    /// The Danish dictionary: a word's dictionary forms.
    hunspell: Option<Hunspell>,
}

impl Resources {
    /// No resources: the engine's own lexicon only.
    pub fn none() -> Arc<Resources> {
        Arc::new(Resources::default())
    }

    pub fn with_thesaurus(t: &Thesaurus) -> Resources {
        Resources { synonyms: t.by_term(), hunspell: None }
    }

    pub fn with_hunspell(h: Hunspell) -> Resources {
        Resources { synonyms: HashMap::new(), hunspell: Some(h) }
    }

    /// Reads what `paths` names (or the system paths). A resource that cannot be read is left
    /// out, and the returned notes say which and what to do, for the start-up log.
    pub fn load(paths: &Paths) -> (Resources, Vec<String>) {
        let mut notes = Vec::new();
        let path = paths.thesaurus.clone().unwrap_or_else(|| PathBuf::from(thesaurus::SYSTEM_PATH));
        let synonyms = match Thesaurus::load(&path) {
            Ok(t) => t.by_term(),
            Err(e) => {
                let hint =
                    if paths.thesaurus.is_none() { "install Debian's mythes-da, or give --thesaurus PATH" } else { "check --thesaurus" };
                notes.push(format!("{e}; the chatbot answers without the Danish thesaurus ({hint})"));
                HashMap::new()
            }
        };
        let dic = paths.hunspell.clone().unwrap_or_else(|| PathBuf::from(hunspell::SYSTEM_DIC));
        let hunspell = match Hunspell::load(&dic.with_extension("aff"), &dic) {
            Ok(h) => Some(h),
            Err(e) => {
                let hint =
                    if paths.hunspell.is_none() { "install Debian's hunspell-da, or give --hunspell PATH.dic" } else { "check --hunspell" };
                notes.push(format!("{e}; the chatbot answers without the Danish dictionary ({hint})"));
                None
            }
        };
        (Resources { synonyms, hunspell }, notes)
    }

    /// The thesaurus expansions of an index term; Snowball is not idempotent, so the stem of
    /// the term is tried as well ("elektriciteten" → "elektricitet" → "elektricit").
    pub fn synonyms(&self, term: &str) -> &[(String, f32)] {
        self.synonyms.get(term).or_else(|| self.synonyms.get(&crate::analysis::stem(term))).map_or(&[], Vec::as_slice)
    }

    /// The dictionary words `word` is a form of ("børnene" → "barn"), by the dictionary.
    pub fn lemmas(&self, word: &str) -> Vec<&str> {
        self.hunspell.as_ref().map(|h| h.lemmas(word)).unwrap_or_default()
    }

    /// Whether a thesaurus was read.
    pub fn has_thesaurus(&self) -> bool {
        !self.synonyms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_thesaurus_is_a_note_and_no_expansions() {
        let (r, notes) = Resources::load(&Paths {
            thesaurus: Some("/nonexistent/th_da_DK.dat".into()),
            hunspell: Some("/nonexistent/da_DK.dic".into()),
        });
        assert!(!r.has_thesaurus() && r.lemmas("husene").is_empty());
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("/nonexistent/th_da_DK.dat") && notes[0].contains("--thesaurus"), "{notes:?}");
    }

    #[test]
    fn expansions_are_looked_up_by_term() {
        let t = Thesaurus::parse("utf-8\nelektricitet|1\n|strøm|el\n").unwrap();
        let r = Resources::with_thesaurus(&t);
        let got: Vec<&str> = r.synonyms(&crate::analysis::term_of("elektriciteten")).iter().map(|(w, _)| w.as_str()).collect();
        assert!(got.contains(&crate::analysis::term_of("strøm").as_str()), "{got:?}");
    }
}
