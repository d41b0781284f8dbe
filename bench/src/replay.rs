//! Figure 4: replay of every projection from about a million events, against one plain
//! sequential read of the same rows, twice (issue 24):
//!
//! - **without personal data**: the run's events, multiplied by cloning whole documents that
//!   carry no personal data under new ids;
//! - **with sealed personal data, like real documents**: complete documents made through the
//!   API (all four sections, the participant's name, birth date, address and e-mail sealed,
//!   about 17 events each), each clone under
//!   a new id with **its own subject key and its own sealed values** (opened with the source's
//!   key and sealed again with the clone's: a ciphertext is bound to its aggregate), so that
//!   the rebuild pays every key lookup and every decryption a real store would.
//!
//! Each store is a database of its own (no service runs there, so no live projector competes
//! with the rebuild).

use crate::{drop_database, row, Bench, Row};
use anyhow::{ensure, Context};
use eventstore::pii;
use futures::StreamExt;
use serde_json::{json, Value};
use sqlx::{PgPool, Row as _};
use std::time::Instant;
use uuid::Uuid;

/// How many events each replay rebuilds from (`BENCH_REPLAY_EVENTS` overrides it).
const REPLAY_EVENTS: i64 = 1_000_000;
/// Complete documents made through the API as the sources of the sealed store's clones.
const SEALED_SOURCES: usize = 8;
/// Further learning-outcome saves of each source document.
const SOURCE_OUTCOME_SAVES: usize = 10;
/// Clones of every source sealed and inserted at a time.
const CLONE_BATCH: usize = 200;

enum Clones<'a> {
    WithoutPersonalData,
    Sealed(&'a [String]),
}

pub async fn replay(bench: &Bench, sessions: &[String], rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let target: i64 = match std::env::var("BENCH_REPLAY_EVENTS") {
        Ok(n) => n.parse().context("BENCH_REPLAY_EVENTS")?,
        Err(_) => REPLAY_EVENTS,
    };
    eprintln!("4. replay of every projection from {target} events, without and with personal data");
    let clean = measure(bench, target, Clones::WithoutPersonalData).await?;
    rows.push(clean.row("documents without personal data", 0.65));
    let (_, _, sources) = bench
        .app
        .approved_mobility_for(&sessions[0], SEALED_SOURCES as i32, "A")
        .await;
    // Filled as people fill them: the four sections, the personal data completed later, and
    // the learning outcomes saved several times over (about 17 events, 3 of them sealed).
    for doc in &sources {
        bench.app.complete_document(&sessions[0], doc).await;
        bench
            .gql(
                &sessions[0],
                "mutation($id: ID!, $input: PersonalDataInput!) {
                   savePersonalData(documentId: $id, input: $input) { complete } }",
                json!({"id": doc, "input": {"surname": "Bērziņa", "firstName": "Līga",
                       "dateOfBirth": "2007-03-04", "nationality": "LV",
                       "address": "Brīvības iela 1, Rīga", "email": "liga@example.lv"}}),
            )
            .await?;
        for n in 0..SOURCE_OUTCOME_SAVES {
            bench.save_outcomes(&sessions[0], doc, n).await?;
        }
    }
    let sealed = measure(bench, target, Clones::Sealed(&sources)).await?;
    let what = format!(
        "documents with sealed personal data ({} subject keys)",
        sealed.keys
    );
    rows.push(sealed.row(&what, 0.5));
    Ok(())
}

struct Measured {
    events: u64,
    rate: f64,
    read_rate: f64,
    keys: i64,
}

impl Measured {
    /// The figure's row: the rebuild against the read, met at `share` of the read's rate.
    fn row(&self, what: &str, share: f64) -> Row {
        row(
            format!(
                "4. replay of all projections from {} events, {what}",
                self.events
            ),
            format!("{:.0} events/s", self.rate),
            format!("sequential read {:.0} rows/s", self.read_rate),
        )
        .ratio(self.rate, self.read_rate)
        .goal(
            format!("≥ {share}× of the read (issue 24)"),
            self.rate >= share * self.read_rate,
        )
    }
}

