//! What an orchestrator and an operator ask a replica: is it alive (`/health/live`), may it
//! take traffic (`/health/ready`), and how is it doing (`/metrics`, Prometheus text).
//!
//! Readiness is the database reachable, every migration of this binary applied, and the
//! replica not draining. The answer also gives each projection's lag and whether this replica
//! leads it, but lag does not make a replica unready: every replica shares one projector state,
//! so it would take all of them out at once (a long transaction anywhere on the cluster holds
//! every projection back) and turn a stale view into an outage; read-your-writes still waits
//! for the projections a request depends on. Alert on the lag metrics instead.

use crate::graphql::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A projection whose waiting events have not moved for this long is reported as stalled.
pub const STALLED_AFTER: Duration = Duration::from_secs(30);

/// How long a readiness check waits for the database.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// Set when the replica begins to shut down: it then reports not ready, so that a load
/// balancer stops sending new requests while the ones in flight finish.
#[derive(Clone, Default)]
pub struct Lifecycle {
    draining: Arc<AtomicBool>,
}

impl Lifecycle {
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}

/// The process's metrics recorder (one per process: the `metrics` facade is global), installed
/// on first use.
pub fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let recorder = PrometheusBuilder::new()
            .set_buckets(&buckets)
            .expect("non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder (a test's) may be installed already: then this handle shows only
        // what is recorded through it, which is nothing; the service always installs first.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `GET /health/live`: the process answers HTTP.
pub async fn live() -> &'static str {
    "live"
}

/// `GET /health/ready`: 200 with the checks when every one passes, 503 with them otherwise.
pub async fn ready(
    State(state): State<AppState>,
    Extension(lifecycle): Extension<Lifecycle>,
) -> Response {
    let pool = &state.services.pool;
    let database = eventstore::db::reachable(pool, DATABASE_TIMEOUT).await;
    let pending = if database {
        eventstore::db::pending_migrations(pool).await.ok()
    } else {
        None
    };
    let lags = if database {
        projections::projector::lag(pool, &projections::all_projections())
            .await
            .ok()
    } else {
        None
    };
    let stalled = lags
        .as_ref()
        .is_none_or(|lags| lags.iter().any(|l| l.seconds > STALLED_AFTER.as_secs_f64()));
    let migrations = pending.as_ref().is_some_and(Vec::is_empty);
    let draining = lifecycle.is_draining();
    let is_ready = database && migrations && !draining;
    let projections: Vec<_> = lags
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            serde_json::json!({
                "name": l.projection,
                "leader": state.projector.leads(l.projection),
                "lagEvents": l.events,
                "lagSeconds": l.seconds,
            })
        })
        .collect();
    let body = serde_json::json!({
        "status": if is_ready { "ready" } else { "not ready" },
        "checks": {
            "database": database,
            "migrations": migrations,
            "pendingMigrations": pending.unwrap_or_default(),
            "projectionsCurrent": !stalled,
            "draining": draining,
        },
        "projections": projections,
        "roles": state.projector.leadership().map(|l| l.roles()).unwrap_or_default()
            .into_iter()
            .map(|(role, leads)| serde_json::json!({"role": role, "leader": leads}))
            .collect::<Vec<_>>(),
    });
    let status = if is_ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text. Projector lag and leadership are read at scrape time
/// (so every replica reports the same lag, each its own leadership).
pub async fn metrics(State(state): State<AppState>) -> Response {
    let pool = &state.services.pool;
    match projections::projector::lag(pool, &projections::all_projections()).await {
        Ok(lags) => {
            for lag in lags {
                let projection = lag.projection;
                metrics::gauge!("europass_projector_lag_events", "projection" => projection)
                    .set(lag.events as f64);
                metrics::gauge!("europass_projector_lag_seconds", "projection" => projection)
                    .set(lag.seconds);
                let leads = if state.projector.leads(projection) {
                    1.0
                } else {
                    0.0
                };
                metrics::gauge!("europass_projector_leader", "projection" => projection).set(leads);
            }
        }
        Err(err) => tracing::warn!(error = format!("{err:#}"), "projector lag unavailable"),
    }
    metrics::gauge!("europass_database_pool_connections")
        .set(f64::from(state.services.pool.size()));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus().render(),
    )
        .into_response()
}
