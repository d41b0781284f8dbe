//! Events as support staff read them (R-REPLAY: `europass events`): one JSON object per
//! event, personal data decrypted (erased values show as `{"pii_erased": true}`), version and
//! payload as stored, so what is printed is what the store holds.

use eventstore::unseal::Unsealer;
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgPool, Row};

#[derive(Clone, Debug, Serialize)]
pub struct EventLine {
    pub global_position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
}

const COLUMNS: &str = "global_position, aggregate_type, aggregate_id, sequence, event_type,
                       event_version, payload, metadata";

/// Every event of one aggregate (of any type with that id), oldest first.
pub async fn events_of(pool: &PgPool, aggregate_id: &str) -> anyhow::Result<Vec<EventLine>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE aggregate_id = $1 ORDER BY aggregate_type, sequence"
    );
    read(pool, sqlx::query(&sql).bind(aggregate_id)).await
}

/// The global stream after `position`, in position order, at most `limit` events. Positions
/// are taken when an event is written, not when it commits: an event of a transaction that
/// was still running may later appear below a position already read.
pub async fn events_since(
    pool: &PgPool,
    position: i64,
    limit: i64,
) -> anyhow::Result<Vec<EventLine>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE global_position > $1
          ORDER BY global_position LIMIT $2"
    );
    read(pool, sqlx::query(&sql).bind(position).bind(limit)).await
}

async fn read(
    pool: &PgPool,
    query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> anyhow::Result<Vec<EventLine>> {
    let mut conn = pool.acquire().await?;
    let rows = query.fetch_all(&mut *conn).await?;
    let mut unsealer = Unsealer::default();
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let mut line = EventLine {
            global_position: row.get("global_position"),
            aggregate_type: row.get("aggregate_type"),
            aggregate_id: row.get("aggregate_id"),
            sequence: row.get("sequence"),
            event_type: row.get("event_type"),
            event_version: row.get("event_version"),
            payload: row.get("payload"),
            metadata: row.get("metadata"),
        };
        unsealer
            .decrypt(
                &mut conn,
                &line.aggregate_type,
                &line.aggregate_id,
                &mut line.payload,
            )
            .await?;
        lines.push(line);
    }
    Ok(lines)
}
