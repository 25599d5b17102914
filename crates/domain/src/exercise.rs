//! Exercises: a scenario (a master scenario events list, MSEL) of timed injects, played on an
//! exercise clock against an exercise incident, with synthetic citizen load. Every outbound
//! text of an exercise is marked [`MARK`]; nothing of it is public, billed or counted.

pub mod builtin;
pub mod clock;
pub mod load;
pub mod msel;
pub mod observation;
pub mod run;
pub mod scenario;

pub use clock::{Clock, ClockAction};
pub use observation::{NewObservation, Rating};
pub use run::{Exercise, InjectState, Observation, Part, Participant};
pub use scenario::{At, Inject, InjectChannel, Load, NewInject, NewScenario, Objective, Recipient, Scenario};

/// The mark every delivered inject carries, so nobody mistakes it for a real crisis.
pub const MARK: &str = crate::callout::EXERCISE_PREFIX;
