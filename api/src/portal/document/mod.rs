//! A document in the browser (issue 22, first part): its four sections, each a form saved on
//! its own (R-PERSONAL, R-HOSTORG, R-PROJECT, R-OUTCOMES), the missing fields of the whole
//! document always in view with links to them (R-COMPLETE), and the certificate's language.
//! What a caller may see and change is the API's decision: a host gets the holder's name of
//! the personal data only, and a refused save is shown beside its field.

use super::form::{csrf, Field, FormState};
use super::i18n::Lang;
use super::layout::{notice, page, Chrome};
use super::operations::frame_fields;
use super::visit::{encode, Visit};
use super::{failure_page, html_page, Frame, Portal};
use crate::portal::genuine::GenuineForm;
use crate::portal::gql::Failed;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

mod access;
mod copy;
mod esco;
mod photo;
mod sections;

pub use access::access;
use access::access_panel;
pub use copy::copy;
use copy::{copy_panel, copyable, siblings};
use esco::esco_panel;
pub use esco::{esco_add, ESCO_SEARCH, OUTCOMES_NOW};
use photo::photo_panel;
pub use photo::{remove_photo, upload_photo};
pub use sections::save;
use sections::section_fields;

/// The page in one execution: the frame's fields and the document (the reference lists are
/// kept, see [`REFERENCE_LISTS`]).
pub const DOCUMENT: &str = concat!(
    "query Document($id: ID!, $language: Language) { ",
    frame_fields!(),
    " document(id: $id) { id europassNumber mobilityId language holderName complete \
    signatureChoices { kind mode signatureId } hostFirstLoginAt verificationUrl revocation { revokedAt reason } \
    participantAccess { email lockedFrom lockedNow } \
    missingFields(language: $language) { section field label sectionLabel } \
    personalData { surname firstName dateOfBirth nationality address email photoSha256 } \
    hostOrganisation { name organisationType { code textEn textLv } address country mentorFirstName mentorLastName position phone email } \
    project { objective programmeEn programmeLv qualification stay purpose { code textEn textLv } startDate endDate } \
    learningOutcomes { activities jobRelatedSkills languageSkills { language listening reading spokenInteraction spokenProduction writing } digitalSkills organisationalSkills communicationSkills otherSkills } } }"
);

/// The reference lists the section forms offer: fixed for this binary, so asked once per
/// process (`Portal::fixed`).
pub const REFERENCE_LISTS: &str = "query ReferenceLists { referenceData { hostOrganisationTypes { code en lv } purposesOfStay { code en lv } languages { code en lv } cefrLevels { code en lv } procedures { hostCountries { code en lv } } } }";

pub const SAVE_PERSONAL: &str = "mutation SavePersonal($id: ID!, $input: PersonalDataInput!) { savePersonalData(documentId: $id, input: $input) { complete } }";
pub const SAVE_HOST: &str = "mutation SaveHost($id: ID!, $input: HostOrganisationInput!) { saveHostOrganisation(documentId: $id, input: $input) { complete } }";
pub const SAVE_PROJECT: &str = "mutation SaveProject($id: ID!, $input: ProjectInput!) { saveProject(documentId: $id, input: $input) { complete } }";
pub const SAVE_OUTCOMES: &str = "mutation SaveOutcomes($id: ID!, $input: LearningOutcomesInput!) { saveLearningOutcomes(documentId: $id, input: $input) { complete } }";
pub const SEND_HOST_PASSWORD: &str =
    "mutation SendHostPassword($id: ID!) { sendHostPassword(documentId: $id) }";
pub const GRANT_PARTICIPANT: &str =
    "mutation GrantParticipant($id: ID!) { grantParticipantAccess(documentId: $id) }";
pub const LOCK_PARTICIPANT: &str = "mutation LockParticipant($ids: [ID!]!, $from: DateTime!) { lockParticipantAccess(documentIds: $ids, from: $from) }";
pub const UNLOCK_PARTICIPANT: &str =
    "mutation UnlockParticipant($ids: [ID!]!) { unlockParticipantAccess(documentIds: $ids) }";
