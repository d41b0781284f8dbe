//! Performance evidence for issue 8: starts the real server (the test harness's `spawn_app`:
//! a fresh database, a random port on 127.0.0.1), measures each figure and a baseline in the
//! same run, prints a markdown table, drops its database and exits.
//!
//! ```sh
//! cargo run --release -p bench      # the figures to compare
//! cargo run -p bench                # quicker to build (dev profile, dependencies at -O2)
//! ```
//!
//! Every phase is bounded by a request count and a time budget, so the run stops by itself
//! (about 1–3 minutes). The machine is shared and noisy: read the ratios, not the absolute
//! times.

use anyhow::{ensure, Context};
use europass_tests::{copy_sections, spawn_app, TestApp, SERVER_URL};
use futures::future::join_all;
use futures::StreamExt;
use serde_json::{json, Value};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{PgPool, Row as _};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

mod cpu;
mod credentials;
mod pdf;
mod portal;
mod soak;

/// The whole run is cut off after this long, whatever happens.
const RUN_LIMIT: Duration = Duration::from_secs(600);
/// Time budget of one load phase (one concurrency level of one workload).
const PHASE_TIME: Duration = Duration::from_secs(4);
/// Request budget of one GraphQL load phase, and of one baseline phase.
const PHASE_REQUESTS: usize = 2_000;
const PHASE_INSERTS: usize = 4_000;
const CONCURRENCY: [usize; 3] = [1, 8, 32];
/// Documents of the mobility the load phases write to (one per client, so no conflicts).
const LOAD_DOCUMENTS: usize = 40;
const HISTORY_SHORT: i64 = 10;
const HISTORY_LONG: i64 = 1_000;
const HISTORY_SAMPLES: usize = 40;
const COPY_TARGETS: usize = 500;

const SAVE_OUTCOMES: &str = "mutation($id: ID!, $input: LearningOutcomesInput!) {
  saveLearningOutcomes(documentId: $id, input: $input) { complete } }";
const SAVE_HOST: &str = "mutation($id: ID!, $input: HostOrganisationInput!) {
  saveHostOrganisation(documentId: $id, input: $input) { complete } }";
const SAVE_PROJECT: &str = "mutation($id: ID!, $input: ProjectInput!) {
  saveProject(documentId: $id, input: $input) { complete } }";
const COPY: &str = "mutation($input: CopyToDocumentsInput!) {
  copyToDocuments(input: $input) { targets } }";

fn outcomes(n: usize) -> Value {
    json!({
        "activities": format!("Metināšana ar MIG/MAG; darba drošība; ražošanas plānošana (#{n})"),
        "jobRelatedSkills": "MIG welding, reading technical drawings, quality control of seams",
        "digitalSkills": "CAD basics",
        "languageSkills": [{"language": "de", "listening": "B1", "reading": "A2",
                            "spokenInteraction": "A2", "spokenProduction": "A2", "writing": "A1"}]
    })
}

fn host() -> Value {
    json!({
        "name": "Berufsschule München", "organisationType": {"code": "VET_PROVIDER"},
        "address": "Musterstraße 1, München", "country": "DE",
        "mentorFirstName": "Jürgen", "mentorLastName": "Müller", "position": "Meister",
        "phone": "+49 89 123456", "email": "mentor@bs-muenchen.de"
    })
}

fn project() -> Value {
    json!({"objective": "Metināšanas prakse", "stay": "PHYSICAL",
           "purpose": {"other": "Darba vidē balstītas mācības"},
           "startDate": "2026-12-01", "endDate": "2026-12-14"})
}

// ----- measuring ------------------------------------------------------------------------------

