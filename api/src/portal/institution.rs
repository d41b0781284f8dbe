//! The institution's base data (R-BASE) and its additional users (R-USERS).

use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::layout::{notice, page, Chrome};
use super::operations as op;
use super::visit::Visit;
use super::{html_page, Portal};
use crate::portal::genuine::GenuineForm;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::html;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    institution: Institution,
    reference_data: Reference,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    host_organisation_types: Vec<Coded>,
}

#[derive(Deserialize)]
struct Coded {
    code: String,
    en: String,
    lv: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Institution {
    name: String,
    organisation_type: Option<String>,
    address: Option<String>,
    country: Option<String>,
    contact_person: Option<String>,
    contact_position: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    missing_base_data: Vec<String>,
    users: Vec<User>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    account_id: String,
    name: Option<String>,
    email: Option<String>,
    added_at: chrono::DateTime<chrono::Utc>,
}

const BASE_FIELDS: [&str; 9] = [
    "name",
    "organisationType",
    "address",
    "country",
    "contactPerson",
    "contactPosition",
    "phone",
    "email",
    "website",
];
const USER_FIELDS: [&str; 2] = ["userName", "userEmail"];

#[derive(Deserialize)]
pub struct Done {
    saved: Option<String>,
    added: Option<String>,
    removed: Option<String>,
}

pub async fn show(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(done): Query<Done>,
) -> Response {
    render(&portal, &visit, None, None, &done).await
}

/// The page, with the base-data form or the user form as posted (with its errors).
async fn render(
    portal: &Portal,
    visit: &Visit,
    base: Option<FormState>,
    user_form: Option<FormState>,
    done: &Done,
) -> Response {
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = match portal
        .load::<Data>(visit, op::INSTITUTION, serde_json::Value::Null)
        .await
    {
        Ok(data) => data,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let institution = data.institution;
    let status = if base.is_some() || user_form.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let base = base.unwrap_or_else(|| {
        let mut form = FormState::default();
        for (name, value) in [
            ("name", Some(institution.name.clone())),
            ("organisationType", institution.organisation_type.clone()),
            ("address", institution.address.clone()),
            ("country", institution.country.clone()),
            ("contactPerson", institution.contact_person.clone()),
            ("contactPosition", institution.contact_position.clone()),
            ("phone", institution.phone.clone()),
            ("email", institution.email.clone()),
            ("website", institution.website.clone()),
        ] {
            form.values
                .insert(name.to_string(), value.unwrap_or_default());
        }
        form
    });
    let user_form = user_form.unwrap_or_default();
    // The list in the page's language; a free text given through the API stays choosable.
    let mut types: Vec<(String, String)> = data
        .reference_data
        .host_organisation_types
        .iter()
        .map(|t| {
            let label = if lang == super::i18n::Lang::Lv {
                &t.lv
            } else {
                &t.en
            };
            (t.code.clone(), label.clone())
        })
        .collect();
    if let Some(other) = institution
        .organisation_type
        .as_ref()
        .filter(|v| !types.iter().any(|(code, _)| code == *v))
    {
        types.push((other.clone(), other.clone()));
    }
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let missing: Vec<String> = institution
        .missing_base_data
        .iter()
        .map(|f| lang.t(&format!("field-{f}")))
        .collect();
    let body = html! {
        @if done.saved.is_some() { (notice(&lang.t("base-data-saved"))) }
        @if done.added.is_some() { (notice(&lang.t("user-added"))) }
        @if done.removed.is_some() { (notice(&lang.t("user-removed"))) }
        h2 { (lang.t("base-data")) }
        @if !missing.is_empty() {
            p.warning { (lang.t("base-data-missing")) " " (missing.join(", ")) }
        }
        (base.summary(lang))
        form method="post" action="/institution" novalidate {
            (csrf(&visit.csrf))
            (Field::new("name", lang.t("field-name")).required().autocomplete("organization").input(&base, lang))
            (Field::new("organisationType", lang.t("field-organisationType")).select(&base, lang, &types))
            (Field::new("address", lang.t("field-address")).required().autocomplete("street-address").input(&base, lang))
            (Field::new("country", lang.t("field-country")).required().hint(lang.t("country-hint")).autocomplete("country").input(&base, lang))
            (Field::new("contactPerson", lang.t("field-contactPerson")).required().autocomplete("name").hint(lang.t("contact-person-hint")).input(&base, lang))
            (Field::new("contactPosition", lang.t("field-contactPosition")).autocomplete("organization-title").input(&base, lang))
            (Field::new("phone", lang.t("field-phone")).kind("tel").required().autocomplete("tel").input(&base, lang))
            (Field::new("email", lang.t("field-institution-email")).kind("email").autocomplete("email").input(&base, lang))
            (Field::new("website", lang.t("field-website")).kind("url").autocomplete("url").input(&base, lang))
            button type="submit" { (lang.t("save")) }
        }
        h2 id="users" { (lang.t("users")) }
        p { (lang.ta("users-rule", &[("limit", (domain::institution::MAX_ADDITIONAL_USERS as i64).into())])) }
        @if institution.users.is_empty() {
            p { (lang.t("no-users")) }
        } @else {
            div.table-wrap {
                table.stack {
                    thead { tr { th scope="col" { (lang.t("field-user-name")) } th scope="col" { (lang.t("field-email")) } th scope="col" { (lang.t("added-at")) } th scope="col" { span.visually-hidden { (lang.t("actions")) } } } }
                    tbody {
                        @for u in &institution.users {
                            tr {
                                td data-label=(lang.t("field-user-name")) { (u.name.clone().unwrap_or_default()) }
                                td data-label=(lang.t("field-email")) { (u.email.clone().unwrap_or_default()) }
                                td data-label=(lang.t("added-at")) { (lang.date_time(u.added_at)) }
                                td {
                                    form method="post" action="/institution/users/remove" {
                                        (csrf(&visit.csrf))
                                        input type="hidden" name="accountId" value=(u.account_id);
                                        button.secondary type="submit" aria-label=(lang.ta("remove-user-named", &[("name", u.name.clone().unwrap_or_default().into())])) { (lang.t("remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h3 { (lang.t("add-user")) }
        (user_form.summary(lang))
        form method="post" action="/institution/users" novalidate {
            (csrf(&visit.csrf))
            (Field::new("userName", lang.t("field-user-name")).required().input(&user_form, lang))
            (Field::new("userEmail", lang.t("field-email")).kind("email").required().hint(lang.t("user-email-hint")).input(&user_form, lang))
            button type="submit" { (lang.t("add-user")) }
        }
    };
    html_page(
        visit,
        status,
        page(&chrome, &lang.t("institution-title"), body),
    )
}

fn present(posted: &HashMap<String, String>, name: &str) -> serde_json::Value {
    match posted.get(name).map(|v| v.trim()) {
        Some(v) if !v.is_empty() => json!(v),
        // An emptied optional field is cleared; a mandatory one is refused by the API.
        Some(_) => json!(""),
        None => serde_json::Value::Null,
    }
}

pub async fn save(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let mut input = serde_json::Map::new();
    for name in BASE_FIELDS {
        input.insert(name.to_string(), present(&posted, name));
    }
    match portal
        .run::<serde_json::Value>(&visit, op::UPDATE_BASE_DATA, json!({"input": input}))
        .await
    {
        Ok(_) => visit.redirect("/institution?saved=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &errors, &BASE_FIELDS);
            render(
                &portal,
                &visit,
                Some(form),
                None,
                &Done {
                    saved: None,
                    added: None,
                    removed: None,
                },
            )
            .await
        }
    }
}

pub async fn add_user(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| posted.get(name).cloned().unwrap_or_default();
    let variables = json!({"name": get("userName"), "email": get("userEmail")});
    match portal
        .run::<serde_json::Value>(&visit, op::ADD_USER, variables)
        .await
    {
        Ok(_) => visit.redirect("/institution?added=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(mut errors)) => {
            // The API names the mutation's own arguments; this form calls them user….
            for error in &mut errors {
                error.field = match error.field.as_deref() {
                    Some("name") => Some("userName".into()),
                    Some("email") => Some("userEmail".into()),
                    other => other.map(str::to_string),
                };
            }
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &errors, &USER_FIELDS);
            render(
                &portal,
                &visit,
                None,
                Some(form),
                &Done {
                    saved: None,
                    added: None,
                    removed: None,
                },
            )
            .await
        }
    }
}

pub async fn remove_user(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let variables = json!({"accountId": posted.get("accountId").cloned().unwrap_or_default()});
    match portal
        .run::<serde_json::Value>(&visit, op::REMOVE_USER, variables)
        .await
    {
        Ok(_) => visit.redirect("/institution?removed=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            render(
                &portal,
                &visit,
                None,
                Some(form),
                &Done {
                    saved: None,
                    added: None,
                    removed: None,
                },
            )
            .await
        }
    }
}
