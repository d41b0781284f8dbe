//! R-AUDIT for NEC staff (and the sending institution for its own documents): the full
//! history of a certificate, the certificate as it stood at a past moment, search; R-ERASE.

use super::document::DocumentView;
use super::errors::ApiResult;
use super::mobility::TotalCount;
use super::mutation::mutate;
use super::pagination::{paginate, pair, split_pair, Fetched, PageArgs, MAX_PAGE};
use super::query::{fail, parse_id, principal, state};
use crate::policy::{self, Operation};
use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use commands::{audit, CommandError};
use uuid::Uuid;

/// One field's change in an audited event.
#[derive(SimpleObject)]
pub struct Change {
    /// The field's name within the entry's `section` (e.g. `surname`).
    pub field: String,
    /// The value before the event, as text; null when it was empty; `(erased)` for personal
    /// data erased since.
    pub before: Option<String>,
    /// The value after the event, as text; null when the event cleared it; `(erased)` for
    /// personal data erased since.
    pub after: Option<String>,
}

/// Who caused an audited event.
#[derive(SimpleObject)]
pub struct Actor {
    /// The actor's account id; null for the register itself and for operators.
    pub id: Option<ID>,
    /// The actor's role: `institution_user`, `nec`, `host`, `participant`, `anonymous`,
    /// `operator` or `system`.
    pub role: Option<String>,
    /// The account's name as it is now; null if it has none or was erased.
    pub name: Option<String>,
    /// The account's e-mail as it is now; null if it has none or was erased.
    pub email: Option<String>,
}

/// One event of a certificate's full history (R-AUDIT).
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Whose event: `document` (the document's own) or `mobility` (its mobility's request and
    /// the approval that created it).
    pub aggregate: String,
    /// The event's sequence number within its aggregate, from 1.
    pub sequence: i64,
    /// The event's type, e.g. `PersonalDataSaved`, `CertificateIssued`.
    pub event_type: String,
    /// When the event was recorded.
    pub at: Option<DateTime<Utc>>,
    /// Who caused it.
    pub actor: Actor,
    /// The correlation id of the request that wrote it (as `x-correlation-id` answered it).
    pub correlation_id: Option<String>,
    /// The document section the event changed, if any (e.g. `personalData`).
    pub section: Option<String>,
    /// The fields the event changed, with their values before and after.
    pub changes: Vec<Change>,
    /// R-COPY: the document the values came from, for a copy.
    pub copied_from: Option<ID>,
}

/// A document found by `searchDocuments`.
#[derive(SimpleObject)]
pub struct DocumentHit {
    /// The document's id.
    pub id: ID,
    /// The document's Europass number.
    pub europass_number: String,
    /// The participant's first name and surname, once entered.
    pub holder_name: Option<String>,
    /// The sending institution's name as it is now.
    pub institution_name: String,
    /// The document's mobility.
    pub mobility_id: ID,
    /// No mandatory field is empty.
    pub complete: bool,
    /// How many certificates were issued from it.
    pub certificates: i32,
}

/// The answer of `verifyIssuedCertificate`: an issued certificate made again and compared.
#[derive(SimpleObject)]
pub struct ReissueCheck {
    /// The SHA-256 (hex) recorded when the certificate was issued.
    pub recorded_sha256: String,
    /// The SHA-256 (hex) of the PDF made again from the state it was issued from; null when
    /// it was issued with another template version, which this build cannot make.
    pub recreated_sha256: Option<String>,
    /// The template version the certificate was issued with.
    pub template_version: String,
    /// The PDF made again is byte for byte the one issued.
    pub matches: bool,
}

