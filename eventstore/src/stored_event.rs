//! An event as the projector reads it from the store, personal data already decrypted.

use crate::pii;
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::Row;

/// The columns [`StoredEvent::from_row`] reads, in this order, for a `SELECT` from `events`.
pub const EVENT_COLUMNS: &str = "global_position, tx_id::text::bigint AS tx, aggregate_type,
    aggregate_id, sequence, event_type, event_version, payload::text, metadata::text";

#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub global_position: i64,
    pub tx: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    payload: Payload,
    /// As stored (JSON text): projections read only its time, see [`StoredEvent::at`].
    metadata: String,
}

/// The payload is kept as the stored JSON text until something needs it as a tree (personal
/// data to decrypt, an old version to upcast): a rebuild reads millions of events, and
/// decoding the text straight into the typed event skips building and dropping a tree each.
#[derive(Clone, Debug)]
enum Payload {
    Text(String),
    Tree(Value),
}

impl StoredEvent {
    /// An event from a row selected with [`EVENT_COLUMNS`] (by position: a rebuild reads
    /// millions of rows). Unchecked: the types are fixed by `EVENT_COLUMNS` (casts included),
    /// and checking them again for every row was a tenth of a rebuild's own time. A wrong
    /// type still fails to decode (sizes, UTF-8); the live projector reads through here too.
    pub fn from_row(row: &PgRow) -> anyhow::Result<Self> {
        Ok(Self {
            global_position: row.try_get_unchecked(0)?,
            tx: row.try_get_unchecked(1)?,
            aggregate_type: row.try_get_unchecked(2)?,
            aggregate_id: row.try_get_unchecked(3)?,
            sequence: row.try_get_unchecked(4)?,
            event_type: row.try_get_unchecked(5)?,
            event_version: row.try_get_unchecked(6)?,
            payload: Payload::Text(row.try_get_unchecked(7)?),
            metadata: row.try_get_unchecked(8)?,
        })
    }

    /// The typed domain event (cqrs-es serialises an enum as `{"Variant": {...}}`).
    pub fn decode<E: DeserializeOwned>(&self) -> anyhow::Result<E> {
        let decoded = match &self.payload {
            Payload::Text(text) => serde_json::from_str(text),
            Payload::Tree(value) => E::deserialize(value),
        };
        decoded.with_context(|| {
            format!(
                "decoding {} v{} at position {}",
                self.event_type, self.event_version, self.global_position
            )
        })
    }

    /// Whether the payload may hold encrypted personal data (never false when it does).
    pub fn may_hold_encrypted_data(&self) -> bool {
        match &self.payload {
            Payload::Text(text) => pii::text_may_hold_encrypted_data(text),
            Payload::Tree(value) => pii::has_encrypted_data(value),
        }
    }

    /// The payload as a tree (a copy).
    pub fn payload(&self) -> anyhow::Result<Value> {
        self.decode()
    }

    /// The payload as a tree, parsed on first use.
    pub fn payload_mut(&mut self) -> anyhow::Result<&mut Value> {
        if let Payload::Text(text) = &self.payload {
            let tree = serde_json::from_str(text).with_context(|| {
                format!("payload at position {} is not JSON", self.global_position)
            })?;
            self.payload = Payload::Tree(tree);
        }
        match &mut self.payload {
            Payload::Tree(value) => Ok(value),
            Payload::Text(_) => unreachable!("parsed above"),
        }
    }

    /// Replaces the payload (an upcast).
    pub fn set_payload(&mut self, payload: Value) {
        self.payload = Payload::Tree(payload);
    }

    /// The metadata as a tree.
    pub fn metadata(&self) -> anyhow::Result<Value> {
        serde_json::from_str(&self.metadata)
            .with_context(|| format!("metadata at position {} is not JSON", self.global_position))
    }

    /// Replaces the metadata (an upcast).
    pub fn set_metadata(&mut self, metadata: &Value) {
        self.metadata = metadata.to_string();
    }

    pub fn aggregate_uuid(&self) -> anyhow::Result<uuid::Uuid> {
        uuid::Uuid::parse_str(&self.aggregate_id).context("aggregate id is not a UUID")
    }

    /// When the command that produced the event ran (from the injected clock).
    pub fn at(&self) -> DateTime<Utc> {
        #[derive(Deserialize)]
        struct At<'a> {
            #[serde(borrow)]
            at: Option<&'a str>,
        }
        serde_json::from_str::<At<'_>>(&self.metadata)
            .ok()
            .and_then(|m| m.at)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }
}
