//! The europass service: GraphQL over HTTP (async-graphql on axum), the pages a person needs
//! outside a portal (GraphiQL, registration confirmation), configuration and telemetry.

pub mod config;
pub mod files;
pub mod graphql;
pub mod pages;
pub mod policy;
pub mod request;
pub mod startup;
pub mod telemetry;
pub mod zip;

pub use config::Config;
pub use startup::Application;
