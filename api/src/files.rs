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
use commands::{documents, CommandError};
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

/// `POST /documents/{id}/photo` with the image as the body (PNG or JPEG, at most 5 MB).
pub async fn upload_photo(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = RequestContext::new(correlation_id, bearer(&headers));
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        let id = Uuid::parse_str(&id)
            .map_err(|_| domain::Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found"))?;
        let sha = documents::upload_photo(
            &state.services,
            &request.as_principal(principal),
            principal,
            id,
            body.to_vec(),
        )
        .await?;
        let _ = state
            .projector
            .wait_for_current(std::time::Duration::from_secs(3))
            .await;
        Ok::<_, CommandError>(sha)
    }
    .await;
    match result {
        Ok(sha256) => Json(serde_json::json!({"sha256": sha256})).into_response(),
        Err(err) => error_response(err, correlation_id),
    }
}

/// `GET /files/{sha256}`: a stored image, for callers who may see a document that uses it.
pub async fn download(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request = RequestContext::new(correlation_id, bearer(&headers));
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        commands::files::download(&state.services, principal, &sha256).await
    }
    .await;
    match result {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, file.media_type),
                // Photos and certificates carry personal data: no shared cache keeps them.
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            file.bytes,
        )
            .into_response(),
        Err(err) => error_response(err, correlation_id),
    }
}

/// `POST /signatures/uploads` with a PNG or JPEG body: step 1 of R-SIGN.
pub async fn upload_signature(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = RequestContext::new(correlation_id, bearer(&headers));
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        let uploaded = commands::signatures::upload(
            &state.services,
            &request.as_principal(principal),
            principal,
            body.to_vec(),
        )
        .await?;
        Ok::<_, CommandError>(uploaded)
    }
    .await;
    match result {
        Ok(u) => Json(serde_json::json!({
            "uploadId": u.upload_id, "sha256": u.sha256, "width": u.width, "height": u.height
        }))
        .into_response(),
        Err(err) => error_response(err, correlation_id),
    }
}

/// `GET /documents/{id}/certificate.pdf`: issues the certificate of a complete document
/// (recording its hash) and returns it. Only the sending institution and NEC staff.
pub async fn certificate(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request = RequestContext::new(correlation_id, bearer(&headers));
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        let id = Uuid::parse_str(&id)
            .map_err(|_| domain::Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found"))?;
        commands::certificates::issue(
            &state.services,
            &request.as_principal(principal),
            principal,
            id,
        )
        .await
    }
    .await;
    match result {
        Ok(issued) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", issued.file_name),
                ),
                (header::ETAG, format!("\"{}\"", issued.sha256)),
            ],
            issued.pdf,
        )
            .into_response(),
        Err(err) => error_response(err, correlation_id),
    }
}

/// `GET /mobilities/{id}/certificates.zip`: the certificates of every complete document of a
/// mobility in one archive (incomplete documents are left out).
pub async fn certificates_zip(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request = RequestContext::new(correlation_id, bearer(&headers));
    let result = async {
        let principal = request.reader(&state.services, &state.projector).await?;
        let not_found = || {
            CommandError::from(domain::Refusal::not_found(
                "MOBILITY_NOT_FOUND",
                "mobility not found",
            ))
        };
        let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
        let documents: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM document_views WHERE mobility_id = $1
               AND jsonb_array_length(missing_fields) = 0 ORDER BY europass_number",
        )
        .bind(id)
        .fetch_all(&state.services.pool)
        .await?;
        let row = projections::mobilities::find(&state.services.pool, id)
            .await
            .map_err(CommandError::failure)?
            .ok_or_else(not_found)?;
        crate::policy::authorize(
            principal,
            crate::policy::Operation::ReadMobility {
                owner: row.institution_id,
            },
        )?;
        // Rendered on every core at once, in the archive's order.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let ctx = request.as_principal(principal);
        let entries: Vec<(String, Vec<u8>)> = futures::stream::iter(documents)
            .map(|doc| {
                let (services, ctx) = (&state.services, &ctx);
                async move {
                    let issued =
                        commands::certificates::issue(services, ctx, principal, doc).await?;
                    Ok::<_, CommandError>((issued.file_name, issued.pdf))
                }
            })
            .buffered(cores)
            .try_collect()
            .await?;
        Ok::<_, CommandError>(crate::zip::stored_zip(&entries))
    }
    .await;
    match result {
        Ok(zip) => (
            [
                (header::CONTENT_TYPE, "application/zip"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"certificates.zip\"",
                ),
            ],
            zip,
        )
            .into_response(),
        Err(err) => error_response(err, correlation_id),
    }
}
