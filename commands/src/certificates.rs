//! R-PDF: the certificate, compiled by the Typst template from the document's state, the
//! sending institution's base data as they stand at issue, and the active signatures. Issuing
//! records an event with the PDF's SHA-256, language and template version.

use crate::auth::Principal;
use crate::documents::{load_authorized, DocumentOperation};
use crate::Services;
use chrono::{DateTime, NaiveDate, Utc};
use domain::account::account_id_for;
use domain::document::{Document, DocumentCommand, Editor};
use domain::reference::{self, DocumentLanguage, LanguageActivity, Stay};
use domain::signature::{SignatureChoice, SignatureKind, SignatureLibrary};
use domain::values::{CountryCode, EuropassNumber, VerificationCode};
use domain::{Personal, Refusal};
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
use pdf_templates as pdf;
use uuid::Uuid;

pub struct IssuedPdf {
    pub pdf: Vec<u8>,
    pub sha256: String,
    pub file_name: String,
}

fn text<T: ToString>(v: Option<&T>) -> Option<String> {
    v.map(ToString::to_string)
}

fn personal<T: ToString>(v: Option<&Personal<T>>) -> Option<String> {
    v.and_then(Personal::known).map(ToString::to_string)
}

fn country_name(code: Option<&CountryCode>, lang: DocumentLanguage) -> String {
    match code {
        Some(code) => reference::country(code)
            .map(|c| lang.pick(c.label).to_string())
            .unwrap_or_else(|| code.as_str().to_string()),
        None => String::new(),
    }
}

fn cefr(level: Option<reference::CefrLevel>) -> Option<pdf::CefrLevel> {
    level.map(|l| match l.as_str() {
        "A1" => pdf::CefrLevel::A1,
        "A2" => pdf::CefrLevel::A2,
        "B1" => pdf::CefrLevel::B1,
        "B2" => pdf::CefrLevel::B2,
        "C1" => pdf::CefrLevel::C1,
        _ => pdf::CefrLevel::C2,
    })
}

async fn image(services: &Services, sha256: &str) -> Result<Option<pdf::Image>, CommandError> {
    Ok(crate::blobs::read(services, sha256)
        .await?
        .map(|(_, bytes)| pdf::Image {
            format: pdf::ImageFormat::Png,
            bytes,
        }))
}

/// An owner's signature and stamp: the ones a document chose, else the active defaults.
async fn signatory(
    services: &Services,
    owner: Uuid,
    chosen: impl Fn(SignatureKind) -> SignatureChoice,
    as_of: Option<DateTime<Utc>>,
) -> Result<pdf::Signatory, CommandError> {
    let library: SignatureLibrary = match as_of {
        Some(at) => services.store.signatures.load_as_of(owner, at).await?,
        None => services.store.signatures.load(owner).await?,
    };
    // A chosen signature removed since falls back to the default, as the API documents.
    let pick = |kind| match chosen(kind) {
        SignatureChoice::Empty => None,
        SignatureChoice::Default => library.default_of(kind),
        SignatureChoice::Use(id) => library
            .signatures()
            .iter()
            .find(|s| s.id == id)
            .or_else(|| library.default_of(kind)),
    };
    // The stored signature's name only tells the library's entries apart; the certificate
    // prints the signatory (contact person or mentor) from the data, set by the caller.
    let mut signatory = pdf::Signatory::default();
    if let Some(s) = pick(SignatureKind::Signature) {
        signatory.signature = image(services, s.sha256.as_str()).await?;
    }
    if let Some(s) = pick(SignatureKind::Stamp) {
        signatory.stamp = image(services, s.sha256.as_str()).await?;
    }
    Ok(signatory)
}

