//! Reference data the service serves with English and Latvian names (R-PROC, R-SCOPE):
//! procedures, programmes per procedure, countries in scope and issuers.
//!
//! The lists are plain Rust data, versioned by [`REFERENCE_VERSION`]. A mobility keeps the
//! labels it was given (as an [`OwnedLabel`] together with the version), so a later change of a
//! list never changes what an issued document says.

mod country;
mod issuer;
mod procedure;
mod programme;

pub use country::{country, in_scope, require_in_scope, scope, Country, CountryGroup, COUNTRIES};
pub use issuer::{issuers, Issuer};
pub use procedure::Procedure;
pub use programme::{programme, programmes, Programme, ProgrammeSnapshot, PROGRAMMES};

use serde::{Deserialize, Serialize};

/// The version of the lists below. Bump it whenever a code, label or scope changes.
pub const REFERENCE_VERSION: &str = "2026-1";

/// A name in the two languages of the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub en: &'static str,
    pub lv: &'static str,
}

impl Label {
    pub const fn new(en: &'static str, lv: &'static str) -> Self {
        Self { en, lv }
    }

    /// The label as an event keeps it.
    pub fn owned(&self) -> OwnedLabel {
        OwnedLabel {
            en: self.en.to_string(),
            lv: self.lv.to_string(),
        }
    }
}

/// A label as it was given at some point, kept in events and documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnedLabel {
    pub en: String,
    pub lv: String,
}
