//! R-SIGN steps 2 and 3 and the list of signatures (step 1 is `POST /signatures/uploads`),
//! and R-PDF: where a document's certificate can be downloaded.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::query::{fail, parse_id, principal, state};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use commands::signatures;
use domain::signature::{self, CutRect};

/// What a stored image is on a certificate: a person's signature or an organisation's stamp.
/// A certificate has one box of each.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SignatureKind {
    /// A handwritten signature.
    Signature,
    /// An organisation's stamp (seal).
    Stamp,
}

impl From<SignatureKind> for signature::SignatureKind {
    fn from(k: SignatureKind) -> Self {
        match k {
            SignatureKind::Signature => Self::Signature,
            SignatureKind::Stamp => Self::Stamp,
        }
    }
}

impl From<signature::SignatureKind> for SignatureKind {
    fn from(k: signature::SignatureKind) -> Self {
        match k {
            signature::SignatureKind::Signature => Self::Signature,
            signature::SignatureKind::Stamp => Self::Stamp,
        }
    }
}

/// A rectangle of an uploaded image, in pixels from its top-left corner.
#[derive(InputObject)]
pub struct RectInput {
    /// Left edge, in pixels from the image's left side.
    pub x: u32,
    /// Top edge, in pixels from the image's top.
    pub y: u32,
    /// Width in pixels (at least 1; the rectangle must lie within the image).
    pub width: u32,
    /// Height in pixels (at least 1; the rectangle must lie within the image).
    pub height: u32,
}

/// One of the four variants of a chosen rectangle (R-SIGN step 2), to pick one from.
#[derive(SimpleObject)]
pub struct VariantView {
    /// The variant, for `activateSignature(variant:)`: `AS_IS`, `GREYSCALE`,
    /// `BLACK_AND_WHITE` or `TRANSPARENT` (white made transparent).
    pub code: String,
    /// SHA-256 (hex) of the variant's PNG; preview it with `GET /files/{sha256}`.
    pub sha256: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// An activated signature or stamp of the caller's library (an institution's or a host's).
#[derive(SimpleObject)]
pub struct SignatureView {
    /// The signature's id (for `chooseDocumentSignature`).
    pub id: ID,
    /// The name it was given when activated, e.g. the signatory's name.
    pub name: String,
    /// Signature or stamp.
    pub kind: SignatureKind,
    /// SHA-256 (hex) of its image; download with `GET /files/{sha256}`.
    pub sha256: String,
    /// The default of its kind goes into every certificate issued from now on.
    pub is_default: bool,
}

/// How a document's box is filled.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SignatureChoiceMode {
    /// The institution's default of that kind, as it is when the certificate is issued.
    Default,
    /// The stored signature or stamp `signatureId`.
    Chosen,
    /// Nothing: the box stays empty (to sign on paper, or because the other side signs).
    Empty,
}

/// One box of a document's certificate (R-SIGN): the signature or the stamp.
#[derive(SimpleObject)]
pub struct SignatureChoiceView {
    /// Which box.
    pub kind: SignatureKind,
    /// Default, a chosen one, or empty.
    pub mode: SignatureChoiceMode,
    /// The chosen signature's id when `mode` is `CHOSEN`.
    pub signature_id: Option<ID>,
}

impl SignatureChoiceView {
    pub fn new(kind: signature::SignatureKind, choice: signature::SignatureChoice) -> Self {
        let (mode, signature_id) = match choice {
            signature::SignatureChoice::Default => (SignatureChoiceMode::Default, None),
            signature::SignatureChoice::Use(id) => {
                (SignatureChoiceMode::Chosen, Some(ID(id.to_string())))
            }
            signature::SignatureChoice::Empty => (SignatureChoiceMode::Empty, None),
        };
        Self {
            kind: kind.into(),
            mode,
            signature_id,
        }
    }
}

/// An upload of the caller's library between step 1 and step 3 (R-SIGN), to return to.
#[derive(SimpleObject)]
pub struct SignatureUploadView {
    /// The upload's id.
    pub id: ID,
    /// SHA-256 (hex) of the uploaded image; view it with `GET /files/{sha256}`.
    pub sha256: Option<String>,
    /// The rectangle chosen in step 2, once chosen.
    pub rect: Option<RectView>,
    /// The four variants of the rectangle (empty until it is chosen).
    pub variants: Vec<VariantView>,
}

