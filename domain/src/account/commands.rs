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

/// A password sent by e-mail: only its hash, and when it stops working unless changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailedPassword {
    pub password_hash: String,
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
    /// R-HOST, R-PART: a grant of access to one document for a host or a participant. An
    /// account that does not exist yet is opened with `new_password` (e-mailed to its owner);
    /// an existing account of the same role gets the grant and keeps its password; an account
    /// of any other kind is refused and left untouched.
    GrantDocumentAccess {
        role: AccountRole,
        email: Email,
        document_id: Uuid,
        new_password: Option<EmailedPassword>,
    },
    /// The grant on one document ends (its participant data were erased). An account with
    /// no grant left is closed: the person is known to the register only through grants.
    RevokeDocumentAccess {
        document_id: Uuid,
        reason: String,
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
