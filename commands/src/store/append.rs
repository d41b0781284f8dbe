//! Appending events: one INSERT statement for any number of aggregates, so a command is one
//! round trip and a copy to 500 documents is one atomic write. The columns are postgres-es's;
//! `(aggregate_type, aggregate_id, sequence)` is the primary key, so a concurrent writer that
//! decided on the same state loses with a unique violation (a conflict, retried by the caller).

use crate::error::CommandError;
use crate::pii::{self, SubjectKey};
use crate::store::CommandContext;
use cqrs_es::persist::SerializedEvent;
use cqrs_es::{Aggregate, EventEnvelope};
use serde_json::Value;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::LazyLock;

/// New events of one aggregate, decided on its state at `from_sequence`.
pub struct Pending<A: Aggregate> {
    pub id: String,
    pub from_sequence: usize,
    pub events: Vec<A::Event>,
    /// The subject key found when the state was loaded, if any.
    pub key: Option<SubjectKey>,
}

/// What one append wrote (no `Debug`: it holds keys).
#[derive(Default)]
pub struct Appended {
    /// The writing transaction's id (0 if there was nothing to write), which read-your-writes
    /// waits for.
    pub tx: i64,
    /// For each aggregate written: the global position of its last new event, and the key
    /// its personal values are sealed with (found, or created by this append).
    pub heads: HashMap<String, (i64, Option<SubjectKey>)>,
}

/// For an append decided on a state cached in memory (one aggregate): the proof that the state
/// is still current, checked in the INSERT itself. The event at `sequence` must be the row at
/// `position` (a purge or a history written again fails this; a newer event makes the INSERT
/// conflict on its key anyway) and the key the state was opened with must still exist (an
/// erasure fails this). Nothing is written if it fails: the caller loads and decides again.
pub struct Guard {
    pub sequence: usize,
    pub position: i64,
    pub key_id: Option<String>,
}

/// The record that a request with a client mutation id was carried out, and its answer
/// (`copy_operations`): written by the same statement as the request's events, so that a
/// retry finds either both or neither. A second receipt for the same `(scope, id)` violates
/// its key: a conflict, and nothing is written.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// Whose ids these are: the institution (the account, for anyone else).
    pub scope: uuid::Uuid,
    pub client_mutation_id: String,
    /// Tells a retry of the same request from another request under the same id.
    pub request_hash: String,
    pub source_document: uuid::Uuid,
    /// The answer: how many targets were copied.
    pub targets: i32,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The reason of [`session_not_proven`].
pub const SESSION_NOT_PROVEN: &str = "SESSION_NOT_PROVEN";

/// The error for a caller resolved from memory whose session the database does not confirm
/// (ended, expired, or its account changed): nothing was written, and the caller
/// authenticates the ordinary way, which gives the real reason (see `auth::KnownSessions`).
pub fn session_not_proven() -> CommandError {
    CommandError::Unauthenticated {
        reason: SESSION_NOT_PROVEN,
        message: "not logged in",
    }
}

