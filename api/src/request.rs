//! What one HTTP request carries into the GraphQL layer: its correlation id and, lazily, the
//! authenticated principal (resolved once per request, which also extends the session).

use commands::auth::{self, Principal};
use commands::{CommandContext, CommandError, Services, Written};
use domain::metadata::{Actor, ActorRole};
use std::sync::Arc;
use tokio::sync::OnceCell;
use uuid::Uuid;

pub struct RequestContext {
    pub correlation_id: Uuid,
    pub token: Option<String>,
    principal: OnceCell<Principal>,
    /// What this request's commands wrote (see `CommandContext`).
    pub written: Arc<Written>,
}

impl RequestContext {
    pub fn new(correlation_id: Uuid, token: Option<String>) -> Self {
        Self {
            correlation_id,
            token,
            principal: OnceCell::new(),
            written: Arc::default(),
        }
    }

    pub async fn principal(&self, services: &Services) -> Result<&Principal, CommandError> {
        let Some(token) = &self.token else {
            return Err(CommandError::Unauthenticated {
                reason: "SESSION_UNKNOWN",
                message: "not logged in",
            });
        };
        self.principal
            .get_or_try_init(|| auth::authenticate(services, token))
            .await
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
    }
}
