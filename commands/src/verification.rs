//! Issue 23: verification by anyone, without logging in. Whoever holds a certificate has its
//! Europass number and verification code (printed beside the QR code, carried by the QR's
//! link); with both the register says whether the certificate is authentic and current. A
//! number without its code, a number that does not exist and a certificate never issued all
//! get the same answer, [`CertificateStatus::Unknown`], so numbers cannot be enumerated, and
//! every client address may ask [`CHECKS_PER_WINDOW`] times per [`CHECK_WINDOW`].
//!
//! A file can be checked too: a PDF by its SHA-256 against the recorded `CertificateIssued`
//! events, a credential by its seal. A file proves possession as the
//! code does, so it is answered in full.
//!
//! The number is looked up in the query tables (it never changes); everything the answer says
//! comes from the document's events.

use crate::certificates::verification;
use crate::seal::SealError;
use crate::throttle;
use crate::Services;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::document::Document;
use domain::reference::DocumentLanguage;
use domain::values::{EuropassNumber, VerificationCode};
use domain::Personal;
use eventstore::error::CommandError;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use uuid::Uuid;

/// Checks one client address may make per [`CHECK_WINDOW`]: plenty for a person or an
/// employer's office, far too few to guess 50-bit codes.
pub const CHECKS_PER_WINDOW: i32 = 30;
pub const CHECK_WINDOW: Duration = Duration::minutes(10);

/// What the register says about a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateStatus {
    /// Authentic and current.
    Issued(Summary),
    /// The NEC revoked it.
    Revoked {
        summary: Summary,
        at: DateTime<Utc>,
        reason: String,
    },
    /// The number exists; the holder's personal data were erased (R-ERASE).
    Erased { europass_number: String },
    /// No such certificate (or not the right code).
    Unknown,
}

/// What a certificate says, as the register issued it (what a reader compares with the paper).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub europass_number: String,
    pub issued_at: DateTime<Utc>,
    /// The issuer (the NEC) as the credentials name it.
    pub issuer: crate::credentials::Issuer,
    pub sending_institution: String,
    /// The host country (its code and its name in both languages).
    pub host_country: Option<&'static domain::reference::Country>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// The holder's name as the certificate prints it (first names, then surname).
    pub holder_name: String,
    /// A Europass Try Out certificate: an exercise, not a certificate.
    pub try_out: bool,
    /// The language the certificate is printed in (`en` or `lv`).
    pub language: &'static str,
}

/// How a file was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileCheck {
    /// Exactly a PDF or credential this register issued for the certificate; its status.
    Issued {
        status: Box<CertificateStatus>,
        kind: FileKind,
        /// A credential sealed with the development seal (not to be trusted outside tests).
        development_seal: bool,
    },
    /// Not a file this register issued (changed, forged, or not a certificate at all).
    NotIssued { reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Credential,
}

/// The status of the certificate numbered `number` (link or printed form), if `code` is its.
#[tracing::instrument(name = "verify_certificate", skip_all)]
pub async fn check(
    services: &Services,
    number: &str,
    code: &str,
    client: Option<IpAddr>,
) -> Result<CertificateStatus, CommandError> {
    let number = EuropassNumber::parse_slug_or_number(number).map_err(|r| r.in_field("number"))?;
    let code = VerificationCode::parse("code", code)?;
    within_limit(services, client).await?;
    let Some(document_id) = services
        .read_port
        .document_by_number(&number.to_string())
        .await
        .map_err(CommandError::failure)?
    else {
        return Ok(CertificateStatus::Unknown);
    };
    if !code.belongs_to(document_id) {
        return Ok(CertificateStatus::Unknown);
    }
    let document = services.store.documents.load(document_id).await?;
    status_of(services, document_id, &document).await
}

/// Whether `file` is a certificate PDF or a sealed credential this register issued, and if so
/// the certificate's status.
#[tracing::instrument(name = "verify_certificate_file", skip_all)]
pub async fn check_file(
    services: &Services,
    file: &[u8],
    client: Option<IpAddr>,
) -> Result<FileCheck, CommandError> {
    within_limit(services, client).await?;
    if file.starts_with(b"%PDF-") {
        return check_pdf(services, file).await;
    }
    let not_ours = |reason: &str| {
        Ok(FileCheck::NotIssued {
            reason: reason.to_string(),
        })
    };
    let Ok(sealed) = serde_json::from_slice::<serde_json::Value>(file) else {
        return not_ours("neither a PDF nor a credential (JSON)");
    };
    let seals = services.seals.clone();
    let verified = tokio::task::spawn_blocking(move || seals.verify(&sealed))
        .await
        .map_err(CommandError::failure)?;
    let verified = match verified {
        Ok(verified) => verified,
        Err(SealError::Failed(e)) => return Err(CommandError::failure(e)),
        Err(other) => return not_ours(&other.to_string()),
    };
    // The seal proves the register made the payload; the payload names its document.
    let credential: serde_json::Value =
        serde_json::from_str(&verified.payload).map_err(CommandError::failure)?;
    let document_id = credential["id"]
        .as_str()
        .and_then(|id| id.strip_prefix("urn:epass:credential:"))
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(|| CommandError::failure(anyhow::anyhow!("a sealed credential without id")))?;
    let document = services.store.documents.load(document_id).await?;
    Ok(FileCheck::Issued {
        status: Box::new(status_of(services, document_id, &document).await?),
        kind: FileKind::Credential,
        development_seal: verified.development,
    })
}

