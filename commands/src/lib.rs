//! The write side: application services that turn requests into aggregate commands
//! (registration, institutions, mobilities, documents, access grants, certificates,
//! signatures, erasure, revocation), authentication and sessions, the login throttle, files
//! (blobs) and e-mail; the sealed European Digital Credentials (`credentials`, `seal`) and
//! the public verification of certificates (`verification`).
//!
//! It owns the command-side tables that are not events (sessions, login throttle, blobs and
//! their holders, copy receipts, notifications to institutions). It stores events only
//! through `eventstore`, and depends on `domain`, `eventstore`, `images` and `pdf-templates`;
//! never on `projections`, `api` or `esco`. A fact of the read side reaches it only through
//! [`read_port::ReadPort`], which `api` wires to `projections`; ESCO skills only through
//! [`esco_skills::EscoSkills`], which `api` wires to the ESCO search.

pub mod access;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod certificates;
pub mod clock;
pub mod credentials;
pub mod documents;
pub mod erasure;
pub mod esco_skills;
pub mod files;
pub mod institutions;
pub mod mailer;
pub mod mobilities;
pub mod read_port;
pub mod registration;
pub mod seal;
pub mod secrets;
pub mod signatures;
pub mod throttle;
pub mod tryout_purge;
pub mod verification;

pub use clock::{Clock, ManualClock, SystemClock};
pub use eventstore::{CommandContext, CommandError, EventStore, Written};

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
    /// What the write side may ask the read side (see [`read_port`]).
    pub read_port: Arc<dyn read_port::ReadPort>,
    /// Issue 23: who issues the European Digital Credentials, and the seals they carry. The
    /// defaults (the Academic Information Centre, a development seal in the system's temporary
    /// directory) are replaced from the configuration at start-up.
    pub issuer: Arc<credentials::Issuer>,
    pub seals: Arc<seal::Seals>,
    /// Credentials built recently (see `credentials::BuiltCredentials`).
    pub credentials: Arc<credentials::BuiltCredentials>,
    /// The ESCO skills learning outcomes name (see [`esco_skills`]); none: no references.
    pub esco_skills: Option<Arc<dyn esco_skills::EscoSkills>>,
}

impl Services {
    pub fn new(
        pool: sqlx::PgPool,
        clock: Arc<dyn Clock>,
        mailer: Arc<dyn mailer::Mailer>,
        public_url: String,
        read_port: Arc<dyn read_port::ReadPort>,
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
            read_port,
            issuer: Arc::default(),
            credentials: Arc::default(),
            esco_skills: None,
            seals: Arc::new(seal::Seals::development_only(
                &std::env::temp_dir().join("europass-development-seal"),
                credentials::Issuer::default().name_en.as_str(),
            )),
        }
    }
}
