//! The portal in a real headless Chromium (issue 21): what a person does, clicked and typed,
//! with axe-core checking every page (no serious or critical violation) and the phone width
//! checked for horizontal scrolling. Set `EUROPASS_SCREENSHOTS=docs/screenshots` to refresh
//! the README's screenshots from the English walk.

use europass_tests::browser::Browser;
use europass_tests::{spawn_app, TestApp};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// Checks the page as it is: accessible, translated, and usable at 390 px; and, when asked,
/// keeps screenshots at both widths.
async fn check_page(browser: &Browser, name: &str) {
    browser.assert_accessible(name).await;
    let html = browser.html().await;
    assert!(
        !html.contains("??"),
        "an untranslated text on {name}: {}",
        browser.page_text().await
    );
    browser.set_width(390).await;
    let overflow = browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth",
            vec![],
        )
        .await;
    if overflow.as_i64().unwrap_or(0) > 0 {
        // Name the widest elements, to say what to fix.
        let culprits = browser
            .execute(
                "return [...document.querySelectorAll('body *')]\
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)\
                 .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60))",
                vec![],
            )
            .await;
        panic!("{name} scrolls sideways at 390 px by {overflow}: {culprits}");
    }
    if let Some(dir) = std::env::var("EUROPASS_SCREENSHOTS")
        .ok()
        .filter(|_| !name.starts_with("mobility-pending") && name != "home-new")
    {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        browser
            .screenshot_to(&dir.join(format!("{name}-390.png")))
            .await;
        browser.set_width(1280).await;
        browser
            .screenshot_to(&dir.join(format!("{name}-1280.png")))
            .await;
    }
    browser.set_width(1280).await;
}

/// Registers in the browser, opens the e-mailed link, confirms, and returns the password
/// shown once.
async fn register(
    app: &TestApp,
    browser: &Browser,
    name: &str,
    email: &str,
    screenshots: bool,
) -> String {
    browser.goto(&format!("{}/register", app.address)).await;
    if screenshots {
        check_page(browser, "register").await;
    }
    browser.fill("#name", name).await;
    browser.fill("#email", email).await;
    browser.submit("main form button[type=submit]").await;
    browser.wait_for_text(email, WAIT).await;
    let token = app.registration_token(email).await;
    browser
        .goto(&format!(
            "{}/confirm-registration?token={token}",
            app.address
        ))
        .await;
    browser.submit("main form button[type=submit]").await;
    browser.wait_for("#password", WAIT).await;
    if screenshots {
        check_page(browser, "confirmed").await;
    }
    browser.text("#password").await
}

async fn log_in(app: &TestApp, browser: &Browser, email: &str, password: &str) {
    browser.goto(&format!("{}/login", app.address)).await;
    browser.fill("#email", email).await;
    browser.fill("#password", password).await;
    browser.submit("main form button[type=submit]").await;
    browser.wait_for("#countdown", WAIT).await;
}

/// A host's or participant's first login in a fresh browser session: the e-mailed password,
/// then the page that asks for their own.
async fn first_log_in(app: &TestApp, browser: &Browser, email: &str, emailed: &str, own: &str) {
    browser.delete_cookies().await;
    browser.goto(&format!("{}/login", app.address)).await;
    browser.fill("#email", email).await;
    browser.fill("#password", emailed).await;
    browser.submit("main form button[type=submit]").await;
    browser.wait_for("#currentPassword", WAIT).await;
    browser.fill("#currentPassword", emailed).await;
    browser.fill("#newPassword", own).await;
    browser.submit("main form button[type=submit]").await;
    browser
        .wait_for_text("Your password has been changed", WAIT)
        .await;
}

async fn fill_base_data(browser: &Browser) {
    browser.click("a[href='/institution']").await;
    browser.wait_for("#address", WAIT).await;
    browser
        .fill("#address", "Kr. Valdemāra iela 1c, Rīga")
        .await;
    browser.fill("#country", "LV").await;
    browser.fill("#contactPerson", "Anna Bērziņa").await;
    browser.fill("#phone", "+371 67000000").await;
    browser
        .submit("form[action='/institution'] button[type=submit]")
        .await;
}

async fn request_mobility(browser: &Browser, start: &str) {
    browser.click("a[href='/mobilities/new']").await;
    browser.wait_for("#acceptConditions", WAIT).await;
    browser.check("#acceptConditions").await;
    browser.check("#procedure-A").await;
    browser.select("#programmeA", "KA122-VET").await;
    browser
        .fill("#projectNumber", "2026-1-LV01-KA122-VET-000001")
        .await;
    browser.fill("#participants", "2").await;
    browser.fill("#startDate", start).await;
    browser.fill("#endDate", "2026-12-14").await;
}

/// The NEC approves the oldest request from its queue, in the same browser (its own cookies).
async fn nec_approves(app: &TestApp, browser: &Browser, screenshots: bool) {
    let password = app.nec_account("nora@nec.lv").await;
    browser.delete_cookies().await;
    log_in(app, browser, "nora@nec.lv", &password).await;
    assert!(browser.current_url().await.ends_with("/nec/queue"));
    if screenshots {
        check_page(browser, "nec-queue").await;
    }
    browser
        .submit("form[action$='/approve'] button[type=submit]")
        .await;
    browser.wait_for(".notice", WAIT).await;
}

