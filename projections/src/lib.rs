//! The read side: a projector that applies committed events to query tables in commit order,
//! exactly once, replays and rebuilds of those tables, and the readers the API uses (and the
//! write side's read port, through `api`).
//!
//! It owns the query tables (`accounts`, `institutions`, `mobilities`, `documents`,
//! `document_views`, `document_files`) and reads events only through `eventstore` (stored
//! events, unsealing, the append notifications). It never depends on `commands` or `api`, and
//! never writes or deletes an event (`.ci/run` checks the crate graph).

pub mod accounts;
pub mod documents;
pub mod event_log;
pub mod institutions;
pub mod leadership;
pub mod mobilities;
pub mod projector;
pub mod purge;
pub mod rebuild_fold;
pub mod replay;

pub use eventstore::StoredEvent;
pub use projector::{Projection, Projector};

use std::sync::Arc;

/// Every projection the service maintains.
pub fn all_projections() -> Vec<Arc<dyn Projection>> {
    vec![
        Arc::new(accounts::AccountsProjection),
        Arc::new(institutions::InstitutionsProjection),
        Arc::new(mobilities::MobilitiesProjection),
        Arc::new(documents::DocumentsProjection),
    ]
}