/// Everything the template prints, in the document's language (never the interface's).
///
/// With `as_of`, the institution's base data and the signatures are taken as they stood then
/// (to re-create a certificate exactly as issued).
pub async fn certificate_data(
    services: &Services,
    document: &Document,
    issue_date: NaiveDate,
    as_of: Option<DateTime<Utc>>,
) -> Result<pdf::CertificateData, CommandError> {
    let lang = document.language();
    let (Some(number), Some(mobility_id), Some(institution_id)) = (
        document.europass_number(),
        document.mobility_id(),
        document.institution_id(),
    ) else {
        return Err(Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found").into());
    };
    let mobility = services.store.mobilities.load(mobility_id).await?;
    let issuing_organisation = mobility
        .issuer()
        .and_then(|i| i.label())
        .map(|l| lang.pick(l).to_string())
        .unwrap_or_default();
    let institution = match as_of {
        Some(at) => {
            services
                .store
                .institutions
                .load_as_of(institution_id, at)
                .await?
        }
        None => services.store.institutions.load(institution_id).await?,
    };
    let base = institution
        .base_data()
        .ok_or_else(|| CommandError::failure(anyhow::anyhow!("institution without base data")))?;
    let p = document.personal_data();
    let h = document.host_organisation();
    let pr = document.project();
    let o = document.learning_outcomes();
    let photo = match p.photo().and_then(Personal::known) {
        Some(photo) => image(services, photo.sha256().as_str()).await?,
        None => None,
    };
    let mut sending_signatory = signatory(
        services,
        institution_id,
        |kind| document.signature_choice(kind),
        as_of,
    )
    .await?;
    sending_signatory.name = personal(base.contact_person.as_ref());
    sending_signatory.position = text(base.contact_position.as_ref());
    sending_signatory.date = sending_signatory.signature.is_some().then_some(issue_date);
    let mut host_signatory = match document.host_email() {
        Some(email) => {
            signatory(
                services,
                account_id_for(email),
                |_| SignatureChoice::Default,
                as_of,
            )
            .await?
        }
        None => pdf::Signatory::default(),
    };
    host_signatory.name = [
        personal(h.mentor_first_name()),
        personal(h.mentor_last_name()),
    ]
    .into_iter()
    .flatten()
    .reduce(|first, last| format!("{first} {last}"));
    host_signatory.position = text(h.position());
    // A printed signature is dated as issued; without one the date is written by hand.
    host_signatory.date = host_signatory.signature.is_some().then_some(issue_date);
    Ok(pdf::CertificateData {
        language: match lang {
            DocumentLanguage::En => pdf::DocumentLanguage::En,
            DocumentLanguage::Lv => pdf::DocumentLanguage::Lv,
        },
        europass_number: number.to_string(),
        issue_date,
        issuing_organisation,
        holder: pdf::Holder {
            surname: personal(p.surname()).unwrap_or_default(),
            first_names: personal(p.first_name()).unwrap_or_default(),
            date_of_birth: p.date_of_birth().and_then(Personal::known).copied(),
            nationality: p
                .nationality()
                .and_then(Personal::known)
                .map(|c| country_name(Some(c), lang)),
            address: personal(p.address()),
            email: personal(p.email()),
            photo,
        },
        sending: pdf::SendingInstitution {
            name: base.name.to_string(),
            address: text(base.address.as_ref()),
            country: country_name(base.country.as_ref(), lang),
            contact_person: personal(base.contact_person.as_ref()),
            phone: personal(base.phone.as_ref()),
            email: base.email.known().map(ToString::to_string),
            website: base.website.as_ref().map(|w| w.as_str().to_string()),
            organisation_type: base
                .organisation_type
                .as_ref()
                .map(|t| t.text_in(lang).to_string()),
            contact_position: text(base.contact_position.as_ref()),
        },
        host: pdf::HostOrganisation {
            name: text(h.name()).unwrap_or_default(),
            organisation_type: h.organisation_type().map(|t| t.text_in(lang).to_string()),
            address: text(h.address()),
            country: country_name(h.country(), lang),
            mentor_first_name: personal(h.mentor_first_name()).unwrap_or_default(),
            mentor_last_name: personal(h.mentor_last_name()).unwrap_or_default(),
            mentor_position: text(h.position()),
            phone: personal(h.phone()),
            email: personal(h.email()),
        },
        mobility: pdf::MobilityDescription {
            objective: text(pr.objective()).unwrap_or_default(),
            programme: pr.programme().map(|l| lang.pick_owned(l).to_string()),
            qualification: text(pr.qualification()),
            // Procedure A's (and C's) project number and B's description (issue 22).
            project_number: mobility
                .details()
                .and_then(|d| d.project_number())
                .map(|n| n.as_str().to_string()),
            project_description: mobility
                .details()
                .and_then(|d| d.description())
                .map(|d| d.as_str().to_string()),
            // An unset stay prints nothing (issue 22): "physical" would be a guess.
            mode: pr.stay().map(|stay| match stay {
                Stay::Virtual => pdf::MobilityMode::Virtual,
                Stay::Physical => pdf::MobilityMode::Physical,
            }),
            purpose: pr.purpose().map(|c| c.text_in(lang).to_string()),
            start_date: pr.start_date().unwrap_or(issue_date),
            end_date: pr.end_date().unwrap_or(issue_date),
            country: country_name(h.country(), lang),
        },
        outcomes: pdf::LearningOutcomes {
            activities: text(o.activities()).unwrap_or_default(),
            job_related_skills: text(o.job_related_skills()),
            languages: o
                .language_skills()
                .iter()
                .map(|s| pdf::LanguageSkill {
                    language: s
                        .language_label()
                        .map(|l| lang.pick(l).to_string())
                        .unwrap_or_else(|| s.language().to_string()),
                    listening: cefr(s.level(LanguageActivity::Listening)),
                    reading: cefr(s.level(LanguageActivity::Reading)),
                    spoken_interaction: cefr(s.level(LanguageActivity::SpokenInteraction)),
                    spoken_production: cefr(s.level(LanguageActivity::SpokenProduction)),
                    writing: cefr(s.level(LanguageActivity::Writing)),
                })
                .collect(),
            digital_skills: text(o.digital_skills()),
            organisational_skills: text(o.organisational_skills()),
            communication_skills: text(o.communication_skills()),
            other_skills: text(o.other_skills()),
        },
        signatures: pdf::Signatures {
            sending: sending_signatory,
            host: host_signatory,
        },
        verification: Some(verification(services, document_id_of(document)?, number)),
    })
}

/// Issue 23: the link the certificate's QR code opens and the code printed beside it.
pub fn verification(
    services: &Services,
    document_id: Uuid,
    number: &EuropassNumber,
) -> pdf::Verification {
    let code = VerificationCode::of_document(document_id);
    pdf::Verification {
        url: format!(
            "{}/verify/{}?code={}",
            services.public_url,
            number.slug(),
            code.as_str()
        ),
        code: code.printed(),
    }
}

fn document_id_of(document: &Document) -> Result<Uuid, CommandError> {
    document
        .document_id()
        .ok_or_else(|| Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found").into())
}

/// Renders in a blocking thread; a compile failure or panic is contained there.
pub async fn render(
    services: &Services,
    data: pdf::CertificateData,
) -> Result<pdf::Rendered, CommandError> {
    let renderer = services.renderer.clone();
    let started = std::time::Instant::now();
    let rendered = tokio::task::spawn_blocking(move || renderer.render(&data)).await;
    metrics::histogram!("europass_certificate_render_seconds")
        .record(started.elapsed().as_secs_f64());
    rendered.map_err(CommandError::failure)?.map_err(|e| {
        if e.is_input_error() {
            CommandError::Refused(Refusal::validation(
                "document",
                "NOT_PRINTABLE",
                format!("the certificate cannot be printed: {e}"),
            ))
        } else {
            CommandError::failure(anyhow::anyhow!("rendering a certificate: {e}"))
        }
    })
}

/// Issues the certificate of a complete document: only the sending institution and NEC staff.
#[tracing::instrument(name = "issue_certificate", skip_all, fields(document = %document_id))]
pub async fn issue(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
) -> Result<IssuedPdf, CommandError> {
    let (document, _) = load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::IssueCertificate,
    )
    .await?;
    document.ensure_complete()?;
    // Refused before anything is rendered or stored (the domain refuses the event too).
    document.ensure_not_revoked()?;
    let now = services.clock.now();
    let data = certificate_data(services, &document, now.date_naive(), None).await?;
    let rendered = render(services, data).await?;
    crate::blobs::store(
        services,
        "application/pdf",
        &rendered.pdf,
        crate::blobs::Holder::Document(document_id),
    )
    .await?;
    services
        .store
        .documents
        .execute(
            document_id,
            DocumentCommand::RecordCertificateIssued {
                sha256: rendered.sha256.clone(),
                language: document.language(),
                template_version: pdf::TEMPLATE_VERSION.to_string(),
                by: Editor::Institution,
                at: now,
            },
            ctx,
            now,
        )
        .await?;
    let number = document
        .europass_number()
        .map(|n| n.to_string().replace('/', "-"))
        .unwrap_or_default();
    Ok(IssuedPdf {
        file_name: format!("europass-mobility-{number}.pdf"),
        sha256: rendered.sha256,
        pdf: rendered.pdf,
    })
}

/// Issue 23: the NEC revokes a document's issued certificate, with a reason the public
/// verification page shows. A retry (or a second revocation) writes nothing.
#[tracing::instrument(name = "revoke_certificate", skip_all, fields(document = %document_id))]
pub async fn revoke(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
    reason: &str,
) -> Result<(), CommandError> {
    load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::RevokeCertificate,
    )
    .await?;
    let now = services.clock.now();
    services
        .store
        .documents
        .execute(
            document_id,
            DocumentCommand::RevokeCertificate {
                reason: reason.to_string(),
                at: now,
            },
            ctx,
            now,
        )
        .await?;
    Ok(())
}

