//! Without SMTP_URL, messages land as .eml files in the outbox folder (the embedded default).

use api::{Application, Config};
use commands::ManualClock;
use europass_tests::{fresh_database, t0};
use serde_json::json;
use std::sync::Arc;

#[tokio::test]
async fn without_smtp_the_registration_link_is_written_to_the_outbox() {
    let (database_url, _pool) = fresh_database().await;
    let outbox = std::env::temp_dir().join(format!("europass-outbox-{}", uuid::Uuid::new_v4()));
    let config = Config {
        database_url,
        database_max_connections: 5,
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        public_url: Some("https://europass.example".into()),
        smtp_url: None,
        mail_from: "Europass <noreply@europass.test>".into(),
        outbox_dir: outbox.clone(),
        esco_api_url: None,
    };
    let app = Application::build(&config, Arc::new(ManualClock::new(t0())))
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .json(&json!({"query": "mutation { registerInstitution(name: \"Skola\", email: \"info@skola.lv\") { email } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["data"]["registerInstitution"]["email"],
        "info@skola.lv"
    );
    let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(text.contains("To: info@skola.lv"));
    assert!(text.contains("https://europass.example/confirm-registration?token=3D"));
}
