//! Fault test (issue 8): `kill -9` the real `europass` process in the middle of a load of
//! mutations, start it again, and check that every mutation answered with success is in the
//! event store and, after the projector caught up by itself, in the query tables, which equal
//! a fresh replay.

use crate::common::{free_port, wait_healthy};

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SERVER: &str = "postgres://postgres@127.0.0.1:5432";

fn start(database_url: &str, port: u16, outbox: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_europass"))
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("OUTBOX_DIR", outbox)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the europass binary starts")
}

async fn register(client: &reqwest::Client, port: u16, i: usize) -> bool {
    let query = format!(
        "mutation {{ registerInstitution(name: \"Skola {i}\", email: \"crash{i}@skola.lv\") {{ email }} }}"
    );
    let Ok(response) = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
    else {
        return false;
    };
    let Ok(body) = response.json::<serde_json::Value>().await else {
        return false;
    };
    body["data"]["registerInstitution"]["email"].is_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_mutations_survive_kill_9_and_projections_catch_up() {
    let database_url = format!("{SERVER}/europass_crash_{}", uuid::Uuid::new_v4().simple());
    let pool = eventstore::db::connect(&database_url, 5).await.unwrap();
    eventstore::db::migrate(&pool).await.unwrap();
    let outbox = std::env::temp_dir().join(format!("europass-crash-{}", uuid::Uuid::new_v4()));
    let port = free_port();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut server = start(&database_url, port, &outbox);
    wait_healthy(&client, port).await;

    // A steady load from 8 clients; the server is killed while it runs.
    let load: Vec<_> = (0..8)
        .map(|worker| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut acknowledged = vec![];
                for n in 0..40 {
                    let i = worker * 1000 + n;
                    if register(&client, port, i).await {
                        acknowledged.push(i);
                    }
                }
                acknowledged
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.kill().expect("kill -9"); // SIGKILL on Unix
    server.wait().unwrap();
    let mut acknowledged = vec![];
    for worker in load {
        acknowledged.extend(worker.await.unwrap());
    }
    assert!(
        !acknowledged.is_empty(),
        "some mutations were answered before the kill"
    );
    assert!(
        acknowledged.len() < 8 * 40,
        "the kill came in the middle of the load"
    );

    // Every acknowledged registration is in the event store.
    for i in &acknowledged {
        let email = format!("crash{i}@skola.lv");
        let account =
            domain::account::account_id_for(&domain::values::Email::parse(&email).unwrap());
        let events: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE aggregate_type = 'account' AND aggregate_id = $1",
        )
        .bind(account.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(events >= 2, "acknowledged {email} is in the event store");
    }

    // Restarted, the projector catches up by itself.
    let mut server = start(&database_url, port, &outbox);
    wait_healthy(&client, port).await;
    let total_accounts: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT aggregate_id) FROM events WHERE aggregate_type = 'account'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let projected: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
            .fetch_one(&pool)
            .await
            .unwrap();
        if projected == total_accounts {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "projections did not catch up ({projected}/{total_accounts})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for i in &acknowledged {
        let found: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE email = $1)")
                .bind(format!("crash{i}@skola.lv"))
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(found, "acknowledged crash{i} is projected");
    }
    let differences = projections::replay::verify(&pool, &projections::all_projections())
        .await
        .unwrap();
    assert!(
        differences.is_empty(),
        "query tables equal a fresh replay: {differences:?}"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}
