//! Filling certificate documents (R-PERSONAL, R-HOSTORG, R-PROJECT, R-OUTCOMES, R-LANG),
//! copying sections to other documents (R-COPY), and who may touch which document (R-AUTHZ):
//! the owning institution, NEC staff (reading), the host named by the host e-mail, and the
//! participant named by the participant e-mail.

use crate::auth::Principal;
use crate::error::CommandError;
use crate::store::CommandContext;
use crate::Services;
use domain::account::AccountRole;
use domain::document::{
    Document, DocumentCommand, Editor, HostOrganisationPatch, LearningOutcomesPatch,
    PersonalDataPatch, ProjectPatch, Section,
};
use domain::mobility::Mobility;
use domain::reference::DocumentLanguage;
use domain::values::PhotoRef;
use domain::Refusal;
use futures::stream::{self, StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use uuid::Uuid;

fn not_found() -> CommandError {
    Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found").into()
}

/// How the caller relates to a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Edit(Editor),
    /// NEC staff read everything and change nothing here.
    ReadOnly,
}

/// The caller's access to a document, or NOT_FOUND, the same answer as for a document that
/// does not exist.
pub fn access(principal: &Principal, document: &Document) -> Result<Access, CommandError> {
    if !document.is_created() {
        return Err(not_found());
    }
    let email_is = |other: Option<&domain::values::Email>| {
        principal.email.is_some() && principal.email.as_ref() == other
    };
    match &principal.role {
        AccountRole::InstitutionUser { institution_id, .. }
            if document.institution_id() == Some(*institution_id) =>
        {
            Ok(Access::Edit(Editor::Institution))
        }
        AccountRole::Nec => Ok(Access::ReadOnly),
        AccountRole::Host if email_is(document.host_email()) => Ok(Access::Edit(Editor::Host)),
        AccountRole::Participant if email_is(document.participant_email()) => {
            Ok(Access::Edit(Editor::Participant))
        }
        _ => Err(not_found()),
    }
}

/// Loads a document the caller may see.
pub async fn load_for(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<(Document, Access), CommandError> {
    let document = services.store.documents.load(document_id).await?;
    let access = access(principal, &document)?;
    Ok((document, access))
}

/// Who edits, if the caller may edit this document at all.
fn editor(principal: &Principal, document: &Document) -> Result<Editor, CommandError> {
    match access(principal, document)? {
        Access::Edit(editor) => Ok(editor),
        Access::ReadOnly => Err(Refusal::forbidden(
            "READ_ONLY",
            "NEC staff can read documents but not fill them",
        )
        .into()),
    }
}

async fn editor_of(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<(Document, Editor), CommandError> {
    let document = services.store.documents.load(document_id).await?;
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
) -> Result<(Document, Access), CommandError> {
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
    let access = access(principal, &document)?;
    Ok((document, access))
}

/// Stores an accepted image by content hash (outside the events, so it can be erased).
pub async fn store_blob(
    services: &Services,
    media_type: &str,
    bytes: &[u8],
) -> Result<String, CommandError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    sqlx::query(
        "INSERT INTO blobs (sha256, media_type, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(&sha256)
    .bind(media_type)
    .bind(bytes)
    .execute(&services.pool)
    .await?;
    Ok(sha256)
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
    let (document, by) = editor_of(services, principal, document_id).await?;
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
    let sha256 = store_blob(services, "image/png", &accepted.png).await?;
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

/// A stored file, if the caller may see the document that uses it.
pub async fn blob(services: &Services, sha256: &str) -> Result<Option<Vec<u8>>, CommandError> {
    Ok(
        sqlx::query_scalar("SELECT bytes FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&services.pool)
            .await?,
    )
}

pub struct CopyRequest {
    pub source: Uuid,
    pub section: String,
    pub fields: Vec<String>,
    pub targets: Vec<Uuid>,
    pub client_mutation_id: Option<String>,
}

/// R-COPY: at most this many targets in one request.
pub const MAX_COPY_TARGETS: usize = 1000;

/// R-COPY: copies chosen fields of one section to other documents of the same mobility.
///
/// All or none: every target is decided first, in memory, against its current state; only if
/// all accept are the copies appended, in one statement. A concurrent edit of any target is a
/// conflict: the store decides all targets again on fresh state. A request with a client
/// mutation id is carried out once: a repeat changes nothing (a copy that finds the same
/// values already in place writes no event).
#[tracing::instrument(name = "copy_to_documents", skip_all, fields(source = %request.source, targets = request.targets.len()))]
pub async fn copy_to_documents(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    request: CopyRequest,
) -> Result<usize, CommandError> {
    let (source, by) = editor_of(services, principal, request.source).await?;
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
    let copy = source.copy_of(section, &request.fields)?;

    if let Some(id) = &request.client_mutation_id {
        let fingerprint = format!(
            "{}|{}|{}|{:?}",
            request.source,
            section.as_str(),
            request.fields.join(","),
            targets
        );
        let hash = hex::encode(Sha256::digest(fingerprint.as_bytes()));
        let inserted = sqlx::query(
            "INSERT INTO copy_operations (client_mutation_id, request_hash, source_document, targets, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&hash)
        .bind(request.source)
        .bind(targets.len() as i32)
        .bind(services.clock.now())
        .execute(&services.pool)
        .await?
        .rows_affected();
        if inserted == 0 {
            let known: Option<String> = sqlx::query_scalar(
                "SELECT request_hash FROM copy_operations WHERE client_mutation_id = $1",
            )
            .bind(id)
            .fetch_optional(&services.pool)
            .await?;
            if known.as_deref() != Some(hash.as_str()) {
                return Err(Refusal::validation(
                    "clientMutationId",
                    "CLIENT_MUTATION_ID_REUSED",
                    "this client mutation id was used for a different request",
                )
                .into());
            }
            // Same request again: completing it is harmless, copies already made write nothing.
        }
    }

    let at = services.clock.now();
    // Every target is loaded, checked and decided before anything is written; then all the
    // copies are appended in one statement (all or nothing).
    let commands = targets
        .iter()
        .map(|id| {
            let copy = copy.clone();
            (*id, DocumentCommand::ReceiveCopy { copy, by, at })
        })
        .collect();
    services
        .store
        .documents
        .execute_many(commands, ctx, at, |id, target| {
            match access(principal, target) {
                Ok(Access::Edit(_)) if target.mobility_id() == source.mobility_id() => Ok(()),
                _ => Err(Refusal::validation(
                    "targets",
                    "TARGET_NOT_IN_MOBILITY",
                    format!("document {id} is not a document of the same mobility"),
                )
                .into()),
            }
        })
        .await?;
    if let Some(id) = &request.client_mutation_id {
        sqlx::query("UPDATE copy_operations SET completed_at = $2 WHERE client_mutation_id = $1")
            .bind(id)
            .bind(services.clock.now())
            .execute(&services.pool)
            .await?;
    }
    Ok(targets.len())
}
