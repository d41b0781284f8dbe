//! The projector (R-PROJ).
//!
//! Each projection keeps a checkpoint `(last_tx, last_position)` and reads the event table in
//! `(tx_id, global_position)` order, but only events whose writing transaction is older than
//! every transaction still running (`pg_snapshot_xmin`). Such events can no longer change, and
//! every later-committing event has a larger `tx_id`, so an event that commits late is never
//! skipped. The view writes and the checkpoint move in one transaction: a crash loses either
//! both or neither, so each event is applied exactly once and the projector resumes by itself.

use crate::leadership::{projection_role, Leadership};
use crate::rebuild_fold::RebuildFold;
use anyhow::Context;
use eventstore::stored_event::{StoredEvent, EVENT_COLUMNS};
use eventstore::unseal::Unsealer;
use futures::future::BoxFuture;
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{watch, Notify};

pub trait Projection: Send + Sync + 'static {
    /// Stable name: the key of its checkpoint.
    fn name(&self) -> &'static str;
    /// The aggregate types whose events it reads.
    fn aggregate_types(&self) -> &'static [&'static str];
    /// The query tables it writes (and only these). The replay tool rebuilds exactly these;
    /// each keys its rows by the aggregate they come from: the column `<aggregate_type>_id` if
    /// the table has one, else `id`. A projection without tables cannot be replayed.
    fn tables(&self) -> &'static [&'static str] {
        &[]
    }
    /// Applies one event inside the projector's transaction. Holds no business rules.
    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Applies a batch of events, in the projector's order, inside its transaction. The
    /// default applies them one at a time; a projection may fold the batch in memory and write
    /// each row once instead, with the same result.
    fn apply_batch<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [StoredEvent],
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            for event in events {
                self.apply(&mut *conn, event).await.with_context(|| {
                    format!(
                        "{} applying position {}",
                        self.name(),
                        event.global_position
                    )
                })?;
            }
            Ok(())
        })
    }

    /// For rebuilds: a fold that keeps this projection's rows in memory across batches and
    /// writes each row once ([`RebuildFold`]). `None`: a rebuild applies batch by batch with
    /// [`Projection::apply_batch`].
    fn rebuild_fold(&self) -> Option<Box<dyn RebuildFold>> {
        None
    }
}

/// How far one projection has come: every event of a transaction below `horizon` is applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub horizon: i64,
    pub last_position: i64,
}

struct Runner {
    projection: Arc<dyn Projection>,
    wake: Notify,
    progress: watch::Sender<Progress>,
    /// Woken when another replica's leader committed a batch of this projection (NOTIFY on
    /// [`PROJECTED_CHANNEL`]): a follower's readers look at the checkpoint again.
    projected: Notify,
}

impl Runner {
    fn reads_any(&self, aggregate_types: &[&str]) -> bool {
        let reads = self.projection.aggregate_types();
        aggregate_types.iter().any(|t| reads.contains(t))
    }
}

pub struct Projector {
    pool: PgPool,
    runners: Vec<Arc<Runner>>,
    batch_size: i64,
    poll_interval: Duration,
    /// Set when spawned with leadership: then this process runs only the projections it
    /// leads. Unset (tests, tools): it runs all of them.
    leadership: OnceLock<Arc<Leadership>>,
}

/// Where a leader announces a committed batch (payload: the projection's name), so that the
/// other replicas' read-your-writes waits look at the checkpoint again.
pub const PROJECTED_CHANNEL: &str = "europass_projected";

/// Where appends are announced (`eventstore::store::notify`).
pub use eventstore::store::NOTIFY_CHANNEL;

/// The shortest time between two batches of one projection while it keeps up (see
/// `run_forever`): the projection lag it may add, against the CPU it saves under load.
const COALESCE: Duration = Duration::from_millis(5);

impl Projector {
    pub fn new(pool: PgPool, projections: Vec<Arc<dyn Projection>>) -> Arc<Self> {
        // Small batches keep the projector's transactions short: they hold back the cluster-wide
        // xmin that every projection (and read-your-writes) waits on.
        Self::with_batch_size(pool, projections, 100)
    }

