//! R-BASE and R-USERS: base data of an institution, its additional users, NEC staff accounts.

use crate::auth::{self, Principal};
use crate::mailer::Mail;
use crate::secrets;
use crate::Services;
use domain::account::{account_id_for, AccountCommand};
use domain::institution::{BaseData, InstitutionCommand};
use domain::values::{
    Address, CountryCode, Email, InstitutionName, PersonName, Phone, ShortText, Website,
};
use domain::{Personal, Refusal};
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
use uuid::Uuid;

/// A change of base data as the client sent it: `None` keeps a field, an empty string clears
/// an optional one.
#[derive(Default, Debug)]
pub struct BaseDataChange {
    pub name: Option<String>,
    pub address: Option<String>,
    pub country: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub organisation_type: Option<String>,
    pub contact_position: Option<String>,
}

fn optional<T>(
    raw: Option<String>,
    current: Option<T>,
    parse: impl Fn(&str) -> Result<T, Refusal>,
    field: &str,
) -> Result<Option<T>, Refusal> {
    match raw {
        None => Ok(current),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => parse(&v).map(Some).map_err(|e| e.in_field(field)),
    }
}

impl BaseDataChange {
    /// Every field is parsed before anything is written: one bad field refuses the whole change.
    pub fn apply_to(self, current: &BaseData) -> Result<BaseData, Refusal> {
        Ok(BaseData {
            name: match self.name {
                Some(v) => InstitutionName::parse(&v)?,
                None => current.name.clone(),
            },
            address: optional(
                self.address,
                current.address.clone(),
                Address::parse,
                "address",
            )?,
            country: optional(
                self.country,
                current.country.clone(),
                CountryCode::parse,
                "country",
            )?,
            contact_person: optional(
                self.contact_person,
                current.contact_person.clone(),
                |v| PersonName::parse(v).map(Personal::new),
                "contactPerson",
            )?,
            phone: optional(
                self.phone,
                current.phone.clone(),
                |v| Phone::parse(v).map(Personal::new),
                "phone",
            )?,
            email: match self.email {
                Some(v) => Personal::new(Email::parse(&v)?),
                None => current.email.clone(),
            },
            website: optional(
                self.website,
                current.website.clone(),
                Website::parse,
                "website",
            )?,
            organisation_type: optional(
                self.organisation_type,
                current.organisation_type.clone(),
                |v| domain::institution::organisation_type(v, "organisationType"),
                "organisationType",
            )?,
            contact_position: optional(
                self.contact_position,
                current.contact_position.clone(),
                |v| ShortText::parse_field("contactPosition", v),
                "contactPosition",
            )?,
        })
    }
}

fn own_institution(principal: &Principal) -> Result<Uuid, CommandError> {
    principal.institution_id().ok_or_else(|| {
        Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only users of an institution can do this",
        )
        .into()
    })
}

#[tracing::instrument(name = "change_base_data", skip_all)]
pub async fn change_base_data(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    change: BaseDataChange,
) -> Result<Uuid, CommandError> {
    let institution_id = own_institution(principal)?;
    let institution = services.store.institutions.load(institution_id).await?;
    let current = institution.base_data().ok_or_else(|| {
        CommandError::from(Refusal::not_found(
            "INSTITUTION_NOT_FOUND",
            "institution not found",
        ))
    })?;
    let base = change.apply_to(current)?;
    services
        .store
        .institutions
        .execute(
            institution_id,
            InstitutionCommand::ChangeBaseData { base },
            ctx,
            services.clock.now(),
        )
        .await?;
    Ok(institution_id)
}

pub struct AddedUser {
    pub account_id: Uuid,
}

/// Opens the user's account (one per e-mail, so a taken e-mail is refused), then adds it to the
/// institution; if the institution refuses (limit of 3 reached meanwhile), the account is closed
/// again so that nothing half-done remains usable.
#[tracing::instrument(name = "add_institution_user", skip_all)]
pub async fn add_user(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    name: &str,
    email: &str,
) -> Result<AddedUser, CommandError> {
    let institution_id = own_institution(principal)?;
    let name = PersonName::parse(name)?;
    let email = Email::parse(email)?;
    let institution = services.store.institutions.load(institution_id).await?;
    if institution.additional_users().len() >= domain::institution::MAX_ADDITIONAL_USERS {
        return Err(Refusal::rejected(
            "USER_LIMIT_REACHED",
            "an institution can have at most 3 additional users",
        )
        .into());
    }
    let institution_name = institution
        .base_data()
        .map(|b| b.name.to_string())
        .unwrap_or_default();
    let account_id = account_id_for(&email);
    let password = secrets::generate_password();
    let plain = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&plain))
        .await
        .map_err(CommandError::failure)?
        .map_err(CommandError::failure)?;
    let now = services.clock.now();
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::OpenInstitutionUser {
                institution_id,
                name: name.clone(),
                email: email.clone(),
                password_hash,
                password_expires_at: now
                    + chrono::Duration::days(domain::account::EMAILED_PASSWORD_VALIDITY_DAYS),
            },
            ctx,
            now,
        )
        .await?;
    let added = services
        .store
        .institutions
        .execute(
            institution_id,
            InstitutionCommand::AddUser { account_id },
            ctx,
            now,
        )
        .await;
    if let Err(err) = added {
        services
            .store
            .accounts
            .execute(
                account_id,
                AccountCommand::Close {
                    reason: "not added to the institution".into(),
                },
                ctx,
                now,
            )
            .await?;
        return Err(err);
    }
    services
        .mailer
        .send(Mail {
            to: email.to_string(),
            subject: "Europass Mobility: your user account / jūsu lietotāja konts".into(),
            body: format!(
                "Hello {name},\n\n\
                 you were added as a user of \"{institution_name}\" in the Europass Mobility \
                 register.\n\nLog in at {url}/login with\n  e-mail: {email}\n  password: {password}\n\n\
                 The password works for 14 days: change it after your first login.\n\n\
                 Labdien!\n\nJūs esat pievienots kā iestādes \"{institution_name}\" lietotājs \
                 Europass mobilitāšu datubāzē. Parole: {password}\n",
                url = services.public_url,
            ),
        })
        .await
        .map_err(CommandError::MailFailed)?;
    Ok(AddedUser { account_id })
}

#[tracing::instrument(name = "remove_institution_user", skip_all)]
pub async fn remove_user(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    account_id: Uuid,
) -> Result<(), CommandError> {
    let institution_id = own_institution(principal)?;
    let now = services.clock.now();
    services
        .store
        .institutions
        .execute(
            institution_id,
            InstitutionCommand::RemoveUser { account_id },
            ctx,
            now,
        )
        .await?;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::Close {
                reason: "removed by the institution".into(),
            },
            ctx,
            now,
        )
        .await?;
    auth::end_sessions_of(services, account_id).await
}

pub struct NecUserCreated {
    pub account_id: Uuid,
    pub password: String,
}

/// Operators create NEC staff accounts; the password is printed once by the CLI.
#[tracing::instrument(name = "add_nec_user", skip_all)]
pub async fn add_nec_user(
    services: &Services,
    ctx: &CommandContext,
    name: &str,
    email: &str,
) -> Result<NecUserCreated, CommandError> {
    let name = PersonName::parse(name)?;
    let email = Email::parse(email)?;
    let account_id = account_id_for(&email);
    let password = secrets::generate_password();
    let password_hash = secrets::hash_password(&password).map_err(CommandError::failure)?;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::OpenNecAccount {
                name,
                email,
                password_hash,
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    Ok(NecUserCreated {
        account_id,
        password,
    })
}