#[derive(Default)]
struct Load {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Load {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Runs `op(client, n)` from `clients` concurrent clients until `max_ops` operations were
/// started or `budget` has passed; failed operations are counted, not timed.
async fn run_load<F, Fut>(clients: usize, max_ops: usize, budget: Duration, op: F) -> Load
where
    F: Fn(usize, usize) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let per_client = join_all((0..clients).map(|client| {
        let (op, next) = (&op, &next);
        async move {
            let (mut latencies, mut errors) = (vec![], 0);
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= max_ops || started.elapsed() >= budget {
                    break;
                }
                let t = Instant::now();
                match op(client, n).await {
                    Ok(()) => latencies.push(t.elapsed()),
                    Err(err) => {
                        if errors == 0 {
                            eprintln!("  error: {err:#}");
                        }
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        }
    }))
    .await;
    let mut load = Load {
        elapsed: started.elapsed(),
        ..Load::default()
    };
    for (latencies, errors) in per_client {
        load.latencies.extend(latencies);
        load.errors += errors;
    }
    load
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Row {
    figure: String,
    value: String,
    baseline: String,
    ratio: String,
    goal: String,
    met: String,
}

fn row(figure: impl Into<String>, value: impl Into<String>, baseline: impl Into<String>) -> Row {
    Row {
        figure: figure.into(),
        value: value.into(),
        baseline: baseline.into(),
        ratio: "–".into(),
        goal: "–".into(),
        met: "–".into(),
    }
}

impl Row {
    fn ratio(mut self, value: f64, baseline: f64) -> Self {
        self.ratio = if baseline > 0.0 {
            format!("{:.2}×", value / baseline)
        } else {
            "–".into()
        };
        self
    }

    fn goal(mut self, goal: impl Into<String>, met: bool) -> Self {
        self.goal = goal.into();
        self.met = if met { "met" } else { "**not met**" }.into();
        self
    }
}

// ----- the service --------------------------------------------------------------------------

struct Bench {
    app: TestApp,
    http: reqwest::Client,
    /// Direct connections to the service's database, for baselines and observations.
    db: PgPool,
    password: String,
    email: String,
}

impl Bench {
    async fn gql(&self, token: &str, query: &str, variables: Value) -> anyhow::Result<Value> {
        self.gql_at(&self.app.address, token, query, variables)
            .await
    }

    /// Like [`Bench::gql`], on the replica at `address`.
    async fn gql_at(
        &self,
        address: &str,
        token: &str,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{address}/graphql"))
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        ensure!(
            status.is_success() && body.get("errors").is_none(),
            "HTTP {status}: {body}"
        );
        Ok(body["data"].clone())
    }

    /// A new session of the benchmark's institution user (one per client, as real users).
    async fn session(&self) -> String {
        self.app.session(&self.email, &self.password).await
    }

    async fn save_outcomes(&self, token: &str, document: &str, n: usize) -> anyhow::Result<()> {
        self.save_outcomes_at(&self.app.address, token, document, n)
            .await
    }

    async fn save_outcomes_at(
        &self,
        address: &str,
        token: &str,
        document: &str,
        n: usize,
    ) -> anyhow::Result<()> {
        self.gql_at(
            address,
            token,
            SAVE_OUTCOMES,
            json!({"id": document, "input": outcomes(n)}),
        )
        .await
        .map(drop)
    }

    async fn events_of(&self, document: &str) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_id = $1")
                .bind(document)
                .fetch_one(&self.db)
                .await?,
        )
    }

    async fn document_ids(&self, mobility: &str) -> anyhow::Result<Vec<String>> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM document_views WHERE mobility_id = $1 ORDER BY europass_number",
        )
        .bind(Uuid::parse_str(mobility)?)
        .fetch_all(&self.db)
        .await?;
        Ok(ids.iter().map(Uuid::to_string).collect())
    }
}

async fn pool_of(template: &PgPool, connections: usize) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(connections as u32)
        .min_connections(connections as u32)
        .connect_with((*template.connect_options()).clone())
        .await?)
}

// ----- 1. commands under load, against plain inserts -----------------------------------------

/// An event of the section-filling command, to make baseline rows of the same size.
async fn sample_event(bench: &Bench) -> anyhow::Result<(String, String, String, String)> {
    let row = sqlx::query(
        "SELECT aggregate_type, event_type, payload::text, metadata::text FROM events
          WHERE event_type ILIKE '%outcome%' ORDER BY global_position DESC LIMIT 1",
    )
    .fetch_optional(&bench.db)
    .await?;
    let row = match row {
        Some(row) => row,
        None => {
            sqlx::query(
                "SELECT aggregate_type, event_type, payload::text, metadata::text FROM events
                  ORDER BY global_position DESC LIMIT 1",
            )
            .fetch_one(&bench.db)
            .await?
        }
    };
    Ok((row.get(0), row.get(1), row.get(2), row.get(3)))
}

/// Plain single-row INSERTs (autocommit, durable) of an event-sized row into a table shaped
/// like `events` (same columns, keys and indexes; no triggers).
async fn baseline_inserts(
    bench: &Bench,
    clients: usize,
    max_ops: usize,
    event: &(String, String, String, String),
) -> anyhow::Result<Load> {
    let pool = pool_of(&bench.db, clients).await?;
    let aggregates: Vec<String> = (0..clients).map(|_| Uuid::new_v4().to_string()).collect();
    let sequences: Vec<AtomicUsize> = (0..clients).map(|_| AtomicUsize::new(1)).collect();
    let load = run_load(clients, max_ops, PHASE_TIME, |client, _| {
        let (pool, aggregate) = (&pool, &aggregates[client]);
        let sequence = sequences[client].fetch_add(1, Ordering::Relaxed) as i64;
        async move {
            sqlx::query(
                "INSERT INTO bench_events (aggregate_type, aggregate_id, sequence, event_type,
                                           event_version, payload, metadata)
                 VALUES ($1, $2, $3, $4, '1.0', $5::json, $6::json)",
            )
            .bind(&event.0)
            .bind(aggregate)
            .bind(sequence)
            .bind(&event.1)
            .bind(&event.2)
            .bind(&event.3)
            .execute(pool)
            .await?;
            Ok(())
        }
    })
    .await;
    pool.close().await;
    Ok(load)
}

