//! Issue 8 concurrency: one document edited by many clients at once; the same copy request
//! sent twice at once.

use europass_tests::spawn_app;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_editing_one_document_lose_nothing_and_duplicate_nothing() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = docs[0].clone();
    let edits: Vec<_> = (0..16)
        .map(|i| {
            app.save_section(
                &session,
                "saveLearningOutcomes",
                &doc,
                json!({"activities": format!("version {i}")}),
            )
        })
        .collect();
    let answers = futures::future::join_all(edits).await;
    let mut ok = 0;
    for answer in &answers {
        match answer.body["errors"][0]["extensions"]["code"].as_str() {
            None => ok += 1,
            Some("CONFLICT") => {}
            Some(other) => panic!("unexpected {other}: {}", answer.body),
        }
    }
    assert!(ok >= 1);
    let saved: Vec<String> = sqlx::query_scalar(
        "SELECT payload::text FROM events WHERE aggregate_id = $1 AND event_type = 'LearningOutcomesSaved'",
    )
    .bind(&doc)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(saved.len(), ok, "one event per acknowledged edit");
    let sequences: Vec<i64> =
        sqlx::query_scalar("SELECT sequence FROM events WHERE aggregate_id = $1 ORDER BY sequence")
            .bind(&doc)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(sequences, (1..=sequences.len() as i64).collect::<Vec<_>>());
    let now = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { learningOutcomes { activities } } }",
            json!({"id": doc}),
        )
        .await;
    let last = now.data()["document"]["learningOutcomes"]["activities"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        last.starts_with("version "),
        "the state is one of the edits"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_copy_request_twice_at_once_copies_once() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 6).await;
    app.save_section(
        &session,
        "saveProject",
        &docs[0],
        json!({"objective": "Prakse", "startDate": "2026-12-01", "endDate": "2026-12-10"}),
    )
    .await
    .data();
    let input = json!({"input": {"sourceDocument": docs[0], "section": "project",
        "fields": ["objective", "startDate", "endDate"], "targets": &docs[1..], "clientMutationId": "twice"}});
    let copy =
        "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets } }";
    let (a, b) = tokio::join!(
        app.gql_as(&session, copy, input.clone()),
        app.gql_as(&session, copy, input)
    );
    for answer in [&a, &b] {
        let code = answer.body["errors"][0]["extensions"]["code"].as_str();
        assert!(
            code.is_none() || code == Some("CONFLICT"),
            "{}",
            answer.body
        );
    }
    for target in &docs[1..] {
        let copies: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'CopyReceived'",
        )
        .bind(target)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(copies, 1, "target {target} received the copy once");
    }
}
