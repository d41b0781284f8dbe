//! The portal: the pages people use in a browser, in Latvian and English (issue 21).
//!
//! Pages are rendered on the server (maud: checked at compile time) and work without
//! JavaScript; `portal.js` only adds the live session countdown. Every page reads and writes
//! through the GraphQL schema, executed in this process with the visitor's session ([`gql`]):
//! the portal has no path of its own to the domain, and never touches SQL.

pub mod account;
pub mod assets;
pub mod audit;
pub mod copy_preview;
pub mod document;
pub mod document_signatures;
mod fixed;
pub mod form;
pub mod genuine;
pub mod gql;
pub mod home;
pub mod i18n;
pub mod institution;
pub mod layout;
pub mod mobility;
pub mod nec;
pub mod operations;
pub mod signatures;
pub mod verify;
pub mod visit;

use crate::graphql::parsed_queries::ParsedQueries;
use crate::graphql::EuropassSchema;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use layout::UserBar;
use maud::Markup;
use serde::Deserialize;
use std::sync::Arc;
use visit::Visit;

/// What every page handler needs: the schema it runs its operations on.
#[derive(Clone)]
pub struct Portal {
    pub schema: EuropassSchema,
    /// The HTTP endpoint's parsed operations: the portal's constant texts are parsed once.
    pub parsed: Arc<ParsedQueries>,
    /// `Secure` cookies: the public URL is https.
    pub secure_cookies: bool,
    /// Answers fixed for this binary, asked once (see `fixed`).
    fixed: Arc<fixed::Fixed>,
}

impl Portal {
    pub fn new(schema: EuropassSchema, parsed: Arc<ParsedQueries>, public_url: &str) -> Self {
        Self {
            schema,
            parsed,
            secure_cookies: public_url.starts_with("https://"),
            fixed: Arc::default(),
        }
    }

    /// The logged-in person for the page's frame, or the way to the login page. Resolving
    /// them is activity: it extends the session, and the countdown shows the extended time.
    pub async fn frame(&self, visit: &Visit) -> Result<UserBar, Response> {
        if !visit.logged_in() {
            return Err(visit.to_login(false));
        }
        self.load::<Frame>(visit, operations::WHO, serde_json::Value::Null)
            .await
            .map(Frame::user_bar)
    }
}

/// The frame's data (`operations::frame_fields`), alone (`WHO`) or within a page's own
/// operation (`#[serde(flatten)]`).
#[derive(Deserialize)]
pub struct Frame {
    me: FrameMe,
    session: FrameSession,
}

#[derive(Deserialize)]
struct FrameMe {
    email: Option<String>,
    role: String,
    institution: Option<FrameInstitution>,
}

#[derive(Deserialize)]
struct FrameInstitution {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FrameSession {
    seconds_left: i64,
}

impl Frame {
    pub fn user_bar(self) -> UserBar {
        UserBar {
            email: self.me.email.unwrap_or_default(),
            role: self.me.role,
            institution: self.me.institution.map(|i| i.name),
            seconds_left: self.session.seconds_left,
        }
    }
}

/// An HTML page with this visit's cookies.
pub fn html_page(visit: &Visit, status: StatusCode, markup: Markup) -> Response {
    visit.finish((status, Html(markup.into_string())).into_response())
}

/// A page that could not be shown: the errors in the visitor's language, with the reference
/// to quote.
pub fn failure_page(visit: &Visit, errors: &[gql::ApiError]) -> Response {
    let lang = visit.lang;
    let mut form = form::FormState::default();
    form.add_errors(lang, errors, &[]);
    let status = if errors.iter().any(|e| e.code == "NOT_FOUND") {
        StatusCode::NOT_FOUND
    } else if errors.iter().any(|e| e.code == "FORBIDDEN") {
        StatusCode::FORBIDDEN
    } else if errors
        .iter()
        .any(|e| matches!(e.code.as_str(), "INTERNAL" | "UNAVAILABLE" | "MAIL_FAILED"))
    {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::BAD_REQUEST
    };
    let chrome = layout::Chrome::anonymous(visit);
    let body = maud::html! {
        (form.summary(lang))
        p { a href="/" { (lang.t("back-home")) } }
    };
    html_page(
        visit,
        status,
        layout::page(&chrome, &lang.t("page-failed"), body),
    )
}

/// The rules every portal answer follows: no script but this site's own files (no inline
/// script at all), no framing, no sniffing, and no referrer beyond this site (links carry
/// tokens).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
             object-src 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// Any path nothing else answers: a page in the visitor's language, not an empty answer.
pub async fn not_found(visit: Visit) -> Response {
    let lang = visit.lang;
    let chrome = layout::Chrome::anonymous(&visit);
    let body = maud::html! {
        p { (lang.t("not-found")) }
        p { a href="/" { (lang.t("back-home")) } }
    };
    html_page(
        &visit,
        StatusCode::NOT_FOUND,
        layout::page(&chrome, &lang.t("not-found-title"), body),
    )
}