async fn commands_under_load(bench: &Bench, rows: &mut Vec<Row>) -> anyhow::Result<Vec<String>> {
    eprintln!("1. commands at 1, 8, 32 clients against plain INSERTs");
    let token = bench.session().await;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&token, LOAD_DOCUMENTS as i32, "A")
        .await;
    ensure!(docs.len() == LOAD_DOCUMENTS, "{} documents", docs.len());
    let mut sessions = vec![token];
    while sessions.len() < *CONCURRENCY.iter().max().unwrap() {
        sessions.push(bench.session().await);
    }
    // Warm up the server, the connections and the caches.
    for (i, doc) in docs.iter().enumerate() {
        bench.save_outcomes(&sessions[0], doc, i).await?;
    }
    let event = sample_event(bench).await?;
    sqlx::query("CREATE TABLE bench_events (LIKE events INCLUDING ALL)")
        .execute(&bench.db)
        .await?;
    for clients in CONCURRENCY {
        let cpu = cpu::Cpu::now();
        let base = baseline_inserts(bench, clients, PHASE_INSERTS, &event).await?;
        let base_cpu = cpu::Cpu::now().since(cpu).per(base.latencies.len());
        eprintln!(
            "  {clients:>2} client(s): CPU per INSERT: clients {:.2} ms, PostgreSQL {:.2} ms",
            base_cpu.0, base_cpu.1
        );
        let counter = AtomicUsize::new(0);
        let cpu = cpu::Cpu::now();
        let load = run_load(clients, PHASE_REQUESTS, PHASE_TIME, |client, _| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            bench.save_outcomes(&sessions[client], &docs[client], n)
        })
        .await;
        let load_cpu = cpu::Cpu::now().since(cpu).per(load.latencies.len());
        eprintln!(
            "  {clients:>2} client(s): CPU per request: service and clients {:.2} ms, PostgreSQL {:.2} ms",
            load_cpu.0, load_cpu.1
        );
        eprintln!(
            "  {clients:>2} client(s): {} mutations ({} errors) {:.0}/s; {} inserts {:.0}/s",
            load.latencies.len(),
            load.errors,
            load.rate(),
            base.latencies.len(),
            base.rate()
        );
        let errors = if load.errors > 0 {
            format!(", {} errors", load.errors)
        } else {
            String::new()
        };
        let plural = if clients == 1 { "client" } else { "clients" };
        let throughput = row(
            format!("1. saveLearningOutcomes over HTTP, {clients} {plural}: throughput"),
            format!(
                "{:.0} req/s ({} requests{errors})",
                load.rate(),
                load.latencies.len()
            ),
            format!("{:.0} INSERT/s", base.rate()),
        )
        .ratio(load.rate(), base.rate());
        let (p50, p99) = (load.percentile(0.50), load.percentile(0.99));
        let latency = row(
            format!("1. saveLearningOutcomes over HTTP, {clients} {plural}: p50 / p99"),
            format!("{} / {}", ms(p50), ms(p99)),
            format!(
                "{} / {}",
                ms(base.percentile(0.50)),
                ms(base.percentile(0.99))
            ),
        )
        .ratio(p99.as_secs_f64(), base.percentile(0.99).as_secs_f64());
        if clients == 8 {
            let share = load.rate() / base.rate();
            rows.push(throughput.goal("≥ 25% of baseline", share >= 0.25 && load.errors == 0));
            rows.push(latency.goal("p99 < 25 ms", p99 < Duration::from_millis(25)));
            // Where a request's cost goes, independent of waiting (from /proc).
            rows.push(
                row(
                    "1. CPU per request, 8 clients: service and clients / PostgreSQL",
                    format!("{:.2} ms / {:.2} ms", load_cpu.0, load_cpu.1),
                    format!("per INSERT: {:.2} ms / {:.2} ms", base_cpu.0, base_cpu.1),
                )
                .ratio(load_cpu.0 + load_cpu.1, base_cpu.0 + base_cpu.1),
            );
        } else {
            rows.push(throughput);
            rows.push(latency);
        }
    }
    sqlx::query("DROP TABLE bench_events")
        .execute(&bench.db)
        .await?;
    Ok(sessions)
}

// ----- 2. projection lag ----------------------------------------------------------------------

