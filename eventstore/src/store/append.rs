//! Appending events: one statement for any number of aggregates, so a command is one round
//! trip and a copy to 500 documents is one atomic write. The columns are postgres-es's;
//! `(aggregate_type, aggregate_id, sequence)` is the primary key, so a concurrent writer that
//! decided on the same state loses with a unique violation (a conflict, retried by the caller).
//!
//! The statement is built from named parts (see [`statement`]): each proof an append may carry
//! ([`CacheProof`], the caller's [`SessionGuard`]) is a CTE of its own that yields `holds`, the
//! INSERT runs only when every proof holds, and the answer says which proof failed. A request
//! with no events runs the same proofs in a statement of their own ([`prove`]): no answer rests
//! on a proof that was not made.

use crate::error::{conflict_or_error, CommandError};
use crate::pii::{self, SubjectKey};
use crate::store::{CommandContext, SessionGuard};
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
/// is still current, checked in the append's own statement. The event at `sequence` must be
/// the row at `position` (a purge or a history written again fails this; a newer event makes
/// the INSERT conflict on its key anyway) and the key the state was opened with must still
/// exist (an erasure fails this). Nothing is written if it fails: the caller loads and decides
/// again.
pub struct CacheProof {
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

/// One append, as the database is asked for it: the events of each aggregate (each decided on
/// its state at `from_sequence`, the expected version), and the proofs the statement must find
/// true before it writes anything.
pub struct AppendRequest<'a, A: Aggregate> {
    pub batch: Vec<Pending<A>>,
    pub metadata: &'a HashMap<String, String>,
    /// The state the single aggregate was decided on came from the cache.
    pub cache_proof: Option<CacheProof>,
    /// The caller was resolved from memory: its session and account must still be current.
    pub session_proof: Option<&'a SessionGuard>,
    /// The caller's session key (a token hash): the append notes on it what it wrote.
    pub session: Option<&'a str>,
    /// The request's receipt, written with its events (or alone when there are none).
    pub receipt: Option<&'a Receipt>,
}

impl<'a, A: Aggregate> AppendRequest<'a, A> {
    /// A request of `ctx`'s caller: its session proof and session come from the context.
    pub fn new(
        batch: Vec<Pending<A>>,
        metadata: &'a HashMap<String, String>,
        ctx: &'a CommandContext,
    ) -> Self {
        Self {
            batch,
            metadata,
            cache_proof: None,
            session_proof: ctx.session_guard.as_ref(),
            session: ctx.session.as_deref(),
            receipt: None,
        }
    }

    pub fn with_cache_proof(self, proof: Option<CacheProof>) -> Self {
        Self {
            cache_proof: proof,
            ..self
        }
    }

    pub fn with_receipt(self, receipt: Option<&'a Receipt>) -> Self {
        Self { receipt, ..self }
    }
}

/// Which proof a statement found false (nothing was written).
#[derive(Debug, PartialEq, Eq)]
enum Failed {
    Cache,
    Session,
}

impl From<Failed> for CommandError {
    fn from(failed: Failed) -> Self {
        match failed {
            // The caller loads and decides again.
            Failed::Cache => CommandError::Conflict,
            // The caller authenticates the ordinary way, which gives the real reason.
            Failed::Session => session_not_proven(),
        }
    }
}

/// The proofs' verdict: the session first (a caller whose session is not proven is told
/// nothing else), then the cached state.
fn verdict(cache_holds: bool, session_holds: bool) -> Result<(), Failed> {
    if !session_holds {
        return Err(Failed::Session);
    }
    if !cache_holds {
        return Err(Failed::Cache);
    }
    Ok(())
}

