//! The write side's one window on the read side. A command that needs a fact only the query
//! tables hold asks for it here; `api` wires this port to `projections`, so that `commands`
//! never depends on the read side's crate or tables. Facts read here inform (whom to notify);
//! no decision about what an aggregate may do rests on them.

use domain::values::Email;
use futures::future::BoxFuture;
use uuid::Uuid;

/// A document that names a host, as the read side knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedDocument {
    pub institution_id: Uuid,
    pub document_id: Uuid,
    pub europass_number: String,
}

/// What the write side asks the read side.
pub trait ReadPort: Send + Sync {
    /// For each institution with a document that names `host` (among `among`, when given):
    /// one such document, the lowest Europass number first.
    fn documents_naming_host<'a>(
        &'a self,
        host: &'a Email,
        among: Option<&'a [Uuid]>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<HostedDocument>>>;

    /// The document with this Europass number (written as `LV/2026/000123-2`), if any.
    fn document_by_number<'a>(
        &'a self,
        number: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Uuid>>>;

    /// The documents whose state names a stored file with this SHA-256 (photo or PDF).
    fn documents_naming_file<'a>(
        &'a self,
        sha256: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<Uuid>>>;
}
