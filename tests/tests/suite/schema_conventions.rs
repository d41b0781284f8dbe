//! The schema as third-party portals use it (issue 20): Relay connections paged with cursors
//! both ways, bounded lists, and lookups of one object that answer null without dropping the
//! rest of the answer.

use europass_tests::{spawn_app, Answer, TestApp};
use serde_json::{json, Value};

const SEARCH: &str = "query($first: Int, $after: String, $last: Int, $before: String) {
  searchDocuments(europassNumber: \"LV/\", first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { europassNumber } }
    nodes { europassNumber }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

/// One page: the Europass numbers of its edges, and its `pageInfo`.
async fn page(app: &TestApp, nec: &str, variables: Value) -> (Vec<String>, Value) {
    let answer = app.gql_as(nec, SEARCH, variables).await;
    let connection = answer.data()["searchDocuments"].clone();
    let edges = connection["edges"].as_array().unwrap();
    let numbers: Vec<String> = edges
        .iter()
        .map(|e| e["node"]["europassNumber"].as_str().unwrap().to_string())
        .collect();
    // `nodes` is the same list as the edges' nodes.
    let nodes: Vec<&str> = connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["europassNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, nodes);
    // The page's cursors are its first and last edges' cursors.
    let info = connection["pageInfo"].clone();
    if let (Some(first), Some(last)) = (edges.first(), edges.last()) {
        assert_eq!(info["startCursor"], first["cursor"]);
        assert_eq!(info["endCursor"], last["cursor"]);
    }
    (numbers, info)
}

#[tokio::test]
async fn search_documents_pages_forward_and_backward_with_cursors() {
    let app = spawn_app().await;
    app.approved_mobility("info@skola.lv", 7).await;
    let nec = app.nec_session("nora@nec.lv").await;
    let (all, info) = page(&app, &nec, json!({"first": 100})).await;
    assert_eq!(all.len(), 7);
    assert!(all.windows(2).all(|w| w[0] < w[1]), "by Europass number");
    assert_eq!(info["hasNextPage"], false);
    assert_eq!(info["hasPreviousPage"], false);

    // Forward: 3, 3, 1.
    let (one, info1) = page(&app, &nec, json!({"first": 3})).await;
    assert_eq!(one, all[0..3]);
    assert_eq!(
        (&info1["hasPreviousPage"], &info1["hasNextPage"]),
        (&json!(false), &json!(true))
    );
    let (two, info2) = page(&app, &nec, json!({"first": 3, "after": info1["endCursor"]})).await;
    assert_eq!(two, all[3..6]);
    assert_eq!(
        (&info2["hasPreviousPage"], &info2["hasNextPage"]),
        (&json!(true), &json!(true))
    );
    let (three, info3) = page(&app, &nec, json!({"first": 3, "after": info2["endCursor"]})).await;
    assert_eq!(three, all[6..7]);
    assert_eq!(info3["hasNextPage"], false);

    // Backward from the end: 3, 3, 1, each page in list order.
    let (last, back1) = page(&app, &nec, json!({"last": 3})).await;
    assert_eq!(last, all[4..7]);
    assert_eq!(
        (&back1["hasPreviousPage"], &back1["hasNextPage"]),
        (&json!(true), &json!(false))
    );
    let (before, back2) = page(
        &app,
        &nec,
        json!({"last": 3, "before": back1["startCursor"]}),
    )
    .await;
    assert_eq!(before, all[1..4]);
    assert_eq!(
        (&back2["hasPreviousPage"], &back2["hasNextPage"]),
        (&json!(true), &json!(true))
    );
    let (first, back3) = page(
        &app,
        &nec,
        json!({"last": 3, "before": back2["startCursor"]}),
    )
    .await;
    assert_eq!(first, all[0..1]);
    assert_eq!(back3["hasPreviousPage"], false);

    // A cursor of any edge continues after that edge; `after` and `before` bound a window.
    let middle = app.gql_as(&nec, SEARCH, json!({"first": 7})).await.data()["searchDocuments"]
        ["edges"]
        .clone();
    let (between, _) = page(
        &app,
        &nec,
        json!({"first": 10, "after": middle[1]["cursor"], "before": middle[5]["cursor"]}),
    )
    .await;
    assert_eq!(between, all[2..5]);

    // Cursors this server did not make, and first with last, are refused naming the argument.
    let bad: Answer = app
        .gql_as(&nec, SEARCH, json!({"first": 3, "after": "not-a-cursor"}))
        .await;
    assert_eq!(
        (bad.code(), bad.field(), bad.reason()),
        ("VALIDATION", "after", "INVALID_CURSOR")
    );
    let both = app
        .gql_as(&nec, SEARCH, json!({"first": 3, "last": 3}))
        .await;
    assert_eq!((both.code(), both.field()), ("VALIDATION", "last"));
    let negative = app.gql_as(&nec, SEARCH, json!({"first": -1})).await;
    assert_eq!((negative.code(), negative.field()), ("VALIDATION", "first"));
}

#[tokio::test]
async fn a_missing_document_is_null_and_the_rest_of_the_answer_stays() {
    let app = spawn_app().await;
    let (session, mobility, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let (other, _, theirs) = app.approved_mobility("other@skola.lv", 1).await;
    let query = "query($id: ID!, $mobility: ID!) {
      me { email }
      document(id: $id) { europassNumber }
      mobility(id: $mobility) { status }
    }";
    let missing = uuid::Uuid::new_v4().to_string();
    let answer = app
        .gql_as(
            &session,
            query,
            json!({"id": missing, "mobility": mobility}),
        )
        .await;
    assert_eq!(answer.status, 200);
    let data = &answer.body["data"];
    assert_eq!(data["me"]["email"], "info@skola.lv", "{}", answer.body);
    assert_eq!(data["mobility"]["status"], "APPROVED");
    assert_eq!(data["document"], json!(null));
    assert_eq!(answer.code(), "NOT_FOUND");
    assert_eq!(answer.error()["path"], json!(["document"]));

    // Another institution's document answers exactly as a missing one (no existence leaks).
    let foreign = app
        .gql_as(&other, query, json!({"id": docs[0], "mobility": mobility}))
        .await;
    assert_eq!(foreign.body["data"]["document"], json!(null));
    assert_eq!(foreign.body["data"]["me"]["email"], "other@skola.lv");
    assert_eq!(foreign.body["data"]["mobility"], json!(null));
    let errors = foreign.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    let strip = |e: &Value| {
        let mut e = e.clone();
        e["extensions"]["correlationId"] = json!(null);
        e["locations"] = json!(null);
        e
    };
    let refused_document = errors.iter().find(|e| e["path"] == json!(["document"]));
    assert_eq!(
        strip(refused_document.unwrap()),
        strip(answer.error()),
        "a refusal looks like a missing document"
    );

    // The caller's own documents are still there beside a missing one.
    let mine = app
        .gql_as(
            &other,
            "query($mine: ID!, $missing: ID!) {
               mine: document(id: $mine) { europassNumber }
               missing: document(id: $missing) { europassNumber }
               institution { name }
             }",
            json!({"mine": theirs[0], "missing": missing}),
        )
        .await;
    assert!(mine.body["data"]["mine"]["europassNumber"]
        .as_str()
        .unwrap()
        .starts_with("LV/"));
    assert_eq!(mine.body["data"]["missing"], json!(null));
    assert_eq!(
        mine.body["data"]["institution"]["name"],
        "Skola other@skola.lv"
    );
    assert_eq!(mine.code(), "NOT_FOUND");
}

#[tokio::test]
async fn lists_that_grow_are_bounded_and_page_with_cursors() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    for surname in ["Ozola", "Ozoliņa", "Bērziņa", "Kalniņa"] {
        app.save_section(
            &session,
            "savePersonalData",
            &docs[0],
            json!({ "surname": surname }),
        )
        .await
        .data();
    }
    const HISTORY: &str = "query($id: ID!, $first: Int, $after: String) {
      document(id: $id) {
        history(first: $first, after: $after) {
          edges { cursor node { sequence eventType } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }";
    let history = |first: i64, after: Value| {
        let app = &app;
        let session = &session;
        let id = docs[0].clone();
        async move {
            app.gql_as(
                session,
                HISTORY,
                json!({"id": id, "first": first, "after": after}),
            )
            .await
            .data()["document"]["history"]
                .clone()
        }
    };
    let all = history(100, json!(null)).await;
    let sequences: Vec<i64> = all["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["sequence"].as_i64().unwrap())
        .collect();
    assert!(sequences.len() >= 5, "{all}");
    assert_eq!(sequences, (1..=sequences.len() as i64).collect::<Vec<_>>());
    let first = history(2, json!(null)).await;
    assert_eq!(first["edges"].as_array().unwrap().len(), 2);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let next = history(2, first["pageInfo"]["endCursor"].clone()).await;
    assert_eq!(next["edges"][0]["node"]["sequence"], 3);

    // A page larger than the maximum is cut to it (100 for most lists; myDocuments 50).
    let capped = app
        .gql_as(
            &session,
            "{ notifications(first: 100000) { nodes { kind } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        capped.data()["notifications"]["pageInfo"]["hasNextPage"],
        false
    );
}

#[tokio::test]
async fn a_hosts_documents_page_by_europass_number() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 3).await;
    for id in &docs {
        app.save_section(
            &session,
            "saveHostOrganisation",
            id,
            json!({"email": "mentor@host.de"}),
        )
        .await
        .data();
    }
    app.gql_as(
        &session,
        "mutation($id: ID!) { sendHostPassword(documentId: $id) }",
        json!({"id": docs[0]}),
    )
    .await
    .data();
    let mail = app.smtp.wait_for("mentor@host.de", "password:").await;
    let host = app
        .session("mentor@host.de", &mail.after("password: "))
        .await;
    const MINE: &str = "query($after: String) { myDocuments(first: 2, after: $after) {
      edges { cursor node { europassNumber } }
      pageInfo { hasNextPage endCursor }
    } }";
    let numbers = |page: &Value| -> Vec<String> {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["europassNumber"].as_str().unwrap().to_string())
            .collect()
    };
    let first = app.gql_as(&host, MINE, json!({})).await.data()["myDocuments"].clone();
    assert_eq!(numbers(&first).len(), 2);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = app
        .gql_as(
            &host,
            MINE,
            json!({"after": first["pageInfo"]["endCursor"]}),
        )
        .await
        .data()["myDocuments"]
        .clone();
    assert_eq!(numbers(&second).len(), 1);
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    let mut all = numbers(&first);
    all.extend(numbers(&second));
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "by Europass number");
    sorted.dedup();
    assert_eq!(sorted.len(), 3, "each document once");
}