/// Appends all pending events atomically.
#[tracing::instrument(name = "append", skip_all, fields(aggregate = A::TYPE, aggregates = batch.len()))]
pub async fn append<A: Aggregate>(
    pool: &PgPool,
    batch: Vec<Pending<A>>,
    metadata: &HashMap<String, String>,
    ctx: &CommandContext,
    guard: Option<Guard>,
    receipt: Option<&Receipt>,
) -> Result<Appended, CommandError> {
    // Serialized first; then the subjects that get personal data for the first time get
    // their keys, all in one statement; then personal values are sealed.
    let mut serialized: Vec<(Option<SubjectKey>, String, Vec<SerializedEvent>)> = vec![];
    let guarded_id = batch.first().map(|pending| pending.id.clone());
    for pending in batch {
        let subject = pii::subject_of(A::TYPE, &pending.id);
        let mut events = Vec::with_capacity(pending.events.len());
        for (n, event) in pending.events.into_iter().enumerate() {
            let envelope = EventEnvelope::<A> {
                aggregate_id: pending.id.clone(),
                sequence: pending.from_sequence + n + 1,
                payload: event,
                metadata: metadata.clone(),
            };
            events.push(
                SerializedEvent::try_from(&envelope).map_err(|e| {
                    CommandError::failure(anyhow::anyhow!(e).context("serializing"))
                })?,
            );
        }
        serialized.push((pending.key, subject, events));
    }
    let keyless: Vec<String> = serialized
        .iter()
        .filter(|(key, _, events)| {
            key.is_none() && events.iter().any(|e| pii::has_personal_data(&e.payload))
        })
        .map(|(_, subject, _)| subject.clone())
        .collect();
    let mut created = if keyless.is_empty() {
        HashMap::new()
    } else {
        pii::keys_for_writing(pool, &keyless)
            .await
            .map_err(CommandError::Failure)?
    };
    let guarded_subject = serialized
        .first()
        .map(|(_, subject, _)| subject.clone())
        .unwrap_or_default();
    let guarded_id = guarded_id.unwrap_or_default();
    let mut rows = Rows::default();
    let mut keys = HashMap::new();
    for (key, subject, events) in serialized {
        let key = key.or_else(|| created.remove(&subject));
        if let Some(first) = events.first() {
            keys.insert(first.aggregate_id.clone(), key.clone());
        }
        for mut event in events {
            if pii::has_personal_data(&event.payload) {
                let key = key.as_ref().ok_or_else(|| {
                    CommandError::failure(anyhow::anyhow!("no key for {subject}"))
                })?;
                pii::encrypt(key, &subject, &mut event.payload).map_err(CommandError::Failure)?;
            }
            rows.push(event);
        }
    }
    if rows.ids.is_empty() {
        // Nothing to write; what the write would have proved is proved all the same.
        let unchanged = Unchanged {
            aggregate_type: A::TYPE,
            aggregate_id: &guarded_id,
            subject: &guarded_subject,
        };
        prove_unchanged(pool, ctx, guard.as_ref(), unchanged).await?;
        if let Some(receipt) = receipt {
            write_receipt(pool, receipt).await?;
        }
        return Ok(Appended::default());
    }
    let statement: &str = if receipt.is_some() {
        &WITH_RECEIPT
    } else {
        &APPEND
    };
    let mut query = sqlx::query_as::<_, (String, i64, i64)>(statement)
        .bind(&rows.types)
        .bind(&rows.ids)
        .bind(&rows.sequences)
        .bind(&rows.event_types)
        .bind(&rows.versions)
        .bind(&rows.payloads)
        .bind(&rows.metadata)
        .bind(ctx.session.as_deref())
        .bind(guard.as_ref().map(|g| g.sequence as i64))
        .bind(guard.as_ref().map(|g| g.position))
        .bind(guard_key(guard.as_ref())?)
        .bind(&guarded_subject)
        .bind(ctx.session_guard.as_ref().map(|g| g.account_id.as_str()))
        .bind(ctx.session_guard.as_ref().map(|g| g.account_position))
        .bind(ctx.session_guard.as_ref().map(|g| g.now))
        .bind(ctx.session_guard.as_ref().map(|g| g.idle))
        .bind(<domain::account::Account as Aggregate>::TYPE);
    if let Some(receipt) = receipt {
        query = query
            .bind(receipt.scope)
            .bind(&receipt.client_mutation_id)
            .bind(&receipt.request_hash)
            .bind(receipt.source_document)
            .bind(receipt.targets)
            .bind(receipt.at);
    }
    let written = query.fetch_all(pool).await.map_err(conflict_or_error)?;
    if written.is_empty() && guard.is_some() {
        // The cached state or the session was not current (the statement does not say which):
        // nothing written; the caller loads and decides again.
        return Err(CommandError::Conflict);
    }
    if written.is_empty() && ctx.session_guard.is_some() {
        // Only the session's proof can have failed: nothing written.
        return Err(session_not_proven());
    }
    let mut appended = Appended::default();
    for (id, position, tx) in written {
        appended.tx = appended.tx.max(tx);
        let key_id = keys.remove(&id).flatten();
        appended.heads.insert(id, (position, key_id));
    }
    Ok(appended)
}