/// Instrumentation of this run's own scratch database only: the wall-clock time at which each
/// event row was inserted (inside the command's transaction, just before its commit) and at
/// which the documents projection wrote each version of a row.
const INSTRUMENT: &str = "
CREATE TABLE bench_event_times (aggregate_id text, sequence bigint, at timestamptz);
CREATE FUNCTION bench_event_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bench_event_times VALUES (NEW.aggregate_id, NEW.sequence, clock_timestamp());
    RETURN NULL;
END $$;
CREATE TRIGGER bench_event_time AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION bench_event_time();
CREATE TABLE bench_applied (id text, version bigint, at timestamptz);
CREATE FUNCTION bench_applied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bench_applied VALUES (NEW.id::text, NEW.version, clock_timestamp());
    RETURN NULL;
END $$;
CREATE TRIGGER bench_applied AFTER INSERT OR UPDATE ON document_views
    FOR EACH ROW EXECUTE FUNCTION bench_applied();
";

const UNINSTRUMENT: &str = "
DROP TRIGGER bench_event_time ON events;
DROP TRIGGER bench_applied ON document_views;
DROP FUNCTION bench_event_time();
DROP FUNCTION bench_applied();
DROP TABLE bench_event_times;
DROP TABLE bench_applied;
";

async fn projection_lag(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    eprintln!("2. projection lag under 8 clients");
    let clients = 8;
    let token = &sessions[0];
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(token, clients as i32, "A")
        .await;
    sqlx::raw_sql(INSTRUMENT).execute(&bench.db).await?;
    let mut versions = vec![];
    for doc in &docs {
        let version: i64 = sqlx::query_scalar("SELECT version FROM document_views WHERE id = $1")
            .bind(Uuid::parse_str(doc)?)
            .fetch_one(&bench.db)
            .await?;
        versions.push(AtomicUsize::new(version as usize));
    }
    // Answer → visible to everyone: right after each answer, another connection polls the
    // query table directly (section saves answer before the projection has run).
    let visible_after = std::sync::Mutex::new(Vec::<Duration>::new());
    let counter = AtomicUsize::new(0);
    let load = run_load(clients, PHASE_REQUESTS, PHASE_TIME, |client, _| {
        let (doc, versions, visible_after, counter) =
            (&docs[client], &versions, &visible_after, &counter);
        async move {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            bench.save_outcomes(&sessions[client], doc, n).await?;
            let answered = Instant::now();
            let expected = versions[client].fetch_add(1, Ordering::Relaxed) as i64 + 1;
            let id = Uuid::parse_str(doc)?;
            loop {
                let version: i64 =
                    sqlx::query_scalar("SELECT version FROM document_views WHERE id = $1")
                        .bind(id)
                        .fetch_one(&bench.db)
                        .await?;
                if version >= expected {
                    break;
                }
                ensure!(
                    answered.elapsed() < Duration::from_secs(5),
                    "version {expected} of {doc} not visible after 5 s"
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            visible_after.lock().unwrap().push(answered.elapsed());
            Ok(())
        }
    })
    .await;
    let commit_to_row: Vec<Duration> = sqlx::query_scalar::<_, f64>(
        "SELECT extract(epoch FROM (SELECT min(a.at) FROM bench_applied a
                                     WHERE a.id = e.aggregate_id AND a.version >= e.sequence)
                                   - e.at)::float8
           FROM bench_event_times e
          WHERE e.aggregate_id = ANY($1)",
    )
    .bind(&docs)
    .fetch_all(&bench.db)
    .await?
    .into_iter()
    .map(|s| Duration::from_secs_f64(s.max(0.0)))
    .collect();
    sqlx::raw_sql(UNINSTRUMENT).execute(&bench.db).await?;
    let notify = notify_round_trips(bench, 200).await?;
    let visible_after = visible_after.into_inner().unwrap();
    eprintln!(
        "  {} mutations ({} errors), {} events observed",
        load.latencies.len(),
        load.errors,
        commit_to_row.len()
    );
    rows.push(row(
        "2. answer → documents row visible to another session, 8 clients: p50 / p99",
        format!(
            "{} / {}",
            ms(percentile(&visible_after, 0.50)),
            ms(percentile(&visible_after, 0.99))
        ),
        "–",
    ));
    let (hits, total) =
        read_your_writes(bench, sessions, &mobility_of(bench, &docs[0]).await?, &docs).await?;
    rows.push(
        row(
            "2. read-your-writes: the saving session's next query shows the save, 8 clients",
            format!("{hits}/{total} at the first read"),
            "–",
        )
        .goal("every save, at the first read", hits == total && total > 0),
    );
    let (p50, p99) = (
        percentile(&commit_to_row, 0.50),
        percentile(&commit_to_row, 0.99),
    );
    let (n50, n99) = (percentile(&notify, 0.50), percentile(&notify, 0.99));
    rows.push(
        row(
            format!(
                "2. event insert (≈ commit) → documents row written, 8 clients: p50 / p99 ({} events)",
                commit_to_row.len()
            ),
            format!("{} / {}", ms(p50), ms(p99)),
            format!("NOTIFY→LISTEN {} / {}", ms(n50), ms(n99)),
        )
        .ratio(p99.as_secs_f64(), n99.as_secs_f64())
        .goal(
            "p99 < 50 ms",
            p99 < Duration::from_millis(50) && !commit_to_row.is_empty(),
        ),
    );
    Ok(())
}