async fn first_document(app: &TestApp, token: &str, mobility: &str) -> String {
    let answer = app
        .gql_as(
            token,
            "query($id: ID!) { mobility(id: $id) { documents { nodes { id } } } }",
            serde_json::json!({"id": mobility}),
        )
        .await;
    answer.data()["mobility"]["documents"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn a_whole_walk(language: &str) {
    let app = spawn_app().await;
    let english = language == "en";
    let browser = Browser::start_with_language(language).await;
    let email = format!("info-{language}@rvt.lv");
    let password = register(&app, &browser, "Rīgas Valsts tehnikums", &email, english).await;
    browser.click("a.button").await;
    browser.wait_for("#password", WAIT).await;
    if english {
        check_page(&browser, "login").await;
    }
    assert_eq!(
        browser.attr("#email", "value").await.as_deref(),
        Some(email.as_str())
    );
    browser.fill("#password", &password).await;
    browser.submit("main form button[type=submit]").await;
    browser.wait_for("#countdown", WAIT).await;
    let home = browser.page_text().await;
    let (base_step, saved, pending, approved, complete_word) = if english {
        (
            "Complete the base data",
            "The base data have been saved",
            "Waiting for the NEC",
            "Approved",
            "complete",
        )
    } else {
        (
            "Aizpildiet iestādes pamatdatus",
            "Pamatdati ir saglabāti",
            "Gaida NEC lēmumu",
            "Apstiprināts",
            "aizpildīts",
        )
    };
    assert!(home.contains(base_step), "{home}");
    if english {
        check_page(&browser, "home-new").await;
    }
    fill_base_data(&browser).await;
    browser.wait_for_text(saved, WAIT).await;
    if english {
        check_page(&browser, "institution").await;
    }
    request_mobility(&browser, "2026-12-01").await;
    if english {
        check_page(&browser, "request").await;
    }
    browser.submit("form.request button[type=submit]").await;
    browser.wait_for_text(pending, WAIT).await;
    let mobility_url = browser.current_url().await;
    let mobility = mobility_url
        .split("/mobilities/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    check_page(&browser, &format!("mobility-pending-{language}")).await;
    nec_approves(&app, &browser, english).await;
    // The institution logs in again and sees the decision and its documents.
    browser.delete_cookies().await;
    log_in(&app, &browser, &email, &password).await;
    browser
        .goto(&format!("{}/mobilities/{mobility}", app.address))
        .await;
    browser.wait_for_text(approved, WAIT).await;
    let page = browser.page_text().await;
    assert!(page.contains("LV/2026/"), "{page}");
    // Filled through the API, the first document's certificate is one click away.
    let token = browser
        .cookie("europass_session")
        .await
        .expect("session cookie")
        .0;
    let document = first_document(&app, &token, &mobility).await;
    app.complete_document(&token, &document).await;
    browser
        .goto(&format!("{}/mobilities/{mobility}", app.address))
        .await;
    browser.wait_for_text(complete_word, WAIT).await;
    check_page(&browser, if english { "mobility" } else { "mobility-lv" }).await;
    browser
        .click(&format!("a[href='/documents/{document}/certificate.pdf']"))
        .await;
    let (path, pdf) = browser
        .downloaded_file(".pdf", Duration::from_secs(30))
        .await;
    assert!(pdf.starts_with(b"%PDF"), "{path:?}");
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("Bērziņa"),
        "the holder's name in the PDF: {text}"
    );
    // Issue 23: the QR code on the downloaded certificate opens the public verification page,
    // which anyone reads without logging in (a fresh browser session would do; this one
    // shows it is the same page for a logged-in person).
    let link = europass_tests::qr_link(&pdf);
    assert!(link.starts_with(&app.address), "{link}");
    browser.goto(&link).await;
    browser
        .wait_for_text(if english { "Authentic" } else { "Autentisks" }, WAIT)
        .await;
    let page = browser.page_text().await;
    assert!(page.contains("Līga Bērziņa"), "{page}");
    check_page(&browser, if english { "verify" } else { "verify-lv" }).await;
    if english {
        browser.goto(&format!("{}/", app.address)).await;
        check_page(&browser, "home").await;
    }
}

#[tokio::test]
async fn an_institution_registers_requests_and_downloads_a_certificate_in_english() {
    a_whole_walk("en").await;
}

#[tokio::test]
async fn the_same_walk_in_latvian() {
    a_whole_walk("lv").await;
}

#[tokio::test]
async fn the_ten_week_refusal_is_shown_beside_the_start_date() {
    let app = spawn_app().await;
    let browser = Browser::start_with_language("lv").await;
    let password = register(&app, &browser, "Skola", "info@skola.lv", false).await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    fill_base_data(&browser).await;
    browser.wait_for_text("Pamatdati ir saglabāti", WAIT).await;
    // The test clock says 2 November 2026: a start on 1 March 2027 is too far ahead.
    request_mobility(&browser, "2027-03-01").await;
    // Only the chosen procedure's fields are shown (CSS alone).
    let shown = async |css: &str| {
        browser
            .execute(
                &format!("return document.querySelector('{css}').getClientRects().length > 0"),
                vec![],
            )
            .await
            .as_bool()
            .unwrap_or_default()
    };
    browser.check("#procedure-B").await;
    assert!(
        shown("#description").await && !shown("#programmeA").await && !shown("#programmeC").await
    );
    browser.check("#procedure-C").await;
    assert!(
        shown("#programmeC").await && !shown("#programmeA").await && !shown("#description").await
    );
    browser.check("#procedure-A").await;
    assert!(
        shown("#programmeA").await && shown("#projectNumber").await && !shown("#programmeC").await
    );
    browser.fill("#endDate", "2027-03-20").await;
    browser.submit("form.request button[type=submit]").await;
    browser.wait_for("#startDate-error", WAIT).await;
    let error = browser.text("#startDate-error").await;
    // 1 March 2027 − 70 days = 21 December 2026.
    assert!(error.contains("21.12.2026."), "{error}");
    let described = browser
        .attr("#startDate", "aria-describedby")
        .await
        .unwrap_or_default();
    assert!(described.contains("startDate-error"), "{described}");
    // The summary's link leads to the field.
    assert!(browser.exists("#errors a[href='#startDate']").await);
    check_page(&browser, "request-refused-lv").await;
}

#[tokio::test]
async fn a_session_that_times_out_lands_on_the_login_page() {
    let app = spawn_app().await;
    let browser = Browser::start_with_language("en").await;
    let password = register(&app, &browser, "Skola", "info@skola.lv", false).await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser.click("a[href='/institution']").await;
    browser.wait_for("#address", WAIT).await;
    // The countdown runs in the page.
    let first = browser.text("#countdown").await;
    browser
        .wait_for_text_change("#countdown", &first, WAIT)
        .await;
    // 21 minutes pass without activity: the countdown learns it from the server (without
    // extending anything) and the page leaves for the login page, with a message.
    app.clock.advance(chrono::Duration::minutes(21));
    browser
        .wait_for_url_containing("/login", Duration::from_secs(30))
        .await;
    browser
        .wait_for_text("Your session ended after 20 minutes", WAIT)
        .await;
    let url = browser.current_url().await;
    assert!(url.contains("next=/institution"), "{url}");
    assert!(
        browser.cookie("europass_session").await.is_none(),
        "the ended session's cookie is gone"
    );
    check_page(&browser, "session-ended").await;
}

#[tokio::test]
async fn the_portal_works_with_the_keyboard_alone() {
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    let app = spawn_app().await;
    let browser = Browser::start_with_language("en").await;
    let password = register(&app, &browser, "Skola", "info@skola.lv", false).await;
    browser.delete_cookies().await;
    browser.goto(&format!("{}/login", app.address)).await;
    let press = async |keys: &str| {
        let focused = browser
            .client()
            .active_element()
            .await
            .expect("a focused element");
        focused.send_keys(keys).await.expect("keys sent");
    };
    let focused = async || {
        browser
            .execute(
                "const e = document.activeElement; return e.id || e.className || e.tagName",
                vec![],
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    // The first stop is the link that skips the menu.
    press(TAB).await;
    assert_eq!(focused().await, "skip");
    press(ENTER).await;
    // From the main content, Tab reaches the e-mail, then the password; Enter logs in.
    press(TAB).await;
    assert_eq!(
        focused().await,
        "email",
        "the first field after skipping the menu"
    );
    press("info@skola.lv").await;
    press(TAB).await;
    assert_eq!(focused().await, "password");
    press(&password).await;
    press(ENTER).await;
    browser.wait_for("#countdown", WAIT).await;
    // The focus is visible: a focused link gets an outline.
    browser
        .execute("document.querySelector('a.brand').focus()", vec![])
        .await;
    let outline = browser
        .execute(
            "return getComputedStyle(document.activeElement).outlineStyle",
            vec![],
        )
        .await;
    assert_eq!(outline.as_str(), Some("solid"));
}

#[tokio::test]
async fn a_document_is_filled_section_by_section_in_latvian_until_complete() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let browser = Browser::start_with_language("lv").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!("{}/documents/{}", app.address, docs[0]))
        .await;
    browser.wait_for("#surname", WAIT).await;
    check_page(&browser, "document-personal-lv").await;
    let save = "form.section button[type=submit]";
    // A date of birth in the future is refused beside its field, and nothing else is lost.
    browser.fill("#surname", "Bērziņa").await;
    browser.fill("#firstName", "Līga").await;
    browser.fill("#dateOfBirth", "2030-01-01").await;
    browser.submit(save).await;
    browser.wait_for("#dateOfBirth-error", WAIT).await;
    assert_eq!(
        browser.attr("#surname", "value").await.as_deref(),
        Some("Bērziņa")
    );
    browser.fill("#dateOfBirth", "2007-03-04").await;
    browser.fill("#nationality", "LV").await;
    browser.submit(save).await;
    browser.wait_for_text("Saglabāts.", WAIT).await;
    // The photo: the portrait is the file input's label; the chosen file is uploaded.
    let portrait = std::env::temp_dir().join(format!("portrait-{}.png", uuid::Uuid::new_v4()));
    std::fs::write(&portrait, europass_tests::png(300, 400)).unwrap();
    browser
        .client()
        .find(fantoccini::Locator::Css("#photo"))
        .await
        .expect("the photo's file input")
        .send_keys(portrait.to_str().unwrap())
        .await
        .unwrap();
    browser
        .submit("form.photo-upload button[type=submit]")
        .await;
    browser.wait_for("img.portrait", WAIT).await;
    let _ = std::fs::remove_file(&portrait);
    // The missing fields link to their section and field.
    browser
        .click("ul.missing a[href*='section=hostOrganisation']")
        .await;
    browser.wait_for("#mentorLastName", WAIT).await;
    browser.fill("#name", "Berufsschule München").await;
    browser.select("#organisationType", "VET_PROVIDER").await;
    browser.fill("#address", "Musterstraße 1, München").await;
    browser.select("#country", "DE").await;
    browser.fill("#mentorFirstName", "Jürgen").await;
    browser.fill("#mentorLastName", "Müller").await;
    check_page(&browser, "document-host-lv").await;
    browser.submit(save).await;
    browser.wait_for_text("Saglabāts.", WAIT).await;
    browser.click("nav.tabs a[href*='section=project']").await;
    browser.wait_for("#objective", WAIT).await;
    browser
        .fill("#objective", "Metināšanas prakse uzņēmumā")
        .await;
    browser.fill("#startDate", "2026-12-01").await;
    browser.fill("#endDate", "2026-12-14").await;
    browser.submit(save).await;
    browser.wait_for_text("Saglabāts.", WAIT).await;
    browser
        .click("nav.tabs a[href*='section=learningOutcomes']")
        .await;
    browser.wait_for("#activities", WAIT).await;
    browser
        .fill(
            "#activities",
            "Metināšanas darbi darbnīcā, drošības instruktāža, ēģiptiešu ķieģeļu mūris",
        )
        .await;
    browser.select("#lang0\\.language", "de").await;
    browser.select("#lang0\\.listening", "B1").await;
    browser.select("#lang0\\.writing", "A2").await;
    check_page(&browser, "document-outcomes-lv").await;
    browser.submit(save).await;
    browser.wait_for_text("Saglabāts.", WAIT).await;
    // Complete: the certificate is one click away, and it carries the Latvian text.
    assert!(
        browser.exists("a[href$='/certificate.pdf']").await,
        "{}",
        browser.page_text().await
    );
    check_page(&browser, "document-complete-lv").await;
    browser.click("a[href$='/certificate.pdf']").await;
    let (path, pdf) = browser
        .downloaded_file(".pdf", Duration::from_secs(30))
        .await;
    assert!(pdf.starts_with(b"%PDF"));
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("ķieģeļu"), "{text}");
    // The photo is printed: the certificate carries an image (no signature is stored here).
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (poppler-utils)");
    let list = String::from_utf8_lossy(&images.stdout).to_string();
    assert!(
        list.lines()
            .skip(2)
            .any(|l| l.split_whitespace().nth(2) == Some("image")),
        "no photo in the PDF:\n{list}"
    );
    // The saved language skill is kept in the form, and a further row is offered.
    browser
        .click("nav.tabs a[href*='section=learningOutcomes']")
        .await;
    browser.wait_for("#lang1\\.language", WAIT).await;
    let kept = browser
        .execute(
            "return document.getElementById('lang0.language').value",
            vec![],
        )
        .await;
    assert_eq!(kept.as_str(), Some("de"));
}

#[tokio::test]
async fn a_host_gets_its_password_from_the_document_page_and_fills_its_sections_but_never_the_pdf()
{
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    app.complete_document(&session, doc).await;
    app.save_section(
        &session,
        "saveHostOrganisation",
        doc,
        serde_json::json!({"email": "host@host.de"}),
    )
    .await
    .data();
    let browser = Browser::start_with_language("en").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!("{}/documents/{doc}", app.address))
        .await;
    browser.submit("form[action$='/access/host'] button").await;
    browser.wait_for_text("Saved.", WAIT).await;
    assert!(browser
        .page_text()
        .await
        .contains("The host has not logged in yet"));
    let host_password = app
        .smtp
        .wait_for("host@host.de", "password:")
        .await
        .after("password: ");
    // The host logs in with the e-mailed password and is asked to choose its own.
    first_log_in(
        &app,
        &browser,
        "host@host.de",
        &host_password,
        "Saimnieks-2026-parole",
    )
    .await;
    // Its home lists the document; the document shows the holder's name and no personal data.
    browser.click("a[href='/']").await;
    browser
        .wait_for(&format!("a[href='/documents/{doc}']"), WAIT)
        .await;
    check_page(&browser, "host-home").await;
    browser.click(&format!("a[href='/documents/{doc}']")).await;
    browser.wait_for("nav.tabs", WAIT).await;
    let page = browser.page_text().await;
    assert!(page.contains("Līga Bērziņa"), "{page}");
    assert!(
        !browser.exists("a[href*='section=personalData']").await,
        "no personal data tab for a host"
    );
    assert!(
        !browser.exists("#dateOfBirth").await && !page.contains("2007"),
        "{page}"
    );
    assert!(
        !browser.exists("a[href$='/certificate.pdf']").await,
        "no PDF link for a host"
    );
    assert!(
        !browser.exists("section.access").await,
        "no access panel for a host"
    );
    browser.click("nav.tabs a[href*='section=project']").await;
    browser.wait_for("#objective", WAIT).await;
    browser
        .fill("#objective", "Metināšana un drošība darbā")
        .await;
    browser.submit("form.section button[type=submit]").await;
    browser.wait_for_text("Saved.", WAIT).await;
    check_page(&browser, "host-document").await;
    // The PDF stays closed to the host's browser session.
    let token = browser.cookie("europass_session").await.unwrap().0;
    let status = reqwest::Client::new()
        .get(format!("{}/documents/{doc}/certificate.pdf", app.address))
        .header("cookie", format!("europass_session={token}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 403);
    // The host keeps signatures and stamps of its own side.
    assert!(browser.exists("nav a[href='/signatures']").await);
    // The institution sees when the host first logged in (R-HOST).
    let first = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { hostFirstLoginAt } }",
            serde_json::json!({"id": doc}),
        )
        .await;
    assert!(
        first.data()["document"]["hostFirstLoginAt"].is_string(),
        "{:?}",
        first.data()
    );
    let institution_page = reqwest::Client::new()
        .get(format!("{}/documents/{doc}", app.address))
        .header("cookie", format!("europass_session={session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        institution_page.contains("The host first logged in on"),
        "{institution_page}"
    );
}

#[tokio::test]
async fn the_host_organisation_is_copied_to_two_other_documents() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 3, "A").await;
    app.complete_document(&session, &docs[0]).await;
    let browser = Browser::start_with_language("lv").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!(
            "{}/documents/{}?section=hostOrganisation",
            app.address, docs[0]
        ))
        .await;
    browser.wait_for("details#copy", WAIT).await;
    browser.click("details#copy summary").await;
    for field in [
        "name",
        "organisationType",
        "address",
        "country",
        "mentorFirstName",
        "mentorLastName",
    ] {
        browser.check(&format!("#copy-field-{field}")).await;
    }
    browser.check(&format!("#copy-target-{}", docs[1])).await;
    browser.check(&format!("#copy-target-{}", docs[2])).await;
    check_page(&browser, "document-copy-lv").await;
    // First what will change: each target's value now beside the one it will get.
    browser.submit("details#copy button[type=submit]").await;
    browser.wait_for("main table", WAIT).await;
    let preview = browser.page_text().await;
    assert_eq!(
        browser
            .execute(
                "return document.querySelectorAll('main table').length",
                vec![]
            )
            .await
            .as_i64(),
        Some(2),
        "one table per target: {preview}"
    );
    assert!(
        preview.contains("Berufsschule München") && preview.contains("nav aizpildīts"),
        "{preview}"
    );
    assert_eq!(
        app.gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { hostOrganisation { name } } }",
            serde_json::json!({"id": docs[1]}),
        )
        .await
        .data()["document"]["hostOrganisation"]["name"],
        serde_json::Value::Null,
        "a preview copies nothing"
    );
    check_page(&browser, "copy-preview-lv").await;
    browser.submit("main form button[type=submit]").await;
    browser
        .wait_for_text("Nokopēts uz 2 dokumentiem.", WAIT)
        .await;
    // The receipt names the fields and the documents that received them.
    let receipt = browser.text("div.notice").await;
    assert!(
        receipt.contains("Nosaukums")
            && receipt.contains("LV/2026/000002")
            && receipt.contains("LV/2026/000003"),
        "{receipt}"
    );
    for target in &docs[1..] {
        let read = app
            .gql_as(&session, "query($id: ID!) { document(id: $id) { hostOrganisation { name organisationType { code } country } missingFields { section } } }", serde_json::json!({"id": target}))
            .await;
        let document = &read.data()["document"];
        assert_eq!(document["hostOrganisation"]["name"], "Berufsschule München");
        assert_eq!(
            document["hostOrganisation"]["organisationType"]["code"],
            "VET_PROVIDER"
        );
        assert!(
            !document["missingFields"]
                .to_string()
                .contains("hostOrganisation"),
            "{document}"
        );
    }
}

