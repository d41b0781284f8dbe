//! What the tests that run the real `europass` binary share.
// Each test binary includes this module and uses only a part of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// A port free on 127.0.0.1 right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (up to a minute) until the server answers `/health`.
pub async fn wait_healthy(client: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become healthy");
}

/// The newest `.eml` in `outbox` whose decoded text contains `needle`, as its subject and
/// text body (decoded by mail-parser); waits up to 10 s.
pub async fn wait_for_mail(outbox: &std::path::Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut found = vec![];
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            let Ok(raw) = std::fs::read(entry.path()) else {
                continue;
            };
            if let Some(message) = mail_parser::MessageParser::default().parse(&raw) {
                let text = format!(
                    "{}\n{}",
                    message.subject().unwrap_or_default(),
                    message.body_text(0).unwrap_or_default()
                );
                if text.contains(needle) {
                    let modified = entry.metadata().and_then(|m| m.modified()).ok();
                    found.push((modified, text));
                }
            }
        }
        found.sort_by_key(|(modified, _)| *modified);
        if let Some((_, text)) = found.pop() {
            return text;
        }
        assert!(Instant::now() < deadline, "no mail containing {needle}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The word after `marker` in `text`.
pub fn word_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in {text}"))
        + marker.len();
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A GraphQL request to one replica; the answer's JSON (or an error when it did not answer).
pub async fn gql(
    client: &reqwest::Client,
    port: u16,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> Result<serde_json::Value, reqwest::Error> {
    let mut request = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&serde_json::json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await?.json().await
}
