//! Rebuilding one aggregate's rows: delete them and apply the aggregate's events again, in the
//! caller's transaction. Table names are unqualified, so the same code repairs the live tables
//! (`--aggregate`) and the shadow copies (the search path points there during a rebuild).

use super::batch::{self, Position, Window};
use super::shadow::live_checkpoint;
use super::{identifier, lock_projections, ReplayReport};
use crate::projector::Projection;
use eventstore::unseal::Unsealer;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Instant;

/// The column of `table` that holds the id of an `aggregate_type` aggregate: its
/// `<aggregate_type>_id` column if it has one, else `id` (see `Projection::tables`).
pub async fn key_column(
    conn: &mut PgConnection,
    table: &str,
    aggregate_type: &str,
) -> anyhow::Result<String> {
    let named = format!("{aggregate_type}_id");
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT attname::text FROM pg_attribute
          WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    if columns.contains(&named) {
        return Ok(named);
    }
    anyhow::ensure!(
        columns.iter().any(|c| c == "id"),
        "table {table} has neither {named} nor id: cannot find a {aggregate_type}'s rows"
    );
    Ok("id".to_string())
}

/// Deletes the aggregate's rows from the projection's tables and applies its events up to
/// `until` (what the projection's checkpoint covers: later events are applied by whoever
/// moves that checkpoint). Returns the number of events applied.
pub async fn reproject(
    conn: &mut PgConnection,
    projection: &dyn Projection,
    aggregate_type: &str,
    aggregate_id: &str,
    until: Position,
    unsealer: &mut Unsealer,
) -> anyhow::Result<usize> {
    for table in projection.tables() {
        let key = key_column(conn, table, aggregate_type).await?;
        sqlx::query(&format!("DELETE FROM {table} WHERE {key}::text = $1"))
            .bind(aggregate_id)
            .execute(&mut *conn)
            .await?;
    }
    let types = [projection_type(projection, aggregate_type)?];
    let window = Window {
        types: &types,
        after: Position::default(),
        until: Some(until),
        aggregate: Some(aggregate_id),
        limit: i64::MAX,
    };
    // Everything up to a checkpoint is final, so no horizon bounds this read.
    let (applied, _) = batch::apply_window(conn, projection, unsealer, i64::MAX, &window).await?;
    Ok(applied)
}

/// The projection's own `&'static` name of the type (the window wants static strings).
fn projection_type(
    projection: &dyn Projection,
    aggregate_type: &str,
) -> anyhow::Result<&'static str> {
    projection
        .aggregate_types()
        .iter()
        .copied()
        .find(|t| *t == aggregate_type)
        .ok_or_else(|| anyhow::anyhow!("{} does not read {aggregate_type}", projection.name()))
}

/// `europass replay --aggregate ID`: repairs one aggregate's rows in the live tables, in one
/// transaction, up to each projection's live checkpoint (checkpoints are not touched).
pub async fn rebuild_live(
    pool: &PgPool,
    projections: &[Arc<dyn Projection>],
    aggregate_id: &str,
) -> anyhow::Result<ReplayReport> {
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let types: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT aggregate_type FROM events WHERE aggregate_id = $1 ORDER BY 1",
    )
    .bind(aggregate_id)
    .fetch_all(&mut *tx)
    .await?;
    anyhow::ensure!(!types.is_empty(), "no events for aggregate {aggregate_id}");
    let involved: Vec<&Arc<dyn Projection>> = projections
        .iter()
        .filter(|p| {
            types
                .iter()
                .any(|t| p.aggregate_types().contains(&t.as_str()))
        })
        .collect();
    anyhow::ensure!(
        !involved.is_empty(),
        "no selected projection reads {} events",
        types.join("/")
    );
    for projection in &involved {
        anyhow::ensure!(
            !projection.tables().is_empty(),
            "projection {} does not declare its tables",
            projection.name()
        );
        projection
            .tables()
            .iter()
            .try_for_each(|t| identifier(t).map(drop))?;
    }
    // Holds the live projector off these projections while their rows are replaced.
    lock_projections(&mut tx, involved.iter().map(|p| p.name())).await?;
    let mut unsealer = Unsealer::default();
    let mut events = 0;
    for projection in &involved {
        let until = live_checkpoint(&mut tx, projection.name()).await?;
        for aggregate_type in types
            .iter()
            .filter(|t| projection.aggregate_types().contains(&t.as_str()))
        {
            events += reproject(
                &mut tx,
                projection.as_ref(),
                aggregate_type,
                aggregate_id,
                until,
                &mut unsealer,
            )
            .await? as u64;
        }
    }
    tx.commit().await?;
    Ok(ReplayReport {
        schema: None,
        projections: involved.iter().map(|p| p.name()).collect(),
        events,
        events_in_swap: 0,
        elapsed: started.elapsed(),
    })
}
