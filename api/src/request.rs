//! What one HTTP request carries into the GraphQL layer: its correlation id and, lazily, the
//! authenticated principal (resolved once per request, which also extends the session unless
//! the request only reads the session's remaining time).

use commands::auth::{self, Principal, SessionWrites};
use commands::{CommandContext, CommandError, Services, Written};
use domain::metadata::{Actor, ActorRole};
use eventstore::store::SESSION_NOT_PROVEN;
use projections::projector::Projector;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;
use uuid::Uuid;

pub struct RequestContext {
    pub correlation_id: Uuid,
    pub token: Option<String>,
    /// False for a request that only reads `session` (see [`Self::reading_the_session_only`]).
    extends_session: bool,
    /// The caller's address (the TCP peer), for counting login attempts per address.
    pub client: Option<std::net::IpAddr>,
    principal: OnceCell<Principal>,
    /// Set once the projections show everything this session wrote before the request.
    settled: OnceCell<()>,
    /// What this request's commands wrote (see `CommandContext`).
    pub written: Arc<Written>,
}

impl RequestContext {
    pub fn new(correlation_id: Uuid, token: Option<String>) -> Self {
        Self {
            correlation_id,
            token,
            extends_session: true,
            client: None,
            principal: OnceCell::new(),
            settled: OnceCell::new(),
            written: Arc::default(),
        }
    }

    /// For a request that only reads the session's remaining time: resolving the caller does
    /// not extend the session (R-SESSION: every other authenticated call does).
    pub fn reading_the_session_only(mut self) -> Self {
        self.extends_session = false;
        self
    }

    /// The same context, for a request from `client`.
    pub fn from_client(self, client: Option<std::net::IpAddr>) -> Self {
        Self { client, ..self }
    }

    pub async fn principal(&self, services: &Services) -> Result<&Principal, CommandError> {
        let Some(token) = &self.token else {
            return Err(CommandError::Unauthenticated {
                reason: "SESSION_UNKNOWN",
                message: "not logged in",
            });
        };
        self.principal
            .get_or_try_init(|| async {
                if self.extends_session {
                    auth::authenticate(services, token).await
                } else {
                    auth::authenticate_without_extending(services, token).await
                }
            })
            .await
    }

    /// The principal, once the projections show everything its session wrote before this
    /// request (read your writes: section saves answer before the projection has run). Every
    /// path that reads a query table resolves the caller through this.
    pub async fn reader(
        &self,
        services: &Services,
        projector: &Projector,
    ) -> Result<&Principal, CommandError> {
        let principal = self.principal(services).await?;
        self.settled
            .get_or_init(|| settle(projector, &principal.written, 0, &[]))
            .await;
        Ok(principal)
    }

    /// The fast path's one interface: runs `command` as this request's caller. A caller whose
    /// session was resolved recently (`auth::KnownSessions`) is not authenticated by a
    /// statement of its own: its command carries a session guard, which the command's own
    /// statement proves (`eventstore::store::append`). Where that proof fails
    /// (`SESSION_NOT_PROVEN`), nothing was written, and the caller is authenticated the
    /// ordinary way (which gives the real reason) and the command runs as for anyone else.
    /// `fast` is false for a command that could answer before any proof (an id that does not
    /// parse): it takes the ordinary way.
    pub async fn with_caller<T, Fut>(
        &self,
        services: &Services,
        fast: bool,
        command: impl Fn(Principal, CommandContext) -> Fut,
    ) -> Result<T, CommandError>
    where
        Fut: std::future::Future<Output = Result<T, CommandError>>,
    {
        let known = self
            .token
            .as_deref()
            .filter(|_| fast)
            .and_then(|token| auth::known_session(services, token));
        if let Some((principal, guard)) = known {
            let context = self.as_principal(&principal).with_session_guard(guard);
            match command(principal, context).await {
                Err(CommandError::Unauthenticated {
                    reason: SESSION_NOT_PROVEN,
                    ..
                }) => {}
                answered => return answered,
            }
        }
        let principal = self.principal(services).await?;
        command(principal.clone(), self.as_principal(principal)).await
    }

    /// The principal if this request has already resolved one.
    pub fn known_principal(&self) -> Option<&Principal> {
        self.principal.get()
    }

    pub fn anonymous(&self) -> CommandContext {
        CommandContext::with_correlation(
            Actor::anonymous(),
            self.correlation_id,
            self.written.clone(),
        )
    }

    pub fn as_principal(&self, principal: &Principal) -> CommandContext {
        let role = match principal.role {
            domain::account::AccountRole::InstitutionUser { .. } => ActorRole::InstitutionUser,
            domain::account::AccountRole::Nec => ActorRole::Nec,
            domain::account::AccountRole::Host => ActorRole::Host,
            domain::account::AccountRole::Participant => ActorRole::Participant,
        };
        CommandContext::with_correlation(
            Actor {
                id: Some(principal.account_id),
                role,
            },
            self.correlation_id,
            self.written.clone(),
        )
        .in_session(&principal.session)
    }
}

/// How long a request waits for the projections to show what it or its session wrote.
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits (bounded) until the projections reading the types in `session` or in `types` have
/// applied the session's writes and the transaction `tx` (0: none). A timeout is logged and
/// the request goes on: it may then read a slightly older state, never a wrong one.
pub async fn settle(projector: &Projector, session: &SessionWrites, tx: i64, types: &[&str]) {
    let target = session.tx.max(tx);
    if target == 0 {
        return;
    }
    let mut all: Vec<&str> = session.types.iter().map(String::as_str).collect();
    all.extend_from_slice(types);
    if all.is_empty() {
        return;
    }
    match projector
        .wait_for_types(target + 1, &all, SETTLE_TIMEOUT)
        .await
    {
        Ok(true) => {}
        Ok(false) => tracing::warn!("projections did not catch up within the settle timeout"),
        Err(err) => tracing::warn!(error = format!("{err:#}"), "waiting for projections failed"),
    }
}
