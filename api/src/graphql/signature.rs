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

    /// R-PDF: where the sending institution and NEC staff download a document's certificate
    /// (`GET`, with the session's bearer token); issuing records the PDF's hash. Null (with
    /// an error) when the document does not exist or is not the caller's to see (NOT_FOUND),
    /// or for hosts and participants (FORBIDDEN).
    async fn certificate_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
    ) -> ApiResult<Option<String>> {
        let id = parse_id(ctx, "documentId", &document_id)?;
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
            "{}/documents/{id}/certificate.pdf",
            state(ctx).services.public_url
        )))
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
    /// institution instead of the default. Answers true.
    async fn choose_document_signature(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "Which box: the signature or the stamp.")] kind: SignatureKind,
        #[graphql(
            desc = "A signature of that kind from `signatures`; null: the default \
                          again."
        )]
        signature_id: Option<ID>,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let document_id = c.id("documentId", &document_id)?;
            let signature_id = signature_id.map(|s| c.id("signatureId", &s)).transpose()?;
            let kind = kind.into();
            signatures::choose_for_document(
                c.services,
                &c.command,
                c.principal,
                document_id,
                kind,
                signature_id,
            )
            .await
        })
        .await?;
        Ok(true)
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
