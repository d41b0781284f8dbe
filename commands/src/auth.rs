//! Logging in, sessions and login throttling (R-SESSION).
//!
//! Sessions are operational state, not business facts: a row per session keyed by the hash of
//! its token, sliding 20 minutes ahead on every authenticated request. Login attempts are
//! counted per e-mail and client address, and per e-mail, and block further tries for a while
//! (see [`throttle`]).

use crate::mailer::Mail;
use crate::secrets::{self, token_hash};
use crate::throttle;
use crate::Services;
use chrono::{DateTime, Duration, Utc};
use domain::account::{account_id_for, AccountCommand, AccountRole, AccountStatus, IssuedLink};
use domain::values::{Email, NewPassword};
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::store::{CommandContext, SessionGuard};
use std::net::IpAddr;
use tracing::Instrument;
use uuid::Uuid;

/// R-SESSION: a session ends after this long without activity.
pub const SESSION_IDLE: Duration = Duration::minutes(20);

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Principal {
    pub account_id: Uuid,
    pub role: AccountRole,
    pub session_expires_at: DateTime<Utc>,
    pub must_change_password: bool,
    /// The login e-mail: hosts and participants see documents by it.
    pub email: Option<Email>,
    /// The session's key (the token's hash, never the token): commands note on it what they
    /// wrote, for read-your-writes.
    pub session: String,
    /// What this session had written when the request began (see [`SessionWrites`]).
    pub written: SessionWrites,
}

/// Institution users' sessions resolved recently in this process, with the position of their
/// account's newest event. A section save may skip the authentication statement with one of
/// them: its append then proves, in its own condition, that the session is still open and the
/// account unchanged, and extends the session (see `store::SessionGuard`); a save that
/// appends nothing proves the same in a statement of its own. Anything else (a logout or a
/// removed user in any process, an expiry) fails that proof and the save authenticates.
/// An entry is forgotten no later than the session's expiry as it was when resolved.
#[derive(Default)]
pub struct KnownSessions {
    entries: std::sync::Mutex<std::collections::HashMap<String, (Principal, i64)>>,
}

/// How many sessions one process remembers.
const KNOWN_SESSIONS: usize = 4_096;

impl KnownSessions {
    fn remember(&self, principal: &Principal, account_position: i64, now: DateTime<Utc>) {
        let mut entries = self.lock();
        if entries.len() >= KNOWN_SESSIONS {
            entries.retain(|_, (known, _)| known.session_expires_at > now);
        }
        if entries.len() >= KNOWN_SESSIONS && !entries.contains_key(&principal.session) {
            if let Some(evicted) = entries.keys().next().cloned() {
                entries.remove(&evicted);
            }
        }
        entries.insert(
            principal.session.clone(),
            (principal.clone(), account_position),
        );
    }

    /// The session's entry, if it has not expired by `now` (an expired one is forgotten).
    fn recall(&self, session: &str, now: DateTime<Utc>) -> Option<(Principal, i64)> {
        let mut entries = self.lock();
        let entry = entries.get(session)?.clone();
        if entry.0.session_expires_at > now {
            return Some(entry);
        }
        entries.remove(session);
        None
    }

