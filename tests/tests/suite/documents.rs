//! R-PERSONAL, R-HOSTORG, R-PROJECT, R-OUTCOMES, R-COPY, R-COMPLETE, R-LANG through the server.

use europass_tests::{copy_sections, png, spawn_app, Answer, TestApp};
use serde_json::{json, Value};

const DOC: &str = "query($id: ID!, $lang: Language) { document(id: $id) {
  europassNumber language holderName complete
  missingFields(language: $lang) { section field path label }
  personalData { surname firstName dateOfBirth nationality address email photoSha256 }
  hostOrganisation { name organisationType { code textEn } address country mentorFirstName mentorLastName position phone email }
  project { objective programmeEn qualification stay purpose { code textEn } startDate endDate }
  learningOutcomes { activities jobRelatedSkills digitalSkills languageSkills { language listening writing } }
  history(first: 100) { nodes { eventType actorRole copiedFrom } }
} }";

async fn document(app: &TestApp, session: &str, id: &str) -> Value {
    app.gql_as(session, DOC, json!({"id": id})).await.data()["document"].clone()
}

async fn save(app: &TestApp, session: &str, mutation: &str, id: &str, input: Value) -> Answer {
    app.save_section(session, mutation, id, input).await
}

fn host() -> Value {
    json!({
        "name": "Berufsschule München", "organisationType": {"code": "VET_PROVIDER"},
        "address": "Musterstraße 1, München", "country": "DE",
        "mentorFirstName": "Jürgen", "mentorLastName": "Müller", "position": "Meister",
        "phone": "+49 89 123456", "email": "mentor@bs-muenchen.de"
    })
}

fn project() -> Value {
    json!({"objective": "Metināšanas prakse", "stay": "PHYSICAL",
           "purpose": {"other": "Darba vidē balstītas mācības"},
           "startDate": "2026-12-01", "endDate": "2026-12-14"})
}

fn outcomes() -> Value {
    json!({"activities": "Metināšana ar MIG/MAG; darba drošība", "jobRelatedSkills": "MIG welding",
           "languageSkills": [{"language": "de", "listening": "B1", "reading": "A2",
                                "spokenInteraction": "A2", "spokenProduction": "A2", "writing": "A1"}]})
}