#[tokio::test]
async fn an_esco_skill_is_added_to_the_learning_outcomes_with_one_click() {
    let app = spawn_app().await;
    esco::import_dir(
        &app.pool,
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/esco")),
    )
    .await
    .expect("the ESCO fixture imports");
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    app.save_section(
        &session,
        "saveLearningOutcomes",
        &docs[0],
        serde_json::json!({"jobRelatedSkills": "Darbs ar rasējumiem"}),
    )
    .await
    .data();
    let browser = Browser::start_with_language("lv").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!(
            "{}/documents/{}?section=learningOutcomes",
            app.address, docs[0]
        ))
        .await;
    browser.wait_for("#esco-text", WAIT).await;
    // Without diacritics, as people type on a foreign keyboard.
    browser.fill("#esco-text", "metinasanas").await;
    browser
        .submit("form[role=search] button[type=submit]")
        .await;
    browser.wait_for("ul.esco-hits li", WAIT).await;
    let label = browser.text("ul.esco-hits li strong").await;
    assert!(label.contains("metināšanas"), "{label}");
    check_page(&browser, "document-esco-lv").await;
    browser
        .submit("ul.esco-hits li form button[type=submit]")
        .await;
    browser.wait_for_text("Saglabāts.", WAIT).await;
    let value = browser
        .execute(
            "return document.getElementById('jobRelatedSkills').value",
            vec![],
        )
        .await;
    assert_eq!(
        value.as_str(),
        Some(format!("Darbs ar rasējumiem\n{label}").as_str())
    );
    let read = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { learningOutcomes { jobRelatedSkills } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        read.data()["document"]["learningOutcomes"]["jobRelatedSkills"],
        format!("Darbs ar rasējumiem\n{label}")
    );
}

