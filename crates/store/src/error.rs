use domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A business rule refused the change (checked inside the transaction).
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("the database is unreachable or failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The database is known to be down (see `health`): refused without trying.
    #[error("the database is not answering")]
    Unavailable,
    /// A stored value no longer parses: someone edited the database by hand.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The group commit this write was part of failed: nothing of it was saved.
    #[error("the commit failed, nothing was saved: {0}")]
    CommitFailed(String),
    /// The idempotency key names another request (method and path given).
    #[error("this idempotency key was used for another request ({0})")]
    KeyReused(String),
    /// The request under this idempotency key is still being served.
    #[error("the request under this idempotency key is still being served")]
    KeyInFlight,
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub(crate) fn not_found(what: &str) -> StoreError {
    StoreError::Domain(DomainError::NotFound(format!("{what} not found")))
}

pub(crate) fn conflict(message: impl Into<String>) -> StoreError {
    StoreError::Domain(DomainError::Conflict(message.into()))
}

pub(crate) fn corrupt<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Maps a unique-constraint violation to a conflict with the given message.
pub(crate) fn unique(e: sqlx::Error, message: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => conflict(message),
        _ => StoreError::Database(e),
    }
}
