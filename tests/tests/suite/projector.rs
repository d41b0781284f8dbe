//! R-PROJ: commit order, late commits, crash mid-batch, restart, idempotence.

use europass_tests::{below_horizon, fresh_database};
use futures::future::BoxFuture;
use projections::{Projection, Projector, StoredEvent};
use sqlx::{PgConnection, PgPool};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Records which events it applied; fails on one chosen event to simulate a crash.
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

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO probe_applied (aggregate_id, sequence) VALUES ($1, $2)")
                .bind(&event.aggregate_id)
                .bind(event.sequence)
                .execute(&mut *conn)
                .await?;
            anyhow::ensure!(
                event.sequence != self.fail_on_sequence.load(Ordering::SeqCst),
                "simulated crash"
            );
            Ok(())
        })
    }
}

async fn setup() -> (PgPool, Arc<Probe>) {
    let (_, pool) = fresh_database().await;
    sqlx::query(
        "CREATE TABLE probe_applied (aggregate_id text, sequence bigint, applied_at serial)",
    )
    .execute(&pool)
    .await
    .unwrap();
    (
        pool,
        Arc::new(Probe {
            fail_on_sequence: AtomicI64::new(-1),
        }),
    )
}

fn projector(pool: &PgPool, probe: &Arc<Probe>, batch: i64) -> Arc<Projector> {
    Projector::with_batch_size(
        pool.clone(),
        vec![probe.clone() as Arc<dyn Projection>],
        batch,
    )
}

async fn append(conn: &mut PgConnection, aggregate: &str, sequence: i64) {
    append_of_type(conn, "probe", aggregate, sequence).await
}

async fn append_of_type(conn: &mut PgConnection, kind: &str, aggregate: &str, sequence: i64) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ($1, $2, $3, 'Probed', '1.0', '{}', '{}')",
    )
    .bind(kind)
    .bind(aggregate)
    .bind(sequence)
    .execute(conn)
    .await
    .unwrap();
}

