//! R-REG: an institution registers with a name and an e-mail, confirms through a link valid
//! for 48 hours, and receives its password once.

use crate::mailer::Mail;
use crate::secrets;
use crate::throttle;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::account::{account_id_for, AccountCommand, AccountRole, AccountStatus, IssuedLink};
use domain::institution::{BaseData, InstitutionCommand, InstitutionNameKey};
use domain::values::{Email, InstitutionName};
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
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

/// At most this many notices "somebody tried to register with your address" per e-mail and
/// hour: registering cannot be used to flood a mailbox.
pub const NOTICES_PER_HOUR: i32 = 3;

/// R-REG and the seed's rules: an institution registers once (by its normalised name, see
/// [`InstitutionNameKey`]); a registration with an e-mail that already has an account (or a
/// registration waiting for confirmation) answers exactly like any other and tells that
/// e-mail's owner instead, so that registering does not tell which e-mails have accounts.
/// Either way the answer waits for one e-mail being sent and a write or two.
#[tracing::instrument(name = "register_institution", skip_all)]
pub async fn register_institution(
    services: &Services,
    ctx: &CommandContext,
    name: &str,
    email: &str,
) -> Result<RegistrationStarted, CommandError> {
    let name = InstitutionName::parse(name)?;
    let email = Email::parse(email)?;
    let institution_id = InstitutionNameKey::of(&name)?.institution_id();
    let account_id = account_id_for(&email);
    let (token, link) = new_link(services, account_id);
    let expires_at = link.expires_at;
    let now = services.clock.now();
    let started = RegistrationStarted {
        institution_id,
        email: email.clone(),
        link_expires_at: expires_at,
    };
    // The name is checked before anything depends on the e-mail: whether a name is taken is
    // answered alike for every e-mail. (The one exception is a registration of this name
    // with this e-mail whose account step failed: it goes on, and there is no account whose
    // existence it could tell.)
    let institution = services.store.institutions.load(institution_id).await?;
    let account = services.store.accounts.load(account_id).await?;
    let has_account = !matches!(account.status(), AccountStatus::New | AccountStatus::Closed);
    let interrupted = institution.primary_account() == Some(account_id) && !has_account;
    if institution.is_registered() && !interrupted {
        return Err(already_registered());
    }
    if has_account {
        notify_owner(services, &email, now).await?;
        return Ok(started);
    }
    // The institution first: a name registered concurrently refuses this registration before
    // it wrote anything. Its primary account is the one this e-mail will have.
    ensure_institution(services, ctx, account_id, institution_id, &name, &email).await?;
    let opened = services
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
        .await;
    match opened {
        Ok(()) => {}
        // The same e-mail registered concurrently (with another name: with this one the
        // institution above was a no-op). That institution keeps this e-mail's account as its
        // primary one, which belongs to the other; like the answer, the mail is the one for an
        // e-mail that has an account.
        Err(CommandError::Refused(refusal)) if refusal.reason == "EMAIL_ALREADY_REGISTERED" => {
            notify_owner(services, &email, now).await?;
            return Ok(started);
        }
        Err(err) => return Err(err),
    }
    services
        .mailer
        .send(registration_mail(
            services, &email, &name, &token, expires_at,
        ))
        .await
        .map_err(CommandError::MailFailed)?;
    Ok(started)
}

fn already_registered() -> CommandError {
    Refusal {
        field: Some("name".into()),
        ..Refusal::rejected(
            "INSTITUTION_ALREADY_REGISTERED",
            "this institution is already registered; ask one of its users to add you as a \
             user of the institution",
        )
    }
    .into()
}

/// Tells the owner of an e-mail that has an account (or a registration waiting for
/// confirmation) that somebody tried to register with it. Nothing of what they typed is in
/// the mail: it goes to a person who did not ask for it.
async fn notify_owner(
    services: &Services,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let what = format!("registration-notice:{email}");
    if !throttle::within_limit(services, &what, NOTICES_PER_HOUR, Duration::hours(1), now).await? {
        return Ok(());
    }
    services
        .mailer
        .send(Mail {
            to: email.to_string(),
            subject:
                "Europass Mobility: registration with your address / reģistrācija ar jūsu adresi"
                    .into(),
            body: format!(
                "Hello,\n\n\
                 somebody tried to register an institution in the Europass Mobility register \
                 with this e-mail address, which already has an account or a registration \
                 waiting for confirmation. Nothing was changed.\n\n\
                 If it was you: log in at {url}/login (if you forgot the password, ask for a password \
                 reset there; if your confirmation link expired, ask for a new one). To work for \
                 another institution, ask one of its users to add you.\n\
                 If it was not you, ignore this message.\n\n\
                 Labdien!\n\nKāds mēģināja reģistrēt iestādi Europass mobilitāšu datubāzē ar šo \
                 e-pasta adresi, kurai jau ir konts vai neapstiprināta reģistrācija. Nekas netika \
                 mainīts. Ja tas nebijāt jūs, neņemiet šo vēstuli vērā.\n",
                url = services.public_url,
            ),
        })
        .await
        .map_err(CommandError::MailFailed)
}

/// The institution aggregate is created before the account; registrations from before that
/// order created it after, and should that second step have failed, confirming the
/// registration creates it (registering is idempotent).
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
    // The answer is the same whatever the e-mail is: only a registration waiting for
    // confirmation gets a new link; an account gets the owner's notice (limited per hour);
    // an unknown e-mail gets nothing.
    let account = services.store.accounts.load(account_id).await?;
    match account.status() {
        AccountStatus::PendingRegistration => {}
        AccountStatus::Active => {
            notify_owner(services, &email, services.clock.now()).await?;
            return Ok(expires_at);
        }
        _ => return Ok(expires_at),
    }
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
