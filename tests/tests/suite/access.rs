//! R-HOST, R-PART, R-AUTHZ: invitations read from a real SMTP listener, scoped access,
//! locking at a given time, isolation.

use chrono::Duration;
use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};

const DOC: &str = "query($id: ID!) { document(id: $id) { europassNumber personalData { surname firstName dateOfBirth email } hostOrganisation { name email } } }";

async fn save(
    app: &TestApp,
    token: &str,
    mutation: &str,
    id: &str,
    input: Value,
) -> europass_tests::Answer {
    app.save_section(token, mutation, id, input).await
}

async fn host_email(app: &TestApp, token: &str, id: &str, email: &str) {
    save(
        app,
        token,
        "saveHostOrganisation",
        id,
        json!({"email": email}),
    )
    .await
    .data();
}

async fn my_documents(app: &TestApp, token: &str) -> Vec<String> {
    let answer = app
        .gql_as(
            token,
            "{ myDocuments(first: 50) { nodes { europassNumber } } }",
            json!({}),
        )
        .await;
    let mut numbers: Vec<String> = answer.data()["myDocuments"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["europassNumber"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    numbers
}

async fn number(app: &TestApp, token: &str, id: &str) -> String {
    app.gql_as(token, DOC, json!({"id": id})).await.data()["document"]["europassNumber"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_host_is_invited_sees_only_its_documents_and_the_institution_is_told() {
    let app = spawn_app().await;
    let (a, _, docs_a) = app.approved_mobility("a@skola.lv", 3).await;
    let (b, _, docs_b) = app.approved_mobility("b@skola.lv", 1).await;
    host_email(&app, &a, &docs_a[0], "mentor@host.de").await;
    host_email(&app, &a, &docs_a[1], "mentor@host.de").await;
    host_email(&app, &a, &docs_a[2], "other@host.de").await;
    host_email(&app, &b, &docs_b[0], "mentor@host.de").await;

    let missing = app
        .gql_as(
            &a,
            "mutation($id: ID!) { sendHostPassword(documentId: $id) }",
            json!({"id": docs_b[0]}),
        )
        .await;
    assert_eq!(missing.code(), "NOT_FOUND", "not a's document");
    app.gql_as(
        &a,
        "mutation($id: ID!) { sendHostPassword(documentId: $id) }",
        json!({"id": docs_a[0]}),
    )
    .await
    .data();
    let mail = app.smtp.wait_for("mentor@host.de", "password:").await;
    let password = mail.after("password: ");
    assert!(
        app.smtp
            .all()
            .iter()
            .all(|m| m.to.iter().all(|t| t == "mentor@host.de") || !m.text.contains(&password)),
        "nobody else received the host's password"
    );

    let host = app.session("mentor@host.de", &password).await;
    let mut expected = vec![
        number(&app, &a, &docs_a[0]).await,
        number(&app, &a, &docs_a[1]).await,
        number(&app, &b, &docs_b[0]).await,
    ];
    expected.sort();
    assert_eq!(my_documents(&app, &host).await, expected);
    let notices = app
        .gql_as(
            &a,
            "{ notifications { nodes { kind message } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        notices.data()["notifications"]["nodes"][0]["kind"],
        "HOST_REGISTERED"
    );
    app.smtp.wait_for("a@skola.lv", "has logged in").await;

    // The host fills its sections, never personal data, and sees only the holder's name.
    save(
        &app,
        &a,
        "savePersonalData",
        &docs_a[0],
        json!({"surname": "Ozols", "firstName": "Jānis", "dateOfBirth": "2007-01-02"}),
    )
    .await
    .data();
    save(
        &app,
        &host,
        "saveProject",
        &docs_a[0],
        json!({"objective": "Welding"}),
    )
    .await
    .data();
    let personal = save(
        &app,
        &host,
        "savePersonalData",
        &docs_a[0],
        json!({"surname": "X"}),
    )
    .await;
    assert_eq!(
        (personal.code(), personal.reason()),
        ("FORBIDDEN", "EDITOR_NOT_ALLOWED")
    );
    let seen = app.gql_as(&host, DOC, json!({"id": docs_a[0]})).await;
    let pd = &seen.data()["document"]["personalData"];
    assert_eq!(pd["surname"], "Ozols");
    assert_eq!(pd["dateOfBirth"], json!(null));
    let other = app.gql_as(&host, DOC, json!({"id": docs_a[2]})).await;
    assert_eq!(other.code(), "NOT_FOUND");

    // A changed host e-mail takes the document away at once.
    host_email(&app, &a, &docs_a[1], "new@host.de").await;
    let gone = app.gql_as(&host, DOC, json!({"id": docs_a[1]})).await;
    assert_eq!(gone.code(), "NOT_FOUND");
    // A host cannot issue anything institution-only.
    let invite = app
        .gql_as(
            &host,
            "mutation($id: ID!) { sendHostPassword(documentId: $id) }",
            json!({"id": docs_a[0]}),
        )
        .await;
    assert_eq!(invite.code(), "FORBIDDEN");
}

#[tokio::test]
async fn participants_fill_their_part_until_locked() {
    let app = spawn_app().await;
    let (a, a_pw, _) = app.institution_session("Skola", "a@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&a, 2, "A").await;
    let grant = "mutation($ids: [ID!]!) { grantParticipantAccessToGroup(documentIds: $ids) }";
    let before = app.event_count().await;
    let none = app.gql_as(&a, grant, json!({"ids": []})).await;
    assert_eq!(
        (none.code(), none.reason()),
        ("VALIDATION", "DOCUMENT_COUNT_OUT_OF_RANGE")
    );
    let no_email = app.gql_as(&a, grant, json!({"ids": docs})).await;
    assert_eq!(
        (no_email.code(), no_email.reason()),
        ("VALIDATION", "PARTICIPANT_EMAIL_MISSING")
    );
    assert_eq!(app.event_count().await, before, "all or nothing");
    save(
        &app,
        &a,
        "savePersonalData",
        &docs[0],
        json!({"email": "anna@skola.lv"}),
    )
    .await
    .data();
    save(
        &app,
        &a,
        "savePersonalData",
        &docs[1],
        json!({"email": "peteris@skola.lv"}),
    )
    .await
    .data();
    let granted = app.gql_as(&a, grant, json!({"ids": docs})).await;
    assert_eq!(granted.data()["grantParticipantAccessToGroup"], 2);
    let anna_pw = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    app.smtp.wait_for("peteris@skola.lv", "password:").await;

    let anna = app.session("anna@skola.lv", &anna_pw).await;
    assert_eq!(
        my_documents(&app, &anna).await,
        vec![number(&app, &a, &docs[0]).await]
    );
    let other = app.gql_as(&anna, DOC, json!({"id": docs[1]})).await;
    assert_eq!(other.code(), "NOT_FOUND");
    save(
        &app,
        &anna,
        "savePersonalData",
        &docs[0],
        json!({"surname": "Bērziņa", "firstName": "Anna"}),
    )
    .await
    .data();
    save(
        &app,
        &anna,
        "saveLearningOutcomes",
        &docs[0],
        json!({"activities": "Praktika"}),
    )
    .await
    .data();
    let host_part = save(
        &app,
        &anna,
        "saveHostOrganisation",
        &docs[0],
        json!({"name": "X"}),
    )
    .await;
    assert_eq!(host_part.code(), "FORBIDDEN");

    // Locked from one hour on: until then she can change, from then on nothing.
    let from = (app.clock_now() + Duration::hours(1)).to_rfc3339();
    app.gql_as(
        &a,
        "mutation($ids: [ID!]!, $from: DateTime!) { lockParticipantAccess(documentIds: $ids, from: $from) }",
        json!({"ids": [docs[0]], "from": from}),
    )
    .await
    .data();
    app.clock.advance(Duration::minutes(59));
    let anna = app.session("anna@skola.lv", &anna_pw).await;
    save(
        &app,
        &anna,
        "saveLearningOutcomes",
        &docs[0],
        json!({"activities": "Praktika 2"}),
    )
    .await
    .data();
    app.clock.advance(Duration::minutes(1));
    let locked = save(
        &app,
        &anna,
        "saveLearningOutcomes",
        &docs[0],
        json!({"activities": "late"}),
    )
    .await;
    // Refused as a change; she still reads (tests/participant_lock.rs).
    assert_eq!(locked.code(), "FORBIDDEN");
    assert_eq!(locked.reason(), "PARTICIPANT_ACCESS_LOCKED");
    let a = app.session("a@skola.lv", &a_pw).await;
    let history = app
        .gql_as(
            &a,
            "query($id: ID!) { document(id: $id) { history(first: 100) { nodes { eventType } } } }",
            json!({"id": docs[0]}),
        )
        .await;
    assert!(history.data()["document"]["history"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["eventType"] == "ParticipantAccessLocked"));

    app.gql_as(
        &a,
        "mutation($ids: [ID!]!) { unlockParticipantAccess(documentIds: $ids) }",
        json!({"ids": [docs[0]]}),
    )
    .await
    .data();
    let anna = app.session("anna@skola.lv", &anna_pw).await;
    save(
        &app,
        &anna,
        "saveLearningOutcomes",
        &docs[0],
        json!({"activities": "Praktika 3"}),
    )
    .await
    .data();
}
