//! R-SESSION and login: 20 minutes without activity, sliding on every call, logout,
//! wrong passwords and throttling.

use chrono::Duration;
use europass_tests::spawn_app;
use serde_json::json;

const SESSION: &str = "{ session { expiresAt secondsLeft } }";

#[tokio::test]
async fn a_session_ends_after_20_idle_minutes() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let s = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(s.data()["session"]["secondsLeft"], 1200);
    app.clock.advance(Duration::minutes(20));
    let expired = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(
        (expired.code(), expired.reason()),
        ("EXPIRED", "SESSION_EXPIRED")
    );
    // Once reported, the session is gone.
    let gone = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(gone.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn every_authenticated_call_extends_the_session() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    for _ in 0..4 {
        app.clock.advance(Duration::minutes(19));
        let s = app.gql_as(&session, "{ me { email } }", json!({})).await;
        s.data();
    }
    app.clock.advance(Duration::minutes(10));
    let s = app
        .gql_as(
            &session,
            "{ me { email } session { secondsLeft } }",
            json!({}),
        )
        .await;
    // The call itself extended the session again before answering (reading `session` alone
    // would not: see the countdown test in request_hygiene.rs).
    assert_eq!(s.data()["session"]["secondsLeft"], 1200);
}

#[tokio::test]
async fn saved_work_survives_an_expired_session() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.gql_as(
        &session,
        "mutation { updateBaseData(input: {address: \"Brīvības iela 1, Rīga\"}) { address } }",
        json!({}),
    )
    .await
    .data();
    app.clock.advance(Duration::hours(3));
    let again = app.login("info@skola.lv", &password).await;
    let token = again.data()["login"]["token"].as_str().unwrap().to_string();
    let me = app
        .gql_as(&token, "{ me { institution { address } } }", json!({}))
        .await;
    assert_eq!(
        me.data()["me"]["institution"]["address"],
        "Brīvības iela 1, Rīga"
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.gql_as(&session, "mutation { logout }", json!({}))
        .await
        .data();
    let after = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(after.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn anonymous_and_forged_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let anonymous = app.gql("{ me { email } }", json!({})).await;
    assert_eq!(anonymous.code(), "UNAUTHENTICATED");
    let forged = app
        .gql_as("forged-token", "{ me { email } }", json!({}))
        .await;
    assert_eq!(forged.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    let app = spawn_app().await;
    let (_, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let wrong = app.login("info@skola.lv", "wrong password").await;
    assert_eq!(
        (wrong.code(), wrong.reason()),
        ("UNAUTHENTICATED", "INVALID_CREDENTIALS")
    );
    let unknown = app.login("nobody@skola.lv", "whatever").await;
    assert_eq!(
        unknown.reason(),
        "INVALID_CREDENTIALS",
        "same answer for unknown e-mails"
    );
    for _ in 0..4 {
        app.login("info@skola.lv", "wrong password").await;
    }
    let blocked = app.login("info@skola.lv", &password).await;
    assert_eq!(blocked.code(), "THROTTLED");
    assert!(
        blocked.error()["extensions"]["retryAfterSeconds"]
            .as_i64()
            .unwrap()
            > 0
    );
    app.clock.advance(Duration::minutes(15));
    app.login("info@skola.lv", &password).await.data();
}

#[tokio::test]
async fn a_password_can_be_changed() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let weak = app
        .gql_as(
            &session,
            "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"short\") }",
            json!({"c": password}),
        )
        .await;
    assert_eq!((weak.code(), weak.field()), ("VALIDATION", "newPassword"));
    let wrong = app
        .gql_as(
            &session,
            "mutation { changePassword(currentPassword: \"nope\", newPassword: \"a much better one\") }",
            json!({}),
        )
        .await;
    assert_eq!(
        (wrong.code(), wrong.field()),
        ("VALIDATION", "currentPassword")
    );
    app.gql_as(
        &session,
        "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a much better one\") }",
        json!({"c": password}),
    )
    .await
    .data();
    assert_eq!(
        app.login("info@skola.lv", &password).await.code(),
        "UNAUTHENTICATED"
    );
    app.login("info@skola.lv", "a much better one").await.data();
}

#[tokio::test]
async fn an_emailed_password_expires_unless_changed_and_can_be_reset() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    app.gql_as(
        &session,
        "mutation { addInstitutionUser(name: \"Anna\", email: \"anna@skola.lv\") { accountId } }",
        json!({}),
    )
    .await
    .data();
    let mailed = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    app.clock.advance(Duration::days(14));
    let expired = app.login("anna@skola.lv", &mailed).await;
    assert_eq!(
        (expired.code(), expired.reason()),
        ("EXPIRED", "PASSWORD_EXPIRED")
    );

    // Unknown e-mails get the same answer and no mail.
    for email in ["anna@skola.lv", "nobody@skola.lv"] {
        app.gql(
            "mutation($e: String!) { requestPasswordReset(email: $e) }",
            json!({"e": email}),
        )
        .await
        .data();
    }
    assert!(app.smtp.to("nobody@skola.lv").is_empty());
    let token = app
        .smtp
        .wait_for("anna@skola.lv", "reset token:")
        .await
        .after("reset token: ");
    let reset = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }";
    let weak = app.gql(reset, json!({"t": token, "p": "short"})).await;
    assert_eq!(weak.field(), "newPassword");
    app.gql(reset, json!({"t": token, "p": "Her own passphrase"}))
        .await
        .data();
    let again = app
        .gql(reset, json!({"t": token, "p": "another passphrase"}))
        .await;
    assert_eq!(again.reason(), "TOKEN_UNKNOWN");
    let login = app.login("anna@skola.lv", "Her own passphrase").await;
    assert_eq!(login.data()["login"]["mustChangePassword"], false);
}