/// A PDF is one the register issued if its SHA-256 is recorded in a `CertificateIssued`.
async fn check_pdf(services: &Services, file: &[u8]) -> Result<FileCheck, CommandError> {
    let sha256 = hex::encode(Sha256::digest(file));
    // The query tables say which documents name the hash (a photo's too); each candidate's
    // events decide.
    let candidates = services
        .read_port
        .documents_naming_file(&sha256)
        .await
        .map_err(CommandError::failure)?;
    for document_id in candidates {
        let document = services.store.documents.load(document_id).await?;
        if document
            .issued_certificates()
            .iter()
            .any(|c| c.sha256.as_str() == sha256)
        {
            return Ok(FileCheck::Issued {
                status: Box::new(status_of(services, document_id, &document).await?),
                kind: FileKind::Pdf,
                development_seal: false,
            });
        }
    }
    Ok(FileCheck::NotIssued {
        reason: "this PDF is not a certificate the register issued (or it was changed)".into(),
    })
}

async fn within_limit(services: &Services, client: Option<IpAddr>) -> Result<(), CommandError> {
    let now = services.clock.now();
    let what = format!("verify:{}", throttle::address_of(client));
    if throttle::within_limit(services, &what, CHECKS_PER_WINDOW, CHECK_WINDOW, now).await? {
        Ok(())
    } else {
        Err(CommandError::Throttled {
            retry_after_seconds: CHECK_WINDOW.num_seconds(),
        })
    }
}

/// What `document` (`document_id`, as loaded now) says of its certificate.
async fn status_of(
    services: &Services,
    document_id: Uuid,
    document: &Document,
) -> Result<CertificateStatus, CommandError> {
    let Some(number) = document.europass_number() else {
        return Ok(CertificateStatus::Unknown);
    };
    if document.is_erased() {
        return Ok(CertificateStatus::Erased {
            europass_number: number.to_string(),
        });
    }
    let Some(issued) = document.issued_certificates().last() else {
        return Ok(CertificateStatus::Unknown);
    };
    let then = services
        .store
        .documents
        .load_as_of(document_id, issued.at)
        .await?;
    let summary = summary(services, &then, issued.at).await?;
    Ok(match document.revocation() {
        Some(revocation) => CertificateStatus::Revoked {
            summary,
            at: revocation.at,
            reason: revocation.reason.to_string(),
        },
        None => CertificateStatus::Issued(summary),
    })
}

async fn summary(
    services: &Services,
    then: &Document,
    issued_at: DateTime<Utc>,
) -> Result<Summary, CommandError> {
    let number = then
        .europass_number()
        .map(ToString::to_string)
        .unwrap_or_default();
    let sending_institution = match then.institution_id() {
        Some(id) => services
            .store
            .institutions
            .load_as_of(id, issued_at)
            .await?
            .base_data()
            .map(|b| b.name.to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let p = then.personal_data();
    let name = |v: Option<&Personal<_>>| v.and_then(Personal::known).map(ToString::to_string);
    let holder_name = [name(p.first_name()), name(p.surname())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let language = match then.language() {
        DocumentLanguage::En => "en",
        DocumentLanguage::Lv => "lv",
    };
    Ok(Summary {
        try_out: then
            .europass_number()
            .is_some_and(EuropassNumber::is_try_out),
        europass_number: number,
        issued_at,
        issuer: (*services.issuer).clone(),
        sending_institution,
        host_country: then
            .host_organisation()
            .country()
            .and_then(domain::reference::country),
        start_date: then.project().start_date(),
        end_date: then.project().end_date(),
        holder_name,
        language,
    })
}

/// The verification link of a document (for tests and the NEC's pages).
pub fn link_of(services: &Services, document: &Document) -> Option<String> {
    Some(
        verification(
            services,
            document.document_id()?,
            document.europass_number()?,
        )
        .url,
    )
}
