//! R-OUTCOMES: ESCO search on the local index loaded from the fixture (the official CSV format),
//! through the real server; and the ESCO web API client against a canned local server.

use esco::{self, EscoKind, EscoLanguage, EscoQuery, EscoSearch, EscoWebApi, ImportReport};
use europass_tests::{spawn_app, Answer, TestApp};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SEARCH: &str =
    "query($text: String!, $kind: EscoKind!, $language: EscoLanguage!, $first: Int) {
  escoSearch(text: $text, kind: $kind, language: $language, first: $first) {
    uri preferredLabel description kind score
  }
}";

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/esco"))
}

async fn import(app: &TestApp) -> ImportReport {
    esco::import_dir(&app.pool, fixture_dir())
        .await
        .expect("fixture imports")
}

/// A server with the fixture imported and a logged-in institution user.
async fn ready() -> (TestApp, String) {
    let app = spawn_app().await;
    import(&app).await;
    let (session, _, _) = app
        .institution_session("Rīgas Valsts tehnikums", "info@rvt.lv")
        .await;
    (app, session)
}

async fn search_answer(
    app: &TestApp,
    session: &str,
    text: &str,
    kind: &str,
    language: &str,
    first: Option<i64>,
) -> Answer {
    let mut variables = json!({"text": text, "kind": kind, "language": language});
    if let Some(first) = first {
        variables["first"] = json!(first);
    }
    app.gql_as(session, SEARCH, variables).await
}

async fn search(
    app: &TestApp,
    session: &str,
    text: &str,
    kind: &str,
    language: &str,
) -> Vec<Value> {
    let answer = search_answer(app, session, text, kind, language, None).await;
    answer.data()["escoSearch"].as_array().unwrap().clone()
}

fn labels(hits: &[Value]) -> Vec<&str> {
    hits.iter()
        .map(|h| h["preferredLabel"].as_str().unwrap())
        .collect()
}

async fn row_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM esco_concepts")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_occupation_is_found_in_english_and_in_latvian_with_its_description() {
    let (app, session) = ready().await;

    let en = search(&app, &session, "welder", "OCCUPATION", "EN").await;
    let welder = &en[0];
    assert_eq!(welder["preferredLabel"], "welder");
    assert_eq!(welder["kind"], "OCCUPATION");
    assert_eq!(welder["score"], 1.0);
    assert!(welder["uri"]
        .as_str()
        .unwrap()
        .starts_with("http://data.europa.eu/esco/occupation/"));
    assert!(welder["description"].as_str().unwrap().starts_with(
        "Welders use welding equipment to join metal workpieces together, by melting"
    ));

    let lv = search(&app, &session, "metinātājs", "OCCUPATION", "LV").await;
    assert_eq!(lv[0]["preferredLabel"], "metinātājs");
    assert_eq!(lv[0]["uri"], welder["uri"], "one concept, two languages");
    assert!(lv[0]["description"]
        .as_str()
        .unwrap()
        .starts_with("Metinātāji izmanto metināšanas iekārtas"));
    assert!(labels(&lv).contains(&"cauruļu metinātājs"));

    for (text, expected) in [
        ("pavārs", "pavārs"),
        ("frizieris", "frizieris"),
        ("galdnieks", "galdnieks"),
        ("programmatūras izstrādātājs", "programmatūras izstrādātājs"),
    ] {
        let hits = search(&app, &session, text, "OCCUPATION", "LV").await;
        assert_eq!(hits[0]["preferredLabel"], expected, "{text}: {hits:?}");
    }
    for (text, expected) in [
        ("cook", "cook"),
        ("hairdresser", "hairdresser"),
        ("carpenter", "carpenter"),
        ("software developer", "software developer"),
        ("nurse", "nurse responsible for general care"),
    ] {
        let hits = search(&app, &session, text, "OCCUPATION", "EN").await;
        assert_eq!(hits[0]["preferredLabel"], expected, "{text}: {hits:?}");
    }
    // Kinds and languages do not mix.
    let skills = search(&app, &session, "welder", "SKILL", "EN").await;
    assert!(skills.iter().all(|h| h["kind"] == "SKILL"));
    assert!(!labels(&skills).contains(&"welder"));
    assert!(search(&app, &session, "metinātājs", "OCCUPATION", "EN")
        .await
        .is_empty());
}

