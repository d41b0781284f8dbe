//! Issue 18, class 5: a query's cost is bounded by what it executes, fragments expanded. The
//! engine's complexity and the alias limit count a fragment once however often it is spread and
//! ignore `__typename`: 20 levels of fragments that each spread the next one twice (1.4 KB)
//! made an anonymous request take seconds and 700 MB.

use europass_tests::spawn_app;
use serde_json::json;
use std::time::Duration;

/// Far more than the refusal needs; the old code answered (after seconds) without an error.
const DEADLINE: Duration = Duration::from_secs(60);

/// `fragment F0 on Query { __typename ...F1 a0: __typename ...F1 }` … `levels` deep.
fn doubling(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }");
    for i in 0..levels {
        query.push_str(&format!(
            " fragment F{i} on Query {{ __typename ...F{n} a{i}: __typename ...F{n} }}",
            n = i + 1
        ));
    }
    query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
    query
}

#[tokio::test]
async fn doubling_fragments_are_refused_before_they_run() {
    let app = spawn_app().await;
    let query = doubling(20);
    assert!(query.len() < 2_000, "a small document: {}", query.len());
    let refused = tokio::time::timeout(DEADLINE, app.gql(&query, json!({})))
        .await
        .expect("the server answers");
    assert_eq!(refused.code(), "VALIDATION", "{}", refused.body);
    assert_eq!(refused.reason(), "QUERY_TOO_COSTLY");
    assert!(refused.body["data"].is_null(), "{}", refused.body);
    assert!(refused.error()["extensions"]["correlationId"].is_string());
    // Over GET as well, and the server is still fine afterwards.
    let over_get = tokio::time::timeout(
        DEADLINE,
        app.client
            .get(format!("{}/graphql", app.address))
            .query(&[("query", query.as_str())])
            .send(),
    )
    .await
    .expect("the server answers")
    .unwrap();
    let body: serde_json::Value = over_get.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["reason"],
        "QUERY_TOO_COSTLY"
    );
    assert_eq!(
        app.gql("{ __typename }", json!({})).await.data()["__typename"],
        "Query"
    );
}

#[tokio::test]
async fn typename_fields_spread_many_times_count() {
    let app = spawn_app().await;
    // 50 aliases (under the alias limit) in a fragment spread 50 times: 2 500 fields.
    let fields: Vec<String> = (0..50).map(|i| format!("t{i}: __typename")).collect();
    let spreads = "...F ".repeat(50);
    let query = format!(
        "query {{ {spreads} }} fragment F on Query {{ {} }}",
        fields.join(" ")
    );
    let refused = app.gql(&query, json!({})).await;
    assert_eq!(refused.reason(), "QUERY_TOO_COSTLY", "{}", refused.body);
}

#[tokio::test]
async fn fragment_cycles_are_refused() {
    let app = spawn_app().await;
    let refused = app
        .gql(
            "query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }",
            json!({}),
        )
        .await;
    // The engine's recursion limit may see it first; either way nothing runs.
    assert_eq!(refused.code(), "VALIDATION", "{}", refused.body);
    assert!(refused.body["data"].is_null(), "{}", refused.body);
}

/// The introspection query tools send (graphql-js `getIntrospectionQuery`).
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

#[tokio::test]
async fn ordinary_queries_and_the_standard_introspection_query_still_run() {
    let app = spawn_app().await;
    let schema = app.gql(INTROSPECTION, json!({})).await;
    assert_eq!(
        schema.data()["__schema"]["queryType"]["name"],
        "Query",
        "{}",
        schema.body
    );
    // A fragment spread a few times is fine.
    let fine = app
        .gql(
            "query { ...R x: referenceData { ...V } } fragment R on Query { referenceData { ...V } } fragment V on ReferenceData { version }",
            json!({}),
        )
        .await;
    assert!(fine.data()["referenceData"]["version"].is_string());
    assert_eq!(
        fine.data()["x"]["version"],
        fine.data()["referenceData"]["version"]
    );
    // Up to the limit is allowed: spreads of 100 aliased fields, exactly MAX_FIELDS in all.
    let fields: Vec<String> = (0..100).map(|i| format!("t{i}: __typename")).collect();
    let query = format!(
        "query {{ {} }} fragment F on Query {{ {} }}",
        "...F ".repeat(api::graphql::query_cost::MAX_FIELDS / 100),
        fields.join(" ")
    );
    assert_eq!(app.gql(&query, json!({})).await.data()["t99"], "Query");
}
