//! GraphQL over HTTP: GET for queries only, GraphiQL, limits, error shape.

use europass_tests::spawn_app;
use serde_json::json;

#[tokio::test]
async fn get_serves_queries_but_refuses_mutations() {
    let app = spawn_app().await;
    let query = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);
    let mutation = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation { logout }")])
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
}

#[tokio::test]
async fn graphiql_is_served_at_the_root() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(&app.address)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.to_lowercase().contains("graphiql"));
}

#[tokio::test]
async fn too_deep_queries_and_huge_bodies_are_refused() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {} name {} }} }} }} }}",
        "{ ofType ".repeat(20),
        "}".repeat(20)
    );
    let answer = app.gql(&deep, json!({})).await;
    assert!(answer.body["errors"].is_array(), "{}", answer.body);
    assert_eq!(
        answer.code(),
        "VALIDATION",
        "engine errors carry a code too"
    );
    let huge = "x".repeat(2 * 1024 * 1024);
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({"query": "{ __typename }", "variables": {"x": huge}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn the_schema_can_be_exported_as_sdl() {
    let sdl = api::graphql::build_schema(None).sdl();
    assert!(sdl.contains("registerInstitution"));
    assert!(sdl.contains("type Session"));
}

// ----- GraphQL over HTTP: Accept, Content-Type, malformed requests (issue 8) ---------------

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_raw(
    app: &europass_tests::TestApp,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, String, serde_json::Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, content_type, body)
}

#[tokio::test]
async fn the_accept_header_chooses_the_media_type_of_the_answer() {
    let app = spawn_app().await;
    let query = r#"{"query": "{ __typename }"}"#;
    for (accept, expected) in [
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (Some("application/json"), "application/json"),
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("text/html, application/*;q=0.8"), "application/json"),
        (
            Some("application/json;q=0.5, application/graphql-response+json"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/graphql-response+json;q=0.1, application/json"),
            "application/json",
        ),
        (
            Some("application/json, multipart/mixed"),
            "application/json",
        ),
    ] {
        let (status, content_type, body) =
            post_raw(&app, Some("application/json"), accept, query).await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, expected),
            "{accept:?}"
        );
        assert_eq!(body["data"]["__typename"], "Query");
    }
    for accept in [
        "text/html",
        "application/xml",
        "application/json;q=0",
        "application/json; charset=latin1",
    ] {
        let (status, _, body) = post_raw(&app, Some("application/json"), Some(accept), query).await;
        assert_eq!(status, 406, "{accept}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_ACCEPTABLE");
    }
    let get = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", GRAPHQL_RESPONSE)
        .query(&[("query", "{ __typename }")])
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(get.headers()["content-type"], GRAPHQL_RESPONSE);
}

#[tokio::test]
async fn request_errors_are_400_without_data_for_graphql_response_json_and_200_for_json() {
    let app = spawn_app().await;
    for query in [
        r#"{"query": "{"}"#,
        r#"{"query": "{ noSuchField }"}"#,
        r#"{"query": "query Q($id: ID!) { __typename }", "variables": {"id": null}}"#,
    ] {
        let (status, _, body) = post_raw(
            &app,
            Some("application/json"),
            Some(GRAPHQL_RESPONSE),
            query,
        )
        .await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].is_string(), "{body}");
        let (status, content_type, body) = post_raw(
            &app,
            Some("application/json"),
            Some("application/json"),
            query,
        )
        .await;
        assert_eq!((status, content_type.as_str()), (200, "application/json"));
        assert!(body["errors"].is_array(), "{body}");
    }
    // A failing field is not a request error: 200 in both media types, with data.
    let (status, _, body) = post_raw(
        &app,
        Some("application/json"),
        Some(GRAPHQL_RESPONSE),
        r#"{"query": "{ __typename me { email } }"}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("data").is_some(), "{body}");
    // Mutations over GET stay refused whatever the client accepts.
    let mutation = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", GRAPHQL_RESPONSE)
        .query(&[("query", "mutation { logout }")])
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
}

