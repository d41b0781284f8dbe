//! Filling certificate documents (R-PERSONAL, R-HOSTORG, R-PROJECT, R-OUTCOMES, R-LANG),
//! copying sections to other documents (R-COPY), and who may touch which document (R-AUTHZ):
//! the owning institution, NEC staff (reading), the host named by the host e-mail, and the
//! participant named by the participant e-mail.

use crate::auth::Principal;
use crate::Services;
use domain::document::{
    Document, DocumentCommand, Editor, HostOrganisationPatch, LearningOutcomesPatch,
    PersonalDataPatch, ProjectPatch, Section,
};
use domain::mobility::Mobility;
use domain::reference::DocumentLanguage;
use domain::values::PhotoRef;
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::retry;
use eventstore::store::{CommandContext, Receipt};
use futures::stream::{self, StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use domain::authorization::{DocumentFile, DocumentOperation, Relation};

/// The caller as the authorization rules see it.
pub fn caller(principal: &Principal) -> domain::authorization::Caller<'_> {
    domain::authorization::Caller::new(&principal.role, principal.email.as_ref())
}

/// R-AUTHZ: the one decision on (caller, operation, document); a caller unrelated to the
/// document gets NOT_FOUND, the same answer as for a document that does not exist.
pub fn authorize(
    principal: &Principal,
    document: &Document,
    operation: DocumentOperation,
) -> Result<Relation, CommandError> {
    Ok(domain::authorization::authorize_document(
        caller(principal),
        document,
        operation,
    )?)
}

/// Loads a document and decides the operation on it.
pub async fn load_authorized(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
    operation: DocumentOperation,
) -> Result<(Document, Relation), CommandError> {
    let document = services.store.documents.load(document_id).await?;
    let relation = authorize(principal, &document, operation)?;
    Ok((document, relation))
}

/// Who edits, if the caller may fill this document at all.
fn editor(principal: &Principal, document: &Document) -> Result<Editor, CommandError> {
    let relation = authorize(principal, document, DocumentOperation::Fill)?;
    relation
        .editor()
        .ok_or_else(|| CommandError::failure(anyhow::anyhow!("{relation:?} allowed to fill")))
}

async fn editor_of(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
    operation: DocumentOperation,
) -> Result<(Document, Editor), CommandError> {
    let (document, _) = load_authorized(services, principal, document_id, operation).await?;
    let editor = editor(principal, &document)?;
    Ok((document, editor))
}

/// Creates the aggregates of a mobility's approved documents that do not exist yet. Creating
/// is idempotent, so this also repairs an approval interrupted half-way.
#[tracing::instrument(name = "create_documents", skip(services, ctx))]
pub async fn create_documents(
    services: &Services,
    ctx: &CommandContext,
    mobility_id: Uuid,
) -> Result<usize, CommandError> {
    let mobility: Mobility = services.store.mobilities.load(mobility_id).await?;
    let (Some(institution_id), Some(procedure), Some(start), Some(end)) = (
        mobility.institution_id(),
        mobility.procedure(),
        mobility.start(),
        mobility.end(),
    ) else {
        return Ok(0);
    };
    let programme = mobility
        .details()
        .and_then(|d| d.programme())
        .map(|p| p.label.clone());
    let now = services.clock.now();
    let documents = mobility.documents().to_vec();
    let count = documents.len();
    stream::iter(documents)
        .map(|doc| {
            let programme = programme.clone();
            async move {
                services
                    .store
                    .documents
                    .execute(
                        doc.document_id,
                        DocumentCommand::Create {
                            document_id: doc.document_id,
                            mobility_id,
                            institution_id,
                            europass_number: doc.europass_number,
                            procedure,
                            mobility_start: start,
                            mobility_end: end,
                            programme,
                        },
                        ctx,
                        now,
                    )
                    .await
            }
        })
        .buffer_unordered(8)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(count)
}

/// One section save, as the client sent it.
#[derive(Clone)]
pub enum SectionSave {
    PersonalData(PersonalDataPatch),
    HostOrganisation(HostOrganisationPatch),
    Project(ProjectPatch),
    LearningOutcomes(LearningOutcomesPatch),
    Language(DocumentLanguage),
}

