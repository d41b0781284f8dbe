//! Issue 23: the NEC's electronic seal on European Digital Credentials, as the EU seals them
//! (JAdES baseline B): a JWS in JSON serialization with one signature, the payload (the
//! credential's JSON text) left unencoded (`b64: false`, RFC 7797), the signing time `sigT`,
//! the sealing certificate in `x5c` and its SHA-256 thumbprint, RS256.
//!
//! The JWS is assembled here from OpenSSL's RS256 signature. josekit, the maintained JOSE
//! crate that knows `b64`, was tried first: its JSON serialization writes an unencoded
//! payload into the JSON without escaping it (0.10.3, `serialize_flattened_json`), which
//! breaks on any JSON payload, and its general serialization ignores `b64`. The format is the
//! three lines of RFC 7797 §3; the tests verify every seal with an independent implementation
//! (Python's jwcrypto).
//!
//! The NEC's key and certificate come from `EDC_SEAL_KEY` and `EDC_SEAL_CERT` (PEM files).
//! Without them, a development seal (self-signed, "development" in its subject) is made at the
//! first credential and kept beside the outbox, so the run command works on a fresh clone.
//! Try Out credentials are always sealed with the development seal.

use anyhow::{anyhow, bail, Context};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, Utc};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::{Signer, Verifier};
use openssl::x509::extension::{BasicConstraints, KeyUsage};
use openssl::x509::{X509NameBuilder, X509};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One sealing key with its certificate chain (the sealing certificate first).
pub struct Seal {
    key: PKey<Private>,
    chain: Vec<X509>,
    development: bool,
}

impl Seal {
    /// A key and certificate chain from PEM: the NEC's own seal.
    pub fn from_pem(key_pem: &[u8], chain_pem: &[u8]) -> anyhow::Result<Self> {
        let key = PKey::private_key_from_pem(key_pem).context("EDC_SEAL_KEY: not a PEM key")?;
        if key.rsa().is_err() {
            bail!("EDC_SEAL_KEY: the seal signs with RS256, so the key must be an RSA key");
        }
        let chain = X509::stack_from_pem(chain_pem).context("EDC_SEAL_CERT: not PEM")?;
        let Some(leaf) = chain.first() else {
            bail!("EDC_SEAL_CERT: no certificate in the file");
        };
        if !leaf.public_key()?.public_eq(&key) {
            bail!("EDC_SEAL_CERT: the first certificate is not the key's");
        }
        Ok(Self {
            key,
            chain,
            development: false,
        })
    }

    /// Whether this is the self-signed development seal.
    pub fn is_development(&self) -> bool {
        self.development
    }

    /// The sealing certificate's subject, as one line (`CN=…, O=…`).
    pub fn subject(&self) -> String {
        self.chain[0]
            .subject_name()
            .entries()
            .filter_map(|e| {
                let name = e.object().nid().short_name().ok()?;
                Some(format!(
                    "{name}={}",
                    String::from_utf8_lossy(e.data().as_slice())
                ))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Seals `payload` (the credential's JSON text) as signed at `at`.
    pub fn seal(&self, payload: &str, at: DateTime<Utc>) -> anyhow::Result<Value> {
        let leaf = self.chain[0].to_der()?;
        let thumbprint = Sha256::digest(&leaf);
        let protected = json!({
            "alg": "RS256",
            "typ": "jose+json",
            "cty": "octet-stream",
            "b64": false,
            "crit": ["b64", "sigT"],
            "sigT": at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "kid": hex::encode(thumbprint),
            "x5t#S256": URL_SAFE_NO_PAD.encode(thumbprint),
            "x5c": self
                .chain
                .iter()
                .map(|c| c.to_der().map(|der| STANDARD.encode(der)))
                .collect::<Result<Vec<_>, _>>()?,
        });
        let protected = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&protected)?);
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key)?;
        signer.update(signing_input(&protected, payload).as_bytes())?;
        let signature = URL_SAFE_NO_PAD.encode(signer.sign_to_vec()?);
        Ok(json!({
            "payload": payload,
            "signatures": [{"protected": protected, "signature": signature}],
        }))
    }

    /// Makes a development seal: RSA 3072, self-signed for ten years.
    fn generate_development(organisation: &str) -> anyhow::Result<Self> {
        let key = PKey::from_rsa(Rsa::generate(3072)?)?;
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_text("C", "LV")?;
        name.append_entry_by_text("O", organisation)?;
        name.append_entry_by_text(
            "CN",
            "Europass Mobility register development seal (not for production)",
        )?;
        let name = name.build();
        let mut serial = BigNum::new()?;
        serial.rand(127, MsbOption::MAYBE_ZERO, false)?;
        let mut cert = X509::builder()?;
        cert.set_version(2)?;
        let serial = serial.to_asn1_integer()?;
        cert.set_serial_number(&serial)?;
        cert.set_subject_name(&name)?;
        cert.set_issuer_name(&name)?;
        cert.set_pubkey(&key)?;
        cert.set_not_before(&*Asn1Time::days_from_now(0)?)?;
        cert.set_not_after(&*Asn1Time::days_from_now(3650)?)?;
        cert.append_extension(BasicConstraints::new().critical().build()?)?;
        cert.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .non_repudiation()
                .build()?,
        )?;
        cert.sign(&key, MessageDigest::sha256())?;
        Ok(Self {
            key,
            chain: vec![cert.build()],
            development: true,
        })
    }

