//! Loading an aggregate's current state for a command: its subject key and snapshot in one
//! query, then only the events after the snapshot, decrypted with that key and upcast.

use super::snapshot::{self, SNAPSHOT_EVERY, SNAPSHOT_FORMAT};
use crate::error::CommandError;
use crate::pii::{self, SubjectKey};
use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::{Aggregate, AggregateError, EventEnvelope};
use domain::Refusal;
use serde_json::Value;
use sqlx::{PgPool, Row as _};
use uuid::Uuid;

/// An aggregate's state at `sequence`, with the key its events are sealed with.
pub struct Current<A> {
    pub aggregate: A,
    pub sequence: usize,
    pub key: Option<SubjectKey>,
}

#[tracing::instrument(name = "load", skip_all, fields(aggregate = A::TYPE, id, folded))]
pub async fn load<A: Aggregate>(
    pool: &PgPool,
    upcasters: &[Box<dyn EventUpcaster>],
    id: &str,
) -> Result<Current<A>, CommandError> {
    let subject = pii::subject_of(A::TYPE, id);
    let head = sqlx::query(
        "SELECT k.key_id, k.key, s.sequence, s.state
           FROM (SELECT 1) AS one
           LEFT JOIN subject_keys k ON k.subject = $1
           LEFT JOIN aggregate_snapshots s
                  ON s.aggregate_type = $2 AND s.aggregate_id = $3 AND s.format = $4",
    )
    .bind(&subject)
    .bind(A::TYPE)
    .bind(id)
    .bind(SNAPSHOT_FORMAT)
    .fetch_one(pool)
    .await?;
    let key = match (
        head.get::<Option<Uuid>, _>("key_id"),
        head.get::<Option<Vec<u8>>, _>("key"),
    ) {
        (Some(key_id), Some(bytes)) => {
            Some(SubjectKey::from_row(key_id, &bytes).map_err(CommandError::Failure)?)
        }
        _ => None,
    };
    let snapshot = match (
        head.get::<Option<i64>, _>("sequence"),
        head.get::<Option<Value>, _>("state"),
    ) {
        (Some(sequence), Some(state)) => {
            snapshot::open::<A>(key.as_ref(), &subject, state).map(|a| (a, sequence as usize))
        }
        _ => None,
    };
    let (mut aggregate, from) = snapshot.unwrap_or_default();

    let rows = sqlx::query(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
           FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
          ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(from as i64)
    .fetch_all(pool)
    .await?;
    let mut sequence = from;
    for row in &rows {
        let mut event = SerializedEvent {
            aggregate_type: row.get("aggregate_type"),
            aggregate_id: row.get("aggregate_id"),
            sequence: row.get::<i64, _>("sequence") as usize,
            event_type: row.get("event_type"),
            event_version: row.get("event_version"),
            payload: row.get("payload"),
            metadata: row.get("metadata"),
        };
        pii::decrypt(key.as_ref(), &subject, &mut event.payload).map_err(CommandError::Failure)?;
        for upcaster in upcasters {
            if upcaster.can_upcast(&event.event_type, &event.event_version) {
                event = upcaster.upcast(event);
            }
        }
        sequence = event.sequence;
        let envelope = EventEnvelope::<A>::try_from(event)
            .map_err(|e| CommandError::from(AggregateError::<Refusal>::from(e)))?;
        aggregate.apply(envelope.payload);
    }
    tracing::Span::current().record("folded", rows.len());
    if rows.len() >= SNAPSHOT_EVERY {
        snapshot::save(pool, key.as_ref(), id, sequence, &aggregate).await;
    }
    Ok(Current {
        aggregate,
        sequence,
        key,
    })
}
