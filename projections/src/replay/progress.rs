//! Progress of a rebuild: events done of those estimated at the start, rate and time left; and
//! how the command line shows it (one line rewritten in place on a terminal, plain lines
//! at most every few seconds otherwise, so logs stay readable).

use std::fmt;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct ReplayProgress {
    /// The shadow schema (`--resume` takes it).
    pub schema: String,
    /// The projection of the last batch.
    pub projection: &'static str,
    pub done: u64,
    /// Estimated as the rebuild starts (0 until the estimate is in), never below `done`;
    /// the last report has the exact number (`total == done`).
    pub total: u64,
    pub per_second: f64,
    pub remaining: Option<Duration>,
}

impl fmt::Display for ReplayProgress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}/{} events, {:.0} events/s",
            self.projection, self.done, self.total, self.per_second
        )?;
        match self.remaining {
            Some(left) => write!(f, ", {}s left", left.as_secs()),
            None => write!(f, ", time left unknown"),
        }
    }
}

/// Turns batch counts into progress reports.
pub(crate) struct Meter {
    schema: String,
    started: Instant,
    done: u64,
    total: u64,
}

impl Meter {
    pub fn new(schema: &str, total: u64) -> Self {
        Self {
            schema: schema.to_string(),
            started: Instant::now(),
            done: 0,
            total,
        }
    }

    pub fn done(&self) -> u64 {
        self.done
    }

    /// The estimate arrived (it runs beside the rebuild, see `replay::run`).
    pub fn counted(&mut self, total: u64) {
        self.total = self.total.max(total);
    }

    /// The last report: every event is done, and the total is exact.
    pub fn finish(&mut self, projection: &'static str) -> ReplayProgress {
        self.total = self.done;
        self.add(projection, 0)
    }

    pub fn add(&mut self, projection: &'static str, applied: usize) -> ReplayProgress {
        self.done += applied as u64;
        self.total = self.total.max(self.done);
        let seconds = self.started.elapsed().as_secs_f64();
        let per_second = if seconds > 0.0 {
            self.done as f64 / seconds
        } else {
            0.0
        };
        let remaining = (per_second > 0.0)
            .then(|| Duration::from_secs_f64((self.total - self.done) as f64 / per_second));
        ReplayProgress {
            schema: self.schema.clone(),
            projection,
            done: self.done,
            total: self.total,
            per_second,
            remaining,
        }
    }
}

/// Writes progress to standard error.
pub struct Printer {
    terminal: bool,
    last_shown: Option<Instant>,
    /// The newest report not yet shown (throttled), for `finish`.
    pending: Option<ReplayProgress>,
}

impl Default for Printer {
    fn default() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            last_shown: None,
            pending: None,
        }
    }
}

impl Printer {
    pub fn show(&mut self, progress: &ReplayProgress) {
        let every = if self.terminal {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(5)
        };
        if self.last_shown.is_some_and(|t| t.elapsed() < every) {
            self.pending = Some(progress.clone());
            return;
        }
        self.pending = None;
        self.last_shown = Some(Instant::now());
        self.write(progress);
    }

    /// Shows the last report and ends the line being rewritten.
    pub fn finish(&mut self) {
        if let Some(last) = self.pending.take() {
            self.write(&last);
        }
        if self.terminal && self.last_shown.is_some() {
            eprintln!();
        }
    }

    fn write(&self, progress: &ReplayProgress) {
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal {
            write!(err, "\r\x1b[K{progress}")
        } else {
            writeln!(err, "{progress}")
        };
        let _ = err.flush();
    }
}
