//! Jobs that cross the write side and the read side, wired here because `api` is the one
//! crate that knows both.

use eventstore::purge::{self, AlsoPurged, PurgeReport};

/// R-TRYOUT: purges expired Try Out data from the event store, the command side's tables and
/// the query tables, in one transaction per mobility.
pub async fn purge_tryout(
    pool: &sqlx::PgPool,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<PurgeReport> {
    let owners: [&dyn AlsoPurged; 2] = [
        &commands::tryout_purge::CommandRows,
        &projections::purge::QueryRows,
    ];
    purge::purge_expired(pool, now, &owners).await
}
