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
    /// The number a coded rule names (the most characters, rows, …), for the translation;
    /// the English message already says it.
    #[serde(skip)]
    pub limit: Option<usize>,
    /// What the problem is about, as it was typed or is known (an organisation's name, a
    /// person's e-mail), for the translation.
    #[serde(skip)]
    pub subject: Option<String>,
}

/// The stable codes of the field problems the pages translate (the English messages stay as
/// they are for the API).
pub mod code {
    pub const REQUIRED: &str = "required";
    pub const TOO_SHORT: &str = "too_short";
    pub const TOO_LONG: &str = "too_long";
    pub const CONTROL: &str = "control_characters";
    pub const TOO_MANY: &str = "too_many";
    pub const IN_FUTURE: &str = "in_future";
    pub const ROW_INCOMPLETE: &str = "row_incomplete";
    pub const PHONE: &str = "phone_format";
    pub const EMAIL: &str = "email_format";
    pub const DATETIME: &str = "datetime_format";
    pub const UNKNOWN_ORG: &str = "unknown_organisation";
    pub const AMBIGUOUS_ORG: &str = "ambiguous_organisation";
    pub const CHOOSE_ONE: &str = "choose_one";
    pub const CONFIRM: &str = "confirmation";
    pub const UNKNOWN_USER: &str = "unknown_user";
    pub const INACTIVE_USER: &str = "inactive_user";
    pub const WRONG_ROLE: &str = "wrong_role";
    pub const SAME_PERSON: &str = "same_person";
    pub const ENTRY_NUMBER: &str = "entry_number";
    pub const SHIFT_LINE: &str = "shift_line";
    pub const SHIFT_LENGTH: &str = "shift_length";
    pub const SHIFT_ORDER: &str = "shift_order";
    pub const SHIFT_AGENTS: &str = "shift_agents";
    pub const SHIFT_YEARS: &str = "shift_years";
    pub const SHARE: &str = "share";
    pub const PLACEHOLDER: &str = "placeholder";
    pub const QUESTION_NEEDED: &str = "question_needed";
    /// A form posted against a guide version that is no longer the current one.
    pub const GUIDE_VERSION: &str = "guide_version";
    pub const SITUATION_ROW: &str = "situation_row";
    pub const NOT_COVERED_TEXT: &str = "not_covered_text";
    pub const CPR_INQUIRY: &str = "cpr_in_inquiry";
    pub const CPR_CALLBACK: &str = "cpr_in_callback";
    pub const CHOOSE_MUNICIPALITY: &str = "choose_municipality";
    pub const UNKNOWN_MUNICIPALITY: &str = "unknown_municipality";
    /// An account's e-mail address that another account already has.
    pub const EMAIL_TAKEN: &str = "email_taken";
    /// A field that takes a number, given something else.
    pub const NUMBER: &str = "number";
    /// A staffing target outside its bounds (the pages word each field's bounds).
    pub const STAFFING_BOUND: &str = "staffing_bound";
    /// A time that is not the start of a planning interval (`limit`: its minutes).
    pub const INTERVAL_START: &str = "interval_start";
    pub const CSV_EMPTY: &str = "csv_empty";
    pub const CSV_UNREADABLE: &str = "csv_unreadable";
    /// The header lacks columns (`subject`: which).
    pub const CSV_COLUMNS: &str = "csv_columns";
    pub const CSV_ROWS: &str = "csv_rows";
    /// A hand-set number of calls out of its bounds.
    pub const CALLS_COUNT: &str = "calls_count";
    /// A one-time code that does not match the authenticator's key.
    pub const TOTP_WRONG: &str = "totp_wrong";
    /// A one-time code confirmed before an enrolment was started.
    pub const NO_ENROLMENT: &str = "no_enrolment";
    /// A role required to use a second factor that cannot enrol one.
    pub const NO_SECOND_FACTOR: &str = "no_second_factor";
    /// A feedback item resolved by a version that is not after its own.
    pub const RESOLVING_VERSION: &str = "resolving_version";
    /// A feedback item handled meanwhile (another tab, another person).
    pub const FEEDBACK_HANDLED: &str = "feedback_handled";
    /// A contact that gives neither a phone number nor an e-mail address.
    pub const PHONE_OR_EMAIL: &str = "phone_or_email";
    /// A chatbot question that cannot become an example: empty, personal data left out, too long.
    pub const EXAMPLE_TEXT: &str = "example_text";
    /// The row already has the question among its examples.
    pub const EXAMPLE_KNOWN: &str = "example_known";
    /// The row has as many examples as it may (`limit`).
    pub const EXAMPLES_FULL: &str = "examples_full";
    /// The published row is no longer in the working draft (renamed or removed there).
    pub const ROW_NOT_IN_DRAFT: &str = "row_not_in_draft";
    /// A scenario's id that cannot be part of its address.
    pub const SCENARIO_ID: &str = "scenario_id";
    /// A scenario time that is not "T+HH:MM" or "manual", or lies after the exercise's end.
    pub const OFFSET: &str = "scenario_offset";
    /// The same number or id given twice (`subject`: which).
    pub const DUPLICATE: &str = "duplicate";
    /// An inject's recipient that is no crisis role, agents or affected authority.
    pub const RECIPIENT: &str = "inject_recipient";
    /// An inject or observation naming an objective the scenario lacks.
    pub const OBJECTIVE: &str = "unknown_objective";
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
        DomainError::Invalid(vec![FieldError { field: field.into(), message: message.into(), code: None, limit: None, subject: None }])
    }

    /// [`DomainError::invalid`] with a stable code the pages translate.
    pub fn invalid_coded(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
            code: Some(code),
            limit: None,
            subject: None,
        }])
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
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: None, limit: None, subject: None });
    }

    /// A problem with a stable `code`, which the pages translate.
    pub fn add_coded(&mut self, field: &str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: Some(code), limit: None, subject: None });
    }

    /// [`Problems::add_coded`] for a rule that names a number (`at most 20 rows`).
    pub fn add_limit(&mut self, field: &str, code: &'static str, limit: usize, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: Some(code), limit: Some(limit), subject: None });
    }

    /// [`Problems::add_coded`] for a rule about something named (`subject`).
    pub fn add_about(&mut self, field: &str, code: &'static str, subject: &str, message: impl Into<String>) {
        let subject = Some(subject.to_string());
        self.0.push(FieldError { field: field.to_string(), message: message.into(), code: Some(code), limit: None, subject });
    }

    /// Checks a text field: trimmed length within `min..=max` characters.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let len = value.trim().chars().count();
        if crate::text::has_control(value) {
            self.add_coded(field, code::CONTROL, "must not contain control characters");
        } else if len < min && min == 1 {
            self.add_coded(field, code::REQUIRED, "is required");
        } else if len < min {
            self.add_limit(field, code::TOO_SHORT, min, format!("must be at least {min} characters"));
        } else if len > max {
            self.add_limit(field, code::TOO_LONG, max, format!("must be at most {max} characters (got {len})"));
        }
    }

    /// Takes in another command's problems (a part checked on its own).
    pub fn extend(&mut self, e: DomainError) -> Result<(), DomainError> {
        match e {
            DomainError::Invalid(fields) => {
                self.0.extend(fields);
                Ok(())
            }
            other => Err(other),
        }
    }

    /// The refusal with these problems (for a caller that knows there is at least one).
    pub fn into_error(self) -> DomainError {
        DomainError::Invalid(self.0)
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.0.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.0)) }
    }
}