/// A unique violation is the proof that another writer came first and nothing was written.
fn conflict_or_error(err: sqlx::Error) -> CommandError {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            CommandError::Conflict
        }
        _ => CommandError::from(err),
    }
}

fn guard_key(guard: Option<&Guard>) -> Result<Option<uuid::Uuid>, CommandError> {
    guard
        .and_then(|g| g.key_id.as_deref())
        .map(uuid::Uuid::parse_str)
        .transpose()
        .map_err(|e| CommandError::failure(anyhow::anyhow!(e).context("key id")))
}

// WITH ORDINALITY + ORDER BY: positions follow sequence order within the statement, so the
// projector (which reads in (tx_id, global_position) order) applies them in order.
const APPENDED: &str = "WITH appended AS (
            INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                event_version, payload, metadata)
            SELECT t, i, s, e, v, p::json, m::json
              FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                          $6::text[], $7::text[]) WITH ORDINALITY AS r(t, i, s, e, v, p, m, n)
             WHERE ($9::bigint IS NULL
                    OR (($9 = 0 OR EXISTS (SELECT 1 FROM events x
                                            WHERE x.aggregate_type = r.t AND x.aggregate_id = r.i
                                              AND x.sequence = $9 AND x.global_position = $10))
                        AND ($11::uuid IS NULL
                             OR EXISTS (SELECT 1 FROM subject_keys k
                                         WHERE k.subject = $12 AND k.key_id = $11))))
               AND ($13::text IS NULL
                    OR (EXISTS (SELECT 1 FROM sessions z
                                 WHERE z.token_hash = $8 AND z.expires_at > $15)
                        AND (SELECT a.global_position FROM events a
                              WHERE a.aggregate_type = $17 AND a.aggregate_id = $13
                              ORDER BY a.sequence DESC LIMIT 1) = $14))
             ORDER BY n
            RETURNING aggregate_id, global_position, tx_id),
         -- Read your writes: the caller's session notes this transaction (no row without one).
         -- A caller resolved from memory (a session guard) also slides the session's expiry.
         noted AS (
            UPDATE sessions
               SET written_tx = GREATEST(written_tx, pg_current_xact_id()::text::bigint),
                   written_types = ARRAY(SELECT DISTINCT unnest(written_types || $1[1:1])),
                   expires_at = CASE WHEN $13::text IS NULL THEN expires_at ELSE $15 + $16 END
             WHERE token_hash = $8 AND EXISTS (SELECT 1 FROM appended))";

/// The request's receipt, only if its events are written (a failed guard writes neither).
const RECEIPT: &str = ",
         receipt AS (
            INSERT INTO copy_operations (scope, client_mutation_id, request_hash,
                                         source_document, targets, created_at, completed_at)
            SELECT $18, $19, $20, $21, $22, $23, $23 WHERE EXISTS (SELECT 1 FROM appended))";

const ANSWER: &str = "
         SELECT aggregate_id, max(global_position), max(tx_id::text::bigint)
           FROM appended GROUP BY aggregate_id";

/// The append: one statement on the warm path.
static APPEND: LazyLock<String> = LazyLock::new(|| format!("{APPENDED}{ANSWER}"));
/// The append of a request with a client mutation id.
static WITH_RECEIPT: LazyLock<String> = LazyLock::new(|| format!("{APPENDED}{RECEIPT}{ANSWER}"));

async fn write_receipt(pool: &PgPool, receipt: &Receipt) -> Result<(), CommandError> {
    sqlx::query(
        "INSERT INTO copy_operations (scope, client_mutation_id, request_hash, source_document,
                                      targets, created_at, completed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(receipt.scope)
    .bind(&receipt.client_mutation_id)
    .bind(&receipt.request_hash)
    .bind(receipt.source_document)
    .bind(receipt.targets)
    .bind(receipt.at)
    .execute(pool)
    .await
    .map_err(conflict_or_error)?;
    Ok(())
}

/// The aggregate a decision that wrote nothing was made on.
struct Unchanged<'a> {
    aggregate_type: &'a str,
    aggregate_id: &'a str,
    subject: &'a str,
}