#[tokio::test]
async fn a_document_is_filled_section_by_section_until_complete() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 2).await;
    let id = &docs[0];
    let blank = document(&app, &session, id).await;
    assert_eq!(blank["complete"], false);
    assert_eq!(blank["language"], "EN");
    assert!(blank["europassNumber"]
        .as_str()
        .unwrap()
        .starts_with("LV/2026/"));
    assert_eq!(blank["missingFields"].as_array().unwrap().len(), 11);

    // Partial saves: one field now, more later; nothing saved is lost.
    save(
        &app,
        &session,
        "savePersonalData",
        id,
        json!({"surname": "Bērziņš"}),
    )
    .await
    .data();
    save(
        &app,
        &session,
        "savePersonalData",
        id,
        json!({"firstName": "Ādams", "dateOfBirth": "2008-05-17", "nationality": "lv"}),
    )
    .await
    .data();
    save(&app, &session, "saveHostOrganisation", id, host())
        .await
        .data();
    save(&app, &session, "saveProject", id, project())
        .await
        .data();
    let last = save(&app, &session, "saveLearningOutcomes", id, outcomes()).await;
    assert_eq!(last.data()["saveLearningOutcomes"]["complete"], true);

    let doc = document(&app, &session, id).await;
    assert_eq!(doc["holderName"], "Ādams Bērziņš");
    assert_eq!(doc["personalData"]["surname"], "Bērziņš");
    assert_eq!(doc["personalData"]["nationality"], "LV");
    assert_eq!(doc["hostOrganisation"]["mentorLastName"], "Müller");
    assert_eq!(
        doc["hostOrganisation"]["organisationType"]["code"],
        "VET_PROVIDER"
    );
    assert_eq!(doc["project"]["stay"], "PHYSICAL");
    assert_eq!(
        doc["project"]["purpose"]["textEn"],
        "Darba vidē balstītas mācības"
    );
    assert_eq!(
        doc["learningOutcomes"]["languageSkills"][0]["listening"],
        "B1"
    );
    assert_eq!(doc["missingFields"], json!([]));

    // The document language is the document's own.
    let lv = app
        .gql_as(
            &session,
            "mutation($id: ID!) { setDocumentLanguage(documentId: $id, language: LV) { language } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(lv.data()["setDocumentLanguage"]["language"], "LV");
    // Clearing a mandatory field makes it missing again, labelled in the interface language.
    save(
        &app,
        &session,
        "savePersonalData",
        id,
        json!({"firstName": ""}),
    )
    .await
    .data();
    let missing = app
        .gql_as(&session, DOC, json!({"id": id, "lang": "LV"}))
        .await;
    let missing = &missing.data()["document"]["missingFields"];
    assert_eq!(missing[0]["path"], "personalData.firstName");
    assert_eq!(missing[0]["label"], "Vārds(-i)");
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let id = &docs[0];
    let before = app.event_count().await;
    let cases = [
        (
            "savePersonalData",
            json!({"surname": "x".repeat(10_000)}),
            "personalData.surname",
        ),
        (
            "savePersonalData",
            json!({"email": "nope"}),
            "personalData.email",
        ),
        (
            "savePersonalData",
            json!({"nationality": "XX"}),
            "personalData.nationality",
        ),
        (
            "savePersonalData",
            json!({"dateOfBirth": "2030-01-01"}),
            "personalData.dateOfBirth",
        ),
        (
            "saveHostOrganisation",
            json!({"country": "US"}),
            "hostOrganisation.country",
        ),
        (
            "saveHostOrganisation",
            json!({"phone": "call me"}),
            "hostOrganisation.phone",
        ),
        (
            "saveHostOrganisation",
            json!({"organisationType": {"code": "NOPE"}}),
            "hostOrganisation.organisationType",
        ),
        (
            "saveProject",
            json!({"startDate": "2026-12-10", "endDate": "2026-12-01"}),
            "project.endDate",
        ),
        (
            "saveLearningOutcomes",
            json!({"languageSkills": [{"language": "xx", "listening": "B1"}]}),
            "learningOutcomes.languageSkills[0].language",
        ),
    ];
    for (mutation, input, field) in cases {
        let answer = save(&app, &session, mutation, id, input.clone()).await;
        assert_eq!(
            (answer.code(), answer.field()),
            ("VALIDATION", field),
            "{input}"
        );
    }
    assert_eq!(app.event_count().await, before);
}

#[tokio::test]
async fn a_host_country_outside_the_procedure_scope_is_refused() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "B").await;
    let answer = save(
        &app,
        &session,
        "saveHostOrganisation",
        &docs[0],
        json!({"country": "TR"}),
    )
    .await;
    assert_eq!(
        (answer.code(), answer.reason()),
        ("VALIDATION", "COUNTRY_OUT_OF_SCOPE")
    );
    // Procedure A includes Türkiye.
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    save(
        &app,
        &session,
        "saveHostOrganisation",
        &docs[0],
        json!({"country": "TR"}),
    )
    .await
    .data();
}

const COPY: &str = "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets clientMutationId } }";

