//! The portal's stylesheet and script, compiled into the binary (no CDN, no build step).
//! Their URLs carry a hash of their content, so browsers may keep them for a year and still
//! get a changed file at once.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../assets/portal/portal.css");
const JS: &str = include_str!("../../assets/portal/portal.js");

fn versioned(name: &str, content: &str) -> String {
    let hash = hex::encode(Sha256::digest(content.as_bytes()));
    format!("/assets/portal/{name}?v={}", &hash[..12])
}

pub static CSS_URL: LazyLock<String> = LazyLock::new(|| versioned("portal.css", CSS));
pub static JS_URL: LazyLock<String> = LazyLock::new(|| versioned("portal.js", JS));

pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "portal.css" => (CSS, "text/css; charset=utf-8"),
        "portal.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
