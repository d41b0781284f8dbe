//! Mobility requests, the NEC's queue and decisions, documents with their Europass numbers.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::pagination::{decode, encode, page_size, PageInfo};
use super::query::{fail, load_institution, parse_id, principal, state};
use super::types::Institution;
use crate::policy::{self, Operation};
use async_graphql::{ComplexObject, Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use commands::mobilities::{self, MobilityRequest};
use commands::CommandError;
use domain::mobility::ProcedureRequest;
use domain::reference::Procedure;
use domain::Refusal;
use projections::mobilities::{DocumentRow, MobilityRow};
use uuid::Uuid;

/// R-APPROVE: the NEC's target for a decision.
const DECISION_TARGET: Duration = Duration::hours(48);

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MobilityStatus {
    Pending,
    Approved,
    Rejected,
}

#[derive(SimpleObject)]
pub struct LabelText {
    pub code: Option<String>,
    pub en: Option<String>,
    pub lv: Option<String>,
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Mobility {
    pub id: ID,
    #[graphql(skip)]
    pub institution_id: Uuid,
    pub status: MobilityStatus,
    pub issuer: LabelText,
    pub is_try_out: bool,
    pub procedure: String,
    /// The programme's label as it was when requested (`referenceVersion`).
    pub programme: Option<LabelText>,
    pub project_number: Option<String>,
    pub description: Option<String>,
    pub participants: i32,
    pub folders_by_post: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub reference_version: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    /// Documents waiting for the NEC (the request, or more asked for later).
    pub pending_documents: i32,
    pub waiting_since: Option<DateTime<Utc>>,
    /// Hours the pending part has waited for the NEC.
    pub age_hours: Option<i64>,
    /// Waiting 48 hours or more.
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
            start_date: row.start_date,
            end_date: row.end_date,
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

#[derive(SimpleObject)]
pub struct DocumentSummary {
    pub id: ID,
    pub europass_number: String,
    pub created_at: DateTime<Utc>,
    pub holder_name: Option<String>,
    /// R-COMPLETE: how many mandatory fields are still empty.
    pub missing_fields: Option<i32>,
    pub complete: bool,
}

#[derive(SimpleObject)]
pub struct DocumentConnection {
    pub nodes: Vec<DocumentSummary>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

#[derive(SimpleObject)]
pub struct MobilityConnection {
    pub nodes: Vec<Mobility>,
    pub page_info: PageInfo,
    pub total_count: Option<i64>,
}

fn internal(ctx: &Context<'_>, err: anyhow::Error) -> async_graphql::Error {
    fail(ctx, CommandError::failure(err))
}

fn bad_cursor(ctx: &Context<'_>) -> async_graphql::Error {
    fail(
        ctx,
        Refusal::validation(
            "after",
            "INVALID_CURSOR",
            "after is not a cursor of this list",
        ),
    )
}

#[ComplexObject]
impl Mobility {
    /// The documents created by approval, each with its Europass number.
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<DocumentConnection> {
        let id = parse_id(ctx, "id", &self.id)?;
        let after = match after {
            None => None,
            Some(cursor) => {
                let raw = decode(&cursor).ok_or_else(|| bad_cursor(ctx))?;
                let (p, o) = raw.split_once(':').ok_or_else(|| bad_cursor(ctx))?;
                Some((
                    p.parse().map_err(|_| bad_cursor(ctx))?,
                    o.parse().map_err(|_| bad_cursor(ctx))?,
                ))
            }
        };
        let limit = page_size(first);
        let (mut rows, total) =
            projections::mobilities::documents_of(&state(ctx).services.pool, id, after, limit + 1)
                .await
                .map_err(|e| internal(ctx, e))?;
        let has_next_page = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let end_cursor = rows
            .last()
            .map(|r: &DocumentRow| encode(&format!("{}:{}", r.created_position, r.ordinal)));
        Ok(DocumentConnection {
            nodes: rows
                .into_iter()
                .map(|r| DocumentSummary {
                    id: ID(r.id.to_string()),
                    europass_number: r.europass_number,
                    created_at: r.created_at,
                    holder_name: r.holder_name,
                    missing_fields: r.missing_count,
                    complete: r.missing_count == Some(0),
                })
                .collect(),
            page_info: PageInfo {
                has_next_page,
                end_cursor,
            },
            total_count: total,
        })
    }

    /// The requesting institution.
    async fn institution(&self, ctx: &Context<'_>) -> ApiResult<Institution> {
        load_institution(ctx, self.institution_id).await
    }
}

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
    async fn mobility(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Mobility> {
        let id = parse_id(ctx, "id", &id)?;
        load_mobility(ctx, id).await
    }

    /// The caller's institution's mobilities, newest first.
    async fn mobilities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<MobilityConnection> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::RequestMobility).map_err(|e| fail(ctx, e))?;
        let institution_id = principal.institution_id().unwrap_or_default();
        let before = match after {
            None => None,
            Some(c) => Some(
                decode(&c)
                    .and_then(|raw| raw.parse::<i64>().ok())
                    .ok_or_else(|| bad_cursor(ctx))?,
            ),
        };
        let limit = page_size(first);
        let mut rows = projections::mobilities::of_institution(
            &state(ctx).services.pool,
            institution_id,
            before,
            limit + 1,
        )
        .await
        .map_err(|e| internal(ctx, e))?;
        let has_next_page = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let end_cursor = rows.last().map(|r| encode(&r.created_position.to_string()));
        let now = state(ctx).services.clock.now();
        Ok(MobilityConnection {
            nodes: rows
                .into_iter()
                .map(|r| Mobility::from_row(r, now))
                .collect(),
            page_info: PageInfo {
                has_next_page,
                end_cursor,
            },
            total_count: None,
        })
    }

    /// R-APPROVE: the NEC's queue of requests waiting for a decision, oldest first, with their
    /// age; `overdueOnly` keeps those waiting 48 hours or more.
    async fn nec_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        overdue_only: Option<bool>,
        issuer: Option<String>,
    ) -> ApiResult<MobilityConnection> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::DecideMobility).map_err(|e| fail(ctx, e))?;
        let now = state(ctx).services.clock.now();
        let after = match after {
            None => None,
            Some(c) => {
                let raw = decode(&c).ok_or_else(|| bad_cursor(ctx))?;
                let (at, id) = raw.split_once('|').ok_or_else(|| bad_cursor(ctx))?;
                Some((
                    DateTime::parse_from_rfc3339(at)
                        .map_err(|_| bad_cursor(ctx))?
                        .with_timezone(&Utc),
                    Uuid::parse_str(id).map_err(|_| bad_cursor(ctx))?,
                ))
            }
        };
        let overdue_before = overdue_only.unwrap_or(false).then(|| now - DECISION_TARGET);
        let limit = page_size(first);
        let (mut rows, total) = projections::mobilities::queue(
            &state(ctx).services.pool,
            after,
            overdue_before,
            issuer.as_deref(),
            limit + 1,
        )
        .await
        .map_err(|e| internal(ctx, e))?;
        let has_next_page = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let end_cursor = rows.last().and_then(|r| {
            r.pending_since
                .map(|at| encode(&format!("{}|{}", at.to_rfc3339(), r.id)))
        });
        Ok(MobilityConnection {
            nodes: rows
                .into_iter()
                .map(|r| Mobility::from_row(r, now))
                .collect(),
            page_info: PageInfo {
                has_next_page,
                end_cursor,
            },
            total_count: Some(total),
        })
    }
}

