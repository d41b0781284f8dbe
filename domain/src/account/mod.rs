//! A login identity: one per e-mail address, whatever the role. The aggregate id is derived
//! from the normalised e-mail (see [`account_id_for`]), so the event store's uniqueness of
//! (aggregate, sequence) makes "one account per e-mail" hold under concurrency.

mod commands;
mod events;
#[cfg(test)]
mod tests;

pub use commands::{AccountCommand, EmailedPassword, IssuedLink};
pub use events::AccountEvent;

use crate::values::{Email, InstitutionName};
use crate::Personal;
use crate::Refusal;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Namespace for deriving account ids from e-mail addresses (UUID v5).
const ACCOUNT_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_5c1e_8a9b_4b0e_9c53_0e2f_7a11_e0a5);

pub fn account_id_for(email: &Email) -> Uuid {
    Uuid::new_v5(&ACCOUNT_NAMESPACE, email.as_str().as_bytes())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountRole {
    InstitutionUser {
        institution_id: Uuid,
        primary: bool,
    },
    Nec,
    /// A host organisation's contact: sees the documents that name its e-mail (R-HOST).
    Host,
    /// A participant: sees the documents that name its e-mail and granted access (R-PART).
    Participant,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountStatus {
    #[default]
    New,
    PendingRegistration,
    Active,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct PendingLink {
    token_hash: String,
    expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Account {
    status: AccountStatus,
    role: Option<AccountRole>,
    password_hash: Option<String>,
    link: Option<PendingLink>,
    must_change_password: bool,
    email: Option<Personal<Email>>,
    institution_name: Option<InstitutionName>,
    /// An e-mailed password must be changed before this moment, or it stops working.
    password_expires_at: Option<DateTime<Utc>>,
    reset: Option<PendingLink>,
    logged_in_before: bool,
    /// The documents a host or participant account was granted (R-HOST, R-PART).
    #[serde(default)]
    grants: std::collections::BTreeSet<Uuid>,
    /// Whether `grants` lists every document the account reaches (see
    /// `AccountEvent::ExternalAccountOpened`).
    #[serde(default)]
    grants_recorded: bool,
    /// When the account first logged in (issue 22; a snapshot from before reads as none).
    #[serde(default)]
    first_login_at: Option<DateTime<Utc>>,
}

/// What inviting an e-mail to a document does to its account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invitation {
    /// No account yet: one is opened, with a password sent by e-mail.
    OpensAccount,
    /// An account of the same kind: the grant is added, the password stays as it is.
    AddsGrant,
}

/// R-HOST, R-PART: a password sent by e-mail works this long unless changed.
pub const EMAILED_PASSWORD_VALIDITY_DAYS: i64 = 14;

impl Account {
    pub fn status(&self) -> AccountStatus {
        self.status
    }

    pub fn role(&self) -> Option<&AccountRole> {
        self.role.as_ref()
    }

    /// Whether the current password may still be used at `at` (an e-mailed password expires
    /// unless it was changed).
    pub fn password_usable_at(&self, at: DateTime<Utc>) -> bool {
        !(self.must_change_password && self.password_expires_at.is_some_and(|exp| at >= exp))
    }

    /// The stored password hash of an active account, for the login check.
    pub fn password_hash(&self) -> Option<&str> {
        match self.status {
            AccountStatus::Active => self.password_hash.as_deref(),
            _ => None,
        }
    }

    /// The login e-mail, unless erased.
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref().and_then(Personal::known)
    }

    /// The institution name given when registration started.
    pub fn institution_name(&self) -> Option<&InstitutionName> {
        self.institution_name.as_ref()
    }

    /// When the account first logged in, if it has.
    pub fn first_login_at(&self) -> Option<DateTime<Utc>> {
        self.first_login_at
    }

    /// The documents this host or participant account was granted.
    pub fn grants(&self) -> &std::collections::BTreeSet<Uuid> {
        &self.grants
    }

    /// Whether an invitation for `role` would open this account (it has none yet, or it was
    /// closed), add a grant to it (an active account of that role), or must be refused.
    pub fn invitation(&self, role: &AccountRole) -> Result<Invitation, Refusal> {
        if !matches!(role, AccountRole::Host | AccountRole::Participant) {
            return Err(Refusal::rejected(
                "NOT_AN_EXTERNAL_ROLE",
                "only host and participant accounts are opened this way",
            ));
        }
        match (&self.status, &self.role) {
            (AccountStatus::New | AccountStatus::Closed, _) => Ok(Invitation::OpensAccount),
            (AccountStatus::Active, Some(existing)) if existing == role => {
                Ok(Invitation::AddsGrant)
            }
            _ => Err(Refusal::rejected(
                "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT",
                "this e-mail address already has an account of another kind; use another address",
            )
            .in_field("email")),
        }
    }

    pub fn has_logged_in(&self) -> bool {
        self.logged_in_before
    }

    pub fn must_change_password(&self) -> bool {
        self.must_change_password
    }

    /// Whether `token_hash` is this account's pending password-reset link (expired or not).
    /// Only then may a reset's new password be checked against the account's e-mail: a
    /// refusal for containing it would otherwise tell anybody which e-mails have accounts.
    pub fn has_reset_link(&self, token_hash: &str) -> bool {
        self.status == AccountStatus::Active
            && self
                .reset
                .as_ref()
                .is_some_and(|reset| reset.token_hash == token_hash)
    }

    fn refuse_taken(&self) -> Result<(), Refusal> {
        match self.status {
            AccountStatus::New | AccountStatus::Closed => Ok(()),
            _ => Err(Refusal::rejected(
                "EMAIL_ALREADY_REGISTERED",
                "this e-mail address is already registered",
            )
            .in_field("email")),
        }
    }
}

impl Aggregate for Account {
    const TYPE: &'static str = "account";
    type Command = AccountCommand;
    type Event = AccountEvent;
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
            AccountEvent::InstitutionRegistrationStarted {
                institution_id,
                institution_name,
                email,
            } => {
                self.email = Some(email);
                self.institution_name = Some(institution_name);
                self.status = AccountStatus::PendingRegistration;
                self.role = Some(AccountRole::InstitutionUser {
                    institution_id,
                    primary: true,
                });
            }
            AccountEvent::RegistrationLinkIssued {
                token_hash,
                expires_at,
            } => {
                self.link = Some(PendingLink {
                    token_hash,
                    expires_at,
                });
            }
            AccountEvent::RegistrationConfirmed { password_hash } => {
                self.status = AccountStatus::Active;
                self.password_hash = Some(password_hash);
                self.link = None;
                self.must_change_password = false;
            }
            AccountEvent::InstitutionUserAccountOpened {
                institution_id,
                password_hash,
                email,
                password_expires_at,
                ..
            } => {
                self.email = Some(email);
                self.status = AccountStatus::Active;
                self.role = Some(AccountRole::InstitutionUser {
                    institution_id,
                    primary: false,
                });
                self.password_hash = Some(password_hash);
                self.must_change_password = true;
                self.password_expires_at = password_expires_at;
            }
            AccountEvent::NecAccountOpened {
                password_hash,
                email,
                ..
            } => {
                self.email = Some(email);
                self.status = AccountStatus::Active;
                self.role = Some(AccountRole::Nec);
                self.password_hash = Some(password_hash);
                self.must_change_password = false;
            }
            AccountEvent::PasswordChanged { password_hash }
            | AccountEvent::PasswordReset { password_hash } => {
                self.password_hash = Some(password_hash);
                self.must_change_password = false;
                self.password_expires_at = None;
                self.reset = None;
            }
            AccountEvent::ExternalAccountOpened {
                role,
                email,
                password_hash,
                password_expires_at,
                grants_recorded,
            } => {
                // A reopened (closed) account starts with no grants.
                self.grants.clear();
                self.grants_recorded = grants_recorded;
                self.status = AccountStatus::Active;
                self.role = Some(role);
                self.email = Some(email);
                self.password_hash = Some(password_hash);
                self.must_change_password = true;
                self.password_expires_at = Some(password_expires_at);
            }
            AccountEvent::PasswordIssued {
                password_hash,
                password_expires_at,
            } => {
                self.password_hash = Some(password_hash);
                self.must_change_password = true;
                self.password_expires_at = Some(password_expires_at);
            }
            AccountEvent::DocumentAccessGranted { document_id } => {
                self.grants.insert(document_id);
            }
            AccountEvent::DocumentAccessRevoked { document_id } => {
                self.grants.remove(&document_id);
            }
            AccountEvent::FirstLoggedIn { at } => {
                self.logged_in_before = true;
                self.first_login_at = Some(at);
            }
            AccountEvent::PasswordResetRequested {
                token_hash,
                expires_at,
            } => {
                self.reset = Some(PendingLink {
                    token_hash,
                    expires_at,
                });
            }
            AccountEvent::AccountClosed { .. } => {
                self.status = AccountStatus::Closed;
                self.password_hash = None;
                self.link = None;
                self.reset = None;
            }
        }
    }
}

