use super::errors::ApiResult;
use super::query::{fail, load_institution, parse_uuid, principal, request, state};
use super::types::*;
use crate::policy::{self, Operation};
use async_graphql::{Context, Object, ID};
use commands::institutions::BaseDataChange;
use commands::{auth, institutions, registration};

/// Read your writes: a query sent after a mutation's answer sees its effect. It waits for the
/// transactions this request (and before it, its session) wrote, not for unrelated younger
/// ones, and only in the projections that read the aggregate types written.
pub(super) async fn settle(ctx: &Context<'_>) {
    let request = request(ctx);
    let session = request
        .known_principal()
        .map(|p| p.written.clone())
        .unwrap_or_default();
    let types = request.written.aggregate_types();
    crate::request::settle(
        &state(ctx).projector,
        &session,
        request.written.tx(),
        &types,
    )
    .await;
}

/// Who runs a mutation, and what its commands need.
pub(super) struct Caller<'a> {
    pub services: &'a commands::Services,
    pub principal: &'a commands::auth::Principal,
    /// The context the caller's commands run in.
    pub command: commands::CommandContext,
}

impl Caller<'_> {
    /// An id argument; one that does not parse is refused with its field named.
    pub fn id(&self, field: &str, id: &ID) -> Result<uuid::Uuid, commands::CommandError> {
        Ok(parse_uuid(field, id.as_str())?)
    }

    /// The register's rule for `operation` (`domain::authorization`).
    pub fn authorize(&self, operation: Operation) -> Result<(), commands::CommandError> {
        policy::authorize(self.principal, operation).map_err(Into::into)
    }
}

