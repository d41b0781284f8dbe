//! The portal over plain HTTP (issue 21): cookies, CSRF, headers, languages, the honest
//! countdown, e-mail links, errors beside their fields, file links for a browser session and
//! the whole path from registration to a certificate. The browser tests
//! (`portal_in_a_browser.rs`) walk the same paths in Chromium.

use europass_tests::portal::{Page, Visitor};
use europass_tests::{spawn_app, TestApp};

/// Registers through the portal, opens the e-mailed link, confirms, and returns the password.
async fn register(app: &TestApp, visitor: &mut Visitor, name: &str, email: &str) -> String {
    let page = visitor.get("/register").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page = visitor
        .post("/register", &[("name", name), ("email", email)])
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains(email), "{}", page.text());
    let mail = app.smtp.wait_for(email, "confirm-registration").await;
    let link = mail.after(&app.address);
    let link = link.split_whitespace().next().unwrap().to_string();
    let form = visitor.get(&link).await;
    assert_eq!(form.status, 200);
    let token = form.by_id("token").unwrap_or_default();
    let token = if token.is_empty() {
        link.split("token=").nth(1).unwrap().to_string()
    } else {
        token
    };
    let confirmed = visitor
        .post("/confirm-registration", &[("token", &token)])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    confirmed.by_id("password").expect("the password is shown")
}

