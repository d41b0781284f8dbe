//! Two things change query tables outside the projector, and a rebuild that ran while they
//! happened must repeat them on its copies before they go live (else the swap would bring
//! back what they removed):
//! - erasure deletes a subject's key and scrubs plain copies: rows built from values that were
//!   decrypted with a key that is gone now are built again, reading the values as erased;
//! - the Try Out purge deletes events and rows: rows of aggregates without events go.

use super::aggregate::{key_column, reproject};
use super::shadow::Shadow;
use eventstore::unseal::Unsealer;
use sqlx::PgConnection;

/// Runs in the caller's transaction with the search path on the shadow schema.
pub async fn settle(conn: &mut PgConnection, shadow: &Shadow) -> anyhow::Result<()> {
    let schema = &shadow.schema;
    let stale: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT subject FROM {schema}.replay_used_keys u
          WHERE u.key_id IS NULL
             OR NOT EXISTS (SELECT 1 FROM public.subject_keys k
                             WHERE k.subject = u.subject AND k.key_id = u.key_id)"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut unsealer = Unsealer::default();
    for subject in &stale {
        let Some((aggregate_type, aggregate_id)) = subject.split_once('/') else {
            continue;
        };
        for projection in &shadow.projections {
            if projection.aggregate_types().contains(&aggregate_type) {
                let until = shadow.checkpoint(conn, projection.name()).await?;
                reproject(
                    conn,
                    projection.as_ref(),
                    aggregate_type,
                    aggregate_id,
                    until,
                    &mut unsealer,
                )
                .await?;
            }
        }
    }
    if !stale.is_empty() {
        sqlx::query(&format!(
            "DELETE FROM {schema}.replay_used_keys WHERE subject = ANY($1)"
        ))
        .bind(&stale)
        .execute(&mut *conn)
        .await?;
        shadow.note_keys(conn, &unsealer).await?;
    }
    for projection in &shadow.projections {
        // Rows name one aggregate type only when the projection reads one.
        let [aggregate_type] = projection.aggregate_types() else {
            continue;
        };
        for table in projection.tables() {
            let key = key_column(conn, table, aggregate_type).await?;
            sqlx::query(&format!(
                "DELETE FROM {table} t WHERE NOT EXISTS (
                     SELECT 1 FROM public.events e
                      WHERE e.aggregate_type = $1 AND e.aggregate_id = t.{key}::text)"
            ))
            .bind(aggregate_type)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
