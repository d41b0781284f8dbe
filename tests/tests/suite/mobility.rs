//! R-REQ, R-10WEEKS, R-PROC, R-APPROVE, R-TRYOUT through the real server.

use chrono::Duration;
use europass_tests::{spawn_app, Answer, TestApp};
use serde_json::{json, Value};
use std::collections::HashSet;

const REQUEST: &str = "mutation($input: MobilityRequestInput!) {
  requestMobility(input: $input) {
    id status isTryOut procedure participants pendingDocuments overdue
    programme { code en lv } issuer { code en }
    documents { totalCount nodes { id europassNumber } }
  }
}";

const QUEUE: &str = "query($overdue: Boolean, $first: Int, $after: String) {
  necQueue(overdueOnly: $overdue, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id ageHours overdue pendingDocuments institution { name } }
  }
}";

const APPROVE: &str = "mutation($id: ID!) {
  approveMobility(mobilityId: $id) { status pendingDocuments documents(first: 100) { totalCount nodes { europassNumber } } }
}";

fn erasmus(participants: i32) -> Value {
    json!({
        "acceptConditions": true,
        "participants": participants,
        "foldersByPost": false,
        "startDate": "2026-12-01",
        "endDate": "2026-12-14",
        "issuer": "NEC_LV",
        "procedure": "A",
        "programme": "KA122-SCH",
        "projectNumber": "2026-1-LV01-KA122-SCH-000123456"
    })
}

