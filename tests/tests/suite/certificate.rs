//! R-PDF, R-SIGN, R-LANG: the certificate through the real server, read back with pdftotext.

use europass_tests::{spawn_app, TestApp};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Write;

fn pdftotext(pdf: &[u8], page: Option<usize>) -> String {
    let mut file = tempfile();
    file.1.write_all(pdf).unwrap();
    let mut cmd = std::process::Command::new("pdftotext");
    if let Some(page) = page {
        cmd.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let out = cmd
        .arg(&file.0)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    String::from_utf8(out.stdout).unwrap()
}

fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!("cert-{}.pdf", uuid::Uuid::new_v4()));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

fn pages(pdf: &[u8]) -> usize {
    let text = pdftotext(pdf, None);
    text.matches('\u{c}').count().max(1)
}

async fn save(app: &TestApp, token: &str, mutation: &str, id: &str, input: Value) {
    app.save_section(token, mutation, id, input).await.data();
}

async fn complete(app: &TestApp, token: &str, id: &str, activities: &str) {
    save(app, token, "savePersonalData", id,
         json!({"surname": "Bērziņš", "firstName": "Ādams Čaks Ģirts Ķēniņš", "dateOfBirth": "2007-03-04", "nationality": "LV"})).await;
    save(app, token, "saveHostOrganisation", id,
         json!({"name": "Berufsschule München #panic(\"x\") ] $x$", "organisationType": {"code": "VET_PROVIDER"},
                "address": "Musterstraße 1", "country": "DE", "mentorFirstName": "Jürgen", "mentorLastName": "Müller"})).await;
    save(app, token, "saveProject", id,
         json!({"objective": "Metināšana #import \"evil\"", "startDate": "2026-12-01", "endDate": "2026-12-14"})).await;
    save(app, token, "saveLearningOutcomes", id,
         json!({"activities": activities, "jobRelatedSkills": activities.chars().take(1900).collect::<String>(),
                "digitalSkills": activities.chars().take(1900).collect::<String>(), "languageSkills": [{"language": "de", "listening": "B1", "reading": "B1", "spokenInteraction": "A2", "spokenProduction": "A2", "writing": "A2"}]})).await;
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_complete_document_gives_a_latvian_certificate_with_its_number_on_every_page() {
    let app = spawn_app().await;
    let (session, mobility, docs) = app.approved_mobility("info@skola.lv", 3).await;
    let incomplete = get(
        &app,
        &session,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await;
    assert_eq!(incomplete.status(), 422);
    let body: Value = incomplete.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "DOCUMENT_INCOMPLETE"
    );
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("personalData.surname"));

    let long = "Metināšana ar MIG/MAG metodi, darba drošība. ".repeat(80);
    complete(&app, &session, &docs[0], &long).await;
    app.gql_as(
        &session,
        "mutation($id: ID!) { setDocumentLanguage(documentId: $id, language: LV) { language } }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let response = get(
        &app,
        &session,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await;
    assert_eq!(response.status(), 200);
    let pdf = response.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF"));
    let text = pdftotext(&pdf, None);
    let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squashed.contains("Bērziņš"), "{squashed:.400}");
    assert!(squashed.contains("Ādams Čaks Ģirts Ķēniņš"));
    assert!(
        squashed.contains("#panic(\"x\") ] $x$"),
        "hostile text printed literally"
    );
    assert!(squashed.contains("#import \"evil\""));
    assert!(text.contains("lappuse"), "Latvian labels");
    let doc = app
        .gql_as(&session, "query($id: ID!) { document(id: $id) { europassNumber certificates { sha256 language templateVersion } } }", json!({"id": docs[0]}))
        .await;
    let doc = &doc.data()["document"];
    let number = doc["europassNumber"].as_str().unwrap();
    let n = pages(&pdf);
    assert!(n >= 2, "long outcomes give several pages");
    for page in 1..=n {
        assert!(
            pdftotext(&pdf, Some(page)).contains(number),
            "number on page {page}"
        );
    }
    let issued = &doc["certificates"][0];
    assert_eq!(issued["sha256"], hex::encode(Sha256::digest(&pdf)));
    assert_eq!(issued["language"], "LV");

    // The same state renders the same bytes.
    let again = get(
        &app,
        &session,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(again.to_vec(), pdf);
    // Downloading it again issued nothing new: one CertificateIssued, not one per download.
    assert_eq!(certificates_of(&app, &session, &docs[0]).await.len(), 1);

    // Later base-data changes do not change what an auditor re-creates for this issue.
    app.clock.advance(chrono::Duration::minutes(1));
    app.gql_as(
        &session,
        "mutation { updateBaseData(input: {name: \"Pārdēvēta skola\"}) { name } }",
        json!({}),
    )
    .await
    .data();
    let check = app
        .gql_as(
            &session,
            "query($id: ID!, $sha: String!) { verifyIssuedCertificate(documentId: $id, sha256: $sha) { matches recreatedSha256 } }",
            json!({"id": docs[0], "sha": issued["sha256"]}),
        )
        .await;
    assert_eq!(check.data()["verifyIssuedCertificate"]["matches"], true);

    // A batch of the complete documents of the mobility.
    complete(&app, &session, &docs[1], "Praktika").await;
    let zip = get(
        &app,
        &session,
        &format!("/mobilities/{mobility}/certificates.zip"),
    )
    .await
    .bytes()
    .await
    .unwrap();
    // Read back by two independent readers: Info-ZIP's `unzip -t` and Python's zipfile.
    let entries = read_zip(&zip);
    assert_eq!(entries.len(), 2, "{entries:?}");
    for (name, sha256) in &entries {
        assert!(
            name.starts_with("europass-mobility-") && name.ends_with(".pdf"),
            "{name}"
        );
        assert_eq!(sha256.len(), 64);
    }
    // Each PDF in the archive is the certificate the document records as issued last.
    let mut recorded = vec![];
    for doc in &docs[..2] {
        let certificates = certificates_of(&app, &session, doc).await;
        recorded.push(
            certificates.last().unwrap()["sha256"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut in_zip: Vec<String> = entries.iter().map(|(_, sha)| sha.clone()).collect();
    in_zip.sort();
    recorded.sort();
    assert_eq!(in_zip, recorded);
    // A second download of the archive issues nothing new either.
    let before: usize = certificates_of(&app, &session, &docs[1]).await.len();
    get(
        &app,
        &session,
        &format!("/mobilities/{mobility}/certificates.zip"),
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(
        certificates_of(&app, &session, &docs[1]).await.len(),
        before
    );
}

async fn certificates_of(app: &TestApp, session: &str, doc: &str) -> Vec<Value> {
    let answer = app
        .gql_as(
            session,
            "query($id: ID!) { document(id: $id) { certificates { sha256 } } }",
            json!({"id": doc}),
        )
        .await;
    answer.data()["document"]["certificates"]
        .as_array()
        .unwrap()
        .clone()
}

/// Tests the archive with `unzip -t` and lists `(name, sha256 of the bytes)` with Python's
/// `zipfile` (which also checks every CRC).
fn read_zip(zip: &[u8]) -> Vec<(String, String)> {
    let path = std::env::temp_dir().join(format!("certs-{}.zip", uuid::Uuid::new_v4()));
    std::fs::write(&path, zip).unwrap();
    let unzip = std::process::Command::new("unzip")
        .arg("-t")
        .arg(&path)
        .output()
        .expect("unzip is installed by .ci/run");
    assert!(
        unzip.status.success(),
        "unzip -t: {}{}",
        String::from_utf8_lossy(&unzip.stdout),
        String::from_utf8_lossy(&unzip.stderr)
    );
    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import hashlib, sys, zipfile\n\
             z = zipfile.ZipFile(sys.argv[1])\n\
             assert z.testzip() is None\n\
             for i in z.infolist():\n\
             \x20   print(i.filename, hashlib.sha256(z.read(i)).hexdigest())\n",
        )
        .arg(&path)
        .output()
        .expect("python3");
    let _ = std::fs::remove_file(&path);
    assert!(
        python.status.success(),
        "zipfile: {}",
        String::from_utf8_lossy(&python.stderr)
    );
    String::from_utf8(python.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (name, sha) = line.rsplit_once(' ').unwrap();
            (name.to_string(), sha.to_string())
        })
        .collect()
}

#[tokio::test]
async fn an_incomplete_document_is_refused_with_its_missing_fields_in_extensions() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    save(
        &app,
        &session,
        "savePersonalData",
        &docs[0],
        json!({"surname": "Bērziņa"}),
    )
    .await;
    let listed = app
        .gql_as(
            &session,
            "query($id: ID!) { document(id: $id) { missingFields { path label } } }",
            json!({"id": docs[0]}),
        )
        .await;
    let listed = listed.data()["document"]["missingFields"].clone();
    let response = get(
        &app,
        &session,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(extensions["code"], "REJECTED");
    assert_eq!(extensions["reason"], "DOCUMENT_INCOMPLETE");
    let missing = extensions["missing"]
        .as_array()
        .expect("extensions.missing");
    // The same fields, in the same order, as the document lists them; the saved surname is
    // not among them.
    let paths: Vec<&Value> = missing.iter().map(|m| &m["path"]).collect();
    let expected: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["path"])
        .collect();
    assert_eq!(paths, expected);
    assert!(!paths.contains(&&json!("personalData.surname")));
    assert_eq!(
        missing[0],
        json!({"path": "personalData.firstName", "section": "personalData",
               "field": "firstName", "label": "First name(s)", "labelLv": "Vārds(-i)"})
    );
    assert!(missing
        .iter()
        .all(|m| m["label"].as_str().is_some_and(|l| !l.is_empty())));
    assert_eq!(missing[0]["label"], listed[0]["label"]);
}

#[tokio::test]
async fn only_the_institution_and_the_nec_get_the_pdf() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    complete(&app, &session, &docs[0], "Praktika").await;
    save(
        &app,
        &session,
        "savePersonalData",
        &docs[0],
        json!({"email": "anna@skola.lv"}),
    )
    .await;
    app.gql_as(
        &session,
        "mutation($id: ID!) { grantParticipantAccess(documentId: $id) }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let pw = app
        .smtp
        .wait_for("anna@skola.lv", "password:")
        .await
        .after("password: ");
    let anna = app.session("anna@skola.lv", &pw).await;
    let denied = get(
        &app,
        &anna,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await;
    assert_eq!(denied.status(), 403);
    let url = app
        .gql_as(
            &anna,
            "query($id: ID!) { certificateUrl(documentId: $id) }",
            json!({"id": docs[0]}),
        )
        .await;
    assert_eq!(url.code(), "FORBIDDEN");
    let nec = app.nec_session("nora@nec.lv").await;
    assert_eq!(
        get(
            &app,
            &nec,
            &format!("/documents/{}/certificate.pdf", docs[0])
        )
        .await
        .status(),
        200
    );
    let (stranger, _, _) = app.institution_session("Cita", "cita@skola.lv").await;
    assert_eq!(
        get(
            &app,
            &stranger,
            &format!("/documents/{}/certificate.pdf", docs[0])
        )
        .await
        .status(),
        404
    );
}

fn signature_png() -> Vec<u8> {
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
async fn a_signature_is_prepared_in_three_steps_and_goes_into_later_certificates() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    complete(&app, &session, &docs[0], "Praktika").await;
    let before = get(
        &app,
        &session,
        &format!("/documents/{}/certificate.pdf", docs[0]),
    )
    .await
    .bytes()
    .await
    .unwrap();

    let not_image = app
        .client
        .post(format!("{}/signatures/uploads", app.address))
        .bearer_auth(&session)
        .body("not an image")
        .send()
        .await
        .unwrap();
    assert_eq!(not_image.status(), 422);
    let uploaded: Value = app
        .client
        .post(format!("{}/signatures/uploads", app.address))
        .bearer_auth(&session)
        .body(signature_png())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upload_id = uploaded["uploadId"].as_str().unwrap();
    let outside = app
        .gql_as(
            &session,
            "mutation($id: ID!) { chooseSignatureRectangle(uploadId: $id, rect: {x: 150, y: 50, width: 100, height: 100}) { code } }",
            json!({"id": upload_id}),
        )
        .await;
    assert_eq!(
        (outside.code(), outside.reason()),
        ("VALIDATION", "RECT_OUT_OF_BOUNDS")
    );
    let variants = app
        .gql_as(
            &session,
            "mutation($id: ID!) { chooseSignatureRectangle(uploadId: $id, rect: {x: 10, y: 5, width: 120, height: 60}) { code sha256 width height } }",
            json!({"id": upload_id}),
        )
        .await;
    let variants = variants.data()["chooseSignatureRectangle"]
        .as_array()
        .unwrap()
        .clone();
    let codes: Vec<&str> = variants
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["AS_IS", "GREYSCALE", "BLACK_AND_WHITE", "TRANSPARENT"]
    );
    assert!(variants
        .iter()
        .all(|v| v["width"] == 120 && v["height"] == 60));
    let transparent = variants[3]["sha256"].as_str().unwrap();
    let png = get(&app, &session, &format!("/files/{transparent}"))
        .await
        .bytes()
        .await
        .unwrap();
    let decoded = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!(
        decoded.get_pixel(100, 10)[3],
        0,
        "white background made transparent"
    );

    app.gql_as(
        &session,
        "mutation($id: ID!) { activateSignature(uploadId: $id, variant: \"TRANSPARENT\", name: \"Direktore A. Kalniņa\", kind: SIGNATURE) }",
        json!({"id": upload_id}),
    )
    .await
    .data();
    let list = app
        .gql_as(
            &session,
            "{ signatures { name kind isDefault } }",
            json!({}),
        )
        .await;
    assert_eq!(
        list.data()["signatures"],
        json!([{"name": "Direktore A. Kalniņa", "kind": "SIGNATURE", "isDefault": true}])
    );
    // The signature rows print the institution's contact person and position (issue 22),
    // never the name the library's entry was given.
    app.gql_as(
        &session,
        "mutation { updateBaseData(input: {contactPerson: \"Anna Kalniņa\", contactPosition: \"Direktore\", organisationType: \"VET_PROVIDER\"}) { contactPosition organisationType } }",
        json!({}),
    )
    .await
    .data();
    let pdf = async || {
        get(
            &app,
            &session,
            &format!("/documents/{}/certificate.pdf", docs[0]),
        )
        .await
        .bytes()
        .await
        .unwrap()
    };
    let flat = |pdf: &[u8]| -> String {
        pdftotext(pdf, None)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let after = pdf().await;
    assert_ne!(before, after, "the default signature is inserted");
    let text = flat(&after);
    assert!(!text.contains("Direktore A. Kalniņa"), "{text}");
    let today = app.clock_now().format("%d/%m/%Y").to_string();
    for expected in [
        "Anna Kalniņa",
        "Direktore",
        "Contact person's position",
        "Vocational education and training provider",
    ] {
        assert!(text.contains(expected), "{expected:?} missing: {text}");
    }
    // The issue date, and again beside the printed signature.
    assert_eq!(text.matches(&today).count(), 2, "{text}");

    // A document may choose no signature at all ("one, sending or host, is enough").
    let unknown = app
        .gql_as(
            &session,
            "mutation($d: ID!) { chooseDocumentSignature(documentId: $d, kind: SIGNATURE, signatureId: \"00000000-0000-4000-8000-000000000000\") }",
            json!({"d": docs[0]}),
        )
        .await;
    assert_eq!(unknown.code(), "NOT_FOUND");
    let both = app
        .gql_as(
            &session,
            "mutation($d: ID!) { chooseDocumentSignature(documentId: $d, kind: SIGNATURE, signatureId: $d, leaveEmpty: true) }",
            json!({"d": docs[0]}),
        )
        .await;
    assert_eq!(both.field(), "leaveEmpty");
    app.gql_as(
        &session,
        "mutation($d: ID!) { chooseDocumentSignature(documentId: $d, kind: SIGNATURE, leaveEmpty: true) }",
        json!({"d": docs[0]}),
    )
    .await
    .data();
    let choices = app
        .gql_as(
            &session,
            "query($d: ID!) { document(id: $d) { signatureChoices { kind mode signatureId } } }",
            json!({"d": docs[0]}),
        )
        .await;
    assert_eq!(
        choices.data()["document"]["signatureChoices"],
        json!([
            {"kind": "SIGNATURE", "mode": "EMPTY", "signatureId": null},
            {"kind": "STAMP", "mode": "DEFAULT", "signatureId": null}
        ])
    );
    let empty = flat(&pdf().await);
    assert!(empty.contains("Anna Kalniņa"));
    assert_eq!(
        empty.matches(&today).count(),
        1,
        "no signature, no date: {empty}"
    );
    app.gql_as(
        &session,
        "mutation($d: ID!) { chooseDocumentSignature(documentId: $d, kind: SIGNATURE) }",
        json!({"d": docs[0]}),
    )
    .await
    .data();
    assert_eq!(
        pdf().await,
        after,
        "the default again gives the same certificate"
    );

    // The library: rename, remove (the default goes with it).
    app.gql_as(
        &session,
        "mutation($id: ID!) { renameSignature(signatureId: $id, name: \"Direktores paraksts\") makeSignatureDefault(signatureId: $id) }",
        json!({"id": upload_id}),
    )
    .await
    .data();
    let list = app
        .gql_as(&session, "{ signatures { name isDefault } }", json!({}))
        .await;
    assert_eq!(
        list.data()["signatures"],
        json!([{"name": "Direktores paraksts", "isDefault": true}])
    );
    assert_eq!(pdf().await, after, "a new name changes no certificate");
    app.gql_as(
        &session,
        "mutation($id: ID!) { removeSignature(signatureId: $id) }",
        json!({"id": upload_id}),
    )
    .await
    .data();
    let list = app
        .gql_as(&session, "{ signatures { name } }", json!({}))
        .await;
    assert_eq!(list.data()["signatures"], json!([]));
    assert_eq!(flat(&pdf().await).matches(&today).count(), 1);
}

/// Issue 22: a stay the document does not state is not printed as "physical".
#[tokio::test]
async fn an_unstated_stay_prints_no_type_of_mobility() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = &docs[0];
    app.complete_document(&session, doc).await;
    let path = format!("/documents/{doc}/certificate.pdf");
    let pdf = get(&app, &session, &path).await.bytes().await.unwrap();
    let text = pdftotext(&pdf, None);
    assert!(
        !text.contains("Type of mobility") && !text.contains("Mobilitātes veids"),
        "{text}"
    );
    save(
        &app,
        &session,
        "saveProject",
        doc,
        json!({"stay": "VIRTUAL"}),
    )
    .await;
    let pdf = get(&app, &session, &path).await.bytes().await.unwrap();
    let text = pdftotext(&pdf, None);
    assert!(
        text.contains("Type of mobility") || text.contains("Mobilitātes veids"),
        "{text}"
    );
    assert!(
        text.contains("virtual") || text.contains("virtuāla"),
        "{text}"
    );
}

/// Issue 22: procedure A's project number and procedure B's description are printed.
#[tokio::test]
async fn the_project_number_or_description_is_printed() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let (_, _, b_docs) = app.approved_mobility_for(&session, 1, "B").await;
    for (doc, expected) in [
        (&docs[0], "2026-1-LV01-KA122-VET-000001"),
        (&b_docs[0], "Skolu partnerība"),
    ] {
        app.complete_document(&session, doc).await;
        let pdf = get(&app, &session, &format!("/documents/{doc}/certificate.pdf"))
            .await
            .bytes()
            .await
            .unwrap();
        let text = pdftotext(&pdf, None);
        assert!(text.contains(expected), "{expected} in {text}");
    }
}
