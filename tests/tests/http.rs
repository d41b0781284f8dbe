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
