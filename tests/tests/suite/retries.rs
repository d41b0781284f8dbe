//! R-COPY retries (issue 18, class 6): a request retried with its `clientMutationId` returns
//! the first answer and writes nothing, whatever happened in between; the id is the
//! institution's own.

use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};

const COPY: &str = "mutation($input: CopyToDocumentsInput!) {
    copyToDocuments(input: $input) { targets clientMutationId } }";

const PROJECT: &str =
    "query($id: ID!) { document(id: $id) { project { objective startDate endDate } } }";

async fn objective(app: &TestApp, session: &str, doc: &str) -> Value {
    app.gql_as(session, PROJECT, json!({"id": doc}))
        .await
        .data()["document"]["project"]["objective"]
        .clone()
}

fn copy_input(docs: &[String], id: &str) -> Value {
    json!({"input": {"sourceDocument": docs[0], "section": "project",
        "fields": ["objective", "startDate", "endDate"], "targets": &docs[1..],
        "clientMutationId": id}})
}

async fn with_project(app: &TestApp, session: &str, doc: &str, objective: &str) {
    app.save_section(
        session,
        "saveProject",
        doc,
        json!({"objective": objective, "startDate": "2026-12-01", "endDate": "2026-12-10"}),
    )
    .await
    .data();
}

#[tokio::test]
async fn a_copy_retried_after_a_later_edit_returns_the_first_answer_and_keeps_the_edit() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    with_project(&app, &session, &docs[0], "Metināšanas prakse").await;
    let input = copy_input(&docs, "copy-1");
    let first = app.gql_as(&session, COPY, input.clone()).await;
    let first = first.data().clone();
    assert_eq!(first["copyToDocuments"]["targets"], 2);
    // A later edit of one target (and of the source) ...
    app.save_section(
        &session,
        "saveProject",
        &docs[1],
        json!({"objective": "Labots pēc kopēšanas"}),
    )
    .await
    .data();
    with_project(&app, &session, &docs[0], "Cita prakse").await;
    let before = app.event_count().await;
    // ... survives the retry, which answers as the first time and writes nothing.
    let again = app.gql_as(&session, COPY, input).await;
    assert_eq!(again.data(), &first);
    assert_eq!(app.event_count().await, before, "the retry wrote nothing");
    assert_eq!(
        objective(&app, &session, &docs[1]).await,
        "Labots pēc kopēšanas"
    );
    assert_eq!(
        objective(&app, &session, &docs[2]).await,
        "Metināšanas prakse"
    );
}

#[tokio::test]
async fn a_refused_copy_leaves_its_client_mutation_id_unused() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    let (_, _, other) = app.approved_mobility_for(&session, 1, "A").await;
    with_project(&app, &session, &docs[0], "Metināšanas prakse").await;
    // Refused (one target is of another mobility): the id stays unused.
    let bad = json!({"input": {"sourceDocument": docs[0], "section": "project",
        "fields": ["objective"], "targets": [docs[1], other[0]], "clientMutationId": "copy-1"}});
    assert_eq!(
        app.gql_as(&session, COPY, bad).await.reason(),
        "TARGET_NOT_IN_MOBILITY"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM copy_operations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a refused command writes nothing anywhere");
    let good = app
        .gql_as(&session, COPY, copy_input(&docs, "copy-1"))
        .await;
    assert_eq!(good.data()["copyToDocuments"]["targets"], 2);
    assert_eq!(
        objective(&app, &session, &docs[2]).await,
        "Metināšanas prakse"
    );
}

#[tokio::test]
async fn another_institutions_client_mutation_id_is_its_own() {
    let app = spawn_app().await;
    let (a, _, a_docs) = app.approved_mobility("info@skola.lv", 3).await;
    let (b, _, _) = app.institution_session("Cita skola", "info@cita.lv").await;
    let (_, _, b_docs) = app.approved_mobility_for(&b, 3, "A").await;
    with_project(&app, &a, &a_docs[0], "Skolas prakse").await;
    with_project(&app, &b, &b_docs[0], "Citas skolas prakse").await;
    let first_a = app.gql_as(&a, COPY, copy_input(&a_docs, "copy-1")).await;
    let first_a = first_a.data().clone();
    // B uses the same id for its own copy: carried out, not refused nor skipped.
    let b_copy = app.gql_as(&b, COPY, copy_input(&b_docs, "copy-1")).await;
    assert_eq!(b_copy.data()["copyToDocuments"]["targets"], 2);
    for doc in &b_docs[1..] {
        assert_eq!(objective(&app, &b, doc).await, "Citas skolas prakse");
    }
    for doc in &a_docs[1..] {
        assert_eq!(objective(&app, &a, doc).await, "Skolas prakse");
    }
    // And A's retry still answers A's first answer.
    let again_a = app.gql_as(&a, COPY, copy_input(&a_docs, "copy-1")).await;
    assert_eq!(again_a.data(), &first_a);
}

#[tokio::test]
async fn a_client_mutation_id_must_be_short_printable_text() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 2).await;
    with_project(&app, &session, &docs[0], "Metināšanas prakse").await;
    let before = app.event_count().await;
    for id in ["", "copy\u{0}1", "copy\u{202e}1", &"x".repeat(1_000_000)] {
        let answer = app.gql_as(&session, COPY, copy_input(&docs, id)).await;
        assert_eq!(
            (answer.code(), answer.field()),
            ("VALIDATION", "clientMutationId"),
            "{}",
            &answer.body.to_string()[..300.min(answer.body.to_string().len())]
        );
    }
    assert_eq!(app.event_count().await, before, "nothing written");
}