/// The mobility of a document, as the query table has it.
async fn mobility_of(bench: &Bench, doc: &str) -> anyhow::Result<String> {
    let id: Uuid = sqlx::query_scalar("SELECT mobility_id FROM document_views WHERE id = $1")
        .bind(Uuid::parse_str(doc)?)
        .fetch_one(&bench.db)
        .await?;
    Ok(id.to_string())
}

const HOLDERS: &str = "query($id: ID!) { mobility(id: $id) {
  documents(first: 100) { nodes { id holderName } } } }";

/// Each of 8 clients saves a new holder name and, in the same session, at once reads the
/// mobility's document list (a query table): it must show the name at the first read.
async fn read_your_writes(
    bench: &Bench,
    sessions: &[String],
    mobility: &str,
    docs: &[String],
) -> anyhow::Result<(usize, usize)> {
    let hits = AtomicUsize::new(0);
    let counter = AtomicUsize::new(0);
    let load = run_load(8, PHASE_REQUESTS / 2, PHASE_TIME, |client, _| {
        let (hits, counter, doc) = (&hits, &counter, &docs[client]);
        async move {
            let first = format!("P{}", counter.fetch_add(1, Ordering::Relaxed));
            bench
                .gql(
                    &sessions[client],
                    "mutation($id: ID!, $input: PersonalDataInput!) {
                       savePersonalData(documentId: $id, input: $input) { complete } }",
                    json!({"id": doc, "input": {"firstName": first, "surname": "Bench"}}),
                )
                .await?;
            let data = bench
                .gql(&sessions[client], HOLDERS, json!({"id": mobility}))
                .await?;
            let shown = data["mobility"]["documents"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|n| n["id"] == json!(doc))
                .and_then(|n| n["holderName"].as_str())
                .map(str::to_string);
            if shown.as_deref() == Some(format!("{first} Bench").as_str()) {
                hits.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
    })
    .await;
    ensure!(
        load.errors == 0,
        "{} read-your-writes requests failed",
        load.errors
    );
    Ok((hits.into_inner(), load.latencies.len()))
}

/// The least time in which another session can see a commit: `pg_notify` committed, then
/// received by a listener.
async fn notify_round_trips(bench: &Bench, n: usize) -> anyhow::Result<Vec<Duration>> {
    let mut listener = PgListener::connect_with(&bench.db).await?;
    listener.listen("bench_ping").await?;
    let mut samples = vec![];
    for i in 0..n {
        let t = Instant::now();
        sqlx::query("SELECT pg_notify('bench_ping', $1)")
            .bind(i.to_string())
            .execute(&bench.db)
            .await?;
        let got = tokio::time::timeout(Duration::from_secs(5), listener.recv())
            .await
            .context("no notification")??;
        ensure!(got.payload() == i.to_string(), "out of order notification");
        samples.push(t.elapsed());
    }
    Ok(samples)
}

// ----- 3. history length ----------------------------------------------------------------------

async fn history_length(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    eprintln!("3. command latency on documents with {HISTORY_SHORT} and {HISTORY_LONG} events");
    let started = Instant::now();
    let small_docs = 20;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&sessions[0], small_docs + 1, "A")
        .await;
    let (long, short) = (&docs[0], &docs[1..]);
    // Bring the short documents to HISTORY_SHORT events, 8 requests at a time, round-robin
    // over the documents so that concurrent requests write different documents.
    let mut missing = vec![];
    for doc in short {
        missing.push((HISTORY_SHORT - bench.events_of(doc).await?).max(0) as usize);
    }
    let rounds = missing.iter().copied().max().unwrap_or(0);
    let fills: Vec<&String> = (0..rounds)
        .flat_map(|round| short.iter().zip(&missing).filter(move |(_, m)| **m > round))
        .map(|(doc, _)| doc)
        .collect();
    let fills = &fills;
    let load = run_load(8, fills.len(), Duration::from_secs(60), |client, n| {
        bench.save_outcomes(&sessions[client], fills[n], n)
    })
    .await;
    ensure!(
        load.errors == 0,
        "{} errors filling short documents",
        load.errors
    );
    // Bring the long document to HISTORY_LONG events, one request after another.
    let missing = (HISTORY_LONG - bench.events_of(long).await?).max(0) as usize;
    for n in 0..missing {
        bench.save_outcomes(&sessions[0], long, n).await?;
        ensure!(
            started.elapsed() < Duration::from_secs(120),
            "building a {HISTORY_LONG}-event history takes too long"
        );
    }
    let (short_events, long_events) = (
        bench.events_of(&short[0]).await?,
        bench.events_of(long).await?,
    );
    eprintln!("  built in {:.1} s", started.elapsed().as_secs_f64());
    // Alternate, so that noise hits both alike.
    let (mut on_short, mut on_long) = (vec![], vec![]);
    for n in 0..HISTORY_SAMPLES {
        let t = Instant::now();
        bench
            .save_outcomes(&sessions[1], &short[n % short.len()], n)
            .await?;
        on_short.push(t.elapsed());
        let t = Instant::now();
        bench.save_outcomes(&sessions[1], long, n).await?;
        on_long.push(t.elapsed());
    }
    let (s50, l50) = (percentile(&on_short, 0.5), percentile(&on_long, 0.5));
    let ratio = l50.as_secs_f64() / s50.as_secs_f64();
    rows.push(
        row(
            format!(
                "3. saveLearningOutcomes on a {long_events}-event document: p50 / p99 ({HISTORY_SAMPLES} each)"
            ),
            format!("{} / {}", ms(l50), ms(percentile(&on_long, 0.99))),
            format!(
                "{short_events}-event document: {} / {}",
                ms(s50),
                ms(percentile(&on_short, 0.99))
            ),
        )
        .ratio(l50.as_secs_f64(), s50.as_secs_f64())
        .goal("p50 within 2×", ratio <= 2.0),
    );
    Ok(())
}

