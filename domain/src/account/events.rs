use super::AccountRole;
use crate::values::{Email, InstitutionName, PersonName};
use crate::Personal;
use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AccountEvent {
    /// Someone asked to register an institution with this e-mail as its login.
    InstitutionRegistrationStarted {
        institution_id: Uuid,
        institution_name: InstitutionName,
        email: Personal<Email>,
    },
    /// A confirmation link was e-mailed; any earlier link stops working.
    RegistrationLinkIssued {
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    RegistrationConfirmed {
        password_hash: String,
    },
    InstitutionUserAccountOpened {
        institution_id: Uuid,
        name: Personal<PersonName>,
        email: Personal<Email>,
        password_hash: String,
        /// The e-mailed password stops working then unless changed.
        #[serde(default)]
        password_expires_at: Option<DateTime<Utc>>,
    },
    /// A host or participant account, with a password sent by e-mail.
    ExternalAccountOpened {
        role: AccountRole,
        email: Personal<Email>,
        password_hash: String,
        password_expires_at: DateTime<Utc>,
        /// Accounts opened since grants exist list every document they reach in
        /// `DocumentAccessGranted` events; older ones may reach documents not listed.
        #[serde(default)]
        grants_recorded: bool,
    },
    /// A host or participant was given access to a document (R-HOST, R-PART).
    DocumentAccessGranted {
        document_id: Uuid,
    },
    /// That access ended (the document's participant data were erased).
    DocumentAccessRevoked {
        document_id: Uuid,
    },
    /// A new password was sent by e-mail; it must be changed. (Written before grants existed:
    /// an invitation no longer replaces an existing password.)
    PasswordIssued {
        password_hash: String,
        password_expires_at: DateTime<Utc>,
    },
    /// The account's first successful login.
    FirstLoggedIn {
        at: DateTime<Utc>,
    },
    PasswordResetRequested {
        token_hash: String,
        expires_at: DateTime<Utc>,
    },
    PasswordReset {
        password_hash: String,
    },
    NecAccountOpened {
        name: Personal<PersonName>,
        email: Personal<Email>,
        password_hash: String,
    },
    PasswordChanged {
        password_hash: String,
    },
    AccountClosed {
        reason: String,
    },
}

impl DomainEvent for AccountEvent {
    fn event_type(&self) -> String {
        match self {
            Self::InstitutionRegistrationStarted { .. } => "InstitutionRegistrationStarted",
            Self::RegistrationLinkIssued { .. } => "RegistrationLinkIssued",
            Self::RegistrationConfirmed { .. } => "RegistrationConfirmed",
            Self::InstitutionUserAccountOpened { .. } => "InstitutionUserAccountOpened",
            Self::NecAccountOpened { .. } => "NecAccountOpened",
            Self::PasswordChanged { .. } => "PasswordChanged",
            Self::ExternalAccountOpened { .. } => "ExternalAccountOpened",
            Self::PasswordIssued { .. } => "PasswordIssued",
            Self::DocumentAccessGranted { .. } => "DocumentAccessGranted",
            Self::DocumentAccessRevoked { .. } => "DocumentAccessRevoked",
            Self::FirstLoggedIn { .. } => "FirstLoggedIn",
            Self::PasswordResetRequested { .. } => "PasswordResetRequested",
            Self::PasswordReset { .. } => "PasswordReset",
            Self::AccountClosed { .. } => "AccountClosed",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
