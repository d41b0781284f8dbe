//! The GraphQL schema: queries read projections, mutations run commands and then wait until
//! the projections have caught up (read your writes).

mod access;
mod audit;
mod document;
mod document_checks;
mod errors;
mod esco;
mod field_names;
mod mobility;
mod mutation;
mod nul_bytes;
mod pagination;
pub mod parsed_queries;
mod query;
pub mod query_cost;
mod reference;
mod scalars;
mod signature;
mod types;
pub mod verification;

pub use errors::{document_refusal, ApiError, ApiResult};

use async_graphql::{EmptySubscription, MergedObject, Schema};
use commands::Services;
use projections::Projector;
use std::sync::Arc;

/// What can be read: the caller's account and institution, mobilities and the NEC's queue,
/// documents, notices, signatures, audit and search, reference data and ESCO. Every field but
/// `referenceData` needs a session (`Authorization: Bearer <token>` from `login`).
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    query::AccountQuery,
    mobility::MobilityQuery,
    reference::ReferenceQuery,
    document::DocumentQuery,
    access::AccessQuery,
    signature::SignatureQuery,
    audit::AuditQuery,
    esco::EscoSearchQuery,
    verification::VerificationQuery,
);

/// What can be changed: registration and sessions, base data and users, mobility requests and
/// decisions, document sections, copies, access for hosts and participants, signatures and
/// erasure. Each mutation is one command: it is written completely or not at all, and its
/// answer already shows its effect (read your writes).
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    mutation::AccountMutation,
    mobility::MobilityMutation,
    document::DocumentMutation,
    access::AccessMutation,
    signature::SignatureMutation,
    audit::AuditMutation,
);

pub type EuropassSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub projector: Arc<Projector>,
    pub esco: Arc<dyn ::esco::EscoSearch>,
}

/// Limits that keep one request from exhausting the server. The depth admits the standard
/// introspection query (13 levels: `TypeRef` nests `ofType` seven times); what a query costs is
/// bounded by the fields it resolves (see [`query_cost`]) and the complexity.
pub const MAX_DEPTH: usize = 15;
pub const MAX_COMPLEXITY: usize = 500;
pub const MAX_DIRECTIVES: usize = 20;

/// async-graphql's connection types carry no description of their own.
fn describe_connections<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<mobility::MobilityConnection>(
            "A page of mobilities (Relay connection): `edges` with a `cursor` each, the same \
             items as `nodes`, and `pageInfo` to ask for the next page.",
        )
        .override_output_type_description::<mobility::DocumentSummaryConnection>(
            "A page of a mobility's documents (Relay connection), in the order they were \
             created.",
        )
        .override_output_type_description::<access::DocumentConnection>(
            "A page of documents (Relay connection), by Europass number.",
        )
        .override_output_type_description::<access::NotificationConnection>(
            "A page of an institution's notices (Relay connection), newest first.",
        )
        .override_output_type_description::<audit::AuditEntryConnection>(
            "A page of a certificate's full history (Relay connection), oldest first.",
        )
        .override_output_type_description::<audit::DocumentHitConnection>(
            "A page of documents found (Relay connection), by Europass number; pages forward \
             and backward.",
        )
        .override_output_type_description::<document::HistoryEntryConnection>(
            "A page of a document's own events (Relay connection), oldest first.",
        )
}

pub fn build_schema(state: Option<AppState>) -> EuropassSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .limit_recursive_depth(MAX_DEPTH * 2)
    .limit_directives(MAX_DIRECTIVES)
    .override_output_type_description::<chrono::DateTime<chrono::Utc>>(scalars::DATE_TIME);
    let builder = describe_connections(builder)
        // Right after parsing, before validation and execution.
        .extension(document_checks::DocumentChecks);
    match state {
        Some(state) => builder.data(state).finish(),
        None => builder.finish(),
    }
}
