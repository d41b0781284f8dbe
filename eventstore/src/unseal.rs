//! Opening a stored event for a projection: personal data decrypted with its subject's key
//! (erased values read as erased) and old event versions upcast to the current shape. The
//! projector and the replay tool both go through here, so a rebuild reads every event exactly
//! as the live projector did.

use crate::stored_event::StoredEvent;
use crate::{pii, upcasters};
use cqrs_es::persist::SerializedEvent;
use serde_json::Value;
use sqlx::PgConnection;
use std::collections::HashMap;

/// Caches subject keys for the events of one transaction.
#[derive(Default)]
pub struct Unsealer {
    keys: HashMap<String, Option<pii::SubjectKey>>,
}

impl Unsealer {
    /// Decrypts and upcasts one event in place.
    pub async fn open(
        &mut self,
        conn: &mut PgConnection,
        event: &mut StoredEvent,
    ) -> anyhow::Result<()> {
        if event.may_hold_encrypted_data() {
            let subject = pii::subject_of(&event.aggregate_type, &event.aggregate_id);
            self.load(conn, &subject).await?;
            pii::decrypt(self.keys[&subject].as_ref(), &subject, event.payload_mut()?)?;
        }
        upcast(event)
    }

    /// Loads, in one query, the keys of every subject whose personal data these events carry
    /// (a batch of hundreds of events would otherwise cost a query per subject).
    pub async fn preload(
        &mut self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> anyhow::Result<()> {
        let mut subjects: Vec<String> = events
            .iter()
            .filter(|e| e.may_hold_encrypted_data())
            .map(|e| pii::subject_of(&e.aggregate_type, &e.aggregate_id))
            .filter(|s| !self.keys.contains_key(s))
            .collect();
        subjects.sort();
        subjects.dedup();
        if subjects.is_empty() {
            return Ok(());
        }
        let rows: Vec<(String, uuid::Uuid, Vec<u8>)> =
            sqlx::query_as("SELECT subject, key_id, key FROM subject_keys WHERE subject = ANY($1)")
                .bind(&subjects)
                .fetch_all(&mut *conn)
                .await?;
        for subject in subjects {
            self.keys.insert(subject, None);
        }
        for (subject, id, bytes) in rows {
            self.keys
                .insert(subject, Some(pii::SubjectKey::from_row(id, &bytes)?));
        }
        Ok(())
    }

    /// Replaces the ciphertexts in `payload` by their plain values (or the erased marker).
    pub async fn decrypt(
        &mut self,
        conn: &mut PgConnection,
        aggregate_type: &str,
        aggregate_id: &str,
        payload: &mut Value,
    ) -> anyhow::Result<()> {
        if !pii::has_encrypted_data(payload) {
            return Ok(());
        }
        let subject = pii::subject_of(aggregate_type, aggregate_id);
        self.load(conn, &subject).await?;
        pii::decrypt(self.keys[&subject].as_ref(), &subject, payload)
    }

    /// Loads a subject's key unless it is cached (`None`: erased).
    async fn load(&mut self, conn: &mut PgConnection, subject: &str) -> anyhow::Result<()> {
        if !self.keys.contains_key(subject) {
            let key = pii::load_key(&mut *conn, subject).await?;
            self.keys.insert(subject.to_string(), key);
        }
        Ok(())
    }

    /// The subjects whose values were decrypted with a key that existed then: if that key is
    /// deleted later (erasure), what was built from those values must be built again.
    pub fn subjects_with_keys(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|(_, key)| key.is_some())
            .map(|(subject, _)| subject.clone())
            .collect()
    }
}

/// Brings an event of an older version to the current shape (see `crate::upcasters`).
fn upcast(event: &mut StoredEvent) -> anyhow::Result<()> {
    if !upcasters::is_outdated(&event.event_type, &event.event_version) {
        return Ok(());
    }
    let payload = std::mem::take(event.payload_mut()?);
    let upcast = upcasters::upcast(SerializedEvent::new(
        event.aggregate_id.clone(),
        event.sequence as usize,
        event.aggregate_type.clone(),
        event.event_type.clone(),
        event.event_version.clone(),
        payload,
        event.metadata()?,
    ));
    event.event_version = upcast.event_version;
    event.set_payload(upcast.payload);
    event.set_metadata(&upcast.metadata);
    Ok(())
}
