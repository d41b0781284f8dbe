//! The event store: the one owner of the `events` table and of everything that reads or
//! writes it as events.
//!
//! It owns the event schema and the migrations (`db`), appending and loading (`store`: one
//! statement per append, built from named guards in `store::append`), snapshots and the state
//! cache, personal-data sealing and subject keys (`pii`), upcasters, the append notifications
//! the projector listens to, the stored-event type and its unsealing (`stored_event`,
//! `unseal`), the only deletions of events (`purge` of Try Out data, `erasure` of a subject's
//! key), the one retry rule (`retry`) and the error that tells refused from retryable from
//! failed (`error`).
//!
//! It depends on `domain` (the aggregates it stores) and never on `commands`, `projections` or
//! `api`: the write side and the read side both depend on it, and on each other never (`.ci/run`
//! checks the crate graph).

pub mod db;
pub mod erasure;
pub mod error;
pub mod pii;
pub mod purge;
pub mod retry;
pub mod store;
pub mod stored_event;
pub mod unseal;
pub mod upcasters;

pub use error::CommandError;
pub use store::{CommandContext, EventStore, Written};
pub use stored_event::StoredEvent;
