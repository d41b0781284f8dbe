//! R-REPLAY: rebuilding query tables from the event store while the API keeps serving.
//!
//! A rebuild creates a shadow schema `replay_<random>` holding empty copies of the
//! projections' tables, and runs the projections' own `apply` against them (the transaction's
//! search path points at the schema, see [`shadow`]), reading events exactly as the live
//! projector does: decrypted, upcast, in `(tx_id, global_position)` order below
//! `pg_snapshot_xmin`. The API reads and the live projector writes the live tables meanwhile.
//! When the copies have caught up they are swapped in in one transaction ([`swap`]).
//!
//! Resuming: every batch commits its writes together with the shadow checkpoint, so an
//! interrupted rebuild (crash, Ctrl-C, lost connection) leaves a consistent shadow schema.
//! Its name is shown when the rebuild starts (`schema` of every [`ReplayProgress`]); running
//! `europass replay --resume replay_<…>` ([`resume`]) continues from the checkpoints with the
//! projections the schema was started with. A schema that is not to be resumed should be
//! dropped (`europass replay --discard replay_<…>`): it holds plain copies of personal data.
//!
//! `--aggregate ID` repairs one aggregate's rows in the live tables instead ([`aggregate`]);
//! [`verify`] rebuilds into a scratch schema and reports how the live tables differ.

mod aggregate;
mod batch;
mod compare;
mod folding;
mod progress;
mod settle;
mod shadow;
mod swap;

pub use progress::{Printer, ReplayProgress};

use crate::projector::Projection;
use progress::Meter;
use serde::Serialize;
use shadow::Shadow;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events per rebuild transaction: short transactions hold back nobody's xmin for long.
pub(crate) const BATCH_SIZE: i64 = 500;

#[derive(Clone, Debug)]
pub struct ReplayReport {
    /// The shadow schema (none for an aggregate repair).
    pub schema: Option<String>,
    pub projections: Vec<&'static str>,
    /// Events applied in this run, the swap included.
    pub events: u64,
    /// Of those, events that arrived during the rebuild and were applied inside the swap.
    pub events_in_swap: u64,
    pub elapsed: Duration,
}

/// A row that differs between a live table and its rebuild.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub table: String,
    /// The primary key, as JSON.
    pub key: String,
    /// The live row as JSON; `None` if only the rebuild has it.
    pub live: Option<String>,
    /// The rebuilt row as JSON; `None` if only the live table has it.
    pub rebuilt: Option<String>,
    pub columns: Vec<String>,
}

/// Rebuilds `projections` into fresh tables and swaps them in; with `aggregate`, repairs only
/// that aggregate's rows in the live tables.
pub async fn rebuild(
    pool: &PgPool,
    projections: &[Arc<dyn Projection>],
    aggregate: Option<String>,
    progress: impl FnMut(ReplayProgress),
) -> anyhow::Result<ReplayReport> {
    if let Some(id) = aggregate {
        return aggregate::rebuild_live(pool, projections, &id).await;
    }
    let schema = new_schema("replay");
    let shadow = Shadow::create(pool, projections, &schema).await?;
    run(pool, &shadow, progress).await
}

/// Continues an interrupted rebuild from its shadow checkpoints and swaps it in. The
/// projections are those it was started with, looked up by name in `available`.
pub async fn resume(
    pool: &PgPool,
    available: &[Arc<dyn Projection>],
    schema: &str,
    progress: impl FnMut(ReplayProgress),
) -> anyhow::Result<ReplayReport> {
    let shadow = Shadow::open(pool, available, schema).await?;
    run(pool, &shadow, progress).await
}

/// Drops an unfinished rebuild's schema (and the personal data copied into it).
pub async fn discard(pool: &PgPool, schema: &str) -> anyhow::Result<()> {
    // Only a schema this tool made.
    anyhow::ensure!(
        schema.starts_with("replay_") && Shadow::exists(pool, schema).await?,
        "{schema} is not an unfinished replay"
    );
    Shadow::discard(pool, schema).await
}

