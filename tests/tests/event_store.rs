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