/// The first page of the certificate a download would give now, as a PNG preview (issue 22):
/// for the same people, from the same complete document; nothing is recorded, since nothing
/// is issued.
#[tracing::instrument(name = "preview_certificate", skip_all, fields(document = %document_id))]
pub async fn preview(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<Vec<u8>, CommandError> {
    let (document, _) = load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::IssueCertificate,
    )
    .await?;
    document.ensure_complete()?;
    let data =
        certificate_data(services, &document, services.clock.now().date_naive(), None).await?;
    let renderer = services.renderer.clone();
    tokio::task::spawn_blocking(move || renderer.first_page_png(&data, PREVIEW_WIDTH_PX))
        .await
        .map_err(CommandError::failure)?
        .map_err(|e| CommandError::failure(anyhow::anyhow!("previewing a certificate: {e}")))
}

/// Wide enough to read on a screen, small enough to load at once (about 100 KB).
const PREVIEW_WIDTH_PX: u32 = 700;

/// R-AUDIT: re-creates an issued certificate from the state it was issued from (document,
/// base data and signatures as of that moment) and says whether its SHA-256 matches the one
/// recorded. A different template version cannot match and is reported as such.
pub struct Reissue {
    pub recorded_sha256: String,
    pub recreated_sha256: Option<String>,
    pub template_version: String,
    pub matches: bool,
}

#[tracing::instrument(name = "verify_issued_certificate", skip_all, fields(document = %document_id))]
pub async fn verify_issued(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
    sha256: &str,
) -> Result<Reissue, CommandError> {
    let (document, _) = load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::VerifyCertificate,
    )
    .await?;
    let issued = document
        .issued_certificates()
        .iter()
        .find(|c| c.sha256.as_str() == sha256)
        .cloned()
        .ok_or_else(|| Refusal::not_found("CERTIFICATE_NOT_FOUND", "no such issued certificate"))?;
    let template_version = issued.template_version.to_string();
    if template_version != pdf::TEMPLATE_VERSION {
        return Ok(Reissue {
            recorded_sha256: sha256.to_string(),
            recreated_sha256: None,
            template_version,
            matches: false,
        });
    }
    let then = services
        .store
        .documents
        .load_as_of(document_id, issued.at)
        .await?;
    let data = certificate_data(services, &then, issued.at.date_naive(), Some(issued.at)).await?;
    let rendered = render(services, data).await?;
    Ok(Reissue {
        recorded_sha256: sha256.to_string(),
        matches: rendered.sha256 == sha256,
        recreated_sha256: Some(rendered.sha256),
        template_version,
    })
}