#[tokio::test]
async fn the_nec_reads_a_timeline_with_a_copy_and_its_source_and_a_document_as_of_a_moment() {
    let app = spawn_app().await;
    let (session, _, _) = app
        .institution_session("Rīgas Tehnikums", "info@rt.lv")
        .await;
    let (_, _, docs) = app.approved_mobility_for(&session, 2, "A").await;
    // A quarter of an hour later the first document is filled and its host organisation
    // copied to the second.
    app.clock.advance(chrono::Duration::minutes(15));
    app.complete_document(&session, &docs[0]).await;
    let input = serde_json::json!({"sourceDocument": docs[0], "section": "hostOrganisation", "fields": ["name", "organisationType"], "targets": [docs[1]]});
    app.gql_as(
        &session,
        "mutation($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets } }",
        serde_json::json!({"input": input}),
    )
    .await
    .data();
    let pdf = app
        .client
        .get(format!(
            "{}/documents/{}/certificate.pdf",
            app.address, docs[0]
        ))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let password = app.nec_account("nora@nec.lv").await;
    let browser = Browser::start_with_language("en").await;
    log_in(&app, &browser, "nora@nec.lv", &password).await;
    browser.click("a[href='/nec/documents']").await;
    browser.wait_for("#holder", WAIT).await;
    browser.fill("#institution", "Tehnikums").await;
    browser.submit("form.search button[type=submit]").await;
    browser
        .wait_for(
            &format!("a[href='/nec/documents/{}/history']", docs[1]),
            WAIT,
        )
        .await;
    check_page(&browser, "nec-search").await;
    browser
        .click(&format!("a[href='/nec/documents/{}/history']", docs[1]))
        .await;
    browser.wait_for("ol.timeline", WAIT).await;
    let timeline = browser.page_text().await;
    assert!(timeline.contains("Fields copied in"), "{timeline}");
    assert!(
        timeline.contains("Berufsschule München"),
        "what changed: {timeline}"
    );
    // Fields by their labels, choices by theirs, events in words.
    assert!(
        timeline.contains("Type of organisation: – → Vocational"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Mobility approved") && !timeline.contains("MobilityApproved"),
        "{timeline}"
    );
    assert!(
        browser
            .exists(&format!(
                "ol.timeline a[href='/nec/documents/{}/history']",
                docs[0]
            ))
            .await,
        "the copy's source"
    );
    // As of ten minutes after approval: the copy had not happened yet.
    browser.fill("#at", "2026-11-02T09:10").await;
    browser.submit("form[action$='#as-of'] button").await;
    browser.wait_for("table.compare", WAIT).await;
    let changed = browser.text("table.compare tr.changed").await;
    assert!(changed.contains("Berufsschule München"), "{changed}");
    check_page(&browser, "nec-history").await;
    // The first document's certificate can be produced again.
    browser
        .goto(&format!(
            "{}/nec/documents/{}/history",
            app.address, docs[0]
        ))
        .await;
    browser
        .wait_for("form[action$='/verify'] button", WAIT)
        .await;
    browser.submit("form[action$='/verify'] button").await;
    browser
        .wait_for_text("can be produced again byte for byte", WAIT)
        .await;
    // Issued: the verification link and the revocation form are on the page too (issue 23).
    assert!(browser.exists("#revokeReason").await);
    assert!(browser.exists("a[href*='/verify/']").await);
    check_page(&browser, "nec-history-issued").await;
    // Erasure needs a reason and the confirmation.
    browser
        .fill("#reason", "Dalībnieces pieprasījums (VDAR 17. pants)")
        .await;
    browser.submit("form[action$='/erase'] button").await;
    browser.wait_for("#confirm-error", WAIT).await;
    let still = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        still.data()["document"]["personalData"]["surname"],
        "Bērziņa",
        "nothing erased without the confirmation"
    );
    browser
        .fill("#reason", "Dalībnieces pieprasījums (VDAR 17. pants)")
        .await;
    browser.check("#confirm").await;
    browser.submit("form[action$='/erase'] button").await;
    browser.wait_for_text("have been erased", WAIT).await;
    let gone = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert_ne!(
        gone.data()["document"]["personalData"]["surname"],
        "Bērziņa"
    );
}

