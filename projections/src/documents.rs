//! The `document_views` query table: each document as the domain folds it from its events,
//! with the columns the API filters on (holder, host and participant e-mails) and its missing
//! mandatory fields. The projection adds no rules of its own: it stores the domain's fold.

mod fold;

use crate::event::StoredEvent;
use crate::projector::Projection;
use crate::rebuild_fold::RebuildFold;
use anyhow::Context;
use chrono::{DateTime, Utc};
use domain::document::Document;
use fold::DocumentsFold;
use futures::future::BoxFuture;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct DocumentsProjection;

/// The paths of the missing mandatory fields (`["personalData.surname", …]`), for filters
/// and counts in SQL (`jsonb_array_length`). Labels are not stored: the API takes them from
/// the domain with the document, and PostgreSQL parses every stored row's JSON (the labelled
/// list was most of a rebuild's writing time).
pub fn missing_fields_json(document: &Document) -> Value {
    Value::Array(
        document
            .missing_fields()
            .iter()
            .map(|m| Value::String(m.path()))
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
        &["document_views", "document_files"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        self.apply_batch(conn, std::slice::from_ref(event))
    }

    /// Folds the batch in memory: each document's row is read once and written once, in two
    /// statements for the whole batch (replay and busy periods apply hundreds at a time).
    fn apply_batch<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        events: &'a [StoredEvent],
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let mut fold = DocumentsFold::default();
            fold.fold(conn, events).await?;
            if let Some(rows) = fold.take_write(usize::MAX)? {
                rows.execute(conn).await?;
            }
            Ok(())
        })
    }

    fn rebuild_fold(&self) -> Option<Box<dyn RebuildFold>> {
        Some(Box::<DocumentsFold>::default())
    }
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
