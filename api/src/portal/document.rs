//! A document in the browser (issue 22, first part): its four sections, each a form saved on
//! its own (R-PERSONAL, R-HOSTORG, R-PROJECT, R-OUTCOMES), the missing fields of the whole
//! document always in view with links to them (R-COMPLETE), and the certificate's language.
//! What a caller may see and change is the API's decision: a host gets the holder's name of
//! the personal data only, and a refused save is shown beside its field.

use super::account::refused_form;
use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::i18n::Lang;
use super::layout::{notice, page, Chrome};
use super::visit::{encode, Visit};
use super::{failure_page, html_page, Portal};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const DOCUMENT: &str = "query Document($id: ID!, $language: Language) { \
  document(id: $id) { id europassNumber mobilityId language holderName complete \
    signatureChoices { kind mode signatureId } hostFirstLoginAt \
    participantAccess { email lockedFrom lockedNow } \
    missingFields(language: $language) { section field label sectionLabel } \
    personalData { surname firstName dateOfBirth nationality address email photoSha256 } \
    hostOrganisation { name organisationType { code textEn textLv } address country mentorFirstName mentorLastName position phone email } \
    project { objective programmeEn programmeLv qualification stay purpose { code textEn textLv } startDate endDate } \
    learningOutcomes { activities jobRelatedSkills languageSkills { language listening reading spokenInteraction spokenProduction writing } digitalSkills organisationalSkills communicationSkills otherSkills } } \
  referenceData { hostOrganisationTypes { code en lv } purposesOfStay { code en lv } languages { code en lv } cefrLevels { code en lv } procedures { hostCountries { code en lv } } } }";

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
    document: Doc,
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
    signature_choices: Vec<super::document_signatures::BoxChoice>,
    host_first_login_at: Option<chrono::DateTime<chrono::Utc>>,
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