#[tokio::test]
async fn a_photo_is_uploaded_by_choosing_a_file_seen_and_removed() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let browser = Browser::start_with_language("en").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!(
            "{}/documents/{}?section=personalData",
            app.address, docs[0]
        ))
        .await;
    browser.wait_for("section.photo", WAIT).await;
    assert!(browser.page_text().await.contains("No photo yet"));
    let file = std::env::temp_dir().join(format!("portrait-{}.png", uuid::Uuid::new_v4()));
    std::fs::write(&file, europass_tests::png(300, 400)).unwrap();
    let input = browser
        .client()
        .find(fantoccini::Locator::Css("#photo"))
        .await
        .expect("the file input");
    input
        .send_keys(file.to_str().unwrap())
        .await
        .expect("a file chosen");
    browser
        .submit("form.photo-upload button[type=submit]")
        .await;
    browser.wait_for("img.portrait", WAIT).await;
    // The browser session loads the stored photo.
    let loaded = browser
        .execute(
            "const i = document.querySelector('img.portrait'); return i.complete && i.naturalWidth",
            vec![],
        )
        .await;
    assert!(loaded.as_i64().unwrap_or(0) > 0, "{loaded}");
    check_page(&browser, "document-photo").await;
    browser.submit("form[action$='/photo/remove'] button").await;
    browser.wait_for_text("No photo yet", WAIT).await;
    let read = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { photoSha256 } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert!(read.data()["document"]["personalData"]["photoSha256"].is_null());
    // Not an image: the reason beside the photo.
    std::fs::write(&file, b"not a picture").unwrap();
    let input = browser
        .client()
        .find(fantoccini::Locator::Css("#photo"))
        .await
        .unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    browser
        .submit("form.photo-upload button[type=submit]")
        .await;
    browser.wait_for("#photo-error", WAIT).await;
    let _ = std::fs::remove_file(&file);
}

