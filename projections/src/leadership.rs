//! Which replica runs what (R-PROJ): each projection, and each named background job (the Try
//! Out purge), runs on exactly one replica at a time.
//!
//! A replica leads a role while it holds that role's PostgreSQL session-level advisory lock
//! on one connection of its own, outside the pool. When the replica dies, PostgreSQL closes
//! its session and frees every lock it held: at once for a killed process (the socket
//! closes), after the TCP keepalive timeout for a lost network. The other replicas try the
//! free roles every [`RETRY`], so one of them takes over within about that long.
//!
//! Leadership is only an economy: it keeps the other replicas from running empty batches and
//! from queueing on each other's locks. It is not what makes a batch safe. Every batch still
//! takes its transaction-level lock and reads the checkpoint after it (see
//! `Projector::run_runner_batch`), so two replicas that both believe they lead (a partition
//! before the old session is noticed dead) still apply each event once.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often a replica tries the roles it does not hold and checks the session it holds
/// them on.
pub const RETRY: Duration = Duration::from_secs(1);

/// The roles this replica may lead, and whether it leads each now.
pub struct Leadership {
    options: PgConnectOptions,
    roles: BTreeMap<String, watch::Sender<bool>>,
}

impl Leadership {
    /// Roles are names such as `projection:documents` or `tryout-purge`.
    pub fn new(pool: &PgPool, roles: impl IntoIterator<Item = String>) -> Arc<Self> {
        let options = (*pool.connect_options()).clone();
        let roles = roles
            .into_iter()
            .map(|role| (role, watch::channel(false).0))
            .collect();
        Arc::new(Self { options, roles })
    }

    /// Whether this replica leads `role` now (false for a role it does not know).
    pub fn leads(&self, role: &str) -> bool {
        self.roles.get(role).is_some_and(|held| *held.borrow())
    }

    /// Follows `role`'s leadership: `true` while this replica leads it.
    pub fn watch(&self, role: &str) -> Option<watch::Receiver<bool>> {
        self.roles.get(role).map(watch::Sender::subscribe)
    }

    /// Every role with whether this replica leads it.
    pub fn roles(&self) -> Vec<(String, bool)> {
        self.roles
            .iter()
            .map(|(role, held)| (role.clone(), *held.borrow()))
            .collect()
    }

    /// Holds what it can, for as long as the process runs.
    pub fn spawn(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move { this.run_forever().await })
    }

    async fn run_forever(&self) {
        loop {
            match self.options.connect().await {
                Ok(mut session) => {
                    if let Err(err) = self.hold(&mut session).await {
                        tracing::warn!(
                            error = format!("{err:#}"),
                            "leadership session lost; following until it is back"
                        );
                    }
                    // Whatever happened to the session, nothing is held any longer.
                    self.release_all();
                    let _ = session.close().await;
                }
                Err(err) => {
                    tracing::warn!(error = %err, "leadership session cannot connect")
                }
            }
            tokio::time::sleep(RETRY).await;
        }
    }

    /// Takes free roles and checks the session every [`RETRY`]; returns when the session fails.
    async fn hold(&self, session: &mut PgConnection) -> anyhow::Result<()> {
        loop {
            for (role, held) in &self.roles {
                if *held.borrow() {
                    continue;
                }
                let taken: bool = sqlx::query_scalar(
                    "SELECT pg_try_advisory_lock(hashtext('europass.leader.' || $1))",
                )
                .bind(role)
                .fetch_one(&mut *session)
                .await?;
                if taken {
                    tracing::info!(role, "leading");
                    held.send_replace(true);
                }
            }
            tokio::time::sleep(RETRY).await;
            // A session that no longer answers may have lost its locks to another replica.
            sqlx::query("SELECT 1").execute(&mut *session).await?;
        }
    }

    fn release_all(&self) {
        for (role, held) in &self.roles {
            if held.send_replace(false) {
                tracing::info!(role, "no longer leading");
            }
        }
    }
}

/// The role name of a projection.
pub fn projection_role(projection: &str) -> String {
    format!("projection:{projection}")
}
