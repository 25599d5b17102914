use serde::Serialize;

/// One problem with one field of a command, reported back to whoever sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// Stable, for programs and for the pages' translations, where a rule names its refusal
    /// (`password_common`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub code: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The caller's role may not do this at all, or not on this incident.
    #[error("{0}")]
    Forbidden(String),
    /// The command itself is malformed or out of bounds.
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// The command is well-formed but clashes with the current state.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError { field: field.into(), message: message.into(), code: None }])
    }
}

/// Collects field problems so a command is refused with all of them at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: None });
    }

    /// A problem with a stable `code`, which the pages translate.
    pub fn add_coded(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: Some(code) });
    }

    /// Checks a text field: trimmed length within `min..=max` characters.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let len = value.trim().chars().count();
        if crate::text::has_control(value) {
            self.add(field, "must not contain control characters");
        } else if len < min {
            self.add(field, if min == 1 { "is required".to_string() } else { format!("must be at least {min} characters") });
        } else if len > max {
            self.add(field, format!("must be at most {max} characters (got {len})"));
        }
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.0.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.0)) }
    }
}
