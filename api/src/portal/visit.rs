//! One visit of a portal page: the person's language, session cookie and CSRF token, and the
//! cookies a page's answer sets.
//!
//! The session token lives in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when the public
//! URL is https), never in a page or a URL. Forms carry a CSRF token that must equal the
//! `europass_csrf` cookie (double submit: another site can make a browser post a form, but
//! cannot read or set this site's cookies); a post whose `Origin` is another site is refused
//! as well.

use super::i18n::Lang;
use super::Portal;
use crate::startup::CorrelationId;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "europass_session";
pub const CSRF_COOKIE: &str = "europass_csrf";
pub const LANG_COOKIE: &str = "europass_lang";

/// Longest a language choice is remembered (a year).
const LANG_MAX_AGE_DAYS: i64 = 365;

#[derive(Clone)]
pub struct Visit {
    pub lang: Lang,
    pub token: Option<String>,
    pub csrf: String,
    csrf_is_new: bool,
    /// The path and query of this page (the language switch and the login come back here).
    pub here: String,
    pub client: Option<IpAddr>,
    pub correlation_id: Uuid,
    secure: bool,
    origin_ok: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let portal = parts.extensions.get::<Portal>().cloned();
        let secure = portal.as_ref().is_some_and(|p| p.secure_cookies);
        let cookies = cookies(&parts.headers);
        let get = |name: &str| {
            cookies
                .iter()
                .find(|c| c.name() == name)
                .map(|c| c.value().to_string())
                .filter(|v| !v.is_empty())
        };
        let lang = get(LANG_COOKIE)
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_else(|| {
                Lang::from_accept_language(
                    parts
                        .headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok()),
                )
            });
        let (csrf, csrf_is_new) = match get(CSRF_COOKIE).filter(|c| c.len() == 64) {
            Some(csrf) => (csrf, false),
            None => {
                let mut bytes = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut bytes);
                (hex::encode(bytes), true)
            }
        };
        // A page answered to a post (a form with its errors) is the page the form was on:
        // the language switch and the login come back to that page, not to the post's path.
        let here = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string())
        } else {
            referring_page(&parts.headers)
        };
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let correlation_id = parts
            .extensions
            .get::<CorrelationId>()
            .map_or_else(Uuid::new_v4, |c| c.0);
        Ok(Visit {
            lang,
            token: get(SESSION_COOKIE),
            csrf,
            csrf_is_new,
            here,
            client,
            correlation_id,
            secure,
            origin_ok: same_origin(&parts.headers),
        })
    }
}

/// The portal's session token from the cookie (file downloads by a click).
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookies(headers)
        .into_iter()
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

fn cookies(headers: &HeaderMap) -> Vec<Cookie<'static>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse_encoded(v.to_string()))
        .filter_map(Result::ok)
        .collect()
}

/// The local path of the page a post came from (its `Referer`, when it is this site), else
/// the home page.
fn referring_page(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let path = match (referer, host) {
        (Some(referer), Some(host)) => referer
            .strip_prefix("https://")
            .or_else(|| referer.strip_prefix("http://"))
            .and_then(|rest| rest.strip_prefix(host))
            .filter(|path| path.starts_with('/')),
        _ => None,
    };
    local_path(path)
}

/// A post's `Origin` (or, without one, `Referer`) names this host; a browser sends one of them
/// with every form post. Neither is fine too: only browsers are protected by this, and the
/// CSRF token still has to match.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (claimed, host) {
        (None, _) => true,
        (Some(claimed), Some(host)) => {
            let rest = claimed
                .strip_prefix("https://")
                .or_else(|| claimed.strip_prefix("http://"))
                .unwrap_or("");
            let authority = rest.split('/').next().unwrap_or("");
            authority.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => false,
    }
}

impl Visit {
    pub fn logged_in(&self) -> bool {
        self.token.is_some()
    }

    /// Whether a posted form may act: its CSRF field equals the cookie, and it comes from
    /// this site.
    pub fn form_is_genuine(&self, posted: Option<&str>) -> bool {
        let posted = posted.unwrap_or_default().as_bytes();
        let expected = self.csrf.as_bytes();
        let equal = !self.csrf_is_new
            && posted.len() == expected.len()
            && posted
                .iter()
                .zip(expected)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        equal && self.origin_ok
    }

    fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: Option<cookie::time::Duration>,
    ) -> HeaderValue {
        let mut cookie = Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure);
        if let Some(age) = max_age {
            cookie = cookie.max_age(age);
        }
        HeaderValue::from_str(&cookie.build().encoded().to_string()).expect("cookie is ASCII")
    }

    /// Adds the cookies every answer must carry (a new CSRF token).
    pub fn finish(&self, mut response: Response) -> Response {
        if self.csrf_is_new {
            let value = self.cookie(CSRF_COOKIE, self.csrf.clone(), None);
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }

    pub fn set_session(&self, response: &mut Response, token: &str) {
        let value = self.cookie(SESSION_COOKIE, token.to_string(), None);
        response.headers_mut().append(header::SET_COOKIE, value);
    }

    pub fn clear_session(&self, response: &mut Response) {
        let value = self.cookie(
            SESSION_COOKIE,
            String::new(),
            Some(cookie::time::Duration::ZERO),
        );
        response.headers_mut().append(header::SET_COOKIE, value);
    }

    pub fn set_lang(&self, response: &mut Response, lang: Lang) {
        let value = self.cookie(
            LANG_COOKIE,
            lang.code().to_string(),
            Some(cookie::time::Duration::days(LANG_MAX_AGE_DAYS)),
        );
        response.headers_mut().append(header::SET_COOKIE, value);
    }

    /// A 303 to `to` (after a post), with this visit's cookies.
    pub fn redirect(&self, to: &str) -> Response {
        self.finish(Redirect::to(to).into_response())
    }

    /// To the login page, which comes back here afterwards.
    pub fn to_login(&self, expired: bool) -> Response {
        let mut to = format!("/login?next={}", encode(&self.here));
        if expired {
            to.push_str("&expired=1");
        }
        let mut response = self.redirect(&to);
        if expired {
            self.clear_session(&mut response);
        }
        response
    }
}

/// A local path to come back to: only a path of this site (`/…`, never `//host` or a scheme).
pub fn local_path(raw: Option<&str>) -> String {
    match raw {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/mobilities/1")), "/mobilities/1");
        assert_eq!(local_path(Some("//evil.example/x")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn a_page_answered_to_a_post_is_the_page_the_form_was_on() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("register.example"));
        assert_eq!(referring_page(&headers), "/");
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://register.example/institution?saved=1"),
        );
        assert_eq!(referring_page(&headers), "/institution?saved=1");
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://evil.example/institution"),
        );
        assert_eq!(referring_page(&headers), "/");
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("https://register.example.evil.example/x"),
        );
        assert_eq!(referring_page(&headers), "/");
    }

    #[test]
    fn a_post_from_another_site_is_not_genuine() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("register.example:8080"),
        );
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://register.example:8080"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://register.example:8080.evil.example"),
        );
        assert!(!same_origin(&headers));
    }
}
