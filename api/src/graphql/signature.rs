//! R-SIGN steps 2 and 3 and the list of signatures (step 1 is `POST /signatures/uploads`),
//! and R-PDF: where a document's certificate can be downloaded.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::query::{fail, parse_id, principal, state};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use commands::signatures;
use domain::signature::{CutRect, SignatureKind};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Kind {
    Signature,
    Stamp,
}

impl From<Kind> for SignatureKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Signature => SignatureKind::Signature,
            Kind::Stamp => SignatureKind::Stamp,
        }
    }
}

#[derive(InputObject)]
pub struct RectInput {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(SimpleObject)]
pub struct VariantView {
    /// AS_IS, GREYSCALE, BLACK_AND_WHITE or TRANSPARENT.
    pub code: String,
    /// Download with `GET /files/{sha256}`.
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

#[derive(SimpleObject)]
pub struct SignatureView {
    pub id: ID,
    pub name: String,
    pub kind: Kind,
    pub sha256: String,
    /// The default of its kind goes into every certificate issued from now on.
    pub is_default: bool,
}

#[derive(Default)]
pub struct SignatureQuery;

#[Object]
impl SignatureQuery {
    /// The caller's (institution's or host's) activated signatures and stamps.
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
                kind: match s.kind {
                    SignatureKind::Signature => Kind::Signature,
                    SignatureKind::Stamp => Kind::Stamp,
                },
                sha256: s.sha256.as_str().to_string(),
                is_default: library.default_of(s.kind).map(|d| d.id) == Some(s.id),
            })
            .collect())
    }

    /// R-PDF: where the sending institution downloads a document's certificate (with its
    /// session); issuing records the PDF's hash. Hosts and participants cannot.
    async fn certificate_url(&self, ctx: &Context<'_>, document_id: ID) -> ApiResult<String> {
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
        Ok(format!(
            "{}/documents/{id}/certificate.pdf",
            state(ctx).services.public_url
        ))
    }
}

#[derive(Default)]
pub struct SignatureMutation;

#[Object]
impl SignatureMutation {
    /// Step 2: the rectangle of the uploaded image; four variants are offered.
    async fn choose_signature_rectangle(
        &self,
        ctx: &Context<'_>,
        upload_id: ID,
        rect: RectInput,
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

    /// A document uses another stored signature or stamp of the institution (null: the
    /// default again).
    async fn choose_document_signature(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        kind: Kind,
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

    /// Step 3: one variant, named, as a signature or stamp; the first of its kind (or with
    /// `makeDefault`) becomes the default.
    async fn activate_signature(
        &self,
        ctx: &Context<'_>,
        upload_id: ID,
        variant: String,
        name: String,
        kind: Kind,
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
