//! Figures 8 and 9: a portal page under 8 clients, beside the API answering the same question.
//!
//! Figure 8 is a mobility's page with 8 documents (the frame's `Who` operation, then the
//! mobility with its documents and their missing fields by label: two in-process GraphQL
//! executions and the HTML). Figure 9 (issue 22) is a document's page, each client its own
//! complete document: the frame, the document with its four sections and reference lists,
//! the copy targets, the signature library, and the HTML. The baseline is the API's answer to
//! the page's main operation over HTTP with a bearer token. Server time is read from each
//! answer's `Server-Timing` header (the service's own measure, from request to response
//! headers).

use crate::{ms, percentile, row, run_load, Bench, Row, PHASE_REQUESTS, PHASE_TIME};
use anyhow::ensure;
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;

/// The service's own time for an answer, from its `Server-Timing` header.
pub(crate) fn server_time(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get("server-timing")?.to_str().ok()?;
    let dur = value.split("dur=").nth(1)?.parse::<f64>().ok()?;
    Some(Duration::from_secs_f64(dur / 1000.0))
}

pub async fn page(bench: &Bench, sessions: &[String], rows: &mut Vec<Row>) -> anyhow::Result<()> {
    eprintln!("8. a portal page (a mobility with 8 documents), 8 clients");
    let clients = 8;
    let (_, mobility, docs) = bench
        .app
        .approved_mobility_for(&sessions[0], clients as i32, "A")
        .await;
    ensure!(docs.len() == clients, "{} documents", docs.len());
    let url = format!("{}/mobilities/{mobility}", bench.app.address);
    let spec = Spec {
        figure:
            "8. portal page GET /mobilities/{id} (8 documents), 8 clients: server time p50 / p99",
        urls: vec![url; clients],
        query: api::portal::operations::MOBILITY,
        variables: vec![json!({"id": mobility, "language": "EN"}); clients],
        contains: "LV/2026/",
    };
    measure(bench, sessions, rows, spec).await
}

/// Figure 9: a document's page (its personal data section), each client its own document.
pub async fn document_page(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    eprintln!("9. a portal page (a document's section), 8 clients");
    let clients = 8;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&sessions[0], clients as i32, "A")
        .await;
    ensure!(docs.len() == clients, "{} documents", docs.len());
    for doc in &docs {
        bench.app.complete_document(&sessions[0], doc).await;
    }
    let spec = Spec {
        figure: "9. portal page GET /documents/{id} (a complete document), 8 clients: server time p50 / p99",
        urls: docs
            .iter()
            .map(|d| format!("{}/documents/{d}?section=personalData", bench.app.address))
            .collect(),
        query: api::portal::document::DOCUMENT,
        variables: docs
            .iter()
            .map(|d| json!({"id": d, "language": "EN"}))
            .collect(),
        contains: "Bērziņa",
    };
    measure(bench, sessions, rows, spec).await
}

/// One page figure: the page for each client, and the API's answer to its main operation.
struct Spec {
    figure: &'static str,
    urls: Vec<String>,
    query: &'static str,
    variables: Vec<serde_json::Value>,
    contains: &'static str,
}

async fn measure(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
    spec: Spec,
) -> anyhow::Result<()> {
    let clients = spec.urls.len();
    let page_times = Mutex::new(vec![]);
    let api_times = Mutex::new(vec![]);
    let get_page = |client: usize| {
        let (url, session, times) = (&spec.urls[client], &sessions[client], &page_times);
        async move {
            let response = bench
                .http
                .get(url)
                .header("cookie", format!("europass_session={session}"))
                .send()
                .await?;
            ensure!(response.status() == 200, "HTTP {}", response.status());
            let time = server_time(&response);
            let body = response.text().await?;
            ensure!(body.contains(spec.contains), "the page shows its data");
            times.lock().unwrap().extend(time);
            Ok(())
        }
    };
    let ask_api = |client: usize| {
        let (session, times, variables) = (&sessions[client], &api_times, &spec.variables[client]);
        async move {
            let response = bench
                .http
                .post(format!("{}/graphql", bench.app.address))
                .bearer_auth(session)
                .json(&json!({"query": spec.query, "variables": variables}))
                .send()
                .await?;
            ensure!(response.status() == 200, "HTTP {}", response.status());
            let time = server_time(&response);
            let body: serde_json::Value = response.json().await?;
            ensure!(body.get("errors").is_none(), "{body}");
            times.lock().unwrap().extend(time);
            Ok(())
        }
    };
    // Warm-up: every session has loaded the page once.
    for client in 0..clients {
        get_page(client).await?;
    }
    page_times.lock().unwrap().clear();
    let pages = run_load(clients, PHASE_REQUESTS, PHASE_TIME, |client, _| {
        get_page(client)
    })
    .await;
    let api = run_load(clients, PHASE_REQUESTS, PHASE_TIME, |client, _| {
        ask_api(client)
    })
    .await;
    let (page_server, api_server) = (
        page_times.into_inner().unwrap(),
        api_times.into_inner().unwrap(),
    );
    let (p50, p99) = (
        percentile(&page_server, 0.50),
        percentile(&page_server, 0.99),
    );
    let (a50, a99) = (percentile(&api_server, 0.50), percentile(&api_server, 0.99));
    eprintln!(
        "  page: {:.0}/s ({} errors), server p50/p99 {} / {}; API: {:.0}/s, server p50/p99 {} / {}",
        pages.rate(),
        pages.errors,
        ms(p50),
        ms(p99),
        api.rate(),
        ms(a50),
        ms(a99)
    );
    rows.push(
        row(
            spec.figure,
            format!("{} / {} ({:.0} pages/s)", ms(p50), ms(p99), pages.rate()),
            format!(
                "API, the page's main query: {} / {} ({:.0} req/s)",
                ms(a50),
                ms(a99),
                api.rate()
            ),
        )
        .ratio(p99.as_secs_f64(), a99.as_secs_f64())
        .goal(
            "p99 < 20 ms",
            p99 < Duration::from_millis(20) && pages.errors == 0,
        ),
    );
    ensure!(pages.errors == 0 && api.errors == 0, "requests failed");
    Ok(())
}
