//! Every page reads and writes through the GraphQL schema, executed in this process with the
//! visitor's session: the portal has exactly the API's rules and authorization, and proves
//! that the API is enough for a portal. No page reaches the domain another way.

use super::visit::Visit;
use super::Portal;
use crate::request::RequestContext;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One error of an answer, as a client reads it from `extensions`.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub code: String,
    pub reason: Option<String>,
    /// The input field the error is about (`extensions.field`).
    pub field: Option<String>,
    pub message: String,
    pub correlation_id: Option<String>,
    pub retry_after_seconds: Option<i64>,
}

/// Why a page's operation gave no data.
#[derive(Debug)]
pub enum Failed {
    /// No session, or it has ended: the person logs in (again).
    Unauthenticated { expired: bool },
    /// Refusals and failures, each with its field if it has one.
    Errors(Vec<ApiError>),
}

impl Failed {
    pub fn errors(self) -> Vec<ApiError> {
        match self {
            Failed::Errors(errors) => errors,
            Failed::Unauthenticated { .. } => vec![],
        }
    }
}

fn text(extensions: Option<&Value>, name: &str) -> Option<String> {
    extensions
        .and_then(|e| e.get(name))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

impl Portal {
    /// Runs `query` with `variables` as the visitor; `T` is the shape of `data`.
    pub async fn run<T: DeserializeOwned>(
        &self,
        visit: &Visit,
        query: &str,
        variables: Value,
    ) -> Result<T, Failed> {
        self.execute(visit, query, variables, false).await
    }

    /// A page's data, or the answer to give instead: the login page when the session has
    /// ended (coming back here afterwards), the errors in the visitor's language otherwise.
    pub async fn load<T: DeserializeOwned>(
        &self,
        visit: &Visit,
        query: &str,
        variables: Value,
    ) -> Result<T, axum::response::Response> {
        match self.run(visit, query, variables).await {
            Ok(data) => Ok(data),
            Err(Failed::Unauthenticated { expired }) => Err(visit.to_login(expired)),
            Err(Failed::Errors(errors)) => Err(super::failure_page(visit, &errors)),
        }
    }

    /// Reads the session's remaining time without extending it (the honest countdown).
    pub async fn seconds_left(&self, visit: &Visit) -> Option<i64> {
        #[derive(serde::Deserialize)]
        struct Data {
            session: Session,
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Session {
            seconds_left: i64,
        }
        visit.token.as_ref()?;
        let data: Data = self
            .execute(visit, super::operations::SESSION_LEFT, Value::Null, true)
            .await
            .ok()?;
        Some(data.session.seconds_left)
    }

    async fn execute<T: DeserializeOwned>(
        &self,
        visit: &Visit,
        query: &str,
        variables: Value,
        session_only: bool,
    ) -> Result<T, Failed> {
        let mut context = RequestContext::new(visit.correlation_id, visit.token.clone())
            .from_client(visit.client);
        if session_only {
            context = context.reading_the_session_only();
        }
        let mut request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(context);
        self.parsed.prepare(&mut request);
        let response = self.schema.execute(request).await;
        let errors: Vec<ApiError> = response
            .errors
            .iter()
            .map(|e| {
                let extensions = e.extensions.as_ref().map(|x| serde_json::json!(x));
                let extensions = extensions.as_ref();
                ApiError {
                    code: text(extensions, "code").unwrap_or_else(|| "VALIDATION".into()),
                    reason: text(extensions, "reason"),
                    field: text(extensions, "field"),
                    message: e.message.clone(),
                    correlation_id: text(extensions, "correlationId"),
                    retry_after_seconds: extensions
                        .and_then(|x| x.get("retryAfterSeconds"))
                        .and_then(Value::as_i64),
                }
            })
            .collect();
        if let Some(unauthenticated) = errors.iter().find(|e| e.code == "UNAUTHENTICATED") {
            // Wrong credentials at login are a refusal of the form, not a lost session.
            if unauthenticated.reason.as_deref() != Some("INVALID_CREDENTIALS")
                && unauthenticated.reason.as_deref() != Some("WRONG_PASSWORD")
            {
                let expired = visit.token.is_some();
                return Err(Failed::Unauthenticated { expired });
            }
        }
        if !errors.is_empty() {
            for error in errors.iter().filter(|e| {
                e.code == "VALIDATION" && e.reason.as_deref() == Some("INVALID_DOCUMENT")
            }) {
                // A portal operation the schema refuses is this program's fault.
                tracing::error!(message = %error.message, "a portal operation is invalid");
            }
            return Err(Failed::Errors(errors));
        }
        let data = response.data.into_json().map_err(|e| {
            Failed::Errors(vec![internal(visit, format!("answer is not JSON: {e}"))])
        })?;
        serde_json::from_value(data).map_err(|e| {
            tracing::error!(error = %e, "a portal operation's answer has another shape");
            Failed::Errors(vec![internal(visit, e.to_string())])
        })
    }
}

fn internal(visit: &Visit, message: String) -> ApiError {
    ApiError {
        code: "INTERNAL".into(),
        reason: None,
        field: None,
        message,
        correlation_id: Some(visit.correlation_id.to_string()),
        retry_after_seconds: None,
    }
}

/// A refusal of a file route (not GraphQL: uploads), read as the API's answer would carry it.
pub fn errors_of(err: commands::CommandError, correlation_id: uuid::Uuid) -> Vec<ApiError> {
    let error = crate::graphql::ApiError(err).into_graphql(correlation_id);
    let extensions = error.extensions.as_ref().map(|x| serde_json::json!(x));
    let extensions = extensions.as_ref();
    vec![ApiError {
        code: text(extensions, "code").unwrap_or_else(|| "INTERNAL".into()),
        reason: text(extensions, "reason"),
        field: text(extensions, "field"),
        message: error.message.clone(),
        correlation_id: text(extensions, "correlationId"),
        retry_after_seconds: None,
    }]
}
