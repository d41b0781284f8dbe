//! Wiring: database, e-mail, projector, GraphQL schema and the HTTP router.

use crate::config::Config;
use crate::files;
use crate::graphql::parsed_queries::ParsedQueries;
use crate::graphql::{build_schema, AppState, EuropassSchema};
use crate::health::{self, Lifecycle};
use crate::portal::Portal;
use crate::request::RequestContext;
use anyhow::Context;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql_axum::GraphQLResponse;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use commands::mailer::{Mailer, OutboxMailer, SmtpMailer};
use commands::{Clock, Services};
use eventstore::db;
use projections::leadership::Leadership;
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
    /// Parsed operations by text, and persisted queries by hash (shared with the portal).
    parsed: Arc<ParsedQueries>,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    pub public_url: String,
    pub lifecycle: Lifecycle,
    _projector_tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// The leadership role of the Try Out purge: one replica runs it at a time.
pub const TRYOUT_PURGE_ROLE: &str = "tryout-purge";

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
        let mut services = Services::new(
            pool.clone(),
            clock,
            mailer_from(config)?,
            public_url.clone(),
            crate::read_side::ProjectedReads::new(pool.clone()),
        );
        let issuer = commands::credentials::Issuer {
            name_en: config.edc_issuer_name.clone(),
            name_lv: config.edc_issuer_name_lv.clone(),
            registration: config.edc_issuer_registration.clone(),
        };
        let seals = commands::seal::Seals::new(
            config.edc_seal_key.as_deref(),
            config.edc_seal_cert.as_deref(),
            &config.development_seal_dir(),
            &issuer.name_en,
        )?;
        if !seals.is_configured() {
            tracing::warn!(
                path = %seals.development_file().display(),
                "EDC_SEAL_KEY and EDC_SEAL_CERT are not set: European Digital Credentials \
                 are sealed with a development seal, which no one should trust"
            );
        }
        services.issuer = Arc::new(issuer);
        services.seals = Arc::new(seals);
        let esco: Arc<dyn ::esco::EscoSearch> = match &config.esco_api_url {
            Some(url) => Arc::new(::esco::EscoWebApi::new(url.clone())?),
            None => Arc::new(::esco::LocalEsco::new(pool.clone())),
        };
        services.esco_skills = Some(Arc::new(crate::esco_skills::EscoSkillsOver(esco.clone())));
        let projector = Projector::new(pool.clone(), projections::all_projections());
        // One replica leads each projection and the purge; the others follow (R-PROJ).
        let mut roles = projector.roles();
        roles.push(TRYOUT_PURGE_ROLE.to_string());
        let leadership = Leadership::new(&pool, roles);
        // Appends wake this process's projector at once (see `eventstore::store::notify`).
        let woken = Arc::downgrade(&projector);
        services.store.notifier.on_local(move |aggregate_type| {
            if let Some(projector) = woken.upgrade() {
                projector.wake(aggregate_type);
            }
        });
        let mut tasks = projector.spawn(Some(leadership.clone()));
        tasks.push(leadership.spawn());
        tasks.push(spawn_tryout_purge(
            services.pool.clone(),
            services.clock.clone(),
            leadership,
        ));
        crate::health::prometheus();
        let state = AppState {
            services,
            projector,
            esco,
        };
        let lifecycle = Lifecycle::default();
        let router = router(state.clone(), lifecycle.clone());
        Ok(Self {
            listener,
            router,
            state,
            public_url,
            lifecycle,
            _projector_tasks: tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then drains: reports not ready, accepts no new
    /// connection, and returns when every request in flight has been answered.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(url = %self.public_url, "europass listening");
        // The peer's address reaches handlers as `ConnectInfo` (login throttling per address).
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let lifecycle = self.lifecycle.clone();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                stop.await;
                lifecycle.drain();
                tracing::info!("shutting down: draining requests in flight");
            })
            .await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Ctrl-C, or SIGTERM as containers and systemd send it.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// How often the server looks for Try Out data older than 24 hours.
const TRYOUT_PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

