//! Issue 18, class 7: strings the database cannot store (a NUL character: PostgreSQL refuses
//! `\0` in text) or should not index (a 1 MB `clientMutationId`) reached it and came back as
//! INTERNAL. They are VALIDATION errors naming the field, and nothing is written.

use europass_tests::{spawn_app, Answer};
use serde_json::json;

const COPY: &str = "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets clientMutationId } }";

fn assert_refused(answer: &Answer, field: &str) {
    assert_eq!(answer.code(), "VALIDATION", "{}", answer.body);
    assert_eq!(answer.field(), field, "{}", answer.body);
}

#[tokio::test]
async fn a_nul_or_a_huge_client_mutation_id_is_a_validation_error_and_writes_nothing() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    app.save_section(
        &session,
        "saveProject",
        &docs[0],
        json!({"objective": "Metināšana"}),
    )
    .await
    .data();
    let before = app.event_count().await;
    let copy = |id: String| {
        json!({"input": {"sourceDocument": docs[0], "section": "project",
            "fields": ["objective"], "targets": &docs[1..], "clientMutationId": id}})
    };
    for id in ["copy\u{0}1".to_string(), "x".repeat(1_000_000)] {
        let refused = app.gql_as(&session, COPY, copy(id)).await;
        assert_refused(&refused, "clientMutationId");
    }
    // The same NUL written into the document as a literal.
    let literal = app
        .gql_as(
            &session,
            &format!(
                r#"mutation {{ copyToDocuments(input: {{sourceDocument: "{}", section: "project",
                   fields: ["objective"], targets: ["{}"], clientMutationId: "a\u0000"}}) {{ targets }} }}"#,
                docs[0], docs[1]
            ),
            json!({}),
        )
        .await;
    assert_refused(&literal, "clientMutationId");
    assert_eq!(app.event_count().await, before, "nothing was written");
    let fine = app.gql_as(&session, COPY, copy("copy-1".into())).await;
    assert_eq!(fine.data()["copyToDocuments"]["targets"], 2);
}

#[tokio::test]
async fn a_nul_in_any_string_argument_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let before = app.event_count().await;
    let search = app
        .gql_as(
            &session,
            "query($text: String!) { escoSearch(text: $text, kind: OCCUPATION, language: LV) { uri } }",
            json!({"text": "metin\u{0}"}),
        )
        .await;
    assert_refused(&search, "text");
    let base = app
        .gql_as(
            &session,
            "mutation($input: BaseDataInput!) { updateBaseData(input: $input) { address } }",
            json!({"input": {"address": "Rīga\u{0}"}}),
        )
        .await;
    assert_refused(&base, "address");
    let anonymous = app
        .gql(
            "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
            json!({"email": "info@skola.lv", "password": "a\u{0}"}),
        )
        .await;
    assert_refused(&anonymous, "password");
    assert_eq!(app.event_count().await, before, "nothing was written");
}