#[tokio::test]
async fn three_sections_are_copied_to_twenty_documents_with_their_origin() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 21).await;
    let (source, targets) = (&docs[0], &docs[1..]);
    save(&app, &session, "saveHostOrganisation", source, host())
        .await
        .data();
    save(&app, &session, "saveProject", source, project())
        .await
        .data();
    save(&app, &session, "saveLearningOutcomes", source, outcomes())
        .await
        .data();
    for (section, fields) in copy_sections() {
        let answer = app
            .gql_as(
                &session,
                COPY,
                json!({"input": {"sourceDocument": source, "section": section, "fields": fields, "targets": targets}}),
            )
            .await;
        assert_eq!(answer.data()["copyToDocuments"]["targets"], 20);
    }
    // Later edits of the source do not spread.
    save(
        &app,
        &session,
        "saveHostOrganisation",
        source,
        json!({"name": "Cita skola"}),
    )
    .await
    .data();
    for target in targets {
        let doc = document(&app, &session, target).await;
        assert_eq!(doc["hostOrganisation"]["name"], "Berufsschule München");
        assert_eq!(doc["hostOrganisation"]["mentorFirstName"], "Jürgen");
        assert_eq!(
            doc["hostOrganisation"]["phone"],
            json!(null),
            "only chosen fields"
        );
        assert_eq!(doc["project"]["endDate"], "2026-12-14");
        assert_eq!(
            doc["learningOutcomes"]["languageSkills"][0]["language"],
            "de"
        );
        let copies: Vec<&Value> = doc["history"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["eventType"] == "CopyReceived")
            .collect();
        assert_eq!(copies.len(), 3);
        assert!(copies.iter().all(|c| c["copiedFrom"] == source.as_str()));
    }
}

#[tokio::test]
async fn a_retried_copy_changes_nothing_twice() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 4).await;
    save(&app, &session, "saveHostOrganisation", &docs[0], host())
        .await
        .data();
    let input = json!({"input": {"sourceDocument": docs[0], "section": "hostOrganisation",
        "fields": ["name", "country"], "targets": &docs[1..], "clientMutationId": "copy-1"}});
    app.gql_as(&session, COPY, input.clone()).await.data();
    let after_first = app.event_count().await;
    let again = app.gql_as(&session, COPY, input).await;
    assert_eq!(
        again.data()["copyToDocuments"]["clientMutationId"],
        "copy-1"
    );
    assert_eq!(app.event_count().await, after_first);
    let reused = app
        .gql_as(
            &session,
            COPY,
            json!({"input": {"sourceDocument": docs[0], "section": "hostOrganisation",
                "fields": ["name"], "targets": &docs[1..], "clientMutationId": "copy-1"}}),
        )
        .await;
    assert_eq!(reused.reason(), "CLIENT_MUTATION_ID_REUSED");
}

