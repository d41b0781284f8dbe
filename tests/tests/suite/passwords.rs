//! Issue 18, class 7: weak passwords (a repeated character, the account's own e-mail, the
//! usual first guesses) are refused with VALIDATION naming `newPassword`, and change nothing;
//! password-reset e-mails are limited, and asking for one does the same work whether or not
//! the e-mail has an account.

use chrono::Duration;
use europass_tests::{spawn_app, TestApp};
use serde_json::json;

const CHANGE: &str =
    "mutation($c: String!, $p: String!) { changePassword(currentPassword: $c, newPassword: $p) }";
const RESET: &str =
    "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }";
const REQUEST_RESET: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";

async fn reset_token(app: &TestApp, email: &str) -> String {
    app.gql(REQUEST_RESET, json!({"e": email})).await.data();
    app.smtp
        .wait_for(email, "reset token:")
        .await
        .after("reset token: ")
}

#[tokio::test]
async fn weak_passwords_are_refused_naming_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let (session, password, _) = app
        .institution_session("Skola", "janis.berzins@skola.lv")
        .await;
    let before = app.event_count().await;
    for (weak, reason) in [
        ("aaaaaaaaaa", "PASSWORD_TOO_SIMPLE"),
        ("abababababab", "PASSWORD_TOO_SIMPLE"),
        ("janis.berzins@skola.lv", "PASSWORD_CONTAINS_EMAIL"),
        ("JanisBerzins2026", "PASSWORD_CONTAINS_EMAIL"),
        ("password123", "PASSWORD_TOO_COMMON"),
        ("1234567890", "PASSWORD_TOO_COMMON"),
        ("qwertyuiop", "PASSWORD_TOO_COMMON"),
    ] {
        let answer = app
            .gql_as(&session, CHANGE, json!({"c": password, "p": weak}))
            .await;
        assert_eq!(
            (answer.code(), answer.field(), answer.reason()),
            ("VALIDATION", "newPassword", reason),
            "{weak}"
        );
    }
    assert_eq!(app.event_count().await, before, "a refusal writes nothing");
    app.login("janis.berzins@skola.lv", &password).await.data();

    // The same rule for a reset.
    let token = reset_token(&app, "janis.berzins@skola.lv").await;
    let before = app.event_count().await;
    for weak in ["aaaaaaaaaa", "janis.berzins@skola.lv"] {
        let answer = app.gql(RESET, json!({"t": token, "p": weak})).await;
        assert_eq!(
            (answer.code(), answer.field()),
            ("VALIDATION", "newPassword")
        );
    }
    assert_eq!(app.event_count().await, before);
    app.gql(RESET, json!({"t": token, "p": "Pavasaris pie jūras"}))
        .await
        .data();
    app.login("janis.berzins@skola.lv", "Pavasaris pie jūras")
        .await
        .data();
}

#[tokio::test]
async fn a_reset_with_a_wrong_token_does_not_tell_the_accounts_email() {
    let app = spawn_app().await;
    app.institution_session("Skola", "info@skola.lv").await;
    // Account ids are derived from e-mails: anybody can compute one.
    let email = domain::values::Email::parse("info@skola.lv").unwrap();
    let id = domain::account::account_id_for(&email);
    reset_token(&app, "info@skola.lv").await;
    // A password with the e-mail in it gets the answer any wrong token gets.
    let answer = app
        .gql(
            RESET,
            json!({"t": format!("{id}.guessed"), "p": "info@skola.lv 2026"}),
        )
        .await;
    assert_eq!(
        (answer.code(), answer.reason()),
        ("NOT_FOUND", "TOKEN_UNKNOWN")
    );
}

#[tokio::test]
async fn at_most_three_reset_mails_an_hour_and_the_answer_is_always_the_same() {
    let app = spawn_app().await;
    app.institution_session("Skola", "info@skola.lv").await;
    for _ in 0..5 {
        let answer = app.gql(REQUEST_RESET, json!({"e": "info@skola.lv"})).await;
        assert_eq!(answer.data()["requestPasswordReset"], true);
    }
    let resets = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM events WHERE event_type = 'PasswordResetRequested'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    // Links are issued after the answer: wait (bounded) for the three.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while resets().await < 3 || reset_mails(&app) < 3 {
        assert!(tokio::time::Instant::now() < deadline, "three reset mails");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(resets().await, 3);
    assert_eq!(reset_mails(&app), 3);
    // The newest mail's link works.
    let token = app
        .smtp
        .wait_for("info@skola.lv", "reset token:")
        .await
        .after("reset token: ");
    // An hour later, one more.
    app.clock.advance(Duration::hours(1));
    app.gql(REQUEST_RESET, json!({"e": "info@skola.lv"}))
        .await
        .data();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while reset_mails(&app) < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "a fourth reset mail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let newer = app
        .smtp
        .wait_for("info@skola.lv", "reset token:")
        .await
        .after("reset token: ");
    assert_ne!(newer, token);
    app.gql(RESET, json!({"t": newer, "p": "Pavasaris pie jūras"}))
        .await
        .data();
}

fn reset_mails(app: &TestApp) -> usize {
    app.smtp
        .to("info@skola.lv")
        .iter()
        .filter(|m| m.text.contains("reset token:"))
        .count()
}

/// The answer does not wait for what only an existing account causes (issuing a link,
/// mailing it): with the mail server stalled, a reset for an e-mail with an account answers as
/// promptly as one for an e-mail without.
#[tokio::test]
async fn a_reset_request_answers_without_waiting_for_the_accounts_mail() {
    let app = spawn_app().await;
    app.institution_session("Skola", "info@skola.lv").await;
    let held = app.smtp.hold().await;
    for email in ["info@skola.lv", "nobody@skola.lv"] {
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            app.gql(REQUEST_RESET, json!({"e": email})),
        )
        .await
        .unwrap_or_else(|_| panic!("the answer for {email} waited for the mail server"));
        assert_eq!(answer.data()["requestPasswordReset"], true);
    }
    drop(held);
    app.smtp.wait_for("info@skola.lv", "reset token:").await;
    assert!(app.smtp.to("nobody@skola.lv").is_empty());
}
