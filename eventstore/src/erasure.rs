//! R-ERASE at the level of events: the only ways a subject's sealed values become unreadable
//! (its key replaced or deleted) and its snapshots go, each inside a transaction the caller
//! holds, so that an erasure is all or nothing (`commands::erasure` decides what is erased).

use crate::error::{conflict_or_error, CommandError};
use crate::pii::{self, SubjectKey};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::{Aggregate, EventEnvelope};
use rand::rngs::OsRng;
use rand::RngCore;
use std::collections::HashMap;
use uuid::Uuid;

/// Appends events of one aggregate inside the transaction, sealing personal values with `key`.
/// A concurrent append took the sequence: a conflict, the whole transaction rolls back.
pub async fn append_in<A: Aggregate>(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    from_sequence: usize,
    events: Vec<A::Event>,
    metadata: &HashMap<String, String>,
    key: Option<&SubjectKey>,
) -> Result<(), CommandError> {
    let subject = pii::subject_of(A::TYPE, &id.to_string());
    for (n, event) in events.into_iter().enumerate() {
        let envelope = EventEnvelope::<A> {
            aggregate_id: id.to_string(),
            sequence: from_sequence + n + 1,
            payload: event,
            metadata: metadata.clone(),
        };
        let mut serialized = SerializedEvent::try_from(&envelope)
            .map_err(|e| CommandError::failure(anyhow::anyhow!(e).context("serializing")))?;
        if pii::has_personal_data(&serialized.payload) {
            let key = key.ok_or_else(|| {
                CommandError::failure(anyhow::anyhow!("no key to seal {subject} with"))
            })?;
            pii::encrypt(key, &subject, &mut serialized.payload).map_err(CommandError::Failure)?;
        }
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                 event_version, payload, metadata)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&serialized.aggregate_type)
        .bind(&serialized.aggregate_id)
        .bind(serialized.sequence as i64)
        .bind(&serialized.event_type)
        .bind(&serialized.event_version)
        .bind(&serialized.payload)
        .bind(&serialized.metadata)
        .execute(&mut *tx)
        .await
        .map_err(conflict_or_error)?;
    }
    Ok(())
}

/// Replaces an aggregate's key by a fresh one: every value sealed before reads as erased from
/// now on, in replays too.
pub async fn replace_key<A: Aggregate>(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<SubjectKey, CommandError> {
    let subject = pii::subject_of(A::TYPE, &id.to_string());
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    delete_subject_key(tx, &subject).await?;
    let key_id: Uuid = sqlx::query_scalar(
        "INSERT INTO subject_keys (subject, key) VALUES ($1, $2) RETURNING key_id",
    )
    .bind(&subject)
    .bind(bytes.as_slice())
    .fetch_one(&mut *tx)
    .await?;
    SubjectKey::from_row(key_id, &bytes).map_err(CommandError::Failure)
}

/// Deletes an aggregate's key and its snapshots: its sealed values read as erased for good.
pub async fn forget<A: Aggregate>(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<(), CommandError> {
    delete_subject_key(tx, &pii::subject_of(A::TYPE, &id.to_string())).await?;
    drop_snapshots::<A>(tx, id).await
}

/// Drops an aggregate's snapshots (they were sealed with a key that is gone).
pub async fn drop_snapshots<A: Aggregate>(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<(), CommandError> {
    sqlx::query("DELETE FROM aggregate_snapshots WHERE aggregate_type = $1 AND aggregate_id = $2")
        .bind(A::TYPE)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The id of the transaction the caller holds, which read-your-writes waits for.
pub async fn transaction_id(tx: &mut sqlx::PgConnection) -> Result<i64, CommandError> {
    Ok(
        sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
            .fetch_one(&mut *tx)
            .await?,
    )
}

async fn delete_subject_key(
    tx: &mut sqlx::PgConnection,
    subject: &str,
) -> Result<(), CommandError> {
    sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
