//! GraphiQL, served offline: its page and assets are embedded in the binary (vendored from npm,
//! see `api/assets/graphiql/README.md`), so it loads on a machine without internet, under a
//! content security policy that allows scripts from this origin only.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The assets' path; the version is part of it, so browsers may cache them for good.
pub const ASSETS: &str = "/assets/graphiql-3.9.0";

/// Scripts, styles and requests from this origin only. GraphiQL's editor sets element styles
/// at run time, hence `'unsafe-inline'` for styles (never for scripts).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGE: &str = include_str!("../assets/graphiql/index.html");

/// `(file name, content type, bytes)` of every asset the page loads.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "init.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/init.js"),
    ),
    (
        "page.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/graphiql/page.css"),
    ),
];

/// Headers every GraphiQL response carries.
fn hardened(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `GET /graphiql`: the page.
pub async fn page() -> Response {
    hardened(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response())
}

/// `GET /assets/graphiql-<version>/{file}`: one embedded asset, cacheable for good.
pub async fn asset(Path(file): Path<String>) -> Response {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(name, _, _)| *name == file) else {
        return hardened((StatusCode::NOT_FOUND, "no such asset").into_response());
    };
    hardened(
        (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            *bytes,
        )
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_embedded_assets() {
        let mut referenced = vec![];
        for attribute in ["src=\"", "href=\""] {
            for part in PAGE.split(attribute).skip(1) {
                let url = part.split('"').next().unwrap();
                referenced.push(url.to_string());
            }
        }
        assert_eq!(referenced.len(), 6, "{referenced:?}");
        for url in referenced {
            let file = url
                .strip_prefix(&format!("{ASSETS}/"))
                .unwrap_or_else(|| panic!("{url} is not one of ours"));
            assert!(FILES.iter().any(|(name, _, _)| *name == file), "{file}");
        }
        assert!(!CONTENT_SECURITY_POLICY.contains("script-src 'self' 'unsafe-inline'"));
    }
}
