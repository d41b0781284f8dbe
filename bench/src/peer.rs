//! Figure 1's peer (issue 24): the design card's packages as their authors intend them,
//! measured in the same run, so that this service's lead over them is measured, not claimed.
//!
//! cqrs-es's `CqrsFramework` with postgres-es's event repository (`postgres_cqrs`, the
//! packages' README setup) and a `GenericQuery` view in a `PostgresViewRepository`, executing
//! the same one-event command (the learning outcomes of figure 1's mutation, as the event's
//! payload) in this process, with no HTTP and no GraphQL in front. Each task writes its own
//! aggregate, as figure 1's clients each write their own document; a task moves on to a fresh
//! aggregate every [`HISTORY`] commands, so that the framework's load (every event of the
//! aggregate, no snapshot) folds no longer a history than this service's snapshots allow.

use crate::{outcomes, run_load, Load, PHASE_TIME};
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::GenericQuery;
use cqrs_es::{Aggregate, DomainEvent, EventEnvelope, Query, View};
use postgres_es::{PostgresCqrs, PostgresEventRepository, PostgresViewRepository};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use uuid::Uuid;

/// Commands per aggregate before a task moves to a fresh one (this service's `SNAPSHOT_EVERY`).
const HISTORY: usize = 50;

/// The postgres-es schema (its `db/init.sql`), under names of this run's own.
const TABLES: &str = "
CREATE TABLE peer_events (
    aggregate_type text NOT NULL, aggregate_id text NOT NULL,
    sequence bigint CHECK (sequence >= 0) NOT NULL, event_type text NOT NULL,
    event_version text NOT NULL, payload json NOT NULL, metadata json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence));
CREATE TABLE peer_snapshots (
    aggregate_type text NOT NULL, aggregate_id text NOT NULL,
    last_sequence bigint CHECK (last_sequence >= 0) NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL, payload json NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence));
CREATE TABLE peer_view (
    view_id text NOT NULL, version bigint CHECK (version >= 0) NOT NULL,
    payload json NOT NULL, PRIMARY KEY (view_id));";

#[derive(Default, Serialize, Deserialize)]
struct Outcomes {
    saved: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum OutcomesEvent {
    OutcomesSaved { outcomes: Value },
}

impl DomainEvent for OutcomesEvent {
    fn event_type(&self) -> String {
        "OutcomesSaved".into()
    }
    fn event_version(&self) -> String {
        "1.0".into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("refused")]
struct Refused;

impl Aggregate for Outcomes {
    const TYPE: &'static str = "peer_document";
    type Command = Value;
    type Event = OutcomesEvent;
    type Error = Refused;
    type Services = ();

    async fn handle(
        &mut self,
        outcomes: Value,
        _: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), Refused> {
        sink.write(OutcomesEvent::OutcomesSaved { outcomes }, self)
            .await;
        Ok(())
    }

    fn apply(&mut self, _: OutcomesEvent) {
        self.saved += 1;
    }
}

/// The read model: the latest outcomes and how many saves it has seen.
#[derive(Debug, Default, Serialize, Deserialize)]
struct OutcomesView {
    saves: usize,
    outcomes: Value,
}

impl View<Outcomes> for OutcomesView {
    fn update(&mut self, event: &EventEnvelope<Outcomes>) {
        let OutcomesEvent::OutcomesSaved { outcomes } = &event.payload;
        self.saves += 1;
        self.outcomes = outcomes.clone();
    }
}

pub struct Peer {
    pool: PgPool,
    cqrs: PostgresCqrs<Outcomes>,
}

impl Peer {
    /// The framework on its own tables in `pool`'s database.
    pub async fn new(pool: PgPool) -> anyhow::Result<Self> {
        sqlx::raw_sql(TABLES).execute(&pool).await?;
        let views = Arc::new(PostgresViewRepository::<OutcomesView, Outcomes>::new(
            "peer_view",
            pool.clone(),
        ));
        let query: Box<dyn Query<Outcomes>> = Box::new(GenericQuery::new(views));
        let repository =
            PostgresEventRepository::new(pool.clone()).with_tables("peer_events", "peer_snapshots");
        let store = cqrs_es::persist::PersistedEventStore::new_event_store(repository);
        let cqrs = cqrs_es::CqrsFramework::new(store, vec![query], ());
        Ok(Self { pool, cqrs })
    }

    /// The command from `tasks` concurrent tasks for one phase.
    pub async fn load(&self, tasks: usize) -> Load {
        let done: Vec<AtomicUsize> = (0..tasks).map(|_| AtomicUsize::new(0)).collect();
        let round = Uuid::new_v4();
        run_load(tasks, usize::MAX, PHASE_TIME, |task, n| {
            let k = done[task].fetch_add(1, Ordering::Relaxed);
            let id = format!("{round}-{task}-{}", k / HISTORY);
            async move {
                self.cqrs
                    .execute(&id, outcomes(n))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
        })
        .await
    }

    /// How many events the framework wrote, and how many its view has seen (a check that the
    /// view ran: `GenericQuery` swallows its errors unless given a handler).
    pub async fn written(&self) -> anyhow::Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT (SELECT count(*) FROM peer_events),
                    (SELECT coalesce(sum((payload->>'saves')::bigint), 0)::bigint FROM peer_view)",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn drop_tables(self) -> anyhow::Result<()> {
        sqlx::raw_sql("DROP TABLE peer_events, peer_snapshots, peer_view")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
