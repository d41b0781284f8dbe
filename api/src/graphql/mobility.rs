//! Mobility requests, the NEC's queue and decisions, documents with their Europass numbers.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::pagination::{paginate, pair, split_pair, Fetched, PageArgs, MAX_PAGE};
use super::query::{fail, load_institution, parse_id, principal, state};
use super::scalars::Date;
use super::types::Institution;
use crate::policy::{self, Operation};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Duration, Utc};
use commands::mobilities::{self, MobilityRequest};
use commands::CommandError;
use domain::mobility::ProcedureRequest;
use domain::reference::Procedure;
use domain::Refusal;
use projections::mobilities::MobilityRow;
use uuid::Uuid;

/// R-APPROVE: the NEC's target for a decision.
const DECISION_TARGET: Duration = Duration::hours(48);

/// Where a mobility request stands with the NEC.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MobilityStatus {
    /// Waiting for the NEC's first decision.
    Pending,
    /// Approved: its documents exist, each with a Europass number. More documents asked for
    /// later wait again (see `Mobility.pendingDocuments`) while the status stays `APPROVED`.
    Approved,
    /// Rejected by the NEC, with `Mobility.rejectionReason`; nothing was created.
    Rejected,
}

/// Who issues a mobility's certificates. The values are the codes of `referenceData.issuers`
/// (and of `Mobility.issuer.code`) with `_` in place of `-`: `NEC-LV` is `NEC_LV`.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Issuer {
    /// The National Europass Centre of Latvia (Academic Information Centre); its requests go
    /// through the NEC's queue and get numbers of the `LV` series.
    #[graphql(name = "NEC_LV")]
    NecLv,
    /// Europass Try Out, for trying the register: approved at once, numbered in the separate
    /// `TRY` series, and deleted with everything it produced 24 hours later.
    TryOut,
}

impl Issuer {
    /// The issuer's code as the domain and the reference data write it.
    pub fn code(self) -> &'static str {
        match self {
            Issuer::NecLv => "NEC-LV",
            Issuer::TryOut => "TRY-OUT",
        }
    }
}

/// A coded value with its English and Latvian labels, as it was when the mobility was
/// requested (labels of later reference-data versions do not change it).
#[derive(SimpleObject)]
pub struct LabelText {
    /// The value's code in its reference list (e.g. `NEC-LV`, or a programme code).
    pub code: Option<String>,
    /// The English label.
    pub en: Option<String>,
    /// The Latvian label.
    pub lv: Option<String>,
}

/// A request for Europass Mobility documents for a group of participants (R-REQ), and what
/// the NEC decided. Seen by the requesting institution's users and NEC staff.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Mobility {
    /// The mobility's id.
    pub id: ID,
    #[graphql(skip)]
    pub institution_id: Uuid,
    /// Where the request stands with the NEC.
    pub status: MobilityStatus,
    /// Who issues the certificates, with labels (code `NEC-LV` or `TRY-OUT`).
    pub issuer: LabelText,
    /// Issued by Europass Try Out: approved at once, deleted 24 hours after it was requested.
    pub is_try_out: bool,
    /// The procedure: `A` (Erasmus+, Nordplus or a listed bilateral programme), `B` (outside
    /// those programmes) or `C` (an individual without a sending institution).
    pub procedure: String,
    /// Procedures A and C: the programme, labelled as it was when requested
    /// (`referenceVersion`); null for procedure B.
    pub programme: Option<LabelText>,
    /// Procedures A and C: the project number (or the programme's document number).
    pub project_number: Option<String>,
    /// Procedure B: the short description of the project (keywords).
    pub description: Option<String>,
    /// How many participants (documents) were asked for in all, later requests included.
    pub participants: i32,
    /// Whether a Europass document folder should be mailed for each participant.
    pub folders_by_post: bool,
    /// First day of the learning abroad, as requested (each document may carry its own).
    pub start_date: Date,
    /// Last day of the learning abroad, as requested.
    pub end_date: Date,
    /// The version of the reference data whose labels this mobility keeps.
    pub reference_version: String,
    /// When the institution sent the request.
    pub requested_at: DateTime<Utc>,
    /// When the NEC (or, for Try Out, the register) last decided; null while pending.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why the NEC rejected the request; null unless `REJECTED`.
    pub rejection_reason: Option<String>,
    /// Documents waiting for the NEC (the request, or more asked for later); 0 when nothing
    /// waits.
    pub pending_documents: i32,
    /// Since when the pending documents wait for the NEC; null when nothing waits.
    pub waiting_since: Option<DateTime<Utc>>,
    /// Whole hours the pending part has waited for the NEC; null when nothing waits.
    pub age_hours: Option<i64>,
    /// The pending part has waited 48 hours (the NEC's target) or more.
    pub overdue: bool,
}

