//! What the certificate prints: the input of [`Renderer::render`](crate::Renderer::render).
//!
//! The caller (the projections) fills this from the projected state of one document. All texts
//! are final: country names, programme names, nationality and so on are already in the document
//! language, because the template only chooses its own labels by [`DocumentLanguage`] and prints
//! every value as it is (literally: values are data, never Typst markup).
//!
//! Optional fields (`Option`) that are `None` or empty are left out of the certificate.
//! Whether a document is complete enough to be issued (R-COMPLETE) is decided by the domain,
//! not here.

use crate::image::Image;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Everything one Europass Mobility certificate prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateData {
    /// The document language; it decides every label (R-LANG).
    #[serde(default)]
    pub language: DocumentLanguage,
    /// The Europass number, e.g. `LV/2026/000123-2`; printed on every page.
    pub europass_number: String,
    /// The date of issue; also the PDF creation date, so a re-render gives the same bytes.
    pub issue_date: NaiveDate,
    /// The issuing organisation: the NEC, e.g. "Academic Information Centre – NEC Latvia".
    pub issuing_organisation: String,
    pub holder: Holder,
    pub sending: SendingInstitution,
    pub host: HostOrganisation,
    pub mobility: MobilityDescription,
    pub outcomes: LearningOutcomes,
    #[serde(default)]
    pub signatures: Signatures,
    /// Issue 23: where anyone can check the certificate, printed as a QR code with the code
    /// beside it. `None` prints neither (a preview made before the number is final, a test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

/// The public verification of one certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The page the QR code opens, e.g. `https://europass.lv/verify/LV-2026-000123-2?code=…`.
    pub url: String,
    /// The verification code as printed, e.g. `7KQ2M-X9D4T`.
    pub code: String,
}

impl CertificateData {
    /// Whether this is a Europass Try Out certificate (series `TRY`): printed with a watermark.
    pub fn is_try_out(&self) -> bool {
        self.europass_number.starts_with("TRY")
    }
}

/// The language of the certificate's labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentLanguage {
    /// English, the default.
    #[default]
    En,
    /// Latvian.
    Lv,
}

impl DocumentLanguage {
    /// The ISO 639-1 code: `en` or `lv`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Lv => "lv",
        }
    }
}

/// Section 1: the holder of the certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub surname: String,
    pub first_names: String,
    pub date_of_birth: Option<NaiveDate>,
    pub nationality: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    /// The photo, if any (PNG or JPEG).
    pub photo: Option<Image>,
}

/// Section 3: the sending institution, with its base data as they were at issue (R-BASE).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingInstitution {
    pub name: String,
    pub address: Option<String>,
    pub country: String,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    /// The type of organisation, e.g. "Vocational school".
    #[serde(default)]
    pub organisation_type: Option<String>,
    /// The contact (reference) person's position.
    #[serde(default)]
    pub contact_position: Option<String>,
}

/// Section 4: the host organisation and the mentor (R-HOSTORG).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostOrganisation {
    pub name: String,
    /// The type of organisation, e.g. "Vocational school".
    pub organisation_type: Option<String>,
    pub address: Option<String>,
    pub country: String,
    pub mentor_first_name: String,
    pub mentor_last_name: String,
    pub mentor_position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Section 5: the description of the mobility (R-PROJECT).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobilityDescription {
    pub objective: String,
    /// The initiative or programme, e.g. "Erasmus+".
    pub programme: Option<String>,
    /// Procedures A and C: the project number the mobility was requested with.
    #[serde(default)]
    pub project_number: Option<String>,
    /// Procedure B: the project's short description.
    #[serde(default)]
    pub project_description: Option<String>,
    /// The qualification (if any) the holder is preparing for.
    pub qualification: Option<String>,
    /// Physical or virtual; `None` when the document does not say (nothing is printed rather
    /// than a guess).
    pub mode: Option<MobilityMode>,
    /// The purpose of the stay, from a list or free text.
    pub purpose: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// The country where the mobility took place.
    pub country: String,
}

/// Whether the stay was physical, virtual or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MobilityMode {
    #[default]
    Physical,
    Virtual,
    Blended,
}

/// Section 6: the learning outcomes (R-OUTCOMES).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningOutcomes {
    /// The activities and tasks carried out. A blank line starts a new paragraph; a single line
    /// break is kept as a line break.
    pub activities: String,
    pub job_related_skills: Option<String>,
    /// Languages with CEFR self-assessment levels, printed as a small table.
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    pub digital_skills: Option<String>,
    pub organisational_skills: Option<String>,
    pub communication_skills: Option<String>,
    pub other_skills: Option<String>,
}

/// One language with its levels on the CEFR self-assessment grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSkill {
    /// The language's name, in the document language.
    pub language: String,
    pub listening: Option<CefrLevel>,
    pub reading: Option<CefrLevel>,
    pub spoken_interaction: Option<CefrLevel>,
    pub spoken_production: Option<CefrLevel>,
    pub writing: Option<CefrLevel>,
}

/// A level of the Common European Framework of Reference for Languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

/// Section 7: who signs for the sending and the host side (R-SIGN).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatures {
    #[serde(default)]
    pub sending: Signatory,
    #[serde(default)]
    pub host: Signatory,
}

/// One side's signatory. Without images the certificate shows empty boxes for signing and
/// stamping on paper.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// The person who signs: the sending side's contact person, the host's mentor.
    pub name: Option<String>,
    pub position: Option<String>,
    /// The date beside the signature: the issue date when a signature image is printed;
    /// none leaves the line to be written by hand.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    pub signature: Option<Image>,
    pub stamp: Option<Image>,
}