fn spawn_tryout_purge(
    pool: sqlx::PgPool,
    clock: Arc<dyn Clock>,
    leadership: Arc<Leadership>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Some(mut leading) = leadership.watch(TRYOUT_PURGE_ROLE) else {
            return;
        };
        let mut every = tokio::time::interval(TRYOUT_PURGE_INTERVAL);
        loop {
            every.tick().await;
            // Only the replica that leads the purge runs it (each mobility's purge is one
            // transaction, so a second runner would only repeat the search); a follower
            // waits here until it leads.
            while !*leading.borrow_and_update() {
                if leading.changed().await.is_err() {
                    return;
                }
            }
            if let Err(err) = crate::maintenance::purge_tryout(&pool, clock.now()).await {
                tracing::error!(error = format!("{err:#}"), "Try Out purge failed");
            }
        }
    })
}

fn router(state: AppState, lifecycle: Lifecycle) -> Router {
    let schema = build_schema(Some(state.clone()));
    let parsed = Arc::new(ParsedQueries::default());
    let portal = Portal::new(schema.clone(), parsed.clone(), &state.services.public_url);
    let shared = Shared {
        state,
        schema,
        parsed,
    };
    Router::new()
        .merge(portal_routes().layer(middleware::from_fn(crate::portal::security_headers)))
        .route("/graphiql", get(crate::graphiql::page))
        .route("/assets/graphiql-3.9.0/{file}", get(crate::graphiql::asset))
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
            "/signatures/uploads",
            axum::routing::post(files::upload_signature)
                .layer::<_, std::convert::Infallible>(axum::extract::DefaultBodyLimit::max(
                    images::MAX_UPLOAD_BYTES + 1024,
                ))
                .layer(RequestBodyLimitLayer::new(images::MAX_UPLOAD_BYTES + 1024)),
        )
        .route("/documents/{id}/certificate.pdf", get(files::certificate))
        .route(
            "/documents/{id}/certificate-preview.png",
            get(files::certificate_preview),
        )
        .route("/documents/{id}/credential.json", get(files::credential))
        .route(
            "/mobilities/{id}/certificates.zip",
            get(files::certificates_zip),
        )
        .route("/health", get(health::live))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(health::metrics))
        .with_state(shared.state.clone())
        .layer(Extension(shared))
        .layer(Extension(portal))
        .layer(Extension(lifecycle))
        .layer(middleware::from_fn(no_store_by_default))
        .layer(middleware::from_fn(correlate))
}

