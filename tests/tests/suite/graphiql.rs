//! GraphiQL without internet (issue 21): the page and every asset it loads come from this
//! server, under a content security policy that allows no inline script.

use europass_tests::spawn_app;

#[tokio::test]
async fn graphiql_loads_only_from_this_server() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    let mut urls = vec![];
    for attribute in ["src=\"", "href=\""] {
        for part in html.split(attribute).skip(1) {
            urls.push(part.split('"').next().unwrap().to_string());
        }
    }
    assert!(urls.len() >= 5, "{urls:?}");
    for url in urls {
        assert!(url.starts_with("/assets/"), "{url} is not served here");
        let asset = app
            .client
            .get(format!("{}{url}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200, "{url}");
        let kind = asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let expected = if url.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(kind.starts_with(expected), "{url}: {kind}");
        assert!(asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
        let body = asset.text().await.unwrap();
        assert!(body.len() > 50, "{url}");
        for cdn in [
            "//unpkg.com",
            "//cdn.jsdelivr.net",
            "//cdnjs.cloudflare.com",
            "//esm.sh",
            "//fonts.googleapis.com",
        ] {
            assert!(!body.contains(cdn), "{url} loads from {cdn}");
        }
    }
    let missing = app
        .client
        .get(format!("{}/assets/graphiql-3.9.0/nothing.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
