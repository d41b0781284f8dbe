//! The command side: event store adapter (postgres-es with personal-data encryption),
//! application services that turn requests into aggregate commands, authentication, e-mail.

pub mod access;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod certificates;
pub mod clock;
pub mod db;
pub mod documents;
pub mod erasure;
pub mod error;
pub mod files;
pub mod institutions;
pub mod mailer;
pub mod mobilities;
pub mod pii;
pub mod registration;
pub mod retry;
pub mod secrets;
pub mod signatures;
pub mod store;
pub mod throttle;
pub mod upcasters;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::CommandError;
pub use store::{CommandContext, EventStore, Written};

use std::sync::Arc;

/// Everything a command needs from the outside world, built once at start-up.
#[derive(Clone)]
pub struct Services {
    pub pool: sqlx::PgPool,
    pub store: Arc<EventStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn mailer::Mailer>,
    /// Base of links in e-mails, e.g. `http://127.0.0.1:8080`.
    pub public_url: String,
    /// Serialises number allocations inside this process, so that concurrent approvals do
    /// not keep conflicting on the series (other processes are handled by retries).
    pub allocation_lock: Arc<tokio::sync::Mutex<()>>,
    /// The certificate template, compiled once and shared.
    pub renderer: Arc<pdf_templates::Renderer>,
    /// Sessions resolved recently (see `auth::KnownSessions`).
    pub sessions: Arc<auth::KnownSessions>,
}

impl Services {
    pub fn new(
        pool: sqlx::PgPool,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn mailer::Mailer>,
        public_url: String,
    ) -> Self {
        let store = Arc::new(EventStore::new(pool.clone()));
        Self {
            pool,
            store,
            clock,
            mailer,
            public_url: public_url.trim_end_matches('/').to_string(),
            allocation_lock: Arc::default(),
            renderer: Arc::new(pdf_templates::Renderer::new()),
            sessions: Arc::default(),
        }
    }
}