async fn measure(bench: &Bench, target: i64, clones: Clones<'_>) -> anyhow::Result<Measured> {
    let t = Instant::now();
    let (url, pool) = copy_of_the_run(bench).await?;
    match clones {
        Clones::WithoutPersonalData => clone_without_personal_data(&pool, target).await?,
        Clones::Sealed(sources) => clone_sealed(&pool, sources, target).await?,
    }
    // A store's steady state: a million fresh rows would otherwise have autovacuum start on
    // them in the middle of the measurements (its insert threshold), taking a core from
    // whichever of the baseline and the rebuild it overlaps.
    sqlx::query("VACUUM (ANALYZE) events")
        .execute(&pool)
        .await?;
    sqlx::query("VACUUM (ANALYZE) subject_keys")
        .execute(&pool)
        .await?;
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM subject_keys")
        .fetch_one(&pool)
        .await?;
    eprintln!(
        "  events prepared in {:.1} s ({keys} subject keys)",
        t.elapsed().as_secs_f64()
    );
    // Baseline: one plain sequential read of the same rows, in commit order.
    let t = Instant::now();
    let mut read = 0u64;
    let mut stream = sqlx::query(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version,
                payload::text, metadata::text, global_position
           FROM events ORDER BY tx_id, global_position",
    )
    .fetch(&pool);
    while let Some(row) = stream.next().await {
        let row = row?;
        let _: (String, String) = (row.get(5), row.get(6));
        read += 1;
    }
    drop(stream);
    let read_rate = read as f64 / t.elapsed().as_secs_f64();
    let report =
        projections::replay::rebuild(&pool, &projections::all_projections(), None, |_| {}).await;
    pool.close().await;
    let database = url.rsplit('/').next().unwrap_or_default();
    if std::env::var_os("BENCH_KEEP_REPLAY_DB").is_some() {
        // For profiling a rebuild on its own: `DATABASE_URL=… europass replay --all`.
        eprintln!("  kept the replay database {database}");
    } else {
        drop_database(database).await;
    }
    let report = report?;
    let rate = report.events as f64 / report.elapsed.as_secs_f64();
    eprintln!(
        "  {} events replayed in {:.1} s ({rate:.0}/s); {read} rows read at {read_rate:.0}/s: {:.2}×",
        report.events,
        report.elapsed.as_secs_f64(),
        rate / read_rate
    );
    Ok(Measured {
        events: report.events as u64,
        rate,
        read_rate,
        keys,
    })
}

/// The run's events and keys, copied into a database of their own.
async fn copy_of_the_run(bench: &Bench) -> anyhow::Result<(String, PgPool)> {
    let (url, pool) = europass_tests::fresh_database().await;
    let keys: Vec<(String, Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT subject, key_id, key FROM subject_keys")
            .fetch_all(&bench.db)
            .await?;
    for (subject, id, key) in keys {
        sqlx::query("INSERT INTO subject_keys (subject, key_id, key) VALUES ($1, $2, $3)")
            .bind(subject)
            .bind(id)
            .bind(key)
            .execute(&pool)
            .await?;
    }
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT global_position, aggregate_type, aggregate_id, sequence, event_type,
                    event_version, payload::text, metadata::text
               FROM events WHERE global_position > $1 ORDER BY global_position LIMIT 5000",
        )
        .bind(after)
        .fetch_all(&bench.db)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.get(0);
        let column = |i: usize| {
            rows.iter()
                .map(|r| r.get::<String, _>(i))
                .collect::<Vec<_>>()
        };
        let sequences: Vec<i64> = rows.iter().map(|r| r.get(3)).collect();
        insert_events(
            &pool,
            &column(1),
            &column(2),
            &sequences,
            &column(4),
            &column(5),
            &column(6),
            &column(7),
        )
        .await?;
    }
    Ok((url, pool))
}

/// One statement for a batch of events, in the order given.
#[allow(clippy::too_many_arguments)]
async fn insert_events(
    pool: &PgPool,
    types: &[String],
    ids: &[String],
    sequences: &[i64],
    event_types: &[String],
    versions: &[String],
    payloads: &[String],
    metadata: &[String],
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT t, i, s, e, v, p::json, m::json
           FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                       $6::text[], $7::text[]) WITH ORDINALITY AS r(t, i, s, e, v, p, m, n)
          ORDER BY n",
    )
    .bind(types)
    .bind(ids)
    .bind(sequences)
    .bind(event_types)
    .bind(versions)
    .bind(payloads)
    .bind(metadata)
    .execute(pool)
    .await?;
    Ok(())
}

