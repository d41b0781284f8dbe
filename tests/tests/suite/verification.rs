//! Issue 23: verification by anyone. The QR code is read back from a rendered page of the PDF
//! with zbarimg (Debian's zbar-tools, installed by `.ci/run`); its link opens the public page,
//! which must tell an issued, a revoked, an erased and a made-up certificate apart, and reveal
//! nothing without the right code. Files are checked byte for byte (PDF) or by their seal.

use domain::values::{EuropassNumber, VerificationCode};
use europass_tests::portal::Visitor;
use europass_tests::{qr_link, spawn_app, TestApp};
use serde_json::{json, Value};
use std::process::Command;

async fn download(app: &TestApp, session: &str, doc: &str, file: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/documents/{doc}/{file}", app.address))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
}

async fn verify_gql(app: &TestApp, number: &str, code: &str) -> Value {
    app.gql(
        "query($n: String!, $c: String!) { certificateVerification(number: $n, code: $c) { status europassNumber holderName revokedAt revocationReason hostCountry { code en } } }",
        json!({"n": number, "c": code}),
    )
    .await
    .data()["certificateVerification"]
        .clone()
}

fn code_of(doc: &str) -> String {
    VerificationCode::of_document(doc.parse().unwrap())
        .as_str()
        .to_string()
}