impl Account {
    fn decide(&self, command: AccountCommand) -> Result<Vec<AccountEvent>, Refusal> {
        match command {
            AccountCommand::StartInstitutionRegistration {
                institution_id,
                institution_name,
                email,
                link,
            } => {
                self.refuse_taken()?;
                Ok(vec![
                    AccountEvent::InstitutionRegistrationStarted {
                        institution_id,
                        institution_name,
                        email: Personal::new(email),
                    },
                    AccountEvent::RegistrationLinkIssued {
                        token_hash: link.token_hash,
                        expires_at: link.expires_at,
                    },
                ])
            }
            AccountCommand::ReissueRegistrationLink { link } => match self.status {
                AccountStatus::PendingRegistration => {
                    Ok(vec![AccountEvent::RegistrationLinkIssued {
                        token_hash: link.token_hash,
                        expires_at: link.expires_at,
                    }])
                }
                AccountStatus::Active => Err(Refusal::rejected(
                    "ALREADY_CONFIRMED",
                    "this registration is already confirmed; log in instead",
                )),
                _ => Err(Refusal::not_found(
                    "REGISTRATION_NOT_FOUND",
                    "no registration is waiting for confirmation at this e-mail address",
                )),
            },
            AccountCommand::ConfirmRegistration {
                token_hash,
                password_hash,
                at,
            } => {
                if self.status == AccountStatus::Active && self.role_is_primary() {
                    return Err(Refusal::rejected(
                        "TOKEN_USED",
                        "this link was already used; log in with the password it gave",
                    ));
                }
                let link = match (&self.status, &self.link) {
                    (AccountStatus::PendingRegistration, Some(link))
                        if link.token_hash == token_hash =>
                    {
                        link
                    }
                    _ => {
                        return Err(Refusal::not_found(
                            "TOKEN_UNKNOWN",
                            "this link is unknown or was replaced by a newer one",
                        ))
                    }
                };
                if at >= link.expires_at {
                    return Err(Refusal::expired(
                        "TOKEN_EXPIRED",
                        "this link has expired; ask for a new one",
                    ));
                }
                Ok(vec![AccountEvent::RegistrationConfirmed { password_hash }])
            }
            AccountCommand::OpenInstitutionUser {
                institution_id,
                name,
                email,
                password_hash,
                password_expires_at,
            } => {
                self.refuse_taken()?;
                Ok(vec![AccountEvent::InstitutionUserAccountOpened {
                    institution_id,
                    name: Personal::new(name),
                    email: Personal::new(email),
                    password_hash,
                    password_expires_at: Some(password_expires_at),
                }])
            }
            AccountCommand::GrantDocumentAccess {
                role,
                email,
                document_id,
                new_password,
            } => match self.invitation(&role)? {
                Invitation::OpensAccount => {
                    let Some(password) = new_password else {
                        // Decided on a state where the account existed: the caller decides
                        // again with a password to send.
                        return Err(Refusal::rejected(
                            "ACCOUNT_CHANGED",
                            "the account changed meanwhile; try again",
                        ));
                    };
                    Ok(vec![
                        AccountEvent::ExternalAccountOpened {
                            role,
                            email: Personal::new(email),
                            password_hash: password.password_hash,
                            password_expires_at: password.expires_at,
                            grants_recorded: true,
                        },
                        AccountEvent::DocumentAccessGranted { document_id },
                    ])
                }
                Invitation::AddsGrant if self.grants.contains(&document_id) => Ok(vec![]),
                Invitation::AddsGrant => {
                    Ok(vec![AccountEvent::DocumentAccessGranted { document_id }])
                }
            },
            AccountCommand::RevokeDocumentAccess {
                document_id,
                reason,
            } => {
                if self.status != AccountStatus::Active
                    || !matches!(
                        self.role,
                        Some(AccountRole::Host | AccountRole::Participant)
                    )
                {
                    return Ok(vec![]);
                }
                let mut events = vec![];
                if self.grants.contains(&document_id) {
                    events.push(AccountEvent::DocumentAccessRevoked { document_id });
                }
                let remaining = self.grants.iter().filter(|d| **d != document_id).count();
                if self.grants_recorded && remaining == 0 {
                    events.push(AccountEvent::AccountClosed { reason });
                }
                Ok(events)
            }
            AccountCommand::RecordLogin { at } => {
                if self.logged_in_before || self.status != AccountStatus::Active {
                    return Ok(vec![]);
                }
                Ok(vec![AccountEvent::FirstLoggedIn { at }])
            }
            AccountCommand::RequestPasswordReset { link } => {
                if self.status != AccountStatus::Active {
                    // Nothing to reset; the service answers the same either way.
                    return Ok(vec![]);
                }
                Ok(vec![AccountEvent::PasswordResetRequested {
                    token_hash: link.token_hash,
                    expires_at: link.expires_at,
                }])
            }
            AccountCommand::ResetPassword {
                token_hash,
                password_hash,
                at,
            } => {
                let reset = match (&self.status, &self.reset) {
                    (AccountStatus::Active, Some(reset)) if reset.token_hash == token_hash => reset,
                    _ => {
                        return Err(Refusal::not_found(
                            "TOKEN_UNKNOWN",
                            "this link is unknown, used, or was replaced by a newer one",
                        ))
                    }
                };
                if at >= reset.expires_at {
                    return Err(Refusal::expired(
                        "TOKEN_EXPIRED",
                        "this link has expired; ask for a new one",
                    ));
                }
                Ok(vec![AccountEvent::PasswordReset { password_hash }])
            }
            AccountCommand::OpenNecAccount {
                name,
                email,
                password_hash,
            } => {
                self.refuse_taken()?;
                Ok(vec![AccountEvent::NecAccountOpened {
                    name: Personal::new(name),
                    email: Personal::new(email),
                    password_hash,
                }])
            }
            AccountCommand::ChangePassword { password_hash } => {
                if self.status != AccountStatus::Active {
                    return Err(Refusal::not_found("ACCOUNT_NOT_FOUND", "no active account"));
                }
                Ok(vec![AccountEvent::PasswordChanged { password_hash }])
            }
            AccountCommand::Close { reason } => match self.status {
                AccountStatus::Active | AccountStatus::PendingRegistration => {
                    Ok(vec![AccountEvent::AccountClosed { reason }])
                }
                _ => Ok(vec![]),
            },
        }
    }

    fn role_is_primary(&self) -> bool {
        matches!(
            self.role,
            Some(AccountRole::InstitutionUser { primary: true, .. })
        )
    }
}