/// The portal's pages (see `crate::portal`): every one reads and writes through the schema.
fn portal_routes() -> Router<AppState> {
    use crate::portal::{
        account, assets, audit, document, document_signatures, home, institution, mobility, nec,
        signatures, verify,
    };
    use axum::routing::post;
    Router::new()
        .route("/", get(home::home))
        .route("/assets/portal/{file}", get(assets::asset))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/register",
            get(account::register_form).post(account::register),
        )
        .route(
            "/register/resend",
            get(account::resend_form).post(account::resend),
        )
        .route(
            "/confirm-registration",
            get(account::confirm_form).post(account::confirm),
        )
        .route("/password", get(account::change_form).post(account::change))
        .route(
            "/password/forgot",
            get(account::forgot_form).post(account::forgot),
        )
        .route(
            "/password/reset",
            get(account::reset_form).post(account::reset),
        )
        .route("/language/{code}", get(account::language))
        .route("/session/left", get(account::session_left))
        .route(
            "/institution",
            get(institution::show).post(institution::save),
        )
        .route("/institution/users", post(institution::add_user))
        .route("/institution/users/remove", post(institution::remove_user))
        .route(
            "/mobilities/new",
            get(mobility::request_form).post(mobility::request),
        )
        .route("/mobilities/{id}", get(mobility::show))
        .route("/mobilities/{id}/participants", post(mobility::grant_group))
        .route("/documents/{id}", get(document::show))
        .route("/documents/{id}/sections/{section}", post(document::save))
        .route("/documents/{id}/language", post(document::set_language))
        .route("/documents/{id}/access/{what}", post(document::access))
        .route("/documents/{id}/copy/{section}", post(document::copy))
        .route("/documents/{id}/esco", post(document::esco_add))
        .route(
            "/documents/{id}/photo/upload",
            post(document::upload_photo).layer(axum::extract::DefaultBodyLimit::max(
                images::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
        .route("/documents/{id}/photo/remove", post(document::remove_photo))
        .route(
            "/documents/{id}/signatures",
            post(document_signatures::choose),
        )
        .route("/signatures", get(signatures::show))
        .route(
            "/signatures/upload",
            post(signatures::upload).layer(axum::extract::DefaultBodyLimit::max(
                images::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
        .route("/signatures/uploads/{id}", get(signatures::upload_page))
        .route(
            "/signatures/uploads/{id}/rect",
            post(signatures::choose_rect),
        )
        .route(
            "/signatures/uploads/{id}/activate",
            post(signatures::activate),
        )
        .route("/signatures/{id}/{what}", post(signatures::manage))
        .route("/nec/queue", get(nec::queue))
        .route("/nec/documents", get(audit::search))
        .route("/nec/documents/{id}/history", get(audit::history))
        .route("/nec/documents/{id}/verify", get(audit::verify))
        .route("/nec/documents/{id}/erase", post(audit::erase))
        .route("/nec/documents/{id}/revoke", post(audit::revoke))
        .route("/verify", get(verify::form))
        .route("/verify/{number}", get(verify::by_link))
        .route(
            "/verify/file",
            post(verify::file).layer(axum::extract::DefaultBodyLimit::max(
                verify::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/nec/mobilities/{id}/approve", post(nec::approve))
        .route("/nec/mobilities/{id}/reject", post(nec::reject))
        .fallback(crate::portal::not_found)
}

/// One log line per request with its correlation id, made here for every request and stamped
/// on every event the request writes; echoed in the response. A client's own id (from
/// `x-correlation-id` or `x-request-id`) is only logged beside it as `client_request_id`, and
/// only when it looks like an id: the event store records what the server knows, not what a
/// client claims.
async fn correlate(mut req: Request, next: Next) -> Response {
    let id = Uuid::new_v4();
    let client_request_id = ["x-correlation-id", "x-request-id"]
        .iter()
        .find_map(|name| req.headers().get(*name))
        .and_then(|v| v.to_str().ok())
        .and_then(client_request_id)
        .map(str::to_owned);
    req.extensions_mut().insert(CorrelationId(id));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // The route's pattern, not the path: ids in paths would make a metric per document.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let started = Instant::now();
    let client = client_request_id.as_deref();
    let span = tracing::info_span!("request", correlation_id = %id, client_request_id = client);
    let mut response = next.run(req).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert("x-correlation-id", value);
    }
    let elapsed = started.elapsed();
    // The server's own time for the answer (browsers' developer tools and the bench read it).
    let timing = format!("app;dur={:.2}", elapsed.as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", value);
    }
    let status = response.status().as_u16();
    let operation = response.extensions().get::<GraphqlOperation>().cloned();
    tracing::info!(
        correlation_id = %id,
        client_request_id = client,
        %method,
        path,
        status,
        operation = operation.as_ref().map(|o| o.logged.as_str()),
        outcome = operation.as_ref().map(|o| o.outcome),
        latency_ms = elapsed.as_millis() as u64,
        "request"
    );
    let labels = [("route", route), ("status", status.to_string())];
    metrics::counter!("europass_http_requests_total", &labels).increment(1);
    metrics::histogram!("europass_http_request_duration_seconds", &labels[..1])
        .record(elapsed.as_secs_f64());
    if let Some(operation) = operation {
        let labels = [
            ("type", operation.kind.to_string()),
            ("operation", operation.root_field.clone()),
            ("outcome", operation.outcome.to_string()),
        ];
        metrics::counter!("europass_graphql_requests_total", &labels).increment(1);
        metrics::histogram!("europass_graphql_request_duration_seconds", &labels[..2])
            .record(elapsed.as_secs_f64());
        if operation.kind == "mutation" {
            let labels = [
                ("command", operation.root_field),
                ("outcome", operation.outcome.to_string()),
            ];
            metrics::counter!("europass_commands_total", &labels).increment(1);
        }
    }
    response
}

/// Longest client request id that is logged.
const MAX_CLIENT_REQUEST_ID: usize = 64;

/// A client's request id if it is short and made of letters, digits and `-_.:` (so that it
/// cannot forge log lines); anything else is ignored.
fn client_request_id(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let fine = !raw.is_empty()
        && raw.len() <= MAX_CLIENT_REQUEST_ID
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    fine.then_some(raw)
}

/// Answers may carry secrets (a session token, a new password, personal data, a certificate):
/// no cache, the browser's included, may keep them. A handler that sets its own
/// `Cache-Control` keeps it.
async fn no_store_by_default(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
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

/// Most aliased fields one request may have: the complexity limit does not count
/// `__typename`, so `{ a1: __typename … a60000: __typename }` would pass it.
pub const MAX_ALIASES: usize = 100;

/// The media types a GraphQL answer is sent as (GraphQL over HTTP, "Accept").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AnswerType {
    /// `application/graphql-response+json`: request errors get 400 and no `data`.
    GraphqlResponse,
    /// `application/json`: every well-formed request gets 200.
    Json,
}

impl AnswerType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json",
            Self::Json => "application/json",
        })
    }
}

/// The answer type the client prefers by `Accept` (highest `q`, then first listed); no
/// `Accept` means `application/json`, `*/*` and `application/*` too. `None`: nothing we send.
fn negotiate(headers: &HeaderMap) -> Option<AnswerType> {
    let mut listed = false;
    let mut best: Option<(f32, AnswerType)> = None;
    let ranges = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for range in ranges {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if media.is_empty() {
            continue;
        }
        listed = true;
        let (mut q, mut utf8) = (1.0_f32, true);
        for param in parts {
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match key.trim().to_ascii_lowercase().as_str() {
                "q" => q = value.parse().unwrap_or(0.0),
                "charset" => utf8 = matches!(value.to_ascii_lowercase().as_str(), "utf-8" | "utf8"),
                _ => {}
            }
        }
        let answer = match media.as_str() {
            "application/graphql-response+json" => AnswerType::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => AnswerType::Json,
            _ => continue,
        };
        if utf8 && q > 0.0 && best.is_none_or(|(best_q, _)| q > best_q) {
            best = Some((q, answer));
        }
    }
    if listed {
        best.map(|(_, answer)| answer)
    } else {
        Some(AnswerType::Json)
    }
}

/// Whether a POST body is declared as JSON (`application/json`, UTF-8 if a charset is named).
fn is_json_body(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json")
        && parts.all(|param| match param.split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("charset") => matches!(
                value.trim().trim_matches('"').to_ascii_lowercase().as_str(),
                "utf-8" | "utf8"
            ),
            _ => true,
        })
}

/// An HTTP-level refusal with the usual error shape (`extensions.code`, `correlationId`).
fn http_error(
    status: StatusCode,
    answer: AnswerType,
    code: &str,
    message: impl Into<String>,
    correlation_id: Uuid,
) -> Response {
    let body = serde_json::json!({"errors": [{
        "message": message.into(),
        "extensions": {"code": code, "correlationId": correlation_id.to_string()}
    }]});
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, answer.content_type());
    response
}

/// A GraphQL request error decided by the handler before execution (nothing ran): the error
/// shape every answer has, in the negotiated media type.
fn request_refused(
    answer: AnswerType,
    code: &str,
    reason: Option<&str>,
    message: String,
    correlation_id: Uuid,
) -> Response {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    if let Some(reason) = reason {
        extensions.set("reason", reason);
    }
    extensions.set("correlationId", correlation_id.to_string());
    error.extensions = Some(extensions);
    respond(answer, async_graphql::Response::from_errors(vec![error]))
}

/// The GraphQL request of a GET (query string) or POST (JSON body), or the HTTP refusal.
fn read_request(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<async_graphql::Request, (StatusCode, &'static str, String)> {
    let request = if method == Method::GET {
        async_graphql::http::parse_query_string(uri.query().unwrap_or_default()).map_err(|e| {
            let message = format!("malformed GraphQL query string: {e}");
            (StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
        })?
    } else {
        if !is_json_body(headers) {
            let message = "a GraphQL POST must have content-type application/json".to_string();
            let status = StatusCode::UNSUPPORTED_MEDIA_TYPE;
            return Err((status, "UNSUPPORTED_MEDIA_TYPE", message));
        }
        let body = body.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => (e.status(), "PAYLOAD_TOO_LARGE", e.body_text()),
            status => (status, "BAD_REQUEST", e.body_text()),
        })?;
        serde_json::from_slice::<async_graphql::Request>(&body).map_err(|e| {
            let message = format!("the body is not a GraphQL request in JSON: {e}");
            (StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
        })?
    };
    Ok(request)
}

/// GET may only read: a mutation over GET is refused (GraphQL over HTTP).
fn is_mutation(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    match &doc.operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => ops.iter().any(|(name, op)| {
            operation_name.is_none_or(|wanted| wanted == name.as_str())
                && op.node.ty == OperationType::Mutation
        }),
    }
}

/// Whether the operation that runs is a query of `session` alone (with `__typename`, fragments
/// followed): resolving its caller must not extend the session (see `AccountQuery::session`).
fn reads_only_the_session(doc: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let operation = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => match ops.get(name) {
            Some(op) => &op.node,
            None => return false,
        },
        // One named operation runs without naming it.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => match ops.values().next() {
            Some(op) => &op.node,
            None => return false,
        },
        (DocumentOperations::Multiple(_), None) => return false,
    };
    if operation.ty != OperationType::Query {
        return false;
    }
    let mut pending = vec![&operation.selection_set.node];
    let mut followed = std::collections::HashSet::new();
    let mut reads_session = false;
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => match field.node.name.node.as_str() {
                    "session" => reads_session = true,
                    "__typename" => {}
                    _ => return false,
                },
                Selection::InlineFragment(inline) => pending.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if followed.insert(name.as_str()) {
                        match doc.fragments.get(name) {
                            Some(fragment) => pending.push(&fragment.node.selection_set.node),
                            None => return false,
                        }
                    }
                }
            }
        }
    }
    reads_session
}

