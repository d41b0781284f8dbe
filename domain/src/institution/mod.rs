//! A sending institution: its base data (R-BASE) and its additional users (R-USERS).

mod base_data;
mod commands;
mod events;
mod name_key;
#[cfg(test)]
mod tests;

pub use base_data::{organisation_type, BaseData};
pub use commands::InstitutionCommand;
pub use events::InstitutionEvent;
pub use name_key::InstitutionNameKey;

use crate::Refusal;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// R-USERS: an institution may name at most this many users besides its primary one.
pub const MAX_ADDITIONAL_USERS: usize = 3;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Institution {
    primary_account: Option<Uuid>,
    base: Option<BaseData>,
    additional_users: Vec<Uuid>,
}

impl Institution {
    pub fn is_registered(&self) -> bool {
        self.primary_account.is_some()
    }

    /// The account that registered the institution.
    pub fn primary_account(&self) -> Option<Uuid> {
        self.primary_account
    }

    pub fn base_data(&self) -> Option<&BaseData> {
        self.base.as_ref()
    }

    pub fn additional_users(&self) -> &[Uuid] {
        &self.additional_users
    }

    fn require_registered(&self) -> Result<(), Refusal> {
        if self.is_registered() {
            Ok(())
        } else {
            Err(Refusal::not_found(
                "INSTITUTION_NOT_FOUND",
                "institution not found",
            ))
        }
    }

    fn decide(&self, command: InstitutionCommand) -> Result<Vec<InstitutionEvent>, Refusal> {
        match command {
            InstitutionCommand::Register {
                base,
                primary_account,
            } => match self.primary_account {
                // Registration is re-run when a confirmation finds it missing: same owner,
                // nothing to do.
                Some(existing) if existing == primary_account => Ok(vec![]),
                // The seed's rule: an institution registers once; whoever else works there
                // is added by its users (R-USERS). The name is what was refused.
                Some(_) => Err(Refusal {
                    field: Some("name".into()),
                    ..Refusal::rejected(
                        "INSTITUTION_ALREADY_REGISTERED",
                        "this institution is already registered; ask one of its users to add \
                         you as a user of the institution",
                    )
                }),
                None => Ok(vec![InstitutionEvent::InstitutionRegistered {
                    base,
                    primary_account,
                }]),
            },
            InstitutionCommand::ChangeBaseData { base } => {
                self.require_registered()?;
                let Some(current) = self.base.as_ref().filter(|current| **current != base) else {
                    return Ok(vec![]);
                };
                let changed_fields = Some(current.changed_fields(&base));
                Ok(vec![InstitutionEvent::BaseDataChanged {
                    base,
                    changed_fields,
                }])
            }
            InstitutionCommand::AddUser { account_id } => {
                self.require_registered()?;
                if self.additional_users.contains(&account_id) {
                    return Ok(vec![]);
                }
                if self.additional_users.len() >= MAX_ADDITIONAL_USERS {
                    return Err(Refusal::rejected(
                        "USER_LIMIT_REACHED",
                        format!(
                            "an institution can have at most {MAX_ADDITIONAL_USERS} additional users"
                        ),
                    ));
                }
                Ok(vec![InstitutionEvent::UserAdded { account_id }])
            }
            InstitutionCommand::RemoveUser { account_id } => {
                self.require_registered()?;
                if !self.additional_users.contains(&account_id) {
                    return Err(Refusal::not_found("USER_NOT_FOUND", "user not found"));
                }
                Ok(vec![InstitutionEvent::UserRemoved { account_id }])
            }
        }
    }
}

impl Aggregate for Institution {
    const TYPE: &'static str = "institution";
    type Command = InstitutionCommand;
    type Event = InstitutionEvent;
    type Error = Refusal;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            InstitutionEvent::InstitutionRegistered {
                base,
                primary_account,
            } => {
                self.primary_account = Some(primary_account);
                self.base = Some(base);
            }
            InstitutionEvent::BaseDataChanged { base, .. } => self.base = Some(base),
            InstitutionEvent::UserAdded { account_id } => self.additional_users.push(account_id),
            InstitutionEvent::UserRemoved { account_id } => {
                self.additional_users.retain(|id| *id != account_id)
            }
        }
    }
}