/// Proves the session of a caller resolved from memory (see [`prove_unchanged`]); without a
/// session guard there is nothing to prove.
pub async fn prove_session(pool: &PgPool, ctx: &CommandContext) -> Result<(), CommandError> {
    let nothing = Unchanged {
        aggregate_type: "",
        aggregate_id: "",
        subject: "",
    };
    prove_unchanged(pool, ctx, None, nothing).await
}

/// For a decision that wrote nothing, what its append would have proved in its condition:
/// the cached state it was decided on is still current (`guard`: else a conflict, and the
/// caller loads and decides again), and the session of a caller resolved from memory is open
/// and its account unchanged (else [`session_not_proven`]); such a session slides as the
/// append would have slid it. Without either there is nothing to prove and no statement.
async fn prove_unchanged(
    pool: &PgPool,
    ctx: &CommandContext,
    guard: Option<&Guard>,
    unchanged: Unchanged<'_>,
) -> Result<(), CommandError> {
    let session = ctx.session_guard.as_ref();
    if guard.is_none() && session.is_none() {
        return Ok(());
    }
    let (state_current, session_open): (bool, bool) = sqlx::query_as(
        "WITH state AS (
            SELECT $3::bigint IS NULL
                   OR (($3 = 0 OR EXISTS (SELECT 1 FROM events x
                                           WHERE x.aggregate_type = $1 AND x.aggregate_id = $2
                                             AND x.sequence = $3 AND x.global_position = $4))
                       AND NOT EXISTS (SELECT 1 FROM events y
                                        WHERE y.aggregate_type = $1 AND y.aggregate_id = $2
                                          AND y.sequence > $3)
                       AND ($5::uuid IS NULL
                            OR EXISTS (SELECT 1 FROM subject_keys k
                                        WHERE k.subject = $6 AND k.key_id = $5))) AS current),
         session AS (
            UPDATE sessions SET expires_at = $9 + $10
             WHERE token_hash = $7 AND account_id::text = $8 AND expires_at > $9
               AND (SELECT a.global_position FROM events a
                     WHERE a.aggregate_type = $12 AND a.aggregate_id = $8
                     ORDER BY a.sequence DESC LIMIT 1) = $11
               -- As in authentication: the extension need not wait for its WAL flush.
               AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
            RETURNING 1)
         SELECT (SELECT current FROM state), $8::text IS NULL OR EXISTS (SELECT 1 FROM session)",
    )
    .bind(unchanged.aggregate_type)
    .bind(unchanged.aggregate_id)
    .bind(guard.map(|g| g.sequence as i64))
    .bind(guard.map(|g| g.position))
    .bind(guard_key(guard)?)
    .bind(unchanged.subject)
    .bind(ctx.session.as_deref())
    .bind(session.map(|g| g.account_id.as_str()))
    .bind(session.map(|g| g.now))
    .bind(session.map(|g| g.idle))
    .bind(session.map(|g| g.account_position))
    .bind(<domain::account::Account as Aggregate>::TYPE)
    .fetch_one(pool)
    .await?;
    if !session_open {
        return Err(session_not_proven());
    }
    if !state_current {
        return Err(CommandError::Conflict);
    }
    Ok(())
}

/// The statement's columns, as parallel arrays.
#[derive(Default)]
struct Rows {
    types: Vec<String>,
    ids: Vec<String>,
    sequences: Vec<i64>,
    event_types: Vec<String>,
    versions: Vec<String>,
    payloads: Vec<String>,
    metadata: Vec<String>,
}

impl Rows {
    fn push(&mut self, event: SerializedEvent) {
        self.types.push(event.aggregate_type);
        self.ids.push(event.aggregate_id);
        self.sequences.push(event.sequence as i64);
        self.event_types.push(event.event_type);
        self.versions.push(event.event_version);
        self.payloads.push(text(&event.payload));
        self.metadata.push(text(&event.metadata));
    }
}

fn text(value: &Value) -> String {
    value.to_string()
}
