//! The seed's rule (R-PART): "after the date the participant can no longer make entries": a
//! locked participant still logs in and reads their document, and every change of theirs is
//! refused and writes nothing (their sessions used to be ended instead).

use chrono::Duration;
use europass_tests::{spawn_app, TestApp};
use serde_json::json;

const DOC: &str =
    "query($id: ID!) { document(id: $id) { europassNumber personalData { surname email } } }";

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(300, 400, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// An institution session, its document, and the participant's e-mailed password.
async fn participant(app: &TestApp) -> (String, String, String) {
    let (institution, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = docs[0].clone();
    app.save_section(
        &institution,
        "savePersonalData",
        &doc,
        json!({"surname": "Bērziņa", "email": "anna@skola.lv"}),
    )
    .await
    .data();
    app.gql_as(
        &institution,
        "mutation($ids: [ID!]!) { grantParticipantAccessToGroup(documentIds: $ids) }",
        json!({"ids": [doc]}),
    )
    .await
    .data();
    let password = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    (institution, doc, password)
}

async fn blob_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM blobs")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_locked_participant_logs_in_and_reads_but_changes_nothing() {
    let app = spawn_app().await;
    let (institution, doc, password) = participant(&app).await;
    let before_lock = app.session("anna@skola.lv", &password).await;
    let from = (app.clock_now() + Duration::minutes(30)).to_rfc3339();
    app.gql_as(
        &institution,
        "mutation($ids: [ID!]!, $from: DateTime!) { lockParticipantAccess(documentIds: $ids, from: $from) }",
        json!({"ids": [doc], "from": from}),
    )
    .await
    .data();
    // (Every session is used within its 20 idle minutes.)
    app.clock.advance(Duration::minutes(15));
    app.gql_as(&before_lock, DOC, json!({"id": doc}))
        .await
        .data();
    app.gql_as(&institution, DOC, json!({"id": doc}))
        .await
        .data();
    app.clock.advance(Duration::minutes(15));

    // Locked: a session from before the lock goes on reading, and a new login works.
    let read = app.gql_as(&before_lock, DOC, json!({"id": doc})).await;
    assert_eq!(
        read.data()["document"]["personalData"]["surname"],
        "Bērziņa"
    );
    let anna = app.session("anna@skola.lv", &password).await;
    let read = app.gql_as(&anna, DOC, json!({"id": doc})).await;
    assert_eq!(
        read.data()["document"]["personalData"]["surname"],
        "Bērziņa"
    );
    let mine = app
        .gql_as(
            &anna,
            "{ myDocuments { nodes { europassNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine.data()["myDocuments"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // No change of hers is accepted, and none writes anything.
    let (events, blobs) = (app.event_count().await, blob_count(&app).await);
    for (mutation, input) in [
        ("savePersonalData", json!({"surname": "Vēlāk"})),
        ("savePersonalData", json!({})),
        ("saveLearningOutcomes", json!({"activities": "late"})),
    ] {
        let refused = app.save_section(&anna, mutation, &doc, input).await;
        assert_eq!(
            (refused.code(), refused.reason()),
            ("FORBIDDEN", "PARTICIPANT_ACCESS_LOCKED"),
            "{mutation}"
        );
    }
    let photo = app
        .client
        .post(format!("{}/documents/{doc}/photo", app.address))
        .bearer_auth(&anna)
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 403);
    let body: serde_json::Value = photo.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "PARTICIPANT_ACCESS_LOCKED"
    );
    assert_eq!(app.event_count().await, events);
    assert_eq!(blob_count(&app).await, blobs, "no photo stored");

    // Her session is still hers (nothing ended it).
    app.gql_as(&anna, "{ session { expiresAt } }", json!({}))
        .await
        .data();
    // The institution still edits.
    app.save_section(
        &institution,
        "savePersonalData",
        &doc,
        json!({"surname": "Bērziņa-Kalniņa"}),
    )
    .await
    .data();
}
