//! Issue 8: read your writes, per session. A section save answers as soon as its events are
//! durable, before any projection has applied them; the same session's next read waits for
//! the projections, and other sessions see the write once the projector has applied it.

use europass_tests::spawn_app;
use serde_json::{json, Value};
use std::time::Duration;

const HOLDERS: &str =
    "query($id: ID!) { mobility(id: $id) { documents { nodes { holderName } } } }";

fn holder(answer: &Value) -> Value {
    answer["mobility"]["documents"]["nodes"][0]["holderName"].clone()
}

#[tokio::test]
async fn a_section_save_answers_before_the_projection_and_its_session_reads_it_next() {
    let app = spawn_app().await;
    let email = "ryw@skola.lv";
    let (_, password, _) = app.institution_session("Skola", email).await;
    let writer = app.session(email, &password).await;
    let (_, mobility, docs) = app.approved_mobility_for(&writer, 1, "A").await;
    let reader = app.session(email, &password).await;
    let holders = |token: String| {
        let app = &app;
        let mobility = mobility.clone();
        async move {
            let answer = app.gql_as(&token, HOLDERS, json!({"id": mobility})).await;
            holder(answer.data())
        }
    };
    assert_eq!(holders(writer.clone()).await, Value::Null);

    // Hold every projection back: a transaction with an id keeps the cluster-wide horizon
    // below whatever commits after it.
    let mut held = app.pool.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *held)
        .await
        .unwrap();

    // The save answers with the state it decided while no projection can run. (Were it
    // waiting for the projection, it would answer only after the settle timeout, 10 s.)
    let saved = tokio::time::timeout(
        Duration::from_secs(5),
        app.save_section(
            &writer,
            "savePersonalData",
            &docs[0],
            json!({"firstName": "Anna", "surname": "Ozoliņa"}),
        ),
    )
    .await
    .expect("the save answers without waiting for the projections");
    assert_eq!(saved.data()["savePersonalData"]["complete"], false);
    let projected: Option<String> =
        sqlx::query_scalar("SELECT holder_name FROM document_views WHERE id = $1::uuid")
            .bind(&docs[0])
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(projected, None, "no projection has run yet");

    // Another session wrote nothing: it reads the query table as it is, without waiting.
    assert_eq!(holders(reader.clone()).await, Value::Null);

    // The writer's own next read waits until the projection shows its write.
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        held.rollback().await.unwrap();
    });
    assert_eq!(holders(writer.clone()).await, json!("Anna Ozoliņa"));
    release.await.unwrap();
    // And now everyone sees it.
    assert_eq!(holders(reader).await, json!("Anna Ozoliņa"));
}
