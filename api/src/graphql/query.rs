use super::errors::{ApiError, ApiResult};
use super::types::*;
use super::AppState;
use crate::policy::{self, Operation};
use crate::request::RequestContext;
use async_graphql::{ComplexObject, Context, Object, ID};
use commands::auth::Principal;
use domain::account::AccountRole;
use domain::Refusal;
use uuid::Uuid;

pub(super) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub(super) fn request<'a>(ctx: &Context<'a>) -> &'a RequestContext {
    ctx.data_unchecked::<RequestContext>()
}

/// Maps any error once, with this request's correlation id.
pub(super) fn fail(ctx: &Context<'_>, err: impl Into<ApiError>) -> async_graphql::Error {
    err.into().into_graphql(request(ctx).correlation_id)
}

/// The caller, once the projections show what its session wrote (see
/// [`RequestContext::reader`](crate::request::RequestContext::reader)).
pub(super) async fn principal<'a>(ctx: &Context<'a>) -> ApiResult<&'a Principal> {
    request(ctx)
        .reader(&state(ctx).services, &state(ctx).projector)
        .await
        .map_err(|e| fail(ctx, ApiError(e)))
}

/// An id argument; one that does not parse is refused with its field named.
pub(super) fn parse_uuid(field: &str, id: &str) -> Result<Uuid, Refusal> {
    Uuid::parse_str(id)
        .map_err(|_| Refusal::validation(field, "INVALID_ID", format!("{field} is not a valid id")))
}

pub(super) fn parse_id(ctx: &Context<'_>, field: &str, id: &ID) -> ApiResult<Uuid> {
    parse_uuid(field, id.as_str()).map_err(|e| fail(ctx, e))
}

pub(super) async fn load_institution(ctx: &Context<'_>, id: Uuid) -> ApiResult<Institution> {
    projections::institutions::find(&state(ctx).services.pool, id)
        .await
        .map_err(|e| fail(ctx, commands::CommandError::failure(e)))?
        .map(Institution::from)
        .ok_or_else(|| {
            fail(
                ctx,
                Refusal::not_found("INSTITUTION_NOT_FOUND", "institution not found"),
            )
        })
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in account and, for institution users, its institution.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let principal = principal(ctx).await?;
        let row = projections::accounts::find(&state(ctx).services.pool, principal.account_id)
            .await
            .map_err(|e| fail(ctx, commands::CommandError::failure(e)))?;
        let (role, is_primary, institution) = match principal.role {
            AccountRole::InstitutionUser {
                institution_id,
                primary,
            } => (
                Role::InstitutionUser,
                primary,
                Some(load_institution(ctx, institution_id).await?),
            ),
            AccountRole::Nec => (Role::Nec, false, None),
            AccountRole::Host => (Role::Host, false, None),
            AccountRole::Participant => (Role::Participant, false, None),
        };
        Ok(Me {
            account_id: ID(principal.account_id.to_string()),
            email: row.as_ref().and_then(|r| r.email.clone()),
            name: row.and_then(|r| r.name),
            role,
            is_primary_user: is_primary,
            must_change_password: principal.must_change_password,
            institution,
        })
    }

    /// The remaining time of the caller's session. A request that asks only for this (and
    /// `__typename`) does not extend the session, so a portal can count down honestly; a
    /// request with any other field extends it, and this shows the extended time.
    async fn session(&self, ctx: &Context<'_>) -> ApiResult<Session> {
        let principal = principal(ctx).await?;
        let now = state(ctx).services.clock.now();
        Ok(Session {
            expires_at: principal.session_expires_at,
            seconds_left: (principal.session_expires_at - now).num_seconds().max(0),
        })
    }

    /// What a portal's home page offers next (R-BASE), for institution users.
    async fn next_steps(&self, ctx: &Context<'_>) -> ApiResult<Vec<NextStep>> {
        let principal = principal(ctx).await?;
        policy::authorize(principal, Operation::EditOwnInstitution).map_err(|e| fail(ctx, e))?;
        let id = principal.institution_id().unwrap_or_default();
        let institution = load_institution(ctx, id).await?;
        let base_complete = institution.missing_base_data.is_empty();
        let blocked = (!base_complete).then(|| "COMPLETE_BASE_DATA".to_string());
        Ok(vec![
            NextStep {
                kind: NextStepKind::CompleteBaseData,
                label_en: "Complete the base data of your institution".into(),
                label_lv: "Aizpildiet iestādes pamatdatus".into(),
                available: !base_complete,
                blocked_by: None,
            },
            NextStep {
                kind: NextStepKind::RequestMobility,
                label_en: "Request Europass Mobility".into(),
                label_lv: "Pieprasīt Europass mobilitāti".into(),
                available: base_complete,
                blocked_by: blocked.clone(),
            },
            NextStep {
                kind: NextStepKind::EditDocuments,
                label_en: "Edit existing documents".into(),
                label_lv: "Labot esošos dokumentus".into(),
                available: base_complete,
                blocked_by: blocked.clone(),
            },
            NextStep {
                kind: NextStepKind::UploadSignature,
                label_en: "Upload or insert a signature or stamp".into(),
                label_lv: "Augšupielādēt vai ievietot parakstu vai zīmogu".into(),
                available: base_complete,
                blocked_by: blocked,
            },
        ])
    }

    /// An institution by id (NEC staff; an institution user only its own), or the caller's
    /// own when no id is given. Null (with a NOT_FOUND error) when it does not exist or is not
    /// the caller's to see.
    async fn institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The institution's id; omitted: the caller's own (required for NEC \
                          staff)."
        )]
        id: Option<ID>,
    ) -> ApiResult<Option<Institution>> {
        let principal = principal(ctx).await?;
        let id = match id {
            Some(id) => parse_id(ctx, "id", &id)?,
            None => principal.institution_id().ok_or_else(|| {
                fail(
                    ctx,
                    Refusal::validation("id", "REQUIRED", "id is required for NEC staff"),
                )
            })?,
        };
        policy::authorize(principal, Operation::ReadInstitution { institution: id })
            .map_err(|e| fail(ctx, e))?;
        load_institution(ctx, id).await.map(Some)
    }
}

#[ComplexObject]
impl Institution {
    /// Additional users (at most 3), oldest first; the primary user is not listed.
    async fn users(&self, ctx: &Context<'_>) -> ApiResult<Vec<InstitutionUser>> {
        let id = parse_id(ctx, "id", &self.id)?;
        let rows = projections::accounts::additional_users(&state(ctx).services.pool, id)
            .await
            .map_err(|e| fail(ctx, commands::CommandError::failure(e)))?;
        Ok(rows.into_iter().map(InstitutionUser::from).collect())
    }
}
