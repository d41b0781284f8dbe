//! Plain authenticated HTTP for files: uploading a document's photo, downloading stored files
//! by hash, authorized as what they are where they are held (`commands::files`).

use crate::graphql::{ApiError, AppState};
use crate::request::RequestContext;
use crate::startup::{bearer, CorrelationId};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use commands::auth::Principal;
use commands::{documents, CommandContext, CommandError};
use futures::{StreamExt, TryStreamExt};
use uuid::Uuid;

fn error_response(err: CommandError, correlation_id: Uuid) -> Response {
    let gql = ApiError(err).into_graphql(correlation_id);
    let code = gql
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .map(|v| v.to_string().trim_matches('"').to_string())
        .unwrap_or_default();
    let status = match code.as_str() {
        "UNAUTHENTICATED" | "EXPIRED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "VALIDATION" | "REJECTED" => StatusCode::UNPROCESSABLE_ENTITY,
        "CONFLICT" => StatusCode::CONFLICT,
        "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    (
        status,
        Json(
            serde_json::json!({"errors": [{"message": gql.message, "extensions": gql.extensions}]}),
        ),
    )
        .into_response()
}

/// Who calls a file route, resolved once the projections show what their session wrote.
struct Caller<'a> {
    state: &'a AppState,
    request: &'a RequestContext,
    principal: &'a Principal,
}

impl Caller<'_> {
    /// The context the caller's commands run in.
    fn command(&self) -> CommandContext {
        self.request.as_principal(self.principal)
    }
}

/// How a file route learns who calls.
#[derive(Clone, Copy)]
enum Credentials {
    /// Only `Authorization: Bearer` (uploads: a cookie would let another site post files).
    Bearer,
    /// The bearer token, or the portal's session cookie: a browser downloads by clicking a
    /// link (reading a file changes nothing another site could abuse).
    BearerOrSession,
}

/// The skeleton of every file route: resolve the caller from the bearer token (or the
/// portal's session cookie, for downloads), run the operation, answer with `respond` or with
/// the error as JSON and its HTTP status.
async fn serve<T>(
    state: &AppState,
    correlation_id: Uuid,
    headers: &HeaderMap,
    credentials: Credentials,
    operation: impl AsyncFnOnce(Caller<'_>) -> Result<T, CommandError>,
    respond: impl FnOnce(T) -> Response,
) -> Response {
    let token = match credentials {
        Credentials::Bearer => bearer(headers),
        Credentials::BearerOrSession => {
            bearer(headers).or_else(|| crate::portal::visit::session_cookie(headers))
        }
    };
    let request = RequestContext::new(correlation_id, token);
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        let caller = Caller {
            state,
            request: &request,
            principal,
        };
        operation(caller).await
    }
    .await;
    match result {
        Ok(value) => respond(value),
        Err(err) => error_response(err, correlation_id),
    }
}

/// A document id in a path: one that does not parse names nothing, as an unknown id.
fn document_id(raw: &str) -> Result<Uuid, CommandError> {
    Uuid::parse_str(raw)
        .map_err(|_| domain::Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found").into())
}

/// `POST /documents/{id}/photo` with the image as the body (PNG or JPEG, at most 5 MB).
pub async fn upload_photo(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = async |c: Caller<'_>| {
        let id = document_id(&id)?;
        let sha = documents::upload_photo(
            &c.state.services,
            &c.command(),
            c.principal,
            id,
            body.to_vec(),
        )
        .await?;
        let _ = c
            .state
            .projector
            .wait_for_current(std::time::Duration::from_secs(3))
            .await;
        Ok(sha)
    };
    serve(
        &state,
        correlation_id,
        &headers,
        Credentials::Bearer,
        operation,
        |sha256| Json(serde_json::json!({"sha256": sha256})).into_response(),
    )
    .await
}

/// `GET /files/{sha256}`: a stored image, for callers who may see a document that uses it.
pub async fn download(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Response {
    let operation = async |c: Caller<'_>| {
        commands::files::download(&c.state.services, c.principal, &sha256).await
    };
    serve(
        &state,
        correlation_id,
        &headers,
        Credentials::BearerOrSession,
        operation,
        |file| {
            (
                [
                    (header::CONTENT_TYPE, file.media_type),
                    // Photos and certificates carry personal data: no shared cache keeps them.
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                file.bytes,
            )
                .into_response()
        },
    )
    .await
}

/// `POST /signatures/uploads` with a PNG or JPEG body: step 1 of R-SIGN.
pub async fn upload_signature(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = async |c: Caller<'_>| {
        commands::signatures::upload(&c.state.services, &c.command(), c.principal, body.to_vec())
            .await
    };
    serve(
        &state,
        correlation_id,
        &headers,
        Credentials::Bearer,
        operation,
        |u| {
            Json(serde_json::json!({
                "uploadId": u.upload_id, "sha256": u.sha256, "width": u.width, "height": u.height
            }))
            .into_response()
        },
    )
    .await
}

/// A file made from one document, for a bearer token or the browser's session: the id parsed
/// (a malformed one answers as a missing document), then `operation`, which decides who may.
async fn document_file<T>(
    state: &AppState,
    correlation_id: Uuid,
    headers: &HeaderMap,
    id: &str,
    operation: impl AsyncFnOnce(Caller<'_>, Uuid) -> Result<T, CommandError>,
    respond: impl FnOnce(T) -> Response,
) -> Response {
    let operation = async |c: Caller<'_>| {
        let id = document_id(id)?;
        operation(c, id).await
    };
    serve(
        state,
        correlation_id,
        headers,
        Credentials::BearerOrSession,
        operation,
        respond,
    )
    .await
}