#[tokio::test]
async fn wrong_content_types_and_malformed_bodies_are_refused_never_with_a_5xx() {
    let app = spawn_app().await;
    let query = r#"{"query": "{ __typename }"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/xml"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/graphql"),
        Some("application/json; charset=latin1"),
        Some("not a media type"),
    ] {
        let (status, _, body) = post_raw(&app, content_type, None, query).await;
        assert_eq!(status, 415, "{content_type:?}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNSUPPORTED_MEDIA_TYPE",
            "{body}"
        );
    }
    let json = Some("application/json; charset=utf-8");
    for body in [
        b"\xff\xfe\x00garbage".to_vec(),
        b"{\"query\": \"{ __typename }\", \"variables\": {\"x\": \"\xc3\x28\"}}".to_vec(),
        b"{\"query\": \"\xed\xa0\x80\"}".to_vec(),
        b"{ \"not a JSON".to_vec(),
        b"".to_vec(),
        b"[]".to_vec(),
        br#"[{"query": "{ __typename }"}]"#.to_vec(),
        br#"{"notquery": "{ __typename }"}"#.to_vec(),
        br#"{"query": 42}"#.to_vec(),
        br#"{"query": "{ __typename }", "variables": "x"}"#.to_vec(),
    ] {
        for accept in [Some(GRAPHQL_RESPONSE), Some("application/json")] {
            let shown = String::from_utf8_lossy(&body).to_string();
            let (status, content_type, answer) = post_raw(&app, json, accept, body.clone()).await;
            assert_eq!(status, 400, "{shown}: {answer}");
            assert_eq!(Some(content_type.as_str()), accept, "{shown}");
            assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_REQUEST");
        }
    }
    // GET with a query string that is not UTF-8, or no query at all.
    for query_string in [
        "query=%FF%FE%FD",
        "query=%C3%28&variables=%FF",
        "",
        "variables=%7B%7D",
    ] {
        let response = app
            .client
            .get(format!("{}/graphql?{query_string}", app.address))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((200..500).contains(&status), "{query_string}: {status}");
    }
    // Deep nesting within the body limit is refused by the parser, not by a crash.
    let deep = format!("{}{}", "{a".repeat(100_000), "}".repeat(100_000));
    let (status, _, body) = post_raw(
        &app,
        Some("application/json"),
        None,
        json!({"query": deep}).to_string(),
    )
    .await;
    assert!(status < 500, "{status}");
    assert!(body["errors"].is_array());
    // The server still answers.
    assert_eq!(
        app.gql("{ __typename }", json!({})).await.data()["__typename"],
        "Query"
    );
}

#[tokio::test]
async fn many_aliases_in_one_request_are_refused() {
    let app = spawn_app().await;
    let aliases = |n: usize, field: &str| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: {field}")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let refused = app.gql(&aliases(1_000, "__typename"), json!({})).await;
    assert_eq!(refused.status, 200);
    assert_eq!(refused.code(), "VALIDATION");
    assert_eq!(refused.reason(), "TOO_MANY_ALIASES");
    assert!(refused.body["data"].is_null(), "{}", refused.body);
    // Also inside fragments and nested selections.
    let fragment = format!(
        "query {{ ...F }} fragment F on Query {{ {} }}",
        (0..101)
            .map(|i| format!("x{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(
        app.gql(&fragment, json!({})).await.reason(),
        "TOO_MANY_ALIASES"
    );
    let (status, _, body) = post_raw(
        &app,
        Some("application/json"),
        Some(GRAPHQL_RESPONSE),
        json!({"query": aliases(1_000, "__typename")}).to_string(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "TOO_MANY_ALIASES"
    );
    // Aliases of real fields are refused as well (by this limit or by complexity).
    let real = app
        .gql(&aliases(1_000, "referenceData { version }"), json!({}))
        .await;
    assert!(real.body["errors"].is_array(), "{}", real.body);
    // Up to the limit is fine.
    let allowed = app
        .gql(&aliases(api::startup::MAX_ALIASES, "__typename"), json!({}))
        .await;
    assert_eq!(allowed.data()["a99"], "Query");
}