    fn forget(&self, session: &str) {
        self.lock().remove(session);
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (Principal, i64)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod known_sessions_tests {
    use super::*;

    fn principal(session: &str, expires_at: DateTime<Utc>) -> Principal {
        Principal {
            account_id: Uuid::new_v4(),
            role: AccountRole::Nec,
            session_expires_at: expires_at,
            must_change_password: false,
            email: None,
            session: session.to_string(),
            written: SessionWrites::default(),
        }
    }

    #[test]
    fn a_remembered_session_is_forgotten_when_it_expires() {
        let t0 = Utc::now();
        let known = KnownSessions::default();
        known.remember(&principal("s", t0 + SESSION_IDLE), 7, t0);
        assert_eq!(known.recall("s", t0).map(|(_, p)| p), Some(7));
        let later = t0 + SESSION_IDLE - Duration::seconds(1);
        assert!(known.recall("s", later).is_some());
        assert!(known.recall("s", t0 + SESSION_IDLE).is_none());
        assert!(known.lock().is_empty(), "the expired entry is gone");
    }

    #[test]
    fn a_full_memory_drops_expired_sessions_first() {
        let t0 = Utc::now();
        let known = KnownSessions::default();
        for n in 0..KNOWN_SESSIONS {
            known.remember(&principal(&format!("old{n}"), t0), 1, t0);
        }
        known.remember(&principal("open", t0 + SESSION_IDLE), 1, t0);
        known.remember(
            &principal("new", t0 + SESSION_IDLE * 2),
            1,
            t0 + SESSION_IDLE,
        );
        assert_eq!(known.lock().len(), 2);
        assert!(known.recall("open", t0).is_some());
    }
}

/// A session this process resolved before, with the guard a section save's append must pass
/// (see [`KnownSessions`]); `None`: authenticate.
pub fn known_session(services: &Services, token: &str) -> Option<(Principal, SessionGuard)> {
    let hash = token_hash(token);
    let now = services.clock.now();
    let (principal, account_position) = services.sessions.recall(&hash, now)?;
    let guard = SessionGuard {
        account_id: principal.account_id.to_string(),
        account_position,
        now,
        idle: SESSION_IDLE,
    };
    Some((principal, guard))
}

/// The newest transaction a session's commands wrote, and the aggregate types they wrote:
/// the session's reads wait until the projections reading those types have applied it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionWrites {
    pub tx: i64,
    pub types: Vec<String>,
}

impl Principal {
    pub fn institution_id(&self) -> Option<Uuid> {
        match self.role {
            AccountRole::InstitutionUser { institution_id, .. } => Some(institution_id),
            _ => None,
        }
    }
}

pub struct LoggedIn {
    /// The session token: returned once, stored only as a hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub must_change_password: bool,
}

fn invalid_credentials() -> CommandError {
    CommandError::Unauthenticated {
        reason: "INVALID_CREDENTIALS",
        message: "e-mail or password is wrong",
    }
}

/// Logs in from `client` (the caller's address, if known: attempts are counted per e-mail and
/// address, see [`throttle`]). An attempt is counted before its password is verified.
#[tracing::instrument(name = "login", skip_all)]
pub async fn login(
    services: &Services,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<LoggedIn, CommandError> {
    let email = Email::parse(email)?;
    let now = services.clock.now();
    let attempt = throttle::reserve_login(services, &email, client, now).await?;

    let account_id = account_id_for(&email);
    let account = services.store.accounts.load(account_id).await?;
    // Verify even without an account, so that timing does not tell which e-mails exist.
    let hash = account.password_hash().unwrap_or(secrets::dummy_hash());
    let hash = hash.to_string();
    let pw = password.to_string();
    let verified = tokio::task::spawn_blocking(move || secrets::verify_password(&pw, &hash))
        .await
        .map_err(CommandError::failure)?;
    if !verified || account.password_hash().is_none() {
        // The reserved attempt stays counted.
        return Err(invalid_credentials());
    }
    if !account.password_usable_at(now) {
        return Err(Refusal::expired(
            "PASSWORD_EXPIRED",
            "this e-mailed password has expired because it was not changed; ask for a password reset",
        )
        .into());
    }
    attempt.succeeded(services, now).await?;

    if !account.has_logged_in() {
        services
            .store
            .accounts
            .execute(
                account_id,
                AccountCommand::RecordLogin { at: now },
                &CommandContext::new(domain::metadata::Actor {
                    id: Some(account_id),
                    role: domain::metadata::ActorRole::System,
                }),
                now,
            )
            .await?;
        if account.role() == Some(&AccountRole::Host) {
            crate::access::notify_first_host_login(services, &email, account.grants()).await?;
        }
    }
    let token = secrets::random_token();
    let expires_at = now + SESSION_IDLE;
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&services.pool)
    .await?;
    Ok(LoggedIn {
        token,
        expires_at,
        must_change_password: account.must_change_password(),
    })
}

/// Resolves a session token and slides its expiry: every authenticated request extends it.
pub async fn authenticate(services: &Services, token: &str) -> Result<Principal, CommandError> {
    resolve_session(services, token, true).await
}

/// Like [`authenticate`] but leaves the expiry where it is: reading a session's remaining time
/// must not change it, or a portal could never show an honest countdown.
pub async fn authenticate_without_extending(
    services: &Services,
    token: &str,
) -> Result<Principal, CommandError> {
    resolve_session(services, token, false).await
}

#[tracing::instrument(name = "authenticate", skip_all)]
async fn resolve_session(
    services: &Services,
    token: &str,
    extend: bool,
) -> Result<Principal, CommandError> {
    let now = services.clock.now();
    let hash = token_hash(token);
    // The extension commits without waiting for its WAL flush (this statement only: the
    // uncorrelated sub-select runs once and sets synchronous_commit for its own transaction).
    // A crash of the database can lose only the latest extension, never a session: every
    // request would otherwise wait for a second disk flush besides its events'.
    // The same statement returns the account's newest event and key, so that a state cached
    // in memory is used only when it is provably current (no second statement then).
    type Row = (
        Uuid,
        DateTime<Utc>,
        i64,
        Vec<String>,
        Option<i64>,
        Option<Uuid>,
    );
    let row: Option<Row> = sqlx::query_as(
        "UPDATE sessions SET expires_at = CASE WHEN $6 THEN $2 + $3 ELSE expires_at END
         WHERE token_hash = $1 AND expires_at > $2
           AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL
         RETURNING account_id, expires_at, written_tx, written_types,
                   (SELECT global_position FROM events
                     WHERE aggregate_type = $4 AND aggregate_id = sessions.account_id::text
                     ORDER BY sequence DESC LIMIT 1),
                   (SELECT key_id FROM subject_keys
                     WHERE subject = $5 || sessions.account_id::text)",
    )
    .bind(&hash)
    .bind(now)
    .bind(SESSION_IDLE)
    .bind(<domain::account::Account as cqrs_es::Aggregate>::TYPE)
    .bind(eventstore::pii::subject_of(
        <domain::account::Account as cqrs_es::Aggregate>::TYPE,
        "",
    ))
    .bind(extend)
    .fetch_optional(&services.pool)
    .await?;
    let Some((account_id, expires_at, written_tx, written_types, head, key_id)) = row else {
        services.sessions.forget(&hash);
        let expired = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&hash)
            .execute(&services.pool)
            .await?
            .rows_affected()
            > 0;
        return Err(if expired {
            Refusal::expired(
                "SESSION_EXPIRED",
                "the session expired after 20 minutes without activity; log in again",
            )
            .into()
        } else {
            CommandError::Unauthenticated {
                reason: "SESSION_UNKNOWN",
                message: "not logged in",
            }
        });
    };
    let key_id = key_id.map(|k| k.to_string());
    let account = match services
        .store
        .accounts
        .cached_at_head(account_id, head, key_id.as_deref())
    {
        Some(account) => account,
        None => services.store.accounts.load(account_id).await?,
    };
    // A participant whose documents are all locked still logs in and reads them (the
    // manual: "after the date the participant can no longer make entries"): the lock refuses
    // their changes in the document's own decision, not their session.
    let principal = match (account.status(), account.role()) {
        (AccountStatus::Active, Some(role)) => Ok(Principal {
            account_id,
            role: role.clone(),
            session_expires_at: expires_at,
            must_change_password: account.must_change_password(),
            email: account.email().cloned(),
            session: hash,
            written: SessionWrites {
                tx: written_tx,
                types: written_types,
            },
        }),
        _ => {
            end_sessions_of(services, account_id).await?;
            Err(CommandError::Unauthenticated {
                reason: "SESSION_UNKNOWN",
                message: "not logged in",
            })
        }
    }?;
    // Hosts and participants keep the full check on every request (a participant's access
    // also depends on the documents' dates).
    if let (Some(position), AccountRole::InstitutionUser { .. }) = (head, &principal.role) {
        services.sessions.remember(&principal, position, now);
    }
    Ok(principal)
}

