//! R-ISOLATION (issue 18): no command of one institution reaches another's accounts, files or
//! sessions. Each test plays a hostile or confused institution against people who belong to
//! others, and checks that nothing of theirs changed, that a refusal wrote nothing anywhere,
//! and that a replay finds the query tables equal to the event store afterwards.

use europass_tests::{png, spawn_app, TestApp};
use projections::{all_projections, replay};
use serde_json::{json, Value};

const GRANT: &str = "mutation($id: ID!) { grantParticipantAccess(documentId: $id) }";
const INVITE_HOST: &str = "mutation($id: ID!) { sendHostPassword(documentId: $id) }";
const ERASE: &str =
    "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"data-protection request\") }";

async fn save(app: &TestApp, token: &str, mutation: &str, id: &str, input: Value) {
    app.save_section(token, mutation, id, input).await.data();
}

/// The query tables equal a rebuild from the event store.
async fn replay_finds_no_difference(app: &TestApp) {
    app.projected().await;
    let differences = replay::verify(&app.pool, &all_projections()).await.unwrap();
    assert!(differences.is_empty(), "{differences:?}");
}

/// Every row that could change when an account is touched: events, keys, sessions, mail.
async fn footprint(app: &TestApp) -> (i64, i64, i64, usize) {
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM subject_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    (
        app.event_count().await,
        keys,
        sessions,
        app.smtp.all().len(),
    )
}

/// The session still answers as its owner.
async fn still_logged_in(app: &TestApp, token: &str, email: &str) {
    let me = app.gql_as(token, "{ me { email } }", json!({})).await;
    assert_eq!(me.data()["me"]["email"], email, "{email}'s session ended");
}

async fn invited_password(app: &TestApp, email: &str) -> String {
    app.smtp
        .wait_for(email, "password:")
        .await
        .after("password: ")
}

