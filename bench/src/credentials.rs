//! Figure 10 (issue 23): a certificate as a sealed European Digital Credential.
//!
//! One credential exported warm (built before; every export is authorized, checked and sealed
//! afresh), beside the same document's certificate PDF issued again (a render); then a
//! mobility's 500 credentials exported for the first time (each built: the certificate as
//! issued, its first page as the image, the JSON-LD, the seal), beside the same 500 PDFs
//! issued in the same run. Server time comes from each answer's `Server-Timing` header.

use crate::portal::server_time;
use crate::{ms, percentile, row, Bench, Row};
use anyhow::ensure;
use futures::StreamExt;
use std::time::{Duration, Instant};

const WARM_EXPORTS: usize = 500;
const MOBILITY: usize = 500;

async fn get(bench: &Bench, session: &str, doc: &str, file: &str) -> anyhow::Result<Duration> {
    let response = bench
        .app
        .client
        .get(format!("{}/documents/{doc}/{file}", bench.app.address))
        .bearer_auth(session)
        .send()
        .await?;
    ensure!(response.status() == 200, "{file}: {}", response.status());
    let time = server_time(&response);
    let body = response.bytes().await?;
    ensure!(body.len() > 1_000, "{file}: {} bytes", body.len());
    time.ok_or_else(|| anyhow::anyhow!("no Server-Timing on {file}"))
}

pub async fn credentials(
    bench: &Bench,
    sessions: &[String],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    eprintln!("10. European Digital Credentials: one warm, a mobility's {MOBILITY}");
    let session = &sessions[0];
    let (_, mobility, _) = bench
        .app
        .approved_mobility_for(session, MOBILITY as i32, "A")
        .await;
    // The approval answers the first 100; the query tables have them all.
    bench.app.projected().await;
    let docs: Vec<String> = sqlx::query_scalar::<_, uuid::Uuid>(
        "SELECT id FROM documents WHERE mobility_id = $1 ORDER BY ordinal",
    )
    .bind(uuid::Uuid::parse_str(&mobility)?)
    .fetch_all(&bench.app.pool)
    .await?
    .into_iter()
    .map(|id| id.to_string())
    .collect();
    ensure!(docs.len() == MOBILITY, "{} documents", docs.len());
    futures::stream::iter(&docs)
        .for_each_concurrent(8, |doc| async move {
            bench.app.complete_document(session, doc).await;
        })
        .await;

    // The mobility's PDFs issued (the baseline), then its credentials, each for the first time.
    let started = Instant::now();
    let pdfs: Vec<anyhow::Result<Duration>> = futures::stream::iter(&docs)
        .map(|doc| get(bench, session, doc, "certificate.pdf"))
        .buffer_unordered(2)
        .collect()
        .await;
    let pdfs_wall = started.elapsed();
    ensure!(pdfs.iter().all(Result::is_ok), "a PDF failed");
    let started = Instant::now();
    let credentials: Vec<anyhow::Result<Duration>> = futures::stream::iter(&docs)
        .map(|doc| get(bench, session, doc, "credential.json"))
        .buffer_unordered(2)
        .collect()
        .await;
    let credentials_wall = started.elapsed();
    ensure!(credentials.iter().all(Result::is_ok), "a credential failed");
    rows.push(
        row(
            format!("10. a mobility's {MOBILITY} credentials, first export (2 at a time)"),
            format!(
                "{} ({} each)",
                ms(credentials_wall),
                ms(credentials_wall / MOBILITY as u32)
            ),
            format!(
                "its {MOBILITY} PDFs issued: {} ({} each)",
                ms(pdfs_wall),
                ms(pdfs_wall / MOBILITY as u32)
            ),
        )
        .ratio(credentials_wall.as_secs_f64(), pdfs_wall.as_secs_f64())
        .goal("measured (no goal set)", true),
    );

    // One credential again and again: built once, sealed every time.
    let doc = &docs[0];
    let mut warm = Vec::with_capacity(WARM_EXPORTS);
    let mut pdf = Vec::with_capacity(WARM_EXPORTS);
    for _ in 0..WARM_EXPORTS {
        warm.push(get(bench, session, doc, "credential.json").await?);
        pdf.push(get(bench, session, doc, "certificate.pdf").await?);
    }
    let (p50, p99) = (percentile(&warm, 0.5), percentile(&warm, 0.99));
    let pdf50 = percentile(&pdf, 0.5);
    rows.push(
        row(
            format!("10. one credential exported and sealed, warm: server time p50 / p99 ({WARM_EXPORTS} exports)"),
            format!("{} / {}", ms(p50), ms(p99)),
            format!("the same certificate's PDF issued again: p50 {}", ms(pdf50)),
        )
        .ratio(p50.as_secs_f64(), pdf50.as_secs_f64())
        .goal("< 5 ms (p50)", p50 < Duration::from_millis(5)),
    );
    Ok(())
}