/// A file to save: its type, the name to save it as, its bytes.
fn attachment(content_type: &str, file_name: &str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /documents/{id}/certificate.pdf`: issues the certificate of a complete document
/// (recording its hash) and returns it. Only the sending institution and NEC staff.
pub async fn certificate(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let operation = async |c: Caller<'_>, id| {
        commands::certificates::issue(&c.state.services, &c.command(), c.principal, id).await
    };
    document_file(&state, correlation_id, &headers, &id, operation, |issued| {
        let mut response = attachment("application/pdf", &issued.file_name, issued.pdf);
        if let Ok(etag) = format!("\"{}\"", issued.sha256).parse() {
            response.headers_mut().insert(header::ETAG, etag);
        }
        response
    })
    .await
}

/// `GET /documents/{id}/certificate-preview.png`: the first page of the certificate a download
/// would give now, for the same people; nothing is issued or recorded.
pub async fn certificate_preview(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let operation = async |c: Caller<'_>, id| {
        commands::certificates::preview(&c.state.services, c.principal, id).await
    };
    document_file(&state, correlation_id, &headers, &id, operation, |png| {
        (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            png,
        )
            .into_response()
    })
    .await
}

/// `GET /documents/{id}/credential.json`: the latest issued certificate as a sealed European
/// Digital Credential (issue 23), for the people the PDF is for.
pub async fn credential(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let operation = async |c: Caller<'_>, id| {
        commands::credentials::credential(&c.state.services, c.principal, id).await
    };
    document_file(
        &state,
        correlation_id,
        &headers,
        &id,
        operation,
        |credential| {
            // A JWS in JSON serialization (RFC 7515 §7.2.1); its payload is the JSON-LD.
            attachment(
                "application/jose+json",
                &credential.file_name,
                credential.sealed.to_string(),
            )
        },
    )
    .await
}

/// `GET /mobilities/{id}/certificates.zip`: the certificates of every complete document of a
/// mobility in one archive (incomplete and revoked documents are left out).
pub async fn certificates_zip(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let operation = async |c: Caller<'_>| {
        let not_found = || -> CommandError {
            domain::Refusal::not_found("MOBILITY_NOT_FOUND", "mobility not found").into()
        };
        let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
        let pool = &c.state.services.pool;
        let documents = projections::documents::complete_documents_of(pool, id)
            .await
            .map_err(CommandError::failure)?;
        let row = projections::mobilities::find(pool, id)
            .await
            .map_err(CommandError::failure)?
            .ok_or_else(not_found)?;
        crate::policy::authorize(
            c.principal,
            crate::policy::Operation::ReadMobility {
                owner: row.institution_id,
            },
        )?;
        // Rendered on every core at once, in the archive's order.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let ctx = c.command();
        let entries: Vec<Option<(String, Vec<u8>)>> = futures::stream::iter(documents)
            .map(|doc| {
                let (services, ctx) = (&c.state.services, &ctx);
                async move {
                    match commands::certificates::issue(services, ctx, c.principal, doc).await {
                        Ok(issued) => Ok(Some((issued.file_name, issued.pdf))),
                        // A revoked certificate is no longer handed out (issue 23).
                        Err(CommandError::Refused(r)) if r.reason == "CERTIFICATE_REVOKED" => {
                            Ok(None)
                        }
                        Err(other) => Err(other),
                    }
                }
            })
            .buffered(cores)
            .try_collect()
            .await?;
        let entries: Vec<_> = entries.into_iter().flatten().collect();
        crate::zip::stored_zip(&entries).map_err(CommandError::failure)
    };
    serve(
        &state,
        correlation_id,
        &headers,
        Credentials::BearerOrSession,
        operation,
        |zip| attachment("application/zip", "certificates.zip", zip),
    )
    .await
}

/// The photo upload of the portal's form (`portal::document::upload_photo`): the same rules
/// as `POST /documents/{id}/photo`, for the browser session's caller.
pub async fn upload_photo_as(
    state: &AppState,
    correlation_id: Uuid,
    token: Option<String>,
    id: &str,
    bytes: Vec<u8>,
) -> Result<String, CommandError> {
    let request = RequestContext::new(correlation_id, token);
    let principal = request.reader(&state.services, &state.projector).await?;
    let id = document_id(id)?;
    let context = request.as_principal(principal);
    let sha = documents::upload_photo(&state.services, &context, principal, id, bytes).await?;
    let _ = state
        .projector
        .wait_for_current(std::time::Duration::from_secs(3))
        .await;
    Ok(sha)
}

/// Step 1 of R-SIGN from the portal's form (`portal::signatures::upload`): the same rules as
/// `POST /signatures/uploads`, for the browser session's caller.
pub async fn upload_signature_as(
    state: &AppState,
    correlation_id: Uuid,
    token: Option<String>,
    bytes: Vec<u8>,
) -> Result<commands::signatures::Uploaded, CommandError> {
    let request = RequestContext::new(correlation_id, token);
    let principal = request.reader(&state.services, &state.projector).await?;
    let context = request.as_principal(principal);
    commands::signatures::upload(&state.services, &context, principal, bytes).await
}
