//! What a use case can answer instead of its result. No HTTP here: `web` maps each kind to a
//! status in one place.

use domain::DomainError;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Refused by the domain: not permitted, a conflict, not found, or invalid by field.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// Refused for a reason callers tell apart by `code`.
    #[error("{message}")]
    Refused { refusal: Refusal, code: &'static str, message: String },
    /// The credential is missing, unknown, revoked or wrong.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// Too many requests from one client; try again later.
    #[error("{message}")]
    TooMany { code: &'static str, message: String, retry_after_s: u64 },
    /// The published guides are not loaded yet: "no crisis" must not be said before we know.
    #[error("the published guides are still being loaded; try again in a moment")]
    NotReady,
    /// The database could not complete the request; nothing was saved.
    #[error("the database could not complete the request; nothing was saved, try again")]
    Unavailable(#[source] StoreError),
    /// A setting the request needs is not configured on this server.
    #[error("{0}")]
    NotConfigured(&'static str),
    /// Stored data could not be read back.
    #[error("stored data could not be read; the operators have been told in the server log")]
    Corrupt(String),
    #[error("{0}")]
    Internal(&'static str),
}

/// The kinds of [`Error::Refused`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request itself is malformed (a body no field of which can be read).
    BadRequest,
    NotFound,
    Conflict,
    Unprocessable,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(what: &str) -> Error {
        Error::Domain(DomainError::NotFound(format!("{what} not found")))
    }

    pub fn refused(refusal: Refusal, code: &'static str, message: impl Into<String>) -> Error {
        Error::Refused { refusal, code, message: message.into() }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Domain(d) => Error::Domain(d),
            StoreError::KeyReused(request) => Error::refused(
                Refusal::Unprocessable,
                "idempotency_key_reused",
                format!("this Idempotency-Key was used for another request ({request}); use a new key for a new request"),
            ),
            StoreError::KeyInFlight => Error::refused(
                Refusal::Conflict,
                "idempotency_key_in_flight",
                "the request under this Idempotency-Key is still being served; ask again in a moment",
            ),
            StoreError::Corrupt(m) => {
                tracing::error!(error = %m, "corrupt stored data");
                Error::Corrupt(m)
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                Error::Unavailable(other)
            }
        }
    }
}

impl From<staffing::StaffingError> for Error {
    fn from(e: staffing::StaffingError) -> Error {
        match e {
            // Every such refusal is a target out of its bounds, which the pages word per field.
            staffing::StaffingError::Invalid { field, message } => {
                DomainError::invalid_coded(field, domain::error::code::STAFFING_BOUND, message).into()
            }
            staffing::StaffingError::Impossible(m) => Error::refused(Refusal::Unprocessable, "impossible_targets", m),
        }
    }
}