async fn log_in(visitor: &mut Visitor, email: &str, password: &str) -> Page {
    visitor.get("/login").await;
    visitor
        .post(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
}

fn assert_translated(page: &Page) {
    assert!(
        !page.body.contains("??"),
        "an untranslated text on {}: {}",
        page.path,
        page.text()
    );
}

#[tokio::test]
async fn from_registration_to_a_downloaded_certificate_without_graphql() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Rīgas Tehnikums", "info@rt.lv").await;
    let home = log_in(&mut school, "info@rt.lv", &password).await;
    assert_eq!(home.path, "/", "{}", home.text());
    assert!(
        home.text().contains("Complete the base data"),
        "{}",
        home.text()
    );
    assert_translated(&home);
    let cookie = school.set_cookies.join("\n");
    let _ = cookie;
    let saved = school
        .post(
            "/institution",
            &[
                ("name", "Rīgas Tehnikums"),
                ("address", "Kr. Valdemāra iela 1c, Rīga"),
                ("country", "LV"),
                ("contactPerson", "Anna Bērziņa"),
                ("phone", "+371 67000000"),
                ("email", "info@rt.lv"),
                ("website", ""),
            ],
        )
        .await;
    assert!(
        saved.text().contains("The base data have been saved"),
        "{}",
        saved.text()
    );
    assert_translated(&saved);
    let form = school.get("/mobilities/new").await;
    assert_eq!(form.status, 200);
    assert_translated(&form);
    assert!(
        form.text().contains("Erasmus+"),
        "programmes from referenceData"
    );
    let requested = school
        .post(
            "/mobilities/new",
            &[
                ("acceptConditions", "on"),
                ("issuer", "NEC_LV"),
                ("procedure", "A"),
                ("programmeA", "KA122-VET"),
                ("projectNumber", "2026-1-LV01-KA122-VET-000001"),
                ("participants", "2"),
                ("startDate", "2026-12-01"),
                ("endDate", "2026-12-14"),
            ],
        )
        .await;
    assert!(
        requested.path.starts_with("/mobilities/"),
        "{}",
        requested.text()
    );
    assert!(
        requested.text().contains("Waiting for the NEC"),
        "{}",
        requested.text()
    );
    let mobility_path = requested.path.split('?').next().unwrap().to_string();
    // The NEC approves from its queue.
    let nec_password = app.nec_account("nora@nec.lv").await;
    let mut nec = Visitor::new(&app).speaking("en");
    let queue = log_in(&mut nec, "nora@nec.lv", &nec_password).await;
    assert_eq!(queue.path, "/nec/queue", "{}", queue.text());
    assert!(queue.text().contains("Rīgas Tehnikums"), "{}", queue.text());
    assert_translated(&queue);
    let mobility_id = mobility_path.trim_start_matches("/mobilities/");
    let approved = nec
        .post(
            &format!("/nec/mobilities/{mobility_id}/approve"),
            &[("back", "queue")],
        )
        .await;
    assert!(
        approved.text().contains("has been approved"),
        "{}",
        approved.text()
    );
    // The institution sees the decision and its documents.
    let page = school.get(&mobility_path).await;
    assert!(page.text().contains("Approved"), "{}", page.text());
    assert!(page.text().contains("LV/2026/"), "{}", page.text());
    assert!(
        page.text().contains("Personal data: Surname"),
        "missing fields by label: {}",
        page.text()
    );
    assert_translated(&page);
    // Filled through the API, the first document offers its PDF.
    let session = school.cookies["europass_session"].clone();
    let answer = app
        .gql_as(
            &session,
            "query($id: ID!) { mobility(id: $id) { documents { nodes { id } } } }",
            serde_json::json!({"id": mobility_id}),
        )
        .await;
    let first = answer.data()["mobility"]["documents"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.complete_document(&session, &first).await;
    let page = school.get(&mobility_path).await;
    let pdf_link = format!("/documents/{first}/certificate.pdf");
    assert!(page.body.contains(&pdf_link), "{}", page.body);
    let (status, kind, pdf) = school.download(&pdf_link).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let zip_link = format!("/mobilities/{mobility_id}/certificates.zip");
    assert!(page.body.contains(&zip_link));
    let (status, kind, zip) = school.download(&zip_link).await;
    assert_eq!((status, kind.as_str()), (200, "application/zip"));
    assert!(zip.starts_with(b"PK"));
    // Another institution's browser session gets neither.
    let mut other = Visitor::new(&app).speaking("en");
    let other_password = register(&app, &mut other, "Cita skola", "info@cita.lv").await;
    log_in(&mut other, "info@cita.lv", &other_password).await;
    assert_ne!(other.download(&pdf_link).await.0, 200);
    assert_ne!(other.download(&zip_link).await.0, 200);
    assert_eq!(other.get(&mobility_path).await.status, 404);
    // Without a session: nothing.
    let mut stranger = Visitor::new(&app);
    assert_eq!(stranger.download(&pdf_link).await.0, 401);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax_and_pages_are_locked_down() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    let password = register(&app, &mut visitor, "Skola", "info@skola.lv").await;
    let login = visitor.get("/login").await;
    for (header, expected) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(login.header(header), expected, "{header}");
    }
    let csp = login.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(!login.body.contains("<script>"), "no inline script");
    assert!(!login.body.contains(" style="), "no inline style");
    let answer = visitor
        .post_once(
            "/login",
            &[
                ("email", "info@skola.lv"),
                ("password", &password),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(answer.status, 303);
    let session = visitor
        .set_cookies
        .iter()
        .find(|c| c.starts_with("europass_session="))
        .expect("a session cookie")
        .to_ascii_lowercase();
    assert!(
        session.contains("httponly")
            && session.contains("samesite=lax")
            && session.contains("path=/"),
        "{session}"
    );
    assert!(
        !session.contains("secure"),
        "the test server is plain http: {session}"
    );
    assert!(
        !answer.body.contains(&visitor.cookies["europass_session"]),
        "the token is never in a page"
    );
    // The page after login shows who is logged in and the countdown.
    let home = visitor.get("/").await;
    assert!(home.body.contains("id=\"countdown\""), "{}", home.body);
    assert!(home.body.contains("data-seconds=\"1200\""), "{}", home.body);
    // Logout ends the session in the register, not only in the browser.
    let token = visitor.cookies["europass_session"].clone();
    let bye = visitor.post("/logout", &[]).await;
    assert_eq!(bye.path, "/login?bye=1");
    assert!(!visitor.cookies.contains_key("europass_session"));
    assert_eq!(
        app.gql_as(&token, "{ me { email } }", serde_json::json!({}))
            .await
            .code(),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn a_form_without_its_token_or_from_another_site_changes_nothing() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app);
    visitor.get("/register").await;
    let before = app.event_count().await;
    let fields = [("name", "Skola"), ("email", "info@skola.lv")];
    // No token.
    let page = visitor.post_raw("/register", &fields, &[]).await;
    assert_eq!(page.status, 403);
    // A token that is not this browser's cookie.
    let forged = [
        ("csrf", "0".repeat(64)),
        ("name", "Skola".into()),
        ("email", "info@skola.lv".into()),
    ];
    let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cookie = format!("europass_csrf={}", visitor.csrf());
    let page = visitor
        .post_raw("/register", &forged, &[("cookie", &cookie)])
        .await;
    assert_eq!(page.status, 403);
    // The right token, but posted by another site.
    let csrf = visitor.csrf();
    let genuine = [
        ("csrf", csrf.as_str()),
        ("name", "Skola"),
        ("email", "info@skola.lv"),
    ];
    let page = visitor
        .post_raw(
            "/register",
            &genuine,
            &[("cookie", &cookie), ("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.text().contains("Nothing was saved"), "{}", page.text());
    assert_eq!(
        app.event_count().await,
        before,
        "a refused form writes nothing"
    );
    assert!(app.smtp.to("info@skola.lv").is_empty(), "and sends nothing");
    // The same form from this site goes through.
    let page = visitor
        .post(
            "/register",
            &[("name", "Skola"), ("email", "info@skola.lv")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(app.event_count().await > before);
}

#[tokio::test]
async fn the_first_visit_follows_the_browser_and_the_switch_keeps_the_place() {
    let app = spawn_app().await;
    let mut latvian = Visitor::new(&app).speaking("lv-LV,lv;q=0.9,en;q=0.5");
    let page = latvian.get("/register").await;
    assert!(
        page.body.contains("<html lang=\"lv\""),
        "{}",
        &page.body[..200]
    );
    assert!(
        page.text().contains("Iestādes reģistrācija"),
        "{}",
        page.text()
    );
    assert_translated(&page);
    let mut german = Visitor::new(&app).speaking("de-DE,de;q=0.9");
    let page = german.get("/register").await;
    assert!(page.body.contains("<html lang=\"en\""));
    // The switch on the page leads back to the same page in the other language, and sticks.
    assert!(
        page.body.contains("/language/lv?back=/register"),
        "{}",
        page.body
    );
    let switched = german.get("/language/lv?back=/register").await;
    assert_eq!(switched.path, "/register");
    assert!(switched.body.contains("<html lang=\"lv\""));
    assert!(german
        .get("/login")
        .await
        .body
        .contains("<html lang=\"lv\""));
    // The switch never leads off the site.
    let away = german.get_once("/language/en?back=//evil.example").await;
    assert_eq!(away.location().as_deref(), Some("/"));
}

#[tokio::test]
async fn errors_are_shown_beside_their_field_in_the_chosen_language() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app).speaking("lv");
    visitor.get("/register").await;
    let page = visitor
        .post("/register", &[("name", "Skola"), ("email", "nav-e-pasts")])
        .await;
    assert_eq!(page.status, 422);
    // The error sits in the e-mail field's block, linked from the summary, in Latvian.
    let field = page
        .body
        .split("id=\"email-error\"")
        .nth(1)
        .expect("an error beside the e-mail");
    let message = field.split('<').next().unwrap().trim_start_matches('>');
    assert!(
        message.chars().any(|c| "āčēģīķļņšūž".contains(c)),
        "Latvian: {message}"
    );
    assert!(page.body.contains("href=\"#email\""));
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert_eq!(
        page.by_id("name").as_deref(),
        Some("Skola"),
        "what was typed is kept"
    );
    assert_translated(&page);
}

#[tokio::test]
async fn the_ten_week_rule_names_the_earliest_date_beside_the_start_date() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    school
        .post(
            "/institution",
            &[
                ("name", "Skola"),
                ("address", "Rīga"),
                ("country", "LV"),
                ("contactPerson", "Anna"),
                ("phone", "+371 67000000"),
            ],
        )
        .await;
    school.get("/mobilities/new").await;
    // The test clock says 2 November 2026; 1 April 2027 is more than 10 weeks ahead.
    let page = school
        .post(
            "/mobilities/new",
            &[
                ("acceptConditions", "on"),
                ("issuer", "NEC_LV"),
                ("procedure", "B"),
                ("description", "Partnerība"),
                ("qualityCriteriaConfirmed", "on"),
                ("participants", "3"),
                ("startDate", "2027-04-01"),
                ("endDate", "2027-04-20"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.text());
    let beside = page
        .body
        .split("id=\"startDate-error\"")
        .nth(1)
        .expect("beside the start date");
    let message = beside.split('<').next().unwrap();
    assert!(
        message.contains("21 January 2027"),
        "the earliest date (1 April − 70 days): {message}"
    );
    assert_eq!(page.by_id("startDate").as_deref(), Some("2027-04-01"));
    assert_eq!(page.by_id("description").as_deref(), Some("Partnerība"));
}

#[tokio::test]
async fn the_countdown_is_honest_and_an_ended_session_leads_to_the_login_page() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut visitor, "Skola", "info@skola.lv").await;
    log_in(&mut visitor, "info@skola.lv", &password).await;
    let left = |page: &Page| -> i64 {
        serde_json::from_str::<serde_json::Value>(&page.body).unwrap()["secondsLeft"]
            .as_i64()
            .unwrap()
    };
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(left(&visitor.get("/session/left").await), 15 * 60);
    app.clock.advance(chrono::Duration::minutes(5));
    // Reading the countdown did not extend the session.
    assert_eq!(left(&visitor.get("/session/left").await), 10 * 60);
    // Activity does.
    let home = visitor.get("/").await;
    assert!(home.body.contains("data-seconds=\"1200\""), "{}", home.body);
    app.clock.advance(chrono::Duration::minutes(21));
    assert_eq!(left(&visitor.get("/session/left").await), 0);
    let page = visitor.get_once("/institution").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location().as_deref(),
        Some("/login?next=/institution&expired=1")
    );
    let login = visitor.get("/login?next=/institution&expired=1").await;
    assert!(
        login.text().contains("Your session ended after 20 minutes"),
        "{}",
        login.text()
    );
    assert_eq!(login.by_id("email").as_deref(), Some(""));
    // Logging in again returns to the page the person was on.
    let back = visitor
        .post(
            "/login",
            &[
                ("email", "info@skola.lv"),
                ("password", &password),
                ("next", "/institution"),
            ],
        )
        .await;
    assert_eq!(back.path, "/institution");
}

#[tokio::test]
async fn every_emailed_link_opens_its_portal_page() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut visitor, "Skola", "info@skola.lv").await;
    // A new user's e-mail names the login page.
    log_in(&mut visitor, "info@skola.lv", &password).await;
    visitor
        .post(
            "/institution",
            &[
                ("name", "Skola"),
                ("address", "Rīga"),
                ("country", "LV"),
                ("contactPerson", "Anna"),
                ("phone", "+371 67000000"),
            ],
        )
        .await;
    let added = visitor
        .post(
            "/institution/users",
            &[
                ("userName", "Jānis Kalniņš"),
                ("userEmail", "janis@skola.lv"),
            ],
        )
        .await;
    assert!(added.text().contains("Jānis Kalniņš"), "{}", added.text());
    let mail = app.smtp.wait_for("janis@skola.lv", "password").await;
    let login_link = mail.after(&app.address);
    let login_link = login_link.split_whitespace().next().unwrap();
    assert_eq!(login_link, "/login");
    let mut janis = Visitor::new(&app);
    let page = janis.get(login_link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"password\""));
    // The reset e-mail's link opens the page that sets a new password.
    let mut forgetful = Visitor::new(&app).speaking("en");
    forgetful.get("/password/forgot").await;
    forgetful
        .post("/password/forgot", &[("email", "info@skola.lv")])
        .await;
    let mail = app.smtp.wait_for("info@skola.lv", "password/reset").await;
    let link = mail.after(&app.address);
    let link = link.split_whitespace().next().unwrap().to_string();
    assert!(link.starts_with("/password/reset?token="), "{link}");
    let form = forgetful.get(&link).await;
    assert_eq!(form.status, 200);
    let token = form.by_id("token").unwrap_or_default();
    let _ = token;
    let token = link.split("token=").nth(1).unwrap().to_string();
    let done = forgetful
        .post(
            "/password/reset",
            &[("token", &token), ("newPassword", "Jauna-parole-2026")],
        )
        .await;
    assert_eq!(done.path, "/login?reset=1", "{}", done.text());
    let home = log_in(&mut forgetful, "info@skola.lv", "Jauna-parole-2026").await;
    assert_eq!(home.path, "/", "{}", home.text());
}

