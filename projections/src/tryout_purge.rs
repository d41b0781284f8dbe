//! R-TRYOUT: everything a Try Out mobility produced is deleted for real after 24 hours: its
//! events (and those of its documents), their keys, and every query-table row. This is the
//! one place that deletes from the append-only event store, and it says so explicitly to the
//! database (`europass.purge`).

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// R-TRYOUT: Try Out data lives this long.
pub const TRY_OUT_LIFETIME: Duration = Duration::hours(24);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub mobilities: usize,
    pub events: u64,
}

/// Query tables keyed by a mobility id, and by a document id. Every new table that holds Try
/// Out data must be listed here (the purge test searches all tables for leftovers).
const BY_MOBILITY: &[&str] = &["document_views", "documents", "mobilities"];

#[tracing::instrument(name = "purge_tryout", skip(pool))]
pub async fn purge_expired(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<PurgeReport> {
    let cutoff = now - TRY_OUT_LIFETIME;
    // The source of truth is the event store, not a query table.
    let expired: Vec<(String, String)> = sqlx::query_as(
        "SELECT aggregate_id, metadata->>'at' FROM events
          WHERE aggregate_type = 'mobility' AND event_type = 'MobilityRequested'
            AND payload->'MobilityRequested'->'issuer'->>'kind' = 'try_out'",
    )
    .fetch_all(pool)
    .await
    .context("finding Try Out mobilities")?;
    let mut report = PurgeReport::default();
    for (mobility_id, at) in expired {
        let requested = DateTime::parse_from_rfc3339(&at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        if requested > cutoff {
            continue;
        }
        report.events += purge_mobility(pool, &mobility_id).await?;
        report.mobilities += 1;
    }
    if report.mobilities > 0 {
        tracing::info!(
            mobilities = report.mobilities,
            events = report.events,
            "Try Out data purged"
        );
    }
    Ok(report)
}

async fn purge_mobility(pool: &PgPool, mobility_id: &str) -> anyhow::Result<u64> {
    let id = Uuid::parse_str(mobility_id).context("mobility id")?;
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL europass.purge = 'on'")
        .execute(&mut *tx)
        .await?;
    // Documents are named in the mobility's approval events.
    let documents: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT d->>'document_id'
           FROM events e,
                json_array_elements(COALESCE(e.payload->'MobilityApproved'->'documents',
                                             e.payload->'MoreDocumentsApproved'->'documents')) d
          WHERE e.aggregate_type = 'mobility' AND e.aggregate_id = $1
            AND e.event_type IN ('MobilityApproved', 'MoreDocumentsApproved')",
    )
    .bind(mobility_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut aggregates = vec![("mobility".to_string(), mobility_id.to_string())];
    aggregates.extend(
        documents
            .iter()
            .map(|d| ("document".to_string(), d.clone())),
    );
    let mut events = 0;
    for (aggregate_type, aggregate_id) in &aggregates {
        events += sqlx::query("DELETE FROM events WHERE aggregate_type = $1 AND aggregate_id = $2")
            .bind(aggregate_type)
            .bind(aggregate_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
            .bind(format!("{aggregate_type}/{aggregate_id}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM aggregate_snapshots WHERE aggregate_type = $1 AND aggregate_id = $2",
        )
        .bind(aggregate_type)
        .bind(aggregate_id)
        .execute(&mut *tx)
        .await?;
    }
    // Files (photos, PDFs) named only by these documents, and rows keyed by a document.
    let shas: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT m[1] FROM document_views v,
                regexp_matches(v.state::text, '([0-9a-f]{64})', 'g') AS m
          WHERE v.mobility_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    // These documents let their files go (see `commands::blobs`); a file another holder
    // still uses stays.
    let holders: Vec<String> = documents.iter().map(|d| format!("document/{d}")).collect();
    let held: Vec<String> =
        sqlx::query_scalar("DELETE FROM blob_references WHERE holder = ANY($1) RETURNING sha256")
            .bind(&holders)
            .fetch_all(&mut *tx)
            .await?;
    let mut shas = shas;
    shas.extend(held);
    shas.sort();
    shas.dedup();
    for sha in &shas {
        sqlx::query(
            "DELETE FROM blobs WHERE sha256 = $1
                AND NOT EXISTS (SELECT 1 FROM blob_references r WHERE r.sha256 = $1)
                AND NOT EXISTS (
                 SELECT 1 FROM document_views v
                  WHERE v.mobility_id <> $2 AND v.state::text LIKE '%' || $1 || '%')",
        )
        .bind(sha)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    for document in &documents {
        let Ok(document) = Uuid::parse_str(document) else {
            continue;
        };
        sqlx::query("DELETE FROM document_files WHERE document_id = $1")
            .bind(document)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM notifications WHERE document_id = $1")
            .bind(document)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM copy_operations WHERE source_document = $1")
            .bind(document)
            .execute(&mut *tx)
            .await?;
    }
    for table in BY_MOBILITY {
        let column = if *table == "mobilities" {
            "id"
        } else {
            "mobility_id"
        };
        sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(events)
}