impl Mobility {
    fn from_row(row: MobilityRow, now: DateTime<Utc>) -> Self {
        let status = match row.status.as_str() {
            "approved" => MobilityStatus::Approved,
            "rejected" => MobilityStatus::Rejected,
            _ => MobilityStatus::Pending,
        };
        let age = row.pending_since.map(|since| now - since);
        Self {
            id: ID(row.id.to_string()),
            institution_id: row.institution_id,
            status,
            issuer: LabelText {
                code: Some(row.issuer_code),
                en: Some(row.issuer_label_en),
                lv: Some(row.issuer_label_lv),
            },
            is_try_out: row.is_try_out,
            procedure: row.procedure,
            programme: row.programme_code.map(|code| LabelText {
                code: Some(code),
                en: row.programme_label_en,
                lv: row.programme_label_lv,
            }),
            project_number: row.project_number,
            description: row.description,
            participants: row.participants,
            folders_by_post: row.folders_by_post,
            start_date: row.start_date.into(),
            end_date: row.end_date.into(),
            reference_version: row.reference_version,
            requested_at: row.requested_at,
            decided_at: row.decided_at,
            rejection_reason: row.rejection_reason,
            pending_documents: row.pending_documents,
            waiting_since: row.pending_since,
            age_hours: age.map(|a| a.num_hours()),
            overdue: age.is_some_and(|a| a >= DECISION_TARGET),
        }
    }
}

/// A mobility's document in a list: its number, holder and completeness (open it with
/// `document(id:)` for everything else).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct DocumentSummary {
    /// The document's id (for `document(id:)` and the section saves).
    pub id: ID,
    /// The document's Europass number, e.g. `LV/2026/000123-2`.
    pub europass_number: String,
    /// When approval created the document.
    pub created_at: DateTime<Utc>,
    /// The participant's first name and surname, once entered.
    pub holder_name: Option<String>,
    /// R-COMPLETE: how many mandatory fields are still empty (null for a moment after
    /// approval, until the document's row is projected).
    pub missing_fields: Option<i32>,
    /// No mandatory field is empty: the certificate can be issued.
    pub complete: bool,
    #[graphql(skip)]
    pub missing_paths: Vec<String>,
}

#[ComplexObject]
impl DocumentSummary {
    /// R-COMPLETE: the mandatory fields still empty, in the certificate's order, labelled in
    /// the interface language asked for (as `Document.missingFields`, from the list's own
    /// read model: a list page needs no document loaded). Empty for a moment after approval.
    async fn missing(
        &self,
        #[graphql(desc = "The language of the labels (default English).")] language: Option<
            super::document::Language,
        >,
    ) -> Vec<super::document::MissingField> {
        let lv = language == Some(super::document::Language::Lv);
        self.missing_paths
            .iter()
            .filter_map(|path| domain::document::MissingField::at(path))
            .map(|m| super::document::MissingField::labelled(&m, lv))
            .collect()
    }
}

/// How many items the whole list holds, beside the page.
#[derive(SimpleObject)]
pub struct TotalCount {
    /// How many items the list holds in all, on every page.
    pub total_count: i64,
}

/// How many items the whole list holds, where it is counted.
#[derive(SimpleObject)]
pub struct OptionalTotalCount {
    /// How many items the list holds in all (the NEC's queue); null where the list is not
    /// counted (`mobilities`).
    pub total_count: Option<i64>,
}

/// A page of a mobility's documents, in the order they were created.
pub type DocumentSummaryConnection = Connection<String, DocumentSummary, TotalCount>;
/// A page of mobilities.
pub type MobilityConnection = Connection<String, Mobility, OptionalTotalCount>;

fn internal(ctx: &Context<'_>, err: anyhow::Error) -> async_graphql::Error {
    fail(ctx, CommandError::failure(err))
}

