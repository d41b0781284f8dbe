//! R-TRYOUT: everything a Try Out mobility produced is deleted for real after 24 hours. This
//! is the one place that deletes from the append-only event store, and it says so explicitly
//! to the database (`europass.purge`).
//!
//! The event store deletes the events of the mobility and of its documents, their keys and
//! their snapshots; every other owner of rows about them (the command side's files and
//! receipts, the read side's query tables) deletes its own through [`AlsoPurged`], inside the
//! same transaction: all of it goes, or none.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// R-TRYOUT: Try Out data lives this long.
pub const TRY_OUT_LIFETIME: Duration = Duration::hours(24);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub mobilities: usize,
    pub events: u64,
}

/// A Try Out mobility being purged, and the documents it approved.
#[derive(Debug)]
pub struct Purged {
    pub mobility: Uuid,
    pub documents: Vec<Uuid>,
}

/// An owner of rows about purged aggregates, deleting them inside the purge's transaction.
pub trait AlsoPurged: Send + Sync {
    fn purge<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        purged: &'a Purged,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// Purges every Try Out mobility requested more than [`TRY_OUT_LIFETIME`] before `now`.
#[tracing::instrument(name = "purge_tryout", skip(pool, owners))]
pub async fn purge_expired(
    pool: &PgPool,
    now: DateTime<Utc>,
    owners: &[&dyn AlsoPurged],
) -> anyhow::Result<PurgeReport> {
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
        report.events += purge_mobility(pool, &mobility_id, owners).await?;
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

async fn purge_mobility(
    pool: &PgPool,
    mobility_id: &str,
    owners: &[&dyn AlsoPurged],
) -> anyhow::Result<u64> {
    let mobility = Uuid::parse_str(mobility_id).context("mobility id")?;
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
    let purged = Purged {
        mobility,
        documents: documents
            .iter()
            .filter_map(|d| Uuid::parse_str(d).ok())
            .collect(),
    };
    for owner in owners {
        owner.purge(&mut tx, &purged).await?;
    }
    tx.commit().await?;
    Ok(events)
}