#[tokio::test]
async fn the_fourth_additional_user_is_refused_with_the_reason_shown() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("lv");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    school
        .post(
            "/institution",
            &[
                ("name", "Skola"),
                ("address", "Rīga"),
                ("country", "LV"),
                ("contactPerson", "Anna"),
                ("phone", "+371 67000000"),
            ],
        )
        .await;
    for n in 1..=3 {
        let email = format!("user{n}@skola.lv");
        let page = school
            .post(
                "/institution/users",
                &[
                    ("userName", &format!("Lietotājs {n}")),
                    ("userEmail", &email),
                ],
            )
            .await;
        assert!(page.text().contains(&email), "{}", page.text());
    }
    let page = school
        .post(
            "/institution/users",
            &[("userName", "Ceturtais"), ("userEmail", "user4@skola.lv")],
        )
        .await;
    assert_eq!(page.status, 422);
    let errors = page
        .body
        .split("id=\"errors\"")
        .nth(1)
        .expect("the refusal is shown");
    let errors = errors.split("</div>").next().unwrap();
    assert!(
        errors.contains("ne vairāk kā 3 papildu lietotāji"),
        "the reason, with its Latvian plural: {errors}"
    );
    assert_translated(&page);
    // Removing one makes room again.
    let id = page
        .body
        .split("name=\"accountId\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let removed = school
        .post("/institution/users/remove", &[("accountId", &id)])
        .await;
    assert!(
        removed.text().contains("Lietotājs ir dzēsts"),
        "{}",
        removed.text()
    );
}

