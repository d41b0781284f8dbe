//! Reference lists (programmes, host countries in scope, issuers) with English and Latvian
//! labels, versioned so that a document keeps the label it was given.

use async_graphql::{Object, SimpleObject};
use domain::reference::{self, Label, Procedure, REFERENCE_VERSION};

/// An entry of a reference list: the code a client sends, with its English and Latvian labels.
#[derive(SimpleObject, Clone)]
pub struct Labelled {
    /// The code to send, e.g. `VET_PROVIDER`, `DE`, `B2`.
    pub code: String,
    /// The English label.
    pub en: String,
    /// The Latvian label.
    pub lv: String,
}

fn labelled(code: &str, label: Label) -> Labelled {
    Labelled {
        code: code.to_string(),
        en: label.en.to_string(),
        lv: label.lv.to_string(),
    }
}

/// A procedure (R-PROC) with the programmes and host countries it allows.
#[derive(SimpleObject)]
pub struct ProcedureInfo {
    /// The procedure: code `A`, `B` or `C`, with its labels.
    pub procedure: Labelled,
    /// The programmes a request of this procedure may name (empty for B).
    pub programmes: Vec<Labelled>,
    /// R-SCOPE: host countries allowed for this procedure (ISO 3166-1 alpha-2 codes).
    pub host_countries: Vec<Labelled>,
}

/// The reference lists, with English and Latvian labels. Versioned: a mobility keeps the
/// labels of the version it was requested with.
#[derive(SimpleObject)]
pub struct ReferenceData {
    /// The version of these lists (see `Mobility.referenceVersion`).
    pub version: String,
    /// The procedures with their programmes and host countries.
    pub procedures: Vec<ProcedureInfo>,
    /// Who may issue certificates (codes `NEC-LV`, `TRY-OUT`; the `Issuer` enum writes them
    /// `NEC_LV`, `TRY_OUT`).
    pub issuers: Vec<Labelled>,
    /// Types of host organisation, for `HostOrganisationInput.organisationType`.
    pub host_organisation_types: Vec<Labelled>,
    /// Purposes of a stay, for `ProjectInput.purpose`.
    pub purposes_of_stay: Vec<Labelled>,
    /// Languages (ISO 639-1 codes), for `LanguageSkillInputValue.language`.
    pub languages: Vec<Labelled>,
    /// CEFR levels `A1` to `C2`, with their names.
    pub cefr_levels: Vec<Labelled>,
    /// The languages a certificate can be issued in: `EN` or `LV`.
    pub document_languages: Vec<Labelled>,
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// The reference lists for requests and documents; public (needs no login).
    async fn reference_data(&self) -> ReferenceData {
        ReferenceData {
            version: REFERENCE_VERSION.to_string(),
            procedures: Procedure::ALL
                .iter()
                .map(|p| ProcedureInfo {
                    procedure: labelled(p.as_str(), p.label()),
                    programmes: reference::programmes(*p)
                        .into_iter()
                        .map(|prog| labelled(prog.code, prog.label))
                        .collect(),
                    host_countries: reference::scope(*p)
                        .into_iter()
                        .map(|c| labelled(c.code, c.label))
                        .collect(),
                })
                .collect(),
            issuers: reference::issuers()
                .into_iter()
                .filter_map(|i| i.label().map(|l| labelled(&i.code(), l)))
                .collect(),
            host_organisation_types: reference::HOST_ORGANISATION_TYPES
                .iter()
                .map(|e| labelled(e.code, e.label))
                .collect(),
            purposes_of_stay: reference::PURPOSES_OF_STAY
                .iter()
                .map(|e| labelled(e.code, e.label))
                .collect(),
            languages: reference::LANGUAGES
                .iter()
                .map(|l| labelled(l.code, l.label))
                .collect(),
            cefr_levels: reference::CefrLevel::ALL
                .iter()
                .map(|c| labelled(c.as_str(), c.label()))
                .collect(),
            document_languages: reference::DocumentLanguage::ALL
                .iter()
                .map(|d| labelled(d.as_str(), d.label()))
                .collect(),
        }
    }
}
