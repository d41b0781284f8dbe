//! A form posted from this site's own page: the extractor every form handler takes instead of
//! `Form`, so no handler can forget the CSRF check. Its `csrf` field must equal the cookie and
//! the post must not come from another site; otherwise the handler never runs and the answer
//! is the "form expired" page (403): nothing is written and nothing is sent.
//! The file forms (photo, signature, a file to verify) read theirs with [`genuine_file`].

use super::account::refused_form;
use super::visit::Visit;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub struct GenuineForm<T>(pub T);

impl<S, T> FromRequest<S> for GenuineForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(visit) = Visit::from_request_parts(&mut parts, state).await;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        // The token is read from the raw pairs, so any shape of form is checked the same way.
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = pairs
            .iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.as_str());
        if !visit.form_is_genuine(token) {
            return Err(refused_form(&visit));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(GenuineForm)
            .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response())
    }
}

/// A file form's post (`multipart/form-data`): the bytes of its file field `name`, empty if
/// none was chosen, once the form's own `csrf` field is found genuine; otherwise the
/// "form expired" page (403), as [`GenuineForm`] answers.
pub async fn genuine_file(
    visit: &Visit,
    mut multipart: axum::extract::Multipart,
    name: &str,
) -> Result<Vec<u8>, Response> {
    let (mut bytes, mut token) = (None, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some(field_name) if field_name == name => {
                bytes = field.bytes().await.ok().map(|b| b.to_vec())
            }
            Some("csrf") => token = field.text().await.ok(),
            _ => {}
        }
    }
    if !visit.form_is_genuine(token.as_deref()) {
        return Err(refused_form(visit));
    }
    Ok(bytes.unwrap_or_default())
}