/// The skeleton of a mutation: the caller (once the projections show what its session wrote),
/// the command (its ids parsed and its rule checked inside, so that every refusal is answered
/// alike), then read your writes, so that whatever the answer reloads shows the command.
pub(super) async fn mutate<T>(
    ctx: &Context<'_>,
    command: impl AsyncFnOnce(Caller<'_>) -> Result<T, commands::CommandError>,
) -> ApiResult<T> {
    let principal = principal(ctx).await?;
    let caller = Caller {
        services: &state(ctx).services,
        principal,
        command: request(ctx).as_principal(principal),
    };
    let answer = command(caller).await.map_err(|e| fail(ctx, e))?;
    settle(ctx).await;
    Ok(answer)
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// R-REG: registers an institution and e-mails a confirmation link valid for 48 hours.
    /// The answer is alike for an e-mail that already has an account (its owner is told by
    /// e-mail instead). No login needed.
    async fn register_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution's official name, at most 200 characters.")] name: String,
        #[graphql(desc = "The e-mail of the institution's primary user (its login).")]
        email: String,
    ) -> ApiResult<RegistrationStarted> {
        let started = registration::register_institution(
            &state(ctx).services,
            &request(ctx).anonymous(),
            &name,
            &email,
        )
        .await
        .map_err(|e| fail(ctx, e))?;
        settle(ctx).await;
        Ok(RegistrationStarted {
            institution_id: ID(started.institution_id.to_string()),
            email: started.email.to_string(),
            link_expires_at: started.link_expires_at,
        })
    }

    /// Sends a new confirmation link to a registration waiting for confirmation; earlier links
    /// stop working. The answer is the same for every e-mail (an account's owner is told by
    /// e-mail instead), and its `institutionId` is empty: nobody learns an institution from an
    /// e-mail address.
    async fn resend_registration_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The e-mail the institution registered with.")] email: String,
    ) -> ApiResult<RegistrationStarted> {
        let services = &state(ctx).services;
        let expires_at =
            registration::resend_registration_link(services, &request(ctx).anonymous(), &email)
                .await
                .map_err(|e| fail(ctx, e))?;
        let parsed = domain::values::Email::parse(&email).map_err(|e| fail(ctx, e))?;
        settle(ctx).await;
        Ok(RegistrationStarted {
            institution_id: ID(String::new()),
            email: parsed.to_string(),
            link_expires_at: expires_at,
        })
    }

    /// Opens the e-mailed link: creates the primary user's password and returns it once.
    async fn confirm_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the confirmation link.")] token: String,
    ) -> ApiResult<ConfirmedRegistration> {
        let confirmed = registration::confirm_registration(
            &state(ctx).services,
            &request(ctx).anonymous(),
            &token,
        )
        .await
        .map_err(|e| fail(ctx, e))?;
        settle(ctx).await;
        Ok(ConfirmedRegistration {
            institution_id: ID(confirmed.institution_id.to_string()),
            email: confirmed.email.to_string(),
            password: confirmed.password,
        })
    }

    /// Starts a session that ends after 20 minutes without activity. Wrong credentials are
    /// UNAUTHENTICATED; too many attempts are THROTTLED (`retryAfterSeconds`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's login e-mail.")] email: String,
        #[graphql(desc = "The account's password.")] password: String,
    ) -> ApiResult<LoginResult> {
        let client = request(ctx).client;
        let logged_in = auth::login(&state(ctx).services, &email, &password, client)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(LoginResult {
            token: logged_in.token,
            expires_at: logged_in.expires_at,
            must_change_password: logged_in.must_change_password,
        })
    }

    /// Ends the caller's session. Answers true.
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        principal(ctx).await?;
        let token = request(ctx).token.as_deref().unwrap_or_default();
        auth::logout(&state(ctx).services, token)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(true)
    }

    /// Changes the caller's password; a weak one (fewer than 5 different characters, the
    /// e-mail, a common password) is refused. Answers true.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The password in use now.")] current_password: String,
        #[graphql(desc = "The new password.")] new_password: String,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            auth::change_password(
                c.services,
                &c.command,
                c.principal,
                &current_password,
                &new_password,
            )
            .await
        })
        .await?;
        Ok(true)
    }

    /// E-mails a password-reset link if the e-mail has an account; answers true either way.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's login e-mail.")] email: String,
    ) -> ApiResult<bool> {
        auth::request_password_reset(&state(ctx).services, &request(ctx).anonymous(), &email)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(true)
    }

    /// Sets a new password with an e-mailed reset token; all sessions of the account end.
    /// Answers true.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the reset link.")] token: String,
        #[graphql(desc = "The new password.")] new_password: String,
    ) -> ApiResult<bool> {
        auth::reset_password(
            &state(ctx).services,
            &request(ctx).anonymous(),
            &token,
            &new_password,
        )
        .await
        .map_err(|e| fail(ctx, e))?;
        settle(ctx).await;
        Ok(true)
    }

    /// R-BASE: changes the caller's institution's base data (institution users); answers the
    /// institution as changed.
    async fn update_base_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The fields to change.")] input: BaseDataInput,
    ) -> ApiResult<Institution> {
        let change = BaseDataChange {
            name: input.name,
            address: input.address,
            country: input.country,
            contact_person: input.contact_person,
            phone: input.phone,
            email: input.email,
            website: input.website,
            organisation_type: input.organisation_type,
            contact_position: input.contact_position,
        };
        let id = mutate(ctx, async |c| {
            c.authorize(Operation::EditOwnInstitution)?;
            institutions::change_base_data(c.services, &c.command, c.principal, change).await
        })
        .await?;
        load_institution(ctx, id).await
    }

    /// R-USERS: adds a user (at most 3 besides the primary one) who receives their own
    /// password by e-mail. Institution users.
    async fn add_institution_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's name, at most 120 characters.")] name: String,
        #[graphql(desc = "The user's login e-mail.")] email: String,
    ) -> ApiResult<InstitutionUser> {
        let added = mutate(ctx, async |c| {
            c.authorize(Operation::ManageOwnUsers)?;
            institutions::add_user(c.services, &c.command, c.principal, &name, &email).await
        })
        .await?;
        let services = &state(ctx).services;
        let row = projections::accounts::find(&services.pool, added.account_id)
            .await
            .map_err(|e| fail(ctx, commands::CommandError::failure(e)))?
            .ok_or_else(|| {
                fail(
                    ctx,
                    commands::CommandError::failure(anyhow::anyhow!("added user not projected")),
                )
            })?;
        Ok(InstitutionUser::from(row))
    }

    /// Removes an additional user of the caller's institution; their sessions end at once.
    /// Answers true.
    async fn remove_institution_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's account id (`Institution.users.accountId`).")] account_id: ID,
    ) -> ApiResult<bool> {
        mutate(ctx, async |c| {
            c.authorize(Operation::ManageOwnUsers)?;
            let account_id = c.id("accountId", &account_id)?;
            institutions::remove_user(c.services, &c.command, c.principal, account_id).await
        })
        .await?;
        Ok(true)
    }
}