/// Appends all pending events atomically.
#[tracing::instrument(name = "append", skip_all, fields(aggregate = A::TYPE, aggregates = request.batch.len()))]
pub async fn append<A: Aggregate>(
    pool: &PgPool,
    request: AppendRequest<'_, A>,
) -> Result<Appended, CommandError> {
    let AppendRequest {
        batch,
        metadata,
        cache_proof,
        session_proof,
        session,
        receipt,
    } = request;
    // Serialized first; then the subjects that get personal data for the first time get
    // their keys, all in one statement; then personal values are sealed.
    let mut serialized: Vec<(Option<SubjectKey>, String, Vec<SerializedEvent>)> = vec![];
    let guarded = Guarded {
        aggregate_type: A::TYPE,
        aggregate_id: batch.first().map(|p| p.id.clone()).unwrap_or_default(),
        subject: batch
            .first()
            .map(|p| pii::subject_of(A::TYPE, &p.id))
            .unwrap_or_default(),
    };
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
    let proofs = Proofs {
        guarded,
        cache: cache_proof.as_ref(),
        session_proof,
        session,
    };
    if rows.ids.is_empty() {
        // Nothing to write; what the write would have proved is proved all the same.
        prove(pool, &proofs).await?;
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
    let query =
        sqlx::query_as::<_, (Option<String>, Option<i64>, Option<i64>, bool, bool)>(statement)
            .bind(&rows.types)
            .bind(&rows.ids)
            .bind(&rows.sequences)
            .bind(&rows.event_types)
            .bind(&rows.versions)
            .bind(&rows.payloads)
            .bind(&rows.metadata);
    let mut query = proofs.bind(query)?;
    if let Some(receipt) = receipt {
        query = query
            .bind(receipt.scope)
            .bind(&receipt.client_mutation_id)
            .bind(&receipt.request_hash)
            .bind(receipt.source_document)
            .bind(receipt.targets)
            .bind(receipt.at);
    }
    let answer = query.fetch_all(pool).await.map_err(conflict_or_error)?;
    let mut appended = Appended::default();
    for (id, position, tx, cache_holds, session_holds) in answer {
        let (Some(id), Some(position), Some(tx)) = (id, position, tx) else {
            // The row that says nothing was appended, and which proof failed.
            verdict(cache_holds, session_holds)?;
            return Err(CommandError::failure(anyhow::anyhow!(
                "the append wrote nothing, yet every proof held"
            )));
        };
        appended.tx = appended.tx.max(tx);
        let key_id = keys.remove(&id).flatten();
        appended.heads.insert(id, (position, key_id));
    }
    // The append rate (per aggregate type) for /metrics.
    metrics::counter!("europass_events_appended_total", "aggregate" => A::TYPE)
        .increment(rows.ids.len() as u64);
    Ok(appended)
}

/// The aggregate a cache proof speaks of: the batch's single aggregate.
struct Guarded {
    aggregate_type: &'static str,
    aggregate_id: String,
    subject: String,
}

/// The proofs of one statement, bound to the parameters `$8` to `$17` of [`statement`].
struct Proofs<'a> {
    guarded: Guarded,
    cache: Option<&'a CacheProof>,
    session_proof: Option<&'a SessionGuard>,
    session: Option<&'a str>,
}

type Query<'q, O> = sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>;

impl Proofs<'_> {
    fn bind<'q, O>(&'q self, query: Query<'q, O>) -> Result<Query<'q, O>, CommandError> {
        let guard = self.session_proof;
        Ok(query
            .bind(self.session)
            .bind(self.cache.map(|g| g.sequence as i64))
            .bind(self.cache.map(|g| g.position))
            .bind(cache_key(self.cache)?)
            .bind(&self.guarded.subject)
            .bind(guard.map(|g| g.account_id.as_str()))
            .bind(guard.map(|g| g.account_position))
            .bind(guard.map(|g| g.now))
            .bind(guard.map(|g| g.idle))
            .bind(<domain::account::Account as Aggregate>::TYPE)
            .bind(self.guarded.aggregate_type)
            .bind(self.guarded.aggregate_id.as_str()))
    }
}

fn cache_key(proof: Option<&CacheProof>) -> Result<Option<uuid::Uuid>, CommandError> {
    proof
        .and_then(|g| g.key_id.as_deref())
        .map(uuid::Uuid::parse_str)
        .transpose()
        .map_err(|e| CommandError::failure(anyhow::anyhow!(e).context("key id")))
}

