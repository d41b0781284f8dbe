//! R-REPLAY: rebuilding query tables from the event store while the API serves; verify mode;
//! repairing one aggregate; resuming an interrupted rebuild; an upcast old event; the event
//! log for support staff.

use europass_tests::{below_horizon, fresh_database, spawn_app, TestApp};
use futures::future::BoxFuture;
use projections::rebuild_fold::{PendingWrite, RebuildFold};
use projections::replay::{self, Difference};
use projections::{all_projections, Projection, StoredEvent};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use uuid::Uuid;

const TABLES: &[&str] = &[
    "accounts",
    "institutions",
    "mobilities",
    "documents",
    "document_views",
];

const BASE: &str = "mutation($input: BaseDataInput!) { updateBaseData(input: $input) { name } }";

struct Flow {
    session: String,
    institution: String,
    docs: Vec<String>,
}

async fn save(app: &TestApp, session: &str, mutation: &str, id: &str, input: Value) {
    let input_type = match mutation {
        "savePersonalData" => "PersonalDataInput",
        _ => "HostOrganisationInput",
    };
    app.gql_as(
        session,
        &format!(
            "mutation($id: ID!, $input: {input_type}!) {{ {mutation}(documentId: $id, input: $input) {{ complete }} }}"
        ),
        json!({"id": id, "input": input}),
    )
    .await
    .data();
}

/// Registration, base data, an approved mobility of three documents, sections saved.
async fn realistic_flow(app: &TestApp) -> Flow {
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    let institution = app
        .gql_as(&session, "{ institution { id } }", json!({}))
        .await
        .data()["institution"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.gql_as(
        &session,
        BASE,
        json!({"input": {"name": "Rīgas Tehniskā koledža", "address": "Braslas iela 16, Rīga",
                         "country": "lv", "contactPerson": "Anna Bērziņa",
                         "phone": "+371 67 000 000"}}),
    )
    .await
    .data();
    save(
        app,
        &session,
        "savePersonalData",
        &docs[0],
        json!({"surname": "Bērziņš", "firstName": "Ādams", "dateOfBirth": "2008-05-17"}),
    )
    .await;
    save(
        app,
        &session,
        "saveHostOrganisation",
        &docs[0],
        json!({"name": "Berufsschule München", "country": "DE", "mentorLastName": "Müller"}),
    )
    .await;
    save(
        app,
        &session,
        "savePersonalData",
        &docs[1],
        json!({"surname": "Kalniņa", "firstName": "Līga"}),
    )
    .await;
    Flow {
        session,
        institution,
        docs,
    }
}

/// Every row of every query table, as JSON text, in a stable order.
async fn snapshot(pool: &PgPool) -> Vec<(String, Vec<String>)> {
    let mut all = vec![];
    for table in TABLES {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        all.push((table.to_string(), rows));
    }
    all
}

async fn replay_schemas(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'replay%'")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn verify(pool: &PgPool) -> Vec<Difference> {
    replay::verify(pool, &all_projections()).await.unwrap()
}

#[tokio::test]
async fn rebuilding_every_projection_gives_the_live_tables_again() {
    let app = spawn_app().await;
    let flow = realistic_flow(&app).await;
    app.projected().await;
    let before = snapshot(&app.pool).await;
    assert!(before.iter().all(|(_, rows)| !rows.is_empty()));
    let indexes_before: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();

    let mut reports = vec![];
    let report = replay::rebuild(&app.pool, &all_projections(), None, |p| reports.push(p))
        .await
        .unwrap();
    assert_eq!(
        report.projections,
        vec!["accounts", "institutions", "mobilities", "documents"]
    );
    assert!(report.events > 0);
    let last = reports.last().unwrap();
    assert_eq!(
        last.done, last.total,
        "the last progress report has the exact total"
    );
    assert!(report.schema.unwrap().starts_with("replay_"));

    assert_eq!(
        snapshot(&app.pool).await,
        before,
        "the same rows, column by column"
    );
    assert_eq!(verify(&app.pool).await, vec![]);
    let institution: (String, Option<String>) =
        sqlx::query_as("SELECT name, contact_person FROM institutions WHERE id::text = $1")
            .bind(&flow.institution)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        institution,
        ("Rīgas Tehniskā koledža".into(), Some("Anna Bērziņa".into()))
    );
    let holder: Option<String> =
        sqlx::query_scalar("SELECT holder_name FROM document_views WHERE id::text = $1")
            .bind(&flow.docs[0])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(holder.as_deref(), Some("Ādams Bērziņš"));
    let indexes_after: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        indexes_after, indexes_before,
        "indexes keep their migration names"
    );
    assert_eq!(replay_schemas(&app.pool).await, Vec::<String>::new());

    // The live projector carries on with the swapped-in tables.
    app.gql_as(
        &flow.session,
        BASE,
        json!({"input": {"name": "Jauns nosaukums"}}),
    )
    .await
    .data();
    app.projected().await;
    let name: String = sqlx::query_scalar("SELECT name FROM institutions WHERE id::text = $1")
        .bind(&flow.institution)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Jauns nosaukums");
}

