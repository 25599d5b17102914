//! Danish search over crisis guides and everyday guides, and the extractive answer engine
//! behind the chatbot. Pure and in memory: the web layer feeds it published text.

pub mod analysis;
pub mod answer;
mod fasthash;
mod features;
pub mod hunspell;
pub mod index;
mod intents;
mod lexicon;
mod ngram;
pub mod query;
mod rank;
pub mod resources;
pub mod similar;
mod snippet;
pub mod thesaurus;
pub mod vocab;

pub use answer::{Answers, Candidate, Reply, Section, THRESHOLD};
pub use index::{Doc, DocKind, Hit, Index, caller_has_guide};
pub use query::{Query, QueryError, parse};
pub use resources::Resources;
