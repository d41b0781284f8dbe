//! R-TRYOUT on the command side: the files, receipts and notifications of a purged Try Out
//! mobility's documents, deleted inside the event store's purge transaction
//! (`eventstore::purge`). A file another holder still uses stays (see [`crate::blobs`]).

use crate::blobs::{self, Holder};
use eventstore::purge::{AlsoPurged, Purged};
use futures::future::BoxFuture;
use sqlx::PgConnection;

/// The command side's share of a purge.
pub struct CommandRows;

impl AlsoPurged for CommandRows {
    fn purge<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        purged: &'a Purged,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            for document in &purged.documents {
                blobs::release_all(tx, Holder::Document(*document)).await?;
            }
            sqlx::query("DELETE FROM notifications WHERE document_id = ANY($1)")
                .bind(&purged.documents)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM copy_operations WHERE source_document = ANY($1)")
                .bind(&purged.documents)
                .execute(&mut *tx)
                .await?;
            Ok(())
        })
    }
}