fn with(mut input: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

async fn request(app: &TestApp, session: &str, input: Value) -> Answer {
    app.gql_as(session, REQUEST, json!({"input": input})).await
}

fn id_of(answer: &Answer) -> String {
    answer.data()["requestMobility"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_institution_requests_and_the_nec_approves_with_numbered_documents() {
    let app = spawn_app().await;
    let (_, password, _) = app
        .institution_session("Rīgas skola", "info@skola.lv")
        .await;
    let session = app.session("info@skola.lv", &password).await;
    let requested = request(&app, &session, erasmus(15)).await;
    let mobility = &requested.data()["requestMobility"];
    assert_eq!(mobility["status"], "PENDING");
    assert_eq!(mobility["pendingDocuments"], 15);
    assert_eq!(mobility["programme"]["code"], "KA122-SCH");
    assert!(mobility["programme"]["lv"]
        .as_str()
        .unwrap()
        .contains("skolu izglītība"));
    assert_eq!(mobility["documents"]["totalCount"], 0);
    let id = id_of(&requested);

    let nec_password = app.nec_account("nora@nec.lv").await;
    app.clock.advance(Duration::hours(30));
    let nec = app.session("nora@nec.lv", &nec_password).await;
    let queue = app.gql_as(&nec, QUEUE, json!({})).await;
    let item = &queue.data()["necQueue"]["nodes"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["ageHours"], 30);
    assert_eq!(item["overdue"], false);
    assert_eq!(item["institution"]["name"], "Rīgas skola");
    let overdue = app.gql_as(&nec, QUEUE, json!({"overdue": true})).await;
    assert_eq!(overdue.data()["necQueue"]["totalCount"], 0);
    app.clock.advance(Duration::hours(18));
    let nec = app.session("nora@nec.lv", &nec_password).await;
    let session = app.session("info@skola.lv", &password).await;
    let overdue = app.gql_as(&nec, QUEUE, json!({"overdue": true})).await;
    assert_eq!(overdue.data()["necQueue"]["nodes"][0]["overdue"], true);

    let approved = app.gql_as(&nec, APPROVE, json!({"id": id})).await;
    let approved = &approved.data()["approveMobility"];
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(approved["pendingDocuments"], 0);
    let numbers: Vec<String> = approved["documents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["europassNumber"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(numbers.len(), 15);
    for (i, number) in numbers.iter().enumerate() {
        assert!(
            number.starts_with(&format!("LV/2026/{:06}-", i + 1)),
            "{number}"
        );
        assert!(domain::values::EuropassNumber::parse(number).is_ok());
    }
    let mail = app.smtp.wait_for("info@skola.lv", "approved").await;
    assert!(mail.text.contains(&numbers[0]));

    // The institution sees the documents; the queue is empty.
    let own = app
        .gql_as(
            &session,
            "query($id: ID!) { mobility(id: $id) { documents(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { europassNumber } } } }",
            json!({"id": id}),
        )
        .await;
    let docs = &own.data()["mobility"]["documents"];
    assert_eq!(docs["totalCount"], 15);
    assert_eq!(docs["pageInfo"]["hasNextPage"], true);
    let rest = app
        .gql_as(
            &session,
            "query($id: ID!, $after: String) { mobility(id: $id) { documents(first: 10, after: $after) { pageInfo { hasNextPage } nodes { europassNumber } } } }",
            json!({"id": id, "after": docs["pageInfo"]["endCursor"]}),
        )
        .await;
    let rest = &rest.data()["mobility"]["documents"];
    assert_eq!(rest["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let queue = app.gql_as(&nec, QUEUE, json!({})).await;
    assert_eq!(queue.data()["necQueue"]["totalCount"], 0);
}

#[tokio::test]
async fn every_refusal_has_its_code_and_writes_nothing() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let before = app.event_count().await;
    let cases = [
        (
            json!({"acceptConditions": false}),
            "acceptConditions",
            "CONDITIONS_NOT_ACCEPTED",
        ),
        (
            json!({"participants": 0}),
            "participants",
            "PARTICIPANTS_OUT_OF_RANGE",
        ),
        (
            json!({"participants": -3}),
            "participants",
            "PARTICIPANTS_OUT_OF_RANGE",
        ),
        (
            json!({"participants": 100000}),
            "participants",
            "PARTICIPANTS_OUT_OF_RANGE",
        ),
        (
            json!({"endDate": "2026-11-30"}),
            "endDate",
            "END_BEFORE_START",
        ),
        (json!({"procedure": "D"}), "procedure", "UNKNOWN_PROCEDURE"),
        (
            json!({"programme": "NOPE"}),
            "programme",
            "UNKNOWN_PROGRAMME",
        ),
        (json!({"projectNumber": ""}), "projectNumber", "REQUIRED"),
        (
            json!({"projectNumber": "<script>"}),
            "projectNumber",
            "INVALID_PROJECT_NUMBER",
        ),
        (
            json!({"procedure": "B", "description": "Skolu partnerība", "qualityCriteriaConfirmed": false}),
            "qualityCriteriaConfirmed",
            "QUALITY_CRITERIA_NOT_CONFIRMED",
        ),
        (
            json!({"procedure": "B", "qualityCriteriaConfirmed": true}),
            "description",
            "REQUIRED",
        ),
    ];
    for (change, field, reason) in cases {
        let answer = request(&app, &session, with(erasmus(3), change.clone())).await;
        assert_eq!(
            (answer.code(), answer.field(), answer.reason()),
            ("VALIDATION", field, reason),
            "{change}"
        );
    }
    // The issuer is an enum: an unknown one is refused by the schema before anything runs.
    let unknown = request(
        &app,
        &session,
        with(erasmus(3), json!({"issuer": "NEC_XX"})),
    )
    .await;
    assert_eq!(unknown.code(), "VALIDATION");
    assert!(
        unknown.error()["message"]
            .as_str()
            .unwrap()
            .contains("issuer"),
        "{}",
        unknown.body
    );
    assert_eq!(app.event_count().await, before);
}

#[tokio::test]
async fn a_start_more_than_ten_weeks_ahead_names_the_earliest_request_date() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    // Today is 2026-11-02: 70 days ahead is accepted, 71 is not.
    request(
        &app,
        &session,
        with(
            erasmus(2),
            json!({"startDate": "2027-01-11", "endDate": "2027-01-20"}),
        ),
    )
    .await
    .data();
    let too_far = request(
        &app,
        &session,
        with(
            erasmus(2),
            json!({"startDate": "2027-01-12", "endDate": "2027-01-20"}),
        ),
    )
    .await;
    assert_eq!(too_far.reason(), "START_TOO_FAR_AHEAD");
    assert!(too_far.error()["message"]
        .as_str()
        .unwrap()
        .contains("2026-11-03"));
    // After the mobility has ended: allowed.
    request(
        &app,
        &session,
        with(
            erasmus(2),
            json!({"startDate": "2025-03-01", "endDate": "2025-03-10"}),
        ),
    )
    .await
    .data();
}

#[tokio::test]
async fn procedure_b_needs_the_quality_confirmation_and_no_programme() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let answer = request(
        &app,
        &session,
        json!({
            "acceptConditions": true, "participants": 4, "foldersByPost": true,
            "startDate": "2026-11-20", "endDate": "2026-11-27", "issuer": "NEC_LV",
            "procedure": "B", "description": "Skolu partnerība ar Tartu, bez ES finansējuma",
            "qualityCriteriaConfirmed": true
        }),
    )
    .await;
    let m = &answer.data()["requestMobility"];
    assert_eq!(m["procedure"], "B");
    assert_eq!(m["programme"], json!(null));
}

#[tokio::test]
async fn only_the_nec_decides_and_institutions_see_only_their_own() {
    let app = spawn_app().await;
    let (a, _, _) = app.institution_session("Skola A", "a@skola.lv").await;
    let (b, _, _) = app.institution_session("Skola B", "b@skola.lv").await;
    let id = id_of(&request(&app, &a, erasmus(2)).await);
    let by_institution = app.gql_as(&a, APPROVE, json!({"id": id})).await;
    assert_eq!(by_institution.code(), "FORBIDDEN");
    let queue = app.gql_as(&a, QUEUE, json!({})).await;
    assert_eq!(queue.code(), "FORBIDDEN");
    let other = app
        .gql_as(
            &b,
            "query($id: ID!) { mobility(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(other.code(), "NOT_FOUND");
    let listed = app
        .gql_as(&b, "{ mobilities { nodes { id } } }", json!({}))
        .await;
    assert_eq!(listed.data()["mobilities"]["nodes"], json!([]));

    let nec = app.nec_session("nora@nec.lv").await;
    let by_nec = app
        .gql_as(&nec, REQUEST, json!({"input": erasmus(2)}))
        .await;
    assert_eq!(by_nec.code(), "FORBIDDEN");
    let no_reason = app
        .gql_as(
            &nec,
            "mutation($id: ID!) { rejectMobility(mobilityId: $id, reason: \"  \") { status } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        (no_reason.code(), no_reason.field()),
        ("VALIDATION", "reason")
    );
    let rejected = app
        .gql_as(
            &nec,
            "mutation($id: ID!) { rejectMobility(mobilityId: $id, reason: \"Projekta numurs nav atrasts\") { status rejectionReason } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(rejected.data()["rejectMobility"]["status"], "REJECTED");
    let mail = app.smtp.wait_for("a@skola.lv", "rejected").await;
    assert!(mail.text.contains("Projekta numurs nav atrasts"));
    let again = app.gql_as(&nec, APPROVE, json!({"id": id})).await;
    assert_eq!(
        (again.code(), again.reason()),
        ("REJECTED", "ALREADY_DECIDED")
    );
}

#[tokio::test]
async fn more_documents_go_through_approval_again() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let nec = app.nec_session("nora@nec.lv").await;
    let id = id_of(&request(&app, &session, erasmus(2)).await);
    app.gql_as(&nec, APPROVE, json!({"id": id})).await.data();
    let more = app
        .gql_as(
            &session,
            "mutation($id: ID!) { requestMoreDocuments(mobilityId: $id, additional: 3) { pendingDocuments participants } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(more.data()["requestMoreDocuments"]["pendingDocuments"], 3);
    let queue = app.gql_as(&nec, QUEUE, json!({})).await;
    assert_eq!(queue.data()["necQueue"]["nodes"][0]["pendingDocuments"], 3);
    let approved = app.gql_as(&nec, APPROVE, json!({"id": id})).await;
    assert_eq!(
        approved.data()["approveMobility"]["documents"]["totalCount"],
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_hand_out_distinct_consecutive_numbers() {
    let app = spawn_app().await;
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let nec = app.nec_session("nora@nec.lv").await;
    let mut ids = vec![];
    for _ in 0..8 {
        ids.push(id_of(&request(&app, &session, erasmus(3)).await));
    }
    let approvals: Vec<_> = ids
        .iter()
        .map(|id| app.gql_as(&nec, APPROVE, json!({"id": id})))
        .collect();
    let answers = futures::future::join_all(approvals).await;
    let mut sequences = vec![];
    let mut seen = HashSet::new();
    for answer in &answers {
        for doc in answer.data()["approveMobility"]["documents"]["nodes"]
            .as_array()
            .unwrap()
        {
            let number = doc["europassNumber"].as_str().unwrap().to_string();
            assert!(seen.insert(number.clone()), "duplicate {number}");
            let parsed = domain::values::EuropassNumber::parse(&number).unwrap();
            sequences.push(parsed.sequence());
        }
    }
    sequences.sort();
    assert_eq!(sequences, (1..=24).collect::<Vec<u32>>());
}

#[tokio::test]
async fn try_out_is_approved_at_once_in_its_own_series_and_purged_after_24_hours() {
    let app = spawn_app().await;
    let (_, password, _) = app.institution_session("Skola", "info@skola.lv").await;
    let session = app.session("info@skola.lv", &password).await;
    let nec = app.nec_session("nora@nec.lv").await;
    let real = id_of(&request(&app, &session, erasmus(2)).await);
    app.gql_as(&nec, APPROVE, json!({"id": real})).await.data();
    let try_out = request(
        &app,
        &session,
        with(erasmus(3), json!({"issuer": "TRY_OUT"})),
    )
    .await;
    let m = &try_out.data()["requestMobility"];
    assert_eq!(m["status"], "APPROVED");
    assert_eq!(m["isTryOut"], true);
    assert_eq!(m["documents"]["totalCount"], 3);
    for doc in m["documents"]["nodes"].as_array().unwrap() {
        assert!(doc["europassNumber"]
            .as_str()
            .unwrap()
            .starts_with("TRY/2026/"));
    }
    let try_id = id_of(&try_out);
    // A photo on a Try Out document is Try Out data too.
    let first_doc = m["documents"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let img = image::RgbImage::from_pixel(120, 160, image::Rgb([200, 180, 160]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let photo: Value = app
        .client
        .post(format!("{}/documents/{first_doc}/photo", app.address))
        .bearer_auth(&session)
        .body(png.into_inner())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photo_sha = photo["sha256"].as_str().expect("photo stored").to_string();
    let queue = app.gql_as(&nec, QUEUE, json!({})).await;
    assert_eq!(
        queue.data()["necQueue"]["totalCount"],
        0,
        "no NEC involvement"
    );

    // Not yet 24 hours: nothing is purged.
    app.clock.advance(Duration::hours(23));
    let report = api::maintenance::purge_tryout(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!(report.mobilities, 0);
    app.clock.advance(Duration::hours(1));
    let report = api::maintenance::purge_tryout(&app.pool, app.clock_now())
        .await
        .unwrap();
    assert_eq!(report.mobilities, 1);
    let session = app.session("info@skola.lv", &password).await;

    let leftovers = app.tables_containing(&try_id).await;
    assert!(leftovers.is_empty(), "Try Out data left in {leftovers:?}");
    let photo_left = app.tables_containing(&photo_sha).await;
    assert!(
        photo_left.is_empty(),
        "Try Out photo left in {photo_left:?}"
    );
    for doc in m["documents"]["nodes"].as_array().unwrap() {
        let doc_id = doc["id"].as_str().unwrap();
        assert!(app.tables_containing(doc_id).await.is_empty());
    }
    let gone = app
        .gql_as(
            &session,
            "query($id: ID!) { mobility(id: $id) { id } }",
            json!({"id": try_id}),
        )
        .await;
    assert_eq!(gone.code(), "NOT_FOUND");
    // The real mobility is untouched.
    let kept = app
        .gql_as(
            &session,
            "query($id: ID!) { mobility(id: $id) { documents { totalCount } } }",
            json!({"id": real}),
        )
        .await;
    assert_eq!(kept.data()["mobility"]["documents"]["totalCount"], 2);
    // The projector still runs after the purge.
    app.gql_as(&session, REQUEST, json!({"input": erasmus(1)}))
        .await
        .data();
}

#[tokio::test]
async fn reference_data_lists_programmes_scopes_and_issuers_in_both_languages() {
    let app = spawn_app().await;
    let answer = app
        .gql(
            "{ referenceData { version procedures { procedure { code } programmes { code en lv } hostCountries { code } } issuers { code en lv } } }",
            json!({}),
        )
        .await;
    let data = &answer.data()["referenceData"];
    let procedures = data["procedures"].as_array().unwrap();
    let count = |code: &str| {
        procedures
            .iter()
            .find(|p| p["procedure"]["code"] == code)
            .unwrap()["hostCountries"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((count("A"), count("B"), count("C")), (33, 30, 33));
    let issuers: Vec<&str> = data["issuers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(issuers, vec!["NEC-LV", "TRY-OUT"]);
}

/// A list page needs no document loaded: a mobility's documents carry their missing fields by
/// label, the same as each document's own `missingFields`.
#[tokio::test]
async fn a_mobilitys_documents_list_their_missing_fields_as_the_document_does() {
    let app = europass_tests::spawn_app().await;
    let (session, mobility, docs) = app.approved_mobility("info@skola.lv", 2).await;
    app.save_section(
        &session,
        "savePersonalData",
        &docs[0],
        serde_json::json!({"surname": "Bērziņa"}),
    )
    .await
    .data();
    let listed = app
        .gql_as(
            &session,
            "query($id: ID!) { mobility(id: $id) { documents { nodes { id missingFields missing(language: LV) { path label sectionLabel } } } } }",
            serde_json::json!({"id": mobility}),
        )
        .await;
    for node in listed.data()["mobility"]["documents"]["nodes"]
        .as_array()
        .unwrap()
    {
        let own = app
            .gql_as(
                &session,
                "query($id: ID!) { document(id: $id) { missingFields(language: LV) { path label sectionLabel } } }",
                serde_json::json!({"id": node["id"]}),
            )
            .await;
        assert_eq!(node["missing"], own.data()["document"]["missingFields"]);
        assert_eq!(
            node["missing"].as_array().unwrap().len() as i64,
            node["missingFields"].as_i64().unwrap()
        );
    }
    let first = &listed.data()["mobility"]["documents"]["nodes"][0]["missing"];
    assert!(
        first
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["path"] != "personalData.surname"),
        "{first}"
    );
    assert!(
        first.to_string().contains("Vārds"),
        "Latvian labels: {first}"
    );
}
