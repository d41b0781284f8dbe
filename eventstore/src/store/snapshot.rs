//! Snapshots of our own (cqrs-es 0.5's snapshot store applies events twice): the folded state
//! of an aggregate at a sequence, sealed whole with the aggregate's subject key.
//!
//! A snapshot is only a cache. It is used when its format is the running code's and it opens
//! with the subject's current key; anything else (no key, a newer key after an erasure, a
//! state that no longer deserializes) falls back to folding every event.

use crate::pii::{self, SubjectKey};
use cqrs_es::Aggregate;
use domain::personal::PII_KEY;
use serde_json::Value;
use sqlx::PgPool;

/// Bump when any aggregate's state changes shape: older snapshots are then ignored and
/// replaced. (A new field with a serde default would otherwise read silently as its default.)
pub const SNAPSHOT_FORMAT: &str = "state-v1";

/// A snapshot is taken when a load folds at least this many events on top of the last one,
/// so that no load folds more than about this many (issue 8's history-length goal).
pub const SNAPSHOT_EVERY: usize = 50;

/// The snapshot's state, if it opens with `key` and deserializes.
pub fn open<A: Aggregate>(key: Option<&SubjectKey>, subject: &str, sealed: Value) -> Option<A> {
    let mut wrapped = sealed;
    pii::decrypt(key, subject, &mut wrapped).ok()?;
    let state = wrapped.as_object_mut()?.remove(PII_KEY)?;
    match serde_json::from_value(state) {
        Ok(aggregate) => Some(aggregate),
        Err(err) => {
            tracing::warn!(error = %err, subject, "snapshot does not deserialize; folding all events");
            None
        }
    }
}

/// Stores `aggregate` as the state at `sequence`, unless a newer snapshot is already there.
/// One at the same sequence is replaced: it could not be opened (a load that found a usable
/// snapshot folds fewer events than make a new one), e.g. sealed with an erased key.
/// Best effort: a failure is logged and the command goes on (the events are the truth).
#[tracing::instrument(name = "snapshot", skip_all, fields(aggregate = A::TYPE, id, sequence))]
pub async fn save<A: Aggregate>(
    pool: &PgPool,
    key: Option<&SubjectKey>,
    id: &str,
    sequence: usize,
    aggregate: &A,
) {
    if let Err(err) = try_save(pool, key, id, sequence, aggregate).await {
        tracing::warn!(error = format!("{err:#}"), "snapshot not saved");
    }
}

async fn try_save<A: Aggregate>(
    pool: &PgPool,
    key: Option<&SubjectKey>,
    id: &str,
    sequence: usize,
    aggregate: &A,
) -> anyhow::Result<()> {
    let subject = pii::subject_of(A::TYPE, id);
    let created;
    let key = match key {
        Some(key) => key,
        None => {
            created = pii::key_for_writing(pool, &subject).await?;
            &created
        }
    };
    let mut sealed = serde_json::json!({ PII_KEY: serde_json::to_value(aggregate)? });
    pii::encrypt(key, &subject, &mut sealed)?;
    sqlx::query(
        "INSERT INTO aggregate_snapshots (aggregate_type, aggregate_id, sequence, format, state)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
            SET sequence = EXCLUDED.sequence, format = EXCLUDED.format,
                state = EXCLUDED.state, taken_at = now()
          WHERE aggregate_snapshots.sequence <= EXCLUDED.sequence
             OR aggregate_snapshots.format <> EXCLUDED.format",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(sequence as i64)
    .bind(SNAPSHOT_FORMAT)
    .bind(sealed)
    .execute(pool)
    .await?;
    Ok(())
}
