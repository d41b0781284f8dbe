//! An event as the projector reads it from the store, personal data already decrypted.

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub global_position: i64,
    pub tx: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
}

impl StoredEvent {
    /// The typed domain event (cqrs-es serialises an enum as `{"Variant": {...}}`).
    pub fn decode<E: DeserializeOwned>(&self) -> anyhow::Result<E> {
        serde_json::from_value(self.payload.clone()).with_context(|| {
            format!(
                "decoding {} v{} at position {}",
                self.event_type, self.event_version, self.global_position
            )
        })
    }

    pub fn aggregate_uuid(&self) -> anyhow::Result<uuid::Uuid> {
        uuid::Uuid::parse_str(&self.aggregate_id).context("aggregate id is not a UUID")
    }

    /// When the command that produced the event ran (from the injected clock).
    pub fn at(&self) -> DateTime<Utc> {
        self.metadata
            .get("at")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }
}
