//! Several replicas on one PostgreSQL (R-PROJ, issue 20): three `europass` processes share a
//! database under a steady load of writes. Each projection (and the Try Out purge) is led by
//! exactly one of them; `kill -9` of a leader hands its roles to another within seconds;
//! nothing acknowledged is lost; a session's writes on one replica are read on another; and
//! the query tables equal a fresh replay.

use crate::common::{free_port, gql, wait_for_mail, wait_healthy, word_after};

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(database_url: &str, port: u16, outbox: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_europass"))
        .env("DATABASE_URL", database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("OUTBOX_DIR", outbox)
        .env("DATABASE_MAX_CONNECTIONS", "6")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the europass binary starts")
}

/// Each role and the ports of the replicas that say they lead it.
async fn leaders(client: &reqwest::Client, ports: &[u16]) -> BTreeMap<String, Vec<u16>> {
    let mut leaders: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for &port in ports {
        let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/health/ready"))
            .send()
            .await
        else {
            continue;
        };
        let Ok(ready) = response.json::<Value>().await else {
            continue;
        };
        for role in ready["roles"].as_array().into_iter().flatten() {
            let name = role["role"].as_str().unwrap().to_string();
            let entry = leaders.entry(name).or_default();
            if role["leader"] == true {
                entry.push(port);
            }
        }
    }
    leaders
}

/// Waits (up to `within`) until every role has exactly one leader among `ports`; never more
/// than one at any look.
async fn one_leader_each(
    client: &reqwest::Client,
    ports: &[u16],
    within: Duration,
) -> BTreeMap<String, u16> {
    let deadline = Instant::now() + within;
    loop {
        let now = leaders(client, ports).await;
        for (role, held) in &now {
            assert!(held.len() <= 1, "{role} has two leaders: {held:?}");
        }
        if now.len() == 5 && now.values().all(|held| held.len() == 1) {
            return now
                .into_iter()
                .map(|(role, held)| (role, held[0]))
                .collect();
        }
        assert!(
            Instant::now() < deadline,
            "no single leader for every role within {within:?}: {now:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn register(client: &reqwest::Client, port: u16, i: usize) -> bool {
    let query = format!(
        "mutation {{ registerInstitution(name: \"Skola {i}\", email: \"r{i}@skola.lv\") {{ email }} }}"
    );
    match gql(client, port, None, &query, json!({})).await {
        Ok(answer) => answer["data"]["registerInstitution"]["email"].is_string(),
        Err(_) => false,
    }
}

/// Registers on one replica, confirms on another and logs in on a third: the session token.
async fn institution_session(
    client: &reqwest::Client,
    ports: &[u16],
    outbox: &std::path::Path,
) -> String {
    let email = "ryw@skola.lv";
    let registered = gql(
        client,
        ports[0],
        None,
        "mutation($e: String!) { registerInstitution(name: \"Lasītāju skola\", email: $e) { email } }",
        json!({"e": email}),
    )
    .await
    .unwrap();
    assert_eq!(registered["data"]["registerInstitution"]["email"], email);
    let mail = wait_for_mail(outbox, "confirm-registration?token=").await;
    let token = word_after(&mail, "confirm-registration?token=");
    let confirmed = gql(
        client,
        ports[1],
        None,
        "mutation($t: String!) { confirmRegistration(token: $t) { password } }",
        json!({"t": token}),
    )
    .await
    .unwrap();
    let password = confirmed["data"]["confirmRegistration"]["password"]
        .as_str()
        .unwrap_or_else(|| panic!("{confirmed}"))
        .to_string();
    let login = gql(
        client,
        ports[2],
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({"e": email, "p": password}),
    )
    .await
    .unwrap();
    login["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string()
}

/// Writes the address on one replica and reads it at once on another, `rounds` times.
async fn read_your_writes_across(
    client: &reqwest::Client,
    session: &str,
    ports: &[u16],
    rounds: usize,
    tag: &str,
) {
    for round in 0..rounds {
        let (writer, reader) = (ports[round % ports.len()], ports[(round + 1) % ports.len()]);
        let address = format!("Iela {tag}-{round}, Rīga");
        let written = gql(
            client,
            writer,
            Some(session),
            "mutation($a: String!) { updateBaseData(input: {address: $a}) { address } }",
            json!({"a": address}),
        )
        .await
        .unwrap();
        assert_eq!(
            written["data"]["updateBaseData"]["address"], address,
            "{written}"
        );
        let read = gql(
            client,
            reader,
            Some(session),
            "{ me { institution { address } } }",
            json!({}),
        )
        .await
        .unwrap();
        assert_eq!(
            read["data"]["me"]["institution"]["address"], address,
            "written on {writer}, read on {reader}: {read}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_one_leader_each_failover_after_kill_9_and_nothing_lost() {
    let database_url = format!(
        "postgres://postgres@127.0.0.1:5432/europass_test_{}",
        uuid::Uuid::new_v4().simple()
    );
    let pool = eventstore::db::connect(&database_url, 4).await.unwrap();
    eventstore::db::migrate(&pool).await.unwrap();
    // One outbox for all: whichever replica sends a mail, the test finds it.
    let outbox = std::env::temp_dir().join(format!("europass-replicas-{}", uuid::Uuid::new_v4()));
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut servers: Vec<Option<Child>> = ports
        .iter()
        .map(|&port| Some(start(&database_url, port, &outbox)))
        .collect();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    for &port in &ports {
        wait_healthy(&client, port).await;
    }
    let before = one_leader_each(&client, &ports, Duration::from_secs(15)).await;

    let session = institution_session(&client, &ports, &outbox).await;
    read_your_writes_across(&client, &session, &ports, 12, "before").await;

    // A steady load of registrations spread over the replicas; the leader of the accounts
    // projection (the one these writes feed) is killed in the middle of it.
    let victim_port = before["projection:accounts"];
    let load: Vec<_> = (0..6)
        .map(|worker| {
            let client = client.clone();
            let ports = ports.clone();
            tokio::spawn(async move {
                let mut acknowledged = vec![];
                for n in 0..60 {
                    let i = worker * 1000 + n;
                    if register(&client, ports[(worker + n) % ports.len()], i).await {
                        acknowledged.push(i);
                    }
                }
                acknowledged
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let written: i64 =
            sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = 'account'")
                .fetch_one(&pool)
                .await
                .unwrap();
        if written >= 60 {
            break;
        }
        assert!(Instant::now() < deadline, "the load did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let victim = ports.iter().position(|&p| p == victim_port).unwrap();
    let mut killed = servers[victim].take().unwrap();
    killed.kill().expect("kill -9");
    killed.wait().unwrap();
    let killed_at = Instant::now();
    let survivors: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|&p| p != victim_port)
        .collect();

    // Another replica takes every role the dead one led, within seconds.
    let after = one_leader_each(&client, &survivors, Duration::from_secs(10)).await;
    let failover = killed_at.elapsed();
    for (role, port) in &after {
        assert!(survivors.contains(port), "{role} led by {port}");
    }

    let mut acknowledged = vec![];
    for worker in load {
        acknowledged.extend(worker.await.unwrap());
    }
    assert!(
        acknowledged.len() > 60,
        "{} acknowledged",
        acknowledged.len()
    );
    read_your_writes_across(&client, &session, &survivors, 12, "after").await;

    // Every acknowledged registration is projected, by whichever replica leads now.
    let deadline = Instant::now() + Duration::from_secs(30);
    for i in &acknowledged {
        loop {
            let found: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts WHERE email = $1)")
                    .bind(format!("r{i}@skola.lv"))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            if found {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "acknowledged r{i} is not projected"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Quiet now: the live tables equal a fresh replay of the store.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready: Value = client
            .get(format!("http://127.0.0.1:{}/health/ready", survivors[0]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let behind: i64 = ready["projections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["lagEvents"].as_i64().unwrap())
            .sum();
        if behind == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "still behind: {ready}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let differences = projections::replay::verify(&pool, &projections::all_projections())
        .await
        .unwrap();
    assert!(differences.is_empty(), "{differences:?}");

    // The metrics of a survivor show the projector's lag and its leadership.
    let metrics = client
        .get(format!("http://127.0.0.1:{}/metrics", survivors[0]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("europass_projector_lag_events{projection=\"accounts\"} 0"),
        "{metrics}"
    );
    assert!(metrics.contains("europass_projector_leader{projection=\"documents\"}"));
    eprintln!(
        "failover after kill -9: {:.2}s; {} registrations acknowledged",
        failover.as_secs_f64(),
        acknowledged.len()
    );
    for server in servers.iter_mut().flatten() {
        let _ = server.kill();
        let _ = server.wait();
    }
    let _ = std::fs::remove_dir_all(&outbox);
}
