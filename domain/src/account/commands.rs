use super::AccountRole;
use crate::values::{Email, InstitutionName, PersonName};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A one-time link handed out by e-mail. Only the hash of its secret reaches the event store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedLink {
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub enum AccountCommand {
    StartInstitutionRegistration {
        institution_id: Uuid,
        institution_name: InstitutionName,
        email: Email,
        link: IssuedLink,
    },
    ReissueRegistrationLink {
        link: IssuedLink,
    },
    ConfirmRegistration {
        token_hash: String,
        password_hash: String,
        at: DateTime<Utc>,
    },
    OpenInstitutionUser {
        institution_id: Uuid,
        name: PersonName,
        email: Email,
        password_hash: String,
        password_expires_at: DateTime<Utc>,
    },
    /// A host or participant account; for an existing one of the same role, a new e-mailed
    /// password replaces the old one.
    OpenExternalAccount {
        role: AccountRole,
        email: Email,
        password_hash: String,
        password_expires_at: DateTime<Utc>,
    },
    /// A successful login; only the first one is a fact worth recording (R-HOST notice).
    RecordLogin {
        at: DateTime<Utc>,
    },
    RequestPasswordReset {
        link: IssuedLink,
    },
    ResetPassword {
        token_hash: String,
        password_hash: String,
        at: DateTime<Utc>,
    },
    OpenNecAccount {
        name: PersonName,
        email: Email,
        password_hash: String,
    },
    /// The caller has already proven the current password (or holds a reset right).
    ChangePassword {
        password_hash: String,
    },
    Close {
        reason: String,
    },
}