/// A page of a certificate's full history, oldest first.
pub type AuditEntryConnection = Connection<String, AuditEntry, TotalCount>;
/// A page of documents found, by Europass number.
pub type DocumentHitConnection = Connection<String, DocumentHit, EmptyFields>;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// Every event of the document and of its mobility that concerns it, oldest first: when,
    /// who (name and role), the correlation id, and what changed (before → after); copies
    /// name their source. Pages of at most 100 (default 20). NEC staff, and the sending
    /// institution for its own documents.
    async fn certificate_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "How many events to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the events after this cursor (an `endCursor` or an edge's \
                          `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> ApiResult<AuditEntryConnection> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let key = |raw: &str| raw.parse::<usize>().ok();
        paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                // The changes are worked out by folding the whole history, so it is read whole
                // and paged here.
                let entries = audit::history(&state(ctx).services, principal, id)
                    .await
                    .map_err(|e| fail(ctx, e))?;
                let total = entries.len() as i64;
                let start = w.after.map_or(0, |i| i + 1);
                let pool = &state(ctx).services.pool;
                let mut rows = vec![];
                for (index, e) in entries
                    .into_iter()
                    .enumerate()
                    .skip(start)
                    .take(w.fetch() as usize)
                {
                    let account = match e.actor_id {
                        Some(id) => projections::accounts::find(pool, id)
                            .await
                            .map_err(|err| fail(ctx, CommandError::failure(err)))?,
                        None => None,
                    };
                    let entry = AuditEntry {
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
                        section: e.section.clone(),
                        changes: e
                            .changes
                            .into_iter()
                            .map(|c| Change {
                                field: super::field_names::api_field(
                                    e.section.as_deref().unwrap_or_default(),
                                    &c.field,
                                )
                                .to_string(),
                                before: c.before,
                                after: c.after,
                            })
                            .collect(),
                        copied_from: e.copied_from.map(|d| ID(d.to_string())),
                    };
                    rows.push((index.to_string(), entry));
                }
                Ok(Fetched {
                    more: None,
                    rows,
                    fields: TotalCount { total_count: total },
                })
            },
        )
        .await
    }

    /// Makes an issued certificate again from the document, base data and signatures as they
    /// stood when it was issued, and compares its SHA-256 with the recorded one. NEC staff,
    /// and the sending institution for its own documents. Null (with a NOT_FOUND error) when
    /// the document does not exist, is not the caller's to see, or has no such certificate.
    async fn verify_issued_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The SHA-256 (hex) of the issued certificate, as \
                          `Document.certificates` lists it.")]
        sha256: String,
    ) -> ApiResult<Option<ReissueCheck>> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let check =
            commands::certificates::verify_issued(&state(ctx).services, principal, id, &sha256)
                .await
                .map_err(|e| fail(ctx, e))?;
        Ok(Some(ReissueCheck {
            recorded_sha256: check.recorded_sha256,
            recreated_sha256: check.recreated_sha256,
            template_version: check.template_version,
            matches: check.matches,
        }))
    }

    /// The document as it stood at `at` (events recorded later left out). NEC staff, and the
    /// sending institution for its own documents. Null (with a NOT_FOUND error) when the
    /// document does not exist or is not the caller's to see.
    async fn certificate_as_of(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The moment to show the document at.")] at: DateTime<Utc>,
    ) -> ApiResult<Option<DocumentView>> {
        let principal = principal(ctx).await?;
        let id = parse_id(ctx, "documentId", &document_id)?;
        let doc = audit::as_of(&state(ctx).services, principal, id, at)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(Some(DocumentView::new(
            id,
            doc,
            commands::documents::Relation::Auditor,
            at,
        )))
    }

    /// NEC staff: documents by Europass number, institution name, holder name and
    /// completeness (each given criterion narrows the search; texts match parts of words in
    /// any case), ordered by Europass number. Pages forward (`first`, `after`) or backward
    /// (`last`, `before`) of at most 100 (default 20).
    #[allow(clippy::too_many_arguments)]
    async fn search_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A part of the Europass number, e.g. `2026/0001`.")]
        europass_number: Option<String>,
        #[graphql(desc = "A part of the sending institution's name.")] institution: Option<String>,
        #[graphql(desc = "A part of the holder's name.")] holder_name: Option<String>,
        #[graphql(desc = "True: only complete documents; false: only incomplete ones.")]
        complete: Option<bool>,
        #[graphql(
            desc = "How many documents to return from the start (default 20, at most \
                          100)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return the documents after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many documents to return from the end (at most 100), for \
                          paging backward.")]
        last: Option<i32>,
        #[graphql(
            desc = "Return the documents before this cursor (a `startCursor` or an \
                          edge's `cursor` of this list)."
        )]
        before: Option<String>,
    ) -> ApiResult<DocumentHitConnection> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::DecideMobility).map_err(|e| fail(ctx, e))?;
        let key = |raw: &str| {
            let (number, id) = split_pair(raw)?;
            Some((number.to_string(), Uuid::parse_str(id).ok()?))
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        paginate(ctx, args, MAX_PAGE, key, async |w| {
            let search = projections::documents::DocumentSearch {
                europass_number,
                institution,
                holder_name,
                complete,
                limit: w.fetch(),
                after: w.after,
                before: w.before,
                backward: w.backward,
            };
            let rows = projections::documents::search(&state(ctx).services.pool, search)
                .await
                .map_err(|e| fail(ctx, CommandError::failure(e)))?;
            Ok(Fetched::rows(
                rows.into_iter()
                    .map(
                        |(id, number, holder, institution, mobility, missing, certificates)| {
                            let hit = DocumentHit {
                                id: ID(id.to_string()),
                                europass_number: number,
                                holder_name: holder,
                                institution_name: institution,
                                mobility_id: ID(mobility.to_string()),
                                complete: missing == 0,
                                certificates,
                            };
                            (pair(&hit.europass_number, id), hit)
                        },
                    )
                    .collect(),
            ))
        })
        .await
    }
}

#[derive(Default)]
pub struct AuditMutation;

#[Object]
impl AuditMutation {
    /// R-ERASE (the sending institution or NEC staff): the participant's personal data are
    /// erased everywhere, in one transaction (a retry after success writes nothing); the
    /// Europass number, dates and the issued certificates' hashes remain. Answers true.
    async fn erase_participant_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document whose participant's data are erased.")] document_id: ID,
        #[graphql(desc = "Why (e.g. the data-protection request), kept in the audit.")]
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

    /// Issue 23 (NEC staff only): revokes the document's issued certificate, with a reason
    /// the public verification page shows. Afterwards neither its PDF nor its credential is
    /// handed out again. A second revocation writes nothing. Answers true.
    async fn revoke_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document whose certificate is revoked.")] document_id: ID,
        #[graphql(
            desc = "Why (shown to anyone who verifies the certificate), at most 1000 \
                          characters."
        )]
        reason: String,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            let id = c.id("documentId", &document_id)?;
            commands::certificates::revoke(c.services, &c.command, c.principal, id, &reason).await
        })
        .await?;
        Ok(true)
    }
}