#[tokio::test]
async fn a_date_the_browser_did_not_check_is_refused_beside_its_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    school
        .post(
            "/institution",
            &[
                ("name", "Skola"),
                ("address", "Rīga"),
                ("country", "LV"),
                ("contactPerson", "Anna"),
                ("phone", "+371 67000000"),
            ],
        )
        .await;
    school.get("/mobilities/new").await;
    let before = app.event_count().await;
    let page = school
        .post(
            "/mobilities/new",
            &[
                ("acceptConditions", "on"),
                ("issuer", "NEC_LV"),
                ("procedure", "A"),
                ("programmeA", "KA122-VET"),
                ("projectNumber", "2026-1-LV01-KA122-VET-000001"),
                ("participants", "3"),
                ("startDate", "01.12.2026"),
                ("endDate", "2026-12-14"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("id=\"startDate-error\""),
        "{}",
        page.text()
    );
    assert!(!page.body.contains("id=\"endDate-error\""));
    assert_eq!(app.event_count().await, before);
}

#[tokio::test]
async fn an_unknown_address_gets_a_page_and_a_request_waits_for_the_base_data() {
    let app = spawn_app().await;
    let mut visitor = Visitor::new(&app).speaking("lv");
    let page = visitor.get("/nekas/te/nav").await;
    assert_eq!(page.status, 404);
    assert!(page.text().contains("Lapa nav atrasta"), "{}", page.text());
    assert_eq!(page.header("x-frame-options"), "DENY");
    let password = register(&app, &mut visitor, "Skola", "info@skola.lv").await;
    log_in(&mut visitor, "info@skola.lv", &password).await;
    // R-BASE: the request is offered once the base data are complete.
    let page = visitor.get("/mobilities/new").await;
    assert!(
        page.text()
            .contains("Vispirms aizpildiet iestādes pamatdatus"),
        "{}",
        page.text()
    );
    assert!(!page.body.contains("name=\"acceptConditions\""));
}

#[tokio::test]
async fn a_locked_participant_reads_the_document_but_cannot_save() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("lv");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    app.save_section(
        &session,
        "savePersonalData",
        doc,
        serde_json::json!({"surname": "Ozola", "firstName": "Anna", "email": "anna@skola.lv"}),
    )
    .await
    .data();
    let page = school.get(&format!("/documents/{doc}")).await;
    assert!(page.text().contains("anna@skola.lv"), "{}", page.text());
    let given = school
        .post(&format!("/documents/{doc}/access/participant"), &[])
        .await;
    assert!(
        given.text().contains("Piekļuve piešķirta: anna@skola.lv"),
        "{}",
        given.text()
    );
    // Locked from today (the test clock's day): from now on the participant only reads.
    let locked = school
        .post(
            &format!("/documents/{doc}/access/lock"),
            &[("lockFrom", "2026-11-02")],
        )
        .await;
    assert!(
        locked.text().contains("Slēgts no 2.11.2026."),
        "{}",
        locked.text()
    );
    let emailed = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    let mut anna = Visitor::new(&app).speaking("lv");
    log_in(&mut anna, "anna@skola.lv", &emailed).await;
    let page = anna.get(&format!("/documents/{doc}")).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("Dokuments slēgts"), "{}", page.text());
    assert!(
        !page.body.contains("section.access") && !page.text().contains("Kas vēl strādā"),
        "no access panel"
    );
    let refused = anna
        .post(
            &format!("/documents/{doc}/sections/personalData"),
            &[("surname", "Ozoliņa"), ("firstName", "Anna")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.by_id("surname").as_deref() == Some("Ozoliņa"),
        "what was typed is kept"
    );
    // A participant never gets the certificate: no link, and the route refuses the session.
    assert!(!page.body.contains("certificate.pdf"));
    assert_eq!(
        anna.download(&format!("/documents/{doc}/certificate.pdf"))
            .await
            .0,
        403
    );
    let reread = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            serde_json::json!({"id": doc}),
        )
        .await;
    assert_eq!(
        reread.data()["document"]["personalData"]["surname"],
        "Ozola",
        "nothing changed"
    );
    // Unlocked, the participant saves.
    school
        .post(&format!("/documents/{doc}/access/unlock"), &[])
        .await;
    let saved = anna
        .post(
            &format!("/documents/{doc}/sections/personalData"),
            &[
                ("surname", "Ozoliņa"),
                ("firstName", "Anna"),
                ("email", "anna@skola.lv"),
            ],
        )
        .await;
    assert!(saved.text().contains("Saglabāts."), "{}", saved.text());
}

