//! R-HOST and R-PART: inviting the host organisation and the participants, and locking
//! participants out from a chosen moment.

use crate::auth::Principal;
use crate::documents::{load_authorized, DocumentOperation};
use crate::mailer::Mail;
use crate::read_port::HostedDocument;
use crate::secrets;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::account::{
    account_id_for, AccountCommand, AccountRole, EmailedPassword, Invitation,
    EMAILED_PASSWORD_VALIDITY_DAYS,
};
use domain::document::{Document, DocumentCommand};
use domain::values::Email;
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
use std::sync::Mutex;
use uuid::Uuid;

/// One invitation, checked before anything is written.
struct Invite {
    document_id: Uuid,
    document: Document,
    email: Email,
    /// A password to send, when the e-mail has no account of this kind yet.
    password: Option<(String, EmailedPassword)>,
}

/// Checks that an invitation may be made: the account behind the e-mail either does not exist
/// yet or is one of the same kind. An account of any other kind (an institution user, NEC
/// staff, a participant named as a host) is refused with the document's field named, and
/// nothing is written anywhere.
async fn prepare(
    services: &Services,
    role: &AccountRole,
    document_id: Uuid,
    document: Document,
    email: Email,
    field: &str,
) -> Result<Invite, CommandError> {
    let account = services.store.accounts.load(account_id_for(&email)).await?;
    let invitation = account.invitation(role).map_err(|refusal| {
        CommandError::from(Refusal {
            field: Some(field.to_string()),
            ..refusal
        })
    })?;
    let password = match invitation {
        Invitation::AddsGrant => None,
        Invitation::OpensAccount => Some(new_password(services).await?),
    };
    Ok(Invite {
        document_id,
        document,
        email,
        password,
    })
}

/// A fresh password and its hash, valid for [`EMAILED_PASSWORD_VALIDITY_DAYS`].
async fn new_password(services: &Services) -> Result<(String, EmailedPassword), CommandError> {
    let password = secrets::generate_password();
    let plain = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&plain))
        .await
        .map_err(CommandError::failure)?
        .map_err(CommandError::failure)?;
    let expires_at = services.clock.now() + Duration::days(EMAILED_PASSWORD_VALIDITY_DAYS);
    Ok((
        password,
        EmailedPassword {
            password_hash,
            expires_at,
        },
    ))
}

/// Records the grant on the account (opening it if needed) and returns the password to send,
/// if this opened the account. Decided again on a conflict; a password is sent only if the
/// account was opened with it.
async fn grant_on_account(
    services: &Services,
    ctx: &CommandContext,
    role: &AccountRole,
    invite: &Invite,
) -> Result<Option<String>, CommandError> {
    let opened = Mutex::new(false);
    services
        .store
        .accounts
        .execute_with(
            account_id_for(&invite.email),
            ctx,
            services.clock.now(),
            |account| {
                let opens = matches!(account.invitation(role), Ok(Invitation::OpensAccount));
                *opened.lock().unwrap_or_else(|e| e.into_inner()) = opens;
                Ok(AccountCommand::GrantDocumentAccess {
                    role: role.clone(),
                    email: invite.email.clone(),
                    document_id: invite.document_id,
                    new_password: invite.password.as_ref().map(|(_, p)| p.clone()),
                })
            },
        )
        .await?;
    let opened = *opened.lock().unwrap_or_else(|e| e.into_inner());
    Ok(if opened {
        invite.password.as_ref().map(|(plain, _)| plain.clone())
    } else {
        None
    })
}

fn number_of(document: &Document) -> String {
    document
        .europass_number()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// The invitation mail: a new account gets its login and password; an existing one is told of
/// the new document and keeps its password.
fn invitation_mail(
    services: &Services,
    to: &Email,
    who: &str,
    number: &str,
    password: Option<&str>,
) -> Mail {
    let url = &services.public_url;
    let body = match password {
        Some(password) => format!(
            "Hello,\n\nyou were given access as {who} to the Europass Mobility document {number}.\n\n\
             Log in at {url}/login with\n  e-mail: {to}\n  password: {password}\n\n\
             The password works for {EMAILED_PASSWORD_VALIDITY_DAYS} days: change it after your first login.\n\n\
             Labdien! Jums ir piešķirta piekļuve Europass mobilitātes dokumentam {number}. \
             Parole: {password}\n",
        ),
        None => format!(
            "Hello,\n\nyou were given access as {who} to the Europass Mobility document {number}.\n\n\
             Log in at {url}/login with your e-mail {to} and the password you already have \
             (if you forgot it, ask for a password reset there).\n\n\
             Labdien! Jums ir piešķirta piekļuve Europass mobilitātes dokumentam {number}. \
             Piesakieties ar savu esošo paroli.\n",
        ),
    };
    Mail {
        to: to.to_string(),
        subject: "Europass Mobility: access to a certificate / piekļuve apliecinājumam".into(),
        body,
    }
}

/// R-HOST: gives the host (the document's host e-mail) access; a new host account gets a
/// login and password by e-mail, an existing one is told of the document. The institution
/// gets no copy.
#[tracing::instrument(name = "send_host_password", skip_all, fields(document = %document_id))]
pub async fn send_host_password(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
) -> Result<(), CommandError> {
    let (document, _) = load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::InviteHost,
    )
    .await?;
    let email = document.host_email().cloned().ok_or_else(|| {
        Refusal::validation(
            "hostOrganisation.email",
            "HOST_EMAIL_MISSING",
            "save the host organisation's e-mail first",
        )
    })?;
    let role = AccountRole::Host;
    let invite = prepare(
        services,
        &role,
        document_id,
        document,
        email,
        "hostOrganisation.email",
    )
    .await?;
    let password = grant_on_account(services, ctx, &role, &invite).await?;
    services
        .mailer
        .send(invitation_mail(
            services,
            &invite.email,
            "the host organisation",
            &number_of(&invite.document),
            password.as_deref(),
        ))
        .await
        .map_err(CommandError::MailFailed)
}

