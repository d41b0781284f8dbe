//! Crypto-shredding of personal data in events (R-ERASE).
//!
//! Domain events mark personal values as `{"pii": value}` (see `domain::Personal`). Before an
//! event is written, every such value is encrypted with the key of its subject (the aggregate)
//! and stored as `{"pii_enc": "<base64 nonce|ciphertext>"}`; on reading it is decrypted again.
//! Deleting the subject's key makes its values read as `{"pii_erased": true}` forever, while
//! the events themselves stay untouched and append-only.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use base64::Engine;
use domain::personal::{PII_ERASED_KEY, PII_KEY};
use rand::rngs::OsRng;
use rand::RngCore;
use serde_json::{Map, Value};

const PII_ENC_KEY: &str = "pii_enc";
/// Which key sealed a value.
const KEY_ID: &str = "kid";

/// The encryption key of one subject.
#[derive(Clone)]
pub struct SubjectKey {
    id: String,
    cipher: Aes256Gcm,
}

impl SubjectKey {
    /// A key as stored in `subject_keys` (its id and bytes).
    pub fn from_row(id: uuid::Uuid, bytes: &[u8]) -> anyhow::Result<Self> {
        Self::from_bytes(id.to_string(), bytes)
    }

    /// The key's id, as stored beside every value it sealed.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn from_bytes(id: String, bytes: &[u8]) -> anyhow::Result<Self> {
        let cipher = Aes256Gcm::new_from_slice(bytes).context("subject key has a wrong length")?;
        Ok(Self { id, cipher })
    }
}

/// The subject whose key protects an aggregate's personal values.
pub fn subject_of(aggregate_type: &str, aggregate_id: &str) -> String {
    format!("{aggregate_type}/{aggregate_id}")
}

/// A marked object holds the marker and at most a key id. Checked on every object of every
/// event a projection reads, so the size comes first.
fn is_marked(obj: &Map<String, Value>, key: &str) -> bool {
    obj.len() <= 2 && obj.contains_key(key) && obj.keys().all(|k| k == key || k == KEY_ID)
}

fn contains(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(obj) => is_marked(obj, key) || obj.values().any(|v| contains(v, key)),
        Value::Array(items) => items.iter().any(|v| contains(v, key)),
        _ => false,
    }
}

/// Visits every marked object, innermost last, and lets `f` replace it.
fn rewrite(
    value: &mut Value,
    key: &str,
    f: &mut dyn FnMut(Value, Option<&str>) -> anyhow::Result<Value>,
) -> anyhow::Result<()> {
    match value {
        Value::Object(obj) if is_marked(obj, key) => {
            let inner = obj.remove(key).unwrap_or(Value::Null);
            let kid = obj.get(KEY_ID).and_then(Value::as_str).map(str::to_string);
            *value = f(inner, kid.as_deref())?;
        }
        Value::Object(obj) => {
            for v in obj.values_mut() {
                rewrite(v, key, f)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                rewrite(v, key, f)?;
            }
        }
        _ => {}
    }
    Ok(())
}

pub fn has_personal_data(payload: &Value) -> bool {
    contains(payload, PII_KEY)
}

pub fn has_encrypted_data(payload: &Value) -> bool {
    contains(payload, PII_ENC_KEY)
}

/// [`has_encrypted_data`] on a payload's JSON text, without parsing it: true whenever the
/// payload holds a ciphertext (the marker key is always written as `"pii_enc"`; inside a
/// string value its quotes would be escaped), and rarely otherwise (a value that is exactly
/// the marker's name), in which case the caller parses and finds nothing to decrypt.
pub fn text_may_hold_encrypted_data(json: &str) -> bool {
    // `"pii_enc"`, quotes included (PII_ENC_KEY cannot be concatenated at compile time).
    // memchr's vectorised search: a rebuild asks this of every event it reads.
    static MARKER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\"pii_enc\""));
    MARKER.find(json.as_bytes()).is_some()
}

/// Replaces every `{"pii": v}` by its ciphertext. The subject is bound in as associated data,
/// so a value cannot be moved to another subject.
pub fn encrypt(key: &SubjectKey, subject: &str, payload: &mut Value) -> anyhow::Result<()> {
    rewrite(payload, PII_KEY, &mut |plain, _| {
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        let bytes = serde_json::to_vec(&plain)?;
        let sealed = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &bytes,
                    aad: subject.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encrypting personal data"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        let text = base64::engine::general_purpose::STANDARD.encode(out);
        Ok(serde_json::json!({ PII_ENC_KEY: text, KEY_ID: key.id }))
    })
}

/// Replaces every ciphertext by its plain value, or by the erased marker without a key.
pub fn decrypt(key: Option<&SubjectKey>, subject: &str, payload: &mut Value) -> anyhow::Result<()> {
    rewrite(payload, PII_ENC_KEY, &mut |sealed, kid| {
        // No key, or a newer key than the one that sealed it: the value was erased.
        let Some(key) = key.filter(|k| kid.is_none_or(|kid| kid == k.id)) else {
            return Ok(serde_json::json!({ PII_ERASED_KEY: true }));
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed.as_str().context("ciphertext is not a string")?)
            .context("ciphertext is not base64")?;
        anyhow::ensure!(raw.len() > 12, "ciphertext too short");
        let (nonce, body) = raw.split_at(12);
        let plain = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: subject.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("personal data of {subject} does not decrypt"))?;
        let value: Value = serde_json::from_slice(&plain)?;
        Ok(serde_json::json!({ PII_KEY: value }))
    })
}

