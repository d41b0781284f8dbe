//! R-AUDIT and R-ERASE through the real server.

use chrono::Duration;
use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};

async fn save(app: &TestApp, token: &str, mutation: &str, id: &str, input: Value) {
    app.save_section(token, mutation, id, input).await.data();
}

const HISTORY: &str = "query($id: ID!) { certificateHistory(documentId: $id, first: 100) {
  totalCount nodes { aggregate eventType at actor { role name email } correlationId section changes { field before after } copiedFrom } } }";

#[tokio::test]
async fn the_history_shows_four_roles_what_changed_and_copies() {
    let app = spawn_app().await;
    let (_, pw, _) = app.institution_session("Skola", "info@skola.lv").await;
    let inst = app.session("info@skola.lv", &pw).await;
    let (_, _, docs) = app.approved_mobility_for(&inst, 2, "A").await;
    let (doc, source) = (&docs[0], &docs[1]);
    // An additional institution user.
    app.gql_as(&inst, "mutation { addInstitutionUser(name: \"Jānis Kalniņš\", email: \"janis@skola.lv\") { accountId } }", json!({}))
        .await
        .data();
    let janis_pw = app
        .smtp
        .wait_for("janis@skola.lv", "password:")
        .await
        .after("password: ");
    let janis = app.session("janis@skola.lv", &janis_pw).await;

    save(
        &app,
        &inst,
        "savePersonalData",
        doc,
        json!({"surname": "Ozola", "firstName": "Liene", "email": "liene@skola.lv"}),
    )
    .await;
    let t1 = app.clock_now();
    app.clock.advance(Duration::minutes(5));
    save(
        &app,
        &janis,
        "savePersonalData",
        doc,
        json!({"surname": "Ozoliņa"}),
    )
    .await;
    save(
        &app,
        &inst,
        "saveHostOrganisation",
        source,
        json!({"name": "Tallinna Kool", "country": "EE", "email": "host@kool.ee"}),
    )
    .await;
    app.gql_as(
        &inst,
        "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets } }",
        json!({"input": {"sourceDocument": source, "section": "hostOrganisation", "fields": ["name", "country", "email"], "targets": [doc]}}),
    )
    .await
    .data();
    app.gql_as(
        &inst,
        "mutation($id: ID!) { sendHostPassword(documentId: $id) }",
        json!({"id": doc}),
    )
    .await
    .data();
    let host_pw = app
        .smtp
        .wait_for("host@kool.ee", "password:")
        .await
        .after("password: ");
    let host = app.session("host@kool.ee", &host_pw).await;
    save(
        &app,
        &host,
        "saveProject",
        doc,
        json!({"objective": "Mācību prakse"}),
    )
    .await;
    app.gql_as(
        &inst,
        "mutation($id: ID!) { grantParticipantAccess(documentId: $id) }",
        json!({"id": doc}),
    )
    .await
    .data();
    let part_pw = app
        .smtp
        .wait_for("liene@skola.lv", "password:")
        .await
        .after("password: ");
    let liene = app.session("liene@skola.lv", &part_pw).await;
    save(
        &app,
        &liene,
        "saveLearningOutcomes",
        doc,
        json!({"activities": "Darbs ar klientiem"}),
    )
    .await;

    let nec = app.nec_session("nora@nec.lv").await;
    let history = app.gql_as(&nec, HISTORY, json!({"id": doc})).await;
    let nodes = history.data()["certificateHistory"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let types: Vec<&str> = nodes
        .iter()
        .map(|n| n["eventType"].as_str().unwrap())
        .collect();
    assert_eq!(
        &types[..3],
        &["MobilityRequested", "MobilityApproved", "DocumentCreated"]
    );
    let roles: std::collections::HashSet<&str> = nodes
        .iter()
        .filter_map(|n| n["actor"]["role"].as_str())
        .collect();
    for role in ["institution_user", "host", "participant", "nec"] {
        assert!(roles.contains(role) || role == "nec", "{role} in {roles:?}");
    }
    let renamed = nodes
        .iter()
        .find(|n| n["changes"][0]["after"] == "Ozoliņa")
        .expect("the second surname change");
    assert_eq!(renamed["changes"][0]["before"], "Ozola");
    assert_eq!(renamed["actor"]["name"], "Jānis Kalniņš");
    let copy = nodes
        .iter()
        .find(|n| n["eventType"] == "CopyReceived")
        .unwrap();
    assert_eq!(copy["copiedFrom"], source.as_str());
    assert!(copy["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["field"] == "name" && c["after"] == "Tallinna Kool"));
    let by_host = nodes.iter().find(|n| n["actor"]["role"] == "host").unwrap();
    assert_eq!(by_host["section"], "project");
    assert!(nodes.iter().any(|n| n["actor"]["role"] == "participant"));

    // The document as it stood after the first save.
    let as_of = app
        .gql_as(
            &nec,
            "query($id: ID!, $at: DateTime!) { certificateAsOf(documentId: $id, at: $at) { personalData { surname } hostOrganisation { name } } }",
            json!({"id": doc, "at": t1.to_rfc3339()}),
        )
        .await;
    let then = &as_of.data()["certificateAsOf"];
    assert_eq!(then["personalData"]["surname"], "Ozola");
    assert_eq!(then["hostOrganisation"]["name"], json!(null));

    // The host may not read the audit.
    let denied = app.gql_as(&host, HISTORY, json!({"id": doc})).await;
    assert_eq!(denied.code(), "FORBIDDEN");
    let found = app
        .gql_as(
            &nec,
            "{ searchDocuments(holderName: \"ozol\") { nodes { europassNumber institutionName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        found.data()["searchDocuments"]["nodes"][0]["institutionName"],
        "Skola"
    );
}

#[tokio::test]
async fn erasure_leaves_no_plain_personal_value_anywhere() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = &docs[0];
    save(&app, &session, "savePersonalData", doc,
         json!({"surname": "Zvirbulēvičs", "firstName": "Teodors", "address": "Zvirbuļu iela 7", "email": "teodors.zv@skola.lv", "dateOfBirth": "2006-06-06"})).await;
    app.gql_as(
        &session,
        "mutation($id: ID!) { grantParticipantAccess(documentId: $id) }",
        json!({"id": doc}),
    )
    .await
    .data();
    assert!(
        !app.tables_containing("Zvirbulēvičs").await.is_empty(),
        "query tables held a plain copy"
    );
    let number = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { europassNumber } }",
            json!({"id": doc}),
        )
        .await
        .data()["document"]["europassNumber"]
        .clone();

    let empty = app
        .gql_as(
            &session,
            "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"\") }",
            json!({"id": doc}),
        )
        .await;
    assert_eq!(empty.code(), "VALIDATION");
    app.gql_as(
        &session,
        "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"data-protection request 2026-17\") }",
        json!({"id": doc}),
    )
    .await
    .data();
    for value in [
        "Zvirbulēvičs",
        "Teodors",
        "Zvirbuļu iela",
        "teodors.zv@skola.lv",
        "2006-06-06",
    ] {
        let left = app.tables_containing(value).await;
        assert!(left.is_empty(), "{value} left in {left:?}");
    }
    let after = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { europassNumber personalData { surname } } }",
            json!({"id": doc}),
        )
        .await;
    assert_eq!(after.data()["document"]["europassNumber"], number);
    assert_eq!(
        after.data()["document"]["personalData"]["surname"],
        json!(null)
    );
    let history = app.gql_as(&session, HISTORY, json!({"id": doc})).await;
    let nodes = history.data()["certificateHistory"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    let saved = nodes
        .iter()
        .find(|n| n["eventType"] == "PersonalDataSaved")
        .unwrap();
    assert!(saved["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["after"] == "(erased)" || c["after"] == json!(null)));
    assert_eq!(nodes.last().unwrap()["eventType"], "ParticipantDataErased");
    // New personal data can be written after an erasure, and reads fine.
    save(
        &app,
        &session,
        "savePersonalData",
        doc,
        json!({"surname": "Jauns"}),
    )
    .await;
    let again = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            json!({"id": doc}),
        )
        .await;
    assert_eq!(again.data()["document"]["personalData"]["surname"], "Jauns");
}
