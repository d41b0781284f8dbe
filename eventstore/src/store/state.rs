//! Loading an aggregate's current state for a command, in one statement: its subject key, the
//! newest snapshot, and the events after whichever is newer of that snapshot and the state
//! cached in memory (see [`cache`](super::cache)), decrypted with the key and upcast.

use super::cache::{Cached, StateCache};
use super::snapshot::{self, SNAPSHOT_EVERY, SNAPSHOT_FORMAT};
use crate::error::CommandError;
use crate::pii::{self, SubjectKey};
use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::{Aggregate, AggregateError, EventEnvelope};
use domain::Refusal;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row as _};
use uuid::Uuid;

/// An aggregate's state at `sequence`, with the key its events are sealed with.
pub struct Current<A> {
    pub aggregate: A,
    pub sequence: usize,
    /// The global position of the event at `sequence` (0 before the first event).
    pub position: i64,
    pub key: Option<SubjectKey>,
    pub snapshot_sequence: usize,
}

impl<A: Clone> Current<A> {
    pub fn cached(&self) -> Cached<A> {
        Cached {
            aggregate: self.aggregate.clone(),
            sequence: self.sequence,
            position: self.position,
            key: self.key.clone(),
            snapshot_sequence: self.snapshot_sequence,
        }
    }
}

impl<A> From<Cached<A>> for Current<A> {
    fn from(cached: Cached<A>) -> Self {
        Self {
            aggregate: cached.aggregate,
            sequence: cached.sequence,
            position: cached.position,
            key: cached.key,
            snapshot_sequence: cached.snapshot_sequence,
        }
    }
}

/// Part 0 is the head (key, a snapshot newer than `$5`, and the position of the event at
/// `$5`, which proves a cached state at `$5` current); part 1 the events after the newer of
/// that snapshot and `$5`. One round trip, one consistent view of all of it.
const LOAD: &str = "
WITH head AS (
    SELECT k.key_id, k.key, s.sequence AS snapshot_sequence, s.state,
           (SELECT global_position FROM events
             WHERE aggregate_type = $2 AND aggregate_id = $3 AND sequence = $5) AS anchor
      FROM (SELECT 1) AS one
      LEFT JOIN subject_keys k ON k.subject = $1
      LEFT JOIN aggregate_snapshots s
             ON s.aggregate_type = $2 AND s.aggregate_id = $3 AND s.format = $4
            AND s.sequence > $5)
SELECT 0 AS part, key_id, key, snapshot_sequence AS sequence, state, anchor AS position,
       NULL::text AS event_type, NULL::text AS event_version,
       NULL::json AS payload, NULL::json AS metadata
  FROM head
UNION ALL
SELECT 1, NULL, NULL, e.sequence, NULL, e.global_position,
       e.event_type, e.event_version, e.payload, e.metadata
  FROM events e, head
 WHERE e.aggregate_type = $2 AND e.aggregate_id = $3
   AND e.sequence > GREATEST($5, COALESCE(head.snapshot_sequence, 0))
 ORDER BY part, sequence";

#[tracing::instrument(name = "load", skip_all, fields(aggregate = A::TYPE, id, folded, cached))]
pub async fn load<A: Aggregate + Clone>(
    pool: &PgPool,
    upcasters: &[Box<dyn EventUpcaster>],
    cache: &StateCache<A>,
    id: &str,
) -> Result<Current<A>, CommandError> {
    let cached = cache.get(id);
    tracing::Span::current().record("cached", cached.is_some());
    let current = match cached {
        Some(cached) => match load_after(pool, upcasters, id, Some(cached)).await? {
            Some(current) => current,
            None => {
                cache.forget(id);
                load_after(pool, upcasters, id, None)
                    .await?
                    .expect("a load without a cached state always succeeds")
            }
        },
        None => load_after(pool, upcasters, id, None)
            .await?
            .expect("a load without a cached state always succeeds"),
    };
    cache.put(id, current.cached());
    Ok(current)
}

