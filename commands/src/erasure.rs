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
use crate::error::CommandError;
use crate::pii::{self, SubjectKey};
use crate::store::CommandContext;
use crate::Services;
use cqrs_es::persist::SerializedEvent;
use cqrs_es::{Aggregate, EventEnvelope};
use domain::account::{account_id_for, Account, AccountCommand, AccountEvent, AccountRole};
use domain::document::{Document, DocumentCommand};
use domain::metadata::EventMetadata;
use domain::Refusal;
use rand::rngs::OsRng;
use rand::RngCore;
use std::collections::HashMap;
use uuid::Uuid;

/// A concurrent write to the document or the account: decided again this many times.
const ATTEMPTS: usize = 4;

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
    let mut attempt = 0;
    loop {
        match erase_once(services, ctx, document_id, reason).await {
            Err(CommandError::Conflict) if attempt + 1 < ATTEMPTS => attempt += 1,
            other => return other,
        }
    }
}

/// An aggregate's state folded from its whole history, and the sequence it stands at.
async fn folded<A>(
    store: &crate::store::AggregateStore<A>,
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

/// Appends events of one aggregate inside the transaction, sealing personal values with `key`.
/// A concurrent append took the sequence: a conflict, the whole transaction rolls back.
async fn append_in<A: Aggregate>(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    from_sequence: usize,
    events: Vec<A::Event>,
    metadata: &HashMap<String, String>,
    key: Option<&SubjectKey>,
) -> Result<(), CommandError> {
    let subject = pii::subject_of(A::TYPE, &id.to_string());
    for (n, event) in events.into_iter().enumerate() {
        let envelope = EventEnvelope::<A> {
            aggregate_id: id.to_string(),
            sequence: from_sequence + n + 1,
            payload: event,
            metadata: metadata.clone(),
        };
        let mut serialized = SerializedEvent::try_from(&envelope)
            .map_err(|e| CommandError::failure(anyhow::anyhow!(e).context("serializing")))?;
        if pii::has_personal_data(&serialized.payload) {
            let key = key.ok_or_else(|| {
                CommandError::failure(anyhow::anyhow!("no key to seal {subject} with"))
            })?;
            pii::encrypt(key, &subject, &mut serialized.payload).map_err(CommandError::Failure)?;
        }
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                 event_version, payload, metadata)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&serialized.aggregate_type)
        .bind(&serialized.aggregate_id)
        .bind(serialized.sequence as i64)
        .bind(&serialized.event_type)
        .bind(&serialized.event_version)
        .bind(&serialized.payload)
        .bind(&serialized.metadata)
        .execute(&mut *tx)
        .await
        .map_err(conflict_or)?;
    }
    Ok(())
}

fn conflict_or(err: sqlx::Error) -> CommandError {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            CommandError::Conflict
        }
        _ => CommandError::from(err),
    }
}

/// Replaces a subject's key by a fresh one (the old one's values read as erased from now on).
async fn replace_key(
    tx: &mut sqlx::PgConnection,
    subject: &str,
) -> Result<SubjectKey, CommandError> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    let key_id: Uuid = sqlx::query_scalar(
        "INSERT INTO subject_keys (subject, key) VALUES ($1, $2) RETURNING key_id",
    )
    .bind(subject)
    .bind(bytes.as_slice())
    .fetch_one(&mut *tx)
    .await?;
    SubjectKey::from_row(key_id, &bytes).map_err(CommandError::Failure)
}

async fn drop_snapshots(
    tx: &mut sqlx::PgConnection,
    aggregate_type: &str,
    id: Uuid,
) -> Result<(), CommandError> {
    sqlx::query("DELETE FROM aggregate_snapshots WHERE aggregate_type = $1 AND aggregate_id = $2")
        .bind(aggregate_type)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
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
    let events = crate::store::decide(
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
    let events = crate::store::decide(
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
    let document_subject = pii::subject_of(Document::TYPE, &document_id.to_string());
    let key = replace_key(&mut tx, &document_subject).await?;
    append_in::<Document>(
        &mut tx,
        document_id,
        sequence,
        events,
        &metadata,
        Some(&key),
    )
    .await?;
    drop_snapshots(&mut tx, Document::TYPE, document_id).await?;
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
    let written_tx: i64 = sqlx::query_scalar("SELECT pg_current_xact_id()::text::bigint")
        .fetch_one(&mut *tx)
        .await?;
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
/// erased with its key, its plain copy goes, its sessions end.
async fn close_account(tx: &mut sqlx::PgConnection, account_id: Uuid) -> Result<(), CommandError> {
    sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
        .bind(pii::subject_of(Account::TYPE, &account_id.to_string()))
        .execute(&mut *tx)
        .await?;
    drop_snapshots(tx, Account::TYPE, account_id).await?;
    // The accounts table keeps no plain copy of an erased participant.
    sqlx::query(
        "UPDATE accounts SET email = NULL, name = NULL WHERE id = $1 AND role = 'participant'",
    )
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