    pub fn with_batch_size(
        pool: PgPool,
        projections: Vec<Arc<dyn Projection>>,
        batch_size: i64,
    ) -> Arc<Self> {
        let runners = projections
            .into_iter()
            .map(|projection| {
                Arc::new(Runner {
                    projection,
                    wake: Notify::new(),
                    progress: watch::channel(Progress::default()).0,
                    projected: Notify::new(),
                })
            })
            .collect();
        Arc::new(Self {
            pool,
            runners,
            batch_size,
            poll_interval: Duration::from_millis(500),
            leadership: OnceLock::new(),
        })
    }

    /// The leadership this projector was spawned with, if any.
    pub fn leadership(&self) -> Option<&Arc<Leadership>> {
        self.leadership.get()
    }

    /// The leadership roles of this projector's projections.
    pub fn roles(&self) -> Vec<String> {
        self.runners
            .iter()
            .map(|r| projection_role(r.projection.name()))
            .collect()
    }

    /// Whether this process applies `projection`'s batches now: it leads it, or it runs
    /// without leadership (then it runs every projection).
    pub fn leads(&self, projection: &str) -> bool {
        self.leadership
            .get()
            .is_none_or(|l| l.leads(&projection_role(projection)))
    }

    /// Applies one batch of one projection; returns how many events it applied.
    #[tracing::instrument(name = "projector_batch", skip(self), fields(applied))]
    pub async fn run_batch(&self, projection: &str) -> anyhow::Result<usize> {
        let runner = self
            .runners
            .iter()
            .find(|r| r.projection.name() == projection)
            .with_context(|| format!("no projection named {projection}"))?;
        self.run_runner_batch(runner).await
    }