/// Up to `target` events by cloning, under new ids, the documents that carry no personal data
/// (interleaved event by event, as many writers would have written them).
async fn clone_without_personal_data(pool: &PgPool, target: i64) -> anyhow::Result<()> {
    let (have, clean): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM events),
                (SELECT coalesce(sum(n), 0)::bigint FROM (
                    SELECT count(*) AS n FROM events WHERE aggregate_type = 'document'
                     GROUP BY aggregate_id
                    HAVING bool_and(payload::text NOT LIKE '%pii_enc%')) d)",
    )
    .fetch_one(pool)
    .await?;
    ensure!(clean > 0, "no document without personal data to clone");
    let copies = ((target - have).max(0) + clean - 1) / clean;
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT e.aggregate_type, c.id, e.sequence, e.event_type, e.event_version, e.payload,
                e.metadata
           FROM (SELECT d.aggregate_id, gen_random_uuid()::text AS id
                   FROM (SELECT aggregate_id FROM events WHERE aggregate_type = 'document'
                          GROUP BY aggregate_id
                         HAVING bool_and(payload::text NOT LIKE '%pii_enc%')) d,
                        generate_series(1, $1)) c
           JOIN events e ON e.aggregate_type = 'document' AND e.aggregate_id = c.aggregate_id
          ORDER BY e.sequence, c.id",
    )
    .bind(copies)
    .execute(pool)
    .await?;
    Ok(())
}

/// One event of a source document, its personal values opened.
struct Plain {
    sequence: i64,
    event_type: String,
    version: String,
    payload: Value,
    metadata: String,
}

/// Up to `target` events by cloning `sources` (documents with personal data) under new ids,
/// each clone with a subject key of its own and its personal values sealed with it.
async fn clone_sealed(pool: &PgPool, sources: &[String], target: i64) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await?;
    let mut documents: Vec<Vec<Plain>> = vec![];
    let mut sealed_events = 0;
    for id in sources {
        let subject = pii::subject_of("document", id);
        let key = pii::load_key(pool, &subject).await?;
        ensure!(key.is_some(), "{subject} has no key");
        let rows = sqlx::query(
            "SELECT sequence, event_type, event_version, payload::text, metadata::text
               FROM events WHERE aggregate_type = 'document' AND aggregate_id = $1
              ORDER BY sequence",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let mut events = vec![];
        for r in rows {
            let mut payload: Value = serde_json::from_str(r.get(3))?;
            if pii::has_encrypted_data(&payload) {
                sealed_events += 1;
            }
            pii::decrypt(key.as_ref(), &subject, &mut payload)?;
            events.push(Plain {
                sequence: r.get(0),
                event_type: r.get(1),
                version: r.get(2),
                payload,
                metadata: r.get(4),
            });
        }
        documents.push(events);
    }
    let per_round: i64 = documents.iter().map(|d| d.len() as i64).sum();
    ensure!(
        sealed_events > 0,
        "the source documents carry no personal data"
    );
    let rounds = ((target - have).max(0) + per_round - 1) / per_round;
    let longest = documents.iter().map(Vec::len).max().unwrap_or(0);
    let mut done = 0;
    while done < rounds {
        let batch = (rounds - done).min(CLONE_BATCH as i64) as usize;
        done += batch as i64;
        // (source, new id, subject) of every clone of this batch.
        let clones: Vec<(usize, String, String)> = (0..batch)
            .flat_map(|_| 0..documents.len())
            .map(|source| {
                let id = Uuid::new_v4().to_string();
                let subject = pii::subject_of("document", &id);
                (source, id, subject)
            })
            .collect();
        let subjects: Vec<String> = clones.iter().map(|c| c.2.clone()).collect();
        let keys = pii::keys_for_writing(pool, &subjects).await?;
        let (mut types, mut ids, mut sequences, mut event_types) = (vec![], vec![], vec![], vec![]);
        let (mut versions, mut payloads, mut metadata) = (vec![], vec![], vec![]);
        // Interleaved event by event, as many writers would have written them.
        for k in 0..longest {
            for (source, id, subject) in &clones {
                let Some(event) = documents[*source].get(k) else {
                    continue;
                };
                let mut payload = event.payload.clone();
                if pii::has_personal_data(&payload) {
                    pii::encrypt(&keys[subject], subject, &mut payload)?;
                }
                types.push("document".to_string());
                ids.push(id.clone());
                sequences.push(event.sequence);
                event_types.push(event.event_type.clone());
                versions.push(event.version.clone());
                payloads.push(payload.to_string());
                metadata.push(event.metadata.clone());
            }
        }
        insert_events(
            pool,
            &types,
            &ids,
            &sequences,
            &event_types,
            &versions,
            &payloads,
            &metadata,
        )
        .await?;
    }
    Ok(())
}
