//! R-REQ, R-APPROVE, R-TRYOUT: requesting mobilities, the NEC's decisions, Europass numbers.

use crate::auth::Principal;
use crate::mailer::Mail;
use crate::Services;
use chrono::{Datelike, NaiveDate};
use domain::institution::Institution;
use domain::mobility::series::{allocated_numbers, series_id, SeriesCommand, SeriesEvent};
use domain::mobility::{
    Allocation, IssuedDocument, Mobility, MobilityCommand, MobilityStatus, ProcedureRequest,
};
use domain::reference::Issuer;
use domain::values::{EuropassNumber, ParticipantCount};
use domain::Refusal;
use eventstore::error::CommandError;
use eventstore::store::CommandContext;
use uuid::Uuid;

/// A request as the institution's portal sends it.
#[derive(Clone, Debug)]
pub struct MobilityRequest {
    pub accept_conditions: bool,
    pub participants: i64,
    pub folders_by_post: bool,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub issuer: String,
    pub procedure: ProcedureRequest,
}

fn participant_count(raw: i64, field: &str) -> Result<ParticipantCount, CommandError> {
    let n = u32::try_from(raw).unwrap_or(0);
    Ok(ParticipantCount::parse(n).map_err(|e| e.in_field(field))?)
}

fn own_institution(principal: &Principal) -> Result<Uuid, CommandError> {
    principal.institution_id().ok_or_else(|| {
        Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only users of an institution can do this",
        )
        .into()
    })
}

fn not_found() -> CommandError {
    Refusal::not_found("MOBILITY_NOT_FOUND", "mobility not found").into()
}

/// Loads a mobility the institution owns; another institution's mobility is "not found".
async fn own_mobility(
    services: &Services,
    principal: &Principal,
    mobility_id: Uuid,
) -> Result<Mobility, CommandError> {
    own_institution(principal)?;
    let mobility = services.store.mobilities.load(mobility_id).await?;
    let owner = mobility.institution_id().ok_or_else(not_found)?;
    domain::authorization::register_rule(
        crate::documents::caller(principal),
        domain::authorization::Operation::ChangeMobility { owner },
    )?;
    Ok(mobility)
}