// ----- 6. copy to 500 documents ---------------------------------------------------------------

async fn copy_to_many(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    eprintln!("6. copy of three sections to {COPY_TARGETS} documents");
    let token = &sessions[0];
    let started = Instant::now();
    let (_, mobility, _) = bench
        .app
        .approved_mobility_for(token, COPY_TARGETS as i32, "A")
        .await;
    // One more document, so that the source has COPY_TARGETS others.
    bench
        .gql(
            token,
            "mutation($id: ID!) { requestMoreDocuments(mobilityId: $id, additional: 1) { id } }",
            json!({"id": mobility}),
        )
        .await?;
    let nec = bench
        .app
        .nec_session(&format!("nec-{}@nec.lv", Uuid::new_v4().simple()))
        .await;
    bench
        .gql(
            &nec,
            "mutation($id: ID!) { approveMobility(mobilityId: $id) { id } }",
            json!({"id": mobility}),
        )
        .await?;
    let docs = bench.document_ids(&mobility).await?;
    ensure!(docs.len() == COPY_TARGETS + 1, "{} documents", docs.len());
    eprintln!(
        "  {} documents approved in {:.1} s",
        docs.len(),
        started.elapsed().as_secs_f64()
    );
    let (source, targets) = (&docs[0], &docs[1..]);
    bench
        .gql(token, SAVE_HOST, json!({"id": source, "input": host()}))
        .await?;
    bench
        .gql(
            token,
            SAVE_PROJECT,
            json!({"id": source, "input": project()}),
        )
        .await?;
    bench.save_outcomes(token, source, 0).await?;
    let mut times = vec![];
    for (section, fields) in copy_sections() {
        let t = Instant::now();
        let answer = bench
            .gql(
                token,
                COPY,
                json!({"input": {"sourceDocument": source, "section": section,
                                 "fields": fields, "targets": targets}}),
            )
            .await?;
        times.push(t.elapsed());
        ensure!(
            answer["copyToDocuments"]["targets"] == COPY_TARGETS,
            "{answer}"
        );
    }
    // Baseline: as many event-sized single-row INSERTs at the copy's own fan-out (16).
    let event = sample_event(bench).await?;
    sqlx::query("CREATE TABLE bench_events (LIKE events INCLUDING ALL)")
        .execute(&bench.db)
        .await?;
    let base = baseline_inserts(bench, 16, COPY_TARGETS, &event).await?;
    sqlx::query("DROP TABLE bench_events")
        .execute(&bench.db)
        .await?;
    let slowest = times.iter().max().copied().unwrap_or_default();
    rows.push(
        row(
            format!("6. copyToDocuments, 3 sections × {COPY_TARGETS} targets: each request"),
            times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", "),
            format!(
                "{COPY_TARGETS} INSERTs at 16 connections: {}",
                ms(base.elapsed)
            ),
        )
        .ratio(slowest.as_secs_f64(), base.elapsed.as_secs_f64())
        .goal("each < 1 s", slowest < Duration::from_secs(1)),
    );
    Ok(())
}

// ----- 4. replay ------------------------------------------------------------------------------

/// How many events the replay figure rebuilds from (`BENCH_REPLAY_EVENTS` overrides it).
const REPLAY_EVENTS: i64 = 1_000_000;

