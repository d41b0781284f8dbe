//! Issue 23: an issued certificate as a sealed European Digital Credential, checked the way the
//! EU checks them: pySHACL against the EDC application profile's shapes, and the seal with
//! jwcrypto (tests/fixtures/edc; `.ci/run` makes the venv). A missing validator fails the test.

use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};
use std::path::Path;

/// Validates with the EU's shapes; panics with the validator's report when it does not conform.
fn assert_conforms(credential: &Value, label: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/edc-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: python3 -m venv target/edc-venv && target/edc-venv/bin/pip install \
         pyshacl==0.40.1 rdflib==7.6.0 (done by .ci/run)",
        python.display()
    );
    let file = std::env::temp_dir().join(format!("credential-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, serde_json::to_vec(credential).unwrap()).unwrap();
    let output = std::process::Command::new(python)
        .arg(root.join("tests/fixtures/edc/validate.py"))
        .arg(&file)
        .output()
        .expect("the validator runs");
    let _ = std::fs::remove_file(&file);
    let report = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.contains("conforms=True"),
        "{label} does not conform:\n{report}"
    );
}

fn python() -> std::path::PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/edc-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing (.ci/run makes it)",
        python.display()
    );
    python
}

/// The credential inside its seal.
fn payload(sealed: &Value) -> Value {
    serde_json::from_str(sealed["payload"].as_str().expect("a sealed credential")).unwrap()
}

/// Verifies the seal with jwcrypto; the verifier's one line on success, its reason otherwise.
fn verify_seal(sealed: &Value) -> Result<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = std::env::temp_dir().join(format!("sealed-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, sealed.to_string()).unwrap();
    let output = std::process::Command::new(python())
        .arg(root.join("tests/fixtures/edc/verify_seal.py"))
        .arg(&file)
        .output()
        .expect("the seal verifier runs");
    let _ = std::fs::remove_file(&file);
    let said = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(said)
    } else {
        Err(said)
    }
}

async fn get_credential(app: &TestApp, session: &str, doc: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/documents/{doc}/credential.json", app.address))
        .bearer_auth(session)
        .send()
        .await
        .unwrap()
}

async fn issue(app: &TestApp, session: &str, doc: &str) {
    let pdf = app
        .client
        .get(format!("{}/documents/{doc}/certificate.pdf", app.address))
        .bearer_auth(session)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
}

