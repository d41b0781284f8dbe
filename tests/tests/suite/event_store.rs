//! R-ES against the real PostgreSQL: concurrent writers, refusals writing nothing.

use commands::{CommandContext, CommandError, EventStore};
use domain::institution::{BaseData, InstitutionCommand};
use domain::metadata::Actor;
use domain::values::{Address, Email, InstitutionName};
use europass_tests::{fresh_database, t0};
use std::sync::Arc;
use uuid::Uuid;

fn base(address: &str) -> BaseData {
    let mut base = BaseData::at_registration(
        InstitutionName::parse("Skola").unwrap(),
        Email::parse("info@skola.lv").unwrap(),
    );
    base.address = Some(Address::parse(address).unwrap());
    base
}

async fn registered(store: &EventStore, id: Uuid) {
    store
        .institutions
        .execute(
            id,
            InstitutionCommand::Register {
                base: base("start"),
                primary_account: Uuid::new_v4(),
            },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap();
}

/// The institution's address changed, by an operator.
async fn moved(store: &EventStore, id: Uuid, address: &str) {
    store
        .institutions
        .execute(
            id,
            InstitutionCommand::ChangeBaseData {
                base: base(address),
            },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap();
}

async fn sequences(pool: &sqlx::PgPool, id: Uuid) -> Vec<i64> {
    sqlx::query_scalar("SELECT sequence FROM events WHERE aggregate_id = $1 ORDER BY sequence")
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_conflict_and_nothing_is_lost_or_duplicated() {
    let (_, pool) = fresh_database().await;
    let store = Arc::new(EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&store, id).await;

    let writers: Vec<_> = (0..24)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .institutions
                    .execute_once(
                        id,
                        InstitutionCommand::ChangeBaseData {
                            base: base(&format!("address {i}")),
                        },
                        &CommandContext::new(Actor::operator()),
                        t0(),
                    )
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    let mut conflicts = 0;
    for writer in writers {
        match writer.await.unwrap() {
            Ok(()) => ok += 1,
            Err(CommandError::Conflict) => conflicts += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert!(ok >= 1);
    assert_eq!(ok + conflicts, 24);
    let seq = sequences(&pool, id).await;
    assert_eq!(
        seq,
        (1..=(1 + ok as i64)).collect::<Vec<_>>(),
        "gapless, no duplicates"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_retries_every_concurrent_writer_lands_exactly_once() {
    let (_, pool) = fresh_database().await;
    let store = Arc::new(EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&store, id).await;
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .institutions
                    .execute(
                        id,
                        InstitutionCommand::ChangeBaseData {
                            base: base(&format!("address {i}")),
                        },
                        &CommandContext::new(Actor::operator()),
                        t0(),
                    )
                    .await
            })
        })
        .collect();
    let mut landed = 0;
    for writer in writers {
        match writer.await.unwrap() {
            Ok(()) => landed += 1,
            Err(CommandError::Conflict) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let seq = sequences(&pool, id).await;
    assert_eq!(seq.len() as i64, 1 + landed);
    assert_eq!(seq, (1..=seq.len() as i64).collect::<Vec<_>>());
    // Every landed change is a distinct address: none was written twice.
    let addresses: Vec<String> = sqlx::query_scalar(
        "SELECT payload->'BaseDataChanged'->'base'->>'address' FROM events
          WHERE aggregate_id = $1 AND event_type = 'BaseDataChanged'",
    )
    .bind(id.to_string())
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut unique = addresses.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), addresses.len());
}

#[tokio::test]
async fn a_refused_command_writes_nothing() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let err = store
        .institutions
        .execute(
            Uuid::new_v4(),
            InstitutionCommand::ChangeBaseData { base: base("x") },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Refused(r) if r.reason == "INSTITUTION_NOT_FOUND"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_event_table_refuses_updates_and_deletes() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    registered(&store, Uuid::new_v4()).await;
    assert!(sqlx::query("UPDATE events SET event_type = 'X'")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM events")
        .execute(&pool)
        .await
        .is_err());
}

async fn snapshot_of(pool: &sqlx::PgPool, id: Uuid) -> Option<(i64, String)> {
    sqlx::query_as(
        "SELECT sequence, state::text FROM aggregate_snapshots
          WHERE aggregate_type = 'institution' AND aggregate_id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// The state `store` loads (cached, snapshot or fold), checked equal to the fold of every
/// stored event.
async fn loaded_equals_fold(store: &EventStore, id: Uuid) -> serde_json::Value {
    let loaded = json(&store.institutions.load(id).await.unwrap());
    let folded = json(&store.institutions.load_from_events(id).await.unwrap());
    assert_eq!(
        loaded, folded,
        "the loaded state is the fold of every event"
    );
    loaded
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

/// Issue 8: commands on long histories load a snapshot of our own plus the events after it.
/// The state so loaded equals the fold of every event; a snapshot of another format, or one
/// sealed with a key that is gone (erasure), is ignored; the snapshot is sealed whole.
#[tokio::test]
async fn a_long_history_loads_from_a_sealed_snapshot_equal_to_the_full_fold() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let id = Uuid::new_v4();
    registered(&store, id).await;
    let change = |i: usize| InstitutionCommand::ChangeBaseData {
        base: base(&format!("Brīvības iela {i}")),
    };
    for i in 0..(eventstore::store::SNAPSHOT_EVERY * 2 + 20) {
        store
            .institutions
            .execute(id, change(i), &CommandContext::new(Actor::operator()), t0())
            .await
            .unwrap();
    }
    let (sequence, sealed) = snapshot_of(&pool, id).await.expect("a snapshot was taken");
    assert!(
        sequence >= eventstore::store::SNAPSHOT_EVERY as i64,
        "{sequence}"
    );
    assert!(
        !sealed.contains("Brīvības"),
        "the snapshot is sealed: {sealed}"
    );
    let full = json(&store.institutions.load_from_events(id).await.unwrap());
    assert_eq!(json(&store.institutions.load(id).await.unwrap()), full);
    assert!(full.to_string().contains("Brīvības iela 119"), "{full}");

    // A snapshot of another format is ignored (and replaced by a later load).
    sqlx::query("UPDATE aggregate_snapshots SET format = 'older' WHERE aggregate_id = $1")
        .bind(id.to_string())
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(json(&store.institutions.load(id).await.unwrap()), full);

    // A snapshot sealed with a key that was deleted (erasure, then a new key) is ignored:
    // the state is the full fold, with the erased values erased.
    sqlx::query("UPDATE aggregate_snapshots SET format = $2 WHERE aggregate_id = $1")
        .bind(id.to_string())
        .bind(eventstore::store::SNAPSHOT_FORMAT)
        .execute(&pool)
        .await
        .unwrap();
    let new_key: Uuid = sqlx::query_scalar(
        "UPDATE subject_keys SET key_id = gen_random_uuid() WHERE subject = $1 RETURNING key_id",
    )
    .bind(format!("institution/{id}"))
    .fetch_one(&pool)
    .await
    .unwrap();
    loaded_equals_fold(&store, id).await;
    // That load folded every event, so it sealed a new snapshot with the current key.
    let (_, resealed) = snapshot_of(&pool, id).await.unwrap();
    assert!(resealed.contains(&new_key.to_string()), "{resealed}");
}

/// Issue 8: each process keeps the states it decided in memory, but never trusts them on
/// their own. Here two stores play two server processes writing the same aggregate.
#[tokio::test]
async fn a_state_cached_by_one_process_follows_the_writes_of_another() {
    let (_, pool) = fresh_database().await;
    let (first, second) = (EventStore::new(pool.clone()), EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&first, id).await;
    async fn change(store: &EventStore, id: Uuid, i: usize) -> Result<(), CommandError> {
        let command = InstitutionCommand::ChangeBaseData {
            base: base(&format!("Skolas iela {i}")),
        };
        store
            .institutions
            .execute_once(id, command, &CommandContext::new(Actor::operator()), t0())
            .await
    }
    for i in 0..3 {
        change(&first, id, i).await.unwrap();
    }
    for i in 3..5 {
        change(&second, id, i).await.unwrap();
    }
    // The first process's cached state is two events behind: it reads them, no conflict.
    change(&first, id, 5).await.unwrap();
    let full = json(&first.institutions.load_from_events(id).await.unwrap());
    assert!(full.to_string().contains("Skolas iela 5"), "{full}");
    assert_eq!(json(&first.institutions.load(id).await.unwrap()), full);
    assert_eq!(json(&second.institutions.load(id).await.unwrap()), full);
}

/// Issue 8: a cached state opened with a key that is erased afterwards is not used again:
/// the erased values stay erased, in this process too.
#[tokio::test]
async fn an_erasure_reaches_a_state_cached_before_it() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let id = Uuid::new_v4();
    registered(&store, id).await;
    moved(&store, id, "Brīvības iela 1").await;
    let before = json(&store.institutions.load(id).await.unwrap());
    assert!(before.to_string().contains("info@skola.lv"), "{before}");
    sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
        .bind(format!("institution/{id}"))
        .execute(&pool)
        .await
        .unwrap();
    let after = loaded_equals_fold(&store, id).await;
    assert!(!after.to_string().contains("info@skola.lv"), "{after}");

    // A command decided on a state cached before an erasure does not seal new values with
    // the erased key: its append is refused, and it is decided again on a load.
    let erased_key: Uuid = sqlx::query_scalar("SELECT gen_random_uuid()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let other = EventStore::new(pool.clone());
    other.institutions.load(id).await.unwrap();
    sqlx::query("INSERT INTO subject_keys (subject, key_id, key) VALUES ($1, $2, $3)")
        .bind(format!("institution/{id}"))
        .bind(erased_key)
        .bind(vec![7u8; 32])
        .execute(&pool)
        .await
        .unwrap();
    // `other` now caches a state opened with that key; the key is erased again.
    other.institutions.load(id).await.unwrap();
    sqlx::query("DELETE FROM subject_keys WHERE subject = $1")
        .bind(format!("institution/{id}"))
        .execute(&pool)
        .await
        .unwrap();
    moved(&other, id, "Brīvības iela 2").await;
    let sealed: String = sqlx::query_scalar(
        "SELECT payload::text FROM events WHERE aggregate_id = $1 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(id.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        !sealed.contains(&erased_key.to_string()),
        "sealed with an erased key: {sealed}"
    );
    let state = loaded_equals_fold(&other, id).await;
    assert!(state.to_string().contains("info@skola.lv"), "{state}");
}

/// Deletes an aggregate's events the way the Try Out purge does.
async fn purged(pool: &sqlx::PgPool, id: Uuid) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL europass.purge = 'on'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM events WHERE aggregate_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Issue 8: a history deleted and written again (a purge, then the same id reused) is told
/// apart from the one a state was cached from, by the global position of its events.
#[tokio::test]
async fn a_history_written_again_is_not_mistaken_for_the_cached_one() {
    let (_, pool) = fresh_database().await;
    let (first, second) = (EventStore::new(pool.clone()), EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&first, id).await;
    purged(&pool, id).await;
    // Written again by another process, up to the same sequence, with other values.
    second
        .institutions
        .execute(
            id,
            InstitutionCommand::Register {
                base: base("Cita iela 2"),
                primary_account: Uuid::new_v4(),
            },
            &CommandContext::new(Actor::operator()),
            t0(),
        )
        .await
        .unwrap();
    let state = loaded_equals_fold(&first, id).await;
    assert!(state.to_string().contains("Cita iela 2"), "{state}");
}

/// Issue 8: a command decided on a cached state appends only if the state is still the
/// stored history's: after a purge and a history written again, it is decided again.
#[tokio::test]
async fn a_command_on_a_cached_state_of_a_history_written_again_is_decided_again() {
    let (_, pool) = fresh_database().await;
    let (first, second) = (EventStore::new(pool.clone()), EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&first, id).await;
    purged(&pool, id).await;
    registered(&second, id).await;
    moved(&first, id, "Trešā iela 3").await;
    assert_eq!(sequences(&pool, id).await, vec![1, 2]);
    let state = loaded_equals_fold(&first, id).await;
    assert!(state.to_string().contains("Trešā iela 3"), "{state}");
}

/// Issue 8: authentication uses a cached account only at the head the session statement
/// reads: after a write by another process, or with another key, it is not used.
#[tokio::test]
async fn a_cached_state_is_used_only_at_the_stored_head() {
    let (_, pool) = fresh_database().await;
    let (first, second) = (EventStore::new(pool.clone()), EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&first, id).await;
    let head = || async {
        sqlx::query_as::<_, (Option<i64>, Option<String>)>(
            "SELECT (SELECT max(global_position) FROM events WHERE aggregate_id = $1),
                    (SELECT key_id::text FROM subject_keys WHERE subject = 'institution/' || $1)",
        )
        .bind(id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let (position, key) = head().await;
    let cached = first
        .institutions
        .cached_at_head(id, position, key.as_deref())
        .expect("current after its own write");
    assert_eq!(
        json(&cached),
        json(&first.institutions.load_from_events(id).await.unwrap())
    );
    assert!(first
        .institutions
        .cached_at_head(id, position, Some("another key"))
        .is_none());
    moved(&second, id, "Jauna iela 3").await;
    let (position, key) = head().await;
    assert!(first
        .institutions
        .cached_at_head(id, position, key.as_deref())
        .is_none());
}

/// Issue 8: appends notify other processes after their commit (not inside it, where the
/// notification queue's lock would serialise every append through the disk flush).
#[tokio::test]
async fn an_append_is_announced_to_other_processes_after_its_commit() {
    let (_, pool) = fresh_database().await;
    let store = EventStore::new(pool.clone());
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .unwrap();
    listener
        .listen(eventstore::store::NOTIFY_CHANNEL)
        .await
        .unwrap();
    registered(&store, Uuid::new_v4()).await;
    let notification = tokio::time::timeout(std::time::Duration::from_secs(10), listener.recv())
        .await
        .expect("a notification arrives")
        .unwrap();
    assert_eq!(notification.payload(), "institution");
    let triggers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'events'::regclass AND tgname = 'events_notify'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(triggers, 0, "no NOTIFY inside the appending transaction");
}

/// The bench's cold loads (issue 24) drop the states kept in memory; the next command loads
/// the aggregate from the database and decides on what is stored there now, including what
/// another process wrote meanwhile.
#[tokio::test]
async fn forgetting_the_kept_states_loads_the_stored_history_and_changes_no_decision() {
    let (_, pool) = fresh_database().await;
    let (here, elsewhere) = (EventStore::new(pool.clone()), EventStore::new(pool.clone()));
    let id = Uuid::new_v4();
    registered(&here, id).await;
    let ctx = CommandContext::new(Actor::operator());
    let change = |address: &str| InstitutionCommand::ChangeBaseData {
        base: base(address),
    };
    here.institutions
        .execute(id, change("Brīvības iela 1"), &ctx, t0())
        .await
        .unwrap();
    elsewhere
        .institutions
        .execute(id, change("Elizabetes iela 2"), &ctx, t0())
        .await
        .unwrap();
    here.institutions.forget_cached_states();
    let state = here
        .institutions
        .execute_with_state(id, &ctx, t0(), |_| Ok(change("Elizabetes iela 2")))
        .await
        .unwrap();
    // The same address as stored: nothing to change, so nothing was written.
    let text = serde_json::to_string(&state).unwrap();
    assert!(text.contains("Elizabetes iela 2"), "{text}");
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_id = $1")
        .bind(id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        events, 3,
        "registered and two changes; the repeated one wrote nothing"
    );
}