#[tokio::test]
async fn a_rebuild_while_writes_continue_loses_none_of_them() {
    let app = Arc::new(spawn_app().await);
    let flow = Arc::new(realistic_flow(&app).await);
    app.projected().await;

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (app, flow, stop, writes) = (app.clone(), flow.clone(), stop.clone(), writes.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = writes.load(Ordering::SeqCst);
                let doc = &flow.docs[n % flow.docs.len()];
                save(
                    &app,
                    &flow.session,
                    "savePersonalData",
                    doc,
                    json!({"surname": format!("Ozols{n}")}),
                )
                .await;
                app.gql_as(
                    &flow.session,
                    BASE,
                    json!({"input": {"phone": format!("+371 67 000 {n:03}")}}),
                )
                .await
                .data();
                writes.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    // Until at least one write landed while a rebuild ran (a rebuild of this little is quick).
    let mut overlapped = false;
    for _ in 0..20 {
        let started = writes.load(Ordering::SeqCst);
        replay::rebuild(&app.pool, &all_projections(), None, |_| {})
            .await
            .unwrap();
        if writes.load(Ordering::SeqCst) > started {
            overlapped = true;
            break;
        }
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert!(overlapped, "writes ran during a rebuild");
    app.projected().await;

    assert_eq!(verify(&app.pool).await, vec![]);
    let n = writes.load(Ordering::SeqCst) - 1;
    let phone: Option<String> =
        sqlx::query_scalar("SELECT phone FROM institutions WHERE id::text = $1")
            .bind(&flow.institution)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        phone,
        Some(format!("+371 67 000 {n:03}")),
        "the last write is there"
    );
    let doc = &flow.docs[n % flow.docs.len()];
    let state: String =
        sqlx::query_scalar("SELECT state::text FROM document_views WHERE id::text = $1")
            .bind(doc)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(state.contains(&format!("\"Ozols{n}\"")), "{state}");
}

#[tokio::test]
async fn verify_reports_an_injected_difference_and_changes_nothing() {
    let app = spawn_app().await;
    let flow = realistic_flow(&app).await;
    app.projected().await;
    assert_eq!(verify(&app.pool).await, vec![]);

    sqlx::query("UPDATE institutions SET name = 'Viltota skola' WHERE id::text = $1")
        .bind(&flow.institution)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM document_views WHERE id::text = $1")
        .bind(&flow.docs[2])
        .execute(&app.pool)
        .await
        .unwrap();

    let differences = verify(&app.pool).await;
    assert_eq!(differences.len(), 2, "{differences:#?}");
    let views = &differences[0];
    assert_eq!(views.table, "document_views");
    assert_eq!(views.key, json!({"id": flow.docs[2]}).to_string());
    assert!(views.live.is_none() && views.rebuilt.is_some());
    let names = &differences[1];
    assert_eq!(names.table, "institutions");
    assert_eq!(names.key, json!({"id": flow.institution}).to_string());
    assert_eq!(names.columns, vec!["name"]);
    assert!(names.live.as_deref().unwrap().contains("Viltota skola"));
    assert!(names
        .rebuilt
        .as_deref()
        .unwrap()
        .contains("Rīgas Tehniskā koledža"));

    let name: String = sqlx::query_scalar("SELECT name FROM institutions WHERE id::text = $1")
        .bind(&flow.institution)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(name, "Viltota skola", "verify repairs nothing");
    assert_eq!(replay_schemas(&app.pool).await, Vec::<String>::new());
}

#[tokio::test]
async fn one_document_is_rebuilt_alone_without_moving_checkpoints() {
    let app = spawn_app().await;
    let flow = realistic_flow(&app).await;
    app.projected().await;
    let before = snapshot(&app.pool).await;
    let checkpoints = || async {
        sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT projection, last_tx, last_position FROM projector_checkpoints ORDER BY 1",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let checkpoints_before = checkpoints().await;

    // One document damaged, another missing.
    sqlx::query("UPDATE document_views SET holder_name = 'X', state = '{}' WHERE id::text = $1")
        .bind(&flow.docs[0])
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM document_views WHERE id::text = $1")
        .bind(&flow.docs[1])
        .execute(&app.pool)
        .await
        .unwrap();

    let report = replay::rebuild(
        &app.pool,
        &all_projections(),
        Some(flow.docs[0].clone()),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.projections, vec!["documents"]);
    assert!(report.events >= 3, "creation and two saves");
    assert_eq!(checkpoints().await, checkpoints_before);

    let differences = verify(&app.pool).await;
    assert_eq!(
        differences.len(),
        1,
        "only the other document is still missing"
    );
    assert_eq!(differences[0].key, json!({"id": flow.docs[1]}).to_string());
    replay::rebuild(
        &app.pool,
        &all_projections(),
        Some(flow.docs[1].clone()),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(snapshot(&app.pool).await, before);
}

/// A rebuild writes rows before it moves its checkpoint (see `RebuildFold`): resumed after a
/// crash in between, it reads events again that are already in a row. They must change nothing.
#[tokio::test]
async fn a_document_row_ignores_events_already_folded_into_it() {
    let app = spawn_app().await;
    let flow = realistic_flow(&app).await;
    app.projected().await;
    let before = snapshot(&app.pool).await;
    let rows = sqlx::query(&format!(
        "SELECT {} FROM events WHERE aggregate_type = 'document' AND aggregate_id = $1
          ORDER BY sequence",
        eventstore::stored_event::EVENT_COLUMNS
    ))
    .bind(&flow.docs[0])
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut events: Vec<StoredEvent> = rows
        .iter()
        .map(|row| StoredEvent::from_row(row).unwrap())
        .collect();
    assert!(events.len() >= 3, "creation and two saves");
    let mut tx = app.pool.begin().await.unwrap();
    let mut unsealer = eventstore::unseal::Unsealer::default();
    for event in &mut events {
        unsealer.open(&mut tx, event).await.unwrap();
    }
    let documents = projections::documents::DocumentsProjection;
    // The creation again (it would start the document afresh), then all of them.
    documents.apply(&mut tx, &events[0]).await.unwrap();
    documents.apply_batch(&mut tx, &events).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(snapshot(&app.pool).await, before);
}

#[tokio::test]
async fn an_old_base_data_event_is_upcast_when_loaded_and_projected() {
    let app = spawn_app().await;
    let (session, _, institution) = app.institution_session("Skola", "info@skola.lv").await;
    app.projected().await;
    let pool = &app.pool;
    let history = projections::event_log::events_of(pool, &institution)
        .await
        .unwrap();
    let registered = &history[0];
    assert_eq!(registered.event_type, "InstitutionRegistered");

    // A BaseDataChanged as version 1.0 wrote it: no `changed_fields`, sealed like every event.
    let mut base = registered.payload["InstitutionRegistered"]["base"].clone();
    base["name"] = json!("Vecās formas skola");
    let mut payload = json!({"BaseDataChanged": {"base": base}});
    let subject = eventstore::pii::subject_of("institution", &institution);
    let key = eventstore::pii::key_for_writing(pool, &subject)
        .await
        .unwrap();
    eventstore::pii::encrypt(&key, &subject, &mut payload).unwrap();
    assert!(!payload.to_string().contains("info@skola.lv"));
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT 'institution', $1, $2, 'BaseDataChanged', '1.0', $3, metadata
           FROM events WHERE aggregate_id = $1 AND sequence = 1",
    )
    .bind(&institution)
    .bind(history.len() as i64 + 1)
    .bind(&payload)
    .execute(pool)
    .await
    .unwrap();

    // The aggregate loads through the event store's upcaster.
    let id = Uuid::parse_str(&institution).unwrap();
    let store = &app.app_state.services.store;
    let loaded = store.institutions.load(id).await.unwrap();
    assert_eq!(
        loaded.base_data().unwrap().name.as_str(),
        "Vecās formas skola"
    );
    let envelopes = store.institutions.history(id).await.unwrap();
    assert!(matches!(
        &envelopes.last().unwrap().payload,
        domain::institution::InstitutionEvent::BaseDataChanged {
            changed_fields: None,
            ..
        }
    ));

    // The projector upcasts it too, and so does a rebuild.
    app.projected().await;
    let name: String = sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(name, "Vecās formas skola");
    assert_eq!(verify(pool).await, vec![]);

    // New changes are written in version 1.1 and say what changed.
    app.gql_as(
        &session,
        BASE,
        json!({"input": {"name": "Jaunās formas skola"}}),
    )
    .await
    .data();
    let (version, changed): (String, Value) = sqlx::query_as(
        "SELECT event_version, (payload->'BaseDataChanged'->'changed_fields')::jsonb FROM events
          WHERE aggregate_id = $1 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(&institution)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!((version.as_str(), changed), ("1.1", json!(["name"])));
}

#[tokio::test]
async fn the_event_log_shows_an_aggregates_events_decrypted_and_in_order() {
    let app = spawn_app().await;
    let (session, _, institution) = app.institution_session("Skola", "info@skola.lv").await;
    app.gql_as(
        &session,
        BASE,
        json!({"input": {"contactPerson": "Anna Bērziņa"}}),
    )
    .await
    .data();
    let raw: String = sqlx::query_scalar(
        "SELECT string_agg(payload::text, ' ') FROM events WHERE aggregate_id = $1",
    )
    .bind(&institution)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(!raw.contains("Anna Bērziņa") && !raw.contains("info@skola.lv"));

    let lines = projections::event_log::events_of(&app.pool, &institution)
        .await
        .unwrap();
    let types: Vec<&str> = lines.iter().map(|l| l.event_type.as_str()).collect();
    assert_eq!(types, vec!["InstitutionRegistered", "BaseDataChanged"]);
    assert_eq!(
        lines.iter().map(|l| l.sequence).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(
        lines[0].payload["InstitutionRegistered"]["base"]["email"],
        json!({"pii": "info@skola.lv"})
    );
    assert_eq!(
        lines[1].payload["BaseDataChanged"]["base"]["contact_person"],
        json!({"pii": "Anna Bērziņa"})
    );
    assert!(lines[1].metadata["correlation_id"].is_string());

    // The global stream: every event, by position, pageable.
    let all = projections::event_log::events_since(&app.pool, 0, 1000)
        .await
        .unwrap();
    assert_eq!(all.len() as i64, app.event_count().await);
    assert!(all
        .windows(2)
        .all(|w| w[0].global_position < w[1].global_position));
    let page = projections::event_log::events_since(&app.pool, all[1].global_position, 2)
        .await
        .unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].global_position, all[2].global_position);
    let line = serde_json::to_value(&lines[0]).unwrap();
    for field in [
        "global_position",
        "aggregate_type",
        "aggregate_id",
        "sequence",
        "event_type",
        "event_version",
        "payload",
        "metadata",
    ] {
        assert!(line.get(field).is_some(), "{field}");
    }
}

/// A projection that fails on one chosen event: an interrupted rebuild.
struct Probe {
    fail_on_sequence: AtomicI64,
}

impl Projection for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["probe"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["probe_rows"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            anyhow::ensure!(
                event.sequence != self.fail_on_sequence.load(Ordering::SeqCst),
                "simulated crash"
            );
            sqlx::query("INSERT INTO probe_rows (id, sequence) VALUES ($1, $2)")
                .bind(&event.aggregate_id)
                .bind(event.sequence)
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

/// A fresh database with 700 `probe` events of one aggregate, all below the horizon, and an
/// empty `probe_rows (id, sequence)` table whose key refuses a row written twice.
async fn probe_database() -> PgPool {
    let (_, pool) = fresh_database().await;
    sqlx::query("CREATE TABLE probe_rows (id text, sequence bigint, PRIMARY KEY (id, sequence))")
        .execute(&pool)
        .await
        .unwrap();
    let tx: i64 = sqlx::query_scalar(
        "WITH written AS (
             INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata)
             SELECT 'probe', 'p', n, 'Probed', '1.0', '{}', '{}' FROM generate_series(1, 700) n
             RETURNING tx_id)
         SELECT max(tx_id::text::bigint) FROM written",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    below_horizon(&pool, tx).await;
    pool
}

#[tokio::test]
async fn an_interrupted_rebuild_resumes_from_its_shadow_checkpoint() {
    let pool = probe_database().await;
    let probe = Arc::new(Probe {
        fail_on_sequence: AtomicI64::new(600),
    });
    let projections: Vec<Arc<dyn Projection>> = vec![probe.clone()];

    let mut schema = String::new();
    let interrupted = replay::rebuild(&pool, &projections, None, |p| schema = p.schema).await;
    assert!(interrupted.is_err());
    let done: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.probe_rows"))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(done, 500, "the first batch stays, with its checkpoint");
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM probe_rows")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(live, 0, "nothing live was touched");

    probe.fail_on_sequence.store(-1, Ordering::SeqCst);
    let report = replay::resume(&pool, &projections, &schema, |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 200, "only the rest");
    let rows: Vec<i64> = sqlx::query_scalar("SELECT sequence FROM probe_rows ORDER BY 1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(rows, (1..=700).collect::<Vec<_>>());
    let checkpoint: i64 = sqlx::query_scalar(
        "SELECT last_position FROM projector_checkpoints WHERE projection = 'probe'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let last: i64 = sqlx::query_scalar("SELECT max(global_position) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        checkpoint, last,
        "the live projector continues after the rebuild"
    );
    assert!(
        replay::resume(&pool, &projections, &schema, |_| {})
            .await
            .is_err(),
        "swapped in: gone"
    );
}

/// A projection that folds across windows (as the documents projection does) into
/// `probe_rows`, writing 100 rows per write; the write numbered `fail_on_write` fails.
struct FoldingProbe {
    fail_on_write: Arc<AtomicI64>,
}

impl Projection for FoldingProbe {
    fn name(&self) -> &'static str {
        "folding_probe"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["probe"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["probe_rows"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO probe_rows (id, sequence) VALUES ($1, $2)")
                .bind(&event.aggregate_id)
                .bind(event.sequence)
                .execute(conn)
                .await?;
            Ok(())
        })
    }

    fn rebuild_fold(&self) -> Option<Box<dyn RebuildFold>> {
        Some(Box::new(ProbeFold {
            fail_on_write: self.fail_on_write.clone(),
            writes: 0,
            written: None,
            dirty: vec![],
        }))
    }
}

struct ProbeFold {
    fail_on_write: Arc<AtomicI64>,
    writes: i64,
    /// The rows already in the table, as the contract asks: read once, then folded. Every
    /// row is its own: flushes write them two transactions at a time, so a failed write may
    /// leave a gap below rows written after it.
    written: Option<std::collections::HashSet<i64>>,
    dirty: Vec<i64>,
}

impl RebuildFold for ProbeFold {
    fn fold<'a>(
        &'a mut self,
        conn: &'a mut PgConnection,
        events: &'a [StoredEvent],
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if self.written.is_none() {
                let rows: Vec<i64> = sqlx::query_scalar("SELECT sequence FROM probe_rows")
                    .fetch_all(&mut *conn)
                    .await?;
                self.written = Some(rows.into_iter().collect());
            }
            let written = self.written.get_or_insert_with(Default::default);
            for event in events {
                if written.insert(event.sequence) {
                    self.dirty.push(event.sequence);
                }
            }
            Ok(())
        })
    }

    fn held(&self) -> usize {
        1
    }

    fn take_write(&mut self, limit: usize) -> anyhow::Result<Option<Box<dyn PendingWrite>>> {
        let take = limit.min(100).min(self.dirty.len());
        if take == 0 {
            return Ok(None);
        }
        self.writes += 1;
        let fail = self.writes == self.fail_on_write.load(Ordering::SeqCst);
        let sequences = self.dirty.drain(..take).collect();
        Ok(Some(Box::new(ProbeWrite { sequences, fail })))
    }

    fn forget(&mut self) {
        self.written = None;
    }
}