#[tokio::test]
async fn every_participant_of_a_mobility_is_given_access_at_once() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let (_, mobility, docs) = app.approved_mobility_for(&session, 3, "A").await;
    // Two documents name their participant's e-mail; the third does not yet.
    for (doc, email) in [(&docs[0], "anna@skola.lv"), (&docs[1], "juris@skola.lv")] {
        app.save_section(
            &session,
            "savePersonalData",
            doc,
            serde_json::json!({"email": email}),
        )
        .await
        .data();
    }
    let page = school.get(&format!("/mobilities/{mobility}")).await;
    assert!(page
        .body
        .contains(&format!("action=\"/mobilities/{mobility}/participants\"")));
    // All or none: the third document names no e-mail yet, and the refusal says so.
    let refused = school
        .post(&format!("/mobilities/{mobility}/participants"), &[])
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.body.contains("id=\"errors\""), "{}", refused.text());
    app.save_section(
        &session,
        "savePersonalData",
        &docs[2],
        serde_json::json!({"email": "liga@skola.lv"}),
    )
    .await
    .data();
    let done = school
        .post(&format!("/mobilities/{mobility}/participants"), &[])
        .await;
    assert!(
        done.text()
            .contains("3 participants have been given access"),
        "{} {}",
        done.status,
        done.text()
    );
    for email in ["anna@skola.lv", "juris@skola.lv", "liga@skola.lv"] {
        app.smtp.wait_for(email, "password:").await;
    }
}

