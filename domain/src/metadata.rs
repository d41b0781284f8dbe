//! Who did something, when, and in which request: the metadata every event carries.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorRole {
    Anonymous,
    InstitutionUser,
    Nec,
    Host,
    Participant,
    Operator,
    System,
}

impl ActorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::InstitutionUser => "institution_user",
            Self::Nec => "nec",
            Self::Host => "host",
            Self::Participant => "participant",
            Self::Operator => "operator",
            Self::System => "system",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub role: ActorRole,
}

impl Actor {
    pub fn anonymous() -> Self {
        Self {
            id: None,
            role: ActorRole::Anonymous,
        }
    }

    pub fn operator() -> Self {
        Self {
            id: None,
            role: ActorRole::Operator,
        }
    }
}

/// Metadata attached to every event of one command.
#[derive(Clone, Debug)]
pub struct EventMetadata {
    pub actor: Actor,
    pub correlation_id: Uuid,
    pub at: DateTime<Utc>,
}

impl EventMetadata {
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::new();
        if let Some(id) = self.actor.id {
            map.insert("actor_id".into(), id.to_string());
        }
        map.insert("actor_role".into(), self.actor.role.as_str().into());
        map.insert("correlation_id".into(), self.correlation_id.to_string());
        map.insert("at".into(), self.at.to_rfc3339());
        map
    }
}
