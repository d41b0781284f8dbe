//! GraphQL output types, built from query-table rows.

use async_graphql::{Enum, InputObject, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projections::accounts::AccountRow;
use projections::institutions::InstitutionRow;

#[derive(SimpleObject)]
pub struct RegistrationStarted {
    pub institution_id: ID,
    pub email: String,
    /// The confirmation link stops working at this moment (48 hours after it was sent).
    pub link_expires_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct ConfirmedRegistration {
    pub institution_id: ID,
    pub email: String,
    /// Shown this once; it cannot be retrieved again.
    pub password: String,
}

#[derive(SimpleObject)]
pub struct LoginResult {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub must_change_password: bool,
}

#[derive(SimpleObject)]
pub struct Session {
    pub expires_at: DateTime<Utc>,
    pub seconds_left: i64,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Role {
    InstitutionUser,
    Nec,
    Host,
    Participant,
}

#[derive(SimpleObject)]
pub struct Me {
    pub account_id: ID,
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: Role,
    pub is_primary_user: bool,
    pub must_change_password: bool,
    pub institution: Option<Institution>,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Institution {
    pub id: ID,
    pub name: String,
    pub address: Option<String>,
    pub country: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Base-data fields a portal should still ask for.
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
            registered_at: row.registered_at,
            updated_at: row.updated_at,
            missing_base_data: missing,
        }
    }
}

#[derive(SimpleObject)]
pub struct InstitutionUser {
    pub account_id: ID,
    pub name: Option<String>,
    pub email: Option<String>,
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

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum NextStepKind {
    CompleteBaseData,
    RequestMobility,
    EditDocuments,
    UploadSignature,
}

/// One entry of a portal's home page ("Next steps").
#[derive(SimpleObject)]
pub struct NextStep {
    pub kind: NextStepKind,
    pub label_en: String,
    pub label_lv: String,
    pub available: bool,
    /// Why the step is not available yet, if it is not.
    pub blocked_by: Option<String>,
}

/// A change of base data: omitted fields stay as they are; an empty string clears an
/// optional field.
#[derive(InputObject, Default)]
pub struct BaseDataInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub country: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}
