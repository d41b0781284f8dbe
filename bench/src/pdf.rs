//! Figure 5: certificates. The renderer runs in child processes of this binary, so that the
//! resident memory measured is the renderer's alone (the service under test runs inside the
//! main benchmark process), and so that the baseline, a fresh process per certificate, is
//! the same code started cold.

use crate::{ms, percentile, row, Row};
use anyhow::{ensure, Context};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../../pdf-templates/tests/common/mod.rs"]
mod common;

/// The first argument that makes this binary a renderer child.
pub const CHILD_ARG: &str = "pdf-child";
const RENDERS: usize = 1_000;
const BATCH: usize = 100;
const FRESH_PROCESSES: usize = 10;

/// One certificate per `n`, all different (names and numbers), with photo and signatures.
fn certificate(n: usize) -> pdf_templates::CertificateData {
    let mut data = common::english();
    data.holder.surname = format!("Bērziņš-{n}");
    data.europass_number = format!("LV/2026/{:06}-2", n % 1_000_000);
    data.holder.photo = Some(common::photo_png());
    data.signatures.sending.signature = Some(common::signature_png());
    data.signatures.host.signature = Some(common::signature_png());
    data
}

fn memory_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

/// Child: `pdf-child once` renders one certificate with a new renderer and exits;
/// `pdf-child warm` renders one to warm up, then RENDERS more, and prints its timings and
/// memory as one JSON line.
pub fn child(mode: Option<&str>) -> anyhow::Result<()> {
    let renderer = pdf_templates::Renderer::new();
    renderer.render(&certificate(0))?;
    if mode == Some("once") {
        return Ok(());
    }
    let rss_warm = memory_kb("VmRSS:");
    let mut each = Vec::with_capacity(RENDERS);
    for n in 1..=RENDERS {
        let t = Instant::now();
        let rendered = renderer.render(&certificate(n))?;
        each.push(t.elapsed().as_secs_f64());
        ensure!(rendered.pdf.starts_with(b"%PDF"), "not a PDF");
    }
    // A batch as the service's ZIP download renders it: on every core at once.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    std::thread::scope(|scope| {
        let renderer = &renderer;
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                scope.spawn(move || -> anyhow::Result<()> {
                    for n in (w..BATCH).step_by(threads) {
                        renderer.render(&certificate(RENDERS + 1 + n))?;
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join()
                .map_err(|_| anyhow::anyhow!("render thread panicked"))?
        })
    })?;
    let batch = t.elapsed();
    println!(
        "{}",
        json!({"each_s": each, "batch_s": batch.as_secs_f64(), "threads": threads,
               "rss_warm_kb": rss_warm,
               "rss_kb": memory_kb("VmRSS:"), "hwm_kb": memory_kb("VmHWM:")})
    );
    Ok(())
}

fn run_child(mode: &str) -> anyhow::Result<(Duration, String)> {
    let exe = std::env::current_exe().context("own executable")?;
    let t = Instant::now();
    let out = Command::new(exe).args([CHILD_ARG, mode]).output()?;
    let elapsed = t.elapsed();
    ensure!(
        out.status.success(),
        "renderer child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((elapsed, String::from_utf8(out.stdout)?))
}

pub async fn certificates(rows: &mut Vec<Row>) -> anyhow::Result<()> {
    eprintln!(
        "5. certificates: {RENDERS} renders in one process, {FRESH_PROCESSES} fresh processes"
    );
    let (warm, fresh) = tokio::task::spawn_blocking(|| -> anyhow::Result<_> {
        let (_, out) = run_child("warm")?;
        let warm: Value = serde_json::from_str(out.trim())?;
        let mut fresh = vec![];
        for _ in 0..FRESH_PROCESSES {
            fresh.push(run_child("once")?.0);
        }
        Ok((warm, fresh))
    })
    .await??;
    let each: Vec<Duration> = warm["each_s"]
        .as_array()
        .context("each_s")?
        .iter()
        .filter_map(Value::as_f64)
        .map(Duration::from_secs_f64)
        .collect();
    let fresh50 = percentile(&fresh, 0.5);
    let (p50, p99) = (percentile(&each, 0.5), percentile(&each, 0.99));
    rows.push(
        row(
            format!("5. certificate PDF, warm renderer: p50 / p99 ({RENDERS} certificates)"),
            format!("{} / {}", ms(p50), ms(p99)),
            format!("fresh process per certificate: p50 {}", ms(fresh50)),
        )
        .ratio(p50.as_secs_f64(), fresh50.as_secs_f64())
        .goal("p99 < 15 ms", p99 < Duration::from_millis(15)),
    );
    let batch = Duration::from_secs_f64(warm["batch_s"].as_f64().unwrap_or(0.0));
    rows.push(
        row(
            format!(
                "5. batch of {BATCH} certificates, warm renderer on {} threads (as the ZIP download)",
                warm["threads"]
            ),
            format!("{} ({} each)", ms(batch), ms(batch / BATCH as u32)),
            format!("{BATCH} fresh processes ≈ {}", ms(fresh50 * BATCH as u32)),
        )
        .ratio(batch.as_secs_f64(), (fresh50 * BATCH as u32).as_secs_f64())
        .goal(
            "< 15 ms each",
            batch / (BATCH as u32) < Duration::from_millis(15),
        ),
    );
    let mb = |field: &str| warm[field].as_f64().unwrap_or(0.0) / 1024.0;
    rows.push(
        row(
            format!("5. resident memory after {RENDERS} certificates (peak)"),
            format!("{:.0} MB (peak {:.0} MB)", mb("rss_kb"), mb("hwm_kb")),
            format!("after the first certificate: {:.0} MB", mb("rss_warm_kb")),
        )
        .ratio(mb("rss_kb"), mb("rss_warm_kb"))
        .goal("< 200 MB", mb("hwm_kb") < 200.0),
    );
    Ok(())
}
