//! Each proof of the append statement on its own (`eventstore::store::append`): the cache
//! proof (the state a decision was made on is still current), the session proof (a caller
//! resolved from memory still has its session and its account is unchanged), and the same
//! proofs for a request that has no events to write. A failed proof writes nothing.

use chrono::Duration;
use commands::{CommandContext, CommandError, EventStore};
use domain::account::{Account, AccountCommand};
use domain::institution::{BaseData, Institution, InstitutionCommand, InstitutionEvent};
use domain::metadata::Actor;
use domain::values::{Email, InstitutionName, PersonName};
use europass_tests::{fresh_database, t0};
use eventstore::store::append::{append, AppendRequest, CacheProof, Pending};
use eventstore::store::{SessionGuard, SESSION_NOT_PROVEN};
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

fn base() -> BaseData {
    BaseData::at_registration(
        InstitutionName::parse("Skola").unwrap(),
        Email::parse("info@skola.lv").unwrap(),
    )
}

/// An institution with one event; its id and that event's global position.
async fn institution(store: &EventStore, pool: &PgPool) -> (Uuid, i64) {
    let id = Uuid::new_v4();
    store
        .institutions
        .execute(
            id,
            InstitutionCommand::Register {
                base: base(),
                primary_account: Uuid::new_v4(),
            },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap();
    (id, head(pool, "institution", id).await.unwrap())
}

/// An account with one event, and an open session of it: the guard a caller resolved from
/// memory carries.
async fn session(store: &EventStore, pool: &PgPool) -> (String, SessionGuard) {
    let account = Uuid::new_v4();
    store
        .accounts
        .execute(
            account,
            AccountCommand::OpenInstitutionUser {
                institution_id: Uuid::new_v4(),
                name: PersonName::parse("Anna Liepa").unwrap(),
                email: Email::parse(&format!("{account}@skola.lv")).unwrap(),
                password_hash: "hash".into(),
                password_expires_at: t0() + Duration::days(3),
            },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap();
    let token_hash = format!("token-{account}");
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(&token_hash)
    .bind(account)
    .bind(t0())
    .bind(t0() + Duration::minutes(20))
    .execute(pool)
    .await
    .unwrap();
    let guard = SessionGuard {
        account_id: account.to_string(),
        account_position: head(pool, <Account as cqrs_es::Aggregate>::TYPE, account)
            .await
            .unwrap(),
        now: t0() + Duration::minutes(1),
        idle: Duration::minutes(20),
    };
    (token_hash, guard)
}

async fn head(pool: &PgPool, aggregate_type: &str, id: Uuid) -> Option<i64> {
    sqlx::query_scalar(
        "SELECT max(global_position) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2",
    )
    .bind(aggregate_type)
    .bind(id.to_string())
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A new address for the institution, decided on its state after its first event.
fn change(id: Uuid, events: usize) -> Pending<Institution> {
    let mut base = base();
    base.address = Some(domain::values::Address::parse("Brīvības iela 1").unwrap());
    Pending {
        id: id.to_string(),
        from_sequence: 1,
        events: std::iter::repeat_n(
            InstitutionEvent::BaseDataChanged {
                base,
                changed_fields: None,
            },
            events,
        )
        .collect(),
        key: None,
    }
}

fn not_proven(err: &CommandError) -> bool {
    matches!(
        err,
        CommandError::Unauthenticated {
            reason: SESSION_NOT_PROVEN,
            ..
        }
    )
}

#[tokio::test]
async fn a_cache_proof_that_fails_writes_nothing_and_is_a_conflict() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let (id, position) = institution(&store, &pool).await;
    let metadata = HashMap::new();
    let ctx = CommandContext::new(Actor::operator());
    let before = count(&pool).await;

    // The event at sequence 1 is not the row the state was folded from (a history written
    // again, a purge): refused.
    let moved = CacheProof {
        sequence: 1,
        position: position + 1000,
        key_id: None,
    };
    let request =
        AppendRequest::new(vec![change(id, 1)], &metadata, &ctx).with_cache_proof(Some(moved));
    let err = append(&pool, request).await.err().expect("refused");
    assert!(matches!(err, CommandError::Conflict), "{err:?}");
    // The key it was opened with is gone (an erasure): refused.
    let erased = CacheProof {
        sequence: 1,
        position,
        key_id: Some(Uuid::new_v4().to_string()),
    };
    let request =
        AppendRequest::new(vec![change(id, 1)], &metadata, &ctx).with_cache_proof(Some(erased));
    let err = append(&pool, request).await.err().expect("refused");
    assert!(matches!(err, CommandError::Conflict), "{err:?}");
    assert_eq!(count(&pool).await, before, "a failed proof wrote an event");

    // The proof that holds lets the append through.
    let current = CacheProof {
        sequence: 1,
        position,
        key_id: None,
    };
    let request =
        AppendRequest::new(vec![change(id, 1)], &metadata, &ctx).with_cache_proof(Some(current));
    let appended = append(&pool, request).await.unwrap();
    assert!(appended.tx > 0);
    assert_eq!(count(&pool).await, before + 1);
}

#[tokio::test]
async fn a_cache_proof_with_nothing_to_write_still_proves_the_state_current() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let (id, position) = institution(&store, &pool).await;
    let metadata = HashMap::new();
    let ctx = CommandContext::new(Actor::operator());
    let proof = |position| CacheProof {
        sequence: 1,
        position,
        key_id: None,
    };

    let current = AppendRequest::new(vec![change(id, 0)], &metadata, &ctx)
        .with_cache_proof(Some(proof(position)));
    assert_eq!(
        append(&pool, current).await.unwrap().tx,
        0,
        "nothing written"
    );

    // A newer event than the one the state was decided on: no key conflict can tell, the
    // proof does.
    let newer = AppendRequest::new(vec![change(id, 1)], &metadata, &ctx);
    append(&pool, newer).await.unwrap();
    let stale = AppendRequest::new(vec![change(id, 0)], &metadata, &ctx)
        .with_cache_proof(Some(proof(position)));
    let err = append(&pool, stale).await.err().expect("refused");
    assert!(matches!(err, CommandError::Conflict), "{err:?}");
}

#[tokio::test]
async fn a_session_proof_that_fails_writes_nothing_with_or_without_events() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let (id, _) = institution(&store, &pool).await;
    let (token, guard) = session(&store, &pool).await;
    let metadata = HashMap::new();
    let before = count(&pool).await;

    // The account changed since the caller was resolved.
    let changed = SessionGuard {
        account_position: guard.account_position - 1,
        ..guard.clone()
    };
    // The session ended (past its expiry at the proof's `now`).
    let expired = SessionGuard {
        now: t0() + Duration::hours(1),
        ..guard.clone()
    };
    // Another account's session.
    let other = SessionGuard {
        account_id: Uuid::new_v4().to_string(),
        ..guard.clone()
    };
    for failing in [changed, expired, other] {
        for events in [1, 0] {
            let ctx = CommandContext::new(Actor::operator())
                .in_session(&token)
                .with_session_guard(failing.clone());
            let request = AppendRequest::new(vec![change(id, events)], &metadata, &ctx);
            let err = append(&pool, request).await.err().expect("refused");
            assert!(not_proven(&err), "{events} events: {err:?}");
        }
    }
    assert_eq!(count(&pool).await, before, "a failed proof wrote an event");

    // The proof that holds: written, and the session slides to `now + idle`.
    let ctx = CommandContext::new(Actor::operator())
        .in_session(&token)
        .with_session_guard(guard.clone());
    let request = AppendRequest::new(vec![change(id, 1)], &metadata, &ctx);
    append(&pool, request).await.unwrap();
    assert_eq!(count(&pool).await, before + 1);
    let expires: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT expires_at FROM sessions WHERE token_hash = $1")
            .bind(&token)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(expires, guard.now + guard.idle);
}

#[tokio::test]
async fn with_both_proofs_failing_the_session_is_what_the_caller_is_told() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let (id, position) = institution(&store, &pool).await;
    let (token, guard) = session(&store, &pool).await;
    let metadata = HashMap::new();
    let ended = SessionGuard {
        now: t0() + Duration::hours(1),
        ..guard
    };
    let ctx = CommandContext::new(Actor::operator())
        .in_session(&token)
        .with_session_guard(ended);
    let stale = CacheProof {
        sequence: 1,
        position: position + 1000,
        key_id: None,
    };
    let request =
        AppendRequest::new(vec![change(id, 1)], &metadata, &ctx).with_cache_proof(Some(stale));
    let err = append(&pool, request).await.err().expect("refused");
    assert!(not_proven(&err), "{err:?}");
}
