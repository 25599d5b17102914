//! Danish search over crisis guides and everyday guides, and the extractive answer engine
//! behind the chatbot. Pure and in memory: the web layer feeds it published text.

pub mod analysis;
pub mod index;
pub mod query;
mod rank;
mod snippet;
pub mod vocab;

pub use index::{Doc, DocKind, Hit, Index};
pub use query::{Query, QueryError, parse};