/// The statement's named parts. Parameters: `$1`–`$7` the rows (parallel arrays), `$8` the
/// caller's session key, `$9`–`$12` the cache proof (sequence, position, key id, subject),
/// `$13`–`$16` the session proof (account id, the account's newest position, now, idle time),
/// `$17` the account aggregate type, `$18`–`$19` the guarded aggregate (type, id), `$20`– the
/// receipt.
pub mod statement {
    /// The cached state is current: the event it was folded up to is still that row, and the
    /// key it was opened with still exists. Holds without a cache proof.
    pub const CACHE_PROOF: &str = "cache_proof AS (
            SELECT $9::bigint IS NULL
                   OR (($9 = 0 OR EXISTS (SELECT 1 FROM events x
                                           WHERE x.aggregate_type = $18 AND x.aggregate_id = $19
                                             AND x.sequence = $9 AND x.global_position = $10))
                       AND ($11::uuid IS NULL
                            OR EXISTS (SELECT 1 FROM subject_keys k
                                        WHERE k.subject = $12 AND k.key_id = $11))) AS holds)";

    /// With nothing to insert, no key conflict tells of a newer event: the proof says it.
    pub const NOTHING_NEWER: &str = "nothing_newer AS (
            SELECT $9::bigint IS NULL
                   OR NOT EXISTS (SELECT 1 FROM events y
                                   WHERE y.aggregate_type = $18 AND y.aggregate_id = $19
                                     AND y.sequence > $9) AS holds)";

    /// The session of a caller resolved from memory is open at `now`, is that account's, and
    /// the account's newest event is the one it was resolved at. Holds without a session proof.
    pub const SESSION_PROOF: &str = "session_proof AS (
            SELECT $13::text IS NULL
                   OR (EXISTS (SELECT 1 FROM sessions z
                                WHERE z.token_hash = $8 AND z.account_id::text = $13
                                  AND z.expires_at > $15)
                       AND (SELECT a.global_position FROM events a
                             WHERE a.aggregate_type = $17 AND a.aggregate_id = $13
                             ORDER BY a.sequence DESC LIMIT 1) = $14) AS holds)";

    /// The INSERT, only when every proof holds. WITH ORDINALITY + ORDER BY: positions follow
    /// sequence order within the statement, so the projector (which reads in (tx_id,
    /// global_position) order) applies them in order.
    pub const APPENDED: &str = "appended AS (
            INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                event_version, payload, metadata)
            SELECT t, i, s, e, v, p::json, m::json
              FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                          $6::text[], $7::text[]) WITH ORDINALITY AS r(t, i, s, e, v, p, m, n)
             WHERE (SELECT holds FROM cache_proof) AND (SELECT holds FROM session_proof)
             ORDER BY n
            RETURNING aggregate_id, global_position, tx_id)";

    /// Read your writes: the caller's session notes this transaction (no row without one). A
    /// caller resolved from memory also slides the session's expiry, as authenticating would.
    pub const NOTED: &str = "noted AS (
            UPDATE sessions
               SET written_tx = GREATEST(written_tx, pg_current_xact_id()::text::bigint),
                   written_types = ARRAY(SELECT DISTINCT unnest(written_types || $1[1:1])),
                   expires_at = CASE WHEN $13::text IS NULL THEN expires_at ELSE $15 + $16 END
             WHERE token_hash = $8 AND EXISTS (SELECT 1 FROM appended))";

    /// The request's receipt, only if its events are written (a failed proof writes neither).
    pub const RECEIPT: &str = "receipt AS (
            INSERT INTO copy_operations (scope, client_mutation_id, request_hash,
                                         source_document, targets, created_at, completed_at)
            SELECT $20, $21, $22, $23, $24, $25, $25 WHERE EXISTS (SELECT 1 FROM appended))";

    /// One row per aggregate written; with nothing written, one row that says which proof
    /// failed.
    pub const ANSWER: &str = "
         SELECT aggregate_id, max(global_position), max(tx_id::text::bigint), true, true
           FROM appended GROUP BY aggregate_id
         UNION ALL
         SELECT NULL, NULL, NULL, c.holds, s.holds FROM cache_proof c, session_proof s
          WHERE NOT EXISTS (SELECT 1 FROM appended)";

    /// For a request that writes nothing: the session of a caller resolved from memory slides
    /// as the append would have slid it, if its proof holds.
    pub const SLID: &str = "slid AS (
            UPDATE sessions SET expires_at = $15 + $16
             WHERE token_hash = $8 AND $13::text IS NOT NULL
               AND (SELECT holds FROM session_proof)
               -- As in authentication: the extension need not wait for its WAL flush.
               AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
            RETURNING 1)";

    /// The proofs' answer for a request that writes nothing.
    pub const PROVED: &str = "
         SELECT c.holds AND n.holds, s.holds
           FROM cache_proof c, nothing_newer n, session_proof s";

    /// `WITH` and the parts, in order.
    pub fn with(parts: &[&str]) -> String {
        format!("WITH {}", parts.join(",\n         "))
    }
}

