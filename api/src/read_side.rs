//! The write side's read port (`commands::read_port`), answered by the projections' readers.

use commands::read_port::{HostedDocument, ReadPort};
use domain::values::Email;
use futures::future::BoxFuture;
use uuid::Uuid;

/// [`ReadPort`] over the query tables.
pub struct ProjectedReads {
    pool: sqlx::PgPool,
}

impl ProjectedReads {
    pub fn new(pool: sqlx::PgPool) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self { pool })
    }
}

impl ReadPort for ProjectedReads {
    fn documents_naming_host<'a>(
        &'a self,
        host: &'a Email,
        among: Option<&'a [Uuid]>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<HostedDocument>>> {
        Box::pin(async move {
            let rows =
                projections::documents::documents_naming_host(&self.pool, host.as_str(), among)
                    .await?;
            Ok(rows
                .into_iter()
                .map(
                    |(institution_id, document_id, europass_number)| HostedDocument {
                        institution_id,
                        document_id,
                        europass_number,
                    },
                )
                .collect())
        })
    }

    fn document_by_number<'a>(
        &'a self,
        number: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Uuid>>> {
        Box::pin(projections::documents::document_by_number(
            &self.pool, number,
        ))
    }

    fn documents_naming_file<'a>(
        &'a self,
        sha256: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<Uuid>>> {
        Box::pin(projections::documents::documents_naming_file(
            &self.pool, sha256,
        ))
    }
}
