//! An evaluator's observation: what was seen, linked to an inject and an objective, with a rating.

use crate::error::{Problems, code};
use crate::{DomainError, text, word_enum};
use serde::Deserialize;

word_enum!(
    /// HSEEP's four ratings of how an objective was met.
    Rating, "rating" {
        Performed = "performed",
        SomeChallenges = "some_challenges",
        MajorChallenges = "major_challenges",
        Unable = "unable",
    }
);

pub const TEXT_MAX: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservation {
    /// The inject the observation is about, if any.
    #[serde(default)]
    pub inject: Option<u32>,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub objective: String,
    pub rating: Rating,
    #[schema(max_length = 2000)]
    pub text: String,
}

impl NewObservation {
    pub fn validate(mut self, scenario: &super::Scenario) -> Result<NewObservation, DomainError> {
        let mut p = Problems::default();
        self.text = text::multi_line(&self.text);
        self.objective = text::one_line(&self.objective);
        p.text("text", &self.text, 1, TEXT_MAX);
        if let Some(n) = self.inject
            && scenario.inject(n).is_none()
        {
            p.add_about("inject", code::NUMBER, &n.to_string(), format!("the scenario has no inject number {n}"));
        }
        if !self.objective.is_empty() && !scenario.objectives.iter().any(|o| o.id == self.objective) {
            p.add_about("objective", code::OBJECTIVE, &self.objective, format!("no objective has the id '{}'", self.objective));
        }
        p.into_result()?;
        Ok(self)
    }
}