#[tokio::test]
async fn skills_are_found_by_keyword() {
    let (app, session) = ready().await;

    let welding = search(&app, &session, "welding", "SKILL", "EN").await;
    let found = labels(&welding);
    for expected in [
        "welding techniques",
        "use welding equipment",
        "apply arc welding techniques",
    ] {
        assert!(found.contains(&expected), "{expected} in {found:?}");
    }
    assert_eq!(
        found[0], "welding techniques",
        "label starting with the keyword first"
    );
    assert!(welding.iter().all(|h| h["kind"] == "SKILL"));

    let customers = search(&app, &session, "customers", "SKILL", "EN").await;
    assert_eq!(customers[0]["preferredLabel"], "communicate with customers");
    assert!(customers[0]["description"]
        .as_str()
        .unwrap()
        .contains("communicate with customers"));

    let food = search(&app, &session, "prepare food", "SKILL", "EN").await;
    assert_eq!(food[0]["preferredLabel"], "prepare food");

    let klientiem = search(&app, &session, "klientiem", "SKILL", "LV").await;
    assert_eq!(klientiem[0]["preferredLabel"], "sazināties ar klientiem");
    let metinasana = search(&app, &session, "metināšanas", "SKILL", "LV").await;
    assert!(labels(&metinasana).contains(&"lietot metināšanas iekārtas"));
}

#[tokio::test]
async fn missing_diacritics_and_other_case_still_find_the_label() {
    let (app, session) = ready().await;
    for (text, expected) in [
        ("metinatajs", "metinātājs"),
        ("METINĀTĀJS", "metinātājs"),
        ("pavars", "pavārs"),
        ("suvejs", "šuvējs"),
        ("kimikis", "ķīmiķis"),
        ("zurnalists", "žurnālists"),
        ("eku elektrikis", "ēku elektriķis"),
        ("barddzinis", "bārddzinis"),
    ] {
        let hits = search(&app, &session, text, "OCCUPATION", "LV").await;
        assert!(!hits.is_empty(), "{text} found nothing");
        assert_eq!(hits[0]["preferredLabel"], expected, "{text}: {hits:?}");
        assert_eq!(hits[0]["score"], 1.0, "{text}: an exact match once folded");
    }
    let skills = search(&app, &session, "sazinaties ar klientiem", "SKILL", "LV").await;
    assert_eq!(skills[0]["preferredLabel"], "sazināties ar klientiem");
    // Diacritics typed where the label has none (and the other way round) also match.
    let patissier = search(&app, &session, "patissier", "OCCUPATION", "EN").await;
    assert_eq!(patissier[0]["preferredLabel"], "pastry chef");
}

#[tokio::test]
async fn partial_words_find_concepts() {
    let (app, session) = ready().await;

    let weld = search(&app, &session, "weld", "OCCUPATION", "EN").await;
    let found = labels(&weld);
    assert_eq!(found[0], "welder");
    for expected in ["pipe welder", "welding inspector", "welding coordinator"] {
        assert!(found.contains(&expected), "{expected} in {found:?}");
    }

    let softw = search(&app, &session, "softw dev", "OCCUPATION", "EN").await;
    assert_eq!(softw[0]["preferredLabel"], "software developer");

    let frizi = search(&app, &session, "frizi", "OCCUPATION", "LV").await;
    assert_eq!(frizi[0]["preferredLabel"], "frizieris");

    let metin = search(&app, &session, "metin", "OCCUPATION", "LV").await;
    assert_eq!(metin[0]["preferredLabel"], "metinātājs");
    assert!(labels(&metin).contains(&"metināšanas inspektors"));

    // A word inside a longer word still matches (lower in the ranking).
    let dresser = search(&app, &session, "dresser", "OCCUPATION", "EN").await;
    assert_eq!(dresser[0]["preferredLabel"], "hairdresser");
}

#[tokio::test]
async fn results_are_ranked_exact_label_first_and_preferred_before_alternative() {
    let (app, session) = ready().await;

    let welder = search(&app, &session, "welder", "OCCUPATION", "EN").await;
    assert_eq!(labels(&welder)[..2], ["welder", "pipe welder"]);
    assert!(welder[0]["score"].as_f64() > welder[1]["score"].as_f64());
    // Found only in a description ("supervise welders"): last.
    assert_eq!(labels(&welder)[2..], ["welding coordinator"]);

    // An alternative label matched exactly ranks above a preferred label starting with it...
    let programmer = search(&app, &session, "programmer", "OCCUPATION", "EN").await;
    assert_eq!(programmer[0]["preferredLabel"], "software developer");
    assert!(labels(&programmer).contains(&"web developer"));

    // ...but a word of a preferred label ranks above the same word in an alternative label.
    let chef = search(&app, &session, "chef", "OCCUPATION", "EN").await;
    assert_eq!(labels(&chef)[..3], ["head chef", "pastry chef", "cook"]);

    // Scores never rise down the list.
    for hits in [&welder, &programmer, &chef] {
        let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(scores.iter().all(|s| *s > 0.0 && *s <= 1.0), "{scores:?}");
    }
}

