//! R-ERASE: erasing a participant's personal data, in one transaction.
//!
//! Everything happens or nothing does: the erasure event, the document's key replaced by a new
//! one (every personal value sealed before reads as erased from then on, in replays too), the
//! host's contact written again under the new key (it is not the participant's to erase), the
//! document's snapshots (sealed with the old key), every file the document holds unless
//! another holder still uses the same bytes, and the participant's grant on their account,
//! which is closed and its key deleted only when that grant was its last. A crash anywhere
//! leaves the document as it was, so a retry does all of it; a retry after success finds the
//! participant erased and writes nothing (the first answer stands).
//!
//! Accounts of any other kind, and participant accounts with grants on other documents, are
//! never touched.

use crate::auth::Principal;
use crate::blobs::{self, Holder};
use crate::documents::{load_authorized, DocumentOperation};
use crate::Services;
use cqrs_es::Aggregate;
use domain::account::{account_id_for, Account, AccountCommand, AccountEvent, AccountRole};
use domain::document::{Document, DocumentCommand};
use domain::metadata::EventMetadata;
use domain::Refusal;
use eventstore::erasure::{append_in, drop_snapshots, forget, replace_key, transaction_id};
use eventstore::error::CommandError;
use eventstore::retry;
use eventstore::store::CommandContext;
use uuid::Uuid;

#[tracing::instrument(name = "erase_participant_data", skip_all, fields(document = %document_id))]
pub async fn erase_participant_data(
    services: &Services,
    ctx: &CommandContext,
    principal: &Principal,
    document_id: Uuid,
    reason: &str,
) -> Result<(), CommandError> {
    load_authorized(
        services,
        principal,
        document_id,
        DocumentOperation::EraseParticipantData,
    )
    .await?;
    // A concurrent write to the document or the account: decided again (the one rule).
    retry::on_conflict(|| erase_once(services, ctx, document_id, reason)).await?;
    // Credentials built before carry the holder's data (other replicas never serve theirs:
    // every export checks the erasure first, and they go as the map fills).
    services.credentials.forget(document_id);
    Ok(())
}

/// An aggregate's state folded from its whole history, and the sequence it stands at.
async fn folded<A>(
    store: &eventstore::store::AggregateStore<A>,
    id: Uuid,
) -> Result<(A, usize), CommandError>
where
    A: Aggregate<Error = Refusal, Services = ()> + Clone,
    A::Command: Clone,
{
    let mut state = A::default();
    let mut sequence = 0;
    for envelope in store.history(id).await? {
        sequence = envelope.sequence;
        state.apply(envelope.payload);
    }
    Ok((state, sequence))
}

/// The participant's account, if it is a participant account: its id, state, sequence and
/// what revoking this document's grant decides.
async fn participant_account(
    services: &Services,
    document: &Document,
    document_id: Uuid,
    reason: &str,
) -> Result<Option<(Uuid, usize, Vec<AccountEvent>)>, CommandError> {
    let Some(email) = document.participant_email() else {
        return Ok(None);
    };
    let account_id = account_id_for(email);
    let (account, sequence) = folded::<Account>(&services.store.accounts, account_id).await?;
    if account.role() != Some(&AccountRole::Participant) {
        return Ok(None);
    }
    let events = eventstore::store::decide(
        &mut account.clone(),
        AccountCommand::RevokeDocumentAccess {
            document_id,
            reason: reason.to_string(),
        },
    )
    .await?;
    Ok(Some((account_id, sequence, events)))
}

async fn erase_once(
    services: &Services,
    ctx: &CommandContext,
    document_id: Uuid,
    reason: &str,
) -> Result<(), CommandError> {
    let (document, sequence) = folded::<Document>(&services.store.documents, document_id).await?;
    let events = eventstore::store::decide(
        &mut document.clone(),
        DocumentCommand::EraseParticipantData {
            reason: reason.to_string(),
        },
    )
    .await?;
    if events.is_empty() {
        // Erased already, in one transaction with everything else: the first answer stands.
        return Ok(());
    }
    let account = participant_account(services, &document, document_id, reason).await?;
    let at = services.clock.now();
    let metadata = EventMetadata {
        actor: ctx.actor.clone(),
        correlation_id: ctx.correlation_id,
        at,
    }
    .to_map();

    let mut tx = services.pool.begin().await?;
    let key = replace_key::<Document>(&mut tx, document_id).await?;
    append_in::<Document>(
        &mut tx,
        document_id,
        sequence,
        events,
        &metadata,
        Some(&key),
    )
    .await?;
    drop_snapshots::<Document>(&mut tx, document_id).await?;
    blobs::release_all(&mut tx, Holder::Document(document_id)).await?;
    let mut account_written = false;
    if let Some((account_id, account_sequence, account_events)) = account {
        let closes = account_events
            .iter()
            .any(|e| matches!(e, AccountEvent::AccountClosed { .. }));
        account_written = !account_events.is_empty();
        append_in::<Account>(
            &mut tx,
            account_id,
            account_sequence,
            account_events,
            &metadata,
            None,
        )
        .await?;
        if closes {
            close_account(&mut tx, account_id).await?;
        }
    }
    let written_tx = transaction_id(&mut tx).await?;
    tx.commit().await?;

    ctx.written.note(written_tx, Document::TYPE);
    services.store.notifier.appended(Document::TYPE);
    if account_written {
        ctx.written.note(written_tx, Account::TYPE);
        services.store.notifier.appended(Account::TYPE);
    }
    Ok(())
}

/// A participant account whose last grant ended: its personal values (name, e-mail) are
/// erased with its key (the accounts projection drops its plain copy on `AccountClosed`), its
/// sessions end.
async fn close_account(tx: &mut sqlx::PgConnection, account_id: Uuid) -> Result<(), CommandError> {
    forget::<Account>(tx, account_id).await?;
    crate::auth::end_sessions_in(tx, account_id).await
}
