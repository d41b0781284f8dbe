//! What an operator reads: readiness with its checks, liveness, and Prometheus metrics of
//! requests by operation and outcome, commands by outcome, and projector lag and leadership.

use europass_tests::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn readiness_names_its_checks_and_each_projection() {
    let app = spawn_app().await;
    let live = app
        .client
        .get(format!("{}/health/live", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.unwrap(), "live");
    let ready = app
        .client
        .get(format!("{}/health/ready", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["checks"]["database"], true);
    assert_eq!(ready["checks"]["migrations"], true);
    assert_eq!(ready["checks"]["pendingMigrations"], json!([]));
    assert_eq!(ready["checks"]["draining"], false);
    let names: Vec<&str> = ready["projections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["accounts", "institutions", "mobilities", "documents"],
        "{ready}"
    );
    for projection in ready["projections"].as_array().unwrap() {
        assert!(projection["lagEvents"].as_i64().unwrap() >= 0);
        assert!(projection["lagSeconds"].as_f64().unwrap() >= 0.0);
    }
    let roles: Vec<&str> = ready["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"tryout-purge"), "{ready}");
}

#[tokio::test]
async fn metrics_count_operations_by_outcome_and_show_projector_lag() {
    let app = spawn_app().await;
    app.register("Metriku skola", "metrics@skola.lv")
        .await
        .data();
    // A refused command: a password that is not the account's.
    let refused = app.login("metrics@skola.lv", "not the password").await;
    assert!(!refused.error().is_null());
    // A document that does not parse.
    app.gql("{ nosuchfield }", json!({})).await;
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    for expected in [
        r#"europass_graphql_requests_total{type="mutation",operation="registerInstitution",outcome="ok"}"#,
        r#"europass_commands_total{command="registerInstitution",outcome="ok"}"#,
        r#"europass_commands_total{command="login",outcome="refused"}"#,
        r#"europass_graphql_requests_total{type="invalid",operation="invalid",outcome="invalid"}"#,
        r#"europass_graphql_request_duration_seconds_bucket{type="mutation",operation="registerInstitution""#,
        r#"europass_http_requests_total{route="/graphql",status="200"}"#,
        r#"europass_projector_lag_events{projection="documents"}"#,
        r#"europass_projector_lag_seconds{projection="accounts"}"#,
        r#"europass_projector_leader{projection="mobilities"}"#,
        r#"europass_events_appended_total{aggregate="institution"}"#,
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}