#[tracing::instrument(name = "save_section", skip_all, fields(document = %document_id))]
pub async fn save(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
    save: SectionSave,
) -> Result<(Document, Relation), CommandError> {
    let at = services.clock.now();
    // The caller's right to edit is checked on the very state the save is decided on.
    let document = services
        .store
        .documents
        .execute_with_state(document_id, ctx, at, |document| {
            let by = editor(principal, document)?;
            Ok(match &save {
                SectionSave::PersonalData(patch) => DocumentCommand::SavePersonalData {
                    patch: patch.clone(),
                    by,
                    at,
                },
                SectionSave::HostOrganisation(patch) => DocumentCommand::SaveHostOrganisation {
                    patch: patch.clone(),
                    by,
                    at,
                },
                SectionSave::Project(patch) => DocumentCommand::SaveProject {
                    patch: patch.clone(),
                    by,
                    at,
                },
                SectionSave::LearningOutcomes(patch) => DocumentCommand::SaveLearningOutcomes {
                    patch: patch.clone(),
                    by,
                    at,
                },
                SectionSave::Language(language) => DocumentCommand::SetLanguage {
                    language: *language,
                    by,
                },
            })
        })
        .await?;
    // The answer shows the state just decided: no second load.
    let relation = authorize(principal, &document, DocumentOperation::Read)?;
    Ok((document, relation))
}

/// R-PERSONAL: the holder's photo, checked by decoding, stripped of metadata, stored by hash.
#[tracing::instrument(name = "upload_photo", skip_all, fields(document = %document_id))]
pub async fn upload_photo(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
    bytes: Vec<u8>,
) -> Result<String, CommandError> {
    let (document, by) = editor_of(
        services,
        principal,
        document_id,
        DocumentOperation::UploadPhoto,
    )
    .await?;
    if !by.may_edit(Section::PersonalData) {
        return Err(Refusal::forbidden(
            "EDITOR_NOT_ALLOWED",
            "only the institution or the participant can change the photo",
        )
        .into());
    }
    // The document's decision refuses a locked participant's photo too, but only after the
    // image was stored: a refusal must store nothing.
    if let Some(from) = document
        .participant_locked_from()
        .filter(|from| by == Editor::Participant && services.clock.now() >= *from)
    {
        return Err(Refusal::forbidden(
            "PARTICIPANT_ACCESS_LOCKED",
            format!("participant access is locked since {}", from.to_rfc3339()),
        )
        .into());
    }
    let accepted = tokio::task::spawn_blocking(move || images::accept_photo(&bytes))
        .await
        .map_err(CommandError::failure)?
        .map_err(|e| Refusal::validation("photo", e.code(), e.to_string()))?;
    let sha256 = crate::blobs::store(
        services,
        "image/png",
        &accepted.png,
        crate::blobs::Holder::Document(document_id),
    )
    .await?;
    let photo = PhotoRef::new(&sha256, domain::values::ImageType::Png)?;
    let at = services.clock.now();
    services
        .store
        .documents
        .execute(
            document_id,
            DocumentCommand::SavePersonalData {
                patch: PersonalDataPatch {
                    photo: Some(Some(photo)),
                    ..Default::default()
                },
                by,
                at,
            },
            ctx,
            at,
        )
        .await?;
    Ok(sha256)
}

pub struct CopyRequest {
    pub source: Uuid,
    pub section: String,
    pub fields: Vec<String>,
    pub targets: Vec<Uuid>,
    pub client_mutation_id: Option<domain::values::ClientMutationId>,
}

/// R-COPY: at most this many targets in one request.
pub const MAX_COPY_TARGETS: usize = 1000;

