//! A refused command: a business rule or a validation said no. Refusals carry a stable,
//! machine-readable reason so that clients can react without parsing messages.

use crate::document::MissingField;
use std::fmt;

/// The category of a refusal. The API maps each category to `extensions.code` once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalCode {
    /// The input is malformed; `field` names the offending field.
    Validation,
    /// The thing asked for does not exist (or the caller may not know it exists).
    NotFound,
    /// A link, token or session is past its validity.
    Expired,
    /// The command contradicts the current state (already registered, limit reached, …).
    Rejected,
    /// The caller may not do this.
    Forbidden,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Refusal {
    pub code: RefusalCode,
    /// Stable reason, e.g. `EMAIL_ALREADY_REGISTERED`.
    pub reason: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// For a document refused as incomplete (`DOCUMENT_INCOMPLETE`): the mandatory fields
    /// still empty, so that a client can show them without parsing the message. Empty
    /// otherwise.
    pub missing: Vec<MissingField>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Refusal {
    pub fn validation(field: &str, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::Validation,
            reason,
            message: message.into(),
            field: Some(field.to_string()),
            missing: Vec::new(),
        }
    }

    pub fn rejected(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::Rejected,
            reason,
            message: message.into(),
            field: None,
            missing: Vec::new(),
        }
    }

    pub fn not_found(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::NotFound,
            reason,
            message: message.into(),
            field: None,
            missing: Vec::new(),
        }
    }

    pub fn expired(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::Expired,
            reason,
            message: message.into(),
            field: None,
            missing: Vec::new(),
        }
    }

    pub fn forbidden(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::Forbidden,
            reason,
            message: message.into(),
            field: None,
            missing: Vec::new(),
        }
    }

    /// A certificate refused because mandatory fields are still empty (R-COMPLETE, R-PDF):
    /// `DOCUMENT_INCOMPLETE`, naming their paths in the message and carrying them whole.
    pub fn incomplete(missing: Vec<MissingField>) -> Self {
        let paths: Vec<String> = missing.iter().map(MissingField::path).collect();
        Self {
            missing,
            ..Self::rejected(
                "DOCUMENT_INCOMPLETE",
                format!(
                    "the certificate cannot be issued while mandatory fields are missing: {}",
                    paths.join(", ")
                ),
            )
        }
    }

    /// Re-labels a validation refusal with the field name the caller used.
    pub fn in_field(mut self, field: &str) -> Self {
        if self.code == RefusalCode::Validation {
            self.field = Some(field.to_string());
        }
        self
    }
}