/// The form's values from what the document holds now.
fn values_of(doc: &Doc) -> HashMap<String, String> {
    let mut values = HashMap::new();
    for section in [
        &doc.personal_data,
        &doc.host_organisation,
        &doc.project,
        &doc.learning_outcomes,
    ] {
        for (name, value) in section {
            if value.is_string() {
                values.insert(name.clone(), text(Some(value)));
            }
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

pub const ESCO_SEARCH: &str = "query Esco($text: String!, $kind: EscoKind!, $language: EscoLanguage!) { escoSearch(text: $text, kind: $kind, language: $language, first: 10) { uri preferredLabel description kind } }";
pub const OUTCOMES_NOW: &str = "query OutcomesNow($id: ID!) { document(id: $id) { learningOutcomes { activities jobRelatedSkills digitalSkills organisationalSkills communicationSkills otherSkills } } }";

/// The learning-outcome fields a found ESCO item can be added to.
const ESCO_TARGETS: [&str; 6] = [
    "jobRelatedSkills",
    "activities",
    "digitalSkills",
    "organisationalSkills",
    "communicationSkills",
    "otherSkills",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EscoHit {
    preferred_label: String,
    description: Option<String>,
}

/// The ESCO search beside the learning outcomes: a read-only form (GET), and for each hit an
/// "add text" form that appends its label to a field.
async fn esco_panel(portal: &Portal, visit: &Visit, doc: &Doc, shown: &Shown) -> Markup {
    let lang = visit.lang;
    let text = shown.esco.clone().unwrap_or_default();
    let kind = if shown.esco_kind.as_deref() == Some("OCCUPATION") {
        "OCCUPATION"
    } else {
        "SKILL"
    };
    let (hits, failed) = if text.trim().is_empty() {
        (vec![], None)
    } else {
        let variables = json!({"text": text, "kind": kind, "language": lang.api()});
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            esco_search: Vec<EscoHit>,
        }
        match portal.run::<Data>(visit, ESCO_SEARCH, variables).await {
            Ok(data) => (data.esco_search, None),
            Err(failed) => {
                let mut form = FormState::default();
                form.add_errors(lang, &failed.errors(), &[]);
                (vec![], Some(form))
            }
        }
    };
    html! {
        section.esco aria-labelledby="esco" {
            h3 id="esco" { (lang.t("esco-title")) }
            p.hint { (lang.t("esco-hint")) }
            form.inline-row method="get" action=(format!("/documents/{}", doc.id)) role="search" {
                input type="hidden" name="section" value="learningOutcomes";
                label for="esco-text" { (lang.t("esco-search")) }
                input id="esco-text" name="esco" type="search" value=(text);
                label for="esco-kind" { (lang.t("esco-kind")) }
                select id="esco-kind" name="escoKind" {
                    option value="SKILL" selected[kind == "SKILL"] { (lang.t("esco-skills")) }
                    option value="OCCUPATION" selected[kind == "OCCUPATION"] { (lang.t("esco-occupations")) }
                }
                button.secondary type="submit" { (lang.t("esco-find")) }
            }
            @if let Some(form) = &failed { (form.summary(lang)) }
            @if !text.trim().is_empty() && hits.is_empty() && failed.is_none() { p { (lang.t("esco-none")) } }
            ul.cards.esco-hits {
                @for (i, hit) in hits.iter().enumerate() {
                    li {
                        p { strong { (hit.preferred_label) } }
                        @if let Some(description) = &hit.description { p.hint { (description) } }
                        form.inline-row method="post" action=(format!("/documents/{}/esco", doc.id)) {
                            (csrf(&visit.csrf))
                            input type="hidden" name="text" value=(hit.preferred_label);
                            input type="hidden" name="esco" value=(text);
                            input type="hidden" name="escoKind" value=(kind);
                            label for=(format!("esco-field-{i}")) { (lang.t("esco-add-to")) }
                            select id=(format!("esco-field-{i}")) name="field" {
                                @for field in ESCO_TARGETS { option value=(field) { (lang.t(&format!("field-{field}"))) } }
                            }
                            button type="submit" { (lang.t("esco-add")) }
                        }
                    }
                }
            }
        }
    }
}

/// Adds a found ESCO item's label to a learning-outcome field ("add text"): the field as
/// stored now, a new line, the label; the other fields stay as they are (a partial save).
pub async fn esco_add(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    if !visit.form_is_genuine(posted.get("csrf").map(String::as_str)) {
        return refused_form(&portal, &visit);
    }
    let field = posted.get("field").map(String::as_str).unwrap_or_default();
    let Some(field) = ESCO_TARGETS.iter().find(|f| **f == field).copied() else {
        return super::not_found(visit).await;
    };
    let addition = posted
        .get("text")
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    #[derive(Deserialize)]
    struct Now {
        document: Option<HashMap<String, HashMap<String, Value>>>,
    }
    let now = match portal
        .load::<Now>(&visit, OUTCOMES_NOW, json!({"id": id}))
        .await
    {
        Ok(now) => now,
        Err(page) => return page,
    };
    let current = now
        .document
        .and_then(|d| {
            d.get("learningOutcomes")
                .and_then(|o| o.get(field))
                .cloned()
        })
        .map(|v| text(Some(&v)))
        .unwrap_or_default();
    let combined = if current.trim().is_empty() {
        addition
    } else {
        format!("{}\n{addition}", current.trim_end())
    };
    let back = |extra: &str| {
        format!(
            "/documents/{}?section=learningOutcomes&esco={}&escoKind={}{extra}#esco",
            encode(&id),
            encode(posted.get("esco").map(String::as_str).unwrap_or_default()),
            encode(
                posted
                    .get("escoKind")
                    .map(String::as_str)
                    .unwrap_or("SKILL")
            ),
        )
    };
    match portal
        .run::<Value>(
            &visit,
            SAVE_OUTCOMES,
            json!({"id": id, "input": {field: combined}}),
        )
        .await
    {
        Ok(_) => visit.redirect(&back("&saved=1")),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: Some("learningOutcomes".into()),
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sibling {
    id: String,
    europass_number: String,
    holder_name: Option<String>,
}

/// The other documents of the mobility, as copy targets (institution users only).
async fn siblings(portal: &Portal, visit: &Visit, doc: &Doc) -> Vec<Sibling> {
    #[derive(Deserialize)]
    struct Data {
        mobility: Option<Mobility>,
    }
    #[derive(Deserialize)]
    struct Mobility {
        documents: Nodes,
    }
    #[derive(Deserialize)]
    struct Nodes {
        nodes: Vec<Sibling>,
    }
    let Some(mobility) = &doc.mobility_id else {
        return vec![];
    };
    match portal
        .run::<Data>(visit, SIBLINGS, json!({"id": mobility}))
        .await
    {
        Ok(Data { mobility: Some(m) }) => m
            .documents
            .nodes
            .into_iter()
            .filter(|s| s.id != doc.id)
            .collect(),
        _ => vec![],
    }
}

/// The fields of a copyable section, as its inputs name them.
fn copyable(section: &str) -> &'static [&'static str] {
    match section {
        "hostOrganisation" => &[
            "name",
            "organisationType",
            "address",
            "country",
            "mentorFirstName",
            "mentorLastName",
            "position",
            "phone",
            "email",
        ],
        "project" => &[
            "objective",
            "qualification",
            "stay",
            "purpose",
            "startDate",
            "endDate",
        ],
        "learningOutcomes" => &[
            "activities",
            "jobRelatedSkills",
            "languageSkills",
            "digitalSkills",
            "organisationalSkills",
            "communicationSkills",
            "otherSkills",
        ],
        _ => &[],
    }
}

fn copy_panel(visit: &Visit, doc: &Doc, section: &str, targets: &[Sibling]) -> Markup {
    let lang = visit.lang;
    html! {
        @if !copyable(section).is_empty() && !targets.is_empty() {
            details.copy id="copy" {
                summary { (lang.t("copy-title")) }
                form method="post" action=(format!("/documents/{}/copy/{section}", doc.id)) {
                    (csrf(&visit.csrf))
                    fieldset.choices {
                        legend { (lang.t("copy-fields")) }
                        @for field in copyable(section) {
                            label {
                                input type="checkbox" name="field" value=(field) id=(format!("copy-field-{field}"));
                                span { (lang.t(&format!("field-{field}"))) }
                            }
                        }
                    }
                    fieldset.choices {
                        legend { (lang.t("copy-targets")) }
                        @for target in targets {
                            label {
                                input type="checkbox" name="target" value=(target.id) id=(format!("copy-target-{}", target.id));
                                span { (target.europass_number) @if let Some(holder) = &target.holder_name { " · " (holder) } }
                            }
                        }
                    }
                    p.hint { (lang.t("copy-hint")) }
                    button type="submit" name="step" value="preview" { (lang.t("copy-preview-button")) }
                    " "
                    button.secondary type="submit" { (lang.t("copy-button")) }
                }
            }
        }
    }
}

/// Copies the chosen fields of a section to the chosen documents (R-COPY).
pub async fn copy(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, section)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    let csrf_field = posted
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str());
    if !visit.form_is_genuine(csrf_field) {
        return refused_form(&portal, &visit);
    }
    let all = |name: &str| -> Vec<String> {
        posted
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if posted.iter().any(|(k, v)| k == "step" && v == "preview") {
        return super::copy_preview::render(
            &portal,
            &visit,
            &id,
            &section,
            &all("field"),
            &all("target"),
        )
        .await;
    }
    let input = json!({"sourceDocument": id, "section": section, "fields": all("field"), "targets": all("target")});
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        copy_to_documents: Copied,
    }
    #[derive(Deserialize)]
    struct Copied {
        targets: i64,
    }
    match portal
        .run::<Data>(&visit, COPY, json!({"input": input}))
        .await
    {
        // The page says which documents received which fields (the ids and field names are
        // the form's own, checked by the API; the page shows only those it knows).
        Ok(data) => visit.redirect(&format!(
            "/documents/{}?section={}&copied={}&to={}&fields={}",
            encode(&id),
            encode(&section),
            data.copy_to_documents.targets,
            encode(&all("target").join(",")),
            encode(&all("field").join(","))
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: Some(section),
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
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
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
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
    let lang = visit.lang;
    let doc = &data.document;
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
    let form = posted.unwrap_or_else(|| FormState::with_values(values_of(doc)));
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
        match super::signatures::library(portal, visit).await {
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
                @if may_download {
                    p { a.button href=(format!("/documents/{}/certificate.pdf", doc.id)) download { (lang.t("download-pdf")) } }
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
            (section_fields(&section, &form, lang, &data.reference_data, doc))
            button type="submit" { (lang.t("save-section")) }
        }
        @if section == "personalData" && user_may_photo { (photo_panel(visit, doc, &form)) }
        (copy_panel(visit, doc, &section, &targets))
        @if section == "learningOutcomes" { (esco) }
        @if is_institution {
            (access_panel(visit, doc))
            (super::document_signatures::panel(visit, lang, &doc.id, &doc.signature_choices, &library))
        }
    };
    html_page(visit, status, page(&chrome, &title, body))
}

fn section_fields(
    section: &str,
    form: &FormState,
    lang: Lang,
    reference: &Reference,
    doc: &Doc,
) -> Markup {
    let countries = {
        let mut all: Vec<Coded> = vec![];
        for procedure in &reference.procedures {
            for c in &procedure.host_countries {
                if !all.iter().any(|known| known.code == c.code) {
                    all.push(c.clone());
                }
            }
        }
        options(&all, lang)
    };
    let f = |name: &'static str| Field::new(name, lang.t(&format!("field-{name}")));
    match section {
        "personalData" => html! {
            (f("surname").required().autocomplete("family-name").input(form, lang))
            (f("firstName").required().autocomplete("given-name").input(form, lang))
            (f("dateOfBirth").kind("date").required().autocomplete("bday").input(form, lang))
            (f("nationality").hint(lang.t("country-hint")).input(form, lang))
            (f("address").textarea(form, lang))
            (f("email").kind("email").hint(lang.t("participant-email-hint")).input(form, lang))
        },
        "hostOrganisation" => html! {
            (f("name").required().input(form, lang))
            (f("organisationType").required().select(form, lang, &options(&reference.host_organisation_types, lang)))
            (f("organisationTypeOther").hint(lang.t("other-hint")).input(form, lang))
            (f("address").required().textarea(form, lang))
            (f("country").required().select(form, lang, &countries))
            (f("mentorFirstName").required().input(form, lang))
            (f("mentorLastName").required().input(form, lang))
            (f("position").input(form, lang))
            (f("phone").kind("tel").input(form, lang))
            (f("email").kind("email").hint(lang.t("host-email-hint")).input(form, lang))
        },
        "project" => html! {
            @let programme = if lang == Lang::Lv { doc.project.get("programmeLv") } else { doc.project.get("programmeEn") };
            @if let Some(programme) = programme.and_then(Value::as_str) {
                p { strong { (lang.t("field-programme")) ": " } (programme) }
            }
            (f("objective").required().textarea(form, lang))
            (f("qualification").input(form, lang))
            fieldset.choices {
                legend { (lang.t("field-stay")) }
                @for (value, key) in [("PHYSICAL", "stay-physical"), ("VIRTUAL", "stay-virtual"), ("", "stay-unset")] {
                    label {
                        input type="radio" name="stay" value=(value) checked[form.value("stay") == value];
                        span { (lang.t(key)) }
                    }
                }
            }
            (f("purpose").select(form, lang, &options(&reference.purposes_of_stay, lang)))
            (f("purposeOther").hint(lang.t("other-hint")).input(form, lang))
            (f("startDate").kind("date").required().input(form, lang))
            (f("endDate").kind("date").required().input(form, lang))
        },
        _ => html! {
            (f("activities").required().hint(lang.t("activities-hint")).textarea(form, lang))
            (f("jobRelatedSkills").textarea(form, lang))
            fieldset id="languageSkills" {
                legend { (lang.t("field-languageSkills")) }
                @if let Some(error) = form.error("languageSkills") { p.error { (error) } }
                @let filled = (0..10).filter(|i| !form.value(&format!("lang{i}.language")).is_empty()).count();
                @for i in 0..(filled + 1).clamp(LANGUAGE_ROWS_MIN, 10) {
                    div.language-row {
                        @let language = format!("lang{i}.language");
                        div.field {
                            label for=(language) { (lang.ta("language-n", &[("n", ((i + 1) as i64).into())])) }
                            select id=(language) name=(language) {
                                option value="" { (lang.t("choose")) }
                                @for (code, label) in options(&reference.languages, lang) {
                                    option value=(code) selected[form.value(&language) == code] { (label) }
                                }
                            }
                        }
                        @for part in ["listening", "reading", "spokenInteraction", "spokenProduction", "writing"] {
                            @let name = format!("lang{i}.{part}");
                            div.field {
                                label for=(name) { (lang.t(&format!("cefr-{part}"))) }
                                select id=(name) name=(name) {
                                    option value="" { "–" }
                                    @for level in &reference.cefr_levels {
                                        option value=(level.code) selected[form.value(&name) == level.code] { (level.code) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (f("digitalSkills").textarea(form, lang))
            (f("organisationalSkills").textarea(form, lang))
            (f("communicationSkills").textarea(form, lang))
            (f("otherSkills").textarea(form, lang))
        },
    }
}

/// The section's input from the posted form: every field is sent (an empty one clears it).
fn input_of(section: &str, posted: &HashMap<String, String>) -> (&'static str, Value) {
    let get = |name: &str| {
        posted
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let date = |name: &str| {
        let value = get(name);
        if value.is_empty() {
            Value::Null
        } else {
            json!(value)
        }
    };
    let choice = |name: &str| {
        let (code, other) = (get(name), get(&format!("{name}Other")));
        if !code.is_empty() {
            json!({"code": code})
        } else if !other.is_empty() {
            json!({"other": other})
        } else {
            Value::Null
        }
    };
    let texts = |names: &[&str]| -> serde_json::Map<String, Value> {
        names
            .iter()
            .map(|n| (n.to_string(), json!(get(n))))
            .collect()
    };
    match section {
        "personalData" => {
            let mut input = texts(&["surname", "firstName", "nationality", "address", "email"]);
            input.insert("dateOfBirth".into(), date("dateOfBirth"));
            (SAVE_PERSONAL, Value::Object(input))
        }
        "hostOrganisation" => {
            let mut input = texts(&[
                "name",
                "address",
                "country",
                "mentorFirstName",
                "mentorLastName",
                "position",
                "phone",
                "email",
            ]);
            input.insert("organisationType".into(), choice("organisationType"));
            (SAVE_HOST, Value::Object(input))
        }
        "project" => {
            let mut input = texts(&["objective", "qualification"]);
            let stay = get("stay");
            input.insert(
                "stay".into(),
                if stay.is_empty() {
                    Value::Null
                } else {
                    json!(stay)
                },
            );
            input.insert("purpose".into(), choice("purpose"));
            input.insert("startDate".into(), date("startDate"));
            input.insert("endDate".into(), date("endDate"));
            (SAVE_PROJECT, Value::Object(input))
        }
        _ => {
            let mut input = texts(&[
                "activities",
                "jobRelatedSkills",
                "digitalSkills",
                "organisationalSkills",
                "communicationSkills",
                "otherSkills",
            ]);
            let mut skills = vec![];
            for i in 0..10 {
                let language = get(&format!("lang{i}.language"));
                if language.is_empty() {
                    continue;
                }
                let mut skill = serde_json::Map::new();
                skill.insert("language".into(), json!(language));
                for part in [
                    "listening",
                    "reading",
                    "spokenInteraction",
                    "spokenProduction",
                    "writing",
                ] {
                    let level = get(&format!("lang{i}.{part}"));
                    if !level.is_empty() {
                        skill.insert(part.into(), json!(level));
                    }
                }
                skills.push(Value::Object(skill));
            }
            input.insert("languageSkills".into(), Value::Array(skills));
            (SAVE_OUTCOMES, Value::Object(input))
        }
    }
}

/// The names of a section's form fields (errors of other fields go on top).
fn field_names(section: &str) -> Vec<String> {
    let names: &[&str] = match section {
        "personalData" => &[
            "surname",
            "firstName",
            "dateOfBirth",
            "nationality",
            "address",
            "email",
        ],
        "hostOrganisation" => &[
            "name",
            "organisationType",
            "address",
            "country",
            "mentorFirstName",
            "mentorLastName",
            "position",
            "phone",
            "email",
        ],
        "project" => &[
            "objective",
            "qualification",
            "stay",
            "purpose",
            "startDate",
            "endDate",
        ],
        _ => &[
            "activities",
            "jobRelatedSkills",
            "languageSkills",
            "digitalSkills",
            "organisationalSkills",
            "communicationSkills",
            "otherSkills",
        ],
    };
    names.iter().map(|n| n.to_string()).collect()
}

type Posted = Form<Vec<(String, String)>>;

pub async fn save(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, section)): Path<(String, String)>,
    Form(posted): Posted,
) -> Response {
    let posted: HashMap<String, String> = posted.into_iter().collect();
    if !visit.form_is_genuine(posted.get("csrf").map(String::as_str)) {
        return refused_form(&portal, &visit);
    }
    let Some(section) = SECTIONS.iter().find(|s| **s == section).copied() else {
        return super::not_found(visit).await;
    };
    let (mutation, input) = input_of(section, &posted);
    match portal
        .run::<Value>(&visit, mutation, json!({"id": id, "input": input}))
        .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section={section}&saved=1",
            encode(&id)
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::with_values(posted.clone());
            let names = field_names(section);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            form.add_errors(visit.lang, &errors, &names);
            let shown = Shown {
                section: Some(section.to_string()),
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn set_language(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    if !visit.form_is_genuine(posted.get("csrf").map(String::as_str)) {
        return refused_form(&portal, &visit);
    }
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

/// Who else works on the document (R-HOST, R-PART): the host's password, the participant's
/// access and its lock.
fn access_panel(visit: &Visit, doc: &Doc) -> Markup {
    let lang = visit.lang;
    let host_email = text(doc.host_organisation.get("email"));
    let participant_email = text(doc.personal_data.get("email"));
    let access = doc.participant_access.as_ref();
    let action = |what: &str| format!("/documents/{}/access/{what}", doc.id);
    html! {
        section.access aria-labelledby="access" {
            h2 id="access" { (lang.t("access-title")) }
            h3 { (lang.t("access-host")) }
            @if host_email.is_empty() {
                p { (lang.t("access-host-no-email")) }
            } @else {
                form method="post" action=(action("host")) {
                    (csrf(&visit.csrf))
                    p { (lang.ta("access-host-send", &[("email", host_email.clone().into())])) }
                    button.secondary type="submit" { (lang.t("access-host-button")) }
                }
                @match doc.host_first_login_at {
                    Some(at) => p { (lang.ta("access-host-first-login", &[("date", lang.date_time(at).into())])) },
                    None => p.hint { (lang.t("access-host-not-yet")) },
                }
            }
            h3 { (lang.t("access-participant")) }
            @match access.and_then(|a| a.email.clone()) {
                None => {
                    @if participant_email.is_empty() {
                        p { (lang.t("access-participant-no-email")) }
                    } @else {
                        form method="post" action=(action("participant")) {
                            (csrf(&visit.csrf))
                            p { (lang.ta("access-participant-give", &[("email", participant_email.clone().into())])) }
                            button.secondary type="submit" { (lang.t("access-participant-button")) }
                        }
                    }
                }
                Some(email) => {
                    p { (lang.ta("access-participant-given", &[("email", email.into())])) }
                    @if let Some(from) = access.and_then(|a| a.locked_from) {
                        p { (lang.ta("access-locked-from", &[("date", lang.date_time(from).into())])) }
                        form method="post" action=(action("unlock")) {
                            (csrf(&visit.csrf))
                            button.secondary type="submit" { (lang.t("access-unlock")) }
                        }
                    } @else {
                        form.inline-row method="post" action=(action("lock")) {
                            (csrf(&visit.csrf))
                            label for="lockFrom" { (lang.t("access-lock-from")) }
                            input id="lockFrom" name="lockFrom" type="date" required;
                            button.secondary type="submit" { (lang.t("access-lock")) }
                        }
                    }
                }
            }
        }
    }
}

/// The institution's access actions: `host`, `participant`, `lock` (from a day, 00:00 UTC),
/// `unlock`.
pub async fn access(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, what)): Path<(String, String)>,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    if !visit.form_is_genuine(posted.get("csrf").map(String::as_str)) {
        return refused_form(&portal, &visit);
    }
    let (operation, variables) = match what.as_str() {
        "host" => (SEND_HOST_PASSWORD, json!({"id": id})),
        "participant" => (GRANT_PARTICIPANT, json!({"id": id})),
        "unlock" => (UNLOCK_PARTICIPANT, json!({"ids": [id]})),
        "lock" => {
            let day = posted
                .get("lockFrom")
                .map(String::as_str)
                .unwrap_or_default();
            let Ok(day) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
                let mut form = FormState::default();
                form.add(None, visit.lang.t("date-missing"));
                let shown = Shown {
                    section: None,
                    ..Shown::default()
                };
                return render(
                    &portal,
                    &visit,
                    &id,
                    &shown,
                    Some(form),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            };
            let from = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            (
                LOCK_PARTICIPANT,
                json!({"ids": [id], "from": from.to_rfc3339()}),
            )
        }
        _ => return super::not_found(visit).await,
    };
    match portal.run::<Value>(&visit, operation, variables).await {
        Ok(_) => visit.redirect(&format!("/documents/{}?saved=1#access", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: None,
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// The photo of the personal data (R-PERSONAL): shown, replaced by choosing a file (the
/// portrait is the file input's label: a click on it opens the choice), removed.
fn photo_panel(visit: &Visit, doc: &Doc, form: &FormState) -> Markup {
    let lang = visit.lang;
    let sha = text(doc.personal_data.get("photoSha256"));
    html! {
        section.photo aria-labelledby="photo-title" {
            h3 id="photo-title" { (lang.t("photo-title")) }
            @if let Some(error) = form.error("photo") { p.error id="photo-error" { (error) } }
            form.photo-upload method="post" enctype="multipart/form-data" action=(format!("/documents/{}/photo/upload", doc.id)) {
                (csrf(&visit.csrf))
                label for="photo" {
                    @if sha.is_empty() {
                        span.portrait.empty { (lang.t("photo-none")) }
                    } @else {
                        img.portrait src=(format!("/files/{sha}")) alt=(lang.t("photo-alt")) width="120" height="160";
                    }
                    span.visually-hidden { (lang.t("photo-choose")) }
                }
                input id="photo" name="photo" type="file" accept="image/png,image/jpeg" aria-describedby="photo-hint";
                p.hint id="photo-hint" { (lang.t("photo-hint")) }
                button.secondary type="submit" { (lang.t(if sha.is_empty() { "photo-upload" } else { "photo-replace" })) }
            }
            @if !sha.is_empty() {
                form method="post" action=(format!("/documents/{}/photo/remove", doc.id)) {
                    (csrf(&visit.csrf))
                    button.link type="submit" { (lang.t("photo-remove")) }
                }
            }
        }
    }
}

/// The photo form's post: the file, checked and stored by the same rules as the file API.
/// The body (at most the upload limit) is read whole, and nothing is stored unless its CSRF
/// field is genuine.
pub async fn upload_photo(
    Extension(portal): Extension<Portal>,
    axum::extract::State(state): axum::extract::State<crate::graphql::AppState>,
    visit: Visit,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let (mut bytes, mut token) = (None, None);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("photo") => bytes = field.bytes().await.ok().map(|b| b.to_vec()),
            Some("csrf") => token = field.text().await.ok(),
            _ => {}
        }
    }
    if !visit.form_is_genuine(token.as_deref()) {
        return refused_form(&portal, &visit);
    }
    let lang = visit.lang;
    let shown = Shown {
        section: Some("personalData".into()),
        ..Shown::default()
    };
    let bytes = match bytes.filter(|b| !b.is_empty()) {
        Some(bytes) => bytes,
        None => {
            let mut form = FormState::default();
            form.add(Some("photo"), lang.t("photo-missing"));
            return render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match crate::files::upload_photo_as(
        &state,
        visit.correlation_id,
        visit.token.clone(),
        &id,
        bytes,
    )
    .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section=personalData&saved=1",
            encode(&id)
        )),
        Err(commands::CommandError::Unauthenticated { .. }) => visit.to_login(visit.logged_in()),
        Err(err) => {
            let error = super::gql::errors_of(err, visit.correlation_id);
            let mut form = FormState::default();
            form.add_errors(lang, &error, &["photo"]);
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn remove_photo(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    if !visit.form_is_genuine(posted.get("csrf").map(String::as_str)) {
        return refused_form(&portal, &visit);
    }
    match portal
        .run::<Value>(&visit, REMOVE_PHOTO, json!({"id": id}))
        .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section=personalData&saved=1",
            encode(&id)
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &["photo"]);
            let shown = Shown {
                section: Some("personalData".into()),
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
