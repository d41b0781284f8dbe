//! CPU time spent by this process (the service and its load clients) and by the PostgreSQL
//! server, read from /proc: where a request's cost goes, independent of waiting.

use std::time::Duration;

/// Clock ticks per second of /proc's counters (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

#[derive(Clone, Copy, Debug, Default)]
pub struct Cpu {
    pub own: Duration,
    pub postgres: Duration,
}

impl Cpu {
    pub fn now() -> Self {
        let mut postgres = 0;
        if let Ok(dir) = std::fs::read_dir("/proc") {
            for entry in dir.flatten() {
                let path = entry.path();
                let is_postgres = std::fs::read_to_string(path.join("comm"))
                    .is_ok_and(|comm| comm.trim() == "postgres");
                if is_postgres {
                    postgres += ticks(&path.join("stat")).unwrap_or(0);
                }
            }
        }
        Self {
            own: seconds(ticks(std::path::Path::new("/proc/self/stat")).unwrap_or(0)),
            postgres: seconds(postgres),
        }
    }

    /// Milliseconds per operation: (this process, PostgreSQL).
    pub fn per(self, operations: usize) -> (f64, f64) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3 / operations.max(1) as f64;
        (ms(self.own), ms(self.postgres))
    }

    pub fn since(self, start: Cpu) -> Cpu {
        Cpu {
            own: self.own.saturating_sub(start.own),
            postgres: self.postgres.saturating_sub(start.postgres),
        }
    }
}

fn seconds(ticks: u64) -> Duration {
    Duration::from_secs_f64(ticks as f64 / TICKS_PER_SECOND)
}

/// utime + stime + cutime + cstime of one process (fields 14 to 17, after the parenthesised
/// name). The children's share matters for PostgreSQL: a backend that exits (a baseline
/// pool closed at the end of its phase) takes its own counters with it, and they reappear
/// in the postmaster's children's counters, so the sum over all processes stays whole.
fn ticks(stat: &std::path::Path) -> Option<u64> {
    let text = std::fs::read_to_string(stat).ok()?;
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let mut sum = 0;
    for i in 11..=14 {
        sum += fields.get(i)?.parse::<i64>().ok()?.max(0) as u64;
    }
    Some(sum)
}
