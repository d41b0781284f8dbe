//! The `mobilities` and `documents` query tables: requests, decisions, the NEC's queue and the
//! documents with their Europass numbers.

use crate::projector::Projection;
use chrono::{DateTime, NaiveDate, Utc};
use domain::mobility::{IssuedDocument, MobilityEvent};
use eventstore::stored_event::StoredEvent;
use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct MobilitiesProjection;

async fn insert_documents(
    conn: &mut PgConnection,
    mobility_id: Uuid,
    documents: &[IssuedDocument],
    event: &StoredEvent,
) -> anyhow::Result<()> {
    for (ordinal, doc) in documents.iter().enumerate() {
        sqlx::query(
            "INSERT INTO documents (id, mobility_id, institution_id, europass_number, is_try_out,
                                    created_at, created_position, ordinal)
             SELECT $1, m.id, m.institution_id, $2, m.is_try_out, $3, $4, $5
               FROM mobilities m WHERE m.id = $6
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(doc.document_id)
        .bind(doc.europass_number.to_string())
        .bind(event.at())
        .bind(event.global_position)
        .bind(ordinal as i32)
        .bind(mobility_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn decided(
    conn: &mut PgConnection,
    id: Uuid,
    status: Option<&str>,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE mobilities SET status = COALESCE($2, status), rejection_reason = COALESCE($3, rejection_reason),
                decided_at = $4, pending_documents = 0, pending_since = NULL
          WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(reason)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

impl Projection for MobilitiesProjection {
    fn name(&self) -> &'static str {
        "mobilities"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["mobility"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["mobilities", "documents"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let id = event.aggregate_uuid()?;
            let at = event.at();
            match event.decode::<MobilityEvent>()? {
                MobilityEvent::MobilityRequested {
                    institution_id,
                    participants,
                    folders_by_post,
                    start,
                    end,
                    issuer,
                    issuer_label,
                    details,
                    reference_version,
                } => {
                    let programme = details.programme();
                    sqlx::query(
                        "INSERT INTO mobilities (id, institution_id, status, issuer_code, issuer_label_en,
                             issuer_label_lv, is_try_out, procedure, programme_code, programme_label_en,
                             programme_label_lv, project_number, description, participants, folders_by_post,
                             start_date, end_date, reference_version, requested_at, pending_documents,
                             pending_since, created_position)
                         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                                 $15, $16, $17, $18, $13, $18, $19)
                         ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(id)
                    .bind(institution_id)
                    .bind(issuer.code())
                    .bind(&issuer_label.en)
                    .bind(&issuer_label.lv)
                    .bind(issuer.is_try_out())
                    .bind(details.procedure().as_str())
                    .bind(programme.map(|p| p.code.clone()))
                    .bind(programme.map(|p| p.label.en.clone()))
                    .bind(programme.map(|p| p.label.lv.clone()))
                    .bind(details.project_number().map(|n| n.to_string()))
                    .bind(details.description().map(|d| d.to_string()))
                    .bind(participants as i32)
                    .bind(folders_by_post)
                    .bind(start)
                    .bind(end)
                    .bind(reference_version)
                    .bind(at)
                    .bind(event.global_position)
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                }
                MobilityEvent::MobilityApproved { documents } => {
                    decided(conn, id, Some("approved"), None, at).await?;
                    insert_documents(conn, id, &documents, event).await
                }
                MobilityEvent::MobilityRejected { reason } => {
                    decided(conn, id, Some("rejected"), Some(reason.as_str()), at).await
                }
                MobilityEvent::MoreDocumentsRequested { additional } => {
                    sqlx::query(
                        "UPDATE mobilities SET participants = participants + $2,
                                pending_documents = pending_documents + $2,
                                pending_since = COALESCE(pending_since, $3)
                          WHERE id = $1",
                    )
                    .bind(id)
                    .bind(additional as i32)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                }
                MobilityEvent::MoreDocumentsApproved { documents } => {
                    decided(conn, id, None, None, at).await?;
                    insert_documents(conn, id, &documents, event).await
                }
                MobilityEvent::MoreDocumentsRejected { additional, reason } => {
                    sqlx::query(
                        "UPDATE mobilities SET participants = participants - $2 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(additional as i32)
                    .execute(&mut *conn)
                    .await?;
                    decided(conn, id, None, Some(reason.as_str()), at).await
                }
            }
        })
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MobilityRow {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub status: String,
    pub issuer_code: String,
    pub issuer_label_en: String,
    pub issuer_label_lv: String,
    pub is_try_out: bool,
    pub procedure: String,
    pub programme_code: Option<String>,
    pub programme_label_en: Option<String>,
    pub programme_label_lv: Option<String>,
    pub project_number: Option<String>,
    pub description: Option<String>,
    pub participants: i32,
    pub folders_by_post: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub reference_version: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub pending_documents: i32,
    pub pending_since: Option<DateTime<Utc>>,
    pub created_position: i64,
}

const COLUMNS: &str = "id, institution_id, status, issuer_code, issuer_label_en, issuer_label_lv,
    is_try_out, procedure, programme_code, programme_label_en, programme_label_lv, project_number,
    description, participants, folders_by_post, start_date, end_date, reference_version,
    requested_at, decided_at, rejection_reason, pending_documents, pending_since, created_position";

pub async fn find(pool: &PgPool, id: Uuid) -> anyhow::Result<Option<MobilityRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM mobilities WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// An institution's mobilities, newest first; `before` is the position of the last one seen.
pub async fn of_institution(
    pool: &PgPool,
    institution_id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> anyhow::Result<Vec<MobilityRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mobilities
          WHERE institution_id = $1 AND created_position < $2
          ORDER BY created_position DESC LIMIT $3"
    ))
    .bind(institution_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The NEC's queue: everything waiting for a decision, oldest first. `after` is the
/// (pending_since, id) of the last item seen; `overdue_before` keeps only items waiting since
/// before that moment.
pub async fn queue(
    pool: &PgPool,
    after: Option<(DateTime<Utc>, Uuid)>,
    overdue_before: Option<DateTime<Utc>>,
    issuer_code: Option<&str>,
    limit: i64,
) -> anyhow::Result<(Vec<MobilityRow>, i64)> {
    let (after_at, after_id) = after.unwrap_or((DateTime::<Utc>::UNIX_EPOCH, Uuid::nil()));
    let filter = "pending_documents > 0 AND NOT is_try_out
          AND ($1::timestamptz IS NULL OR pending_since <= $1)
          AND ($2::text IS NULL OR issuer_code = $2)";
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mobilities
          WHERE {filter} AND (pending_since, id) > ($3, $4)
          ORDER BY pending_since, id LIMIT $5"
    ))
    .bind(overdue_before)
    .bind(issuer_code)
    .bind(after_at)
    .bind(after_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM mobilities WHERE {filter}"))
        .bind(overdue_before)
        .bind(issuer_code)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub institution_id: Uuid,
    pub europass_number: String,
    pub is_try_out: bool,
    pub created_at: DateTime<Utc>,
    pub created_position: i64,
    pub ordinal: i32,
    pub holder_name: Option<String>,
    /// Mandatory fields still empty (null until the document's projection has it).
    pub missing_count: Option<i32>,
    /// Their paths (`personalData.surname`, …), in the certificate's order.
    pub missing_paths: Option<sqlx::types::Json<Vec<String>>>,
}

/// A mobility's documents in the order they were created; `after` is (position, ordinal).
pub async fn documents_of(
    pool: &PgPool,
    mobility_id: Uuid,
    after: Option<(i64, i32)>,
    limit: i64,
) -> anyhow::Result<(Vec<DocumentRow>, i64)> {
    let (position, ordinal) = after.unwrap_or((-1, -1));
    let rows = sqlx::query_as(
        "SELECT d.id, d.mobility_id, d.institution_id, d.europass_number, d.is_try_out,
                d.created_at, d.created_position, d.ordinal, v.holder_name,
                jsonb_array_length(v.missing_fields) AS missing_count,
                v.missing_fields AS missing_paths
           FROM documents d LEFT JOIN document_views v ON v.id = d.id
          WHERE d.mobility_id = $1 AND (d.created_position, d.ordinal) > ($2, $3)
          ORDER BY d.created_position, d.ordinal LIMIT $4",
    )
    .bind(mobility_id)
    .bind(position)
    .bind(ordinal)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar("SELECT count(*) FROM documents WHERE mobility_id = $1")
        .bind(mobility_id)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}
