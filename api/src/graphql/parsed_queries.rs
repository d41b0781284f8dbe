//! Operations parsed once and kept by their text, and automatic persisted queries (APQ).
//!
//! Parsing a GraphQL document is a large share of a small request's CPU (issue 24), and
//! clients send the same few texts again and again: the portal's operations are constants, an
//! institution's integration sends its own handful. A parsed document depends on its text
//! only, so it is kept by its text and cloned for each request. Nothing else is skipped:
//! every request is still checked for its method, aliases, depth, directives, cost and NUL
//! characters and fully validated against the schema with its own variables, as before.
//!
//! APQ is Apollo's protocol (version 1): a client sends
//! `extensions.persistedQuery.sha256Hash` instead of the text; an unknown hash is answered
//! `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`), and the client sends the text
//! with its hash once, which registers it. It is resolved here, before the HTTP handler's own
//! checks, rather than by async-graphql's `ApolloPersistedQueries` extension: that extension
//! resolves the hash inside execution, after the handler has already decided on an empty text
//! that a GET is no mutation and that the aliases are few, so a persisted mutation would run
//! over GET.
//!
//! Both maps are bounded and forget their least recently used entry when full (a miss costs
//! one parse, or one more round trip for an APQ client): the portal's texts, used on every
//! page, stay.

use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// How many texts (and as many hashes) are kept. The portal has about sixty operations.
pub const CAPACITY: usize = 512;

/// Why a persisted-query request cannot be answered.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedRefusal {
    /// The hash is not known (yet): the client sends the text with it.
    NotFound,
    /// The text sent does not have the hash sent with it.
    HashMismatch,
    /// Not the protocol's version 1, or not its shape.
    Unsupported(String),
}

impl PersistedRefusal {
    /// The error's `extensions.code` and `reason`, and its message (the message of
    /// `NotFound` is what Apollo's clients look for).
    pub fn describe(&self) -> (&'static str, Option<&'static str>, String) {
        match self {
            PersistedRefusal::NotFound => (
                "PERSISTED_QUERY_NOT_FOUND",
                None,
                "PersistedQueryNotFound".into(),
            ),
            PersistedRefusal::HashMismatch => (
                "VALIDATION",
                Some("PERSISTED_QUERY_HASH_MISMATCH"),
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query".into(),
            ),
            PersistedRefusal::Unsupported(detail) => (
                "VALIDATION",
                Some("PERSISTED_QUERY_UNSUPPORTED"),
                format!("extensions.persistedQuery: {detail}"),
            ),
        }
    }
}

/// A least-recently-used map of at most a given size (the `lru` crate), behind a lock.
struct Bounded<V> {
    entries: Mutex<LruCache<String, V>>,
}

