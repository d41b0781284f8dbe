//! The documents projection's fold: documents folded in memory, each row written once per
//! flush. The live projector uses it for one batch at a time; a rebuild keeps it across
//! batches ([`RebuildFold`]).

use super::missing_fields_json;
use crate::rebuild_fold::{PendingWrite, RebuildFold};
use anyhow::Context;
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::document::{Document, DocumentEvent};
use eventstore::stored_event::StoredEvent;
use futures::future::BoxFuture;
use serde_json::Value;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// Documents as folded so far, and which of them changed since they were written.
#[derive(Default)]
pub(super) struct DocumentsFold {
    held: HashMap<Uuid, Folded>,
    /// Changed since written, in the order they first changed.
    dirty: Vec<Uuid>,
}

/// One document with the time and sequence of the last event folded into it.
#[derive(Default)]
struct Folded {
    document: Document,
    at: DateTime<Utc>,
    /// The sequence of the last event folded in: later copies of it are skipped.
    version: i64,
    dirty: bool,
}

impl DocumentsFold {
    /// Reads the rows of the documents not held yet (none, for a document's first event).
    async fn load_missing(&mut self, conn: &mut PgConnection, of: &[Uuid]) -> anyhow::Result<()> {
        let mut ids: Vec<Uuid> = vec![];
        for id in of {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.held.entry(*id) {
                slot.insert(Folded::default());
                ids.push(*id);
            }
        }
        if ids.is_empty() {
            return Ok(());
        }
        let stored: Vec<(Uuid, Value, DateTime<Utc>, i64)> = sqlx::query_as(
            "SELECT id, state, updated_at, version FROM document_views WHERE id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
        for (id, state, at, version) in stored {
            if let Some(entry) = self.held.get_mut(&id) {
                entry.document = serde_json::from_value(state).context("document state")?;
                entry.at = at;
                entry.version = version;
            }
        }
        Ok(())
    }

    /// Folds `events` (of the documents `ids`, one each) into the documents held.
    fn fold_in_memory(&mut self, events: &[StoredEvent], ids: &[Uuid]) -> anyhow::Result<()> {
        // Each document's last event here, whose time the row takes: read once per document
        // rather than once per event (a rebuild folds a million).
        let mut last: HashMap<Uuid, usize> = HashMap::new();
        for (index, (event, &id)) in events.iter().zip(ids).enumerate() {
            let entry = self.held.get_mut(&id).context("loaded above")?;
            if event.sequence <= entry.version {
                continue; // already in the row (a rebuild resumed after writing it)
            }
            entry.document.apply(event.decode::<DocumentEvent>()?);
            entry.version = event.sequence;
            last.insert(id, index);
            if !entry.dirty {
                entry.dirty = true;
                self.dirty.push(id);
            }
        }
        for (id, index) in last {
            if let Some(entry) = self.held.get_mut(&id) {
                entry.at = events[index].at();
            }
        }
        Ok(())
    }
}

impl RebuildFold for DocumentsFold {
    fn fold<'a>(
        &'a mut self,
        conn: &'a mut PgConnection,
        events: &'a [StoredEvent],
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let ids = events
                .iter()
                .map(StoredEvent::aggregate_uuid)
                .collect::<anyhow::Result<Vec<_>>>()?;
            self.load_missing(conn, &ids).await?;
            self.fold_in_memory(events, &ids)
        })
    }

    fn held(&self) -> usize {
        self.held.len()
    }

    fn take_write(&mut self, limit: usize) -> anyhow::Result<Option<Box<dyn PendingWrite>>> {
        let take = limit.min(self.dirty.len());
        if take == 0 {
            return Ok(None);
        }
        let ids: Vec<Uuid> = self.dirty.drain(..take).collect();
        let rows = Rows::of(&ids, &self.held)?;
        for id in &ids {
            if let Some(entry) = self.held.get_mut(id) {
                entry.dirty = false;
            }
        }
        Ok(Some(Box::new(rows)))
    }

    fn forget(&mut self) {
        debug_assert!(self.dirty.is_empty(), "forgetting rows not written");
        self.held.clear();
    }
}

impl Rows {
    /// The rows of the documents `ids`, ready to write.
    fn of(ids: &[Uuid], folded: &HashMap<Uuid, Folded>) -> anyhow::Result<Self> {
        let mut rows = Rows::default();
        for id in ids {
            rows.push(*id, &folded[id])?;
        }
        Ok(rows)
    }

    fn push(&mut self, id: Uuid, folded: &Folded) -> anyhow::Result<()> {
        let Folded {
            document,
            at,
            version,
            ..
        } = folded;
        let (Some(mobility_id), Some(institution_id), Some(number)) = (
            document.mobility_id(),
            document.institution_id(),
            document.europass_number(),
        ) else {
            anyhow::bail!("document {id} has events before its creation");
        };
        self.id.push(id);
        self.mobility_id.push(mobility_id);
        self.institution_id.push(institution_id);
        self.number.push(number.to_string());
        self.language.push(document.language().as_str().to_string());
        self.holder_name
            .push(document.personal_data().holder_name());
        self.host_email
            .push(document.host_email().map(|e| e.to_string()));
        self.participant_email
            .push(document.participant_email().map(|e| e.to_string()));
        self.locked_from.push(document.participant_locked_from());
        self.missing.push(missing_fields_json(document).to_string());
        let state = serde_json::to_value(document)?;
        // The files the document names (photo, issued certificates), replaced with its row.
        let mut shas = vec![];
        file_hashes(&state, &mut shas);
        shas.sort();
        shas.dedup();
        for sha in shas {
            self.file_sha.push(sha);
            self.file_document.push(id);
        }
        self.state.push(state.to_string());
        self.certificates
            .push(document.issued_certificates().len() as i32);
        self.at.push(*at);
        self.version.push(*version);
        Ok(())
    }
}

impl PendingWrite for Rows {
    /// Two statements for all the rows: their files, then the rows themselves.
    fn execute<'a>(
        self: Box<Self>,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let rows = *self;
            // Files no longer named go, new ones come (existing ones stay untouched).
            sqlx::query(
                "WITH named (sha256, document_id) AS
                      (SELECT * FROM UNNEST($2::text[], $3::uuid[])),
                      gone AS (DELETE FROM document_files f
                                WHERE f.document_id = ANY($1)
                                  AND NOT EXISTS (SELECT 1 FROM named n
                                                   WHERE n.sha256 = f.sha256
                                                     AND n.document_id = f.document_id))
                 INSERT INTO document_files (sha256, document_id)
                 SELECT sha256, document_id FROM named ON CONFLICT DO NOTHING",
            )
            .bind(&rows.id)
            .bind(&rows.file_sha)
            .bind(&rows.file_document)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO document_views (id, mobility_id, institution_id, europass_number,
                     language, holder_name, host_email, participant_email,
                     participant_locked_from, missing_fields, state, certificates, updated_at,
                     version)
                 SELECT id, mobility_id, institution_id, number, language, holder_name,
                        host_email, participant_email, locked_from, missing::jsonb,
                        state::json, certificates, at, version
                   FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[],
                               $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                               $10::text[], $11::text[], $12::int[], $13::timestamptz[],
                               $14::bigint[])
                        AS r(id, mobility_id, institution_id, number, language, holder_name,
                             host_email, participant_email, locked_from, missing, state,
                             certificates, at, version)
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
        })
    }
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
    /// `document_files`: a row per file a document names.
    file_sha: Vec<String>,
    file_document: Vec<Uuid>,
}