async fn upload_photo(app: &TestApp, token: &str, document: &str, bytes: Vec<u8>) -> String {
    let answer = app
        .client
        .post(format!("{}/documents/{document}/photo", app.address))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    answer.json::<Value>().await.unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Fills every mandatory field, so that a certificate can be issued.
async fn complete(app: &TestApp, token: &str, id: &str) {
    save(app, token, "savePersonalData", id,
         json!({"surname": "Bērziņš", "firstName": "Ādams", "dateOfBirth": "2007-03-04", "nationality": "LV"})).await;
    save(app, token, "saveHostOrganisation", id,
         json!({"name": "Berufsschule München", "organisationType": {"code": "VET_PROVIDER"},
                "address": "Musterstraße 1", "country": "DE", "mentorFirstName": "Jürgen", "mentorLastName": "Müller"})).await;
    save(
        app,
        token,
        "saveProject",
        id,
        json!({"objective": "Metināšana", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
    )
    .await;
    save(
        app,
        token,
        "saveLearningOutcomes",
        id,
        json!({"activities": "Praktika"}),
    )
    .await;
}

#[tokio::test]
async fn an_invitation_never_reaches_an_account_of_another_kind_and_a_refusal_writes_nothing() {
    let app = spawn_app().await;
    let nec_password = app.nec_account("nora@nec.lv").await;
    let nec = app.session("nora@nec.lv", &nec_password).await;
    let (other, other_password, _) = app.institution_session("Cita skola", "cita@skola.lv").await;
    let (hostile, _, docs) = app.approved_mobility("hostile@skola.lv", 2).await;

    // The NEC user's e-mail as the participant, the other institution's user's as the host.
    save(
        &app,
        &hostile,
        "savePersonalData",
        &docs[0],
        json!({"email": "nora@nec.lv"}),
    )
    .await;
    save(
        &app,
        &hostile,
        "saveHostOrganisation",
        &docs[1],
        json!({"email": "cita@skola.lv"}),
    )
    .await;
    app.projected().await;
    let before = footprint(&app).await;

    let grant = app.gql_as(&hostile, GRANT, json!({"id": docs[0]})).await;
    assert_eq!(
        (grant.code(), grant.reason()),
        ("REJECTED", "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT")
    );
    let host = app
        .gql_as(&hostile, INVITE_HOST, json!({"id": docs[1]}))
        .await;
    assert_eq!(
        (host.code(), host.reason()),
        ("REJECTED", "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT")
    );
    // A group with one such document refuses all of it.
    save(
        &app,
        &hostile,
        "savePersonalData",
        &docs[1],
        json!({"email": "new@skola.lv"}),
    )
    .await;
    let before_group = footprint(&app).await;
    let group = app
        .gql_as(
            &hostile,
            "mutation($ids: [ID!]!) { grantParticipantAccessToGroup(documentIds: $ids) }",
            json!({"ids": [docs[1], docs[0]]}),
        )
        .await;
    assert_eq!(group.reason(), "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT");
    assert_eq!(
        footprint(&app).await,
        before_group,
        "the group wrote nothing"
    );
    let access = app
        .gql_as(
            &hostile,
            "query($id: ID!) { document(id: $id) { participantAccess { email } } }",
            json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        access.data()["document"]["participantAccess"]["email"],
        json!(null),
        "the refused grant left no e-mail in the document's access"
    );

    // Erasing the document that names the NEC user touches no account.
    let (events, keys, sessions, mails) = before;
    app.gql_as(&hostile, ERASE, json!({"id": docs[0]}))
        .await
        .data();
    let (_, keys_after, sessions_after, mails_after) = footprint(&app).await;
    assert!(app.event_count().await > events);
    assert_eq!(
        keys_after, keys,
        "the document's key was replaced, no key deleted"
    );
    assert_eq!((sessions_after, mails_after), (sessions, mails));
    still_logged_in(&app, &nec, "nora@nec.lv").await;
    still_logged_in(&app, &other, "cita@skola.lv").await;
    app.session("nora@nec.lv", &nec_password).await;
    app.session("cita@skola.lv", &other_password).await;
    replay_finds_no_difference(&app).await;
    // The refusals name the document's field that holds the e-mail.
    assert_eq!(grant.field(), "personalData.email");
    assert_eq!(host.field(), "hostOrganisation.email");
}

#[tokio::test]
async fn inviting_someone_who_already_has_an_account_adds_a_grant_and_keeps_their_password() {
    let app = spawn_app().await;
    let (a, _, docs_a) = app.approved_mobility("a@skola.lv", 1).await;
    let (b, _, docs_b) = app.approved_mobility("b@skola.lv", 1).await;
    save(
        &app,
        &a,
        "saveHostOrganisation",
        &docs_a[0],
        json!({"email": "mentor@host.de"}),
    )
    .await;
    save(
        &app,
        &a,
        "savePersonalData",
        &docs_a[0],
        json!({"email": "anna@skola.lv"}),
    )
    .await;
    app.gql_as(&a, INVITE_HOST, json!({"id": docs_a[0]}))
        .await
        .data();
    app.gql_as(&a, GRANT, json!({"id": docs_a[0]})).await.data();
    let host_password = invited_password(&app, "mentor@host.de").await;
    let anna_password = invited_password(&app, "anna@skola.lv").await;
    let host = app.session("mentor@host.de", &host_password).await;
    let anna = app.session("anna@skola.lv", &anna_password).await;

    // Institution b names the same people in its own document and invites them.
    save(
        &app,
        &b,
        "saveHostOrganisation",
        &docs_b[0],
        json!({"email": "mentor@host.de"}),
    )
    .await;
    save(
        &app,
        &b,
        "savePersonalData",
        &docs_b[0],
        json!({"email": "anna@skola.lv"}),
    )
    .await;
    let mails_before = app.smtp.all().len();
    app.gql_as(&b, INVITE_HOST, json!({"id": docs_b[0]}))
        .await
        .data();
    app.gql_as(&b, GRANT, json!({"id": docs_b[0]})).await.data();
    let told = app
        .smtp
        .wait_for("anna@skola.lv", "password you already have")
        .await;
    assert!(
        !told.text.contains("password:"),
        "no new password: {}",
        told.text
    );
    app.smtp
        .wait_for("mentor@host.de", "password you already have")
        .await;
    assert!(app.smtp.all().len() >= mails_before + 2);

    // Their sessions and passwords are untouched; they now see both documents.
    still_logged_in(&app, &host, "mentor@host.de").await;
    still_logged_in(&app, &anna, "anna@skola.lv").await;
    let anna = app.session("anna@skola.lv", &anna_password).await;
    app.session("mentor@host.de", &host_password).await;
    for id in [&docs_a[0], &docs_b[0]] {
        let seen = app
            .gql_as(
                &anna,
                "query($id: ID!) { document(id: $id) { id } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(seen.data()["document"]["id"], id.as_str());
    }

    // Erasing b's document ends anna's grant there and nothing else: her account, password,
    // session and a's document stay.
    app.gql_as(&b, ERASE, json!({"id": docs_b[0]})).await.data();
    still_logged_in(&app, &anna, "anna@skola.lv").await;
    let anna = app.session("anna@skola.lv", &anna_password).await;
    let own = app
        .gql_as(
            &anna,
            "query($id: ID!) { document(id: $id) { id } }",
            json!({"id": docs_a[0]}),
        )
        .await;
    assert_eq!(own.data()["document"]["id"], docs_a[0].as_str());
    let gone = app
        .gql_as(
            &anna,
            "query($id: ID!) { document(id: $id) { id } }",
            json!({"id": docs_b[0]}),
        )
        .await;
    assert_eq!(gone.code(), "NOT_FOUND");
    replay_finds_no_difference(&app).await;
}

#[tokio::test]
async fn hosts_and_participants_get_neither_the_certificate_nor_what_is_not_theirs() {
    let app = spawn_app().await;
    let (a, _, docs) = app.approved_mobility("a@skola.lv", 1).await;
    let doc = &docs[0];
    complete(&app, &a, doc).await;
    save(
        &app,
        &a,
        "saveHostOrganisation",
        doc,
        json!({"email": "mentor@host.de"}),
    )
    .await;
    save(
        &app,
        &a,
        "savePersonalData",
        doc,
        json!({"email": "anna@skola.lv"}),
    )
    .await;
    let photo = upload_photo(&app, &a, doc, png(300, 400)).await;
    let pdf = get(&app, &a, &format!("/documents/{doc}/certificate.pdf")).await;
    assert_eq!(pdf.status(), 200);
    let certificate = pdf.headers()["etag"]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .to_string();
    app.gql_as(&a, INVITE_HOST, json!({"id": doc})).await.data();
    app.gql_as(&a, GRANT, json!({"id": doc})).await.data();
    let host_password = invited_password(&app, "mentor@host.de").await;
    let host = app.session("mentor@host.de", &host_password).await;
    let anna_password = invited_password(&app, "anna@skola.lv").await;
    let anna = app.session("anna@skola.lv", &anna_password).await;
    let nec = app.nec_session("nora@nec.lv").await;

    let file = |sha: &str| format!("/files/{sha}");
    // The holder's photo: the institution, NEC staff and the participant; never the host.
    assert_eq!(get(&app, &a, &file(&photo)).await.status(), 200);
    assert_eq!(get(&app, &nec, &file(&photo)).await.status(), 200);
    assert_eq!(get(&app, &anna, &file(&photo)).await.status(), 200);
    assert_eq!(get(&app, &host, &file(&photo)).await.status(), 404);
    // The issued PDF: the institution and NEC staff only.
    assert_eq!(get(&app, &a, &file(&certificate)).await.status(), 200);
    assert_eq!(get(&app, &nec, &file(&certificate)).await.status(), 200);
    assert_eq!(get(&app, &anna, &file(&certificate)).await.status(), 404);
    assert_eq!(get(&app, &host, &file(&certificate)).await.status(), 404);
    let served = get(&app, &a, &file(&photo)).await;
    assert!(served.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));

    const FIELDS: &str = "query($id: ID!) { document(id: $id) { certificates { sha256 } participantAccess { email } } }";
    let own = app.gql_as(&a, FIELDS, json!({"id": doc})).await;
    assert_eq!(
        own.data()["document"]["certificates"][0]["sha256"],
        certificate.as_str()
    );
    assert_eq!(
        own.data()["document"]["participantAccess"]["email"],
        "anna@skola.lv"
    );
    let host_view = app.gql_as(&host, FIELDS, json!({"id": doc})).await;
    assert_eq!(host_view.data()["document"]["certificates"], json!([]));
    assert_eq!(
        host_view.data()["document"]["participantAccess"],
        json!(null)
    );
    let anna_view = app.gql_as(&anna, FIELDS, json!({"id": doc})).await;
    assert_eq!(anna_view.data()["document"]["certificates"], json!([]));
    assert_eq!(
        anna_view.data()["document"]["participantAccess"]["email"],
        "anna@skola.lv"
    );
    let history = app
        .gql_as(
            &host,
            "query($id: ID!) { document(id: $id) { history { nodes { eventType } } } }",
            json!({"id": doc}),
        )
        .await;
    assert_eq!(history.code(), "FORBIDDEN");
}

#[tokio::test]
async fn erasure_keeps_what_is_not_the_participants_and_files_others_still_use() {
    let app = spawn_app().await;
    let (a, _, docs_a) = app.approved_mobility("a@skola.lv", 1).await;
    let (b, _, docs_b) = app.approved_mobility("b@skola.lv", 1).await;
    complete(&app, &b, &docs_b[0]).await;
    // The same photo bytes in two institutions' documents: stored once.
    let bytes = png(300, 400);
    let photo = upload_photo(&app, &a, &docs_a[0], bytes.clone()).await;
    assert_eq!(upload_photo(&app, &b, &docs_b[0], bytes).await, photo);
    save(&app, &a, "saveHostOrganisation", &docs_a[0],
         json!({"mentorFirstName": "Jürgen", "mentorLastName": "Müller", "phone": "+49 89 123456", "email": "mentor@host.de"})).await;
    save(
        &app,
        &a,
        "savePersonalData",
        &docs_a[0],
        json!({"surname": "Zvirbulēvičs"}),
    )
    .await;
    app.gql_as(&a, INVITE_HOST, json!({"id": docs_a[0]}))
        .await
        .data();
    let host_password = invited_password(&app, "mentor@host.de").await;

    app.gql_as(&a, ERASE, json!({"id": docs_a[0]})).await.data();
    // b's document keeps its photo and its certificate prints with it.
    assert_eq!(
        get(&app, &b, &format!("/files/{photo}")).await.status(),
        200
    );
    let pdf = get(
        &app,
        &b,
        &format!("/documents/{}/certificate.pdf", docs_b[0]),
    )
    .await;
    assert_eq!(pdf.status(), 200);
    // The mentor is not the participant: kept, and the host still sees the document.
    const HOST: &str = "query($id: ID!) { document(id: $id) { personalData { surname photoSha256 } hostOrganisation { mentorFirstName mentorLastName phone email } } }";
    let after = app.gql_as(&a, HOST, json!({"id": docs_a[0]})).await;
    let document = &after.data()["document"];
    assert_eq!(document["personalData"]["surname"], json!(null));
    assert_eq!(document["personalData"]["photoSha256"], json!(null));
    assert_eq!(
        document["hostOrganisation"],
        json!({"mentorFirstName": "Jürgen", "mentorLastName": "Müller", "phone": "+49 89 123456", "email": "mentor@host.de"})
    );
    let host = app.session("mentor@host.de", &host_password).await;
    let seen = app.gql_as(&host, HOST, json!({"id": docs_a[0]})).await;
    assert_eq!(
        seen.data()["document"]["hostOrganisation"]["mentorLastName"],
        "Müller"
    );
    assert!(app.tables_containing("Zvirbulēvičs").await.is_empty());
    replay_finds_no_difference(&app).await;
}

#[tokio::test]
async fn erasure_is_one_transaction_a_failure_changes_nothing_and_a_retry_completes_it() {
    let app = spawn_app().await;
    let (a, _, docs) = app.approved_mobility("a@skola.lv", 1).await;
    let doc = &docs[0];
    save(
        &app,
        &a,
        "savePersonalData",
        doc,
        json!({"surname": "Zvirbulēvičs", "email": "teo@skola.lv"}),
    )
    .await;
    let photo = upload_photo(&app, &a, doc, png(320, 400)).await;
    app.gql_as(&a, GRANT, json!({"id": doc})).await.data();
    let password = invited_password(&app, "teo@skola.lv").await;
    let teo = app.session("teo@skola.lv", &password).await;

    // The last step of the erasure fails, as a crash there would.
    sqlx::raw_sql(
        "CREATE FUNCTION fail_erasure() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
         CREATE TRIGGER fail_erasure BEFORE DELETE ON sessions
           FOR EACH STATEMENT EXECUTE FUNCTION fail_erasure();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let before = footprint(&app).await;
    let failed = app.gql_as(&a, ERASE, json!({"id": doc})).await;
    assert_eq!(failed.code(), "INTERNAL", "{:?}", failed.error());
    assert_eq!(
        footprint(&app).await,
        before,
        "nothing of the erasure stayed"
    );
    still_logged_in(&app, &teo, "teo@skola.lv").await;
    assert_eq!(
        get(&app, &a, &format!("/files/{photo}")).await.status(),
        200
    );
    let surname = app
        .gql_as(
            &a,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            json!({"id": doc}),
        )
        .await;
    assert_eq!(
        surname.data()["document"]["personalData"]["surname"],
        "Zvirbulēvičs"
    );

    sqlx::query("DROP TRIGGER fail_erasure ON sessions")
        .execute(&app.pool)
        .await
        .unwrap();
    app.gql_as(&a, ERASE, json!({"id": doc})).await.data();
    // The participant's only grant ended: the account is closed, its key and sessions gone,
    // the photo deleted.
    let me = app.gql_as(&teo, "{ me { email } }", json!({})).await;
    assert_eq!(me.code(), "UNAUTHENTICATED");
    let blob: i64 = sqlx::query_scalar("SELECT count(*) FROM blobs WHERE sha256 = $1")
        .bind(&photo)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(blob, 0);
    let account_key: i64 =
        sqlx::query_scalar("SELECT count(*) FROM subject_keys WHERE subject = 'account/' || $1")
            .bind(
                domain::account::account_id_for(
                    &domain::values::Email::parse("teo@skola.lv").unwrap(),
                )
                .to_string(),
            )
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(account_key, 0);
    // A retry after success writes nothing and answers the same.
    let events = app.event_count().await;
    app.gql_as(&a, ERASE, json!({"id": doc})).await.data();
    assert_eq!(app.event_count().await, events);
    assert!(app.tables_containing("Zvirbulēvičs").await.is_empty());
    assert!(app.tables_containing("teo@skola.lv").await.is_empty());
    replay_finds_no_difference(&app).await;
}

#[tokio::test]
async fn only_the_institutions_that_invited_a_host_hear_of_its_first_login() {
    let app = spawn_app().await;
    let (a, _, docs_a) = app.approved_mobility("a@skola.lv", 1).await;
    let (b, _, docs_b) = app.approved_mobility("b@skola.lv", 1).await;
    save(
        &app,
        &a,
        "saveHostOrganisation",
        &docs_a[0],
        json!({"email": "mentor@host.de"}),
    )
    .await;
    // b only writes the address into its document; it never invites the host.
    save(
        &app,
        &b,
        "saveHostOrganisation",
        &docs_b[0],
        json!({"email": "mentor@host.de"}),
    )
    .await;
    app.projected().await;
    app.gql_as(&a, INVITE_HOST, json!({"id": docs_a[0]}))
        .await
        .data();
    let password = invited_password(&app, "mentor@host.de").await;
    app.session("mentor@host.de", &password).await;
    app.smtp.wait_for("a@skola.lv", "has logged in").await;
    const NOTICES: &str = "{ notifications { nodes { kind } } }";
    let told = app.gql_as(&a, NOTICES, json!({})).await;
    assert_eq!(
        told.data()["notifications"]["nodes"][0]["kind"],
        "HOST_REGISTERED"
    );
    let not_told = app.gql_as(&b, NOTICES, json!({})).await;
    assert_eq!(not_told.data()["notifications"]["nodes"], json!([]));
    assert!(app
        .smtp
        .to("b@skola.lv")
        .iter()
        .all(|m| !m.text.contains("has logged in")));
}