/// Issue 8: a section save by a session this process already knows skips the authentication
/// statement; its append proves the session itself. So a save still slides the session,
/// and an expired, ended or foreign-logged-out session saves nothing.
#[tokio::test]
async fn a_section_save_by_a_known_session_slides_it_and_an_ended_one_saves_nothing() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("known@skola.lv", 1).await;
    let doc = &docs[0];
    let save = |surname: &'static str| {
        let (app, session) = (&app, session.clone());
        async move {
            app.save_section(
                &session,
                "savePersonalData",
                doc,
                json!({"surname": surname}),
            )
            .await
        }
    };
    save("Pirmais").await.data();
    // Only saves for 19 minutes at a time: each slides the session.
    for name in ["Otrais", "Trešais", "Ceturtais"] {
        app.clock.advance(Duration::minutes(19));
        save(name).await.data();
    }
    let s = app.gql_as(&session, SESSION, json!({})).await;
    assert_eq!(s.data()["session"]["secondsLeft"], 1200);

    // Expired: the save is refused as an expired session, and writes nothing.
    let events = app.event_count().await;
    app.clock.advance(Duration::minutes(20));
    let expired = save("Piektais").await;
    assert_eq!(
        (expired.code(), expired.reason()),
        ("EXPIRED", "SESSION_EXPIRED")
    );
    assert_eq!(app.event_count().await, events);

    // Ended behind this process's back (another server's logout): nothing saved either.
    let (other, _, docs) = app.approved_mobility("known2@skola.lv", 1).await;
    app.save_section(
        &other,
        "savePersonalData",
        &docs[0],
        json!({"surname": "A"}),
    )
    .await
    .data();
    sqlx::query("DELETE FROM sessions")
        .execute(&app.pool)
        .await
        .unwrap();
    let events = app.event_count().await;
    let ended = app
        .save_section(
            &other,
            "savePersonalData",
            &docs[0],
            json!({"surname": "B"}),
        )
        .await;
    assert_eq!(ended.code(), "UNAUTHENTICATED");
    assert_eq!(app.event_count().await, events);
}
