//! R-HOST, R-PART: invitations, the documents a host or participant sees, locking.

use super::document::{load_document, DocumentView};
use super::errors::ApiResult;
use super::mutation::{mutate, Caller};
use super::query::{fail, principal, state};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use commands::access;
use commands::CommandError;
use domain::account::AccountRole;
use uuid::Uuid;

#[derive(SimpleObject)]
pub struct Notification {
    pub kind: String,
    pub message: String,
    pub document_id: Option<ID>,
    pub created_at: DateTime<Utc>,
}

/// A group action covers at most this many documents (a mobility has at most 500).
const MAX_GROUP: usize = 500;

fn ids(caller: &Caller<'_>, ids: &[ID]) -> Result<Vec<Uuid>, CommandError> {
    if ids.is_empty() || ids.len() > MAX_GROUP {
        return Err(domain::Refusal::validation(
            "documentIds",
            "DOCUMENT_COUNT_OUT_OF_RANGE",
            format!("choose 1 to {MAX_GROUP} documents"),
        )
        .into());
    }
    ids.iter().map(|id| caller.id("documentIds", id)).collect()
}

#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The documents a host (by its e-mail) or a participant may see.
    async fn my_documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentView>> {
        let principal = principal(ctx).await?;
        let host = match principal.role {
            AccountRole::Host => true,
            AccountRole::Participant => false,
            _ => return Ok(vec![]),
        };
        let Some(email) = &principal.email else {
            return Ok(vec![]);
        };
        let rows =
            projections::documents::for_email(&state(ctx).services.pool, host, email.as_str())
                .await
                .map_err(|e| fail(ctx, CommandError::failure(e)))?;
        let mut documents = vec![];
        for row in rows {
            // The aggregate decides again: a projection row may trail a change of e-mail.
            if let Ok(doc) = load_document(ctx, row.id).await {
                documents.push(doc);
            }
        }
        Ok(documents)
    }

    /// The caller's institution's notices, newest first.
    async fn notifications(&self, ctx: &Context<'_>) -> ApiResult<Vec<Notification>> {
        let principal = principal(ctx).await?;
        let Some(institution_id) = principal.institution_id() else {
            return Ok(vec![]);
        };
        let rows = access::notifications_of(&state(ctx).services, institution_id)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(rows
            .into_iter()
            .map(|(kind, message, document_id, created_at)| Notification {
                kind,
                message,
                document_id: document_id.map(|d| ID(d.to_string())),
                created_at,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// R-HOST: e-mails the host (the document's host e-mail) a login and password; the
    /// institution gets no copy, only a notice when the host first logs in.
    async fn send_host_password(&self, ctx: &Context<'_>, document_id: ID) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let id = c.id("documentId", &document_id)?;
            access::send_host_password(c.services, &c.command, c.principal, id).await
        })
        .await?;
        Ok(true)
    }

    /// R-PART: the participant (personal data e-mail) gets a login and password.
    async fn grant_participant_access(&self, ctx: &Context<'_>, document_id: ID) -> ApiResult<i32> {
        grant(ctx, &[document_id]).await
    }

    /// R-PART for a whole group at once.
    async fn grant_participant_access_to_group(
        &self,
        ctx: &Context<'_>,
        document_ids: Vec<ID>,
    ) -> ApiResult<i32> {
        grant(ctx, &document_ids).await
    }

    /// From `from` on, participants can change nothing and their sessions end.
    async fn lock_participant_access(
        &self,
        ctx: &Context<'_>,
        document_ids: Vec<ID>,
        from: DateTime<Utc>,
    ) -> ApiResult<i32> {
        set_lock(ctx, &document_ids, Some(from)).await
    }

    async fn unlock_participant_access(
        &self,
        ctx: &Context<'_>,
        document_ids: Vec<ID>,
    ) -> ApiResult<i32> {
        set_lock(ctx, &document_ids, None).await
    }
}

async fn grant(ctx: &Context<'_>, document_ids: &[ID]) -> ApiResult<i32> {
    let granted = mutate(ctx, async |c| {
        let ids = ids(&c, document_ids)?;
        access::grant_participant_access(c.services, &c.command, c.principal, &ids).await
    })
    .await?;
    Ok(granted as i32)
}

async fn set_lock(
    ctx: &Context<'_>,
    document_ids: &[ID],
    from: Option<DateTime<Utc>>,
) -> ApiResult<i32> {
    let locked = mutate(ctx, async |c| {
        let ids = ids(&c, document_ids)?;
        access::set_participant_lock(c.services, &c.command, c.principal, &ids, from).await
    })
    .await?;
    Ok(locked as i32)
}
