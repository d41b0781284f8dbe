//! R-HOST, R-PART: invitations, the documents a host or participant sees, locking.

use super::document::{load_document, DocumentView};
use super::errors::ApiResult;
use super::mutation::{mutate, Caller};
use super::pagination::{paginate, pair, split_pair, Fetched, PageArgs, MAX_PAGE};
use super::query::{fail, principal, state};
use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use commands::access;
use commands::CommandError;
use domain::account::AccountRole;
use uuid::Uuid;

/// A notice to an institution, e.g. that a host it invited has logged in for the first time.
#[derive(SimpleObject)]
pub struct Notification {
    /// What happened, as a stable code (e.g. `HOST_REGISTERED`).
    pub kind: String,
    /// What happened, in words for a person.
    pub message: String,
    /// The document the notice is about, if any.
    pub document_id: Option<ID>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

/// A page of documents (a host's or participant's own).
pub type DocumentConnection = Connection<String, DocumentView, EmptyFields>;
/// A page of an institution's notices, newest first.
pub type NotificationConnection = Connection<String, Notification, EmptyFields>;

/// The largest page of `myDocuments`: each document is read from its aggregate.
pub const MAX_MY_DOCUMENTS: i32 = 50;

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
    /// The documents a host (those naming its e-mail as host contact) or a participant (those
    /// naming its e-mail in the personal data, with access granted) may see, by Europass
    /// number; pages of at most 50 (default 20). Empty for institution users and NEC staff.
    async fn my_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many documents to return (default 20, at most 50).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return the documents after this cursor (an `endCursor` or an \
                          edge's `cursor` of this list).")]
        after: Option<String>,
    ) -> ApiResult<DocumentConnection> {
        let principal = principal(ctx).await?;
        let host = match principal.role {
            AccountRole::Host => Some(true),
            AccountRole::Participant => Some(false),
            _ => None,
        };
        let key = |raw: &str| {
            let (number, id) = split_pair(raw)?;
            Some((number.to_string(), Uuid::parse_str(id).ok()?))
        };
        let args = PageArgs::forward(first, after);
        paginate(ctx, args, MAX_MY_DOCUMENTS, key, async |w| {
            let (Some(host), Some(email)) = (host, &principal.email) else {
                return Ok(Fetched::rows(vec![]));
            };
            let pool = &state(ctx).services.pool;
            let fetch = w.fetch();
            let rows =
                projections::documents::for_email(pool, host, email.as_str(), w.after, fetch)
                    .await
                    .map_err(|e| fail(ctx, CommandError::failure(e)))?;
            let more = rows.len() > w.size;
            let mut documents = vec![];
            for row in rows.into_iter().take(w.size) {
                // The aggregate decides again: a projection row may trail a change of e-mail.
                if let Ok(doc) = load_document(ctx, row.id).await {
                    documents.push((pair(&row.europass_number, row.id), doc));
                }
            }
            Ok(Fetched {
                more: Some(more),
                ..Fetched::rows(documents)
            })
        })
        .await
    }

    /// The caller's institution's notices, newest first; pages of at most 100 (default 20).
    /// Empty for anyone but institution users.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many notices to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the notices after (older than) this cursor (an `endCursor` \
                          or an edge's `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> ApiResult<NotificationConnection> {
        let principal = principal(ctx).await?;
        let key = |raw: &str| {
            let (at, id) = split_pair(raw)?;
            Some((
                DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
                Uuid::parse_str(id).ok()?,
            ))
        };
        paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                let Some(institution_id) = principal.institution_id() else {
                    return Ok(Fetched::rows(vec![]));
                };
                let rows = access::notifications_of(
                    &state(ctx).services,
                    institution_id,
                    w.after,
                    w.fetch(),
                )
                .await
                .map_err(|e| fail(ctx, e))?;
                Ok(Fetched::rows(
                    rows.into_iter()
                        .map(|(kind, message, document_id, created_at, id)| {
                            let notice = Notification {
                                kind,
                                message,
                                document_id: document_id.map(|d| ID(d.to_string())),
                                created_at,
                            };
                            (pair(created_at.to_rfc3339(), id), notice)
                        })
                        .collect(),
                ))
            },
        )
        .await
    }
}

#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// R-HOST (the sending institution): gives the document's host (its host e-mail) access.
    /// A new host account gets a login and password by e-mail; a host that has an account is
    /// told of the document and keeps its password. The institution gets no copy, only a
    /// notice when the host first logs in. Answers true.
    async fn send_host_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document whose host e-mail gets access.")] document_id: ID,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let id = c.id("documentId", &document_id)?;
            access::send_host_password(c.services, &c.command, c.principal, id).await
        })
        .await?;
        Ok(true)
    }

    /// R-PART (the sending institution): the participant (the personal-data e-mail) gets a
    /// login and password by e-mail, or, with a participant account already, a notice. An
    /// e-mail of another kind of account is refused (`EMAIL_BELONGS_TO_ANOTHER_ACCOUNT`).
    /// Answers how many documents were granted (1).
    async fn grant_participant_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document whose participant gets access.")] document_id: ID,
    ) -> ApiResult<i32> {
        grant(ctx, &[document_id]).await
    }

    /// R-PART for a whole group at once: as `grantParticipantAccess` for each document, all
    /// or none. Answers how many documents were granted.
    async fn grant_participant_access_to_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The documents (1 to 500) whose participants get access.")]
        document_ids: Vec<ID>,
    ) -> ApiResult<i32> {
        grant(ctx, &document_ids).await
    }

    /// Locks participants out of changes (the sending institution): from `from` on, the
    /// participants of these documents can change nothing (they may still read) and their
    /// sessions end. Answers how many documents were locked.
    async fn lock_participant_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The documents (1 to 500) whose participants are locked.")]
        document_ids: Vec<ID>,
        #[graphql(desc = "From this moment on (may be in the future).")] from: DateTime<Utc>,
    ) -> ApiResult<i32> {
        set_lock(ctx, &document_ids, Some(from)).await
    }

    /// Lifts a participant lock (the sending institution): the participants of these documents
    /// may change their parts again. Answers how many documents were unlocked.
    async fn unlock_participant_access(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The documents (1 to 500) whose participants are unlocked.")]
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