#[tokio::test]
async fn first_limits_the_hits_and_is_validated() {
    let (app, session) = ready().await;

    let all = search(&app, &session, "e", "SKILL", "EN").await;
    assert_eq!(all.len(), 10, "ten by default");
    for first in [1, 3, 25] {
        let answer = search_answer(&app, &session, "e", "SKILL", "EN", Some(first)).await;
        let hits = answer.data()["escoSearch"].as_array().unwrap();
        assert_eq!(hits.len(), first.min(31) as usize);
    }
    let answer = search_answer(&app, &session, "e", "SKILL", "EN", Some(50)).await;
    assert_eq!(answer.data()["escoSearch"].as_array().unwrap().len(), 31);

    let top3 = search_answer(&app, &session, "weld", "OCCUPATION", "EN", Some(3)).await;
    let top3 = top3.data()["escoSearch"].as_array().unwrap().clone();
    let all = search(&app, &session, "weld", "OCCUPATION", "EN").await;
    assert_eq!(top3[..], all[..3], "the first hits of the full ranking");

    for first in [0, -1, 51, 1000] {
        let answer = search_answer(&app, &session, "weld", "OCCUPATION", "EN", Some(first)).await;
        assert_eq!(answer.code(), "VALIDATION", "first = {first}");
        assert_eq!(answer.field(), "first");
    }
}

#[tokio::test]
async fn search_needs_a_session_and_a_sensible_text() {
    let (app, session) = ready().await;

    let anonymous = app
        .gql(
            SEARCH,
            json!({"text": "welder", "kind": "OCCUPATION", "language": "EN"}),
        )
        .await;
    assert_eq!(anonymous.code(), "UNAUTHENTICATED");
    let unknown = app
        .gql_as(
            "not-a-session",
            SEARCH,
            json!({"text": "welder", "kind": "OCCUPATION", "language": "EN"}),
        )
        .await;
    assert_eq!(unknown.code(), "UNAUTHENTICATED");

    for (text, reason) in [
        ("", "REQUIRED"),
        ("   ", "REQUIRED"),
        (&"a".repeat(201), "TOO_LONG"),
    ] {
        let answer = search_answer(&app, &session, text, "OCCUPATION", "EN", None).await;
        assert_eq!(answer.code(), "VALIDATION", "{text:?}");
        assert_eq!(answer.field(), "text");
        assert_eq!(answer.reason(), reason);
    }
    // 200 characters (Latvian letters count as one) are fine, and nothing matches.
    let long = search(&app, &session, &"ā".repeat(200), "OCCUPATION", "LV").await;
    assert!(long.is_empty());
    // Punctuation only: valid, finds nothing.
    assert!(search(&app, &session, "%_*", "SKILL", "EN")
        .await
        .is_empty());
    // Unknown enum values are refused by the schema.
    let bad_kind = app
        .gql_as(
            &session,
            SEARCH,
            json!({"text": "welder", "kind": "JOB", "language": "EN"}),
        )
        .await;
    assert!(bad_kind.body.get("errors").is_some());
}