/// R-REQ: a request for Europass Mobility documents for a group.
#[derive(InputObject)]
pub struct MobilityRequestInput {
    /// Must be true: the institution accepts the conditions.
    pub accept_conditions: bool,
    pub participants: i32,
    pub folders_by_post: bool,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// An issuer code from `referenceData.issuers`, e.g. `NEC-LV` or `TRY-OUT`.
    pub issuer: String,
    /// `A`, `B` or `C`.
    pub procedure: String,
    /// A and C: a programme code from `referenceData`.
    pub programme: Option<String>,
    /// A and C: the project number (or the programme's document number).
    pub project_number: Option<String>,
    /// B: a short description of the project (keywords).
    pub description: Option<String>,
    /// B: must be true.
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
            start: self.start_date,
            end: self.end_date,
            issuer: self.issuer,
            procedure,
        })
    }
}

#[derive(Default)]
pub struct MobilityMutation;

#[Object]
impl MobilityMutation {
    /// R-REQ. Europass Try Out requests are approved at once.
    async fn request_mobility(
        &self,
        ctx: &Context<'_>,
        input: MobilityRequestInput,
    ) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::RequestMobility)?;
            let data = input.into_request()?;
            mobilities::request_mobility(c.services, &c.command, c.principal, data).await
        })
        .await?;
        load_mobility(ctx, id).await
    }

    /// More documents for an approved mobility (participants added during a project).
    async fn request_more_documents(
        &self,
        ctx: &Context<'_>,
        mobility_id: ID,
        additional: i32,
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

    /// NEC: approves what is pending; creates one document per participant, each with its own
    /// Europass number, and e-mails the institution.
    async fn approve_mobility(&self, ctx: &Context<'_>, mobility_id: ID) -> ApiResult<Mobility> {
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::DecideMobility)?;
            let id = c.id("mobilityId", &mobility_id)?;
            mobilities::approve(c.services, &c.command, id).await?;
            Ok(id)
        })
        .await?;
        load_mobility(ctx, id).await
    }

    /// NEC: rejects what is pending, with a reason e-mailed to the institution.
    async fn reject_mobility(
        &self,
        ctx: &Context<'_>,
        mobility_id: ID,
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