/// A rectangle of an uploaded image, in pixels from its top-left corner.
#[derive(SimpleObject)]
pub struct RectView {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

#[derive(Default)]
pub struct SignatureQuery;

#[Object]
impl SignatureQuery {
    /// The caller's (institution's or host's) activated signatures and stamps, in the order
    /// they were activated.
    async fn signatures(&self, ctx: &Context<'_>) -> ApiResult<Vec<SignatureView>> {
        let principal = principal(ctx).await?;
        let library = signatures::library(&state(ctx).services, principal)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(library
            .signatures()
            .iter()
            .map(|s| SignatureView {
                id: ID(s.id.to_string()),
                name: s.name.to_string(),
                kind: s.kind.into(),
                sha256: s.sha256.as_str().to_string(),
                is_default: library.default_of(s.kind).map(|d| d.id) == Some(s.id),
            })
            .collect())
    }

    /// R-SIGN: one upload of the caller's library, to continue with step 2 or 3. Null with
    /// NOT_FOUND when the caller's library has no such upload.
    async fn signature_upload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The upload's id, as `POST /signatures/uploads` answered it.")]
        upload_id: ID,
    ) -> ApiResult<Option<SignatureUploadView>> {
        let id = parse_id(ctx, "uploadId", &upload_id)?;
        let principal = principal(ctx).await?;
        let library = signatures::library(&state(ctx).services, principal)
            .await
            .map_err(|e| fail(ctx, e))?;
        let Some(upload) = library.upload(id) else {
            return Err(fail(
                ctx,
                domain::Refusal::not_found("SIGNATURE_NOT_FOUND", "upload not found"),
            ));
        };
        let (width, height) = upload.rect.map_or((0, 0), |r| (r.width, r.height));
        Ok(Some(SignatureUploadView {
            id: upload_id,
            sha256: upload.original.map(|s| s.as_str().to_string()),
            rect: upload.rect.map(|r| RectView {
                x: r.x,
                y: r.y,
                width: r.width,
                height: r.height,
            }),
            variants: upload
                .variants
                .iter()
                .map(|v| VariantView {
                    code: v.code.clone(),
                    sha256: v.sha256.as_str().to_string(),
                    width,
                    height,
                })
                .collect(),
        }))
    }

    /// R-PDF: where the sending institution and NEC staff download a document's certificate
    /// (`GET`, with the session's bearer token); issuing records the PDF's hash. Null (with
    /// an error) when the document does not exist or is not the caller's to see (NOT_FOUND),
    /// or for hosts and participants (FORBIDDEN).
    async fn certificate_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
    ) -> ApiResult<Option<String>> {
        download_url(ctx, &document_id, "certificate.pdf").await
    }

    /// Issue 23: where the sending institution and NEC staff download the latest issued
    /// certificate as a European Digital Credential (JSON-LD, the EDC application profile;
    /// `GET`, with the session's bearer token). Null (with an error) as for `certificateUrl`;
    /// the download itself refuses a certificate not issued yet (NOT_ISSUED) or an erased
    /// holder's (PARTICIPANT_DATA_ERASED).
    async fn credential_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
    ) -> ApiResult<Option<String>> {
        download_url(ctx, &document_id, "credential.json").await
    }
}

#[derive(Default)]
pub struct SignatureMutation;

#[Object]
impl SignatureMutation {
    /// R-SIGN step 2: the rectangle of the uploaded image (step 1, `POST /signatures/uploads`)
    /// to use; answers the four variants to pick one from.
    async fn choose_signature_rectangle(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The upload's id, as `POST /signatures/uploads` answered it.")]
        upload_id: ID,
        #[graphql(desc = "The part of the image to use.")] rect: RectInput,
    ) -> ApiResult<Vec<VariantView>> {
        let rect = CutRect {
            x: rect.x,
            y: rect.y,
            width: rect.width,
            height: rect.height,
        };
        let variants = mutate(ctx, async |c| {
            let upload_id = c.id("uploadId", &upload_id)?;
            signatures::choose_rectangle(c.services, &c.command, c.principal, upload_id, rect).await
        })
        .await?;
        Ok(variants
            .into_iter()
            .map(|(v, width, height)| VariantView {
                code: v.code,
                sha256: v.sha256.as_str().to_string(),
                width,
                height,
            })
            .collect())
    }

