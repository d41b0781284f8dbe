//! Reference lists (programmes, host countries in scope, issuers) with English and Latvian
//! labels, versioned so that a document keeps the label it was given.

use async_graphql::{Object, SimpleObject};
use domain::reference::{self, Label, Procedure, REFERENCE_VERSION};

#[derive(SimpleObject, Clone)]
pub struct Labelled {
    pub code: String,
    pub en: String,
    pub lv: String,
}

fn labelled(code: &str, label: Label) -> Labelled {
    Labelled {
        code: code.to_string(),
        en: label.en.to_string(),
        lv: label.lv.to_string(),
    }
}

#[derive(SimpleObject)]
pub struct ProcedureInfo {
    pub procedure: Labelled,
    pub programmes: Vec<Labelled>,
    /// R-SCOPE: host countries allowed for this procedure.
    pub host_countries: Vec<Labelled>,
}

#[derive(SimpleObject)]
pub struct ReferenceData {
    pub version: String,
    pub procedures: Vec<ProcedureInfo>,
    pub issuers: Vec<Labelled>,
    /// Lists for filling documents.
    pub host_organisation_types: Vec<Labelled>,
    pub purposes_of_stay: Vec<Labelled>,
    pub languages: Vec<Labelled>,
    pub cefr_levels: Vec<Labelled>,
    /// A document's language: EN or LV.
    pub document_languages: Vec<Labelled>,
}

#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// Public reference data; needs no login.
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
