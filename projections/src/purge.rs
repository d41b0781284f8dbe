//! R-TRYOUT on the read side: the query-table rows of a purged Try Out mobility and of its
//! documents, deleted inside the event store's purge transaction (`eventstore::purge`).

use eventstore::purge::{AlsoPurged, Purged};
use futures::future::BoxFuture;
use sqlx::PgConnection;

/// Query tables keyed by a mobility id. Every new table that holds Try Out data must be
/// listed here or below (the purge test searches all tables for leftovers).
const BY_MOBILITY: &[&str] = &["document_views", "documents", "mobilities"];

/// The read side's share of a purge.
pub struct QueryRows;

impl AlsoPurged for QueryRows {
    fn purge<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        purged: &'a Purged,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            sqlx::query("DELETE FROM document_files WHERE document_id = ANY($1)")
                .bind(&purged.documents)
                .execute(&mut *tx)
                .await?;
            for table in BY_MOBILITY {
                let column = if *table == "mobilities" {
                    "id"
                } else {
                    "mobility_id"
                };
                sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
                    .bind(purged.mobility)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        })
    }
}
