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
use std::collections::HashMap;
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
            let mut ids: Vec<Uuid> = vec![];
            let mut folded: HashMap<Uuid, Folded> = HashMap::new();
            for event in events {
                let id = event.aggregate_uuid()?;
                if let std::collections::hash_map::Entry::Vacant(slot) = folded.entry(id) {
                    slot.insert(Folded::default());
                    ids.push(id);
                }
            }
            let stored: Vec<(Uuid, Value)> =
                sqlx::query_as("SELECT id, state FROM document_views WHERE id = ANY($1)")
                    .bind(&ids)
                    .fetch_all(&mut *conn)
                    .await?;
            for (id, state) in stored {
                if let Some(entry) = folded.get_mut(&id) {
                    entry.document = serde_json::from_value(state).context("document state")?;
                }
            }
            for event in events {
                let id = event.aggregate_uuid()?;
                let payload: DocumentEvent = event.decode()?;
                let entry = folded.get_mut(&id).context("folded above")?;
                entry.document.apply(payload);
                entry.at = event.at();
                entry.version = event.sequence;
            }
            write(conn, &ids, &folded).await
        })
    }
}

/// One document after the batch, with the time and sequence of its last event in it.
#[derive(Default)]
struct Folded {
    document: Document,
    at: DateTime<Utc>,
    version: i64,
}

/// Upserts every folded document in one statement.
async fn write(
    conn: &mut PgConnection,
    ids: &[Uuid],
    folded: &HashMap<Uuid, Folded>,
) -> anyhow::Result<()> {
    let mut rows = Rows::default();
    let (mut file_shas, mut file_documents) = (vec![], vec![]);
    for id in ids {
        let Folded {
            document,
            at,
            version,
        } = &folded[id];
        let (Some(mobility_id), Some(institution_id), Some(number)) = (
            document.mobility_id(),
            document.institution_id(),
            document.europass_number(),
        ) else {
            anyhow::bail!("document {id} has events before its creation");
        };
        rows.id.push(*id);
        rows.mobility_id.push(mobility_id);
        rows.institution_id.push(institution_id);
        rows.number.push(number.to_string());
        rows.language.push(document.language().as_str().to_string());
        rows.holder_name
            .push(document.personal_data().holder_name());
        rows.host_email
            .push(document.host_email().map(|e| e.to_string()));
        rows.participant_email
            .push(document.participant_email().map(|e| e.to_string()));
        rows.locked_from.push(document.participant_locked_from());
        rows.missing.push(missing_fields_json(document).to_string());
        let state = serde_json::to_value(document)?;
        // The files the document names (photo, issued certificates), replaced with its row.
        let mut shas = vec![];
        file_hashes(&state, &mut shas);
        shas.sort();
        shas.dedup();
        for sha in shas {
            file_shas.push(sha);
            file_documents.push(*id);
        }
        rows.state.push(state.to_string());
        rows.certificates
            .push(document.issued_certificates().len() as i32);
        rows.at.push(*at);
        rows.version.push(*version);
    }
    // One statement: rows no longer named go, new ones come (existing ones stay untouched).
    sqlx::query(
        "WITH named (sha256, document_id) AS (SELECT * FROM UNNEST($2::text[], $3::uuid[])),
              gone AS (DELETE FROM document_files f
                        WHERE f.document_id = ANY($1)
                          AND NOT EXISTS (SELECT 1 FROM named n
                                           WHERE n.sha256 = f.sha256
                                             AND n.document_id = f.document_id))
         INSERT INTO document_files (sha256, document_id)
         SELECT sha256, document_id FROM named ON CONFLICT DO NOTHING",
    )
    .bind(ids)
    .bind(&file_shas)
    .bind(&file_documents)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO document_views (id, mobility_id, institution_id, europass_number, language,
             holder_name, host_email, participant_email, participant_locked_from, missing_fields,
             state, certificates, updated_at, version)
         SELECT id, mobility_id, institution_id, number, language, holder_name, host_email,
                participant_email, locked_from, missing::jsonb, state::jsonb, certificates, at,
                version
           FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[], $9::timestamptz[], $10::text[], $11::text[],
                       $12::int[], $13::timestamptz[], $14::bigint[])
                AS r(id, mobility_id, institution_id, number, language, holder_name, host_email,
                     participant_email, locked_from, missing, state, certificates, at, version)
         ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language,
             holder_name = EXCLUDED.holder_name, host_email = EXCLUDED.host_email,
             participant_email = EXCLUDED.participant_email,
             participant_locked_from = EXCLUDED.participant_locked_from,
             missing_fields = EXCLUDED.missing_fields, state = EXCLUDED.state,
             certificates = EXCLUDED.certificates, updated_at = EXCLUDED.updated_at,
             version = EXCLUDED.version",
    )
    .bind(&rows.id)
    .bind(&rows.mobility_id)
    .bind(&rows.institution_id)
    .bind(&rows.number)
    .bind(&rows.language)
    .bind(&rows.holder_name)
    .bind(&rows.host_email)
    .bind(&rows.participant_email)
    .bind(&rows.locked_from)
    .bind(&rows.missing)
    .bind(&rows.state)
    .bind(&rows.certificates)
    .bind(&rows.at)
    .bind(&rows.version)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every string of 64 lower-case hex digits in the state: the content hashes of the files
/// (photo, issued certificates) the document names.
fn file_hashes(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s)
            if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
        {
            out.push(s.clone())
        }
        Value::Array(items) => items.iter().for_each(|v| file_hashes(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| file_hashes(v, out)),
        _ => {}
    }
}

/// The statement's columns, as parallel arrays.
#[derive(Default)]
struct Rows {
    id: Vec<Uuid>,
    mobility_id: Vec<Uuid>,
    institution_id: Vec<Uuid>,
    number: Vec<String>,
    language: Vec<String>,
    holder_name: Vec<Option<String>>,
    host_email: Vec<Option<String>>,
    participant_email: Vec<Option<String>>,
    locked_from: Vec<Option<DateTime<Utc>>>,
    missing: Vec<String>,
    state: Vec<String>,
    certificates: Vec<i32>,
    at: Vec<DateTime<Utc>>,
    version: Vec<i64>,
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
