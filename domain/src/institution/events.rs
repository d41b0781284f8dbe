use super::BaseData;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InstitutionEvent {
    InstitutionRegistered {
        base: BaseData,
        primary_account: Uuid,
    },
    BaseDataChanged {
        base: BaseData,
    },
    /// An additional user's account joined; the account's own events carry name and e-mail.
    UserAdded {
        account_id: Uuid,
    },
    UserRemoved {
        account_id: Uuid,
    },
}

impl DomainEvent for InstitutionEvent {
    fn event_type(&self) -> String {
        match self {
            Self::InstitutionRegistered { .. } => "InstitutionRegistered",
            Self::BaseDataChanged { .. } => "BaseDataChanged",
            Self::UserAdded { .. } => "UserAdded",
            Self::UserRemoved { .. } => "UserRemoved",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
