//! Telling projectors that events were appended, after the commit.
//!
//! A `NOTIFY` inside the appending transaction serialises every append through the commit's
//! disk flush: PostgreSQL holds a database-wide lock on its notification queue from before the
//! commit until the transaction ends, so concurrent appends could not share a flush. Instead
//! the appending process wakes its own projector at once (`on_local`), and tells other
//! processes with a `pg_notify` of its own: a separate statement that commits without waiting
//! for its flush, sent at most every few milliseconds for all the aggregate types appended
//! meanwhile. A lost notification only delays a projector until its next poll.

use sqlx::PgPool;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Notify;

/// The channel projectors listen on; the payload names an aggregate type.
pub const NOTIFY_CHANNEL: &str = "europass_events";

/// The shortest time between two notifications this process sends.
const COALESCE: Duration = Duration::from_millis(5);

type Local = Box<dyn Fn(&'static str) + Send + Sync>;

pub struct AppendNotifier {
    pool: PgPool,
    pending: Mutex<BTreeSet<&'static str>>,
    kick: Notify,
    sender: OnceLock<()>,
    local: OnceLock<Local>,
}

impl AppendNotifier {
    pub fn new(pool: PgPool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            pending: Mutex::new(BTreeSet::new()),
            kick: Notify::new(),
            sender: OnceLock::new(),
            local: OnceLock::new(),
        })
    }

    /// What to call, in this process, when events of a type were appended (set once).
    pub fn on_local(&self, wake: impl Fn(&'static str) + Send + Sync + 'static) {
        let _ = self.local.set(Box::new(wake));
    }

    /// Events of `aggregate_type` were committed.
    pub fn appended(self: &Arc<Self>, aggregate_type: &'static str) {
        if let Some(wake) = self.local.get() {
            wake(aggregate_type);
        }
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(aggregate_type);
        self.sender.get_or_init(|| {
            tokio::spawn(Arc::clone(self).send_forever());
        });
        self.kick.notify_one();
    }

    async fn send_forever(self: Arc<Self>) {
        loop {
            self.kick.notified().await;
            let types: Vec<&str> =
                std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
                    .into_iter()
                    .collect();
            // set_config comes first in the row: the notifying transaction then commits
            // without waiting for its flush (it writes nothing that must last).
            let sent = sqlx::query(
                "SELECT set_config('synchronous_commit', 'off', true),
                        (SELECT count(pg_notify($1, t)) FROM unnest($2::text[]) AS t)",
            )
            .bind(NOTIFY_CHANNEL)
            .bind(&types)
            .execute(&self.pool)
            .await;
            if let Err(err) = sent {
                tracing::debug!(error = %err, "append notification not sent; projectors poll");
            }
            tokio::time::sleep(COALESCE).await;
        }
    }
}
