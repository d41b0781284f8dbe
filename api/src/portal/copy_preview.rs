//! R-COPY, before copying: what each target document holds now beside what it will hold, per
//! chosen field, read through the schema like every page; the copy itself is one more click.

use super::form::csrf;
use super::gql::Failed;
use super::i18n::Lang;
use super::layout::{page, Chrome};
use super::visit::{encode, Visit};
use super::{failure_page, html_page, Portal};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const COPY_VALUES: &str = "query CopyValues($id: ID!) { document(id: $id) { id europassNumber holderName \
  hostOrganisation { name organisationType { code textEn textLv } address country mentorFirstName mentorLastName position phone email } \
  project { objective qualification stay purpose { code textEn textLv } startDate endDate } \
  learningOutcomes { activities jobRelatedSkills languageSkills { language listening reading spokenInteraction spokenProduction writing } digitalSkills organisationalSkills communicationSkills otherSkills } } }";

#[derive(Deserialize)]
struct Data {
    document: Values,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Values {
    europass_number: Option<String>,
    holder_name: Option<String>,
    host_organisation: HashMap<String, Value>,
    project: HashMap<String, Value>,
    learning_outcomes: HashMap<String, Value>,
}

impl Values {
    fn section(&self, section: &str) -> Option<&HashMap<String, Value>> {
        match section {
            "hostOrganisation" => Some(&self.host_organisation),
            "project" => Some(&self.project),
            "learningOutcomes" => Some(&self.learning_outcomes),
            _ => None,
        }
    }
}

/// A field's value as a person reads it: choices by their label, the stay by its name,
/// language skills as "language: levels".
fn shown(value: Option<&Value>, field: &str, lang: Lang) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if field == "stay" => lang
            .try_t(&format!("stay-{}", s.to_lowercase()), &[])
            .unwrap_or_else(|| s.clone()),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(choice)) => {
            let key = if lang == Lang::Lv { "textLv" } else { "textEn" };
            choice
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        }
        Some(Value::Array(skills)) => skills
            .iter()
            .map(|s| {
                let levels: Vec<&str> = [
                    "listening",
                    "reading",
                    "spokenInteraction",
                    "spokenProduction",
                    "writing",
                ]
                .iter()
                .map(|p| s.get(*p).and_then(Value::as_str).unwrap_or("–"))
                .collect();
                format!(
                    "{}: {}",
                    s.get("language")
                        .and_then(Value::as_str)
                        .unwrap_or_default(),
                    levels.join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

async fn values(portal: &Portal, visit: &Visit, id: &str) -> Result<Values, Failed> {
    portal
        .run::<Data>(visit, COPY_VALUES, json!({"id": id}))
        .await
        .map(|d| d.document)
}

/// The preview page: one table per target, every chosen field with its value now and after;
/// the confirmation posts the same choice again without `step`.
pub async fn render(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    section: &str,
    fields: &[String],
    targets: &[String],
) -> Response {
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let lang = visit.lang;
    let back = format!("/documents/{}?section={}#copy", encode(id), encode(section));
    let source = match values(portal, visit, id).await {
        Ok(source) => source,
        Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
        Err(Failed::Errors(errors)) => return failure_page(visit, &errors),
    };
    let mut rows = vec![];
    for target in targets {
        match values(portal, visit, target).await {
            Ok(values) => rows.push(values),
            Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
            Err(Failed::Errors(errors)) => return failure_page(visit, &errors),
        }
    }
    let empty = HashMap::new();
    let from = source.section(section).unwrap_or(&empty);
    let nothing = lang.t("copy-preview-empty");
    let or_nothing = |v: String| if v.is_empty() { nothing.clone() } else { v };
    let body = html! {
        p { (lang.ta("copy-preview-from", &[("number", source.europass_number.clone().unwrap_or_default().into())])) }
        @if fields.is_empty() || targets.is_empty() {
            p.warning { (lang.t("copy-preview-choose")) }
        }
        @for target in &rows {
            @let to = target.section(section).unwrap_or(&empty);
            h2 {
                (target.europass_number.clone().unwrap_or_default())
                @if let Some(holder) = &target.holder_name { " · " (holder) }
            }
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (lang.t("copy-preview-field")) }
                        th scope="col" { (lang.t("copy-preview-now")) }
                        th scope="col" { (lang.t("copy-preview-after")) }
                    } }
                    tbody {
                        @for field in fields {
                            @let now = shown(to.get(field.as_str()), field, lang);
                            @let after = shown(from.get(field.as_str()), field, lang);
                            tr.unchanged[now == after] {
                                th scope="row" data-label=(lang.t("copy-preview-field")) { (lang.t(&format!("field-{field}"))) }
                                td data-label=(lang.t("copy-preview-now")) { (or_nothing(now.clone())) }
                                td data-label=(lang.t("copy-preview-after")) {
                                    (or_nothing(after.clone()))
                                    @if now == after { " " span.hint { (lang.t("copy-preview-same")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        form method="post" action=(format!("/documents/{}/copy/{}", encode(id), encode(section))) {
            (csrf(&visit.csrf))
            @for field in fields { input type="hidden" name="field" value=(field); }
            @for target in targets { input type="hidden" name="target" value=(target); }
            button type="submit" disabled[fields.is_empty() || targets.is_empty()] { (lang.t("copy-button")) }
            " "
            a href=(back) { (lang.t("copy-preview-back")) }
        }
    };
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    html_page(
        visit,
        StatusCode::OK,
        page(&chrome, &lang.t("copy-preview-title"), body),
    )
}
