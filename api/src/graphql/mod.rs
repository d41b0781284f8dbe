//! The GraphQL schema: queries read projections, mutations run commands and then wait until
//! the projections have caught up (read your writes).

mod errors;
mod mutation;
mod query;
mod types;

pub use errors::{ApiError, ApiResult};

use async_graphql::{EmptySubscription, Schema};
use commands::Services;
use projections::Projector;
use std::sync::Arc;

pub type EuropassSchema = Schema<query::QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub projector: Arc<Projector>,
}

/// Limits that keep one request from exhausting the server.
pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 500;
pub const MAX_DIRECTIVES: usize = 20;

pub fn build_schema(state: Option<AppState>) -> EuropassSchema {
    let builder = Schema::build(query::QueryRoot, mutation::MutationRoot, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_DEPTH * 2)
        .limit_directives(MAX_DIRECTIVES);
    match state {
        Some(state) => builder.data(state).finish(),
        None => builder.finish(),
    }
}
