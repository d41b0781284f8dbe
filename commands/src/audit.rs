//! R-AUDIT and R-ERASE: the full history of a certificate with who changed what (before →
//! after), and the document as it stood at any moment (erasure: `erasure.rs`).

use crate::auth::Principal;
use crate::documents::{load_authorized, DocumentOperation};
use crate::Services;
use chrono::{DateTime, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use domain::document::{Document, DocumentEvent};
use domain::mobility::MobilityEvent;
use domain::Refusal;
use eventstore::error::CommandError;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub aggregate: &'static str,
    pub sequence: usize,
    pub event_type: String,
    pub at: Option<DateTime<Utc>>,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub correlation_id: Option<String>,
    pub section: Option<String>,
    pub changes: Vec<FieldChange>,
    pub copied_from: Option<Uuid>,
}

fn at_of(metadata: &HashMap<String, String>) -> Option<DateTime<Utc>> {
    metadata
        .get("at")
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// A value as a person reads it: plain text, dates as ISO, erased values marked.
fn show(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Object(o) if o.contains_key("pii") => show(&o["pii"]),
        Value::Object(o) if o.contains_key("pii_erased") => Some("(erased)".into()),
        other => Some(other.to_string()),
    }
}

/// `{"section": "...", "fields": [{"field": "x", "value": v}, …]}` → field → value.
fn fields_of(changes: &Value) -> (Option<String>, Vec<(String, Option<String>)>) {
    let section = changes
        .get("section")
        .and_then(Value::as_str)
        .map(str::to_string);
    let fields = changes
        .get("fields")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|f| {
                    let name = f.get("field")?.as_str()?.to_string();
                    Some((name, f.get("value").and_then(show)))
                })
                .collect()
        })
        .unwrap_or_default();
    (section, fields)
}

fn changes_of(event: &DocumentEvent) -> Option<Value> {
    let value = serde_json::to_value(event).ok()?;
    let inner = value.as_object()?.values().next()?.clone();
    match event {
        DocumentEvent::CopyReceived { .. } => inner.get("changes").cloned(),
        DocumentEvent::PersonalDataSaved { .. }
        | DocumentEvent::HostOrganisationSaved { .. }
        | DocumentEvent::ProjectSaved { .. }
        | DocumentEvent::LearningOutcomesSaved { .. } => {
            let section = match event {
                DocumentEvent::PersonalDataSaved { .. } => "personalData",
                DocumentEvent::HostOrganisationSaved { .. } => "hostOrganisation",
                DocumentEvent::ProjectSaved { .. } => "project",
                _ => "learningOutcomes",
            };
            Some(serde_json::json!({"section": section, "fields": inner.get("changes")}))
        }
        _ => None,
    }
}

/// Only the sending institution and NEC staff read a certificate's history.
async fn auditable(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<(), CommandError> {
    load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::ReadHistory,
    )
    .await
    .map(drop)
}

/// Every event of the document, and of its mobility where it concerns the document, in order.
#[tracing::instrument(name = "certificate_history", skip_all, fields(document = %document_id))]
pub async fn history(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<Vec<HistoryEntry>, CommandError> {
    auditable(services, principal, document_id).await?;
    let events = services.store.documents.history(document_id).await?;
    let mut entries = vec![];
    let mut state = Document::default();
    if let Some(mobility_id) = events.iter().find_map(|e| match &e.payload {
        DocumentEvent::DocumentCreated { mobility_id, .. } => Some(*mobility_id),
        _ => None,
    }) {
        for e in services.store.mobilities.history(mobility_id).await? {
            let concerns = match &e.payload {
                MobilityEvent::MobilityRequested { .. } => true,
                MobilityEvent::MobilityApproved { documents }
                | MobilityEvent::MoreDocumentsApproved { documents } => {
                    documents.iter().any(|d| d.document_id == document_id)
                }
                _ => false,
            };
            if concerns {
                entries.push(entry(
                    "mobility",
                    e.sequence,
                    e.payload.event_type(),
                    &e.metadata,
                ));
            }
        }
    }
    for e in events {
        let mut item = entry("document", e.sequence, e.payload.event_type(), &e.metadata);
        if let Some(after) = changes_of(&e.payload) {
            let before = state
                .values_before(&e.payload)
                .and_then(|b| serde_json::to_value(b).ok())
                .unwrap_or(Value::Null);
            let (section, after_fields) = fields_of(&after);
            let (_, before_fields) = fields_of(&before);
            item.section = section;
            item.changes = after_fields
                .into_iter()
                .map(|(field, after)| FieldChange {
                    before: before_fields
                        .iter()
                        .find(|(f, _)| *f == field)
                        .and_then(|(_, v)| v.clone()),
                    field,
                    after,
                })
                .collect();
        }
        if let DocumentEvent::CopyReceived {
            source_document, ..
        } = &e.payload
        {
            item.copied_from = Some(*source_document);
        }
        state.apply(e.payload);
        entries.push(item);
    }
    Ok(entries)
}

fn entry(
    aggregate: &'static str,
    sequence: usize,
    event_type: String,
    metadata: &HashMap<String, String>,
) -> HistoryEntry {
    HistoryEntry {
        aggregate,
        sequence,
        event_type,
        at: at_of(metadata),
        actor_id: metadata
            .get("actor_id")
            .and_then(|s| Uuid::parse_str(s).ok()),
        actor_role: metadata.get("actor_role").cloned(),
        correlation_id: metadata.get("correlation_id").cloned(),
        section: None,
        changes: vec![],
        copied_from: None,
    }
}

/// The document as it stood at `at`, folded from its events up to then.
pub async fn as_of(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Document, CommandError> {
    auditable(services, principal, document_id).await?;
    let mut state = Document::default();
    for e in services.store.documents.history(document_id).await? {
        if at_of(&e.metadata).is_some_and(|t| t > at) {
            break;
        }
        state.apply(e.payload);
    }
    if !state.is_created() {
        return Err(Refusal::not_found(
            "DOCUMENT_NOT_FOUND",
            "the document did not exist at that moment",
        )
        .into());
    }
    Ok(state)
}
