//! Parsed operations kept by their text, and automatic persisted queries (issue 24): the
//! fast path skips parsing only, never a check. A persisted query is answered exactly as its
//! text would be, for the caller's own rights; a kept document is validated with each
//! request's own variables; the HTTP handler's guards (no mutation over GET, few aliases) see
//! the persisted text.

use europass_tests::{spawn_app, Answer, TestApp};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const SAVE_OUTCOMES: &str = "mutation Save($id: ID!, $input: LearningOutcomesInput!) { \
  saveLearningOutcomes(documentId: $id, input: $input) { complete } }";

fn hash_of(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({"persistedQuery": {"version": 1, "sha256Hash": hash}})
}

async fn by_hash(app: &TestApp, token: Option<&str>, text: &str, variables: Value) -> Answer {
    app.post_body(
        token,
        json!({"extensions": persisted(&hash_of(text)), "variables": variables}),
    )
    .await
}

async fn register(app: &TestApp, token: Option<&str>, text: &str, variables: Value) -> Answer {
    app.post_body(
        token,
        json!({"query": text, "extensions": persisted(&hash_of(text)), "variables": variables}),
    )
    .await
}

fn outcomes(level: &str) -> Value {
    json!({"activities": "Metināšana", "languageSkills": [{"language": "de", "listening": level,
           "reading": "A2", "spokenInteraction": "A2", "spokenProduction": "A2", "writing": "A1"}]})
}

/// The answer without its correlation ids (they differ per request by design).
fn without_correlation(mut body: Value) -> Value {
    if let Some(errors) = body["errors"].as_array_mut() {
        for error in errors {
            if let Some(extensions) = error["extensions"].as_object_mut() {
                extensions.remove("correlationId");
            }
        }
    }
    body
}

