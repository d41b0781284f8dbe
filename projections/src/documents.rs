//! The `document_views` query table: each document as the domain folds it from its events,
//! with the columns the API filters on (holder, host and participant e-mails) and its missing
//! mandatory fields. The projection adds no rules of its own: it stores the domain's fold.

mod fold;

use crate::projector::Projection;
use crate::rebuild_fold::RebuildFold;
use anyhow::Context;
use chrono::{DateTime, Utc};
use domain::document::Document;
use eventstore::stored_event::StoredEvent;
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

/// Documents whose host or participant e-mail is `email` (R-HOST, R-PART scopes), by Europass
/// number (then id): at most `limit` after the position `after` (a Europass number and id).
pub async fn for_email(
    pool: &PgPool,
    column_is_host: bool,
    email: &str,
    after: Option<(String, uuid::Uuid)>,
    limit: i64,
) -> anyhow::Result<Vec<DocumentViewRow>> {
    let column = if column_is_host {
        "host_email"
    } else {
        "participant_email"
    };
    let (after_number, after_id) = after.unzip();
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM document_views WHERE {column} = $1
            AND ($2::text IS NULL OR (europass_number, id) > ($2, $3))
          ORDER BY europass_number, id LIMIT $4"
    ))
    .bind(email)
    .bind(after_number)
    .bind(after_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// For each institution with a document that names `host` (among `among`, when given): one
/// such document, the lowest Europass number first (the write side's read port asks this).
pub async fn documents_naming_host(
    pool: &PgPool,
    host: &str,
    among: Option<&[uuid::Uuid]>,
) -> anyhow::Result<Vec<(uuid::Uuid, uuid::Uuid, String)>> {
    sqlx::query_as(
        "SELECT DISTINCT ON (institution_id) institution_id, id, europass_number
           FROM document_views WHERE host_email = $1 AND ($2::uuid[] IS NULL OR id = ANY($2))
          ORDER BY institution_id, europass_number",
    )
    .bind(host)
    .bind(among)
    .fetch_all(pool)
    .await
    .context("documents naming a host")
}

/// The document with a Europass number, if any (the public verification asks this).
pub async fn document_by_number(pool: &PgPool, number: &str) -> anyhow::Result<Option<uuid::Uuid>> {
    sqlx::query_scalar("SELECT id FROM documents WHERE europass_number = $1")
        .bind(number)
        .fetch_optional(pool)
        .await
        .context("the document with a Europass number")
}

/// The documents whose state names the file `sha256` (the public verification of a PDF).
pub async fn documents_naming_file(pool: &PgPool, sha256: &str) -> anyhow::Result<Vec<uuid::Uuid>> {
    sqlx::query_scalar("SELECT document_id FROM document_files WHERE sha256 = $1")
        .bind(sha256)
        .fetch_all(pool)
        .await
        .context("the documents naming a file")
}

/// The complete documents of a mobility, by Europass number (the certificates' archive).
pub async fn complete_documents_of(
    pool: &PgPool,
    mobility: uuid::Uuid,
) -> anyhow::Result<Vec<uuid::Uuid>> {
    sqlx::query_scalar(
        "SELECT id FROM document_views WHERE mobility_id = $1
           AND jsonb_array_length(missing_fields) = 0 ORDER BY europass_number",
    )
    .bind(mobility)
    .fetch_all(pool)
    .await
    .context("complete documents of a mobility")
}

/// NEC's search of documents: each given criterion narrows it (parts of words, any case).
/// Found documents are ordered by Europass number (then id); a page is at most `limit` of
/// them strictly between the positions `after` and `before` (a Europass number and id), from
/// the start, or from the end when `backward` (then in descending order).
pub struct DocumentSearch {
    pub europass_number: Option<String>,
    pub institution: Option<String>,
    pub holder_name: Option<String>,
    pub complete: Option<bool>,
    pub after: Option<(String, uuid::Uuid)>,
    pub before: Option<(String, uuid::Uuid)>,
    pub backward: bool,
    pub limit: i64,
}

/// A document found: id, Europass number, holder, institution name, mobility, how many
/// fields are missing, how many certificates were issued.
pub type DocumentHitRow = (
    uuid::Uuid,
    String,
    Option<String>,
    String,
    uuid::Uuid,
    i32,
    i32,
);

pub async fn search(pool: &PgPool, search: DocumentSearch) -> anyhow::Result<Vec<DocumentHitRow>> {
    let like = |v: Option<String>| v.map(|s| format!("%{}%", s.trim().to_lowercase()));
    let order = if search.backward {
        "v.europass_number DESC, v.id DESC"
    } else {
        "v.europass_number, v.id"
    };
    let (after_number, after_id) = search.after.unzip();
    let (before_number, before_id) = search.before.unzip();
    sqlx::query_as(&format!(
        "SELECT v.id, v.europass_number, v.holder_name, i.name, v.mobility_id,
                jsonb_array_length(v.missing_fields), v.certificates
           FROM document_views v JOIN institutions i ON i.id = v.institution_id
          WHERE ($1::text IS NULL OR upper(v.europass_number) LIKE upper($1))
            AND ($2::text IS NULL OR lower(i.name) LIKE $2)
            AND ($3::text IS NULL OR lower(v.holder_name) LIKE $3)
            AND ($4::boolean IS NULL OR (jsonb_array_length(v.missing_fields) = 0) = $4)
            AND ($6::text IS NULL OR (v.europass_number, v.id) > ($6, $7))
            AND ($8::text IS NULL OR (v.europass_number, v.id) < ($8, $9))
          ORDER BY {order} LIMIT $5"
    ))
    .bind(search.europass_number.map(|n| format!("%{}%", n.trim())))
    .bind(like(search.institution))
    .bind(like(search.holder_name))
    .bind(search.complete)
    .bind(search.limit)
    .bind(after_number)
    .bind(after_id)
    .bind(before_number)
    .bind(before_id)
    .fetch_all(pool)
    .await
    .context("searching documents")
}
