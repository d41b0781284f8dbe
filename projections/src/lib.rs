//! The read side: a projector that applies committed events to query tables in commit order,
//! exactly once, and the readers the API uses.

pub mod accounts;
pub mod documents;
pub mod esco;
pub mod event;
pub mod event_log;
pub mod institutions;
pub mod mobilities;
pub mod projector;
pub mod rebuild_fold;
pub mod replay;
pub mod tryout_purge;
pub mod unseal;

pub use event::StoredEvent;
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