/// The run's events and keys, copied into a database of their own (no service runs there, so
/// no live projector competes with the rebuild), then multiplied up to `target` events by
/// cloning whole documents without personal data under new ids (a clone of sealed values
/// could not be opened: each ciphertext is bound to its own aggregate).
async fn replay_database(bench: &Bench, target: i64) -> anyhow::Result<(String, PgPool)> {
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
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata)
             SELECT t, i, s, e, v, p::json, m::json
               FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                           $6::text[], $7::text[]) WITH ORDINALITY AS r(t, i, s, e, v, p, m, n)
              ORDER BY n",
        )
        .bind(column(1))
        .bind(column(2))
        .bind(&sequences)
        .bind(column(4))
        .bind(column(5))
        .bind(column(6))
        .bind(column(7))
        .execute(&pool)
        .await?;
    }
    let (have, clean): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM events),
                (SELECT coalesce(sum(n), 0)::bigint FROM (
                    SELECT count(*) AS n FROM events WHERE aggregate_type = 'document'
                     GROUP BY aggregate_id
                    HAVING bool_and(payload::text NOT LIKE '%pii_enc%')) d)",
    )
    .fetch_one(&pool)
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
    .execute(&pool)
    .await?;
    // A store's steady state: a million fresh rows would otherwise have autovacuum start on
    // them in the middle of the measurements (its insert threshold), taking a core from
    // whichever of the baseline and the rebuild it overlaps.
    sqlx::query("VACUUM (ANALYZE) events")
        .execute(&pool)
        .await?;
    Ok((url, pool))
}

async fn replay(bench: &Bench, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let target: i64 = match std::env::var("BENCH_REPLAY_EVENTS") {
        Ok(n) => n.parse().context("BENCH_REPLAY_EVENTS")?,
        Err(_) => REPLAY_EVENTS,
    };
    eprintln!("4. replay of every projection from {target} events (a copy of this run's, cloned)");
    let t = Instant::now();
    let (url, pool) = replay_database(bench, target).await?;
    eprintln!("  events prepared in {:.1} s", t.elapsed().as_secs_f64());
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
        "  {} events replayed in {:.1} s; {read} rows read",
        report.events,
        report.elapsed.as_secs_f64()
    );
    rows.push(
        row(
            format!("4. replay of all projections from {} events", report.events),
            format!("{rate:.0} events/s"),
            format!("sequential read {read_rate:.0} rows/s"),
        )
        .ratio(rate, read_rate)
        .goal("≥ 50% of the read", rate >= 0.5 * read_rate),
    );
    Ok(())
}

/// `BENCH_FIGURES=1,4` runs only those figures (1 always runs); unset: all of them.
fn figures_wanted() -> anyhow::Result<impl Fn(u32) -> bool> {
    let only: Option<Vec<u32>> = match std::env::var("BENCH_FIGURES") {
        Ok(list) => Some(
            list.split(',')
                .map(|n| n.trim().parse().context("BENCH_FIGURES: numbers 1-10"))
                .collect::<anyhow::Result<_>>()?,
        ),
        Err(_) => None,
    };
    Ok(move |figure| only.as_ref().is_none_or(|only| only.contains(&figure)))
}

// ----- 7. a second replica --------------------------------------------------------------------

/// Phases of each kind, alternated (one, two, one, two, …) so that drift hits both alike.
const REPLICA_ROUNDS: usize = 3;

