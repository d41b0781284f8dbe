//! Issue 23: verification of a certificate by anyone (no login), by its number and the code
//! printed beside its QR code. See `commands::verification` for what is answered and why.

use super::errors::ApiResult;
use super::query::{fail, request, state};
use super::reference::Labelled;
use super::scalars::Date;
use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use commands::verification::{self, CertificateStatus, FileCheck, FileKind, Summary};

/// Whether a certificate is authentic and current.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CertificateState {
    /// Issued by the register and current.
    Issued,
    /// Issued, then revoked by the National Europass Centre (see `revokedAt`, `revocationReason`).
    Revoked,
    /// The number exists; the holder's personal data were erased.
    Erased,
    /// No such certificate: the number does not exist, was never issued, or the code is not
    /// its code (the answers are alike, so numbers cannot be enumerated).
    Unknown,
}

/// What the register says about one certificate; everything but `status` is null when unknown.
#[derive(SimpleObject)]
pub struct CertificateVerification {
    /// Whether the certificate is authentic and current.
    pub status: CertificateState,
    /// The certificate's Europass number, e.g. `LV/2026/000123-2`.
    pub europass_number: Option<String>,
    /// When the certificate (its latest issue) was issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// Who issues Europass Mobility certificates, the National Europass Centre: its
    /// registration number as `code`, its name in both languages.
    pub issuer: Option<Labelled>,
    /// The sending institution, as printed.
    pub sending_institution: Option<String>,
    /// The country of the host organisation, with its name in both languages.
    pub host_country: Option<Labelled>,
    /// The mobility's first day.
    pub start_date: Option<Date>,
    /// The mobility's last day.
    pub end_date: Option<Date>,
    /// The holder's name as the certificate prints it.
    pub holder_name: Option<String>,
    /// A Europass Try Out exercise: not a certificate.
    pub try_out: bool,
    /// The language the certificate is printed in: `en` or `lv`.
    pub language: Option<String>,
    /// When the National Europass Centre revoked the certificate.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked, as the National Europass Centre wrote it.
    pub revocation_reason: Option<String>,
}

impl From<CertificateStatus> for CertificateVerification {
    fn from(status: CertificateStatus) -> Self {
        let blank = |status| Self {
            status,
            europass_number: None,
            issued_at: None,
            issuer: None,
            sending_institution: None,
            host_country: None,
            start_date: None,
            end_date: None,
            holder_name: None,
            try_out: false,
            language: None,
            revoked_at: None,
            revocation_reason: None,
        };
        let of = |status, s: Summary| Self {
            europass_number: Some(s.europass_number),
            issued_at: Some(s.issued_at),
            issuer: Some(Labelled {
                code: s.issuer.registration,
                en: s.issuer.name_en,
                lv: s.issuer.name_lv,
            }),
            sending_institution: Some(s.sending_institution),
            host_country: s.host_country.map(|c| Labelled {
                code: c.code.to_string(),
                en: c.label.en.to_string(),
                lv: c.label.lv.to_string(),
            }),
            start_date: s.start_date.map(Date),
            end_date: s.end_date.map(Date),
            holder_name: Some(s.holder_name),
            try_out: s.try_out,
            language: Some(s.language.to_string()),
            ..blank(status)
        };
        match status {
            CertificateStatus::Issued(summary) => of(CertificateState::Issued, summary),
            CertificateStatus::Revoked {
                summary,
                at,
                reason,
            } => Self {
                revoked_at: Some(at),
                revocation_reason: Some(reason),
                ..of(CertificateState::Revoked, summary)
            },
            CertificateStatus::Erased { europass_number } => Self {
                europass_number: Some(europass_number),
                ..blank(CertificateState::Erased)
            },
            CertificateStatus::Unknown => blank(CertificateState::Unknown),
        }
    }
}

/// What a checked file is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CertificateFileKind {
    /// The certificate's PDF.
    Pdf,
    /// The sealed European Digital Credential.
    Credential,
}

/// Whether a file is exactly one the register issued (`POST /verify`, the verification page).
#[derive(SimpleObject)]
pub struct FileVerification {
    /// True if the file is byte for byte a PDF, or a credential under its seal, that the
    /// register issued.
    pub issued_by_register: bool,
    /// What the file is, when the register issued it.
    pub kind: Option<CertificateFileKind>,
    /// The credential was sealed with the development seal: not to be trusted.
    pub development_seal: bool,
    /// Why the file is not one the register issued.
    pub reason: Option<String>,
    /// The certificate's status, when the file is one the register issued.
    pub certificate: Option<CertificateVerification>,
}

impl From<FileCheck> for FileVerification {
    fn from(check: FileCheck) -> Self {
        match check {
            FileCheck::Issued {
                status,
                kind,
                development_seal,
            } => Self {
                issued_by_register: true,
                kind: Some(match kind {
                    FileKind::Pdf => CertificateFileKind::Pdf,
                    FileKind::Credential => CertificateFileKind::Credential,
                }),
                development_seal,
                reason: None,
                certificate: Some((*status).into()),
            },
            FileCheck::NotIssued { reason } => Self {
                issued_by_register: false,
                kind: None,
                development_seal: false,
                reason: Some(reason),
                certificate: None,
            },
        }
    }
}

#[derive(Default)]
pub struct VerificationQuery;

#[Object]
impl VerificationQuery {
    /// Issue 23 (public, no login): whether the certificate with this Europass number is
    /// authentic and current, given the verification code printed beside its QR code. Rate
    /// limited per client address (`THROTTLED`).
    async fn certificate_verification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Europass number, `LV/2026/000123-2` or `LV-2026-000123-2`.")]
        number: String,
        #[graphql(desc = "The verification code, e.g. `7KQ2M-X9D4T` (case and hyphens free).")]
        code: String,
    ) -> ApiResult<CertificateVerification> {
        let status = verification::check(&state(ctx).services, &number, &code, request(ctx).client)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(status.into())
    }
}
