//! Logs through tracing-subscriber, filtered by `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Tests may initialise more than once; the first wins.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        // Logs go to stderr so that commands printing data (`europass events`) stay clean.
        .with_writer(std::io::stderr)
        .try_init();
}
