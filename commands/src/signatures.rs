//! R-SIGN: the three steps of preparing a signature or stamp, for an institution or a host.

use crate::auth::Principal;
use crate::Services;
use domain::account::AccountRole;
use domain::signature::{
    CutRect, PreparedVariant, SignatureChoice, SignatureCommand, SignatureKind, SignatureLibrary,
};
use domain::values::ContentHash;
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
use uuid::Uuid;

/// Whose library the caller works on: an institution's (any of its users) or a host's own.
pub fn owner(principal: &Principal) -> Result<Uuid, CommandError> {
    domain::authorization::register_rule(
        crate::documents::caller(principal),
        domain::authorization::Operation::ManageOwnSignatures,
    )?;
    Ok(match principal.role {
        AccountRole::InstitutionUser { institution_id, .. } => institution_id,
        _ => principal.account_id,
    })
}

fn image_error(field: &str, e: images::ImageError) -> CommandError {
    Refusal::validation(field, e.code(), e.to_string()).into()
}

pub struct Uploaded {
    pub upload_id: Uuid,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

/// Step 1: an image, checked by decoding and stored without metadata.
#[tracing::instrument(name = "upload_signature", skip_all)]
pub async fn upload(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    bytes: Vec<u8>,
) -> Result<Uploaded, CommandError> {
    let owner = owner(principal)?;
    let accepted = tokio::task::spawn_blocking(move || images::accept_signature_upload(&bytes))
        .await
        .map_err(CommandError::failure)?
        .map_err(|e| image_error("image", e))?;
    let sha256 = crate::blobs::store(
        services,
        "image/png",
        &accepted.png,
        crate::blobs::Holder::SignatureLibrary(owner),
    )
    .await?;
    let upload_id = Uuid::new_v4();
    services
        .store
        .signatures
        .execute(
            owner,
            SignatureCommand::Upload {
                upload_id,
                sha256: sha256.clone(),
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    Ok(Uploaded {
        upload_id,
        sha256,
        width: accepted.width,
        height: accepted.height,
    })
}

/// Step 2: the rectangle to use; the answer offers four variants of the cut-out.
#[tracing::instrument(name = "cut_signature", skip_all)]
pub async fn choose_rectangle(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    upload_id: Uuid,
    rect: CutRect,
) -> Result<Vec<(PreparedVariant, u32, u32)>, CommandError> {
    let owner = owner(principal)?;
    let history = services.store.signatures.history(owner).await?;
    let original = history
        .iter()
        .find_map(|e| match &e.payload {
            domain::signature::SignatureEvent::ImageUploaded {
                upload_id: id,
                sha256,
            } if *id == upload_id => Some(sha256.as_str().to_string()),
            _ => None,
        })
        .ok_or_else(|| Refusal::not_found("SIGNATURE_NOT_FOUND", "upload not found"))?;
    let png = crate::blobs::read(services, &original)
        .await?
        .map(|(_, bytes)| bytes)
        .ok_or_else(|| CommandError::failure(anyhow::anyhow!("uploaded image is missing")))?;
    let cut = images::Rect::new(rect.x, rect.y, rect.width, rect.height);
    let variants = tokio::task::spawn_blocking(move || images::cut_variants(&png, cut))
        .await
        .map_err(CommandError::failure)?
        .map_err(|e| image_error("rect", e))?;
    let mut prepared = vec![];
    for variant in images::Variant::ALL {
        let image = variants.get(variant);
        let sha = crate::blobs::store(
            services,
            "image/png",
            &image.png,
            crate::blobs::Holder::SignatureLibrary(owner),
        )
        .await?;
        prepared.push((
            PreparedVariant {
                code: variant.code().to_string(),
                sha256: ContentHash::parse(&sha)?,
            },
            image.width,
            image.height,
        ));
    }
    services
        .store
        .signatures
        .execute(
            owner,
            SignatureCommand::PrepareVariants {
                upload_id,
                rect,
                variants: prepared.iter().map(|(v, _, _)| v.clone()).collect(),
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    Ok(prepared)
}

/// Step 3: one variant, named, as a signature or a stamp; optionally the new default.
#[tracing::instrument(name = "activate_signature", skip_all)]
#[allow(clippy::too_many_arguments)] // each argument is one field of the client's step 3
pub async fn activate(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    upload_id: Uuid,
    variant: &str,
    name: &str,
    kind: SignatureKind,
    make_default: bool,
) -> Result<(), CommandError> {
    let owner = owner(principal)?;
    services
        .store
        .signatures
        .execute(
            owner,
            SignatureCommand::Activate {
                upload_id,
                variant: variant.to_string(),
                name: name.to_string(),
                kind,
                make_default,
            },
            ctx,
            services.clock.now(),
        )
        .await
}

pub async fn library(
    services: &Services,
    principal: &Principal,
) -> Result<SignatureLibrary, CommandError> {
    services.store.signatures.load(owner(principal)?).await
}

/// R-SIGN: a document of the institution uses another of its stored signatures or stamps,
/// the default again, or leaves that box empty.
#[tracing::instrument(name = "choose_document_signature", skip_all, fields(document = %document_id))]
pub async fn choose_for_document(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
    kind: SignatureKind,
    choice: SignatureChoice,
) -> Result<(), CommandError> {
    crate::documents::load_authorized(
        services,
        principal,
        document_id,
        crate::documents::DocumentOperation::ChooseSignature,
    )
    .await?;
    if let SignatureChoice::Use(id) = choice {
        let library = library(services, principal).await?;
        if !library
            .signatures()
            .iter()
            .any(|s| s.id == id && s.kind == kind)
        {
            return Err(Refusal::not_found("SIGNATURE_NOT_FOUND", "signature not found").into());
        }
    }
    services
        .store
        .documents
        .execute(
            document_id,
            domain::document::DocumentCommand::ChooseSignature {
                kind,
                choice,
                by: domain::document::Editor::Institution,
            },
            ctx,
            services.clock.now(),
        )
        .await
}

/// R-SIGN: keeping the library: rename, make the default of its kind, or remove (the caller's
/// own library only; a removed default leaves that kind without one).
#[tracing::instrument(name = "manage_signature", skip_all, fields(signature = %signature_id))]
pub async fn manage(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    signature_id: Uuid,
    change: LibraryChange,
) -> Result<(), CommandError> {
    let owner = owner(principal)?;
    let command = match change {
        LibraryChange::Rename(name) => SignatureCommand::Rename { signature_id, name },
        LibraryChange::MakeDefault => SignatureCommand::SetDefault { signature_id },
        LibraryChange::Remove => SignatureCommand::Remove { signature_id },
    };
    services
        .store
        .signatures
        .execute(owner, command, ctx, services.clock.now())
        .await
}

/// What `manage` does to one stored signature or stamp.
pub enum LibraryChange {
    Rename(String),
    MakeDefault,
    Remove,
}