/// Try Out numbers come from a database sequence: a sandbox series that never touches the
/// audited NEC series, and leaves nothing behind in the event store when purged.
async fn try_out_allocation(services: &Services, count: u32) -> Result<Allocation, CommandError> {
    let year = services.clock.now().year();
    let sequences: Vec<i64> =
        sqlx::query_scalar("SELECT nextval('tryout_number_seq') FROM generate_series(1, $1)")
            .bind(i64::from(count))
            .fetch_all(&services.pool)
            .await?;
    let europass_numbers = sequences
        .into_iter()
        .map(|seq| {
            let seq = u32::try_from(seq % i64::from(EuropassNumber::MAX_SEQUENCE)).unwrap_or(0) + 1;
            EuropassNumber::new(EuropassNumber::TRY_OUT_PREFIX, year, seq)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Allocation {
        document_ids: (0..count).map(|_| Uuid::new_v4()).collect(),
        europass_numbers,
    })
}

/// Hands out `count` consecutive numbers of the issuer's series for this year.
#[tracing::instrument(name = "allocate_numbers", skip(services))]
async fn allocate_numbers(
    services: &Services,
    ctx: &CommandContext,
    prefix: &str,
    count: u32,
    mobility_id: Uuid,
) -> Result<Vec<EuropassNumber>, CommandError> {
    let _guard = services.allocation_lock.lock().await;
    let year = services.clock.now().year();
    let id = series_id(prefix, year);
    for _ in 0..20 {
        let first = services.store.series.load(id).await?.next_sequence();
        let result = services
            .store
            .series
            .execute_once(
                id,
                SeriesCommand::Allocate {
                    prefix: prefix.to_string(),
                    year,
                    expected_first: first,
                    count,
                    mobility_id,
                },
                ctx,
                services.clock.now(),
            )
            .await;
        match result {
            Ok(()) => {
                return Ok(allocated_numbers(&SeriesEvent::NumbersAllocated {
                    prefix: prefix.to_string(),
                    year,
                    first,
                    count,
                    mobility_id,
                })?)
            }
            Err(CommandError::Conflict) => continue,
            Err(CommandError::Refused(r)) if r.reason == "SERIES_MOVED" => continue,
            Err(other) => return Err(other),
        }
    }
    Err(CommandError::Conflict)
}

#[tracing::instrument(name = "request_mobility", skip_all)]
pub async fn request_mobility(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    request: MobilityRequest,
) -> Result<Uuid, CommandError> {
    let institution_id = own_institution(principal)?;
    let issuer = Issuer::parse(&request.issuer)?;
    let participants = participant_count(request.participants, "participants")?;
    let try_out_allocation = if issuer.is_try_out() {
        Some(try_out_allocation(services, participants.get()).await?)
    } else {
        None
    };
    let mobility_id = Uuid::new_v4();
    services
        .store
        .mobilities
        .execute(
            mobility_id,
            MobilityCommand::Request {
                institution_id,
                accept_conditions: request.accept_conditions,
                participants: participants.get(),
                folders_by_post: request.folders_by_post,
                start: request.start,
                end: request.end,
                issuer,
                procedure: request.procedure,
                today: services.clock.now().date_naive(),
                try_out_allocation,
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    crate::documents::create_documents(services, ctx, mobility_id).await?;
    Ok(mobility_id)
}

#[tracing::instrument(name = "request_more_documents", skip_all)]
pub async fn request_more_documents(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    mobility_id: Uuid,
    additional: i64,
) -> Result<(), CommandError> {
    let mobility = own_mobility(services, principal, mobility_id).await?;
    let additional = participant_count(additional, "additional")?;
    let try_out_allocation = if mobility.is_try_out() {
        Some(try_out_allocation(services, additional.get()).await?)
    } else {
        None
    };
    services
        .store
        .mobilities
        .execute(
            mobility_id,
            MobilityCommand::RequestMoreDocuments {
                additional: additional.get(),
                try_out_allocation,
            },
            ctx,
            services.clock.now(),
        )
        .await?;
    crate::documents::create_documents(services, ctx, mobility_id).await?;
    Ok(())
}

/// The NEC approves what is pending: the request itself or documents asked for later. One
/// number of the issuer's series and one blank document per participant.
#[tracing::instrument(name = "approve_mobility", skip_all, fields(mobility = %mobility_id))]
pub async fn approve(
    services: &Services,
    ctx: &CommandContext,
    mobility_id: Uuid,
) -> Result<Vec<IssuedDocument>, CommandError> {
    let mobility = services.store.mobilities.load(mobility_id).await?;
    let (Some(issuer), Some(institution_id)) =
        (mobility.issuer().cloned(), mobility.institution_id())
    else {
        return Err(not_found());
    };
    let count = mobility.pending_documents();
    if count == 0 {
        return Err(
            Refusal::rejected("ALREADY_DECIDED", "nothing is waiting for a decision").into(),
        );
    }
    let numbers =
        allocate_numbers(services, ctx, issuer.series_prefix(), count, mobility_id).await?;
    let document_ids: Vec<Uuid> = (0..count).map(|_| Uuid::new_v4()).collect();
    let command = match mobility.status() {
        MobilityStatus::Pending => MobilityCommand::Approve {
            europass_numbers: numbers.clone(),
            document_ids: document_ids.clone(),
        },
        _ => MobilityCommand::ApproveMoreDocuments {
            europass_numbers: numbers.clone(),
            document_ids: document_ids.clone(),
        },
    };
    services
        .store
        .mobilities
        .execute_once(mobility_id, command, ctx, services.clock.now())
        .await?;
    crate::documents::create_documents(services, ctx, mobility_id).await?;
    let documents: Vec<IssuedDocument> = document_ids
        .into_iter()
        .zip(numbers)
        .map(|(document_id, europass_number)| IssuedDocument {
            document_id,
            europass_number,
        })
        .collect();
    let first = documents
        .first()
        .map(|d| d.europass_number.to_string())
        .unwrap_or_default();
    let last = documents
        .last()
        .map(|d| d.europass_number.to_string())
        .unwrap_or_default();
    notify_institution(
        services,
        institution_id,
        "Europass Mobility: request approved / pieprasījums apstiprināts",
        format!(
            "Your request for {count} Europass Mobility document(s) was approved.\n\
             Europass numbers: {first} … {last}\n\
             The documents: {url}/mobilities/{mobility_id}\n\n\
             Jūsu pieprasījums ({count} dokumenti) ir apstiprināts. Europass numuri: {first} … {last}\n\
             Dokumenti: {url}/mobilities/{mobility_id}\n",
            url = services.public_url,
        ),
    )
    .await?;
    Ok(documents)
}

#[tracing::instrument(name = "reject_mobility", skip_all, fields(mobility = %mobility_id))]
pub async fn reject(
    services: &Services,
    ctx: &CommandContext,
    mobility_id: Uuid,
    reason: &str,
) -> Result<(), CommandError> {
    let mobility = services.store.mobilities.load(mobility_id).await?;
    let Some(institution_id) = mobility.institution_id() else {
        return Err(not_found());
    };
    let command = match mobility.status() {
        MobilityStatus::Approved => MobilityCommand::RejectMoreDocuments {
            reason: reason.to_string(),
        },
        _ => MobilityCommand::Reject {
            reason: reason.to_string(),
        },
    };
    services
        .store
        .mobilities
        .execute(mobility_id, command, ctx, services.clock.now())
        .await?;
    notify_institution(
        services,
        institution_id,
        "Europass Mobility: request rejected / pieprasījums noraidīts",
        format!(
            "The National Europass Centre rejected your request.\nReason: {}\n\
             The request: {url}/mobilities/{mobility_id}\n\n\
             Nacionālais Europass centrs noraidīja jūsu pieprasījumu.\nIemesls: {}\n",
            reason.trim(),
            reason.trim(),
            url = services.public_url,
        ),
    )
    .await
}

/// Decisions are e-mailed to the institution's base-data address.
async fn notify_institution(
    services: &Services,
    institution_id: Uuid,
    subject: &str,
    body: String,
) -> Result<(), CommandError> {
    let institution: Institution = services.store.institutions.load(institution_id).await?;
    let Some(email) = institution
        .base_data()
        .and_then(|b| b.email.known().cloned())
    else {
        return Ok(());
    };
    services
        .mailer
        .send(Mail {
            to: email.to_string(),
            subject: subject.to_string(),
            body,
        })
        .await
        .map_err(CommandError::MailFailed)
}
