//! SIGTERM, as containers and systemd send it: the server stops taking new connections,
//! answers the request in flight, and exits with status 0.

use crate::common::{free_port, wait_healthy};

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_the_request_in_flight_and_exits_0() {
    let database_url = format!(
        "postgres://postgres@127.0.0.1:5432/europass_test_{}",
        uuid::Uuid::new_v4().simple()
    );
    let outbox = std::env::temp_dir().join(format!("europass-term-{}", uuid::Uuid::new_v4()));
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_europass"))
        .env("DATABASE_URL", &database_url)
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("OUTBOX_DIR", &outbox)
        .env("RUST_LOG", "info")
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the europass binary starts");
    let client = reqwest::Client::new();
    wait_healthy(&client, port).await;

    // A mutation whose body is still on its way: the server has read the headers (it asked
    // for the body with 100 Continue) but cannot answer yet.
    let body = r#"{"query":"mutation { registerInstitution(name: \"Skola\", email: \"term@skola.lv\") { email } }"}"#;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let continued = tokio::time::timeout(Duration::from_secs(10), async {
        while !String::from_utf8_lossy(&answer).contains("100 Continue\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the server closed the connection");
            answer.extend_from_slice(&buffer[..n]);
        }
    })
    .await;
    assert!(continued.is_ok(), "the server asks for the body");
    answer.clear();

    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    // Draining: no new connection is taken, yet the process waits for the request in flight.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_ok()
    {
        assert!(Instant::now() < deadline, "the listener is still open");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        server.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );

    stream.write_all(body.as_bytes()).await.unwrap();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the answer came and the connection closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""email":"term@skola.lv""#), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = server.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(exit.code(), Some(0), "a clean exit after SIGTERM");

    // LOG_FORMAT=json: every line is a JSON object, without ANSI colours; the request line
    // names the GraphQL operation and its outcome.
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut logs).unwrap();
    assert!(!logs.contains('\u{1b}'), "no ANSI escapes: {logs}");
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let request = lines
        .iter()
        .find(|l| l["message"] == "request" && l["path"] == "/graphql")
        .unwrap_or_else(|| panic!("no request line: {logs}"));
    assert_eq!(request["operation"], "registerInstitution", "{request}");
    assert_eq!(request["outcome"], "ok", "{request}");
    assert_eq!(request["status"], 200);
    assert!(lines.iter().any(|l| l["message"] == "stopped"), "{logs}");

    // What it answered is stored.
    let pool = eventstore::db::connect(&database_url, 1).await.unwrap();
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_type = 'institution'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, 1);
    let _ = std::fs::remove_dir_all(&outbox);
}