/// R-COPY: copies chosen fields of one section to other documents of the same mobility.
///
/// All or none: every target is decided first, in memory, against its current state; only if
/// all accept are the copies appended, in one statement. A concurrent edit of any target is a
/// conflict: all targets are decided again on fresh state.
///
/// A request with a client mutation id is carried out once per institution: its receipt
/// (the answer) is written by the statement that writes the copies, and a retry finds it and
/// answers the first answer without deciding anything, even after later edits of the targets
/// (deciding again would write the old values over them). The same id with another request
/// is refused. Another institution's ids are not this one's.
#[tracing::instrument(name = "copy_to_documents", skip_all, fields(source = %request.source, targets = request.targets.len()))]
pub async fn copy_to_documents(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    request: CopyRequest,
) -> Result<usize, CommandError> {
    let (source, by) =
        editor_of(services, principal, request.source, DocumentOperation::Fill).await?;
    let section = Section::parse(&request.section)?;
    if !by.may_edit(section) {
        return Err(
            Refusal::forbidden("EDITOR_NOT_ALLOWED", "you may not change this section").into(),
        );
    }
    if request.targets.is_empty() || request.targets.len() > MAX_COPY_TARGETS {
        return Err(Refusal::validation(
            "targets",
            "TARGET_COUNT_OUT_OF_RANGE",
            format!("choose 1 to {MAX_COPY_TARGETS} target documents"),
        )
        .into());
    }
    let mut targets = request.targets.clone();
    targets.sort();
    targets.dedup();
    let at = services.clock.now();
    let receipt = request.client_mutation_id.as_ref().map(|id| Receipt {
        scope: principal.institution_id().unwrap_or(principal.account_id),
        client_mutation_id: id.as_str().to_string(),
        request_hash: hex::encode(Sha256::digest(
            format!(
                "{}|{}|{}|{:?}",
                request.source,
                section.as_str(),
                request.fields.join(","),
                targets
            )
            .as_bytes(),
        )),
        source_document: request.source,
        targets: targets.len() as i32,
        at,
    });
    let check =
        |id: Uuid, target: &Document| match authorize(principal, target, DocumentOperation::Fill) {
            Ok(_) if target.mobility_id() == source.mobility_id() => Ok(()),
            _ => Err(Refusal::validation(
                "targets",
                "TARGET_NOT_IN_MOBILITY",
                format!("document {id} is not a document of the same mobility"),
            )
            .into()),
        };
    let (source, request, targets, receipt, check) =
        (&source, &request, &targets, &receipt, &check);
    // Decided again only after a conflict (see `eventstore::retry`), and then the receipt is looked
    // up first: a concurrent request under the same id that committed first is answered.
    retry::on_conflict(|| async move {
        if let Some(receipt) = receipt {
            if let Some(first) = first_answer(services, receipt).await? {
                return Ok(first);
            }
        }
        let copy = source.copy_of(section, &request.fields)?;
        // Every target is loaded, checked and decided before anything is written; then all
        // the copies are appended in one statement (all or nothing), with the receipt.
        let commands: Vec<_> = targets
            .iter()
            .map(|id| {
                let copy = copy.clone();
                (*id, DocumentCommand::ReceiveCopy { copy, by, at })
            })
            .collect();
        services
            .store
            .documents
            .execute_many_once(&commands, ctx, at, check, receipt.as_ref())
            .await?;
        Ok(targets.len())
    })
    .await
}

/// The answer of the request `receipt` stands for, if it was carried out; a request under
/// the same id that is not the same request is refused.
async fn first_answer(
    services: &Services,
    receipt: &Receipt,
) -> Result<Option<usize>, CommandError> {
    let known: Option<(String, i32)> = sqlx::query_as(
        "SELECT request_hash, targets FROM copy_operations
          WHERE scope = $1 AND client_mutation_id = $2",
    )
    .bind(receipt.scope)
    .bind(&receipt.client_mutation_id)
    .fetch_optional(&services.pool)
    .await?;
    match known {
        None => Ok(None),
        Some((hash, targets)) if hash == receipt.request_hash => Ok(Some(targets as usize)),
        Some(_) => Err(Refusal::validation(
            "clientMutationId",
            "CLIENT_MUTATION_ID_REUSED",
            "this client mutation id was used for a different request",
        )
        .into()),
    }
}
