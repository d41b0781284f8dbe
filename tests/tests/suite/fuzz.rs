//! Issue 8: a bounded fuzz run over the HTTP API with random and hostile inputs. Whatever comes
//! in, the server never answers 5xx and never panics, and refused requests write nothing.

use europass_tests::spawn_app;
use rand::{Rng, SeedableRng};
use serde_json::json;

const HOSTILE: &[&str] = &[
    "",
    "'; DROP TABLE events; --",
    "<script>alert(1)</script>",
    "#panic(\"x\") ] $x$ #import \"evil\"",
    "\u{0}\u{1}\u{7f}",
    "ﬀ ß K \u{202e}reversed",
    "𝕏🎉中文",
    "a@b",
    "../../etc/passwd",
    "null",
    "{\"$gt\": \"\"}",
];

fn random_text(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..4) {
        0 => HOSTILE[rng.gen_range(0..HOSTILE.len())].to_string(),
        1 => "x".repeat(rng.gen_range(0..20_000)),
        2 => (0..rng.gen_range(0..64))
            .map(|_| char::from_u32(rng.gen_range(0x20..0x2FFF)).unwrap_or('?'))
            .collect(),
        _ => format!(
            "{}@{}.lv",
            "a".repeat(rng.gen_range(0..80)),
            "b".repeat(rng.gen_range(0..80))
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_hostile_requests_never_get_a_5xx_and_write_nothing() {
    let app = spawn_app().await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x00E0_2026);
    let url = format!("{}/graphql", app.address);
    let mutations = [
        "mutation($a: String!, $b: String!) { registerInstitution(name: $a, email: $b) { email } }",
        "mutation($a: String!, $b: String!) { login(email: $a, password: $b) { token } }",
        "mutation($a: String!) { confirmRegistration(token: $a) { email } }",
        "mutation($a: String!, $b: String!) { resetPassword(token: $a, newPassword: $b) }",
    ];
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..250 {
        let request = match rng.gen_range(0..6) {
            // A well-formed operation with hostile variables (the e-mail never valid).
            0 | 1 => {
                let q = mutations[rng.gen_range(0..mutations.len())];
                let b = format!("{}@", random_text(&mut rng));
                app.client
                    .post(&url)
                    .json(&json!({"query": q, "variables": {"a": random_text(&mut rng), "b": b}}))
            }
            // Garbage documents, deep nesting, many aliases.
            2 => {
                let doc = match rng.gen_range(0..3) {
                    0 => random_text(&mut rng),
                    1 => format!(
                        "{}{}",
                        "{ a ".repeat(rng.gen_range(1..500)),
                        "}".repeat(rng.gen_range(0..500))
                    ),
                    _ => format!(
                        "{{ {} }}",
                        (0..rng.gen_range(1..3000))
                            .map(|i| format!("a{i}: __typename"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                app.client.post(&url).json(&json!({"query": doc}))
            }
            // Wrong content types and invalid UTF-8 bodies.
            3 => {
                let bytes: Vec<u8> = (0..rng.gen_range(0..2048)).map(|_| rng.gen()).collect();
                let types = [
                    "application/json",
                    "text/plain",
                    "application/graphql",
                    "multipart/form-data",
                    "image/png",
                ];
                app.client
                    .post(&url)
                    .header("content-type", types[rng.gen_range(0..types.len())])
                    .body(bytes)
            }
            // Uploads of random bytes without a session, and to a random document.
            4 => app
                .client
                .post(format!(
                    "{}/documents/{}/photo",
                    app.address,
                    uuid::Uuid::new_v4()
                ))
                .bearer_auth(
                    random_text(&mut rng)
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .collect::<String>(),
                )
                .body(
                    (0..rng.gen_range(0..4096))
                        .map(|_| rng.gen::<u8>())
                        .collect::<Vec<u8>>(),
                ),
            // GET with a random query string.
            _ => app
                .client
                .get(&url)
                .query(&[("query", random_text(&mut rng))]),
        };
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        *statuses.entry(status).or_insert(0) += 1;
        assert!(
            status < 500,
            "round {round}: {status} {}",
            response.text().await.unwrap_or_default()
        );
    }
    assert_eq!(
        app.event_count().await,
        0,
        "nothing hostile was written: {statuses:?}"
    );
    // Still healthy afterwards.
    app.gql("{ referenceData { version } }", json!({}))
        .await
        .data();
}