#[tokio::test]
async fn a_persisted_query_is_found_by_its_hash_once_its_text_was_sent_with_it() {
    let app = spawn_app().await;
    let (token, _, _) = app.institution_session("Rīgas skola", "apq@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&token, 1, "A").await;
    let variables = json!({"id": docs[0], "input": outcomes("B1")});
    let unknown = by_hash(&app, Some(&token), SAVE_OUTCOMES, variables.clone()).await;
    assert_eq!(
        unknown.code(),
        "PERSISTED_QUERY_NOT_FOUND",
        "{}",
        unknown.body
    );
    assert_eq!(unknown.error()["message"], "PersistedQueryNotFound");
    let events = app.event_count().await;
    register(&app, Some(&token), SAVE_OUTCOMES, variables.clone())
        .await
        .data();
    assert_eq!(app.event_count().await, events + 1);
    // The hash alone now runs the text, and writes like it.
    let data = by_hash(
        &app,
        Some(&token),
        SAVE_OUTCOMES,
        json!({"id": docs[0],
                        "input": outcomes("B2")}),
    )
    .await;
    assert_eq!(data.data()["saveLearningOutcomes"]["complete"], false);
    assert_eq!(app.event_count().await, events + 2);
    // A text with another text's hash is refused and runs nothing.
    let lying = app
        .post_body(
            Some(&token),
            json!({"query": "{ __typename }", "extensions": persisted(&hash_of(SAVE_OUTCOMES))}),
        )
        .await;
    assert_eq!(lying.code(), "VALIDATION");
    assert_eq!(lying.reason(), "PERSISTED_QUERY_HASH_MISMATCH");
    assert!(lying.body["data"].is_null(), "{}", lying.body);
    let other_version = app
        .post_body(
            Some(&token),
            json!({"extensions": {"persistedQuery": {"version": 2,
                   "sha256Hash": hash_of(SAVE_OUTCOMES)}}}),
        )
        .await;
    assert_eq!(other_version.reason(), "PERSISTED_QUERY_UNSUPPORTED");
    assert_eq!(app.event_count().await, events + 2);
}

#[tokio::test]
async fn a_persisted_query_runs_with_the_callers_rights_not_those_of_whoever_sent_it_first() {
    let app = spawn_app().await;
    let (owner, _, _) = app
        .institution_session("Rīgas skola", "owner@skola.lv")
        .await;
    let (stranger, _, _) = app
        .institution_session("Cēsu skola", "stranger@skola.lv")
        .await;
    let (_, _, docs) = app.approved_mobility_for(&owner, 1, "A").await;
    let variables = json!({"id": docs[0], "input": outcomes("B1")});
    register(&app, Some(&owner), SAVE_OUTCOMES, variables.clone())
        .await
        .data();
    let events = app.event_count().await;
    let as_text = app
        .gql_as(&stranger, SAVE_OUTCOMES, variables.clone())
        .await;
    let as_hash = by_hash(&app, Some(&stranger), SAVE_OUTCOMES, variables.clone()).await;
    assert!(as_hash.body["errors"].is_array(), "{}", as_hash.body);
    assert_eq!(
        without_correlation(as_hash.body.clone()),
        without_correlation(as_text.body.clone())
    );
    let anonymous = by_hash(&app, None, SAVE_OUTCOMES, variables).await;
    assert_eq!(anonymous.code(), "UNAUTHENTICATED", "{}", anonymous.body);
    assert_eq!(app.event_count().await, events);
}

#[tokio::test]
async fn a_kept_document_is_validated_with_each_requests_own_variables() {
    let app = spawn_app().await;
    let (token, _, _) = app
        .institution_session("Rīgas skola", "kept@skola.lv")
        .await;
    let (_, _, docs) = app.approved_mobility_for(&token, 1, "A").await;
    let bad = json!({"id": docs[0], "input": outcomes("Z9")});
    let events = app.event_count().await;
    // The first time the text is parsed afresh; then it is kept, and a valid save uses it.
    let first = app.gql_as(&token, SAVE_OUTCOMES, bad.clone()).await;
    assert_eq!(first.code(), "VALIDATION", "{}", first.body);
    app.gql_as(
        &token,
        SAVE_OUTCOMES,
        json!({"id": docs[0], "input": outcomes("B1")}),
    )
    .await
    .data();
    let again = app.gql_as(&token, SAVE_OUTCOMES, bad.clone()).await;
    assert_eq!(
        without_correlation(again.body.clone()),
        without_correlation(first.body.clone())
    );
    let persisted_bad = by_hash(&app, Some(&token), SAVE_OUTCOMES, bad).await;
    assert_eq!(persisted_bad.code(), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(app.event_count().await, events + 1);
}

#[tokio::test]
async fn the_http_guards_see_a_persisted_text_a_mutation_over_get_and_many_aliases() {
    let app = spawn_app().await;
    let (token, _, _) = app
        .institution_session("Rīgas skola", "guards@skola.lv")
        .await;
    let logout = "mutation Out { logout }";
    // Registered over POST with a harmless failure (no session), then asked for over GET.
    register(&app, None, logout, json!({})).await;
    let get = app
        .client
        .get(format!("{}/graphql", app.address))
        .bearer_auth(&token)
        .query(&[(
            "extensions",
            persisted(&hash_of(logout)).to_string().as_str(),
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 405);
    // The session is still there: the mutation did not run.
    let who = app
        .gql_as(&token, "{ session { secondsLeft } }", json!({}))
        .await;
    assert!(who.data()["session"]["secondsLeft"].as_i64().unwrap() > 0);
    // A query with too many aliases is refused by its hash as by its text.
    let fields: Vec<String> = (0..1_000).map(|i| format!("a{i}: __typename")).collect();
    let aliased = format!("{{ {} }}", fields.join(" "));
    let first = register(&app, None, &aliased, json!({})).await;
    assert_eq!(first.reason(), "TOO_MANY_ALIASES");
    let again = by_hash(&app, None, &aliased, json!({})).await;
    assert_eq!(again.reason(), "TOO_MANY_ALIASES", "{}", again.body);
}
