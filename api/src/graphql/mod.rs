//! The GraphQL schema: queries read projections, mutations run commands and then wait until
//! the projections have caught up (read your writes).

mod access;
mod audit;
mod document;
mod document_checks;
mod errors;
mod esco;
mod mobility;
mod mutation;
mod nul_bytes;
mod pagination;
mod query;
pub mod query_cost;
mod reference;
mod signature;
mod types;

pub use errors::{document_refusal, ApiError, ApiResult};

use async_graphql::{EmptySubscription, MergedObject, Schema};
use commands::Services;
use projections::Projector;
use std::sync::Arc;

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    query::AccountQuery,
    mobility::MobilityQuery,
    reference::ReferenceQuery,
    document::DocumentQuery,
    access::AccessQuery,
    signature::SignatureQuery,
    audit::AuditQuery,
    esco::EscoSearchQuery,
);

#[derive(MergedObject, Default)]
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
    // Right after parsing, before validation and execution.
    .extension(document_checks::DocumentChecks);
    match state {
        Some(state) => builder.data(state).finish(),
        None => builder.finish(),
    }
}