    /// The development seal as one PEM file (key and certificate together, so that two
    /// processes making one at once can never pair one's key with the other's certificate).
    fn to_pem(&self) -> anyhow::Result<Vec<u8>> {
        let mut pem = self.key.private_key_to_pem_pkcs8()?;
        pem.extend(self.chain[0].to_pem()?);
        Ok(pem)
    }
}

/// RFC 7797 §3: with `b64: false` the payload is signed as it is.
fn signing_input(protected_b64: &str, payload: &str) -> String {
    format!("{protected_b64}.{payload}")
}

/// The seals the register signs with: the NEC's, if configured, and the development seal.
pub struct Seals {
    configured: Option<Arc<Seal>>,
    development_file: PathBuf,
    organisation: String,
    development: Mutex<Option<Arc<Seal>>>,
}

/// A seal checked: the credential's JSON text, and whether the development seal made it.
#[derive(Debug)]
pub struct Verified {
    pub payload: String,
    pub development: bool,
}

impl Seals {
    /// The NEC's seal from PEM files (both or neither), and where a development seal lives.
    pub fn new(
        key: Option<&Path>,
        cert: Option<&Path>,
        development_dir: &Path,
        organisation: &str,
    ) -> anyhow::Result<Self> {
        let configured = match (key, cert) {
            (Some(key), Some(cert)) => {
                let read =
                    |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
                Some(Arc::new(Seal::from_pem(&read(key)?, &read(cert)?)?))
            }
            (None, None) => None,
            _ => bail!("EDC_SEAL_KEY and EDC_SEAL_CERT are set together or not at all"),
        };
        Ok(Self {
            configured,
            ..Self::development_only(development_dir, organisation)
        })
    }

    /// Only the development seal, kept in `development_dir`.
    pub fn development_only(development_dir: &Path, organisation: &str) -> Self {
        Self {
            configured: None,
            development_file: development_dir.join("development-seal.pem"),
            organisation: organisation.to_string(),
            development: Mutex::new(None),
        }
    }

    /// Whether the NEC's own seal is configured (else every credential gets the development
    /// seal, and start-up says so in the log).
    pub fn is_configured(&self) -> bool {
        self.configured.is_some()
    }

    /// Where the development seal is kept.
    pub fn development_file(&self) -> &Path {
        &self.development_file
    }

    /// The seal for a credential: the development seal for Try Out, else the NEC's if set.
    pub fn for_credential(&self, try_out: bool) -> anyhow::Result<Arc<Seal>> {
        match (&self.configured, try_out) {
            (Some(seal), false) => Ok(seal.clone()),
            _ => self.development(),
        }
    }

