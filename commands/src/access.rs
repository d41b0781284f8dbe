//! R-HOST and R-PART: inviting the host organisation and the participants, and locking
//! participants out from a chosen moment.

use crate::auth::Principal;
use crate::documents::{load_for, Access};
use crate::error::CommandError;
use crate::mailer::Mail;
use crate::secrets;
use crate::store::CommandContext;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::account::{
    account_id_for, AccountCommand, AccountRole, EMAILED_PASSWORD_VALIDITY_DAYS,
};
use domain::document::{Document, DocumentCommand, Editor};
use domain::values::Email;
use domain::Refusal;
use uuid::Uuid;

async fn institution_document(
    services: &Services,
    principal: &Principal,
    document_id: Uuid,
) -> Result<Document, CommandError> {
    match load_for(services, principal, document_id).await? {
        (document, Access::Edit(Editor::Institution)) => Ok(document),
        _ => Err(Refusal::forbidden(
            "INSTITUTION_ONLY",
            "only the sending institution can do this",
        )
        .into()),
    }
}

/// Opens (or refreshes) a host or participant account and returns its new password.
async fn open_external(
    services: &Services,
    ctx: &CommandContext,
    role: AccountRole,
    email: &Email,
) -> Result<String, CommandError> {
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
            account_id_for(email),
            AccountCommand::OpenExternalAccount {
                role,
                email: email.clone(),
                password_hash,
                password_expires_at: now + Duration::days(EMAILED_PASSWORD_VALIDITY_DAYS),
            },
            ctx,
            now,
        )
        .await?;
    Ok(password)
}

fn login_mail(services: &Services, to: &Email, who: &str, number: &str, password: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: "Europass Mobility: access to a certificate / piekļuve apliecinājumam".into(),
        body: format!(
            "Hello,\n\nyou were given access as {who} to the Europass Mobility document {number}.\n\n\
             Log in at {url} with\n  e-mail: {to}\n  password: {password}\n\n\
             The password works for {EMAILED_PASSWORD_VALIDITY_DAYS} days: change it after your first login.\n\n\
             Labdien! Jums ir piešķirta piekļuve Europass mobilitātes dokumentam {number}. \
             Parole: {password}\n",
            url = services.public_url,
        ),
    }
}

/// R-HOST: e-mails the host a login and password. The institution gets no copy.
#[tracing::instrument(name = "send_host_password", skip_all, fields(document = %document_id))]
pub async fn send_host_password(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
) -> Result<(), CommandError> {
    let document = institution_document(services, principal, document_id).await?;
    let email = document.host_email().cloned().ok_or_else(|| {
        Refusal::validation(
            "hostOrganisation.email",
            "HOST_EMAIL_MISSING",
            "save the host organisation's e-mail first",
        )
    })?;
    let password = open_external(services, ctx, AccountRole::Host, &email).await?;
    let number = document
        .europass_number()
        .map(ToString::to_string)
        .unwrap_or_default();
    services
        .mailer
        .send(login_mail(
            services,
            &email,
            "the host organisation",
            &number,
            &password,
        ))
        .await
        .map_err(CommandError::MailFailed)
}

/// R-PART: gives the participants of these documents access; each gets a password by e-mail.
/// Every document is checked first: one without a participant e-mail refuses the whole group.
#[tracing::instrument(name = "grant_participant_access", skip_all, fields(documents = document_ids.len()))]
pub async fn grant_participant_access(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_ids: &[Uuid],
) -> Result<usize, CommandError> {
    let mut grants = vec![];
    for id in document_ids {
        let document = institution_document(services, principal, *id).await?;
        let email = document
            .personal_data()
            .email()
            .and_then(|e| e.known())
            .cloned()
            .ok_or_else(|| {
                Refusal::validation(
                    "personalData.email",
                    "PARTICIPANT_EMAIL_MISSING",
                    format!(
                        "document {} has no participant e-mail",
                        document
                            .europass_number()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ),
                )
            })?;
        grants.push((*id, email, document));
    }
    for (id, email, document) in &grants {
        services
            .store
            .documents
            .execute(
                *id,
                DocumentCommand::GrantParticipantAccess {
                    email: email.clone(),
                },
                ctx,
                services.clock.now(),
            )
            .await?;
        let password = open_external(services, ctx, AccountRole::Participant, email).await?;
        let number = document
            .europass_number()
            .map(ToString::to_string)
            .unwrap_or_default();
        services
            .mailer
            .send(login_mail(
                services,
                email,
                "the participant",
                &number,
                &password,
            ))
            .await
            .map_err(CommandError::MailFailed)?;
    }
    Ok(grants.len())
}

/// R-PART: from `from` on the participant can change nothing (None unlocks).
#[tracing::instrument(name = "lock_participant_access", skip_all)]
pub async fn set_participant_lock(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_ids: &[Uuid],
    from: Option<DateTime<Utc>>,
) -> Result<usize, CommandError> {
    for id in document_ids {
        institution_document(services, principal, *id).await?;
    }
    for id in document_ids {
        let command = match from {
            Some(from) => DocumentCommand::LockParticipantAccess { from },
            None => DocumentCommand::UnlockParticipantAccess,
        };
        services
            .store
            .documents
            .execute(*id, command, ctx, services.clock.now())
            .await?;
    }
    Ok(document_ids.len())
}

/// R-HOST: on a host's first login, every institution whose documents name it is told, by a
/// notification and an e-mail (the host's password mail itself never went to them).
pub async fn notify_first_host_login(
    services: &Services,
    email: &Email,
) -> Result<(), CommandError> {
    let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT DISTINCT ON (institution_id) institution_id, id, europass_number
           FROM document_views WHERE host_email = $1 ORDER BY institution_id, europass_number",
    )
    .bind(email.as_str())
    .fetch_all(&services.pool)
    .await?;
    for (institution_id, document_id, number) in rows {
        let message = format!(
            "The host organisation ({email}) has logged in for the first time (document {number})."
        );
        sqlx::query(
            "INSERT INTO notifications (id, institution_id, kind, message, document_id, created_at)
             VALUES ($1, $2, 'HOST_REGISTERED', $3, $4, $5)",
        )
        .bind(Uuid::new_v4())
        .bind(institution_id)
        .bind(&message)
        .bind(document_id)
        .bind(services.clock.now())
        .execute(&services.pool)
        .await?;
        let institution = services.store.institutions.load(institution_id).await?;
        if let Some(to) = institution
            .base_data()
            .and_then(|b| b.email.known().cloned())
        {
            services
                .mailer
                .send(Mail {
                    to: to.to_string(),
                    subject: "Europass Mobility: the host organisation has registered".into(),
                    body: format!("{message}\n\nUzņemošā organizācija ir pieteikusies sistēmā.\n"),
                })
                .await
                .map_err(CommandError::MailFailed)?;
        }
    }
    Ok(())
}
