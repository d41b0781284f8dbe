//! Reference data the service serves with English and Latvian names (R-PROC, R-SCOPE):
//! procedures, programmes per procedure, countries in scope and issuers; for documents
//! (R-HOSTORG, R-PROJECT, R-OUTCOMES, R-LANG) host organisation types, purposes of stay, kinds
//! of stay, CEFR levels, skill categories, languages and document languages.
//!
//! The lists are plain Rust data, versioned by [`REFERENCE_VERSION`]. A mobility keeps the
//! labels it was given (as an [`OwnedLabel`] together with the version), so a later change of a
//! list never changes what an issued document says.

mod cefr;
mod country;
mod document_language;
mod host_organisation_type;
mod issuer;
mod language;
mod listed;
mod procedure;
mod programme;
mod purpose_of_stay;
mod skill_category;
mod stay;

pub use cefr::{CefrLevel, LanguageActivity};
pub use country::{country, in_scope, require_in_scope, scope, Country, CountryGroup, COUNTRIES};
pub use document_language::DocumentLanguage;
pub use host_organisation_type::{host_organisation_type, HOST_ORGANISATION_TYPES};
pub use issuer::{issuers, Issuer};
pub use language::{language, Language, LANGUAGES};
pub use listed::{find_entry, ListEntry, OTHER};
pub use procedure::Procedure;
pub use programme::{programme, programmes, Programme, ProgrammeSnapshot, PROGRAMMES};
pub use purpose_of_stay::{purpose_of_stay, PURPOSES_OF_STAY};
pub use skill_category::SkillCategory;
pub use stay::Stay;

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
