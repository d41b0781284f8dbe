//! R-REG through the real server: register, confirm by the e-mailed link, log in.

use chrono::Duration;
use europass_tests::{spawn_app, t0};
use serde_json::json;

#[tokio::test]
async fn a_person_registers_confirms_logs_in_and_sees_the_institution() {
    let app = spawn_app().await;
    let answer = app.register("Rīgas Valsts tehnikums", "Info@RVT.lv").await;
    let started = &answer.data()["registerInstitution"];
    assert_eq!(started["email"], "info@rvt.lv");
    let expires =
        chrono::DateTime::parse_from_rfc3339(started["linkExpiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires, t0() + Duration::hours(48));

    let mail = app
        .smtp
        .wait_for("info@rvt.lv", "confirm-registration")
        .await;
    assert!(
        mail.text.contains("Rīgas Valsts tehnikums"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("48 hours"));
    // Headers that large providers and auto-responders look for (read by mail-parser).
    assert!(mail
        .header("Message-ID")
        .is_some_and(|id| id.starts_with('<') && id.contains('@')));
    assert_eq!(mail.header("MIME-Version").as_deref(), Some("1.0"));
    assert_eq!(
        mail.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(
        mail.text.contains("2026-11-04 09:00 UTC"),
        "expiry in the mail"
    );
    assert!(
        !mail.text.to_lowercase().contains("password:"),
        "no password in the link mail"
    );

    let token = mail.after("confirm-registration?token=");
    let confirmed = app.confirm(&token).await;
    let password = confirmed.data()["confirmRegistration"]["password"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(password.len() >= 16);

    let login = app.login("info@rvt.lv", &password).await;
    let session = login.data()["login"]["token"].as_str().unwrap().to_string();
    let me = app
        .gql_as(
            &session,
            "{ me { email role isPrimaryUser institution { name email missingBaseData } } }",
            json!({}),
        )
        .await;
    let me = &me.data()["me"];
    assert_eq!(me["email"], "info@rvt.lv");
    assert_eq!(me["role"], "INSTITUTION_USER");
    assert_eq!(me["isPrimaryUser"], true);
    assert_eq!(me["institution"]["name"], "Rīgas Valsts tehnikums");
    assert_eq!(
        me["institution"]["missingBaseData"],
        json!(["address", "country", "contactPerson", "phone"])
    );
}

/// The seed's rule: "a registration with an e-mail that already has an account answers like
/// any other and tells that e-mail's owner instead" (a refusal told anybody which e-mails have
/// accounts).
#[tokio::test]
async fn a_registration_with_an_email_that_has_an_account_answers_alike_and_tells_the_owner() {
    let app = spawn_app().await;
    app.institution_session("Skola", "info@skola.lv").await;
    app.register("Gaidoša skola", "pending@skola.lv")
        .await
        .data();
    for email in ["  INFO@skola.LV ", "pending@skola.lv"] {
        let before = app.event_count().await;
        let answer = app.register("Cita skola", email).await;
        let started = &answer.data()["registerInstitution"];
        assert_eq!(started["email"], email.trim().to_lowercase());
        let expires =
            chrono::DateTime::parse_from_rfc3339(started["linkExpiresAt"].as_str().unwrap())
                .unwrap();
        assert_eq!(expires, t0() + Duration::hours(48));
        assert_eq!(app.event_count().await, before, "nothing registered");
        let notice = app
            .smtp
            .wait_for(&email.trim().to_lowercase(), "tried to register")
            .await;
        assert!(!notice.text.contains("Cita skola"), "nothing they typed");
        assert!(!notice.text.contains("confirm-registration?token="));
    }
    // The answer was the one a registration gets: the same institution id as the real one.
    let faked = app.register("Cita skola", "info@skola.lv").await.data()["registerInstitution"]
        ["institutionId"]
        .clone();
    let real = app.register("Cita skola", "info@cita.lv").await;
    assert_eq!(real.data()["registerInstitution"]["institutionId"], faked);
    app.registration_token("info@cita.lv").await;
}

#[tokio::test]
async fn notices_to_an_existing_account_are_limited_to_three_an_hour() {
    let app = spawn_app().await;
    app.institution_session("Skola", "info@skola.lv").await;
    for i in 0..5 {
        app.register(&format!("Skola {i}"), "info@skola.lv")
            .await
            .data();
    }
    let notices = app
        .smtp
        .to("info@skola.lv")
        .iter()
        .filter(|m| m.text.contains("tried to register"))
        .count();
    assert_eq!(notices, 3);
}

/// The seed's rule: an institution registers once, by its name with case, white space, quotes
/// and punctuation folded; whoever else works there is added by its users.
#[tokio::test]
async fn an_institution_registers_once_by_its_normalised_name() {
    let app = spawn_app().await;
    app.register("Rīgas Valsts tehnikums", "info@rvt.lv")
        .await
        .data();
    let before = app.event_count().await;
    for (name, email) in [
        ("  „RĪGAS valsts   tehnikums” ", "janis@rvt.lv"),
        ("Rīgas Valsts tehnikums.", "info@rvt.lv"),
        ("\"Rīgas-Valsts tehnikums\"", "nobody@cita.lv"),
    ] {
        let again = app.register(name, email).await;
        assert_eq!(
            (again.code(), again.reason(), again.field()),
            ("REJECTED", "INSTITUTION_ALREADY_REGISTERED", "name"),
            "{name}"
        );
        assert!(
            again.error()["message"]
                .as_str()
                .unwrap()
                .contains("ask one of its users to add you"),
            "{}",
            again.body
        );
    }
    assert_eq!(app.event_count().await, before, "a refusal writes nothing");
    assert!(app.smtp.to("janis@rvt.lv").is_empty());
    assert!(app.smtp.to("nobody@cita.lv").is_empty());
    // Other names are other institutions.
    app.register("Rīgas Valsts tehnikums 2", "janis@rvt.lv")
        .await
        .data();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_name_register_it_once() {
    let app = spawn_app().await;
    let answers = futures::future::join_all((0..8).map(|i| {
        let app = &app;
        async move {
            app.register(
                &format!("Skola{}", " ".repeat(i)),
                &format!("u{i}@skola.lv"),
            )
            .await
        }
    }))
    .await;
    let registered = answers
        .iter()
        .filter(|a| a.body.get("errors").is_none())
        .count();
    assert_eq!(registered, 1, "{answers:?}");
    for refused in answers.iter().filter(|a| a.body.get("errors").is_some()) {
        assert_eq!(refused.reason(), "INSTITUTION_ALREADY_REGISTERED");
    }
    let institutions: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT aggregate_id) FROM events WHERE aggregate_type = 'institution'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(institutions, 1);
    let accounts: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT aggregate_id) FROM events WHERE aggregate_type = 'account'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(accounts, 1, "refused registrations open no account");
}

#[tokio::test]
async fn a_new_link_can_be_requested_and_replaces_the_old_one() {
    let app = spawn_app().await;
    app.register("Skola", "info@skola.lv").await.data();
    let first = app.registration_token("info@skola.lv").await;
    app.clock.advance(Duration::hours(40));
    let resent = app
        .gql(
            "mutation { resendRegistrationLink(email: \"info@skola.lv\") { linkExpiresAt } }",
            json!({}),
        )
        .await;
    resent.data();
    assert_eq!(app.smtp.to("info@skola.lv").len(), 2);
    let second = app.registration_token("info@skola.lv").await;
    assert_ne!(first, second);

    let old = app.confirm(&first).await;
    assert_eq!((old.code(), old.reason()), ("NOT_FOUND", "TOKEN_UNKNOWN"));
    // 40 + 47 hours after the first link, 47 after the second: still valid.
    app.clock.advance(Duration::hours(47));
    app.confirm(&second).await.data();
}

#[tokio::test]
async fn a_link_expires_after_48_hours() {
    let app = spawn_app().await;
    app.register("Skola", "info@skola.lv").await.data();
    let token = app.registration_token("info@skola.lv").await;
    app.clock.advance(Duration::hours(48));
    let before = app.event_count().await;
    let answer = app.confirm(&token).await;
    assert_eq!(
        (answer.code(), answer.reason()),
        ("EXPIRED", "TOKEN_EXPIRED")
    );
    assert_eq!(app.event_count().await, before);
}

#[tokio::test]
async fn a_link_works_just_before_48_hours_and_only_once() {
    let app = spawn_app().await;
    app.register("Skola", "info@skola.lv").await.data();
    let token = app.registration_token("info@skola.lv").await;
    app.clock
        .advance(Duration::hours(48) - Duration::seconds(1));
    app.confirm(&token).await.data();
    let again = app.confirm(&token).await;
    assert_eq!((again.code(), again.reason()), ("REJECTED", "TOKEN_USED"));
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_refused_clearly() {
    let app = spawn_app().await;
    for token in [
        "",
        "nonsense",
        "00000000-0000-0000-0000-000000000000.abc",
        "'; DROP TABLE events; --",
    ] {
        let answer = app.confirm(token).await;
        assert_eq!(answer.code(), "NOT_FOUND", "{token}");
        assert_eq!(answer.reason(), "TOKEN_UNKNOWN");
    }
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn bad_registration_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let long = "x".repeat(10_000);
    let cases = [
        ("Skola", "not-an-email", "email"),
        ("Skola", "", "email"),
        ("Skola", "a@b", "email"),
        ("Skola", "<script>alert(1)</script>@x.lv", "email"),
        ("", "info@skola.lv", "name"),
        ("   ", "info@skola.lv", "name"),
        (long.as_str(), "info@skola.lv", "name"),
    ];
    for (name, email, field) in cases {
        let answer = app.register(name, email).await;
        assert_eq!(answer.code(), "VALIDATION", "{name:.20} / {email}");
        assert_eq!(answer.field(), field);
    }
    assert_eq!(app.event_count().await, 0);
    assert!(app.smtp.all().is_empty());
}

#[tokio::test]
async fn markup_and_sql_like_names_are_stored_as_plain_text() {
    let app = spawn_app().await;
    let name = "Robert'); DROP TABLE events;-- <b>Skola</b>";
    let (session, _, _) = app.institution_session(name, "bobby@skola.lv").await;
    let me = app
        .gql_as(&session, "{ me { institution { name } } }", json!({}))
        .await;
    assert_eq!(me.data()["me"]["institution"]["name"], name);
}

#[tokio::test]
async fn the_confirmation_page_shows_the_password_once() {
    let app = spawn_app().await;
    app.register("Skola", "info@skola.lv").await.data();
    let token = app.registration_token("info@skola.lv").await;
    let mut browser = europass_tests::portal::Visitor::new(&app);
    let form = browser
        .get(&format!("/confirm-registration?token={token}"))
        .await;
    assert!(form.body.contains("<form method=\"post\""));
    // Opening the link alone does not use it.
    let page = browser
        .post("/confirm-registration", &[("token", token.as_str())])
        .await;
    let password = page.by_id("password").expect("password on the page");
    app.login("info@skola.lv", &password).await.data();
    // A second confirmation shows no password.
    let again = browser
        .post("/confirm-registration", &[("token", token.as_str())])
        .await;
    assert!(again.by_id("password").is_none(), "{}", again.text());
}

#[tokio::test]
async fn asking_for_a_new_link_answers_alike_whether_or_not_the_email_has_an_account() {
    let app = spawn_app().await;
    app.register("Gaidoša skola", "pending@skola.lv")
        .await
        .data();
    app.institution_session("Aktīva skola", "active@skola.lv")
        .await;
    const RESEND: &str = "mutation($email: String!) { resendRegistrationLink(email: $email) { institutionId email linkExpiresAt } }";
    let mut answers = vec![];
    for email in ["pending@skola.lv", "active@skola.lv", "nobody@skola.lv"] {
        let answer = app.gql(RESEND, json!({"email": email})).await;
        let mut data = answer.data()["resendRegistrationLink"].clone();
        assert_eq!(data["email"], email);
        data["email"] = json!(null);
        answers.push(data);
    }
    assert_eq!(
        answers[0], answers[1],
        "an active account answers like a pending one"
    );
    assert_eq!(
        answers[0], answers[2],
        "no account answers like a pending one"
    );
    assert_eq!(
        answers[0]["institutionId"], "",
        "nobody learns an institution by an e-mail"
    );
    // Only the pending registration gets a new link.
    assert_eq!(app.smtp.to("pending@skola.lv").len(), 2);
    assert!(app.smtp.to("nobody@skola.lv").is_empty());
}
