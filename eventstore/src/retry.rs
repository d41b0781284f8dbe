//! When a command is decided again: only after a proven conflict (or, for a decision on a
//! cached state, after any error known to have written nothing), and in one place.
//!
//! A conflict (a unique violation on the event key, a failed append guard) is the database's
//! proof that the statement wrote nothing, because another writer came first: deciding again
//! on the fresh state is safe. Any other error is returned as it is. An `Unavailable` may come
//! after the commit was sent (the connection lost before the answer): the command may have
//! been carried out, so deciding it again could apply it twice. The client gets a retryable
//! error instead, and its retry is made idempotent by its `clientMutationId`.

use crate::error::CommandError;
use std::future::Future;

/// A conflict is decided again at most this many times.
pub const CONFLICT_RETRIES: usize = 3;

/// Whether an attempt that ended with `err` may be decided again.
pub fn decide_again(err: &CommandError) -> bool {
    matches!(err, CommandError::Conflict)
}

/// Whether an attempt that ended with `err` is known to have written nothing: a refusal is
/// decided before any write, a conflict is the database's proof. Such an attempt made on a
/// cached state is decided again on a load (the state may have been stale); any other error
/// goes to the client as it is.
pub fn wrote_nothing(err: &CommandError) -> bool {
    matches!(err, CommandError::Refused(_) | CommandError::Conflict)
}

/// Runs `attempt` until it succeeds or ends with an error that may not be decided again
/// (see [`decide_again`]), at most `1 + CONFLICT_RETRIES` times.
pub async fn on_conflict<T, F, Fut>(mut attempt: F) -> Result<T, CommandError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CommandError>>,
{
    let mut retries = 0;
    loop {
        match attempt().await {
            Err(err) if decide_again(&err) && retries < CONFLICT_RETRIES => {
                retries += 1;
                tracing::debug!(retries, "conflict, deciding again");
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Refusal;
    use std::cell::Cell;

    async fn attempts_for(err: fn() -> CommandError) -> usize {
        let count = Cell::new(0);
        let result: Result<(), _> = on_conflict(|| {
            count.set(count.get() + 1);
            let err = err();
            async move { Err(err) }
        })
        .await;
        assert!(result.is_err());
        count.get()
    }

    #[tokio::test]
    async fn only_a_conflict_is_decided_again() {
        assert_eq!(
            attempts_for(|| CommandError::Conflict).await,
            1 + CONFLICT_RETRIES
        );
        // A commit of unknown outcome is never decided again.
        assert_eq!(
            attempts_for(|| CommandError::Unavailable(anyhow::anyhow!("connection lost"))).await,
            1
        );
        assert_eq!(
            attempts_for(|| CommandError::failure(anyhow::anyhow!("boom"))).await,
            1
        );
        assert_eq!(
            attempts_for(|| Refusal::validation("f", "BAD", "bad").into()).await,
            1
        );
        assert_eq!(
            attempts_for(|| CommandError::Unauthenticated {
                reason: "SESSION_UNKNOWN",
                message: "not logged in"
            })
            .await,
            1
        );
    }

    #[tokio::test]
    async fn a_conflict_then_success_is_success() {
        let count = Cell::new(0);
        let result = on_conflict(|| {
            count.set(count.get() + 1);
            let n = count.get();
            async move {
                if n < 3 {
                    Err(CommandError::Conflict)
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), 3);
    }
}
