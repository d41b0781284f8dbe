//! The one place where errors become GraphQL errors. Every error carries a stable
//! `extensions.code`; refusals add `reason` (and `field` for validation; `missing`, the
//! mandatory fields still empty, for an incomplete document). Failures are logged with their
//! cause chain and shown only as INTERNAL with the correlation id.

use async_graphql::ErrorExtensions;
use commands::CommandError;
use domain::RefusalCode;

pub struct ApiError(pub CommandError);

pub type ApiResult<T> = Result<T, async_graphql::Error>;

impl<E: Into<CommandError>> From<E> for ApiError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl ApiError {
    pub fn into_graphql(self, correlation_id: uuid::Uuid) -> async_graphql::Error {
        let (code, message, reason, field, retryable) = match &self.0 {
            CommandError::Refused(r) => {
                let code = match r.code {
                    RefusalCode::Validation => "VALIDATION",
                    RefusalCode::NotFound => "NOT_FOUND",
                    RefusalCode::Expired => "EXPIRED",
                    RefusalCode::Rejected => "REJECTED",
                    RefusalCode::Forbidden => "FORBIDDEN",
                };
                (
                    code,
                    r.message.clone(),
                    Some(r.reason),
                    r.field.clone(),
                    false,
                )
            }
            CommandError::Unauthenticated { reason, message } => (
                "UNAUTHENTICATED",
                message.to_string(),
                Some(*reason),
                None,
                false,
            ),
            CommandError::Conflict => ("CONFLICT", self.0.to_string(), None, None, true),
            CommandError::Throttled { .. } => ("THROTTLED", self.0.to_string(), None, None, true),
            CommandError::MailFailed(cause) => {
                tracing::error!(%correlation_id, error = format!("{cause:#}"), "mail failed");
                ("MAIL_FAILED", self.0.to_string(), None, None, true)
            }
            CommandError::Unavailable(cause) => {
                tracing::error!(%correlation_id, error = format!("{cause:#}"), "storage unavailable");
                ("UNAVAILABLE", self.0.to_string(), None, None, true)
            }
            // Some paths wrap database errors in context on their way to a failure: one caused
            // by the storage being out of reach (e.g. PostgreSQL restarting) is as retryable.
            CommandError::Failure(cause)
                if eventstore::error::caused_by_unavailable_storage(cause) =>
            {
                tracing::error!(%correlation_id, error = format!("{cause:#}"), "storage unavailable");
                let message = "the storage is unavailable; retry".to_string();
                ("UNAVAILABLE", message, None, None, true)
            }
            CommandError::Failure(cause) => {
                tracing::error!(%correlation_id, error = format!("{cause:#}"), "internal failure");
                (
                    "INTERNAL",
                    format!("internal error; quote correlation id {correlation_id}"),
                    None,
                    None,
                    false,
                )
            }
        };
        let missing = match &self.0 {
            CommandError::Refused(r) if !r.missing.is_empty() => Some(missing_fields(&r.missing)),
            _ => None,
        };
        let retry_after = match &self.0 {
            CommandError::Throttled {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        async_graphql::Error::new(message).extend_with(|_, e| {
            e.set("code", code);
            e.set("retryable", retryable);
            e.set("correlationId", correlation_id.to_string());
            if let Some(reason) = reason {
                e.set("reason", reason);
            }
            if let Some(field) = &field {
                e.set("field", super::field_names::api_path(field));
            }
            if let Some(seconds) = retry_after {
                e.set("retryAfterSeconds", seconds);
            }
            if let Some(missing) = &missing {
                e.set("missing", missing.clone());
            }
        })
    }
}

/// `extensions.missing`: each mandatory field still empty, as `Document.missingFields` names
/// it (`path` such as `personalData.surname`, `section`, `field`) with its labels (`label` in
/// English, `labelLv` in Latvian), in the order of the certificate.
fn missing_fields(missing: &[domain::document::MissingField]) -> async_graphql::Value {
    async_graphql::Value::List(
        missing
            .iter()
            .map(|m| {
                let mut field = async_graphql::indexmap::IndexMap::new();
                let mut put = |name: &str, value: String| {
                    field.insert(async_graphql::Name::new(name), value.into());
                };
                put("path", super::field_names::api_path(&m.path()));
                put("section", m.section.as_str().to_string());
                put(
                    "field",
                    super::field_names::api_field(m.section.as_str(), m.field).to_string(),
                );
                put("label", m.label.en.to_string());
                put("labelLv", m.label.lv.to_string());
                async_graphql::Value::Object(field)
            })
            .collect(),
    )
}

/// A refusal of the whole document before it runs (a limit, an unstorable string): a
/// VALIDATION error with `reason`, this request's `correlationId` and, when one is to blame,
/// the `field`.
pub fn document_refusal(
    ctx: &async_graphql::extensions::ExtensionContext<'_>,
    reason: &str,
    message: String,
    field: Option<&str>,
) -> async_graphql::ServerError {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "VALIDATION");
    extensions.set("reason", reason);
    extensions.set("retryable", false);
    if let Some(request) = ctx.data_opt::<crate::request::RequestContext>() {
        extensions.set("correlationId", request.correlation_id.to_string());
    }
    if let Some(field) = field {
        extensions.set("field", field);
    }
    error.extensions = Some(extensions);
    error
}
