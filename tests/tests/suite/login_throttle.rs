//! Issue 18, class 7: the login throttle counts an attempt before verifying it (so concurrent
//! wrong passwords cannot slip past the limit), per e-mail and client address (so guessing
//! from one address locks nobody out elsewhere), with a ceiling per e-mail that guessing
//! from many addresses reaches, and that does not block where the owner logged in before.

use europass_tests::spawn_app;
use futures::future::join_all;
use std::net::IpAddr;

fn address(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_24_concurrent_wrong_passwords_at_most_5_are_verified() {
    let app = spawn_app().await;
    let (_, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let answers = join_all((0..24).map(|i| {
        let app = &app;
        async move {
            app.login("info@skola.lv", &format!("wrong guess {i}"))
                .await
        }
    }))
    .await;
    let reasons: Vec<&str> = answers
        .iter()
        .map(|a| match a.code() {
            "THROTTLED" => "THROTTLED",
            _ => a.reason(),
        })
        .collect();
    let verified = reasons
        .iter()
        .filter(|r| **r == "INVALID_CREDENTIALS")
        .count();
    let throttled = reasons.iter().filter(|r| **r == "THROTTLED").count();
    assert_eq!((verified, throttled), (5, 19), "{reasons:?}");
    // The right password is refused too from this address, unverified.
    assert_eq!(
        app.login("info@skola.lv", &password).await.code(),
        "THROTTLED"
    );
}

#[tokio::test]
async fn a_blocked_address_does_not_lock_the_owner_out_from_another() {
    let app = spawn_app().await;
    let password = app.nec_account("nora@nec.lv").await;
    for _ in 0..5 {
        let wrong = app
            .login_from(address(2), "nora@nec.lv", "a wrong one")
            .await;
        assert_eq!(wrong.reason(), "INVALID_CREDENTIALS");
    }
    let blocked = app.login_from(address(2), "nora@nec.lv", &password).await;
    assert_eq!(blocked.code(), "THROTTLED");
    // The owner, elsewhere, gets in with the right password.
    let elsewhere = app.login_from(address(3), "nora@nec.lv", &password).await;
    assert!(elsewhere.data()["login"]["token"].is_string());
    // And the blocked address stays blocked.
    let still = app.login_from(address(2), "nora@nec.lv", &password).await;
    assert_eq!(still.code(), "THROTTLED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guessing_from_many_addresses_is_capped_per_email_except_where_the_owner_logged_in() {
    let app = spawn_app().await;
    let password = app.nec_account("nora@nec.lv").await;
    // The owner's usual address.
    app.login_from(address(3), "nora@nec.lv", &password)
        .await
        .data();
    // 6 addresses x 5 guesses: each address's own limit, 30 for the e-mail.
    join_all((10..16).map(|last| {
        let app = &app;
        async move {
            for _ in 0..5 {
                let wrong = app.login_from(address(last), "nora@nec.lv", "guess").await;
                assert_eq!(wrong.reason(), "INVALID_CREDENTIALS");
            }
        }
    }))
    .await;
    let fresh = app.login_from(address(20), "nora@nec.lv", "guess").await;
    assert_eq!(fresh.code(), "THROTTLED", "a new address is not verified");
    let fresh = app.login_from(address(20), "nora@nec.lv", &password).await;
    assert_eq!(fresh.code(), "THROTTLED");
    let owner = app.login_from(address(3), "nora@nec.lv", &password).await;
    assert!(owner.data()["login"]["token"].is_string());
}