/// Loads a subject's key, if it still exists.
pub async fn load_key<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    subject: &str,
) -> anyhow::Result<Option<SubjectKey>> {
    let row: Option<(uuid::Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT key_id, key FROM subject_keys WHERE subject = $1")
            .bind(subject)
            .fetch_optional(executor)
            .await
            .context("loading a subject key")?;
    row.map(|(id, bytes)| SubjectKey::from_bytes(id.to_string(), &bytes))
        .transpose()
}

/// The keys of many subjects, each created on first use: two statements for any number.
pub async fn keys_for_writing(
    pool: &sqlx::PgPool,
    subjects: &[String],
) -> anyhow::Result<std::collections::HashMap<String, SubjectKey>> {
    let fresh: Vec<Vec<u8>> = subjects
        .iter()
        .map(|_| {
            let mut key = vec![0u8; 32];
            OsRng.fill_bytes(&mut key);
            key
        })
        .collect();
    sqlx::query(
        "INSERT INTO subject_keys (subject, key)
         SELECT * FROM UNNEST($1::text[], $2::bytea[]) ON CONFLICT DO NOTHING",
    )
    .bind(subjects)
    .bind(&fresh)
    .execute(pool)
    .await
    .context("creating subject keys")?;
    let rows: Vec<(String, uuid::Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT subject, key_id, key FROM subject_keys WHERE subject = ANY($1)")
            .bind(subjects)
            .fetch_all(pool)
            .await
            .context("loading subject keys")?;
    rows.into_iter()
        .map(|(subject, id, bytes)| Ok((subject, SubjectKey::from_bytes(id.to_string(), &bytes)?)))
        .collect()
}

/// Loads a subject's key, creating it on first use.
pub async fn key_for_writing(pool: &sqlx::PgPool, subject: &str) -> anyhow::Result<SubjectKey> {
    let mut fresh = [0u8; 32];
    OsRng.fill_bytes(&mut fresh);
    sqlx::query("INSERT INTO subject_keys (subject, key) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(subject)
        .bind(fresh.as_slice())
        .execute(pool)
        .await
        .context("creating a subject key")?;
    load_key(pool, subject)
        .await?
        .ok_or_else(|| anyhow::anyhow!("subject key of {subject} vanished"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key() -> SubjectKey {
        SubjectKey::from_bytes("k1".into(), &[7u8; 32]).unwrap()
    }

    #[test]
    fn encrypts_nested_values_and_restores_them() {
        let original =
            json!({"X": {"name": {"pii": "Bērziņš"}, "list": [{"pii": {"a": 1}}], "n": 3}});
        let mut payload = original.clone();
        encrypt(&key(), "doc/1", &mut payload).unwrap();
        assert!(!payload.to_string().contains("Bērziņš"));
        assert!(has_encrypted_data(&payload));
        decrypt(Some(&key()), "doc/1", &mut payload).unwrap();
        assert_eq!(payload, original);
    }

    #[test]
    fn the_text_check_finds_every_ciphertext_and_no_quoted_lookalike() {
        let mut payload = json!({"X": {"name": {"pii": "Bērziņš"}}});
        encrypt(&key(), "doc/1", &mut payload).unwrap();
        assert!(text_may_hold_encrypted_data(&payload.to_string()));
        // A value that merely mentions the marker is escaped inside its string.
        let lookalike = json!({"X": {"note": "{\"pii_enc\": \"x\"}"}});
        assert!(!text_may_hold_encrypted_data(&lookalike.to_string()));
        assert!(!has_encrypted_data(&lookalike));
    }

    #[test]
    fn without_a_key_values_read_as_erased() {
        let mut payload = json!({"name": {"pii": "Anna"}});
        encrypt(&key(), "doc/1", &mut payload).unwrap();
        decrypt(None, "doc/1", &mut payload).unwrap();
        assert_eq!(payload, json!({"name": {"pii_erased": true}}));
    }

    #[test]
    fn values_sealed_with_a_deleted_key_read_as_erased_under_a_new_key() {
        let mut payload = json!({"name": {"pii": "Anna"}});
        encrypt(&key(), "doc/1", &mut payload).unwrap();
        let newer = SubjectKey::from_bytes("k2".into(), &[9u8; 32]).unwrap();
        decrypt(Some(&newer), "doc/1", &mut payload).unwrap();
        assert_eq!(payload, json!({"name": {"pii_erased": true}}));
    }

    #[test]
    fn ciphertext_is_bound_to_its_subject() {
        let mut payload = json!({"name": {"pii": "Anna"}});
        encrypt(&key(), "doc/1", &mut payload).unwrap();
        assert!(decrypt(Some(&key()), "doc/2", &mut payload).is_err());
    }
}