pub async fn logout(services: &Services, token: &str) -> Result<(), CommandError> {
    services.sessions.forget(&token_hash(token));
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&services.pool)
        .await?;
    Ok(())
}

/// Ends every session of an account at once (removed user, closed account).
pub async fn end_sessions_of(services: &Services, account_id: Uuid) -> Result<(), CommandError> {
    let mut conn = services.pool.acquire().await?;
    end_sessions_in(&mut conn, account_id).await
}

/// [`end_sessions_of`] on a connection the caller holds (inside its transaction).
pub async fn end_sessions_in(
    conn: &mut sqlx::PgConnection,
    account_id: Uuid,
) -> Result<(), CommandError> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(name = "change_password", skip_all, fields(account = %principal.account_id))]
pub async fn change_password(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    current: &str,
    new: &str,
) -> Result<(), CommandError> {
    let account = services.store.accounts.load(principal.account_id).await?;
    let new = NewPassword::parse(new, account.email())?;
    let hash = account
        .password_hash()
        .unwrap_or(secrets::dummy_hash())
        .to_string();
    let current = current.to_string();
    let new_plain = new.expose().to_string();
    let (verified, new_hash) = tokio::task::spawn_blocking(move || {
        (
            secrets::verify_password(&current, &hash),
            secrets::hash_password(&new_plain),
        )
    })
    .await
    .map_err(CommandError::failure)?;
    if !verified {
        return Err(Refusal::validation(
            "currentPassword",
            "WRONG_PASSWORD",
            "the current password is wrong",
        )
        .into());
    }
    services
        .store
        .accounts
        .execute(
            principal.account_id,
            AccountCommand::ChangePassword {
                password_hash: new_hash.map_err(CommandError::failure)?,
            },
            ctx,
            services.clock.now(),
        )
        .await
}