    /// The development seal: read from its file, or made and saved at the first use.
    pub fn development(&self) -> anyhow::Result<Arc<Seal>> {
        let mut slot = self
            .development
            .lock()
            .expect("the seal lock is never poisoned");
        if let Some(seal) = slot.as_ref() {
            return Ok(seal.clone());
        }
        let path = &self.development_file;
        let seal = match std::fs::read(path) {
            Ok(pem) => {
                let mut seal = Seal::from_pem(&pem, &pem)
                    .with_context(|| format!("the development seal {}", path.display()))?;
                seal.development = true;
                seal
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let seal = Seal::generate_development(&self.organisation)?;
                save_private(path, &seal.to_pem()?)?;
                // Another process may have saved its own first: use what the file holds.
                let pem = std::fs::read(path)?;
                let mut seal = Seal::from_pem(&pem, &pem)?;
                seal.development = true;
                tracing::warn!(
                    path = %path.display(),
                    "made a development seal for European Digital Credentials: \
                     set EDC_SEAL_KEY and EDC_SEAL_CERT to seal with the NEC's own"
                );
                seal
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let seal = Arc::new(seal);
        *slot = Some(seal.clone());
        Ok(seal)
    }

    /// Checks a sealed credential: one signature, RS256 over the unencoded payload, by the
    /// certificate of one of this register's seals (never merely the one the file carries).
    pub fn verify(&self, sealed: &Value) -> Result<Verified, SealError> {
        let payload = sealed["payload"].as_str().ok_or(SealError::NotSealed)?;
        let signatures = sealed["signatures"]
            .as_array()
            .filter(|s| s.len() == 1)
            .ok_or(SealError::NotSealed)?;
        let protected_b64 = signatures[0]["protected"]
            .as_str()
            .ok_or(SealError::NotSealed)?;
        let signature = signatures[0]["signature"]
            .as_str()
            .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
            .ok_or(SealError::NotSealed)?;
        let protected: Value = URL_SAFE_NO_PAD
            .decode(protected_b64)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(SealError::NotSealed)?;
        if protected["alg"] != "RS256" || protected["b64"] != false {
            return Err(SealError::NotSealed);
        }
        let leaf = protected["x5c"][0]
            .as_str()
            .and_then(|c| STANDARD.decode(c).ok())
            .ok_or(SealError::NotSealed)?;
        let mut ours = self.configured.iter().cloned().collect::<Vec<_>>();
        if let Ok(development) = self.development() {
            ours.push(development);
        }
        let seal = ours
            .into_iter()
            .find(|s| s.chain[0].to_der().is_ok_and(|der| der == leaf))
            .ok_or(SealError::UnknownSeal)?;
        let public = seal.chain[0]
            .public_key()
            .map_err(|e| SealError::Failed(e.into()))?;
        let verified = Verifier::new(MessageDigest::sha256(), &public)
            .and_then(|mut v| {
                v.update(signing_input(protected_b64, payload).as_bytes())?;
                v.verify(&signature)
            })
            .map_err(|e| SealError::Failed(e.into()))?;
        if !verified {
            return Err(SealError::BadSignature);
        }
        Ok(Verified {
            payload: payload.to_string(),
            development: seal.development,
        })
    }
}

/// Why a file is not a credential sealed by this register.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("not a sealed credential (a JWS in JSON serialization with one RS256 signature)")]
    NotSealed,
    #[error("sealed, but not by this register's seal")]
    UnknownSeal,
    #[error("the seal does not match the content: the credential was changed")]
    BadSignature,
    #[error("checking the seal: {0}")]
    Failed(anyhow::Error),
}

/// Writes a file only its owner can read, atomically and never over an existing one.
fn save_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = path
        .parent()
        .ok_or_else(|| anyhow!("{} has no directory", path.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temporary = dir.join(format!(".development-seal.{}.tmp", uuid::Uuid::new_v4()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    // A hard link fails if the seal exists: the first process's seal wins.
    let linked = std::fs::hard_link(&temporary, path);
    std::fs::remove_file(&temporary)?;
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_seals() -> (tempfile::TempDir, Seals) {
        let dir = tempfile::tempdir().unwrap();
        let seals = Seals::new(None, None, dir.path(), "Test NEC").unwrap();
        (dir, seals)
    }

    #[test]
    fn a_sealed_payload_verifies_and_a_changed_one_does_not() {
        let (_dir, seals) = fresh_seals();
        let seal = seals.for_credential(false).unwrap();
        assert!(seal.is_development());
        assert!(seal.subject().contains("development"), "{}", seal.subject());
        let sealed = seal.seal(r#"{"a":"ā \"quoted\""}"#, Utc::now()).unwrap();
        let verified = seals.verify(&sealed).unwrap();
        assert_eq!(verified.payload, r#"{"a":"ā \"quoted\""}"#);
        assert!(verified.development);
        let mut changed = sealed.clone();
        changed["payload"] = json!(r#"{"a":"b"}"#);
        assert!(matches!(
            seals.verify(&changed),
            Err(SealError::BadSignature)
        ));
        assert!(matches!(
            seals.verify(&json!({"payload": "{}"})),
            Err(SealError::NotSealed)
        ));
    }

    #[test]
    fn the_development_seal_is_kept_and_another_registers_seal_is_not_ours() {
        let (dir, seals) = fresh_seals();
        let first = seals.development().unwrap();
        let sealed = first.seal("{}", Utc::now()).unwrap();
        // A restart reads the same seal back.
        let again = Seals::new(None, None, dir.path(), "Test NEC").unwrap();
        assert!(again.verify(&sealed).is_ok());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(seals.development_file())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key is for its owner only");
        // Someone else's self-signed seal, even carried in x5c, is not this register's.
        let (_other_dir, other) = fresh_seals();
        let foreign = other.development().unwrap().seal("{}", Utc::now()).unwrap();
        assert!(matches!(
            seals.verify(&foreign),
            Err(SealError::UnknownSeal)
        ));
    }

    #[test]
    fn a_configured_seal_needs_both_files_and_a_matching_pair() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.pem");
        let err = Seals::new(Some(&key), None, dir.path(), "NEC")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("EDC_SEAL_CERT"), "{err}");
        let a = Seal::generate_development("A").unwrap();
        let b = Seal::generate_development("B").unwrap();
        let err = Seal::from_pem(
            &a.key.private_key_to_pem_pkcs8().unwrap(),
            &b.chain[0].to_pem().unwrap(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("not the key's"), "{err}");
        let own = Seal::from_pem(
            &a.key.private_key_to_pem_pkcs8().unwrap(),
            &a.chain[0].to_pem().unwrap(),
        )
        .unwrap();
        assert!(!own.is_development());
    }
}
