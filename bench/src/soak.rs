//! The 10-minute soak (issue 8): a fixed rate of mutations and reads against the service for a
//! fixed time, printing every 30 s the requests, errors, latency and the process's resident
//! memory, and at the end whether there were no errors and memory stayed flat.
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
    eprintln!("soak: {minutes} min at {rate} requests/s (4 in 5 mutations, 1 in 5 reads)");
    let token = bench.session().await;
    let (_, _, docs) = bench
        .app
        .approved_mobility_for(&token, DOCUMENTS as i32, "A")
        .await;
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
                let result = if n % 5 == 4 {
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
    Ok(errors == 0 && skipped == 0 && flat)
}
