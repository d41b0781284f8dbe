//! R-SESSION on the warm path of section saves: a session this process remembers is proven in
//! the database on every save, also when the save changes nothing (issue 18, class 4).

use chrono::Duration;
use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};

/// An empty save that would answer with the document's personal data.
const EMPTY_SAVE: &str = "mutation($id: ID!) { savePersonalData(documentId: $id, input: {}) {
    personalData { surname dateOfBirth address email } } }";

const SAVE: &str = "mutation($id: ID!, $input: PersonalDataInput!) {
    savePersonalData(documentId: $id, input: $input) { personalData { surname } } }";

/// An institution with one document holding personal data, and an additional user of the
/// institution who has saved on it (so that this process remembers that user's session).
/// Returns (primary session, additional user's session, their account id, document id).
async fn remembered_user(app: &TestApp) -> (String, String, String, String) {
    let (primary, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = docs[0].clone();
    app.save_section(
        &primary,
        "savePersonalData",
        &doc,
        json!({"surname": "Bērziņš", "dateOfBirth": "2008-05-17",
               "address": "Brīvības iela 1, Rīga", "email": "adams@example.lv"}),
    )
    .await
    .data();
    let added = app
        .gql_as(
            &primary,
            "mutation { addInstitutionUser(name: \"Anna Bērziņa\", email: \"anna@skola.lv\") { accountId } }",
            json!({}),
        )
        .await;
    let account = added.data()["addInstitutionUser"]["accountId"]
        .as_str()
        .unwrap()
        .to_string();
    let password = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    let anna = app.session("anna@skola.lv", &password).await;
    // Two saves: the first authenticates (and is remembered), the second takes the warm path.
    for surname in ["Bērziņš", "Bērziņš"] {
        let saved = app
            .gql_as(
                &anna,
                SAVE,
                json!({"id": doc, "input": {"surname": surname}}),
            )
            .await;
        assert_eq!(
            saved.data()["savePersonalData"]["personalData"]["surname"],
            "Bērziņš"
        );
    }
    let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
    assert_eq!(
        empty.data()["savePersonalData"]["personalData"]["dateOfBirth"],
        "2008-05-17",
        "an empty save by an open session answers as before"
    );
    (primary, anna, account, doc)
}

/// The answer carries an error of `code` and none of the document's data.
fn refused_without_data(answer: &europass_tests::Answer, code: &str) {
    assert_eq!(answer.code(), code, "{}", answer.body);
    assert!(
        answer.body["data"].is_null() || answer.body["data"]["savePersonalData"].is_null(),
        "no document data: {}",
        answer.body
    );
    let body = answer.body.to_string();
    for secret in ["2008-05-17", "Brīvības iela", "adams@example.lv", "Bērziņš"] {
        assert!(!body.contains(secret), "{secret} leaked: {body}");
    }
}

async fn events(app: &TestApp) -> i64 {
    app.event_count().await
}

#[tokio::test]
async fn a_removed_users_remembered_session_saving_nothing_gets_nothing() {
    let app = spawn_app().await;
    let (primary, anna, account, doc) = remembered_user(&app).await;
    app.gql_as(
        &primary,
        "mutation($id: ID!) { removeInstitutionUser(accountId: $id) }",
        json!({"id": account}),
    )
    .await
    .data();
    let before = events(&app).await;
    let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
    refused_without_data(&empty, "UNAUTHENTICATED");
    // A save that changes something, or that a rule refuses, is refused the same way.
    let change = app
        .gql_as(
            &anna,
            SAVE,
            json!({"id": doc, "input": {"surname": "Cits"}}),
        )
        .await;
    refused_without_data(&change, "UNAUTHENTICATED");
    let invalid = app
        .gql_as(
            &anna,
            SAVE,
            json!({"id": doc, "input": {"nationality": "XX"}}),
        )
        .await;
    refused_without_data(&invalid, "UNAUTHENTICATED");
    assert_eq!(events(&app).await, before, "nothing written");
}

#[tokio::test]
async fn a_session_logged_out_elsewhere_saving_nothing_gets_nothing() {
    let app = spawn_app().await;
    let (_, anna, _, doc) = remembered_user(&app).await;
    // Another process logs the session out: this process still remembers it.
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(commands::secrets::token_hash(&anna))
        .execute(&app.pool)
        .await
        .unwrap();
    let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
    refused_without_data(&empty, "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_expired_remembered_session_saving_nothing_gets_nothing() {
    let app = spawn_app().await;
    let (_, anna, _, doc) = remembered_user(&app).await;
    app.clock.advance(Duration::minutes(20));
    let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
    refused_without_data(&empty, "EXPIRED");
    assert_eq!(empty.reason(), "SESSION_EXPIRED");
}

#[tokio::test]
async fn the_databases_expiry_wins_over_what_this_process_remembers() {
    let app = spawn_app().await;
    let (_, anna, _, doc) = remembered_user(&app).await;
    // The session ended in the database (e.g. an administrator or another process ended it
    // early) while this process's memory says it is open for 20 more minutes.
    sqlx::query("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1")
        .bind(commands::secrets::token_hash(&anna))
        .bind(app.clock_now())
        .execute(&app.pool)
        .await
        .unwrap();
    let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
    refused_without_data(&empty, "EXPIRED");
}

#[tokio::test]
async fn an_empty_save_on_the_warm_path_extends_the_session() {
    let app = spawn_app().await;
    let (_, anna, _, doc) = remembered_user(&app).await;
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(15));
        let empty = app.gql_as(&anna, EMPTY_SAVE, json!({"id": doc})).await;
        let data: &Value = empty.data();
        assert_eq!(
            data["savePersonalData"]["personalData"]["surname"],
            "Bērziņš"
        );
    }
    let expires: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT expires_at FROM sessions WHERE token_hash = $1")
            .bind(commands::secrets::token_hash(&anna))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(expires, app.clock_now() + Duration::minutes(20));
}