    /// The sending institution: a document uses another stored signature or stamp of the
    /// institution instead of the default, the default again, or leaves the box empty ("one
    /// signature, sending or host, is enough"). Answers true.
    async fn choose_document_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "Which box: the signature or the stamp.")] kind: SignatureKind,
        #[graphql(
            desc = "A signature of that kind from `signatures`; null: the default \
                          again (or nothing, with `leaveEmpty`)."
        )]
        signature_id: Option<ID>,
        #[graphql(
            desc = "True: this document's box stays empty (then `signatureId` must be \
                          null). Default false."
        )]
        leave_empty: Option<bool>,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let document_id = c.id("documentId", &document_id)?;
            let signature_id = signature_id.map(|s| c.id("signatureId", &s)).transpose()?;
            let choice = match (signature_id, leave_empty.unwrap_or(false)) {
                (Some(_), true) => {
                    return Err(domain::Refusal::validation(
                        "leaveEmpty",
                        "EMPTY_OR_CHOSEN",
                        "either choose a signature or leave the box empty, not both",
                    )
                    .into())
                }
                (Some(id), false) => signature::SignatureChoice::Use(id),
                (None, true) => signature::SignatureChoice::Empty,
                (None, false) => signature::SignatureChoice::Default,
            };
            signatures::choose_for_document(
                c.services,
                &c.command,
                c.principal,
                document_id,
                kind.into(),
                choice,
            )
            .await
        })
        .await?;
        Ok(true)
    }

    /// R-SIGN: a new name for one of the caller's signatures or stamps (only to tell them
    /// apart; the certificate prints the signatory's name from the document). Answers true.
    async fn rename_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signature's id from `signatures`.")] signature_id: ID,
        #[graphql(desc = "The new name.")] name: String,
    ) -> ApiResult<bool> {
        manage(ctx, &signature_id, signatures::LibraryChange::Rename(name)).await
    }

    /// R-SIGN: one of the caller's signatures or stamps becomes the default of its kind, for
    /// every certificate issued from now on. Answers true.
    async fn make_signature_default(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signature's id from `signatures`.")] signature_id: ID,
    ) -> ApiResult<bool> {
        manage(ctx, &signature_id, signatures::LibraryChange::MakeDefault).await
    }

    /// R-SIGN: removes one of the caller's signatures or stamps. Certificates already issued
    /// keep it; if it was the default, its kind has no default until one is chosen. Answers
    /// true.
    async fn remove_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The signature's id from `signatures`.")] signature_id: ID,
    ) -> ApiResult<bool> {
        manage(ctx, &signature_id, signatures::LibraryChange::Remove).await
    }

    /// R-SIGN step 3: stores one variant, named, as a signature or stamp of the caller's
    /// library; the first of its kind (or one with `makeDefault`) becomes the default, which
    /// goes into every certificate issued afterwards. Answers true.
    async fn activate_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The upload's id.")] upload_id: ID,
        #[graphql(desc = "The variant's `code` from `chooseSignatureRectangle`, e.g. \
                          `TRANSPARENT`.")]
        variant: String,
        #[graphql(desc = "A name to tell it by, e.g. the signatory's name.")] name: String,
        #[graphql(desc = "Signature or stamp.")] kind: SignatureKind,
        #[graphql(desc = "True: make it the default of its kind (default false).")]
        make_default: Option<bool>,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let upload_id = c.id("uploadId", &upload_id)?;
            let make_default = make_default.unwrap_or(false);
            signatures::activate(
                c.services,
                &c.command,
                c.principal,
                upload_id,
                &variant,
                &name,
                kind.into(),
                make_default,
            )
            .await
        })
        .await?;
        Ok(true)
    }
}

async fn manage(
    ctx: &Context<'_>,
    signature_id: &ID,
    change: signatures::LibraryChange,
) -> ApiResult<bool> {
    mutate(ctx, async |c| {
        let signature_id = c.id("signatureId", signature_id)?;
        signatures::manage(c.services, &c.command, c.principal, signature_id, change).await
    })
    .await?;
    Ok(true)
}

/// The address of one of a document's files for the people the certificate is for (the
/// institution and NEC staff): the document rule decides, as the download itself does.
async fn download_url(
    ctx: &Context<'_>,
    document_id: &ID,
    file: &str,
) -> ApiResult<Option<String>> {
    let id = parse_id(ctx, "documentId", document_id)?;
    let principal = principal(ctx).await?;
    commands::documents::load_authorized(
        &state(ctx).services,
        principal,
        id,
        commands::documents::DocumentOperation::IssueCertificate,
    )
    .await
    .map_err(|e| fail(ctx, e))?;
    Ok(Some(format!(
        "{}/documents/{id}/{file}",
        state(ctx).services.public_url
    )))
}
