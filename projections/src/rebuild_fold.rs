//! Folding in memory across batches, for rebuilds.
//!
//! The live projector applies a few events at a time and writes the rows they touch. A
//! rebuild reads every event ever written, and when the events of many aggregates are
//! interleaved (as they are in a real store: documents are filled over weeks, side by side),
//! batch-at-a-time application reads and writes one row per event. A projection that offers a
//! [`RebuildFold`] keeps its rows in memory instead and writes each one once, when the replay
//! tool flushes (see `replay::shadow`).

use eventstore::stored_event::StoredEvent;
use futures::future::BoxFuture;
use sqlx::PgConnection;

/// A projection's rows held in memory while events are folded into them.
///
/// Idempotence: every row remembers the last event folded into it (the aggregate's sequence),
/// and events at or below it are skipped. Rows may therefore be written before the rebuild's
/// checkpoint moves: after a crash, the events after the checkpoint are read again and only
/// those not yet in a row are folded.
pub trait RebuildFold: Send {
    /// Folds events, in the projector's order, into the rows in memory. A row not held yet is
    /// read first from the tables `conn` sees (the shadow copies during a rebuild).
    fn fold<'a>(
        &'a mut self,
        conn: &'a mut PgConnection,
        events: &'a [StoredEvent],
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// How many rows are held in memory.
    fn held(&self) -> usize;

    /// Takes up to `limit` rows changed since they were last written, ready to write (`None`
    /// once all are written). Writes of different takes touch different rows: they may run
    /// at the same time on different connections.
    fn take_write(&mut self, limit: usize) -> anyhow::Result<Option<Box<dyn PendingWrite>>>;

    /// Forgets the rows held (all written), so that memory stays bounded.
    fn forget(&mut self);
}

/// Rows taken from a [`RebuildFold`], to be written in the caller's transaction.
pub trait PendingWrite: Send {
    fn execute<'a>(
        self: Box<Self>,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}