async fn run(
    pool: &PgPool,
    shadow: &Shadow,
    mut progress: impl FnMut(ReplayProgress),
) -> anyhow::Result<ReplayReport> {
    let started = Instant::now();
    // The estimate of what is left runs beside the rebuild; the progress shows a total once
    // it is in. A `JoinSet`: it stops with the rebuild, however that ends.
    let (count_pool, count_shadow) = (pool.clone(), shadow.clone());
    let mut counting = tokio::task::JoinSet::new();
    counting.spawn(async move { count_shadow.remaining(&count_pool).await });
    let mut meter = Meter::new(&shadow.schema, 0);
    let first = shadow
        .projections
        .first()
        .map(|p| p.name())
        .unwrap_or_default();
    progress(meter.add(first, 0));
    let mut report = |name: &'static str, n: usize| {
        // A failed count only leaves the total unknown.
        if let Some(Ok(Ok(total))) = counting.try_join_next() {
            meter.counted(total);
        }
        progress(meter.add(name, n))
    };
    shadow.catch_up(pool, false, &mut report).await?;
    let events_in_swap = swap::swap(pool, shadow, &mut report).await?;
    let last = shadow
        .projections
        .last()
        .map(|p| p.name())
        .unwrap_or_default();
    progress(meter.finish(last));
    Ok(ReplayReport {
        schema: Some(shadow.schema.clone()),
        projections: shadow.projections.iter().map(|p| p.name()).collect(),
        events: meter.done(),
        events_in_swap,
        elapsed: started.elapsed(),
    })
}

/// Rebuilds into a scratch schema and compares it with the live tables, changing nothing
/// live. The scratch copy is built up to what the live projector has applied; the comparison
/// itself runs with the live projector held off these projections (briefly: the API keeps
/// serving, only projection waits), so both sides stand at the same events.
pub async fn verify(
    pool: &PgPool,
    projections: &[Arc<dyn Projection>],
) -> anyhow::Result<Vec<Difference>> {
    let schema = new_schema("replay_verify");
    let shadow = Shadow::create(pool, projections, &schema).await?;
    let result = compare_with_live(pool, &shadow).await;
    Shadow::discard(pool, &schema).await?;
    result
}

async fn compare_with_live(pool: &PgPool, shadow: &Shadow) -> anyhow::Result<Vec<Difference>> {
    shadow.catch_up(pool, true, |_, _| {}).await?;
    let mut tx = pool.begin().await?;
    lock_projections(&mut tx, shadow.projections.iter().map(|p| p.name())).await?;
    let horizon = batch::horizon(&mut tx).await?;
    shadow.enter(&mut tx).await?;
    for projection in &shadow.projections {
        let until = shadow::live_checkpoint(&mut tx, projection.name()).await?;
        while shadow
            .step(&mut tx, projection.as_ref(), horizon, Some(until))
            .await? as i64
            == BATCH_SIZE
        {}
    }
    settle::settle(&mut tx, shadow).await?;
    let mut differences = vec![];
    for table in shadow.tables() {
        differences.extend(compare::compare(&mut tx, &shadow.schema, table).await?);
    }
    // The scratch schema goes anyway; nothing live was written.
    tx.rollback().await?;
    Ok(differences)
}

/// Holds the live projector off these projections until the transaction ends (the lock its
/// batches take), in name order so that two holders never wait on each other crosswise.
pub(crate) async fn lock_projections<'a>(
    conn: &mut PgConnection,
    names: impl Iterator<Item = &'a str>,
) -> anyhow::Result<()> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('europass.projector.' || $1))")
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Names that go into SQL unquoted: schemas and tables, lower case, no surprises.
pub(crate) fn identifier(name: &str) -> anyhow::Result<&str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    anyhow::ensure!(ok, "{name:?} is not a plain SQL identifier");
    Ok(name)
}

fn new_schema(prefix: &str) -> String {
    format!(
        "{prefix}_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}
