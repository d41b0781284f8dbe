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
    /// Version 1.1 added `changed_fields`; 1.0 payloads are upcast with `None` by
    /// `eventstore::upcasters` (the field is required here so that an old payload cannot be
    /// decoded without passing through the upcaster).
    BaseDataChanged {
        base: BaseData,
        /// The base-data fields that differ from before (API names, e.g. `contactPerson`);
        /// `None`: written before version 1.1, which did not record them.
        #[serde(deserialize_with = "Option::deserialize")]
        changed_fields: Option<Vec<String>>,
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
        match self {
            Self::BaseDataChanged { .. } => "1.1",
            _ => "1.0",
        }
        .to_string()
    }
}
