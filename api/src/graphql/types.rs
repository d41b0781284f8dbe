//! GraphQL output types, built from query-table rows.

use async_graphql::{Enum, InputObject, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projections::accounts::AccountRow;
use projections::institutions::InstitutionRow;

/// The answer of `registerInstitution` and `resendRegistrationLink`: a confirmation link was
/// e-mailed (or, for an e-mail that already has an account, its owner was told).
#[derive(SimpleObject)]
pub struct RegistrationStarted {
    /// The new institution's id; empty from `resendRegistrationLink`, which names no
    /// institution.
    pub institution_id: ID,
    /// The e-mail the link was sent to, as the register writes it.
    pub email: String,
    /// The confirmation link stops working at this moment (48 hours after it was sent).
    pub link_expires_at: DateTime<Utc>,
}

/// The answer of `confirmRegistration`: the institution's primary user and its password.
#[derive(SimpleObject)]
pub struct ConfirmedRegistration {
    /// The institution's id.
    pub institution_id: ID,
    /// The login e-mail of the institution's primary user.
    pub email: String,
    /// Shown this once; it cannot be retrieved again.
    pub password: String,
}

/// A new session (`login`).
#[derive(SimpleObject)]
pub struct LoginResult {
    /// The session token; send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the session ends unless used: 20 minutes after the last request.
    pub expires_at: DateTime<Utc>,
    /// The password was e-mailed (or reset by the register): the portal should ask for a new
    /// one (`changePassword`).
    pub must_change_password: bool,
}

/// The caller's session (R-SESSION).
#[derive(SimpleObject)]
pub struct Session {
    /// When the session ends unless used.
    pub expires_at: DateTime<Utc>,
    /// Seconds until then (0 when past), for a countdown.
    pub seconds_left: i64,
}

/// What kind of account the caller has.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Role {
    /// A user of a sending institution (the primary user or an additional one).
    InstitutionUser,
    /// Staff of the National Europass Centre.
    Nec,
    /// A host organisation, invited by e-mail (R-HOST).
    Host,
    /// A participant, given access to their own document (R-PART).
    Participant,
}

/// The logged-in account.
#[derive(SimpleObject)]
pub struct Me {
    /// The account's id.
    pub account_id: ID,
    /// The login e-mail.
    pub email: Option<String>,
    /// The person's name, where the account has one.
    pub name: Option<String>,
    /// What kind of account it is.
    pub role: Role,
    /// The institution's primary user (the one who registered it); false for everyone else.
    pub is_primary_user: bool,
    /// The password was e-mailed: the portal should ask for a new one.
    pub must_change_password: bool,
    /// The caller's institution; null for NEC staff, hosts and participants.
    pub institution: Option<Institution>,
}

/// A sending institution and its base data (R-BASE), as they are now. Seen by its own users
/// and NEC staff.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Institution {
    /// The institution's id.
    pub id: ID,
    /// The institution's official name.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
    /// Country as an ISO 3166-1 alpha-2 code, e.g. `LV`.
    pub country: Option<String>,
    /// The contact person's name.
    pub contact_person: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// The institution's contact e-mail (at first the registering e-mail; changing it does
    /// not change any login).
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// The type of organisation: a code of `referenceData.hostOrganisationTypes`, or a free text.
    pub organisation_type: Option<String>,
    /// The contact (reference) person's position, printed beside the signature.
    pub contact_position: Option<String>,
    /// When the institution registered.
    pub registered_at: DateTime<Utc>,
    /// When its base data last changed.
    pub updated_at: DateTime<Utc>,
    /// Base-data fields a portal should still ask for (`address`, `country`,
    /// `contactPerson`, `phone`); `nextSteps` offers the other steps once it is empty.
    pub missing_base_data: Vec<String>,
}

impl From<InstitutionRow> for Institution {
    fn from(row: InstitutionRow) -> Self {
        let mut missing = vec![];
        for (name, value) in [
            ("address", &row.address),
            ("country", &row.country),
            ("contactPerson", &row.contact_person),
            ("phone", &row.phone),
        ] {
            if value.is_none() {
                missing.push(name.to_string());
            }
        }
        Self {
            id: ID(row.id.to_string()),
            name: row.name,
            address: row.address,
            country: row.country,
            contact_person: row.contact_person,
            phone: row.phone,
            email: row.email,
            website: row.website,
            organisation_type: row.organisation_type,
            contact_position: row.contact_position,
            registered_at: row.registered_at,
            updated_at: row.updated_at,
            missing_base_data: missing,
        }
    }
}

/// An additional user of an institution (R-USERS).
#[derive(SimpleObject)]
pub struct InstitutionUser {
    /// The user's account id (for `removeInstitutionUser`).
    pub account_id: ID,
    /// The user's name.
    pub name: Option<String>,
    /// The user's login e-mail.
    pub email: Option<String>,
    /// When the user was added.
    pub added_at: DateTime<Utc>,
}

impl From<AccountRow> for InstitutionUser {
    fn from(row: AccountRow) -> Self {
        Self {
            account_id: ID(row.id.to_string()),
            name: row.name,
            email: row.email,
            added_at: row.created_at,
        }
    }
}

/// A step a portal's home page offers.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum NextStepKind {
    /// Fill in the institution's missing base data (`updateBaseData`).
    CompleteBaseData,
    /// Request Europass Mobility documents (`requestMobility`).
    RequestMobility,
    /// Edit the documents of existing mobilities.
    EditDocuments,
    /// Upload or insert a signature or stamp (R-SIGN).
    UploadSignature,
}

/// One entry of a portal's home page ("Next steps").
#[derive(SimpleObject)]
pub struct NextStep {
    /// Which step.
    pub kind: NextStepKind,
    /// The step's label in English.
    pub label_en: String,
    /// The step's label in Latvian.
    pub label_lv: String,
    /// The step can be taken now.
    pub available: bool,
    /// Why the step is not available yet (`COMPLETE_BASE_DATA`: the base data come first);
    /// null when it is.
    pub blocked_by: Option<String>,
}

/// A change of base data: omitted fields stay as they are; an empty string clears an
/// optional field. Errors name the field.
#[derive(InputObject, Default)]
pub struct BaseDataInput {
    /// The institution's official name, at most 200 characters.
    pub name: Option<String>,
    /// Postal address, at most 400 characters.
    pub address: Option<String>,
    /// Country as an ISO 3166-1 alpha-2 code, e.g. `LV`.
    pub country: Option<String>,
    /// The contact person's name, at most 120 characters.
    pub contact_person: Option<String>,
    /// Telephone, e.g. `+371 67 000 000`.
    pub phone: Option<String>,
    /// The institution's contact e-mail (logins do not change).
    pub email: Option<String>,
    /// Website, e.g. `https://rvt.lv`.
    pub website: Option<String>,
    /// The type of organisation: a code of `referenceData.hostOrganisationTypes` (e.g.
    /// `SCHOOL`), or a free text where the list lacks it; empty clears it.
    pub organisation_type: Option<String>,
    /// The contact (reference) person's position, at most 200 characters; printed beside
    /// the signature.
    pub contact_position: Option<String>,
}
