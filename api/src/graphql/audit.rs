//! R-AUDIT for NEC staff (and the sending institution for its own documents): the full
//! history of a certificate, the certificate as it stood at a past moment, search; R-ERASE.

use super::document::DocumentView;
use super::errors::ApiResult;
use super::mutation::mutate;
use super::pagination::{decode, encode, page_size, PageInfo};
use super::query::{fail, parse_id, principal, state};
use crate::policy::{self, Operation};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use commands::{audit, CommandError};

#[derive(SimpleObject)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(SimpleObject)]
pub struct Actor {
    pub id: Option<ID>,
    /// institution_user, nec, host, participant, anonymous, operator or system.
    pub role: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(SimpleObject)]
pub struct AuditEntry {
    /// `document` or `mobility`.
    pub aggregate: String,
    pub sequence: i64,
    pub event_type: String,
    pub at: Option<DateTime<Utc>>,
    pub actor: Actor,
    pub correlation_id: Option<String>,
    pub section: Option<String>,
    pub changes: Vec<Change>,
    /// R-COPY: the document the values came from.
    pub copied_from: Option<ID>,
}

#[derive(SimpleObject)]
pub struct AuditConnection {
    pub nodes: Vec<AuditEntry>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

#[derive(SimpleObject)]
pub struct DocumentHit {
    pub id: ID,
    pub europass_number: String,
    pub holder_name: Option<String>,
    pub institution_name: String,
    pub mobility_id: ID,
    pub complete: bool,
    pub certificates: i32,
}

#[derive(SimpleObject)]
pub struct ReissueCheck {
    pub recorded_sha256: String,
    /// Null when the certificate was issued with another template version.
    pub recreated_sha256: Option<String>,
    pub template_version: String,
    pub matches: bool,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Every event of the document and of its mobility that concerns it, in order: when, who
    /// (name and role), the correlation id, and what changed (before → after).
    async fn certificate_history(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<AuditConnection> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let entries = audit::history(&state(ctx).services, principal, id)
            .await
            .map_err(|e| fail(ctx, e))?;
        let total = entries.len() as i64;
        let start = match after {
            Some(c) => decode(&c)
                .and_then(|s| s.parse::<usize>().ok())
                .ok_or_else(|| {
                    fail(
                        ctx,
                        domain::Refusal::validation("after", "INVALID_CURSOR", "unknown cursor"),
                    )
                })?,
            None => 0,
        };
        let limit = page_size(first) as usize;
        let end = (start + limit).min(entries.len());
        let pool = &state(ctx).services.pool;
        let mut nodes = vec![];
        for e in entries.into_iter().skip(start).take(limit) {
            let account = match e.actor_id {
                Some(id) => projections::accounts::find(pool, id)
                    .await
                    .map_err(|err| fail(ctx, CommandError::failure(err)))?,
                None => None,
            };
            nodes.push(AuditEntry {
                aggregate: e.aggregate.to_string(),
                sequence: e.sequence as i64,
                event_type: e.event_type,
                at: e.at,
                actor: Actor {
                    id: e.actor_id.map(|i| ID(i.to_string())),
                    role: e.actor_role,
                    name: account.as_ref().and_then(|a| a.name.clone()),
                    email: account.and_then(|a| a.email),
                },
                correlation_id: e.correlation_id,
                section: e.section,
                changes: e
                    .changes
                    .into_iter()
                    .map(|c| Change {
                        field: c.field,
                        before: c.before,
                        after: c.after,
                    })
                    .collect(),
                copied_from: e.copied_from.map(|d| ID(d.to_string())),
            });
        }
        Ok(AuditConnection {
            nodes,
            page_info: PageInfo {
                has_next_page: end < total as usize,
                end_cursor: Some(encode(&end.to_string())),
            },
            total_count: total,
        })
    }

    /// Re-creates an issued certificate from the state it was issued from and compares its
    /// SHA-256 with the recorded one.
    async fn verify_issued_certificate(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        sha256: String,
    ) -> ApiResult<ReissueCheck> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let check =
            commands::certificates::verify_issued(&state(ctx).services, principal, id, &sha256)
                .await
                .map_err(|e| fail(ctx, e))?;
        Ok(ReissueCheck {
            recorded_sha256: check.recorded_sha256,
            recreated_sha256: check.recreated_sha256,
            template_version: check.template_version,
            matches: check.matches,
        })
    }

    /// The document as it stood at `at`.
    async fn certificate_as_of(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        at: DateTime<Utc>,
    ) -> ApiResult<DocumentView> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let doc = audit::as_of(&state(ctx).services, principal, id, at)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(DocumentView::new(
            id,
            doc,
            commands::documents::Relation::Auditor,
            at,
        ))
    }

    /// NEC: documents by Europass number, institution name, holder name and completeness.
    async fn search_documents(
        &self,
        ctx: &Context<'_>,
        europass_number: Option<String>,
        institution: Option<String>,
        holder_name: Option<String>,
        complete: Option<bool>,
        first: Option<i32>,
    ) -> ApiResult<Vec<DocumentHit>> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::DecideMobility).map_err(|e| fail(ctx, e))?;
        let search = projections::documents::DocumentSearch {
            europass_number,
            institution,
            holder_name,
            complete,
            limit: page_size(first),
        };
        let rows = projections::documents::search(&state(ctx).services.pool, search)
            .await
            .map_err(|e| fail(ctx, CommandError::failure(e)))?;
        Ok(rows
            .into_iter()
            .map(
                |(id, number, holder, institution, mobility, missing, certificates)| DocumentHit {
                    id: ID(id.to_string()),
                    europass_number: number,
                    holder_name: holder,
                    institution_name: institution,
                    mobility_id: ID(mobility.to_string()),
                    complete: missing == 0,
                    certificates,
                },
            )
            .collect())
    }
}

#[derive(Default)]
pub struct AuditMutation;

#[Object]
impl AuditMutation {
    /// R-ERASE (the sending institution or NEC): the participant's personal data are erased
    /// everywhere; the Europass number, dates and issued certificates' hashes remain.
    async fn erase_participant_data(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        reason: String,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let id = c.id("documentId", &document_id)?;
            commands::erasure::erase_participant_data(
                c.services,
                &c.command,
                c.principal,
                id,
                &reason,
            )
            .await
        })
        .await?;
        Ok(true)
    }
}