/// A password-reset link works this long.
pub const RESET_LINK_VALIDITY: Duration = Duration::hours(2);

/// At most this many password-reset requests per e-mail and hour are acted on (each mails a
/// link that replaces the one before, so the newest mail's link always works).
pub const RESET_MAILS_PER_HOUR: i32 = 3;

/// Sends a reset link if the e-mail has an active account. The answer is the same either way,
/// so that nobody learns which e-mails have accounts: the request does the same work for
/// every e-mail (it counts the request, in one statement), and the account is looked up and
/// the link issued and mailed after the answer, in the background. A mail that cannot be sent
/// is logged; the person asks again (telling them would tell anybody that the e-mail has an
/// account).
#[tracing::instrument(name = "request_password_reset", skip_all)]
pub async fn request_password_reset(
    services: &Services,
    ctx: &CommandContext,
    email: &str,
) -> Result<(), CommandError> {
    let email = Email::parse(email)?;
    let now = services.clock.now();
    let within = throttle::within_limit(
        services,
        &format!("reset:{email}"),
        RESET_MAILS_PER_HOUR,
        Duration::hours(1),
        now,
    )
    .await?;
    if !within {
        return Ok(());
    }
    let (services, ctx) = (services.clone(), ctx.clone());
    tokio::spawn(
        async move {
            if let Err(err) = send_reset_link(&services, &ctx, &email).await {
                tracing::warn!(error = %err, "a password-reset link was not sent");
            }
        }
        .in_current_span(),
    );
    Ok(())
}

async fn send_reset_link(
    services: &Services,
    ctx: &CommandContext,
    email: &Email,
) -> Result<(), CommandError> {
    let account_id = account_id_for(email);
    let account = services.store.accounts.load(account_id).await?;
    if account.status() != AccountStatus::Active {
        return Ok(());
    }
    let secret = secrets::random_token();
    let expires_at = services.clock.now() + RESET_LINK_VALIDITY;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::RequestPasswordReset {
                link: IssuedLink {
                    token_hash: token_hash(&secret),
                    expires_at,
                },
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    let token = format!("{account_id}.{secret}");
    services
        .mailer
        .send(Mail {
            to: email.to_string(),
            subject: "Europass Mobility: password reset / paroles maiņa".into(),
            body: format!(
                "To choose a new password, open this link (valid for 2 hours, until {until}):\n\n\
                 {url}/password/reset?token={token}\n\n\
                 A portal of your own takes the reset token instead:\n\nreset token: {token}\n\n\
                 If you did not ask for it, ignore this message.\n\n\
                 Lai izvēlētos jaunu paroli, atveriet šo saiti (derīga 2 stundas):\n\n\
                 {url}/password/reset?token={token}\n",
                url = services.public_url,
                until = expires_at.format("%Y-%m-%d %H:%M UTC"),
            ),
        })
        .await
        .map_err(CommandError::MailFailed)
}

/// Sets a new password with a reset token; every session of the account ends.
#[tracing::instrument(name = "reset_password", skip_all)]
pub async fn reset_password(
    services: &Services,
    ctx: &CommandContext,
    token: &str,
    new_password: &str,
) -> Result<(), CommandError> {
    let unknown = || {
        CommandError::from(Refusal::not_found(
            "TOKEN_UNKNOWN",
            "this link is unknown, used, or was replaced by a newer one",
        ))
    };
    let (id, secret) = token.trim().split_once('.').ok_or_else(unknown)?;
    let account_id = Uuid::parse_str(id).map_err(|_| unknown())?;
    let account = services.store.accounts.load(account_id).await?;
    let owner = account
        .email()
        .filter(|_| account.has_reset_link(&token_hash(secret)));
    let new = NewPassword::parse(new_password, owner)?;
    let plain = new.expose().to_string();
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&plain))
        .await
        .map_err(CommandError::failure)?
        .map_err(CommandError::failure)?;
    services
        .store
        .accounts
        .execute(
            account_id,
            AccountCommand::ResetPassword {
                token_hash: token_hash(secret),
                password_hash,
                at: services.clock.now(),
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    end_sessions_of(services, account_id).await
}
