//! Relay cursor connections (async-graphql's `connection` module): every list that can grow
//! is a `…Connection { edges { cursor node } nodes pageInfo }` paged with `first`/`after`
//! (and, where a portal pages back, `last`/`before`). A cursor is opaque to clients: base64
//! of the keyset position of its item, so the reader's SQL continues after it
//! (`WHERE key > $after ORDER BY key LIMIT n + 1`) instead of loading everything.
//!
//! `first`/`last` default to [`DEFAULT_PAGE`] and are capped at the list's maximum (most
//! lists [`MAX_PAGE`]); a negative count, `first` with `last`, and a cursor this server did
//! not make are VALIDATION errors naming the argument.

use super::errors::ApiResult;
use super::query::fail;
use async_graphql::connection::{self, Connection, Edge, EmptyFields};
use async_graphql::{Context, ObjectType, OutputType};
use base64::Engine;
use domain::Refusal;

/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: i32 = 20;
/// The largest page of most lists; a larger `first`/`last` is capped to it.
pub const MAX_PAGE: i32 = 100;

/// The paging arguments as a client sent them.
#[derive(Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// Forward paging only (`first`, `after`).
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            ..Self::default()
        }
    }
}

/// What a reader is asked for: the items strictly between the cursors' keys, `size` of them
/// from the start (or, `backward`, from the end).
pub struct Window<K> {
    pub after: Option<K>,
    pub before: Option<K>,
    /// The page size asked for.
    pub size: usize,
    /// Paging with `last`: the reader orders descending and the page is turned around here.
    pub backward: bool,
}

impl<K> Window<K> {
    /// How many rows to ask the reader for: one more than the page, to learn whether there
    /// are more.
    pub fn fetch(&self) -> i64 {
        self.size as i64 + 1
    }
}

/// One page of items as the reader answered it (in its order for the window's direction), each
/// with its cursor position; connection-wide fields (such as `totalCount`) beside.
pub struct Fetched<N, F> {
    /// Up to [`Window::fetch`] items: one more than the page says that there are more.
    pub rows: Vec<(String, N)>,
    pub fields: F,
    /// Whether the reader had more rows than the page, when the items were filtered after
    /// reading (so that their count no longer tells).
    pub more: Option<bool>,
}

impl<N, F> Fetched<N, F> {
    pub fn new(rows: Vec<(String, N)>, fields: F) -> Self {
        Self {
            rows,
            fields,
            more: None,
        }
    }
}

impl<N> Fetched<N, EmptyFields> {
    pub fn rows(rows: Vec<(String, N)>) -> Self {
        Self::new(rows, EmptyFields)
    }
}

fn invalid(ctx: &Context<'_>, field: &str, message: String) -> async_graphql::Error {
    let reason = if field == "after" || field == "before" {
        "INVALID_CURSOR"
    } else {
        "OUT_OF_RANGE"
    };
    fail(ctx, Refusal::validation(field, reason, message))
}

/// Pages a list: checks the arguments, decodes the cursors with `key`, asks `load` for the
/// window and turns its answer into a connection (edges in list order, `pageInfo` from the
/// extra row and the cursors given). `max` caps `first`/`last`.
pub async fn paginate<K, N, F>(
    ctx: &Context<'_>,
    args: PageArgs,
    max: i32,
    key: impl Fn(&str) -> Option<K>,
    load: impl AsyncFnOnce(Window<K>) -> ApiResult<Fetched<N, F>>,
) -> ApiResult<Connection<String, N, F>>
where
    N: OutputType,
    F: ObjectType,
{
    for (name, count) in [("first", args.first), ("last", args.last)] {
        if count.is_some_and(|n| n < 0) {
            return Err(invalid(ctx, name, format!("{name} must not be negative")));
        }
    }
    if args.first.is_some() && args.last.is_some() {
        return Err(invalid(
            ctx,
            "last",
            "first and last cannot be used together".to_string(),
        ));
    }
    let decode_key = |name: &str, cursor: Option<String>| -> ApiResult<Option<K>> {
        cursor
            .map(|c| {
                decode(&c).and_then(|raw| key(&raw)).ok_or_else(|| {
                    invalid(ctx, name, format!("{name} is not a cursor of this list"))
                })
            })
            .transpose()
    };
    connection::query(
        args.after,
        args.before,
        args.first,
        args.last,
        async |after: Option<String>, before: Option<String>, first, last| {
            let backward = last.is_some();
            let size = first
                .or(last)
                .unwrap_or(DEFAULT_PAGE as usize)
                .min(max as usize);
            let window = Window {
                after: decode_key("after", after)?,
                before: decode_key("before", before)?,
                size,
                backward,
            };
            let had_after = window.after.is_some();
            let had_before = window.before.is_some();
            let Fetched {
                mut rows,
                fields,
                more,
            } = load(window).await?;
            let more = more.unwrap_or(rows.len() > size);
            rows.truncate(size);
            // Relay: a page says whether items exist beyond its far end (the extra row) and,
            // cheaply, beyond a cursor it was given (the cursor's own item).
            let (has_previous, has_next) = if backward {
                rows.reverse();
                (more || had_after, had_before)
            } else {
                (had_after, more || had_before)
            };
            let mut page = Connection::with_additional_fields(has_previous, has_next, fields);
            page.edges.extend(
                rows.into_iter()
                    .map(|(position, node)| Edge::new(encode(&position), node)),
            );
            Ok::<_, async_graphql::Error>(page)
        },
    )
    .await
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

/// A position of two parts, `a|b` (e.g. a Europass number and an id).
pub fn pair(a: impl std::fmt::Display, b: impl std::fmt::Display) -> String {
    format!("{a}|{b}")
}

/// The parts of a [`pair`].
pub fn split_pair(raw: &str) -> Option<(&str, &str)> {
    raw.split_once('|')
}