/// Runs the projector until `expected` events are applied. xmin is cluster-wide, so a
/// transaction of a test running in parallel (in another database) may hold events back for a
/// moment; that is the safe direction, and waiting is the answer.
async fn catch_up_until(projector: &Projector, pool: &PgPool, expected: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while applied(pool).await.len() < expected {
        assert!(
            std::time::Instant::now() < deadline,
            "projector did not catch up"
        );
        projector.catch_up().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

async fn applied(pool: &PgPool) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT aggregate_id, sequence FROM probe_applied ORDER BY applied_at")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_event_that_commits_late_is_not_skipped() {
    let (pool, probe) = setup().await;
    let projector = projector(&pool, &probe, 100);

    // Transaction A takes its id (and position) first but commits last.
    let mut slow = pool.begin().await.unwrap();
    append(&mut slow, "slow", 1).await;
    let mut fast = pool.acquire().await.unwrap();
    append(&mut fast, "fast", 1).await;

    projector.catch_up().await.unwrap();
    assert_eq!(
        applied(&pool).await,
        vec![],
        "nothing at or after a running transaction is applied"
    );

    slow.commit().await.unwrap();
    catch_up_until(&projector, &pool, 2).await;
    assert_eq!(
        applied(&pool).await,
        vec![("slow".to_string(), 1), ("fast".to_string(), 1)],
        "both, in commit-safe order, once"
    );
}

#[tokio::test]
async fn a_crash_mid_batch_applies_nothing_and_the_rerun_applies_everything_once() {
    let (pool, probe) = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    for seq in 1..=10 {
        append(&mut conn, "a", seq).await;
    }
    // Else a transaction of a test running beside this one may hold the batch back.
    let last: i64 = sqlx::query_scalar("SELECT max(tx_id::text::bigint) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    below_horizon(&pool, last).await;
    probe.fail_on_sequence.store(6, Ordering::SeqCst);
    let first = projector(&pool, &probe, 100);
    assert!(first.run_batch("probe").await.is_err());
    assert_eq!(
        applied(&pool).await,
        vec![],
        "the failed batch rolled back whole"
    );

    // A new projector instance (a restarted server) resumes from the checkpoint.
    probe.fail_on_sequence.store(-1, Ordering::SeqCst);
    let restarted = projector(&pool, &probe, 4);
    catch_up_until(&restarted, &pool, 10).await;
    let seqs: Vec<i64> = applied(&pool).await.into_iter().map(|(_, s)| s).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
}

#[tokio::test]
async fn re_running_is_idempotent_and_resumes_after_the_checkpoint() {
    let (pool, probe) = setup().await;
    let mut conn = pool.acquire().await.unwrap();
    for seq in 1..=5 {
        append(&mut conn, "a", seq).await;
    }
    let p = projector(&pool, &probe, 2);
    catch_up_until(&p, &pool, 5).await;
    assert_eq!(
        p.catch_up().await.unwrap(),
        0,
        "a re-run applies nothing twice"
    );
    for seq in 6..=7 {
        append(&mut conn, "a", seq).await;
    }
    let restarted = projector(&pool, &probe, 2);
    catch_up_until(&restarted, &pool, 7).await;
    let seqs: Vec<i64> = applied(&pool).await.into_iter().map(|(_, s)| s).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_running_projector_wakes_on_new_events_and_reports_its_horizon() {
    let (pool, probe) = setup().await;
    let p = projector(&pool, &probe, 100);
    let _tasks = p.spawn(None);
    let mut conn = pool.acquire().await.unwrap();
    append(&mut conn, "a", 1).await;
    assert!(p
        .wait_for_current(std::time::Duration::from_secs(5))
        .await
        .unwrap());
    assert_eq!(applied(&pool).await.len(), 1, "read your writes");
}

/// The probe's checkpoint and the transaction that last wrote it.
async fn checkpoint(pool: &PgPool) -> Option<(i64, i64, String)> {
    sqlx::query_as(
        "SELECT last_tx, last_position, xmin::text FROM projector_checkpoints
          WHERE projection = 'probe'",
    )
    .fetch_optional(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_idle_projection_moves_past_other_aggregates_events_but_not_past_a_running_one() {
    let (pool, probe) = setup().await;
    let p = projector(&pool, &probe, 100);
    let mut conn = pool.acquire().await.unwrap();
    append(&mut conn, "a", 1).await;
    catch_up_until(&p, &pool, 1).await;

    // A probe event still being written, then many events the probe does not read.
    let mut slow = pool.begin().await.unwrap();
    append(&mut slow, "slow", 1).await;
    let slow_tx: i64 = sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
        .fetch_one(&mut *slow)
        .await
        .unwrap();
    for seq in 1..=20 {
        append_of_type(&mut conn, "other", "b", seq).await;
    }
    p.catch_up().await.unwrap();
    let (tx, _, _) = checkpoint(&pool).await.unwrap();
    assert!(tx < slow_tx, "never past a transaction still running");
    slow.commit().await.unwrap();
    catch_up_until(&p, &pool, 2).await;

    // Once everything is final, the checkpoint stands at the newest event, whatever its type:
    // later batches do not scan the other aggregates' events again.
    let (newest_tx, newest): (i64, i64) = sqlx::query_as(
        "SELECT tx_id::text::bigint, global_position FROM events
          ORDER BY tx_id DESC, global_position DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    below_horizon(&pool, newest_tx).await;
    p.catch_up().await.unwrap();
    let (tx, position, written_by) = checkpoint(&pool).await.unwrap();
    assert_eq!((tx, position), (newest_tx, newest));

    // With nothing new, an idle run writes nothing (no transaction id, nobody held back).
    p.catch_up().await.unwrap();
    assert_eq!(checkpoint(&pool).await.unwrap().2, written_by);
    assert_eq!(applied(&pool).await.len(), 2);
}

#[tokio::test]
async fn a_projection_whose_aggregates_never_appeared_gets_a_checkpoint_past_the_others() {
    let (pool, probe) = setup().await;
    let p = projector(&pool, &probe, 100);
    let mut conn = pool.acquire().await.unwrap();
    for seq in 1..=3 {
        append_of_type(&mut conn, "other", "b", seq).await;
    }
    let last: i64 = sqlx::query_scalar("SELECT max(tx_id::text::bigint) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    below_horizon(&pool, last).await;
    p.catch_up().await.unwrap();
    let (_, position, _) = checkpoint(&pool).await.expect("a checkpoint row");
    let newest: i64 = sqlx::query_scalar("SELECT max(global_position) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(position, newest);
    append(&mut conn, "a", 1).await;
    catch_up_until(&p, &pool, 1).await;
}
