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
        edc_seal_key: None,
        edc_seal_cert: None,
        edc_issuer_name: commands::credentials::Issuer::default().name_en,
        edc_issuer_name_lv: commands::credentials::Issuer::default().name_lv,
        edc_issuer_registration: commands::credentials::Issuer::default().registration,
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
    // Read back by Python's `email` package (an independent MIME reader, strict policy).
    let checked = std::process::Command::new("python3")
        .arg("-c")
        .arg(PYTHON_EMAIL_CHECK)
        .arg(files[0].path())
        .output()
        .expect("python3");
    let report = String::from_utf8_lossy(&checked.stdout).to_string();
    assert!(
        checked.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["defects"], json!([]), "{report}");
    assert_eq!(report["to"], "info@skola.lv");
    assert_eq!(report["mime_version"], "1.0");
    assert_eq!(report["auto_submitted"], "auto-generated");
    assert_eq!(report["content_type"], "text/plain");
    let message_id = report["message_id"].as_str().unwrap();
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@europass.test>"),
        "{message_id}"
    );
    assert!(report["date"].as_str().is_some_and(|d| !d.is_empty()));
    let body = report["body"].as_str().unwrap();
    assert!(
        body.contains("https://europass.example/confirm-registration?token="),
        "{body}"
    );
    assert!(report["subject"].as_str().unwrap().len() > 3);
}

/// Parses one .eml with Python's `email` (policy `default`) and prints what it found as JSON,
/// defects of the message and of every part included.
const PYTHON_EMAIL_CHECK: &str = r#"
import email, email.policy, json, sys
raw = open(sys.argv[1], 'rb').read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
defects = [repr(d) for part in msg.walk() for d in part.defects]
print(json.dumps({
    'defects': defects,
    'to': str(msg['To']),
    'subject': str(msg['Subject']),
    'date': str(msg['Date'] or ''),
    'message_id': str(msg['Message-ID'] or ''),
    'mime_version': str(msg['MIME-Version'] or ''),
    'auto_submitted': str(msg['Auto-Submitted'] or ''),
    'content_type': msg.get_content_type(),
    'body': msg.get_content(),
}))
"#;