#[tokio::test]
async fn the_qr_code_opens_the_page_that_tells_issued_revoked_erased_and_made_up_apart() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    for doc in &docs {
        app.complete_document(&session, doc).await;
    }
    let pdf = download(&app, &session, &docs[0], "certificate.pdf").await;
    assert_eq!(pdf.status(), 200);
    let pdf = pdf.bytes().await.unwrap();
    let link = qr_link(&pdf);
    let prefix = format!("{}/verify/", app.address);
    assert!(link.starts_with(&prefix), "{link}");
    assert!(
        link.ends_with(&format!("?code={}", code_of(&docs[0]))),
        "{link}"
    );
    // The printed code is the link's, in two groups.
    let text = pdf_text(&pdf);
    let code = VerificationCode::of_document(docs[0].parse().unwrap());
    assert!(text.contains(&code.printed()), "{text}");

    // Issued: anyone (no cookie, no token) opening the link sees the certificate's facts.
    let mut anyone = Visitor::new(&app);
    let page = anyone.get(&link[app.address.len()..]).await;
    assert_eq!(page.status, 200);
    let body = page.text();
    assert!(body.contains("Authentic"), "{body}");
    assert!(body.contains("Līga Bērziņa"), "{body}");
    assert!(body.contains("Germany"), "{body}");
    let number = link[prefix.len()..].split('?').next().unwrap().to_string();
    let printed = EuropassNumber::parse_slug_or_number(&number)
        .unwrap()
        .to_string();
    assert!(body.contains(&printed), "{body}");

    // Made up: the right number with another code, a code of a document never issued, and
    // a number that does not exist all answer alike and show nothing of the holder.
    let wrong_code = anyone
        .get(&format!("/verify/{number}?code=ABCDE-FGHJK"))
        .await
        .text();
    assert!(wrong_code.contains("No such certificate"), "{wrong_code}");
    assert!(!wrong_code.contains("Līga"), "{wrong_code}");
    let never_issued_number = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { europassNumber } }",
            json!({"id": docs[1]}),
        )
        .await
        .data()["document"]["europassNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let made_up = EuropassNumber::new("LV", 2031, 999_999)
        .unwrap()
        .to_string();
    for (n, c) in [
        (never_issued_number.as_str(), code_of(&docs[1])),
        (made_up.as_str(), "ABCDEFGHJK".to_string()),
        (printed.as_str(), "ABCDEFGHJK".to_string()),
    ] {
        let answer = verify_gql(&app, n, &c).await;
        assert_eq!(
            answer,
            json!({"status": "UNKNOWN", "europassNumber": null, "holderName": null, "revokedAt": null, "revocationReason": null, "hostCountry": null}),
            "{n} {c}"
        );
    }
    let issued = verify_gql(&app, &printed, code.as_str()).await;
    assert_eq!(issued["status"], "ISSUED");
    assert_eq!(issued["hostCountry"]["code"], "DE");

    // Revoked by the NEC: the same link says so, with the date and reason, and neither the
    // PDF nor the credential is handed out again (nothing recorded).
    let nec = app.nec_session("audit@nec.lv").await;
    let refused = app
        .gql_as(
            &session,
            "mutation($id: ID!) { revokeCertificate(documentId: $id, reason: \"x\") }",
            json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(refused.code(), "FORBIDDEN", "only NEC staff revoke");
    app.gql_as(
        &nec,
        "mutation($id: ID!) { revokeCertificate(documentId: $id, reason: \"Issued for the wrong person\") }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let page = anyone.get(&link[app.address.len()..]).await.text();
    assert!(page.contains("Revoked"), "{page}");
    assert!(page.contains("Issued for the wrong person"), "{page}");
    app.projected().await;
    let events = app.event_count().await;
    for file in ["certificate.pdf", "credential.json"] {
        let again = download(&app, &session, &docs[0], file).await;
        assert_eq!(again.status(), 422, "{file}");
        assert!(again.text().await.unwrap().contains("CERTIFICATE_REVOKED"));
    }
    app.projected().await;
    assert_eq!(
        app.event_count().await,
        events,
        "a refused issue writes nothing"
    );
    let history = app
        .gql_as(
            &nec,
            "query($id: ID!) { document(id: $id) { revocation { reason } } certificateHistory(documentId: $id, first: 100) { edges { node { eventType } } } }",
            json!({"id": docs[0]}),
        )
        .await;
    let history = history.data();
    assert_eq!(
        history["document"]["revocation"]["reason"],
        "Issued for the wrong person"
    );
    assert!(history["certificateHistory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["node"]["eventType"] == "CertificateRevoked"));

    // Erased: the number exists, nothing of the holder is shown.
    let pdf = download(&app, &session, &docs[2], "certificate.pdf").await;
    let link = qr_link(&pdf.bytes().await.unwrap());
    app.gql_as(
        &nec,
        "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"data-protection request\") }",
        json!({"id": docs[2]}),
    )
    .await
    .data();
    let page = anyone.get(&link[app.address.len()..]).await.text();
    assert!(page.contains("personal data were erased"), "{page}");
    assert!(!page.contains("Līga"), "{page}");

    // In Latvian too.
    let mut latvian = Visitor::new(&app).speaking("lv");
    let page = latvian.get(&format!("/verify/{number}?code=x")).await;
    assert_eq!(
        page.status, 422,
        "a code of the wrong shape names the field"
    );
    assert!(page.text().contains("Pārbaudes kods"), "{}", page.text());
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::test]
async fn a_dropped_file_is_one_the_register_issued_only_byte_for_byte_or_under_its_seal() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    app.complete_document(&session, &docs[0]).await;
    let pdf = download(&app, &session, &docs[0], "certificate.pdf")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let sealed = download(&app, &session, &docs[0], "credential.json")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let mut anyone = Visitor::new(&app);
    anyone.get("/verify").await;

    let page = anyone
        .post_file("/verify/file", "file", "c.pdf", &pdf)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("exactly the one"), "{}", page.text());
    assert!(page.text().contains("Authentic"), "{}", page.text());

    let mut changed = pdf.clone();
    let at = changed.len() / 2;
    changed[at] ^= 1;
    let page = anyone
        .post_file("/verify/file", "file", "c.pdf", &changed)
        .await;
    assert!(
        page.text().contains("Not a file the register issued"),
        "{}",
        page.text()
    );

    let page = anyone
        .post_file("/verify/file", "file", "c.json", &sealed)
        .await;
    assert!(
        page.text().contains("carries the register"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("development seal"), "{}", page.text());

    let mut forged: Value = serde_json::from_slice(&sealed).unwrap();
    let payload = forged["payload"].as_str().unwrap().replace("Līga", "Anna");
    forged["payload"] = json!(payload);
    let page = anyone
        .post_file(
            "/verify/file",
            "file",
            "c.json",
            forged.to_string().as_bytes(),
        )
        .await;
    assert!(
        page.text().contains("Not a file the register issued"),
        "{}",
        page.text()
    );

    // Without the form's CSRF field nothing is checked.
    let page = anyone.post_raw("/verify/file", &[("file", "x")], &[]).await;
    assert!((400..500).contains(&page.status), "{}", page.status);
}

#[tokio::test]
async fn checks_are_limited_per_client_address() {
    let app = spawn_app().await;
    let made_up = EuropassNumber::new("LV", 2031, 1).unwrap().slug();
    for _ in 0..commands::verification::CHECKS_PER_WINDOW {
        let answer = verify_gql(&app, &made_up, "ABCDEFGHJK").await;
        assert_eq!(answer["status"], "UNKNOWN");
    }
    let answer = app
        .gql(
            "query($n: String!) { certificateVerification(number: $n, code: \"ABCDEFGHJK\") { status } }",
            json!({"n": made_up}),
        )
        .await;
    assert_eq!(answer.code(), "THROTTLED", "{:?}", answer.body);
    // A code of the wrong shape is refused naming its field, and is not counted as a guess.
    let answer = app
        .gql(
            "query($n: String!) { certificateVerification(number: $n, code: \"1234\") { status } }",
            json!({"n": made_up}),
        )
        .await;
    assert_eq!(
        answer.error()["extensions"]["field"],
        "code",
        "{:?}",
        answer.body
    );
}

#[tokio::test]
async fn nec_staff_revoke_from_the_history_page_with_a_reason_and_a_confirmation() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    app.complete_document(&session, &docs[0]).await;
    assert_eq!(
        download(&app, &session, &docs[0], "certificate.pdf")
            .await
            .status(),
        200
    );
    let password = app.nec_account("nora@nec.lv").await;
    let mut nec = Visitor::new(&app).speaking("en");
    nec.get("/login").await;
    nec.post(
        "/login",
        &[
            ("email", "nora@nec.lv"),
            ("password", &password),
            ("next", "/"),
        ],
    )
    .await;
    // A credential exported (and so built and kept) before the revocation.
    assert_eq!(
        download(&app, &session, &docs[0], "credential.json")
            .await
            .status(),
        200
    );
    let history = format!("/nec/documents/{}/history", docs[0]);
    let page = nec.get(&history).await;
    assert!(
        page.text().contains("Revoke the certificate"),
        "{}",
        page.text()
    );
    assert!(
        page.text().contains("/verify/"),
        "the verification link is shown"
    );
    let revoke = format!("/nec/documents/{}/revoke", docs[0]);
    app.projected().await;
    let events = app.event_count().await;
    let unconfirmed = nec.post(&revoke, &[("revokeReason", "Wrong person")]).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(
        unconfirmed.text().contains("Tick the confirmation"),
        "{}",
        unconfirmed.text()
    );
    let no_reason = nec
        .post(&revoke, &[("reason", " "), ("confirm", "on")])
        .await;
    assert_eq!(no_reason.status, 422);
    app.projected().await;
    assert_eq!(app.event_count().await, events, "nothing revoked yet");
    let done = nec
        .post(
            &revoke,
            &[("revokeReason", "Wrong person"), ("revokeConfirm", "on")],
        )
        .await;
    assert!(done.text().contains("has been revoked"), "{}", done.text());
    assert!(done.text().contains("Wrong person"), "{}", done.text());
    // The timeline names the event in words, not by its type.
    assert!(
        done.text().contains("Certificate revoked"),
        "{}",
        done.text()
    );
    assert!(
        !done.text().contains("Revoke the certificate"),
        "revoked once"
    );
    // The credential built before is not handed out again.
    let again = download(&app, &session, &docs[0], "credential.json").await;
    assert_eq!(again.status(), 422);
    // The institution's document page shows the revocation instead of the downloads.
    let doc = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { revocation { reason } verificationUrl } }",
            json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(
        doc.data()["document"]["revocation"]["reason"],
        "Wrong person"
    );
}