#[tokio::test]
async fn the_certificate_language_is_chosen_on_the_document_page() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("lv");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    let language = async || {
        app.gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { language } }",
            serde_json::json!({"id": doc}),
        )
        .await
        .data()["document"]["language"]
            .clone()
    };
    for chosen in ["LV", "EN"] {
        let page = school
            .post(
                &format!("/documents/{doc}/language"),
                &[("language", chosen)],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        assert!(
            page.body
                .contains(&format!("<option value=\"{chosen}\" selected")),
            "{}",
            page.body
        );
        assert_eq!(language().await, chosen);
    }
}

/// R-SIGN without JavaScript: the rectangle typed as four numbers, the variant chosen, the
/// signature kept; another institution's session cannot open the upload, and a rectangle
/// outside the image is refused beside its field.
#[tokio::test]
async fn a_signature_is_prepared_from_the_keyboard_and_stays_in_its_own_library() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let uploaded: serde_json::Value = app
        .client
        .post(format!("{}/signatures/uploads", app.address))
        .bearer_auth(&session)
        .body(europass_tests::png(200, 100))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upload = uploaded["uploadId"].as_str().unwrap().to_string();
    let page = school
        .get(&format!(
            "/signatures/uploads/{upload}?width=200&height=100"
        ))
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(
        page.body.contains("value=\"200\""),
        "the whole image at first"
    );

    let outside = school
        .post(
            &format!("/signatures/uploads/{upload}/rect"),
            &[
                ("rect-x", "150"),
                ("rect-y", "0"),
                ("rect-width", "100"),
                ("rect-height", "50"),
            ],
        )
        .await;
    assert_eq!(outside.status, 422);
    assert!(
        outside
            .by_id("rect-width-error")
            .is_some_and(|e| e.contains("inside the image")),
        "{}",
        outside.text()
    );
    let typed = school
        .post(
            &format!("/signatures/uploads/{upload}/rect"),
            &[("rect-x", "a")],
        )
        .await;
    assert!(typed.by_id("rect-x-error").is_some(), "{}", typed.text());

    let cut = school
        .post(
            &format!("/signatures/uploads/{upload}/rect"),
            &[
                ("rect-x", "10"),
                ("rect-y", "10"),
                ("rect-width", "120"),
                ("rect-height", "60"),
            ],
        )
        .await;
    assert_eq!(cut.status, 200);
    assert_eq!(cut.body.matches("name=\"variant\"").count(), 4);
    let unnamed = school
        .post(
            &format!("/signatures/uploads/{upload}/activate"),
            &[("variant", "GREYSCALE"), ("name", " "), ("kind", "STAMP")],
        )
        .await;
    assert!(unnamed.by_id("name-error").is_some(), "{}", unnamed.text());
    let done = school
        .post(
            &format!("/signatures/uploads/{upload}/activate"),
            &[
                ("variant", "GREYSCALE"),
                ("name", "Skolas zīmogs"),
                ("kind", "STAMP"),
            ],
        )
        .await;
    assert!(done.path.starts_with("/signatures"), "{}", done.path);
    assert!(done.text().contains("Skolas zīmogs"), "{}", done.text());
    assert!(done.text().contains("Stamp"), "{}", done.text());

    // Another institution: the upload is not theirs, and their library is empty.
    let mut other = Visitor::new(&app).speaking("en");
    let other_password = register(&app, &mut other, "Cita skola", "info@cita.lv").await;
    log_in(&mut other, "info@cita.lv", &other_password).await;
    let foreign = other.get(&format!("/signatures/uploads/{upload}")).await;
    assert_eq!(foreign.status, 404, "{}", foreign.text());
    assert!(
        !foreign.body.contains("/files/"),
        "no image of another's library"
    );
    let theirs = other.get("/signatures").await;
    assert!(!theirs.text().contains("Skolas zīmogs"));
    let removed = other
        .post(&format!("/signatures/{upload}/remove"), &[])
        .await;
    assert_eq!(removed.status, 422, "{}", removed.text());
    let list = app
        .gql_as(&session, "{ signatures { name } }", serde_json::json!({}))
        .await;
    assert_eq!(
        list.data()["signatures"],
        serde_json::json!([{"name": "Skolas zīmogs"}])
    );
}