/// The current state, folded on `cached` if the database proves it an ancestor of the
/// stored history; `None` if it does not (the caller loads again without it).
async fn load_after<A: Aggregate>(
    pool: &PgPool,
    upcasters: &[Box<dyn EventUpcaster>],
    id: &str,
    cached: Option<Cached<A>>,
) -> Result<Option<Current<A>>, CommandError> {
    let subject = pii::subject_of(A::TYPE, id);
    let after = cached.as_ref().map_or(0, |c| c.sequence);
    let rows = sqlx::query(LOAD)
        .bind(&subject)
        .bind(A::TYPE)
        .bind(id)
        .bind(SNAPSHOT_FORMAT)
        .bind(after as i64)
        .fetch_all(pool)
        .await?;
    let (head, events) = rows.split_first().ok_or_else(|| {
        CommandError::failure(anyhow::anyhow!("the load statement returned no head row"))
    })?;
    let key = match (
        head.get::<Option<Uuid>, _>("key_id"),
        head.get::<Option<Vec<u8>>, _>("key"),
    ) {
        (Some(key_id), Some(bytes)) => {
            Some(SubjectKey::from_row(key_id, &bytes).map_err(CommandError::Failure)?)
        }
        _ => None,
    };
    let newer_snapshot = match (
        head.get::<Option<i64>, _>("sequence"),
        head.get::<Option<Value>, _>("state"),
    ) {
        (Some(sequence), Some(state)) => Some((sequence as usize, state)),
        _ => None,
    };
    let mut snapshot_sequence = cached.as_ref().map_or(0, |c| c.snapshot_sequence);
    let (mut aggregate, mut sequence, mut position) = match cached {
        Some(cached) => {
            let same_row = head.get::<Option<i64>, _>("position") == Some(cached.position);
            // A state opened with a key that is gone (erased, replaced) holds values that
            // must no longer be read; one without a key is still valid under a new key.
            let same_key = cached
                .key
                .as_ref()
                .is_none_or(|kept| key.as_ref().is_some_and(|k| k.id() == kept.id()));
            if !(same_row && same_key) {
                return Ok(None);
            }
            (cached.aggregate, cached.sequence, cached.position)
        }
        None => (A::default(), 0, 0),
    };
    let fetched;
    let mut events = events;
    if let Some((at, sealed)) = newer_snapshot {
        match snapshot::open::<A>(key.as_ref(), &subject, sealed) {
            Some(state) => {
                aggregate = state;
                sequence = at;
                snapshot_sequence = at;
            }
            // Unusable (sealed with a key that is gone, or an older shape): the statement
            // skipped the events it covers, so they are read now.
            None => {
                fetched = events_after::<A>(pool, id, sequence).await?;
                events = &fetched;
            }
        }
    }
    for row in events {
        fold(&mut aggregate, row, key.as_ref(), &subject, upcasters)?;
        sequence = seq(row);
        position = row.get("position");
    }
    tracing::Span::current().record("folded", events.len());
    if events.len() >= SNAPSHOT_EVERY {
        snapshot::save(pool, key.as_ref(), id, sequence, &aggregate).await;
        snapshot_sequence = sequence;
    }
    Ok(Some(Current {
        aggregate,
        sequence,
        position,
        key,
        snapshot_sequence,
    }))
}

async fn events_after<A: Aggregate>(
    pool: &PgPool,
    id: &str,
    after: usize,
) -> Result<Vec<PgRow>, CommandError> {
    Ok(sqlx::query(
        "SELECT sequence, global_position AS position, event_type, event_version, payload,
                metadata
           FROM events
          WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
          ORDER BY sequence",
    )
    .bind(A::TYPE)
    .bind(id)
    .bind(after as i64)
    .fetch_all(pool)
    .await?)
}

fn seq(row: &PgRow) -> usize {
    row.get::<i64, _>("sequence") as usize
}

/// Decrypts, upcasts and applies one stored event.
fn fold<A: Aggregate>(
    aggregate: &mut A,
    row: &PgRow,
    key: Option<&SubjectKey>,
    subject: &str,
    upcasters: &[Box<dyn EventUpcaster>],
) -> Result<(), CommandError> {
    let mut event = SerializedEvent {
        aggregate_type: A::TYPE.to_string(),
        aggregate_id: String::new(),
        sequence: seq(row),
        event_type: row.get("event_type"),
        event_version: row.get("event_version"),
        payload: row.get("payload"),
        metadata: row.get("metadata"),
    };
    pii::decrypt(key, subject, &mut event.payload).map_err(CommandError::Failure)?;
    for upcaster in upcasters {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    let envelope = EventEnvelope::<A>::try_from(event)
        .map_err(|e| CommandError::from(AggregateError::<Refusal>::from(e)))?;
    aggregate.apply(envelope.payload);
    Ok(())
}