/// R-PART: gives the participants of these documents access; a new participant account gets
/// a password by e-mail, an existing one is told of the document. Every document and every
/// account is checked first: one refusal refuses the whole group, and nothing is written.
#[tracing::instrument(name = "grant_participant_access", skip_all, fields(documents = document_ids.len()))]
pub async fn grant_participant_access(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_ids: &[Uuid],
) -> Result<usize, CommandError> {
    let role = AccountRole::Participant;
    let mut invites = vec![];
    for id in document_ids {
        let (document, _) = load_authorized(
            services,
            principal,
            *id,
            DocumentOperation::ManageParticipantAccess,
        )
        .await?;
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
                        number_of(&document)
                    ),
                )
            })?;
        invites.push(prepare(services, &role, *id, document, email, "personalData.email").await?);
    }
    for invite in &invites {
        // The account first: if it refuses now (it changed since it was checked), the
        // document has not been touched.
        let password = grant_on_account(services, ctx, &role, invite).await?;
        services
            .store
            .documents
            .execute(
                invite.document_id,
                DocumentCommand::GrantParticipantAccess {
                    email: invite.email.clone(),
                },
                ctx,
                services.clock.now(),
            )
            .await?;
        services
            .mailer
            .send(invitation_mail(
                services,
                &invite.email,
                "the participant",
                &number_of(&invite.document),
                password.as_deref(),
            ))
            .await
            .map_err(CommandError::MailFailed)?;
    }
    Ok(invites.len())
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
        load_authorized(
            services,
            principal,
            *id,
            DocumentOperation::ManageParticipantAccess,
        )
        .await?;
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

/// R-HOST: on a host's first login, every institution that invited it (a grant on one of its
/// documents that still names the host) is told, by a notification and an e-mail (the host's
/// password mail itself never went to them). An institution that only wrote the address into
/// a document learns nothing of the person. Accounts from before grants were recorded
/// (`granted` empty) are told to every institution whose documents name them.
pub async fn notify_first_host_login(
    services: &Services,
    email: &Email,
    granted: &std::collections::BTreeSet<Uuid>,
) -> Result<(), CommandError> {
    let granted: Option<Vec<Uuid>> =
        (!granted.is_empty()).then(|| granted.iter().copied().collect());
    let rows = services
        .read_port
        .documents_naming_host(email, granted.as_deref())
        .await
        .map_err(CommandError::Failure)?;
    for HostedDocument {
        institution_id,
        document_id,
        europass_number: number,
    } in rows
    {
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

/// A notice to an institution (e.g. a host's first login), as listed to it.
pub type NotificationRow = (
    String,
    String,
    Option<Uuid>,
    chrono::DateTime<chrono::Utc>,
    Uuid,
);

/// The institution's notices, newest first (kind, message, document, when, id): at most
/// `limit` older than the position `after` (the time and id of the last notice seen).
pub async fn notifications_of(
    services: &Services,
    institution_id: Uuid,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<NotificationRow>, CommandError> {
    let (after_at, after_id) = after.unzip();
    Ok(sqlx::query_as(
        "SELECT kind, message, document_id, created_at, id FROM notifications
          WHERE institution_id = $1
            AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
          ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(institution_id)
    .bind(after_at)
    .bind(after_id)
    .bind(limit)
    .fetch_all(&services.pool)
    .await?)
}

/// R-HOST: when the host first logged in, for the document it was invited from. An
/// institution that only wrote the address into a document (no password sent from it) learns
/// nothing of the person, as for the first-login notice.
pub async fn host_first_login(
    services: &Services,
    document_id: Uuid,
    document: &domain::document::Document,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, CommandError> {
    let Some(email) = document.host_email() else {
        return Ok(None);
    };
    let account: domain::account::Account = services
        .store
        .accounts
        .load(domain::account::account_id_for(email))
        .await?;
    Ok(account
        .grants()
        .contains(&document_id)
        .then(|| account.first_login_at())
        .flatten())
}
