//! Issue 18, class 7 (API side): what a request may make the server record or keep. A client's
//! `x-correlation-id` is never stamped on events; answers carrying a secret are `no-store`;
//! reading the session's remaining time does not extend the session.

use chrono::Duration;
use europass_tests::spawn_app;
use serde_json::json;

#[tokio::test]
async fn a_client_chosen_correlation_id_is_never_stamped_on_events() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    // A valid UUID (the old code trusted it) and a log-forging attempt.
    let chosen = uuid::Uuid::new_v4().to_string();
    for header in [chosen.as_str(), "x\r\nforged: 1", "a".repeat(500).as_str()] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&session)
            .header("x-correlation-id", header.replace(['\r', '\n'], ""))
            .json(&json!({"query": "mutation { updateBaseData(input: {address: \"Rīga\"}) { address } }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let echoed = response.headers()["x-correlation-id"]
            .to_str()
            .unwrap()
            .to_string();
        assert_ne!(echoed, chosen, "the server makes its own");
        uuid::Uuid::parse_str(&echoed).expect("a server-made UUID");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
    }
    let stamped: Vec<String> = sqlx::query_scalar(
        "SELECT metadata::jsonb ->> 'correlation_id' FROM events WHERE event_type = 'BaseDataChanged'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!stamped.is_empty());
    assert!(
        !stamped.contains(&chosen),
        "the client's id reached the event store: {stamped:?}"
    );
    // Error answers quote the server's id too.
    let refused = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("x-correlation-id", &chosen)
        .json(&json!({"query": "{ me { email } }"}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_ne!(body["errors"][0]["extensions"]["correlationId"], chosen);
}

#[tokio::test]
async fn answers_carrying_a_secret_are_not_stored_by_caches() {
    let app = spawn_app().await;
    app.register("Skola", "info@skola.lv").await.data();
    let token = app.registration_token("info@skola.lv").await;
    let no_store = |response: &reqwest::Response| {
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    // The link's page (it carries the token) and the page that shows the new password.
    let mut browser = europass_tests::portal::Visitor::new(&app);
    let form = browser
        .get(&format!("/confirm-registration?token={token}"))
        .await;
    assert_eq!(form.header("cache-control"), "no-store");
    let page = browser
        .post("/confirm-registration", &[("token", token.as_str())])
        .await;
    assert_eq!(page.header("cache-control"), "no-store");
    let password = page.by_id("password").expect("password on the page");
    // The login answer (a session token), over POST and over GET.
    let login = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            "variables": {"e": "info@skola.lv", "p": password}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_store(&login), "no-store");
    let body: serde_json::Value = login.json().await.unwrap();
    let session = body["data"]["login"]["token"].as_str().unwrap().to_string();
    let me = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ me { email } }")])
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(no_store(&me), "no-store");
}

const SESSION: &str = "{ session { expiresAt secondsLeft } }";

#[tokio::test]
async fn reading_the_session_alone_does_not_extend_it() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.clock.advance(Duration::minutes(5));
    let first = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(first.data()["session"]["secondsLeft"], 15 * 60);
    app.clock.advance(Duration::minutes(5));
    // Asked again, with __typename and through a fragment: the countdown goes on.
    let second = app
        .gql_as(
            &session,
            "query Countdown { __typename ...S } fragment S on Query { session { secondsLeft } }",
            json!({}),
        )
        .await;
    assert_eq!(second.data()["session"]["secondsLeft"], 10 * 60);
    // Polling the countdown does not keep the session alive.
    app.clock.advance(Duration::minutes(10));
    let expired = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(
        (expired.code(), expired.reason()),
        ("EXPIRED", "SESSION_EXPIRED")
    );

    // Any other call extends it, also when it reads the session too.
    let (session, _, _) = app.institution_session("Koledža", "info@koledza.lv").await;
    app.clock.advance(Duration::minutes(5));
    let with_me = app
        .gql_as(
            &session,
            "{ me { email } session { secondsLeft } }",
            json!({}),
        )
        .await;
    assert_eq!(with_me.data()["session"]["secondsLeft"], 20 * 60);
    app.clock.advance(Duration::minutes(5));
    app.gql_as(&session, "{ me { email } }", json!({}))
        .await
        .data();
    let after = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(after.data()["session"]["secondsLeft"], 20 * 60);
}
