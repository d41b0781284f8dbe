//! The `accounts` query table: every login identity with its role and status.

use crate::projector::Projection;
use chrono::{DateTime, Utc};
use domain::account::AccountEvent;
use domain::Personal;
use eventstore::stored_event::StoredEvent;
use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct AccountsProjection;

fn plain<T: ToString>(value: &Personal<T>) -> Option<String> {
    value.known().map(ToString::to_string)
}

/// Inserts or replaces an account row (an e-mail may be opened again after a close).
#[allow(clippy::too_many_arguments)]
async fn upsert(
    conn: &mut PgConnection,
    id: Uuid,
    email: Option<String>,
    name: Option<String>,
    role: &str,
    institution_id: Option<Uuid>,
    is_primary: bool,
    status: &str,
    must_change_password: bool,
    event: &StoredEvent,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO accounts (id, email, name, role, institution_id, is_primary, status,
                               must_change_password, created_at, updated_at, created_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
         ON CONFLICT (id) DO UPDATE SET email = $2, name = $3, role = $4, institution_id = $5,
             is_primary = $6, status = $7, must_change_password = $8, updated_at = $9,
             created_at = $9, created_position = $10",
    )
    .bind(id)
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(institution_id)
    .bind(is_primary)
    .bind(status)
    .bind(must_change_password)
    .bind(event.at())
    .bind(event.global_position)
    .execute(conn)
    .await?;
    Ok(())
}

async fn set(
    conn: &mut PgConnection,
    id: Uuid,
    sql: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(sql).bind(id).bind(at).execute(conn).await?;
    Ok(())
}

impl Projection for AccountsProjection {
    fn name(&self) -> &'static str {
        "accounts"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["account"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["accounts"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let id = event.aggregate_uuid()?;
            let at = event.at();
            match event.decode::<AccountEvent>()? {
                AccountEvent::InstitutionRegistrationStarted {
                    institution_id,
                    email,
                    ..
                } => {
                    upsert(
                        conn,
                        id,
                        plain(&email),
                        None,
                        "institution_user",
                        Some(institution_id),
                        true,
                        "pending",
                        false,
                        event,
                    )
                    .await
                }
                AccountEvent::RegistrationLinkIssued { .. } => Ok(()),
                AccountEvent::RegistrationConfirmed { .. } => {
                    set(conn, id, "UPDATE accounts SET status = 'active', updated_at = $2 WHERE id = $1", at).await
                }
                AccountEvent::InstitutionUserAccountOpened {
                    institution_id,
                    name,
                    email,
                    ..
                } => {
                    upsert(
                        conn,
                        id,
                        plain(&email),
                        plain(&name),
                        "institution_user",
                        Some(institution_id),
                        false,
                        "active",
                        true,
                        event,
                    )
                    .await
                }
                AccountEvent::NecAccountOpened { name, email, .. } => {
                    upsert(conn, id, plain(&email), plain(&name), "nec", None, false, "active", false, event).await
                }
                AccountEvent::ExternalAccountOpened { role, email, .. } => {
                    let role = match role {
                        domain::account::AccountRole::Participant => "participant",
                        _ => "host",
                    };
                    upsert(conn, id, plain(&email), None, role, None, false, "active", true, event)
                        .await
                }
                AccountEvent::PasswordIssued { .. } => {
                    set(
                        conn,
                        id,
                        "UPDATE accounts SET must_change_password = true, updated_at = $2 WHERE id = $1",
                        event.at(),
                    )
                    .await
                }
                AccountEvent::PasswordResetRequested { .. }
                | AccountEvent::FirstLoggedIn { .. }
                | AccountEvent::DocumentAccessGranted { .. }
                | AccountEvent::DocumentAccessRevoked { .. } => Ok(()),
                AccountEvent::PasswordChanged { .. } | AccountEvent::PasswordReset { .. } => {
                    set(conn, id, "UPDATE accounts SET must_change_password = false, updated_at = $2 WHERE id = $1", at).await
                }
                AccountEvent::AccountClosed { .. } => {
                    // R-ERASE: a closed participant account keeps no plain copy of its name and
                    // e-mail (its key is gone, so the events no longer tell them either).
                    set(conn, id, "UPDATE accounts SET status = 'closed', updated_at = $2,
                                          email = CASE WHEN role = 'participant' THEN NULL ELSE email END,
                                          name = CASE WHEN role = 'participant' THEN NULL ELSE name END
                                    WHERE id = $1", at).await
                }
            }
        })
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub email: Option<String>,
    pub name: Option<String>,
    pub role: String,
    pub institution_id: Option<Uuid>,
    pub is_primary: bool,
    pub status: String,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, email, name, role, institution_id, is_primary, status, must_change_password, created_at";

pub async fn find(pool: &PgPool, id: Uuid) -> anyhow::Result<Option<AccountRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The active additional users of an institution, oldest first.
pub async fn additional_users(
    pool: &PgPool,
    institution_id: Uuid,
) -> anyhow::Result<Vec<AccountRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM accounts
          WHERE institution_id = $1 AND NOT is_primary AND status = 'active'
          ORDER BY created_position"
    ))
    .bind(institution_id)
    .fetch_all(pool)
    .await?)
}