impl<V: Clone> Bounded<V> {
    fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    fn get(&self, key: &str) -> Option<V> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: &str, value: V) {
        self.lock().put(key.to_string(), value);
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, V>> {
        // A panic while holding the lock leaves only a map of valid entries behind.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct ParsedQueries {
    /// Text → its parsed document.
    documents: Bounded<Arc<ExecutableDocument>>,
    /// SHA-256 (lowercase hex) → text, registered by APQ clients.
    persisted: Bounded<Arc<str>>,
}

impl Default for ParsedQueries {
    fn default() -> Self {
        Self::new(CAPACITY)
    }
}

impl ParsedQueries {
    pub fn new(capacity: usize) -> Self {
        Self {
            documents: Bounded::new(capacity),
            persisted: Bounded::new(capacity),
        }
    }

    /// Resolves `extensions.persistedQuery`: afterwards the request holds its text, as if the
    /// client had sent it. A request without the extension is left as it is.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), PersistedRefusal> {
        let Some(extension) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let extension = extension
            .into_json()
            .map_err(|e| PersistedRefusal::Unsupported(e.to_string()))?;
        let version = extension.get("version").and_then(|v| v.as_i64());
        if version != Some(1) {
            return Err(PersistedRefusal::Unsupported(
                "only version 1 is supported".into(),
            ));
        }
        let Some(hash) = extension.get("sha256Hash").and_then(|h| h.as_str()) else {
            return Err(PersistedRefusal::Unsupported(
                "sha256Hash must be a string".into(),
            ));
        };
        let hash = hash.to_ascii_lowercase();
        if request.query.is_empty() {
            let text = self
                .persisted
                .get(&hash)
                .ok_or(PersistedRefusal::NotFound)?;
            request.query = text.to_string();
            return Ok(());
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(PersistedRefusal::HashMismatch);
        }
        self.persisted.put(&hash, Arc::from(request.query.as_str()));
        Ok(())
    }

    /// The request's parsed document: the one kept for its text, or parsed now (and kept, if
    /// it parses). A text that does not parse is left for the schema to answer as usual.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if let Some(doc) = self.documents.get(&request.query) {
            request.set_parsed_query((*doc).clone());
            return;
        }
        if let Ok(doc) = request.parsed_query() {
            let doc = Arc::new(doc.clone());
            self.documents.put(&request.query, doc);
        }
    }

    /// How many parsed documents are kept (for tests).
    pub fn kept(&self) -> usize {
        self.documents.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Value;

    fn persisted(hash: &str) -> async_graphql::Request {
        let mut request = async_graphql::Request::new("");
        request.extensions.insert(
            "persistedQuery".into(),
            Value::from_json(serde_json::json!({"version": 1, "sha256Hash": hash})).unwrap(),
        );
        request
    }

    fn hash_of(text: &str) -> String {
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    #[test]
    fn an_unknown_hash_is_not_found_and_the_text_with_its_hash_registers_it() {
        let queries = ParsedQueries::new(4);
        let text = "{ session { secondsLeft } }";
        assert_eq!(
            queries.resolve(&mut persisted(&hash_of(text))),
            Err(PersistedRefusal::NotFound)
        );
        let mut with_text = persisted(&hash_of(text));
        with_text.query = text.into();
        queries.resolve(&mut with_text).unwrap();
        assert!(!with_text.extensions.contains_key("persistedQuery"));
        let mut by_hash = persisted(&hash_of(text).to_uppercase());
        queries.resolve(&mut by_hash).unwrap();
        assert_eq!(by_hash.query, text);
    }

    #[test]
    fn a_text_with_another_texts_hash_is_refused_and_registers_nothing() {
        let queries = ParsedQueries::new(4);
        let mut lying = persisted(&hash_of("{ a }"));
        lying.query = "{ b }".into();
        assert_eq!(
            queries.resolve(&mut lying),
            Err(PersistedRefusal::HashMismatch)
        );
        assert_eq!(
            queries.resolve(&mut persisted(&hash_of("{ a }"))),
            Err(PersistedRefusal::NotFound)
        );
    }

    #[test]
    fn another_version_is_refused() {
        let queries = ParsedQueries::new(4);
        let mut request = async_graphql::Request::new("{ a }");
        request.extensions.insert(
            "persistedQuery".into(),
            Value::from_json(serde_json::json!({"version": 2, "sha256Hash": hash_of("{ a }")}))
                .unwrap(),
        );
        assert!(matches!(
            queries.resolve(&mut request),
            Err(PersistedRefusal::Unsupported(_))
        ));
    }

    #[test]
    fn a_kept_document_is_the_one_its_text_parses_to_and_a_broken_text_is_not_kept() {
        let queries = ParsedQueries::new(2);
        let text = "query Q($id: ID!) { document(id: $id) { id } }";
        let mut first = async_graphql::Request::new(text);
        queries.prepare(&mut first);
        let mut second = async_graphql::Request::new(text);
        queries.prepare(&mut second);
        let fresh = async_graphql::parser::parse_query(text).unwrap();
        let name = |r: &mut async_graphql::Request| {
            let doc = r.parsed_query().unwrap();
            let (name, _) = doc.operations.iter().next().unwrap();
            name.map(|n| n.to_string())
        };
        assert_eq!(name(&mut second), Some("Q".to_string()));
        assert_eq!(
            format!("{:?}", second.parsed_query().unwrap()),
            format!("{fresh:?}")
        );
        let mut broken = async_graphql::Request::new("{ document(");
        queries.prepare(&mut broken);
        assert_eq!(queries.kept(), 1);
    }

    #[test]
    fn the_map_stays_within_its_capacity_and_keeps_the_text_used_most_recently() {
        let queries = ParsedQueries::new(2);
        let portal = "{ session { secondsLeft } }";
        for field in ["a", "b", "c", "d"] {
            queries.prepare(&mut async_graphql::Request::new(portal));
            queries.prepare(&mut async_graphql::Request::new(format!("{{ {field} }}")));
        }
        assert_eq!(queries.kept(), 2);
        assert!(queries.documents.get(portal).is_some());
    }
}