#[ComplexObject]
impl Mobility {
    /// The documents created by approval, each with its Europass number, in the order they
    /// were created; pages of at most 100 (default 20).
    async fn documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many documents to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the documents after this cursor (an `endCursor` or an edge's \
                          `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> ApiResult<DocumentSummaryConnection> {
        let id = parse_id(ctx, "id", &self.id)?;
        let key = |raw: &str| {
            let (p, o) = raw.split_once(':')?;
            Some((p.parse::<i64>().ok()?, o.parse::<i32>().ok()?))
        };
        paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                let pool = &state(ctx).services.pool;
                let (rows, total) =
                    projections::mobilities::documents_of(pool, id, w.after, w.fetch())
                        .await
                        .map_err(|e| internal(ctx, e))?;
                Ok(Fetched {
                    more: None,
                    rows: rows
                        .into_iter()
                        .map(|r| {
                            let cursor = format!("{}:{}", r.created_position, r.ordinal);
                            let summary = DocumentSummary {
                                id: ID(r.id.to_string()),
                                europass_number: r.europass_number,
                                created_at: r.created_at,
                                holder_name: r.holder_name,
                                missing_fields: r.missing_count,
                                complete: r.missing_count == Some(0),
                                missing_paths: r.missing_paths.map(|p| p.0).unwrap_or_default(),
                            };
                            (cursor, summary)
                        })
                        .collect(),
                    fields: TotalCount { total_count: total },
                })
            },
        )
        .await
    }

    /// The requesting institution.
    async fn institution(&self, ctx: &Context<'_>) -> ApiResult<Institution> {
        load_institution(ctx, self.institution_id).await
    }
}

/// The mobility, for its institution and NEC staff; NOT_FOUND when it does not exist or is
/// not the caller's to see (the same answer).
async fn load_mobility(ctx: &Context<'_>, id: Uuid) -> ApiResult<Mobility> {
    let principal = principal(ctx).await?;
    let row = projections::mobilities::find(&state(ctx).services.pool, id)
        .await
        .map_err(|e| internal(ctx, e))?
        .ok_or_else(|| {
            fail(
                ctx,
                Refusal::not_found("MOBILITY_NOT_FOUND", "mobility not found"),
            )
        })?;
    policy::authorize(
        principal,
        Operation::ReadMobility {
            owner: row.institution_id,
        },
    )
    .map_err(|e| fail(ctx, e))?;
    Ok(Mobility::from_row(row, state(ctx).services.clock.now()))
}

#[derive(Default)]
pub struct MobilityQuery;

#[Object]
impl MobilityQuery {
    /// A mobility by id, for its institution's users and NEC staff. Null (with a NOT_FOUND
    /// error) when it does not exist or is not the caller's to see: both answers are alike.
    async fn mobility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobility's id.")] id: ID,
    ) -> ApiResult<Option<Mobility>> {
        let id = parse_id(ctx, "id", &id)?;
        load_mobility(ctx, id).await.map(Some)
    }

    /// The caller's institution's mobilities, newest first; pages of at most 100 (default
    /// 20). Institution users only.
    async fn mobilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many mobilities to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the mobilities after this cursor (an `endCursor` or an \
                          edge's `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> ApiResult<MobilityConnection> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::RequestMobility).map_err(|e| fail(ctx, e))?;
        let institution_id = principal.institution_id().unwrap_or_default();
        let key = |raw: &str| raw.parse::<i64>().ok();
        paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                let rows = projections::mobilities::of_institution(
                    &state(ctx).services.pool,
                    institution_id,
                    w.after,
                    w.fetch(),
                )
                .await
                .map_err(|e| internal(ctx, e))?;
                let now = state(ctx).services.clock.now();
                Ok(Fetched {
                    more: None,
                    rows: rows
                        .into_iter()
                        .map(|r| (r.created_position.to_string(), Mobility::from_row(r, now)))
                        .collect(),
                    fields: OptionalTotalCount { total_count: None },
                })
            },
        )
        .await
    }

    /// R-APPROVE: the NEC's queue of requests waiting for a decision (Try Out excluded),
    /// oldest first, with their age; pages of at most 100 (default 20). NEC staff only.
    async fn nec_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many requests to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the requests after this cursor (an `endCursor` or an edge's \
                          `cursor` of this list)."
        )]
        after: Option<String>,
        #[graphql(desc = "True: only requests waiting 48 hours or more.")] overdue_only: Option<
            bool,
        >,
        #[graphql(desc = "Only requests to this issuer.")] issuer: Option<Issuer>,
    ) -> ApiResult<MobilityConnection> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::DecideMobility).map_err(|e| fail(ctx, e))?;
        let now = state(ctx).services.clock.now();
        let key = |raw: &str| {
            let (at, id) = split_pair(raw)?;
            Some((
                DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
                Uuid::parse_str(id).ok()?,
            ))
        };
        let overdue_before = overdue_only.unwrap_or(false).then(|| now - DECISION_TARGET);
        paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                let (rows, total) = projections::mobilities::queue(
                    &state(ctx).services.pool,
                    w.after,
                    overdue_before,
                    issuer.map(Issuer::code),
                    w.fetch(),
                )
                .await
                .map_err(|e| internal(ctx, e))?;
                Ok(Fetched {
                    more: None,
                    rows: rows
                        .into_iter()
                        .map(|r| {
                            let at = r.pending_since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
                            (pair(at.to_rfc3339(), r.id), Mobility::from_row(r, now))
                        })
                        .collect(),
                    fields: OptionalTotalCount {
                        total_count: Some(total),
                    },
                })
            },
        )
        .await
    }
}