#[tokio::test]
async fn importing_again_changes_nothing_and_a_newer_file_replaces_the_older() {
    let app = spawn_app().await;
    let first = import(&app).await;
    assert_eq!(first.files.len(), 4);
    let concepts = row_count(&app).await;
    assert_eq!(concepts, first.concepts() as i64);
    assert_eq!(concepts, 2 * 33 + 2 * 31);
    let occupations_en = first
        .files
        .iter()
        .find(|f| f.file == "occupations_en.csv")
        .unwrap();
    assert_eq!(occupations_en.kind, EscoKind::Occupation);
    assert_eq!(occupations_en.language, EscoLanguage::En);
    assert_eq!(occupations_en.concepts, 33);
    assert_eq!(occupations_en.skipped, 0);

    let again = import(&app).await;
    assert_eq!(row_count(&app).await, concepts);
    assert_eq!(again.concepts(), first.concepts());
    assert!(again.files.iter().all(|f| f.removed == 0));
    // Alternative labels survive the round trip as separate labels.
    let alts: Vec<String> = sqlx::query_scalar(
        "SELECT unnest(alt_labels) FROM esco_concepts WHERE language = 'en' AND preferred_label = 'cook'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        alts,
        vec![
            "commis chef",
            "line cook",
            "kitchen cook",
            "cook, restaurant"
        ]
    );

    // A newer download of one file: the changed concept is replaced, the missing one removed,
    // the other files' concepts stay.
    let original = std::fs::read_to_string(fixture_dir().join("occupations_en.csv")).unwrap();
    let mut lines = original.lines();
    let header = lines.next().unwrap();
    let welder_record = original
        .split("\nOccupation,")
        .nth(1)
        .map(|record| format!("Occupation,{}", record.trim_end()))
        .unwrap();
    assert!(welder_record.contains(",welder,"));
    let newer = format!(
        "{header}\r\n{}\r\n",
        welder_record.replace(",welder,", ",welder (metal),")
    );
    let dir = temp_dir();
    std::fs::write(dir.join("occupations_en.csv"), newer).unwrap();
    let report = esco::import_dir(&app.pool, &dir).await.unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].concepts, 1);
    assert_eq!(report.files[0].removed, 32);
    assert_eq!(row_count(&app).await, concepts - 32);
    let (session, _, _) = app.institution_session("Skola", "info@skola.lv").await;
    let hits = search(&app, &session, "welder", "OCCUPATION", "EN").await;
    assert_eq!(labels(&hits), vec!["welder (metal)"]);
    assert_eq!(
        search(&app, &session, "metinātājs", "OCCUPATION", "LV").await[0]["preferredLabel"],
        "metinātājs"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_broken_file_imports_nothing() {
    let app = spawn_app().await;
    let dir = temp_dir();
    std::fs::copy(
        fixture_dir().join("skills_en.csv"),
        dir.join("skills_en.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.join("skills_lv.csv"),
        "conceptType,conceptUri,preferredLabel\nKnowledgeSkillCompetence,http://x,\"unterminated\n",
    )
    .unwrap();
    let err = esco::import_dir(&app.pool, &dir).await.unwrap_err();
    assert!(format!("{err:#}").contains("skills_lv.csv"), "{err:#}");
    assert_eq!(
        row_count(&app).await,
        0,
        "one transaction: nothing from skills_en.csv either"
    );

    let empty = temp_dir();
    assert!(esco::import_dir(&app.pool, &empty).await.is_err());
    std::fs::remove_dir_all(&dir).ok();
    std::fs::remove_dir_all(&empty).ok();
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("europass-esco-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A minimal HTTP server answering like the ESCO web API; records the request targets.
async fn canned_esco_api() -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (seen, targets) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let target = head.split(' ').nth(1).unwrap_or("").to_string();
                let _ = seen.send(target.clone());
                let (status, body) = if target.starts_with("/search?") {
                    (
                        "200 OK",
                        json!({
                            "total": 2,
                            "_embedded": {"results": [
                                {"className": "Occupation", "uri": "http://data.europa.eu/esco/occupation/w1",
                                 "title": "welder", "preferredLabel": {"en": "welder"}},
                                {"className": "Occupation", "uri": "http://data.europa.eu/esco/occupation/w2",
                                 "title": "pipe welder", "preferredLabel": {"en": "pipe welder"}}
                            ]}
                        }),
                    )
                } else if target.starts_with("/resource/occupation?") && target.contains("w1") {
                    (
                        "200 OK",
                        json!({"uri": "http://data.europa.eu/esco/occupation/w1",
                               "description": {"en": {"literal": "Welders join metal.", "mimetype": "plain/text"}}}),
                    )
                } else {
                    ("404 Not Found", json!({"message": "not found"}))
                };
                let body = body.to_string();
                let response = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (address, targets)
}

#[tokio::test]
async fn the_web_api_client_asks_the_esco_search_endpoint() {
    let (address, mut targets) = canned_esco_api().await;
    let api = EscoWebApi::new(format!("{address}/")).unwrap();
    let hits = api
        .search(&EscoQuery {
            text: "welder".into(),
            kind: EscoKind::Occupation,
            language: EscoLanguage::En,
            first: 2,
        })
        .await
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].uri, "http://data.europa.eu/esco/occupation/w1");
    assert_eq!(hits[0].preferred_label, "welder");
    assert_eq!(hits[0].description.as_deref(), Some("Welders join metal."));
    assert_eq!(hits[0].kind, EscoKind::Occupation);
    assert_eq!(hits[1].preferred_label, "pipe welder");
    assert_eq!(
        hits[1].description, None,
        "a failed description is left empty"
    );
    assert!(hits[0].score > hits[1].score);

    let search = targets.recv().await.unwrap();
    assert!(search.starts_with("/search?"), "{search}");
    for part in ["text=welder", "type=occupation", "language=en", "limit=2"] {
        assert!(search.contains(part), "{part} in {search}");
    }
}