/// A signature on white paper: a dark stroke in a white 200 × 100 image.
fn signature_on_paper() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(200, 100, |x, y| {
        if (x as i32 - 2 * y as i32).abs() < 3 {
            image::Rgba([20, 20, 120, 255])
        } else {
            image::Rgba([255, 255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn a_signature_is_drawn_with_the_mouse_activated_and_seen_in_the_downloaded_pdf() {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    app.complete_document(&session, &docs[0]).await;
    app.gql_as(
        &session,
        "mutation { updateBaseData(input: {contactPerson: \"Anna Kalniņa\", contactPosition: \"Direktore\"}) { name } }",
        serde_json::json!({}),
    )
    .await
    .data();
    let browser = Browser::start_with_language("en").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser.click("nav a[href='/signatures']").await;
    browser.wait_for("input#image", WAIT).await;
    assert!(browser
        .page_text()
        .await
        .contains("No signature or stamp is stored yet."));
    check_page(&browser, "signatures-empty").await;

    // Step 1: a file.
    let file = std::env::temp_dir().join(format!("signature-{}.png", uuid::Uuid::new_v4()));
    std::fs::write(&file, signature_on_paper()).unwrap();
    let input = browser
        .client()
        .find(fantoccini::Locator::Css("#image"))
        .await
        .expect("the file input");
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    browser
        .submit("form[action='/signatures/upload'] button[type=submit]")
        .await;
    browser.wait_for("#cutter img", WAIT).await;
    let _ = std::fs::remove_file(&file);

    // Step 2: a rectangle drawn with the mouse fills the four fields.
    let image = browser
        .client()
        .find(fantoccini::Locator::Css("#cutter img"))
        .await
        .unwrap();
    // The image must be laid out before the mouse can be placed on it.
    let deadline = std::time::Instant::now() + WAIT;
    while browser
        .execute(
            "const i = document.querySelector('#cutter img'); return i.complete && i.naturalWidth > 0",
            vec![],
        )
        .await
        != serde_json::json!(true)
    {
        assert!(std::time::Instant::now() < deadline, "the image never loaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: image.clone(),
            duration: None,
            x: -80.0,
            y: -40.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: image.clone(),
            duration: Some(Duration::from_millis(100)),
            x: 60.0,
            y: 30.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser
        .client()
        .perform_actions(drag)
        .await
        .expect("the rectangle drawn");
    // The fields' current values (the properties; the attributes keep the page's values).
    let value = |name: &'static str| {
        let browser = &browser;
        async move {
            browser
                .execute(
                    &format!("return Number(document.getElementById('rect-{name}').value)"),
                    vec![],
                )
                .await
                .as_i64()
                .unwrap_or(-1)
        }
    };
    let (x, y, w, h) = (
        value("x").await,
        value("y").await,
        value("width").await,
        value("height").await,
    );
    // The image is shown at its own size: 200 × 100, centre (100, 50).
    assert!((18..=22).contains(&x) && (8..=12).contains(&y), "{x},{y}");
    assert!(
        (138..=142).contains(&w) && (68..=72).contains(&h),
        "{w}×{h}"
    );
    assert!(!browser
        .execute(
            "return document.querySelector('#cutter .cut-box').hidden",
            vec![]
        )
        .await
        .as_bool()
        .unwrap());
    check_page(&browser, "signature-draw").await;
    browser
        .submit("form[action$='/rect'] button[type=submit]")
        .await;

    // Step 3: the four variants side by side; the transparent one is activated.
    browser.wait_for("fieldset.variants", WAIT).await;
    let variants = browser
        .execute(
            "return [...document.querySelectorAll('fieldset.variants img')].filter(i => i.complete && i.naturalWidth > 0).length",
            vec![],
        )
        .await;
    assert_eq!(variants.as_i64(), Some(4), "four variants loaded");
    check_page(&browser, "signature-variants").await;
    browser
        .click("input[name=variant][value=TRANSPARENT]")
        .await;
    browser.fill("#name", "Direktores paraksts").await;
    browser
        .submit("form[action$='/activate'] button[type=submit]")
        .await;
    browser.wait_for_text("Direktores paraksts", WAIT).await;
    assert!(browser.exists("ul.library .badge").await, "the default");
    check_page(&browser, "signatures").await;

    // The document offers it as its default, and the downloaded PDF carries it.
    browser
        .goto(&format!("{}/documents/{}", app.address, docs[0]))
        .await;
    browser.wait_for("#choice-signature", WAIT).await;
    assert!(browser
        .text("#choice-signature")
        .await
        .contains("The default (Direktores paraksts)"));
    // The first page is shown before the download: a page-sized PNG from the same template.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let width = browser
            .execute(
                "const i = document.querySelector('figure.preview img'); return i && i.complete ? i.naturalWidth : 0",
                vec![],
            )
            .await;
        if width.as_i64() == Some(700) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no preview: {width}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let issued_before = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { certificates { sha256 } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        issued_before.data()["document"]["certificates"],
        serde_json::json!([]),
        "a preview issues nothing"
    );
    browser.click("a[href$='/certificate.pdf']").await;
    let (path, pdf) = browser
        .downloaded_file(".pdf", Duration::from_secs(30))
        .await;
    assert!(pdf.starts_with(b"%PDF"));
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (poppler-utils)");
    let list = String::from_utf8_lossy(&images.stdout).to_string();
    // The signature's transparency is a soft mask: only a signature image brings one here.
    assert!(list.contains("smask"), "no signature in the PDF:\n{list}");
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("Anna Kalniņa"), "{text}");
    assert!(!text.contains("Direktores paraksts"), "{text}");

    // "None" for this document: the PDF comes out without it.
    browser.select("#choice-signature", "EMPTY").await;
    browser
        .submit("form[action$='/signatures'] button[type=submit]")
        .await;
    browser
        .wait_for("#choice-signature option[value=EMPTY][selected]", WAIT)
        .await;
    let choices = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { signatureChoices { kind mode } } }",
            serde_json::json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        choices.data()["document"]["signatureChoices"][0]["mode"],
        "EMPTY"
    );
    check_page(&browser, "document-signature-choice").await;
    browser.close().await;
}

#[tokio::test]
async fn a_locked_participant_reads_the_document_but_cannot_save_and_never_sees_the_pdf() {
    let app = spawn_app().await;
    let (session, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let (_, _, docs) = app.approved_mobility_for(&session, 1, "A").await;
    let doc = &docs[0];
    app.complete_document(&session, doc).await;
    app.save_section(
        &session,
        "savePersonalData",
        doc,
        serde_json::json!({"email": "anna@skola.lv"}),
    )
    .await
    .data();
    // The institution gives access and locks it from a date chosen with the date picker.
    let browser = Browser::start_with_language("en").await;
    log_in(&app, &browser, "info@skola.lv", &password).await;
    browser
        .goto(&format!("{}/documents/{doc}", app.address))
        .await;
    browser
        .submit("form[action$='/access/participant'] button")
        .await;
    browser.wait_for("#lockFrom", WAIT).await;
    browser.fill("#lockFrom", "2026-11-02").await;
    browser.submit("form[action$='/access/lock'] button").await;
    browser
        .wait_for("form[action$='/access/unlock']", WAIT)
        .await;
    let emailed = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");

    // The participant: logs in, chooses a password, reads, cannot save.
    first_log_in(
        &app,
        &browser,
        "anna@skola.lv",
        &emailed,
        "Dalibniece-2026-parole",
    )
    .await;
    browser
        .goto(&format!(
            "{}/documents/{doc}?section=personalData",
            app.address
        ))
        .await;
    browser.wait_for("form.section", WAIT).await;
    let page = browser.page_text().await;
    assert!(page.contains("Bērziņa"), "reads its data: {page}");
    assert!(page.contains("locked"), "the lock is said: {page}");
    for absent in [
        "a[href$='/certificate.pdf']",
        "figure.preview",
        "section.access",
        "section.signature-choice",
        "nav a[href='/signatures']",
    ] {
        assert!(
            !browser.exists(absent).await,
            "{absent} shown to a participant"
        );
    }
    check_page(&browser, "participant-document-locked").await;
    browser.fill("#surname", "Ozoliņa").await;
    browser.submit("form.section button[type=submit]").await;
    browser.wait_for("#errors", WAIT).await;
    let read = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { personalData { surname } } }",
            serde_json::json!({"id": doc}),
        )
        .await;
    assert_eq!(
        read.data()["document"]["personalData"]["surname"],
        "Bērziņa",
        "nothing saved"
    );
    // The certificate stays closed to the participant's session.
    let token = browser.cookie("europass_session").await.unwrap().0;
    for path in ["certificate.pdf", "certificate-preview.png"] {
        let status = reqwest::Client::new()
            .get(format!("{}/documents/{doc}/{path}", app.address))
            .header("cookie", format!("europass_session={token}"))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 403, "{path}");
    }
}
