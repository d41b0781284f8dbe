//! R-BASE, R-USERS, R-AUTHZ for institutions; the next steps of a portal's home page.

use europass_tests::spawn_app;
use serde_json::json;

const UPDATE: &str = "mutation($input: BaseDataInput!) {
  updateBaseData(input: $input) { name address country contactPerson phone email website missingBaseData }
}";

#[tokio::test]
async fn base_data_can_be_changed_at_any_time() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let answer = app
        .gql_as(
            &session,
            UPDATE,
            json!({"input": {
                "name": "Jelgavas Valsts ģimnāzija",
                "address": "Mātera iela 44, Jelgava",
                "country": "lv",
                "contactPerson": "Anna Bērziņa",
                "phone": "+371 63 000 000",
                "email": "kanceleja@jvg.lv",
                "website": "https://jvg.lv"
            }}),
        )
        .await;
    let base = &answer.data()["updateBaseData"];
    assert_eq!(base["name"], "Jelgavas Valsts ģimnāzija");
    assert_eq!(base["country"], "LV");
    assert_eq!(base["email"], "kanceleja@jvg.lv");
    assert_eq!(base["missingBaseData"], json!([]));

    // A later partial change keeps the rest; an empty string clears an optional field.
    let answer = app
        .gql_as(
            &session,
            UPDATE,
            json!({"input": {"website": "", "phone": "+371 20 000 000"}}),
        )
        .await;
    let base = &answer.data()["updateBaseData"];
    assert_eq!(base["website"], json!(null));
    assert_eq!(base["phone"], "+371 20 000 000");
    assert_eq!(base["address"], "Mātera iela 44, Jelgava");

    let steps = app
        .gql_as(&session, "{ nextSteps { kind available } }", json!({}))
        .await;
    assert_eq!(
        steps.data()["nextSteps"],
        json!([
            {"kind": "COMPLETE_BASE_DATA", "available": false},
            {"kind": "REQUEST_MOBILITY", "available": true},
            {"kind": "EDIT_DOCUMENTS", "available": true},
            {"kind": "UPLOAD_SIGNATURE", "available": true}
        ])
    );
}

#[tokio::test]
async fn invalid_base_data_is_refused_whole_and_names_the_field() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let before = app.event_count().await;
    for (input, field) in [
        (json!({"country": "XX", "address": "ok"}), "country"),
        (json!({"phone": "call me"}), "phone"),
        (json!({"email": "nope"}), "email"),
        (json!({"website": "javascript:alert(1)"}), "website"),
        (json!({"name": ""}), "name"),
        (
            json!({"contactPerson": "x".repeat(10_000)}),
            "contactPerson",
        ),
    ] {
        let answer = app.gql_as(&session, UPDATE, json!({"input": input})).await;
        assert_eq!(answer.code(), "VALIDATION", "{input}");
        assert_eq!(answer.field(), field);
    }
    assert_eq!(app.event_count().await, before);
}

const ADD: &str = "mutation($name: String!, $email: String!) {
  addInstitutionUser(name: $name, email: $email) { accountId name email }
}";