/// Section saves from 8 clients against one replica, and against two on the same database
/// (clients split between them), alternated; the median of each. The second replica runs in
/// this process (its own listener, pools, projector and leadership session): on 2 cores a
/// second process would add no CPU either, so this measures what a replica costs in
/// coordination (leadership, the follower's read-your-writes proof, its LISTEN wake-ups).
async fn replicas(bench: &Bench, sessions: &[String], rows: &mut Vec<Row>) -> anyhow::Result<()> {
    eprintln!("7. two replicas against one, 8 clients");
    let clients = 8;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&sessions[0], clients as i32, "A")
        .await;
    ensure!(docs.len() == clients, "{} documents", docs.len());
    let second = bench.app.spawn_replica().await;
    let addresses = [bench.app.address.clone(), second];
    // Warm up the second replica's connections and caches.
    for (i, doc) in docs.iter().enumerate() {
        bench
            .save_outcomes_at(&addresses[1], &sessions[i], doc, i)
            .await?;
    }
    let (mut one, mut two) = (vec![], vec![]);
    let mut errors = 0;
    let counter = AtomicUsize::new(0);
    for _ in 0..REPLICA_ROUNDS {
        for replicas in [1, 2] {
            let load = run_load(clients, PHASE_REQUESTS, PHASE_TIME, |client, _| {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let address = &addresses[client % replicas];
                bench.save_outcomes_at(address, &sessions[client], &docs[client], n)
            })
            .await;
            errors += load.errors;
            eprintln!(
                "  {replicas} replica(s): {:.0}/s ({} errors), p99 {}",
                load.rate(),
                load.errors,
                ms(load.percentile(0.99))
            );
            if replicas == 1 { &mut one } else { &mut two }.push(load.rate());
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (one, two) = (median(&mut one), median(&mut two));
    rows.push(
        row(
            "7. saveLearningOutcomes, 8 clients: 2 replicas on one database (median of 3)",
            format!("{two:.0} req/s"),
            format!("1 replica: {one:.0} req/s"),
        )
        .ratio(two, one),
    );
    ensure!(errors == 0, "{errors} requests failed with two replicas");
    Ok(())
}

// ----- the run --------------------------------------------------------------------------------

async fn run(bench: &Bench) -> anyhow::Result<Vec<Row>> {
    let mut rows = vec![];
    // Figure 1 always runs: its documents and sessions are what the others work on.
    let sessions = commands_under_load(bench, &mut rows).await?;
    let wanted = figures_wanted()?;
    if wanted(2) {
        projection_lag(bench, &sessions, &mut rows).await?;
    }
    if wanted(3) {
        history_length(bench, &sessions, &mut rows).await?;
    }
    if wanted(6) {
        copy_to_many(bench, &sessions, &mut rows).await?;
    }
    if wanted(4) {
        replay(bench, &mut rows).await?;
    }
    if wanted(5) {
        pdf::certificates(&mut rows).await?;
    }
    if wanted(7) {
        replicas(bench, &sessions, &mut rows).await?;
    }
    if wanted(8) {
        portal::page(bench, &sessions, &mut rows).await?;
    }
    if wanted(9) {
        portal::document_page(bench, &sessions, &mut rows).await?;
    }
    if wanted(10) {
        credentials::credentials(bench, &sessions, &mut rows).await?;
    }
    // In the issue's order (the phases run in another order).
    rows.sort_by_key(|r| {
        r.figure
            .split('.')
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    Ok(rows)
}

fn print_table(rows: &[Row]) {
    println!("| figure | value | baseline (same run) | ratio | goal | met |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.figure, r.value, r.baseline, r.ratio, r.goal, r.met
        );
    }
}

/// The service's allocator (see `api/src/main.rs`): the server runs in this process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(pdf::CHILD_ARG) {
        return pdf::child(args.get(1).map(String::as_str));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match args.first().map(String::as_str) {
            None => figures().await,
            Some("soak") => {
                let minutes = args.get(1).map(|m| m.parse()).transpose()?.unwrap_or(10.0);
                let rate = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(50.0);
                let (bench, database) = start().await?;
                let bench = std::sync::Arc::new(bench);
                let outcome = soak::run(bench.clone(), minutes, rate).await;
                bench.db.close().await;
                bench.app.pool.close().await;
                drop_database(&database).await;
                anyhow::ensure!(outcome?, "the soak did not meet its goals");
                Ok(())
            }
            Some(other) => anyhow::bail!(
                "unknown argument {other}: run without arguments, or `soak [MINUTES] [RATE]`"
            ),
        }
    })
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    }
}

/// The service on a random port with a fresh database, and the benchmark's institution user.
async fn start() -> anyhow::Result<(Bench, String)> {
    eprintln!(
        "starting the service on 127.0.0.1 with a fresh database ({} profile)",
        profile()
    );
    let app = spawn_app().await;
    let database: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&app.pool)
        .await?;
    let db = pool_of(&app.pool, 4).await?;
    let email = "bench@skola.lv".to_string();
    let (_, password, _) = app.institution_session("Bench skola", &email).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()?;
    let bench = Bench {
        app,
        http,
        db,
        password,
        email,
    };
    Ok((bench, database))
}

async fn figures() -> anyhow::Result<()> {
    let started = Instant::now();
    let (bench, database) = start().await?;
    let outcome = tokio::time::timeout(RUN_LIMIT, run(&bench)).await;
    bench.db.close().await;
    bench.app.pool.close().await;
    drop_database(&database).await;
    let rows = match outcome {
        Ok(rows) => rows?,
        Err(_) => anyhow::bail!("the benchmark did not finish within {RUN_LIMIT:?}"),
    };
    println!();
    println!(
        "Benchmark ({} profile, {:.0} s, database {database}, dropped after):",
        profile(),
        started.elapsed().as_secs_f64()
    );
    println!();
    print_table(&rows);
    Ok(())
}

async fn drop_database(name: &str) {
    let Ok(admin) = PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{SERVER_URL}/postgres"))
        .await
    else {
        eprintln!("could not drop {name}");
        return;
    };
    if let Err(err) = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&admin)
        .await
    {
        eprintln!("could not drop {name}: {err}");
    }
}