#[tokio::test]
async fn an_issued_certificate_is_a_conforming_credential_with_the_printed_values() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 2).await;
    // A Latvian document with the optional sections empty.
    app.complete_document(&session, &docs[0]).await;
    app.gql_as(
        &session,
        "mutation($id: ID!) { setDocumentLanguage(documentId: $id, language: LV) { language } }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let url = app
        .gql_as(
            &session,
            "query($id: ID!) { credentialUrl(documentId: $id) }",
            json!({"id": docs[0]}),
        )
        .await;
    assert!(url.data()["credentialUrl"]
        .as_str()
        .is_some_and(|u| u.ends_with(&format!("/documents/{}/credential.json", docs[0]))));
    let not_yet = get_credential(&app, &session, &docs[0]).await;
    assert_eq!(not_yet.status(), 422, "not issued yet");
    assert!(not_yet.text().await.unwrap().contains("NOT_ISSUED"));
    issue(&app, &session, &docs[0]).await;
    let answer = get_credential(&app, &session, &docs[0]).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "application/jose+json"
    );
    let sealed: Value = answer.json().await.unwrap();
    let verified = verify_seal(&sealed).expect("the seal verifies");
    assert!(verified.contains("development"), "{verified}");
    let latvian = payload(&sealed);
    assert_conforms(&latvian, "the Latvian document");
    let subject = &latvian["credentialSubject"];
    assert_eq!(subject["familyName"], json!({"lv": "Bērziņa"}));
    assert_eq!(subject["givenName"], json!({"lv": "Līga"}));
    assert_eq!(subject["dateOfBirth"], "2007-03-04T00:00:00Z");
    assert_eq!(
        latvian["displayParameter"]["primaryLanguage"]["id"],
        "http://publications.europa.eu/resource/authority/language/LAV"
    );
    let number = latvian["identifier"]["notation"].as_str().unwrap();
    assert!(number.starts_with("LV/2026/"), "{number}");
    let claim = &subject["hasClaim"];
    assert_eq!(claim["temporal"]["startDate"], "2026-12-01T00:00:00Z");
    assert_eq!(
        claim["directedBy"]["location"]["address"]["countryCode"]["id"],
        "http://publications.europa.eu/resource/authority/country/DEU"
    );
    // The display image is the certificate's first page.
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD
        .decode(
            latvian["displayParameter"]["individualDisplay"]["displayDetail"]["image"]["content"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    // An English document with every optional section full.
    esco::import_dir(
        &app.pool,
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/esco")),
    )
    .await
    .expect("the ESCO fixture imports");
    app.complete_document(&session, &docs[1]).await;
    app.save_section(
        &session,
        "saveLearningOutcomes",
        &docs[1],
        json!({
            // A skill added from ESCO ("add text" puts its label on a line of its own).
            "jobRelatedSkills": "Metināšana\nuse welding equipment",
            "digitalSkills": "Spreadsheets",
            "organisationalSkills": "Planning own work",
            "communicationSkills": "Team work in German",
            "otherSkills": "Driving",
            "languageSkills": [{"language": "de", "listening": "B1", "reading": "B1", "spokenInteraction": "A2", "spokenProduction": "A2", "writing": "A2"}]
        }),
    )
    .await
    .data();
    app.save_section(
        &session,
        "saveProject",
        &docs[1],
        json!({"qualification": "Welder", "stay": "PHYSICAL"}),
    )
    .await
    .data();
    issue(&app, &session, &docs[1]).await;
    let full: Value = payload(
        &get_credential(&app, &session, &docs[1])
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_conforms(&full, "the English document with every section");
    let influences = full["credentialSubject"]["hasClaim"]["influences"]
        .as_array()
        .unwrap();
    assert_eq!(influences.len(), 7, "six outcome fields and one language");
    let job = influences
        .iter()
        .find(|a| {
            a["specifiedBy"]["learningOutcome"]["title"]["en"]
                .as_str()
                .is_some_and(|t| t.contains("use welding equipment"))
        })
        .expect("the job-related skills");
    assert_eq!(
        job["specifiedBy"]["learningOutcome"]["relatedESCOSkill"],
        json!([{
            "id": "http://data.europa.eu/esco/skill/47531f79-d5ff-59af-a078-fb2156f0579c",
            "type": "Concept",
            "prefLabel": {"en": "use welding equipment"},
        }])
    );
    assert!(
        influences
            .iter()
            .any(|a| a["provenBy"]["grade"]["noteLiteral"]["en"]
                .as_str()
                .is_some_and(|g| g.contains("listening B1"))),
        "{influences:?}"
    );
    assert!(
        full["credentialSubject"]["hasClaim"]["learningOpportunity"]["grant"]["identifier"]
            ["notation"]
            .as_str()
            .is_some_and(|n| n.contains("KA122"))
    );
}

#[tokio::test]
async fn a_credential_is_not_checked_trivially_and_an_erased_holder_has_none() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    app.complete_document(&session, &docs[0]).await;
    issue(&app, &session, &docs[0]).await;
    let sealed: Value = get_credential(&app, &session, &docs[0])
        .await
        .json()
        .await
        .unwrap();
    // The seal can fail too: a changed payload, or a changed signature, does not verify.
    let mut forged = sealed.clone();
    let changed = sealed["payload"].as_str().unwrap().replace("Līga", "Anna");
    assert_ne!(changed, sealed["payload"].as_str().unwrap());
    forged["payload"] = json!(changed);
    let why = verify_seal(&forged).expect_err("a changed payload verified");
    assert!(why.contains("not verified"), "{why}");
    let mut forged = sealed.clone();
    let signature = forged["signatures"][0]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    forged["signatures"][0]["signature"] = json!(format!("{flipped}{}", &signature[1..]));
    assert!(
        verify_seal(&forged).is_err(),
        "a changed signature verified"
    );
    let mut credential = payload(&sealed);
    // The check can fail: without its issuer the credential does not conform.
    credential.as_object_mut().unwrap().remove("issuer");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = std::env::temp_dir().join(format!("broken-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, credential.to_string()).unwrap();
    let status = std::process::Command::new(root.join("target/edc-venv/bin/python"))
        .arg(root.join("tests/fixtures/edc/validate.py"))
        .arg(&file)
        .output()
        .expect("the validator runs")
        .status;
    let _ = std::fs::remove_file(&file);
    assert!(!status.success(), "a credential without issuer passed");

    let nec = app.nec_session("audit@nec.lv").await;
    app.gql_as(
        &nec,
        "mutation($id: ID!) { eraseParticipantData(documentId: $id, reason: \"data-protection request\") }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let erased = get_credential(&app, &session, &docs[0]).await;
    assert_eq!(erased.status(), 422);
    assert!(erased
        .text()
        .await
        .unwrap()
        .contains("PARTICIPANT_DATA_ERASED"));
}

#[tokio::test]
async fn a_try_out_credential_says_so_conforms_and_carries_the_development_seal() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let requested = app
        .gql_as(
            &session,
            "mutation($input: MobilityRequestInput!) { requestMobility(input: $input) { isTryOut documents(first: 1) { nodes { id } } } }",
            json!({"input": {
                "acceptConditions": true, "participants": 1, "foldersByPost": false,
                "startDate": "2026-12-01", "endDate": "2026-12-14", "issuer": "TRY_OUT",
                "procedure": "A", "programme": "KA122-VET",
                "projectNumber": "2026-1-LV01-KA122-VET-000001"
            }}),
        )
        .await;
    let mobility = &requested.data()["requestMobility"];
    assert_eq!(
        mobility["isTryOut"], true,
        "approved at once in its own series"
    );
    let doc = mobility["documents"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.complete_document(&session, &doc).await;
    issue(&app, &session, &doc).await;
    let sealed: Value = get_credential(&app, &session, &doc)
        .await
        .json()
        .await
        .unwrap();
    let verified = verify_seal(&sealed).expect("the seal verifies");
    assert!(verified.contains("development"), "{verified}");
    let credential = payload(&sealed);
    assert_conforms(&credential, "a Try Out document");
    let title = &credential["displayParameter"]["title"];
    assert!(
        title["en"]
            .as_str()
            .is_some_and(|t| t.contains("Try Out: not a certificate")),
        "{title}"
    );
    assert!(credential["identifier"]["notation"]
        .as_str()
        .is_some_and(|n| n.starts_with("TRY/")));
}

#[tokio::test]
async fn a_credential_says_what_the_issued_pdf_says_even_after_the_document_changed() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    app.complete_document(&session, &docs[0]).await;
    issue(&app, &session, &docs[0]).await;
    // Changed a minute after the issue, and not issued again: the certificate still says the
    // old text.
    app.clock.advance(chrono::Duration::minutes(1));
    app.save_section(
        &session,
        "saveLearningOutcomes",
        &docs[0],
        json!({"activities": "Changed after the issue"}),
    )
    .await
    .data();
    let credential = payload(
        &get_credential(&app, &session, &docs[0])
            .await
            .json()
            .await
            .unwrap(),
    );
    let text = credential.to_string();
    assert!(text.contains("Metināšanas darbi darbnīcā"), "{text}");
    assert!(!text.contains("Changed after the issue"), "{text}");
}
