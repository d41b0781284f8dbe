//! Cursor pagination: opaque cursors (base64 of a keyset position) and page sizes with a cap.

use async_graphql::SimpleObject;
use base64::Engine;

pub const DEFAULT_PAGE: i32 = 20;
pub const MAX_PAGE: i32 = 100;

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

pub fn page_size(first: Option<i32>) -> i64 {
    i64::from(first.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE))
}

pub fn encode(position: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(position)
}

/// `None` for a cursor this server did not make.
pub fn decode(cursor: &str) -> Option<String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}
