//! The three ways a command can end other than success, kept apart on purpose:
//! a refusal (a rule said no; shown to the client with its stable reason), a conflict
//! (concurrent write; retryable) and a failure (our fault; logged with its cause chain,
//! never shown).

use cqrs_es::AggregateError;
use domain::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// No valid credentials or session.
    #[error("{message}")]
    Unauthenticated {
        reason: &'static str,
        message: &'static str,
    },
    #[error("the record was changed concurrently; retry")]
    Conflict,
    #[error("too many attempts; retry after {retry_after_seconds} s")]
    Throttled { retry_after_seconds: i64 },
    /// The change was saved but its e-mail could not be sent; the user can ask again.
    #[error("saved, but the e-mail could not be sent; ask for it again later")]
    MailFailed(#[source] anyhow::Error),
    #[error("the storage is unavailable; retry")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal failure")]
    Failure(#[source] anyhow::Error),
}

impl CommandError {
    pub fn failure(err: impl Into<anyhow::Error>) -> Self {
        Self::Failure(err.into())
    }
}

impl From<AggregateError<Refusal>> for CommandError {
    fn from(err: AggregateError<Refusal>) -> Self {
        match err {
            AggregateError::UserError(refusal) => Self::Refused(refusal),
            AggregateError::AggregateConflict => Self::Conflict,
            AggregateError::DatabaseConnectionError(e) => {
                Self::Unavailable(anyhow::anyhow!(e).context("event store connection"))
            }
            AggregateError::DeserializationError(e) => {
                Self::Failure(anyhow::anyhow!(e).context("event deserialization"))
            }
            AggregateError::UnexpectedError(e) => {
                Self::Failure(anyhow::anyhow!(e).context("event store"))
            }
        }
    }
}

impl From<sqlx::Error> for CommandError {
    fn from(err: sqlx::Error) -> Self {
        if storage_unavailable(&err) {
            Self::Unavailable(err.into())
        } else {
            Self::Failure(err.into())
        }
    }
}

/// Whether a database error means that the storage is out of reach for now (connection lost
/// or refused, no connection free, the server shutting down or starting up), so that the
/// same request may succeed when retried.
pub fn storage_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Tls(_) => true,
        // 08xxx connection exception; 57P01 admin_shutdown, 57P02 crash_shutdown,
        // 57P03 cannot_connect_now (e.g. a restart of PostgreSQL).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Whether a failure was caused by the storage being out of reach (see
/// [`storage_unavailable`]): some paths wrap database errors in context before they become
/// a [`CommandError::Failure`].
pub fn caused_by_unavailable_storage(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(storage_unavailable)
    })
}

/// A unique violation on the event key is the database's proof that another writer came
/// first and this statement wrote nothing: a conflict.
pub fn conflict_or_error(err: sqlx::Error) -> CommandError {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            CommandError::Conflict
        }
        _ => CommandError::from(err),
    }
}
