//! R-REG: an institution registers with a name and an e-mail, confirms through a link valid
//! for 48 hours, and receives its password once.

use crate::error::CommandError;
use crate::mailer::Mail;
use crate::secrets;
use crate::store::CommandContext;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::account::{account_id_for, AccountCommand, AccountRole, IssuedLink};
use domain::institution::{BaseData, InstitutionCommand};
use domain::values::{Email, InstitutionName};
use domain::Refusal;
use uuid::Uuid;

/// R-REG: a registration link is valid this long.
pub const LINK_VALIDITY: Duration = Duration::hours(48);

pub struct RegistrationStarted {
    pub institution_id: Uuid,
    pub email: Email,
    pub link_expires_at: DateTime<Utc>,
}

pub struct RegistrationConfirmed {
    pub institution_id: Uuid,
    pub email: Email,
    /// Shown once; only its Argon2id hash is kept.
    pub password: String,
}

/// A link token is `<account id>.<secret>`: the id finds the account without a lookup table,
/// the secret proves possession of the e-mail.
fn new_link(services: &Services, account_id: Uuid) -> (String, IssuedLink) {
    let secret = secrets::random_token();
    let link = IssuedLink {
        token_hash: secrets::token_hash(&secret),
        expires_at: services.clock.now() + LINK_VALIDITY,
    };
    (format!("{account_id}.{secret}"), link)
}

fn registration_mail(
    services: &Services,
    email: &Email,
    name: &InstitutionName,
    token: &str,
    expires_at: DateTime<Utc>,
) -> Mail {
    let url = format!("{}/confirm-registration?token={token}", services.public_url);
    let until = expires_at.format("%Y-%m-%d %H:%M UTC");
    Mail {
        to: email.to_string(),
        subject: "Europass Mobility: confirm your registration / apstipriniet reģistrāciju".into(),
        body: format!(
            "Hello,\n\n\
             someone registered \"{name}\" in the Europass Mobility register with this e-mail \
             address. To confirm the registration and receive your password, open this link \
             (valid for 48 hours, until {until}):\n\n{url}\n\n\
             If it was not you, ignore this message.\n\n\
             Labdien!\n\nLai apstiprinātu iestādes \"{name}\" reģistrāciju Europass mobilitāšu \
             datubāzē un saņemtu paroli, atveriet saiti (derīga 48 stundas, līdz {until}):\n\n{url}\n"
        ),
    }
}

#[tracing::instrument(name = "register_institution", skip_all)]
pub async fn register_institution(
    services: &Services,
    ctx: &CommandContext,
    name: &str,
    email: &str,
) -> Result<RegistrationStarted, CommandError> {
    let name = InstitutionName::parse(name)?;
    let email = Email::parse(email)?;
    let account_id = account_id_for(&email);
    let institution_id = Uuid::new_v4();
    let (token, link) = new_link(services, account_id);
    let expires_at = link.expires_at;
    let now = services.clock.now();
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::StartInstitutionRegistration {
                institution_id,
                institution_name: name.clone(),
                email: email.clone(),
                link,
            },
            ctx,
            now,
        )
        .await?;
    ensure_institution(services, ctx, account_id, institution_id, &name, &email).await?;
    services
        .mailer
        .send(registration_mail(
            services, &email, &name, &token, expires_at,
        ))
        .await
        .map_err(CommandError::MailFailed)?;
    Ok(RegistrationStarted {
        institution_id,
        email,
        link_expires_at: expires_at,
    })
}

/// The institution aggregate is created right after the account; should that second step
/// have failed, confirming the registration creates it (registering is idempotent).
async fn ensure_institution(
    services: &Services,
    ctx: &CommandContext,
    account_id: Uuid,
    institution_id: Uuid,
    name: &InstitutionName,
    email: &Email,
) -> Result<(), CommandError> {
    services
        .store
        .institutions
        .execute(
            institution_id,
            InstitutionCommand::Register {
                base: BaseData::at_registration(name.clone(), email.clone()),
                primary_account: account_id,
            },
            ctx,
            services.clock.now(),
        )
        .await
}

#[tracing::instrument(name = "resend_registration_link", skip_all)]
pub async fn resend_registration_link(
    services: &Services,
    ctx: &CommandContext,
    email: &str,
) -> Result<DateTime<Utc>, CommandError> {
    let email = Email::parse(email)?;
    let account_id = account_id_for(&email);
    let (token, link) = new_link(services, account_id);
    let expires_at = link.expires_at;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::ReissueRegistrationLink { link },
            ctx,
            services.clock.now(),
        )
        .await?;
    let account = services.store.accounts.load(account_id).await?;
    let name = account
        .institution_name()
        .cloned()
        .ok_or_else(|| CommandError::failure(anyhow::anyhow!("pending account without name")))?;
    services
        .mailer
        .send(registration_mail(
            services, &email, &name, &token, expires_at,
        ))
        .await
        .map_err(CommandError::MailFailed)?;
    Ok(expires_at)
}

#[tracing::instrument(name = "confirm_registration", skip_all)]
pub async fn confirm_registration(
    services: &Services,
    ctx: &CommandContext,
    token: &str,
) -> Result<RegistrationConfirmed, CommandError> {
    let unknown = || {
        CommandError::from(Refusal::not_found(
            "TOKEN_UNKNOWN",
            "this link is unknown or was replaced by a newer one",
        ))
    };
    let (id, secret) = token.trim().split_once('.').ok_or_else(unknown)?;
    let account_id = Uuid::parse_str(id).map_err(|_| unknown())?;
    let password = secrets::generate_password();
    let plain = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&plain))
        .await
        .map_err(CommandError::failure)?
        .map_err(CommandError::failure)?;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::ConfirmRegistration {
                token_hash: secrets::token_hash(secret),
                password_hash,
                at: services.clock.now(),
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    let account = services.store.accounts.load(account_id).await?;
    let (Some(AccountRole::InstitutionUser { institution_id, .. }), Some(name), Some(email)) = (
        account.role().cloned(),
        account.institution_name().cloned(),
        account.email().cloned(),
    ) else {
        return Err(CommandError::failure(anyhow::anyhow!(
            "confirmed account {account_id} lacks its registration data"
        )));
    };
    ensure_institution(services, ctx, account_id, institution_id, &name, &email).await?;
    Ok(RegistrationConfirmed {
        institution_id,
        email,
        password,
    })
}