#[tokio::test]
async fn up_to_three_additional_users_each_get_their_own_password() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let mut ids = vec![];
    for (name, email) in [
        ("Anna Bērziņa", "anna@skola.lv"),
        ("Jānis Kalniņš", "janis@skola.lv"),
        ("Līga Ozola", "liga@skola.lv"),
    ] {
        let added = app
            .gql_as(&session, ADD, json!({"name": name, "email": email}))
            .await;
        let user = &added.data()["addInstitutionUser"];
        assert_eq!(user["name"], name);
        ids.push(user["accountId"].as_str().unwrap().to_string());
        let mail = app.smtp.wait_for(email, "password:").await;
        assert!(mail.text.contains(name), "the mail greets the user by name");
        // A Latvian subject travels RFC 2047-encoded and is read back whole.
        assert!(
            mail.text.starts_with(
                "Subject: Europass Mobility: your user account / jūsu lietotāja konts\n"
            ),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("Skola"));
    }
    let fourth = app
        .gql_as(
            &session,
            ADD,
            json!({"name": "Pēteris", "email": "peteris@skola.lv"}),
        )
        .await;
    assert_eq!(
        (fourth.code(), fourth.reason()),
        ("REJECTED", "USER_LIMIT_REACHED")
    );
    assert!(app.smtp.to("peteris@skola.lv").is_empty());

    // An additional user logs in with the mailed password and must change it.
    let password = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    let login = app.login("anna@skola.lv", &password).await;
    assert_eq!(login.data()["login"]["mustChangePassword"], true);
    let anna = login.data()["login"]["token"].as_str().unwrap().to_string();
    let me = app
        .gql_as(
            &anna,
            "{ me { isPrimaryUser institution { name users { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(me.data()["me"]["isPrimaryUser"], false);
    assert_eq!(
        me.data()["me"]["institution"]["users"],
        json!([{"email": "anna@skola.lv"}, {"email": "janis@skola.lv"}, {"email": "liga@skola.lv"}])
    );

    // Removing a user ends their session at once and frees a place.
    app.gql_as(
        &session,
        "mutation($id: ID!) { removeInstitutionUser(accountId: $id) }",
        json!({"id": ids[0]}),
    )
    .await
    .data();
    let after = app.gql_as(&anna, "{ me { email } }", json!({})).await;
    assert_eq!(after.code(), "UNAUTHENTICATED");
    assert_eq!(
        app.login("anna@skola.lv", &password).await.code(),
        "UNAUTHENTICATED"
    );
    app.gql_as(
        &session,
        ADD,
        json!({"name": "Pēteris", "email": "peteris@skola.lv"}),
    )
    .await
    .data();
}

#[tokio::test]
async fn a_user_email_that_is_taken_is_refused() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.institution_session("Cita", "info@cita.lv").await;
    let answer = app
        .gql_as(&session, ADD, json!({"name": "X", "email": "INFO@cita.lv"}))
        .await;
    assert_eq!(answer.reason(), "EMAIL_ALREADY_REGISTERED");
}

#[tokio::test]
async fn institutions_see_only_themselves_and_the_nec_sees_all() {
    let app = spawn_app().await;
    let (a, _, a_id) = app.institution_session("Skola A", "a@skola.lv").await;
    let (_, _, b_id) = app.institution_session("Skola B", "b@skola.lv").await;
    let query = "query($id: ID) { institution(id: $id) { name } }";
    let own = app.gql_as(&a, query, json!({"id": a_id})).await;
    assert_eq!(own.data()["institution"]["name"], "Skola A");
    let other = app.gql_as(&a, query, json!({"id": b_id})).await;
    let missing = app
        .gql_as(&a, query, json!({"id": uuid::Uuid::new_v4().to_string()}))
        .await;
    assert_eq!(other.code(), "NOT_FOUND");
    assert_eq!(
        other.body["errors"][0]["message"],
        missing.body["errors"][0]["message"]
    );

    let nec = app.nec_session("nora@nec.lv").await;
    let seen = app.gql_as(&nec, query, json!({"id": b_id})).await;
    assert_eq!(seen.data()["institution"]["name"], "Skola B");
    let forbidden = app
        .gql_as(&nec, UPDATE, json!({"input": {"name": "Hijack"}}))
        .await;
    assert_eq!(forbidden.code(), "FORBIDDEN");
}

#[tokio::test]
async fn events_carry_actor_role_the_servers_correlation_id_and_clock_time() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&session)
        .json(&json!({"query": "mutation { updateBaseData(input: {address: \"Rīga\"}) { address } }"}))
        .send()
        .await
        .unwrap();
    let correlation = response.headers()["x-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    let metadata: serde_json::Value = sqlx::query_scalar(
        "SELECT metadata::jsonb FROM events WHERE event_type = 'BaseDataChanged'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(metadata["correlation_id"], correlation);
    assert_eq!(metadata["actor_role"], "institution_user");
    assert!(metadata["actor_id"].is_string());
    assert_eq!(metadata["at"], europass_tests::t0().to_rfc3339());
}

#[tokio::test]
async fn personal_data_is_not_stored_in_plain_text_in_events() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.gql_as(
        &session,
        UPDATE,
        json!({"input": {"contactPerson": "Anna Bērziņa"}}),
    )
    .await
    .data();
    let plain: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE payload::text LIKE '%Anna%' OR payload::text LIKE '%info@skola.lv%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(plain, 0);
}
