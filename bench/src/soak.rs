//! The 10-minute soak (issues 8 and 24): a fixed rate of API mutations, API reads and portal
//! pages against the service for a fixed time, printing every 30 s the requests, errors,
//! latency and the process's resident memory, and at the end whether there were no errors,
//! memory stayed flat and p99 shows no trend.
//!
//! ```sh
//! cargo run --release -p bench -- soak              # 10 minutes at 50 requests/s
//! cargo run --release -p bench -- soak 2 100        # 2 minutes at 100 requests/s
//! ```
//!
//! The service runs in this process (the harness's `spawn_app`), so the memory figure is the
//! service's plus this small client's.

use crate::{ms, percentile, Bench, SAVE_OUTCOMES};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REPORT_EVERY: Duration = Duration::from_secs(30);
const DOCUMENTS: usize = 32;
const SESSIONS: usize = 8;
const MAX_IN_FLIGHT: usize = 256;
/// Memory counts as flat when the last reading is within this share of the reading after the
/// first minute (the warm-up: pools, caches and allocator arenas fill in the first minute).
const FLAT: f64 = 0.10;
/// p99 shows no trend when the second half's p99 (after the first minute) is within this
/// factor of the first half's, plus [`TREND_SLACK`] (a single slow request moves a p99 of a
/// few thousand requests by a millisecond or two).
const TREND: f64 = 1.25;
const TREND_SLACK: Duration = Duration::from_millis(2);

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

#[derive(Default)]
struct Interval {
    latencies: Vec<Duration>,
    errors: usize,
}

pub async fn run(bench: Arc<Bench>, minutes: f64, rate: f64) -> anyhow::Result<bool> {
    let duration = Duration::from_secs_f64(minutes * 60.0);
    eprintln!(
        "soak: {minutes} min at {rate} requests/s (3 in 5 API mutations, 1 in 5 API reads, \
         1 in 5 portal document pages)"
    );
    let token = bench.session().await;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&token, DOCUMENTS as i32, "A")
        .await;
    for doc in &docs {
        bench.app.complete_document(&token, doc).await;
    }
    let mut sessions = vec![token];
    while sessions.len() < SESSIONS {
        sessions.push(bench.session().await);
    }
    let (docs, sessions) = (Arc::new(docs), Arc::new(sessions));
    let interval = Arc::new(Mutex::new(Interval::default()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut next_report = REPORT_EVERY;
    let (mut total, mut errors, mut skipped) = (0usize, 0usize, 0usize);
    let mut memory: Vec<(Duration, f64)> = vec![(Duration::ZERO, rss_mb())];
    // Every latency after the first minute, in order, for the trend.
    let mut settled: Vec<Duration> = vec![];
    println!("| time | requests | errors | p50 | p99 | resident memory |");
    println!("|---|---|---|---|---|---|");
    let mut n = 0usize;
    while started.elapsed() < duration {
        ticker.tick().await;
        if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
            skipped += 1;
        } else {
            in_flight.fetch_add(1, Ordering::Relaxed);
            let (bench, docs, sessions) = (bench.clone(), docs.clone(), sessions.clone());
            let (interval, in_flight) = (interval.clone(), in_flight.clone());
            tokio::spawn(async move {
                let t = Instant::now();
                let (doc, token) = (&docs[n % docs.len()], &sessions[n % sessions.len()]);
                let result = if n % 5 == 3 {
                    page(&bench, token, doc).await
                } else if n % 5 == 4 {
                    bench
                        .gql(
                            token,
                            "query($id: ID!) { document(id: $id) { europassNumber complete } }",
                            json!({"id": doc}),
                        )
                        .await
                        .map(drop)
                } else {
                    bench
                        .gql(
                            token,
                            SAVE_OUTCOMES,
                            json!({"id": doc, "input": crate::outcomes(n)}),
                        )
                        .await
                        .map(drop)
                };
                let mut interval = interval.lock().unwrap();
                match result {
                    Ok(()) => interval.latencies.push(t.elapsed()),
                    Err(err) => {
                        if interval.errors == 0 {
                            eprintln!("  error: {err:#}");
                        }
                        interval.errors += 1;
                    }
                }
                in_flight.fetch_sub(1, Ordering::Relaxed);
            });
        }
        n += 1;
        let elapsed = started.elapsed();
        if elapsed >= next_report || elapsed >= duration {
            next_report += REPORT_EVERY;
            let done = std::mem::take(&mut *interval.lock().unwrap());
            let rss = rss_mb();
            memory.push((elapsed, rss));
            total += done.latencies.len();
            errors += done.errors;
            if elapsed > Duration::from_secs(60) {
                settled.extend(&done.latencies);
            }
            println!(
                "| {:.0} s | {} | {} | {} | {} | {rss:.0} MB |",
                elapsed.as_secs_f64(),
                done.latencies.len(),
                done.errors,
                ms(percentile(&done.latencies, 0.5)),
                ms(percentile(&done.latencies, 0.99)),
            );
        }
    }
    // Let the last requests finish; they count too.
    let drain = Instant::now();
    while in_flight.load(Ordering::Relaxed) > 0 && drain.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let done = std::mem::take(&mut *interval.lock().unwrap());
    total += done.latencies.len();
    errors += done.errors + in_flight.load(Ordering::Relaxed);
    let after_warmup = memory
        .iter()
        .find(|(t, _)| *t >= Duration::from_secs(60))
        .or(memory.last())
        .map(|(_, mb)| *mb)
        .unwrap_or(0.0);
    let last = memory.last().map(|(_, mb)| *mb).unwrap_or(0.0);
    let flat = last <= after_warmup * (1.0 + FLAT);
    let (first_half, second_half) = settled.split_at(settled.len() / 2);
    let (early, late) = (percentile(first_half, 0.99), percentile(second_half, 0.99));
    let no_trend = late <= early.mul_f64(TREND) + TREND_SLACK;
    println!();
    println!(
        "{total} requests answered, {errors} errors, {skipped} ticks skipped (over {MAX_IN_FLIGHT} in flight)"
    );
    println!(
        "no errors: {}; memory flat (last {last:.0} MB within {:.0}% of {after_warmup:.0} MB after the first minute): {}",
        if errors == 0 { "met" } else { "**not met**" },
        FLAT * 100.0,
        if flat { "met" } else { "**not met**" }
    );
    println!(
        "p99 without a trend (after the first minute: first half {}, second half {}, within {TREND}× + {}): {}",
        ms(early),
        ms(late),
        ms(TREND_SLACK),
        if no_trend { "met" } else { "**not met**" }
    );
    Ok(errors == 0 && skipped == 0 && flat && no_trend)
}

/// A document's page in the portal, as its institution user sees it (the session's cookie).
async fn page(bench: &Bench, session: &str, doc: &str) -> anyhow::Result<()> {
    let response = bench
        .http
        .get(format!(
            "{}/documents/{doc}?section=project",
            bench.app.address
        ))
        .header("cookie", format!("europass_session={session}"))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "HTTP {}", response.status());
    let body = response.text().await?;
    anyhow::ensure!(body.contains("Metināšana"), "the page shows its document");
    Ok(())
}