/// R-REQ: a request for Europass Mobility documents for a group. Which of the optional fields
/// are needed depends on the procedure.
#[derive(InputObject)]
pub struct MobilityRequestInput {
    /// Must be true: the institution accepts the conditions of use.
    pub accept_conditions: bool,
    /// How many participants (one document each), 1 to 500; for an Erasmus+ project the
    /// expected total over the project.
    pub participants: i32,
    /// True: mail one Europass document folder per participant.
    pub folders_by_post: bool,
    /// First day of the learning abroad; at most 10 weeks ahead (a past date is fine).
    pub start_date: Date,
    /// Last day of the learning abroad, not before `startDate`.
    pub end_date: Date,
    /// Who issues the certificates: the NEC, or Europass Try Out for trying the register.
    pub issuer: Issuer,
    /// The procedure: `A`, `B` or `C` (see `referenceData.procedures`).
    pub procedure: String,
    /// Procedures A and C: a programme code from `referenceData.procedures.programmes`.
    pub programme: Option<String>,
    /// Procedures A and C: the project number (or the programme's document number).
    pub project_number: Option<String>,
    /// Procedure B: a short description of the project (keywords).
    pub description: Option<String>,
    /// Procedure B: must be true, confirming that all quality criteria were met.
    pub quality_criteria_confirmed: Option<bool>,
}

impl MobilityRequestInput {
    fn into_request(self) -> Result<MobilityRequest, Refusal> {
        let procedure = match Procedure::parse(&self.procedure)? {
            Procedure::A => ProcedureRequest::A {
                programme: self.programme.unwrap_or_default(),
                project_number: self.project_number.unwrap_or_default(),
            },
            Procedure::B => ProcedureRequest::B {
                description: self.description.unwrap_or_default(),
                quality_criteria_confirmed: self.quality_criteria_confirmed.unwrap_or(false),
            },
            Procedure::C => ProcedureRequest::C {
                programme: self.programme.unwrap_or_default(),
                project_number: self.project_number.unwrap_or_default(),
            },
        };
        Ok(MobilityRequest {
            accept_conditions: self.accept_conditions,
            participants: i64::from(self.participants),
            folders_by_post: self.folders_by_post,
            start: self.start_date.into(),
            end: self.end_date.into(),
            issuer: self.issuer.code().to_string(),
            procedure,
        })
    }
}

#[derive(Default)]
pub struct MobilityMutation;

#[Object]
impl MobilityMutation {
    /// R-REQ: requests documents for a group (institution users). A start more than 10 weeks ahead is refused with the earliest date the
    /// request can be made on. Europass Try Out requests are approved at once; others wait in
    /// the NEC's queue.
    async fn request_mobility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] input: MobilityRequestInput,
    ) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::RequestMobility)?;
            let data = input.into_request()?;
            mobilities::request_mobility(c.services, &c.command, c.principal, data).await
        })
        .await?;
        load_mobility(ctx, id).await
    }

    /// Asks for more documents for an approved mobility of the caller's institution
    /// (participants added during a project); they wait in the NEC's queue like the request
    /// did.
    async fn request_more_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobility's id.")] mobility_id: ID,
        #[graphql(desc = "How many documents to add, 1 to 500.")] additional: i32,
    ) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::RequestMobility)?;
            let id = c.id("mobilityId", &mobility_id)?;
            let additional = i64::from(additional);
            mobilities::request_more_documents(c.services, &c.command, c.principal, id, additional)
                .await?;
            Ok(id)
        })
        .await?;
        load_mobility(ctx, id).await
    }

    /// NEC staff: approves what is pending; creates one document per participant, each with
    /// its own Europass number, and e-mails the institution.
    async fn approve_mobility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobility's id.")] mobility_id: ID,
    ) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::DecideMobility)?;
            let id = c.id("mobilityId", &mobility_id)?;
            mobilities::approve(c.services, &c.command, id).await?;
            Ok(id)
        })
        .await?;
        load_mobility(ctx, id).await
    }

    /// NEC staff: rejects what is pending, with a reason e-mailed to the institution.
    async fn reject_mobility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mobility's id.")] mobility_id: ID,
        #[graphql(desc = "Why, in words the institution can act on; e-mailed to it.")]
        reason: String,
    ) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::DecideMobility)?;
            let id = c.id("mobilityId", &mobility_id)?;
            mobilities::reject(c.services, &c.command, id, &reason).await?;
            Ok(id)
        })
        .await?;
        load_mobility(ctx, id).await
    }
}