struct ProbeWrite {
    sequences: Vec<i64>,
    fail: bool,
}

impl PendingWrite for ProbeWrite {
    fn execute<'a>(
        self: Box<Self>,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            anyhow::ensure!(!self.fail, "simulated crash");
            sqlx::query("INSERT INTO probe_rows SELECT 'p', s FROM unnest($1::bigint[]) s")
                .bind(&self.sequences)
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

/// A folding rebuild writes rows before it moves its checkpoint: interrupted in the middle of
/// a flush, it leaves some rows and no checkpoint; resumed, it reads the events again and
/// writes only what is missing (the table's key refuses a row written twice).
#[tokio::test]
async fn a_folding_rebuild_interrupted_mid_flush_resumes_without_writing_twice() {
    let pool = probe_database().await;
    let fail_on_write = Arc::new(AtomicI64::new(4));
    let projections: Vec<Arc<dyn Projection>> = vec![Arc::new(FoldingProbe {
        fail_on_write: fail_on_write.clone(),
    })];

    let mut schema = String::new();
    let interrupted = replay::rebuild(&pool, &projections, None, |p| schema = p.schema).await;
    assert!(interrupted.is_err());
    let (written, checkpoint): (i64, i64) = sqlx::query_as(&format!(
        "SELECT (SELECT count(*) FROM {schema}.probe_rows),
                (SELECT last_position FROM {schema}.replay_checkpoints)"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        (200..700).contains(&written),
        "the writes before the failing one stay: {written}"
    );
    assert_eq!(
        checkpoint, 0,
        "the checkpoint moves only after a whole flush"
    );

    fail_on_write.store(-1, Ordering::SeqCst);
    let report = replay::resume(&pool, &projections, &schema, |_| {})
        .await
        .unwrap();
    assert_eq!(report.events, 700, "every event read again");
    let rows: Vec<i64> = sqlx::query_scalar("SELECT sequence FROM probe_rows ORDER BY 1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(rows, (1..=700).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_rebuild_after_an_erasure_and_a_try_out_purge_brings_nothing_back() {
    let app = spawn_app().await;
    let flow = realistic_flow(&app).await;
    let doc = &flow.docs[0];
    save(
        &app,
        &flow.session,
        "savePersonalData",
        doc,
        json!({"email": "adams.b@skola.lv", "address": "Zvirbuļu iela 7"}),
    )
    .await;
    app.gql_as(
        &flow.session,
        "mutation($id: ID!) { grantParticipantAccess(documentId: $id) }",
        json!({"id": doc}),
    )
    .await
    .data();
    app.gql_as(
        &flow.session,
        "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"request 2026-17\") }",
        json!({"id": doc}),
    )
    .await
    .data();
    let mut try_out = json!({
        "acceptConditions": true, "participants": 2, "foldersByPost": false,
        "startDate": "2026-12-01", "endDate": "2026-12-14", "issuer": "TRY_OUT",
        "procedure": "A", "programme": "KA122-VET"
    });
    try_out["projectNumber"] = json!("2026-1-LV01-KA122-VET-000002");
    let requested = app
        .gql_as(
            &flow.session,
            "mutation($input: MobilityRequestInput!) { requestMobility(input: $input) { id } }",
            json!({"input": try_out}),
        )
        .await;
    let try_id = requested.data()["requestMobility"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.clock.advance(chrono::Duration::hours(25));
    let purged = api::maintenance::purge_tryout(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!(purged.mobilities, 1);
    app.projected().await;
    let before = snapshot(&app.pool).await;

    replay::rebuild(&app.pool, &all_projections(), None, |_| {})
        .await
        .unwrap();
    assert_eq!(snapshot(&app.pool).await, before);
    assert_eq!(verify(&app.pool).await, vec![]);
    for value in [
        "Bērziņš",
        "Ādams",
        "adams.b@skola.lv",
        "Zvirbuļu iela",
        &try_id,
    ] {
        let left = app.tables_containing(value).await;
        assert!(left.is_empty(), "{value} back in {left:?}");
    }
}

/// Stores the (decrypted) value of each event; at one sequence it erases the key and purges
/// another aggregate's events, as an erasure and the Try Out purge would during a rebuild.
struct Sealed {
    pool: PgPool,
    interfere_at: i64,
}

impl Projection for Sealed {
    fn name(&self) -> &'static str {
        "sealed"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["sealed"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["sealed_rows"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            if event.aggregate_id == "p" && event.sequence == self.interfere_at {
                sqlx::query("DELETE FROM subject_keys WHERE subject = 'sealed/p'")
                    .execute(&self.pool)
                    .await?;
                let mut purge = self.pool.begin().await?;
                sqlx::query("SET LOCAL europass.purge = 'on'")
                    .execute(&mut *purge)
                    .await?;
                sqlx::query("DELETE FROM events WHERE aggregate_id = 'q'")
                    .execute(&mut *purge)
                    .await?;
                purge.commit().await?;
            }
            sqlx::query("INSERT INTO sealed_rows (id, sequence, value) VALUES ($1, $2, $3)")
                .bind(&event.aggregate_id)
                .bind(event.sequence)
                .bind(event.payload()?["v"].to_string())
                .execute(conn)
                .await?;
            Ok(())
        })
    }
}

#[tokio::test]
async fn what_an_erasure_or_a_purge_removes_during_a_rebuild_stays_removed() {
    let (_, pool) = fresh_database().await;
    sqlx::query("CREATE TABLE sealed_rows (id text, sequence bigint, value text, PRIMARY KEY (id, sequence))")
        .execute(&pool)
        .await
        .unwrap();
    let key = eventstore::pii::key_for_writing(&pool, "sealed/p")
        .await
        .unwrap();
    let mut payloads = vec![];
    for n in 1..=700 {
        let mut payload = json!({"v": {"pii": format!("secret-{n}")}});
        eventstore::pii::encrypt(&key, "sealed/p", &mut payload).unwrap();
        payloads.push(payload);
    }
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         SELECT 'sealed', 'p', n, 'Sealed', '1.0', p::json, '{}'
           FROM unnest($1::jsonb[]) WITH ORDINALITY AS t(p, n)",
    )
    .bind(&payloads)
    .execute(&pool)
    .await
    .unwrap();
    let tx: i64 = sqlx::query_scalar(
        "WITH written AS (
             INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                                 payload, metadata)
             SELECT 'sealed', 'q', n, 'Sealed', '1.0', '{\"v\": 1}', '{}' FROM generate_series(1, 10) n
             RETURNING tx_id)
         SELECT max(tx_id::text::bigint) FROM written",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    below_horizon(&pool, tx).await;
    let projections: Vec<Arc<dyn Projection>> = vec![Arc::new(Sealed {
        pool: pool.clone(),
        interfere_at: 600,
    })];

    replay::rebuild(&pool, &projections, None, |_| {})
        .await
        .unwrap();

    let (plain, purged, erased): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE value LIKE '%secret%'), count(*) FILTER (WHERE id = 'q'),
                count(*) FILTER (WHERE value = '{\"pii_erased\":true}')
           FROM sealed_rows",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (plain, purged, erased),
        (0, 0, 700),
        "no plain value and no purged row went live"
    );
}