    async fn run_runner_batch(&self, runner: &Runner) -> anyhow::Result<usize> {
        let projection = &runner.projection;
        let mut tx = self.pool.begin().await?;
        // First statement, before this transaction has an id of its own: the oldest running
        // transaction. Everything below it has committed or aborted for good.
        // The commit need not wait for its WAL flush (synchronous_commit off, this transaction
        // only): views and checkpoint are lost or kept together, and a lost batch is simply
        // applied again from the durable events after a crash.
        // An advisory lock keeps two projector instances from applying the same batch without
        // giving this transaction an id yet (a row lock would, and hold back xmin for everyone).
        // A horizon read before waiting for that lock is only older, never wrong.
        let (horizon, _, _): (i64, String, ()) = sqlx::query_as(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                    set_config('synchronous_commit', 'off', true),
                    pg_advisory_xact_lock(hashtext('europass.projector.' || $1))",
        )
        .bind(projection.name())
        .fetch_one(&mut *tx)
        .await?;
        // The checkpoint is read by this statement, after the lock: whoever held it before
        // has committed its checkpoint by then.
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS}
               FROM events
              WHERE (tx_id, global_position) > (
                      coalesce((SELECT last_tx FROM projector_checkpoints WHERE projection = $1),
                               0)::text::xid8,
                      coalesce((SELECT last_position FROM projector_checkpoints
                                 WHERE projection = $1), 0))
                AND tx_id < $2::text::xid8
                AND aggregate_type = ANY($3)
              ORDER BY tx_id, global_position
              LIMIT $4"
        ))
        .bind(projection.name())
        .bind(horizon.to_string())
        .bind(projection.aggregate_types())
        .bind(self.batch_size)
        .fetch_all(&mut *tx)
        .await?;

        let mut unsealer = Unsealer::default();
        // Only read when a row was applied (an idle run writes no checkpoint).
        let mut last = (0, 0);
        let mut events = Vec::with_capacity(rows.len());
        for row in &rows {
            let event = StoredEvent::from_row(row)?;
            last = (event.tx, event.global_position);
            events.push(event);
        }
        // Decrypts personal data and upcasts old versions (shared with the replay tool).
        unsealer.preload(&mut tx, &events).await?;
        for event in &mut events {
            unsealer.open(&mut tx, event).await?;
        }
        projection.apply_batch(&mut tx, &events).await?;
        let full = rows.len() as i64 == self.batch_size;
        // A full batch may have left events of its last transaction: the horizon is that
        // transaction then, not the snapshot's.
        let reached = if full { last.0 } else { horizon };
        if rows.is_empty() {
            skip_others(&mut tx, projection.name(), horizon).await?;
        } else {
            // The announcement is delivered at commit, with the checkpoint it names.
            sqlx::query(
                "WITH moved AS (
                     INSERT INTO projector_checkpoints (projection, last_tx, last_position, horizon)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (projection) DO UPDATE
                        SET last_tx = $2, last_position = $3,
                            horizon = GREATEST(projector_checkpoints.horizon, $4),
                            updated_at = now())
                 SELECT pg_notify('europass_projected', $1)",
            )
            .bind(projection.name())
            .bind(last.0)
            .bind(last.1)
            .bind(reached)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        runner.progress.send_if_modified(|p| {
            let next = Progress {
                horizon: p.horizon.max(reached),
                last_position: last.1,
            };
            let changed = *p != next;
            *p = next;
            changed
        });
        tracing::Span::current().record("applied", rows.len());
        // The projector's replay rate of the live stream, per projection, for /metrics.
        metrics::counter!("europass_projector_events_applied_total", "projection" => projection.name())
            .increment(rows.len() as u64);
        Ok(rows.len())
    }

    /// Runs every projection until it has nothing more to apply right now.
    pub async fn catch_up(&self) -> anyhow::Result<usize> {
        let mut total = 0;
        for runner in &self.runners {
            loop {
                let n = self.run_runner_batch(runner).await?;
                total += n;
                if (n as i64) < self.batch_size {
                    break;
                }
            }
        }
        Ok(total)
    }

    /// Starts one task per projection plus a LISTEN task that wakes them; polling covers lost
    /// notifications and a restarted database. With `leadership`, a projection's task applies
    /// batches only while this replica leads it, and follows the leader otherwise.
    pub fn spawn(
        self: &Arc<Self>,
        leadership: Option<Arc<Leadership>>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        if let Some(leadership) = leadership {
            let _ = self.leadership.set(leadership);
        }
        let mut handles = vec![];
        for runner in &self.runners {
            let this = Arc::clone(self);
            let runner = Arc::clone(runner);
            handles.push(tokio::spawn(async move { this.run_forever(runner).await }));
        }
        let this = Arc::clone(self);
        handles.push(tokio::spawn(async move { this.listen_forever().await }));
        handles
    }

    async fn run_forever(&self, runner: Arc<Runner>) {
        let mut backoff = Duration::from_millis(100);
        let mut last_start: Option<tokio::time::Instant> = None;
        let mut leading = self
            .leadership
            .get()
            .and_then(|l| l.watch(&projection_role(runner.projection.name())));
        loop {
            // A follower runs no batch at all: it waits until it leads.
            if let Some(leading) = leading.as_mut() {
                if !*leading.borrow_and_update() {
                    if leading.changed().await.is_err() {
                        return;
                    }
                    continue;
                }
            }
            // At most one batch per COALESCE when keeping up: under load a batch then takes
            // every event of that window, where each commit's wake-up would otherwise run a
            // batch of its own (about 8 statements for a few events). A quiet projection
            // answers its first event at once; a backlog (full batches) is not slowed.
            if let Some(start) = last_start {
                tokio::time::sleep_until(start + COALESCE).await;
            }
            last_start = Some(tokio::time::Instant::now());
            match self.run_runner_batch(&runner).await {
                Ok(n) if n as i64 == self.batch_size => {
                    last_start = None;
                    continue;
                }
                Ok(_) => {
                    backoff = Duration::from_millis(100);
                    let _ = tokio::time::timeout(self.poll_interval, runner.wake.notified()).await;
                }
                Err(err) => {
                    tracing::error!(
                        projection = runner.projection.name(),
                        error = format!("{err:#}"),
                        "projection batch failed; retrying"
                    );
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn listen_forever(&self) {
        loop {
            match PgListener::connect_with(&self.pool).await {
                Ok(mut listener) => {
                    let channels = [NOTIFY_CHANNEL, PROJECTED_CHANNEL];
                    if let Err(err) = listener.listen_all(channels).await {
                        tracing::warn!(error = %err, "LISTEN failed");
                    } else {
                        // Waiters may have missed announcements while disconnected.
                        self.wake_followers("");
                        while let Ok(notification) = listener.recv().await {
                            if notification.channel() == PROJECTED_CHANNEL {
                                self.wake_followers(notification.payload());
                            } else {
                                self.wake(notification.payload());
                            }
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "projector listener cannot connect"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Wakes the read-your-writes waits on `projection` (all of them for an empty name).
    fn wake_followers(&self, projection: &str) {
        for runner in &self.runners {
            if projection.is_empty() || runner.projection.name() == projection {
                runner.projected.notify_waiters();
            }
        }
    }

    /// Wakes the runners that read `aggregate_type` (the notification's payload), or all of
    /// them for an empty payload.
    pub fn wake(&self, aggregate_type: &str) {
        for runner in &self.runners {
            if aggregate_type.is_empty() || runner.reads_any(&[aggregate_type]) {
                runner.wake.notify_one();
            }
        }
    }

    /// Read your writes: waits (bounded) until every projection has applied every transaction
    /// that committed before this call. Returns false on timeout.
    pub async fn wait_for_current(&self, timeout: Duration) -> anyhow::Result<bool> {
        let target: i64 =
            sqlx::query_scalar("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
                .fetch_one(&self.pool)
                .await?;
        self.wait_for(target, timeout).await
    }

    pub async fn wait_for(&self, target: i64, timeout: Duration) -> anyhow::Result<bool> {
        self.wait_for_types(target, &[], timeout).await
    }

    /// Like [`wait_for`](Self::wait_for), but only for the projections that read one of
    /// `aggregate_types` (all of them if it is empty): the others cannot have changed.
    pub async fn wait_for_types(
        &self,
        target: i64,
        aggregate_types: &[&str],
        timeout: Duration,
    ) -> anyhow::Result<bool> {
        let concerned =
            |runner: &&Arc<Runner>| aggregate_types.is_empty() || runner.reads_any(aggregate_types);
        let wait_all = async {
            for runner in self.runners.iter().filter(concerned) {
                let mut rx = runner.progress.subscribe();
                loop {
                    let name = runner.projection.name();
                    if self.leads(name) {
                        // Fast path, this replica applies it: its own progress says it.
                        if rx.borrow_and_update().horizon >= target {
                            break;
                        }
                        runner.wake.notify_one();
                        // Re-kick now and then: the horizon only moves when a batch runs.
                        let _ = tokio::time::timeout(Duration::from_millis(50), rx.changed()).await;
                    } else {
                        // Another replica applies it: the proof is read from the database,
                        // again on each of the leader's announcements (and every 50 ms).
                        let announced = runner.projected.notified();
                        let types = runner.projection.aggregate_types();
                        if applied_below(&self.pool, name, types, target).await? {
                            break;
                        }
                        let _ = tokio::time::timeout(Duration::from_millis(50), announced).await;
                    }
                }
            }
            anyhow::Ok(())
        };
        let done = match tokio::time::timeout(timeout, wait_all).await {
            Ok(waited) => {
                waited?;
                true
            }
            Err(_) => false,
        };
        if !done {
            for runner in &self.runners {
                tracing::warn!(
                    projection = runner.projection.name(),
                    horizon = runner.progress.borrow().horizon,
                    target,
                    "projection behind"
                );
            }
        }
        Ok(done)
    }

    pub fn progress(&self, projection: &str) -> Option<Progress> {
        self.runners
            .iter()
            .find(|r| r.projection.name() == projection)
            .map(|r| *r.progress.borrow())
    }
}

/// Moves an idle projection's checkpoint past the other aggregates' events below `horizon`.
/// Without it, a projection whose own events are rare (accounts, institutions) kept its
/// checkpoint at its last own event, and every batch of it scanned all the documents' events
/// written since: the soak's latency grew with the store (p99 2.8 -> 11 ms in 10 minutes).
/// Writes only when there is something to skip: with no newer event the statement changes no
/// row and the transaction takes no id, so an idle run still holds nobody back.
#[tracing::instrument(skip(tx))]
async fn skip_others(tx: &mut PgConnection, projection: &str, horizon: i64) -> anyhow::Result<()> {
    sqlx::query(
        "WITH newest AS (
             SELECT tx_id::text::bigint AS tx, global_position AS position
               FROM events WHERE tx_id < $2::text::xid8
              ORDER BY tx_id DESC, global_position DESC LIMIT 1),
         moved AS (
             UPDATE projector_checkpoints c
                SET last_tx = n.tx, last_position = n.position,
                    horizon = GREATEST(c.horizon, $3), updated_at = now()
               FROM newest n
              WHERE c.projection = $1 AND (c.last_tx, c.last_position) < (n.tx, n.position)
          RETURNING 1)
         INSERT INTO projector_checkpoints (projection, last_tx, last_position, horizon)
         SELECT $1, n.tx, n.position, $3 FROM newest n
          WHERE NOT EXISTS (SELECT 1 FROM projector_checkpoints WHERE projection = $1)
         ON CONFLICT (projection) DO NOTHING",
    )
    .bind(projection)
    .bind(horizon.to_string())
    .bind(horizon)
    .execute(tx)
    .await?;
    Ok(())
}

/// A follower's proof that `projection` has applied every event of `aggregate_types` written
/// by a transaction below `target`: every such transaction has ended (the snapshot's xmin is
/// past it), and none of their events lies beyond the leader's committed checkpoint. One
/// statement, so the checkpoint and the events are read from one snapshot.
pub async fn applied_below(
    pool: &PgPool,
    projection: &str,
    aggregate_types: &[&str],
    target: i64,
) -> anyhow::Result<bool> {
    let applied: bool = sqlx::query_scalar(
        "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $2::text::xid8
            AND NOT EXISTS (
                SELECT 1 FROM events
                 WHERE (tx_id, global_position) > (
                         coalesce((SELECT last_tx FROM projector_checkpoints
                                    WHERE projection = $1), 0)::text::xid8,
                         coalesce((SELECT last_position FROM projector_checkpoints
                                    WHERE projection = $1), 0))
                   AND tx_id < $2::text::xid8
                   AND aggregate_type = ANY($3))",
    )
    .bind(projection)
    .bind(target.to_string())
    .bind(aggregate_types)
    .fetch_one(pool)
    .await?;
    Ok(applied)
}

/// How far a projection is behind the event store.
#[derive(Clone, Debug, PartialEq)]
pub struct Lag {
    pub projection: &'static str,
    /// Committed events of its aggregate types beyond its checkpoint (counted up to
    /// [`LAG_COUNT_LIMIT`]).
    pub events: i64,
    /// While events wait: seconds since the projection last moved its checkpoint; else 0.
    pub seconds: f64,
}

/// Lag counts stop here: a scrape must stay cheap during a large catch-up.
pub const LAG_COUNT_LIMIT: i64 = 100_000;

/// The lag of every projection, whichever replica leads it (one statement each).
pub async fn lag(pool: &PgPool, projections: &[Arc<dyn Projection>]) -> anyhow::Result<Vec<Lag>> {
    let mut lags = Vec::with_capacity(projections.len());
    for projection in projections {
        let (events, seconds): (i64, f64) = sqlx::query_as(
            "WITH checkpoint AS (
                 SELECT coalesce(max(last_tx), 0) AS last_tx,
                        coalesce(max(last_position), 0) AS last_position,
                        max(updated_at) AS updated_at
                   FROM projector_checkpoints WHERE projection = $1),
             waiting AS (
                 SELECT 1 FROM events, checkpoint c
                  WHERE (tx_id, global_position) > (c.last_tx::text::xid8, c.last_position)
                    AND aggregate_type = ANY($2)
                  LIMIT $3)
             SELECT (SELECT count(*) FROM waiting),
                    CASE WHEN EXISTS (SELECT 1 FROM waiting)
                         THEN coalesce(extract(epoch FROM now() - (SELECT updated_at
                                                                     FROM checkpoint)), 0)
                         ELSE 0 END::float8",
        )
        .bind(projection.name())
        .bind(projection.aggregate_types())
        .bind(LAG_COUNT_LIMIT)
        .fetch_one(pool)
        .await?;
        lags.push(Lag {
            projection: projection.name(),
            events,
            seconds,
        });
    }
    Ok(lags)
}
