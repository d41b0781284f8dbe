//! The `document_views` query table: each document as the domain folds it from its events,
//! with the columns the API filters on (holder, host and participant e-mails) and its missing
//! mandatory fields. The projection adds no rules of its own: it stores the domain's fold.

use crate::event::StoredEvent;
use crate::projector::Projection;
use anyhow::Context;
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::document::{Document, DocumentEvent};
use futures::future::BoxFuture;
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct DocumentsProjection;

/// The machine-readable and labelled list of missing mandatory fields.
pub fn missing_fields_json(document: &Document) -> Value {
    Value::Array(
        document
            .missing_fields()
            .iter()
            .map(|m| {
                json!({
                    "section": m.section.as_str(),
                    "field": m.field,
                    "path": m.path(),
                    "labelEn": m.label.en,
                    "labelLv": m.label.lv,
                    "sectionLabelEn": m.section_label.en,
                    "sectionLabelLv": m.section_label.lv,
                })
            })
            .collect(),
    )
}

impl Projection for DocumentsProjection {
    fn name(&self) -> &'static str {
        "documents"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["document"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["document_views"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let id = event.aggregate_uuid()?;
            let payload: DocumentEvent = event.decode()?;
            let stored: Option<Value> =
                sqlx::query_scalar("SELECT state FROM document_views WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let mut document: Document = match stored {
                Some(state) => serde_json::from_value(state).context("document state")?,
                None => Document::default(),
            };
            document.apply(payload);
            write(conn, id, &document, event.at(), event.sequence).await
        })
    }
}

async fn write(
    conn: &mut PgConnection,
    id: Uuid,
    document: &Document,
    at: DateTime<Utc>,
    version: i64,
) -> anyhow::Result<()> {
    let (Some(mobility_id), Some(institution_id), Some(number)) = (
        document.mobility_id(),
        document.institution_id(),
        document.europass_number(),
    ) else {
        anyhow::bail!("document {id} has events before its creation");
    };
    sqlx::query(
        "INSERT INTO document_views (id, mobility_id, institution_id, europass_number, language,
             holder_name, host_email, participant_email, participant_locked_from, missing_fields,
             state, certificates, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET language = $5, holder_name = $6, host_email = $7,
             participant_email = $8, participant_locked_from = $9, missing_fields = $10,
             state = $11, certificates = $12, updated_at = $13, version = $14",
    )
    .bind(id)
    .bind(mobility_id)
    .bind(institution_id)
    .bind(number.to_string())
    .bind(document.language().as_str())
    .bind(document.personal_data().holder_name())
    .bind(document.host_email().map(|e| e.to_string()))
    .bind(document.participant_email().map(|e| e.to_string()))
    .bind(document.participant_locked_from())
    .bind(missing_fields_json(document))
    .bind(serde_json::to_value(document)?)
    .bind(document.issued_certificates().len() as i32)
    .bind(at)
    .bind(version)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DocumentViewRow {
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub institution_id: Uuid,
    pub europass_number: String,
    pub language: String,
    pub holder_name: Option<String>,
    pub host_email: Option<String>,
    pub participant_email: Option<String>,
    pub participant_locked_from: Option<DateTime<Utc>>,
    pub missing_fields: Value,
    pub state: Value,
    pub certificates: i32,
    pub updated_at: DateTime<Utc>,
}

impl DocumentViewRow {
    /// The folded document.
    pub fn document(&self) -> anyhow::Result<Document> {
        serde_json::from_value(self.state.clone()).context("document state")
    }
}

const COLUMNS: &str = "id, mobility_id, institution_id, europass_number, language, holder_name,
    host_email, participant_email, participant_locked_from, missing_fields, state, certificates,
    updated_at";

pub async fn find(pool: &PgPool, id: Uuid) -> anyhow::Result<Option<DocumentViewRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM document_views WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// Documents whose host or participant e-mail is `email` (R-HOST, R-PART scopes).
pub async fn for_email(
    pool: &PgPool,
    column_is_host: bool,
    email: &str,
) -> anyhow::Result<Vec<DocumentViewRow>> {
    let column = if column_is_host {
        "host_email"
    } else {
        "participant_email"
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM document_views WHERE {column} = $1 ORDER BY europass_number"
    ))
    .bind(email)
    .fetch_all(pool)
    .await?)
}