/// A defect seen in a screenshot (issue 22): the personal-data form showed the host
/// organisation's address (both sections have `address` and `email`), so saving the personal
/// data would have given the participant the host's address.
#[tokio::test]
async fn each_section_shows_its_own_values_where_two_sections_share_a_field_name() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    app.save_section(
        &session,
        "savePersonalData",
        doc,
        serde_json::json!({"address": "Dzirnavu iela 1, Rīga", "email": "anna@skola.lv"}),
    )
    .await
    .data();
    app.save_section(
        &session,
        "saveHostOrganisation",
        doc,
        serde_json::json!({"address": "Musterstraße 1", "email": "host@host.de"}),
    )
    .await
    .data();
    let personal = school
        .get(&format!("/documents/{doc}?section=personalData"))
        .await;
    assert!(
        personal.body.contains("Dzirnavu iela 1, Rīga") && !personal.body.contains("Musterstraße"),
        "{}",
        personal.text()
    );
    assert!(personal.body.contains("value=\"anna@skola.lv\""));
    let host = school
        .get(&format!("/documents/{doc}?section=hostOrganisation"))
        .await;
    assert!(
        host.body.contains("Musterstraße 1") && host.body.contains("value=\"host@host.de\""),
        "{}",
        host.text()
    );
}

/// Every form route of the portal refuses a post without the CSRF field (403, the "form
/// expired" page) before its handler runs: the check is the `GenuineForm` extractor, so no
/// handler can leave it out. Nothing is written and nothing is sent.
#[tokio::test]
async fn every_form_route_refuses_a_post_without_its_csrf_field_and_writes_nothing() {
    let app = spawn_app().await;
    let mut school = Visitor::new(&app).speaking("en");
    let password = register(&app, &mut school, "Skola", "info@skola.lv").await;
    log_in(&mut school, "info@skola.lv", &password).await;
    let session = school.cookies["europass_session"].clone();
    let (_, mobility, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    app.projected().await;
    let events = app.event_count().await;
    let mails = app.smtp.all().len();
    let x = "00000000-0000-4000-8000-000000000000";
    let routes = [
        "/login".to_string(),
        "/logout".into(),
        "/register".into(),
        "/register/resend".into(),
        "/confirm-registration".into(),
        "/password".into(),
        "/password/forgot".into(),
        "/password/reset".into(),
        "/institution".into(),
        "/institution/users".into(),
        "/institution/users/remove".into(),
        "/mobilities/new".into(),
        format!("/mobilities/{mobility}/participants"),
        format!("/documents/{doc}/sections/personalData"),
        format!("/documents/{doc}/language"),
        format!("/documents/{doc}/access/host"),
        format!("/documents/{doc}/copy/project"),
        format!("/documents/{doc}/esco"),
        format!("/documents/{doc}/photo/remove"),
        format!("/documents/{doc}/signatures"),
        format!("/signatures/uploads/{x}/rect"),
        format!("/signatures/uploads/{x}/activate"),
        format!("/signatures/{x}/remove"),
        format!("/nec/documents/{doc}/erase"),
        format!("/nec/documents/{doc}/revoke"),
        format!("/nec/mobilities/{mobility}/approve"),
        format!("/nec/mobilities/{mobility}/reject"),
    ];
    for route in &routes {
        let page = school
            .post_raw(route, &[("surname", "X"), ("reason", "r")], &[])
            .await;
        assert_eq!(page.status, 403, "{route}: {}", page.text());
    }
    // Multipart forms read their own field: refused too.
    for route in [
        format!("/documents/{doc}/photo/upload"),
        "/signatures/upload".to_string(),
        "/verify/file".to_string(),
    ] {
        let page = school.post_raw(&route, &[("photo", "x")], &[]).await;
        assert!(
            (400..500).contains(&page.status),
            "{route}: {}",
            page.status
        );
    }
    app.projected().await;
    assert_eq!(app.event_count().await, events, "nothing written");
    assert_eq!(app.smtp.all().len(), mails, "nothing sent");
}