/// Aliased fields in the document (operations and fragment definitions), counted without
/// recursion so that a deeply nested document cannot exhaust the stack.
fn alias_count(doc: &ExecutableDocument) -> usize {
    let mut pending: Vec<&SelectionSet> = doc
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set.node)
        .chain(doc.fragments.values().map(|f| &f.node.selection_set.node))
        .collect();
    let mut aliases = 0;
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    aliases += usize::from(field.node.alias.is_some());
                    pending.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => {
                    pending.push(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    aliases
}

/// Whether the answer is a request error (parsing, validation, limits: nothing executed).
fn is_request_error(response: &async_graphql::Response) -> bool {
    !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The GraphQL answer in the negotiated type: with `application/graphql-response+json` a
/// request error is a 400 without `data`; with `application/json` every answer is a 200.
fn respond(answer: AnswerType, response: async_graphql::Response) -> Response {
    if answer == AnswerType::GraphqlResponse && is_request_error(&response) {
        let mut body = serde_json::Map::new();
        body.insert("errors".into(), serde_json::json!(response.errors));
        if !response.extensions.is_empty() {
            body.insert("extensions".into(), serde_json::json!(response.extensions));
        }
        let mut http = (StatusCode::BAD_REQUEST, Json(body)).into_response();
        http.headers_mut()
            .insert(header::CONTENT_TYPE, answer.content_type());
        return http;
    }
    let mut http = GraphQLResponse::from(response).into_response();
    http.headers_mut()
        .insert(header::CONTENT_TYPE, answer.content_type());
    http
}

async fn graphql(
    Extension(shared): Extension<Shared>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(answer) = negotiate(&headers) else {
        let message = "Accept must allow application/graphql-response+json or application/json";
        let (status, json) = (StatusCode::NOT_ACCEPTABLE, AnswerType::Json);
        return http_error(status, json, "NOT_ACCEPTABLE", message, correlation_id);
    };
    let mut request = match read_request(&method, &uri, &headers, body) {
        Ok(request) => request,
        Err((status, code, message)) => {
            return http_error(status, answer, code, message, correlation_id)
        }
    };
    // A persisted query's text is found by its hash before anything is decided on the text.
    if let Err(refusal) = shared.parsed.resolve(&mut request) {
        let (code, reason, message) = refusal.describe();
        return request_refused(answer, code, reason, message, correlation_id);
    }
    if request.query.trim().is_empty() {
        let message = "the GraphQL request has no query";
        return http_error(
            StatusCode::BAD_REQUEST,
            answer,
            "BAD_REQUEST",
            message,
            correlation_id,
        );
    }
    // Parsed once (or taken as parsed before, by its text) and kept in the request for
    // execution; a document that does not parse is answered by the schema with its usual error.
    shared.parsed.prepare(&mut request);
    let operation_name = request.operation_name.clone();
    if let Ok(doc) = request.parsed_query() {
        if method == Method::GET && is_mutation(doc, operation_name.as_deref()) {
            let message = "mutations must be sent with POST";
            let mut refused = http_error(
                StatusCode::METHOD_NOT_ALLOWED,
                answer,
                "METHOD_NOT_ALLOWED",
                message,
                correlation_id,
            );
            let allow = HeaderValue::from_static("POST");
            refused.headers_mut().insert(header::ALLOW, allow);
            return refused;
        }
        let aliases = alias_count(doc);
        if aliases > MAX_ALIASES {
            let message =
                format!("the query has {aliases} aliases; at most {MAX_ALIASES} are allowed");
            return request_refused(
                answer,
                "VALIDATION",
                Some("TOO_MANY_ALIASES"),
                message,
                correlation_id,
            );
        }
    }
    let client = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    let mut context = RequestContext::new(correlation_id, bearer(&headers)).from_client(client);
    if request
        .parsed_query()
        .is_ok_and(|doc| reads_only_the_session(doc, operation_name.as_deref()))
    {
        context = context.reading_the_session_only();
    }
    let operation = request
        .parsed_query()
        .ok()
        .map(|doc| describe_operation(doc, operation_name.as_deref()));
    let request = request.data(context);
    let mut response = shared.schema.execute(request).await;
    stamp_document_errors(&mut response, correlation_id);
    let operation = GraphqlOperation::of(operation, operation_name.as_deref(), &response);
    let mut http = respond(answer, response);
    http.extensions_mut().insert(operation);
    http
}

/// What the request line and the metrics say about a GraphQL request.
#[derive(Clone, Debug)]
struct GraphqlOperation {
    /// The operation name the client sent (when it looks like a name), else the root field.
    logged: String,
    /// `query`, `mutation` or `invalid`.
    kind: &'static str,
    /// The first root field: a schema name, so metrics stay bounded ("invalid" when the
    /// document was refused before it ran, as its fields may be anything).
    root_field: String,
    /// `ok`, `refused` (a rule, authorization, validation), `conflict` (retryable),
    /// `failed` (the server's fault) or `invalid` (the document was refused).
    outcome: &'static str,
}

impl GraphqlOperation {
    fn of(
        described: Option<(&'static str, String)>,
        client_name: Option<&str>,
        response: &async_graphql::Response,
    ) -> Self {
        let invalid = is_request_error(response) || described.is_none();
        let (kind, root_field) = match described {
            Some(described) if !invalid => described,
            _ => ("invalid", "invalid".to_string()),
        };
        let code_of = |e: &async_graphql::ServerError| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .map(|v| v.to_string().trim_matches('"').to_string())
                .unwrap_or_default()
        };
        let codes: Vec<String> = response.errors.iter().map(code_of).collect();
        let outcome = if invalid {
            "invalid"
        } else if codes.is_empty() {
            "ok"
        } else if codes
            .iter()
            .any(|c| matches!(c.as_str(), "INTERNAL" | "UNAVAILABLE" | "MAIL_FAILED"))
        {
            "failed"
        } else if codes.iter().any(|c| c == "CONFLICT") {
            "conflict"
        } else {
            "refused"
        };
        let logged = client_name
            .and_then(client_request_id)
            .map_or_else(|| root_field.clone(), str::to_string);
        Self {
            logged,
            kind,
            root_field,
            outcome,
        }
    }
}

/// The selected operation's type and first root field (`__typename` for none).
fn describe_operation(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
) -> (&'static str, String) {
    let operation = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) => ops.values().next().map(|op| &op.node),
    };
    let Some(operation) = operation else {
        return ("invalid", "invalid".into());
    };
    let kind = match operation.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    let root_field = operation
        .selection_set
        .node
        .items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => Some(field.node.name.node.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "__typename".into());
    (kind, root_field)
}

/// Errors that the GraphQL engine raises itself (syntax, unknown fields, depth and complexity
/// limits) get the same stable `extensions.code` as ours: the document is invalid.
fn stamp_document_errors(response: &mut async_graphql::Response, correlation_id: Uuid) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", "VALIDATION");
            extensions.set("reason", "INVALID_DOCUMENT");
            extensions.set("correlationId", correlation_id.to_string());
        }
    }
}
