//! Wiring: database, e-mail, projector, GraphQL schema and the HTTP router.

use crate::config::Config;
use crate::files;
use crate::graphql::{build_schema, AppState, EuropassSchema};
use crate::pages;
use crate::request::RequestContext;
use anyhow::Context;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use commands::mailer::{Mailer, OutboxMailer, SmtpMailer};
use commands::{db, Clock, Services};
use projections::Projector;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tracing::Instrument;
use uuid::Uuid;

/// Largest request body accepted (GraphQL documents and variables).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy)]
pub struct CorrelationId(pub Uuid);

#[derive(Clone)]
struct Shared {
    state: AppState,
    schema: EuropassSchema,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    pub public_url: String,
    _projector_tasks: Vec<tokio::task::JoinHandle<()>>,
}

pub fn mailer_from(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(SmtpMailer::new(url, &config.mail_from)?),
        None => Arc::new(OutboxMailer::new(
            config.outbox_dir.clone(),
            &config.mail_from,
        )?),
    })
}

impl Application {
    pub async fn build(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let pool = db::connect(&config.database_url, config.database_max_connections).await?;
        db::migrate(&pool).await?;
        let listener = TcpListener::bind(config.bind_addr)
            .await
            .with_context(|| format!("binding {}", config.bind_addr))?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", listener.local_addr().expect("bound")));
        let services = Services::new(
            pool.clone(),
            clock,
            mailer_from(config)?,
            public_url.clone(),
        );
        let esco = Arc::new(projections::esco::LocalEsco::new(pool.clone()));
        let projector = Projector::new(pool, projections::all_projections());
        let mut tasks = projector.spawn();
        tasks.push(spawn_tryout_purge(
            services.pool.clone(),
            services.clock.clone(),
        ));
        let state = AppState {
            services,
            projector,
            esco,
        };
        let router = router(state.clone());
        Ok(Self {
            listener,
            router,
            state,
            public_url,
            _projector_tasks: tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(url = %self.public_url, "europass listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    }
}

/// How often the server looks for Try Out data older than 24 hours.
const TRYOUT_PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

fn spawn_tryout_purge(pool: sqlx::PgPool, clock: Arc<dyn Clock>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TRYOUT_PURGE_INTERVAL);
        loop {
            every.tick().await;
            if let Err(err) = projections::tryout_purge::purge_expired(&pool, clock.now()).await {
                tracing::error!(error = format!("{err:#}"), "Try Out purge failed");
            }
        }
    })
}

fn router(state: AppState) -> Router {
    let schema = build_schema(Some(state.clone()));
    let shared = Shared { state, schema };
    Router::new()
        .route("/", get(pages::graphiql))
        .route(
            "/graphql",
            get(graphql)
                .post(graphql)
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .route(
            "/documents/{id}/photo",
            axum::routing::post(files::upload_photo)
                .layer::<_, std::convert::Infallible>(axum::extract::DefaultBodyLimit::max(
                    images::MAX_UPLOAD_BYTES + 1024,
                ))
                .layer(RequestBodyLimitLayer::new(images::MAX_UPLOAD_BYTES + 1024)),
        )
        .route("/files/{sha256}", get(files::download))
        .route(
            "/confirm-registration",
            get(pages::confirm_form).post(pages::confirm_submit),
        )
        .route("/health", get(|| async { "ok" }))
        .with_state(shared.state.clone())
        .layer(Extension(shared))
        .layer(middleware::from_fn(correlate))
}

/// One log line per request, with a correlation id taken from `x-correlation-id` or made here,
/// echoed in the response and stamped on every event the request writes.
async fn correlate(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Uuid::parse_str(v).ok())
        .unwrap_or_else(Uuid::new_v4);
    req.extensions_mut().insert(CorrelationId(id));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("request", correlation_id = %id);
    let mut response = next.run(req).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert("x-correlation-id", value);
    }
    tracing::info!(
        correlation_id = %id,
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// GET may only read: a mutation over GET is refused (GraphQL over HTTP).
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    match doc.operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => ops.iter().any(|(name, op)| {
            operation_name.is_none_or(|wanted| wanted == name.as_str())
                && op.node.ty == OperationType::Mutation
        }),
    }
}

async fn graphql(
    State(_state): State<AppState>,
    Extension(shared): Extension<Shared>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    method: Method,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let request = request.into_inner();
    if method == Method::GET && is_mutation(&request.query, request.operation_name.as_deref()) {
        let body = serde_json::json!({"errors": [{
            "message": "mutations must be sent with POST",
            "extensions": {"code": "METHOD_NOT_ALLOWED"}
        }]});
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "POST")],
            Json(body),
        )
            .into_response();
    }
    let request = request.data(RequestContext::new(correlation_id, bearer(&headers)));
    GraphQLResponse::from(shared.schema.execute(request).await).into_response()
}
