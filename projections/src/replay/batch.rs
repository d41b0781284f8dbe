//! Reading events in the projector's order and applying them with a projection, inside a
//! transaction the caller owns. Events come in `(tx_id, global_position)` order and only from
//! transactions below a horizon (`pg_snapshot_xmin`), exactly as the live projector reads
//! them, so a rebuild sees the same sequence of events the live tables were built from.

use crate::projector::Projection;
use anyhow::Context;
use eventstore::stored_event::{StoredEvent, EVENT_COLUMNS};
use eventstore::unseal::Unsealer;
use futures::TryStreamExt;
use sqlx::PgConnection;

/// A place in the projector's order: `(transaction id, global position)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub tx: i64,
    pub position: i64,
}

/// Which events to read.
pub struct Window<'a> {
    pub types: &'a [&'static str],
    /// Strictly after this.
    pub after: Position,
    /// Up to and including this (e.g. what the live projector has applied), if bounded.
    pub until: Option<Position>,
    /// Only one aggregate's events.
    pub aggregate: Option<&'a str>,
    pub limit: i64,
}

/// The oldest transaction still running: everything below it is final. Must be read before
/// the transaction writes anything (it has no id of its own yet).
pub async fn horizon(conn: &mut PgConnection) -> anyhow::Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            .fetch_one(conn)
            .await?,
    )
}

/// Reads the window below `horizon`, opens each event and applies it. Returns how many were
/// applied and the position of the last one (`window.after` if none).
pub async fn apply_window(
    conn: &mut PgConnection,
    projection: &dyn Projection,
    unsealer: &mut Unsealer,
    horizon: i64,
    window: &Window<'_>,
) -> anyhow::Result<(usize, Position)> {
    let (events, last) = read_window(conn, unsealer, horizon, window).await?;
    projection
        .apply_batch(conn, &events)
        .await
        .with_context(|| format!("replaying {} up to {last:?}", projection.name()))?;
    Ok((events.len(), last))
}

/// Reads the window below `horizon` and opens each event (decrypted, upcast). Returns the
/// events and the position of the last one (`window.after` if none).
pub async fn read_window(
    conn: &mut PgConnection,
    unsealer: &mut Unsealer,
    horizon: i64,
    window: &Window<'_>,
) -> anyhow::Result<(Vec<StoredEvent>, Position)> {
    let until = window.until.unwrap_or(Position {
        tx: i64::MAX,
        position: i64::MAX,
    });
    let sql = format!(
        "SELECT {EVENT_COLUMNS}
           FROM public.events
          WHERE (tx_id, global_position) > ($1::text::xid8, $2)
            AND (tx_id, global_position) <= ($3::text::xid8, $4)
            AND tx_id < $5::text::xid8
            AND aggregate_type = ANY($6)
            AND ($7::text IS NULL OR aggregate_id = $7)
          ORDER BY tx_id, global_position
          LIMIT $8"
    );
    let mut rows = sqlx::query(&sql)
        .bind(window.after.tx.to_string())
        .bind(window.after.position)
        .bind(until.tx.to_string())
        .bind(until.position)
        .bind(horizon.to_string())
        .bind(window.types)
        .bind(window.aggregate)
        .bind(window.limit)
        // Streamed: rows are opened while the server is still sending the rest.
        .fetch(&mut *conn);
    let mut last = window.after;
    let mut events = Vec::with_capacity(window.limit.clamp(0, 100_000) as usize);
    while let Some(row) = rows.try_next().await? {
        let event = StoredEvent::from_row(&row)?;
        last = Position {
            tx: event.tx,
            position: event.global_position,
        };
        events.push(event);
    }
    drop(rows);
    unsealer.preload(conn, &events).await?;
    for event in &mut events {
        unsealer.open(conn, event).await?;
    }
    Ok((events, last))
}
