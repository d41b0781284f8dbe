//! The europass service: GraphQL over HTTP (async-graphql on axum), the file routes, the pages
//! a person needs outside a portal (GraphiQL, registration confirmation), configuration and
//! telemetry.
//!
//! It is the one crate that knows both sides: it wires `commands` (the write side) and
//! `projections` (the read side, and the write side's read port in [`read_side`]), `esco` and
//! the jobs that cross both ([`maintenance`]). It holds no SQL (`.ci/run` checks): handlers call
//! services and readers, through one skeleton for mutations (`graphql::mutation::mutate`) and
//! one for file routes (`files::serve`).

pub mod config;
pub mod esco_skills;
pub mod files;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod maintenance;
pub mod policy;
pub mod portal;
pub mod read_side;
pub mod request;
pub mod startup;
pub mod telemetry;
pub mod zip;

pub use config::Config;
pub use startup::Application;