#[tokio::test]
async fn bad_copies_are_refused_whole() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    let (_, _, other) = app.approved_mobility_for(&session, 1, "A").await;
    save(&app, &session, "saveHostOrganisation", &docs[0], host())
        .await
        .data();
    let before = app.event_count().await;
    let copy = |section: &str, fields: Value, targets: Value| json!({"input": {"sourceDocument": docs[0], "section": section, "fields": fields, "targets": targets}});
    let cases = [
        (
            copy(
                "hostOrganisation",
                json!(["name"]),
                json!([docs[1], other[0]]),
            ),
            "TARGET_NOT_IN_MOBILITY",
        ),
        (
            copy("hostOrganisation", json!(["nonsense"]), json!([docs[1]])),
            "UNKNOWN_FIELD",
        ),
        (
            copy("personalData", json!(["surname"]), json!([docs[1]])),
            "SECTION_NOT_COPYABLE",
        ),
        (
            copy("hostOrganisation", json!(["name"]), json!([docs[0]])),
            "COPY_FROM_ITSELF",
        ),
        (
            copy("hostOrganisation", json!(["name"]), json!([])),
            "TARGET_COUNT_OUT_OF_RANGE",
        ),
    ];
    for (input, reason) in cases {
        let answer = app.gql_as(&session, COPY, input).await;
        assert_eq!(answer.reason(), reason, "{}", answer.body);
    }
    assert_eq!(app.event_count().await, before);
    // Another institution cannot even see the documents.
    let (stranger, _, _) = app.institution_session("Cita", "cita@skola.lv").await;
    let answer = app.gql_as(&stranger, DOC, json!({"id": docs[0]})).await;
    assert_eq!(answer.code(), "NOT_FOUND");
    let nec = app.nec_session("nora@nec.lv").await;
    let read = app.gql_as(&nec, DOC, json!({"id": docs[0]})).await;
    read.data();
    let write = save(
        &app,
        &nec,
        "saveProject",
        &docs[0],
        json!({"objective": "x"}),
    )
    .await;
    assert_eq!(write.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_photo_is_checked_stored_by_hash_and_served_only_to_those_who_may_see_it() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let url = format!("{}/documents/{}/photo", app.address, docs[0]);
    let post =
        |body: Vec<u8>, token: String| app.client.post(&url).bearer_auth(token).body(body).send();
    let not_image = post(b"GIF89a not really".to_vec(), session.clone())
        .await
        .unwrap();
    assert_eq!(not_image.status(), 422);
    let text = post(b"hello, I am text".to_vec(), session.clone())
        .await
        .unwrap();
    let body: Value = text.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["reason"], "NOT_AN_IMAGE");
    let oversize = post(vec![0u8; 6 * 1024 * 1024], session.clone())
        .await
        .unwrap();
    assert_eq!(oversize.status(), 413);
    let anonymous = app
        .client
        .post(&url)
        .body(png(100, 120))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let ok = post(png(300, 400), session.clone()).await.unwrap();
    assert_eq!(ok.status(), 200);
    let sha = ok.json::<Value>().await.unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let doc = document(&app, &session, &docs[0]).await;
    assert_eq!(doc["personalData"]["photoSha256"], sha.as_str());
    let file = app
        .client
        .get(format!("{}/files/{sha}", app.address))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert!(file.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let (stranger, _, _) = app.institution_session("Cita", "cita@skola.lv").await;
    let denied = app
        .client
        .get(format!("{}/files/{sha}", app.address))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 404);
}

/// Issue 22: the copy takes the section's input names; `type`, its old name for
/// `organisationType`, still works.
#[tokio::test]
async fn the_copy_names_the_organisation_type_as_the_section_does() {
    let app = europass_tests::spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    app.save_section(
        &session,
        "saveHostOrganisation",
        &docs[0],
        json!({"organisationType": {"code": "VET_PROVIDER"}}),
    )
    .await
    .data();
    let copy =
        "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets } }";
    for (name, target) in [("organisationType", &docs[1]), ("type", &docs[2])] {
        let input = json!({"sourceDocument": docs[0], "section": "hostOrganisation", "fields": [name], "targets": [target]});
        app.gql_as(&session, copy, json!({"input": input}))
            .await
            .data();
        let read = app
            .gql_as(&session, "query($id: ID!) { document(id: $id) { hostOrganisation { organisationType { code } } missingFields { path field } } }", json!({"id": target}))
            .await;
        let document = &read.data()["document"];
        assert_eq!(
            document["hostOrganisation"]["organisationType"]["code"], "VET_PROVIDER",
            "copied as {name}"
        );
        assert!(
            !document["missingFields"].to_string().contains("\"type\""),
            "{document}"
        );
    }
    let missing = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { missingFields { path field } } }",
            json!({"id": docs[0]}),
        )
        .await;
    assert!(
        !missing.data().to_string().contains("organisationType"),
        "the source has it"
    );
    let fresh = app.approved_mobility("other@skola.lv", 1).await;
    let missing = app
        .gql_as(
            &fresh.0,
            "query($id: ID!) { document(id: $id) { missingFields { path field } } }",
            json!({"id": fresh.2[0]}),
        )
        .await;
    let missing = missing.data()["document"]["missingFields"].to_string();
    assert!(
        missing.contains("\"hostOrganisation.organisationType\"")
            && missing.contains("\"organisationType\""),
        "{missing}"
    );
}
