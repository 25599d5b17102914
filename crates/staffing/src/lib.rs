//! Staffing from live demand: how many agents the crisis line needs (Erlang C, and Erlang A
//! with callers who hang up), a simulation that checks those figures, a forecast of the coming
//! intervals, and a fair distribution of shifts over the member municipalities. Pure: no I/O.

pub mod apportion;
pub mod award;
pub mod erlang;
pub mod erlang_a;
pub mod forecast;
pub mod ical;
pub mod plan;
pub mod simulate;

pub use erlang::{Load, Staffing, StaffingError, Targets, required};

/// The most agents any answer may name: far beyond a real contact centre, it bounds the work.
pub const MAX_AGENTS: u32 = 20_000;