pub const SIBLINGS: &str = "query Siblings($id: ID!) { mobility(id: $id) { documents(first: 100) { nodes { id europassNumber holderName } } } }";
pub const COPY: &str =
    "mutation Copy($input: CopyToDocumentsInput!) { copyToDocuments(input: $input) { targets } }";
pub const REMOVE_PHOTO: &str =
    "mutation RemovePhoto($id: ID!) { removePhoto(documentId: $id) { complete } }";
pub const SET_LANGUAGE: &str = "mutation SetLanguage($id: ID!, $language: Language!) { setDocumentLanguage(documentId: $id, language: $language) { language } }";

/// The sections in the certificate's order, by the API's names.
pub const SECTIONS: [&str; 4] = [
    "personalData",
    "hostOrganisation",
    "project",
    "learningOutcomes",
];

/// How many language rows the form offers (the API takes at most 10; one more row appears
/// after each save that fills the last).
const LANGUAGE_ROWS_MIN: usize = 2;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    #[serde(flatten)]
    frame: Frame,
    document: Doc,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReferenceLists {
    reference_data: Reference,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    id: String,
    mobility_id: Option<String>,
    europass_number: Option<String>,
    language: String,
    holder_name: Option<String>,
    complete: bool,
    missing_fields: Vec<Missing>,
    personal_data: HashMap<String, Value>,
    host_organisation: HashMap<String, Value>,
    project: HashMap<String, Value>,
    learning_outcomes: HashMap<String, Value>,
    participant_access: Option<ParticipantAccess>,
    signature_choices: Vec<crate::portal::document_signatures::BoxChoice>,
    host_first_login_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Issue 23: set once a certificate was issued (institution and NEC only).
    #[serde(default)]
    verification_url: Option<String>,
    #[serde(default)]
    revocation: Option<Revocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Revocation {
    revoked_at: chrono::DateTime<chrono::Utc>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParticipantAccess {
    email: Option<String>,
    locked_from: Option<chrono::DateTime<chrono::Utc>>,
    locked_now: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Missing {
    section: String,
    field: String,
    label: String,
    section_label: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    host_organisation_types: Vec<Coded>,
    purposes_of_stay: Vec<Coded>,
    languages: Vec<Coded>,
    cefr_levels: Vec<Coded>,
    procedures: Vec<Countries>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Countries {
    host_countries: Vec<Coded>,
}

#[derive(Deserialize, Clone)]
struct Coded {
    code: String,
    en: String,
    lv: String,
}

fn options(list: &[Coded], lang: Lang) -> Vec<(String, String)> {
    list.iter()
        .map(|c| {
            let label = if lang == Lang::Lv { &c.lv } else { &c.en };
            (c.code.clone(), label.clone())
        })
        .collect()
}

/// A stored value as the form shows it.
fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The form's values of `section` from what the document holds now. Only that section's:
/// two sections share field names (`address`, `email`), and a form pre-filled with the other
/// section's value would save it as its own.
fn values_of(doc: &Doc, section: &str) -> HashMap<String, String> {
    let mut values = HashMap::new();
    let own = match section {
        "personalData" => &doc.personal_data,
        "hostOrganisation" => &doc.host_organisation,
        "project" => &doc.project,
        _ => &doc.learning_outcomes,
    };
    for (name, value) in own {
        if value.is_string() {
            values.insert(name.clone(), text(Some(value)));
        }
    }
    for (name, choice) in [
        (
            "organisationType",
            doc.host_organisation.get("organisationType"),
        ),
        ("purpose", doc.project.get("purpose")),
    ] {
        if let Some(choice) = choice.filter(|c| c.is_object()) {
            match choice.get("code").and_then(Value::as_str) {
                Some(code) => values.insert(name.to_string(), code.to_string()),
                None => values.insert(format!("{name}Other"), text(choice.get("textEn"))),
            };
        }
    }
    if let Some(Value::Array(skills)) = doc.learning_outcomes.get("languageSkills") {
        for (i, skill) in skills.iter().enumerate() {
            for part in [
                "language",
                "listening",
                "reading",
                "spokenInteraction",
                "spokenProduction",
                "writing",
            ] {
                values.insert(format!("lang{i}.{part}"), text(skill.get(part)));
            }
        }
    }
    values
}

#[derive(Deserialize, Default)]
pub struct Shown {
    section: Option<String>,
    saved: Option<String>,
    copied: Option<i64>,
    /// The copy's targets and fields (comma-separated), for the receipt.
    to: Option<String>,
    fields: Option<String>,
    /// An ESCO search on the learning outcomes (R-OUTCOMES).
    esco: Option<String>,
    #[serde(rename = "escoKind")]
    esco_kind: Option<String>,
}

pub async fn show(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Query(shown): Query<Shown>,
) -> Response {
    render(&portal, &visit, &id, &shown, None, StatusCode::OK).await
}

/// The page; `posted` is a section's form as it came back with errors.
async fn render(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    shown: &Shown,
    posted: Option<FormState>,
    status: StatusCode,
) -> Response {
    if !visit.logged_in() {
        return visit.to_login(false);
    }
    let data = match portal
        .load::<Data>(
            visit,
            DOCUMENT,
            json!({"id": id, "language": visit.lang.api()}),
        )
        .await
    {
        Ok(data) => data,
        Err(page) => return page,
    };
    let Data { frame, document } = data;
    let lists = match portal.fixed::<ReferenceLists>(visit, REFERENCE_LISTS).await {
        Ok(lists) => lists,
        Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
        Err(Failed::Errors(errors)) => return failure_page(visit, &errors),
    };
    let reference_data = &lists.reference_data;
    let user = frame.user_bar();
    let lang = visit.lang;
    let doc = &document;
    // A host sees the holder's name of the personal data only (R-HOST): no tab for them.
    let sections: Vec<&str> = SECTIONS
        .iter()
        .copied()
        .filter(|s| user.role != "HOST" || *s != "personalData")
        .collect();
    let section = shown
        .section
        .as_deref()
        .filter(|s| sections.contains(s))
        .or_else(|| {
            doc.missing_fields
                .iter()
                .map(|m| m.section.as_str())
                .find(|s| sections.contains(s))
        })
        .unwrap_or(sections[0])
        .to_string();
    let is_institution = user.role == "INSTITUTION_USER";
    let user_may_photo = matches!(user.role.as_str(), "INSTITUTION_USER" | "PARTICIPANT");
    let form = posted.unwrap_or_else(|| FormState::with_values(values_of(doc, &section)));
    let esco = if section == "learningOutcomes" {
        esco_panel(portal, visit, doc, shown).await
    } else {
        html! {}
    };
    let targets = if is_institution && !copyable(&section).is_empty() {
        siblings(portal, visit, doc).await
    } else {
        vec![]
    };
    let may_download = matches!(user.role.as_str(), "INSTITUTION_USER" | "NEC");
    // The institution's library, for the document's choice of signature and stamp.
    let library = if is_institution {
        match crate::portal::signatures::library(portal, visit).await {
            Ok(library) => library,
            Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
            Err(Failed::Errors(errors)) => return failure_page(visit, &errors),
        }
    } else {
        vec![]
    };
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let number = doc.europass_number.clone().unwrap_or_default();
    let title = lang.ta("document-title", &[("number", number.clone().into())]);
    let body = html! {
        @if shown.saved.is_some() { (notice(&lang.t("section-saved"))) }
        @if let Some(count) = shown.copied {
            div.notice role="status" {
                p { (lang.ta("copied", &[("count", count.into())])) }
                @let fields: Vec<String> = shown.fields.as_deref().unwrap_or_default().split(',')
                    .filter(|f| copyable(&section).contains(f))
                    .map(|f| lang.t(&format!("field-{f}"))).collect();
                @let numbers: Vec<String> = shown.to.as_deref().unwrap_or_default().split(',')
                    .filter_map(|id| targets.iter().find(|t| t.id == id))
                    .map(|t| t.europass_number.clone()).collect();
                @if !fields.is_empty() && !numbers.is_empty() {
                    p { (lang.ta("copied-what", &[("fields", fields.join(", ").into()), ("documents", numbers.join(", ").into())])) }
                }
            }
        }
        @if let Some(holder) = &doc.holder_name { p.lead { (holder) } }
        section.completeness aria-labelledby="completeness" {
            h2 id="completeness" { (lang.t("completeness")) }
            @if doc.complete {
                p { span.badge.complete { (lang.t("complete")) } }
                @if let Some(revocation) = &doc.revocation {
                    p.warning role="status" { (lang.ta("revoked-on", &[("date", lang.date_time(revocation.revoked_at).into()), ("reason", revocation.reason.clone().into())])) }
                } @else if may_download {
                    p { a.button href=(format!("/documents/{}/certificate.pdf", doc.id)) download { (lang.t("download-pdf")) } }
                    @if let Some(url) = &doc.verification_url {
                        // Issued before: its sealed digital credential, and the public check.
                        p {
                            a href=(format!("/documents/{}/credential.json", doc.id)) download { (lang.t("download-credential")) }
                            " · " a href=(url) { (lang.t("verification-open")) }
                        }
                    }
                    // What the download will print, before it is issued (and recorded).
                    figure.preview {
                        a href=(format!("/documents/{}/certificate-preview.png", doc.id)) {
                            img src=(format!("/documents/{}/certificate-preview.png", doc.id))
                                alt=(lang.t("preview-alt")) width="700" height="990" loading="lazy";
                        }
                        figcaption { (lang.t("preview-caption")) }
                    }
                }
            } @else {
                p { span.badge.incomplete { (lang.ta("missing-count", &[("count", (doc.missing_fields.len() as i64).into())])) } }
                ul.missing {
                    @for m in &doc.missing_fields {
                        li { a href=(format!("/documents/{}?section={}#{}", doc.id, m.section, m.field)) { (m.section_label) ": " (m.label) } }
                    }
                }
            }
            form.inline-row method="post" action=(format!("/documents/{}/language", doc.id)) {
                (csrf(&visit.csrf))
                label for="certificate-language" { (lang.t("certificate-language")) }
                select id="certificate-language" name="language" {
                    option value="LV" selected[doc.language == "LV"] { "Latviešu" }
                    option value="EN" selected[doc.language == "EN"] { "English" }
                }
                button.secondary type="submit" { (lang.t("save")) }
            }
        }
        nav.tabs aria-label=(lang.t("sections")) {
            ul {
                @for s in &sections {
                    li {
                        a href=(format!("/documents/{}?section={s}", doc.id)) aria-current=[(*s == section).then_some("page")] {
                            (lang.t(&format!("section-{s}")))
                            @let missing = doc.missing_fields.iter().filter(|m| m.section == *s).count();
                            @if missing > 0 { " " span.badge.incomplete { (missing) } }
                        }
                    }
                }
            }
        }
        h2 { (lang.t(&format!("section-{section}"))) }
        @if let Some(access) = doc.participant_access.as_ref().filter(|a| a.locked_now && !is_institution) {
            p.warning { (lang.ta("participant-locked-since", &[("date", lang.date_time(access.locked_from.unwrap_or_default()).into())])) }
        }
        (form.summary(lang))
        form.section method="post" action=(format!("/documents/{}/sections/{section}", doc.id)) novalidate {
            (csrf(&visit.csrf))
            (section_fields(&section, &form, lang, reference_data, doc))
            button type="submit" { (lang.t("save-section")) }
        }
        @if section == "personalData" && user_may_photo { (photo_panel(visit, doc, &form)) }
        (copy_panel(visit, doc, &section, &targets))
        @if section == "learningOutcomes" { (esco) }
        @if is_institution {
            (access_panel(visit, doc))
            (crate::portal::document_signatures::panel(visit, lang, &doc.id, &doc.signature_choices, &library))
        }
    };
    html_page(visit, status, page(&chrome, &title, body))
}

pub async fn set_language(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let language = if posted.get("language").map(String::as_str) == Some("EN") {
        "EN"
    } else {
        "LV"
    };
    match portal
        .run::<Value>(
            &visit,
            SET_LANGUAGE,
            json!({"id": id, "language": language}),
        )
        .await
    {
        Ok(_) => visit.redirect(&format!("/documents/{}?saved=1", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => failure_page(&visit, &errors),
    }
}