/// The append: one statement on the warm path.
static APPEND: LazyLock<String> = LazyLock::new(|| {
    use statement::*;
    format!(
        "{}{ANSWER}",
        with(&[CACHE_PROOF, SESSION_PROOF, APPENDED, NOTED])
    )
});

/// The append of a request with a client mutation id.
static WITH_RECEIPT: LazyLock<String> = LazyLock::new(|| {
    use statement::*;
    format!(
        "{}{ANSWER}",
        with(&[CACHE_PROOF, SESSION_PROOF, APPENDED, NOTED, RECEIPT])
    )
});

/// The proofs of a request that writes nothing.
static PROVE: LazyLock<String> = LazyLock::new(|| {
    use statement::*;
    format!(
        "{}{PROVED}",
        with(&[CACHE_PROOF, NOTHING_NEWER, SESSION_PROOF, SLID])
    )
});

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

/// Proves the session of a caller resolved from memory (see [`prove`]); without a session
/// guard there is nothing to prove.
pub async fn prove_session(pool: &PgPool, ctx: &CommandContext) -> Result<(), CommandError> {
    let proofs = Proofs {
        guarded: Guarded {
            aggregate_type: "",
            aggregate_id: String::new(),
            subject: String::new(),
        },
        cache: None,
        session_proof: ctx.session_guard.as_ref(),
        session: ctx.session.as_deref(),
    };
    prove(pool, &proofs).await
}

/// For a decision that wrote nothing, what its append would have proved: the cached state it
/// was decided on is still current (else a conflict: the caller loads and decides again), and
/// the session of a caller resolved from memory is open and its account unchanged (else
/// [`session_not_proven`]). Without either there is nothing to prove and no statement.
async fn prove(pool: &PgPool, proofs: &Proofs<'_>) -> Result<(), CommandError> {
    if proofs.cache.is_none() && proofs.session_proof.is_none() {
        return Ok(());
    }
    // The rows' parameters are there (empty), so that every part reads the same numbering.
    let empty: Vec<String> = vec![];
    let query = sqlx::query_as::<_, (bool, bool)>(&PROVE)
        .bind(&empty)
        .bind(&empty)
        .bind(Vec::<i64>::new())
        .bind(&empty)
        .bind(&empty)
        .bind(&empty)
        .bind(&empty);
    let (cache_holds, session_holds) = proofs.bind(query)?.fetch_one(pool).await?;
    verdict(cache_holds, session_holds).map_err(CommandError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_is_proven_before_anything_else_is_told() {
        assert_eq!(verdict(true, true), Ok(()));
        assert_eq!(verdict(false, true), Err(Failed::Cache));
        assert_eq!(verdict(true, false), Err(Failed::Session));
        assert_eq!(verdict(false, false), Err(Failed::Session));
    }

    #[test]
    fn every_proof_guards_the_insert_and_is_answered() {
        // The INSERT runs only when both proofs hold, and the answer names both.
        assert!(APPEND.contains(
            "WHERE (SELECT holds FROM cache_proof) AND (SELECT holds FROM session_proof)"
        ));
        assert!(APPEND.contains("c.holds, s.holds FROM cache_proof c, session_proof s"));
        assert!(WITH_RECEIPT.contains("receipt AS ("));
        // A request that writes nothing runs the same proofs, plus the one a key conflict
        // would otherwise give.
        for part in [
            statement::CACHE_PROOF,
            statement::SESSION_PROOF,
            statement::NOTHING_NEWER,
        ] {
            assert!(PROVE.contains(part));
        }
        assert!(!PROVE.contains("INSERT"));
    }
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
