//! The NEC's audit pages (R-AUDIT, R-ERASE; issue 22): search documents; a document's history
//! as a timeline (who, when, what changed from what to what, copies with their source); the
//! document as of any moment beside today; the issued certificates with their hashes and a
//! check that each can be produced again; erasure of the participant's data with a reason and
//! a confirmation.

use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::i18n::Lang;
use super::layout::{notice, page, Chrome};
use super::visit::{encode, Visit};
use super::{failure_page, html_page, Portal};
use crate::portal::genuine::GenuineForm;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::html;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const SEARCH: &str = "query Search($number: String, $institution: String, $holder: String, $complete: Boolean, $after: String) { searchDocuments(europassNumber: $number, institution: $institution, holderName: $holder, complete: $complete, first: 50, after: $after) { edges { node { id europassNumber holderName institutionName complete certificates } } pageInfo { hasNextPage endCursor } } }";

/// What the comparison shows of a document, at a moment and today.
macro_rules! facts {
    () => {
        "holderName language personalData { surname firstName dateOfBirth nationality address email } hostOrganisation { name organisationType { textEn textLv } address country mentorFirstName mentorLastName position phone email } project { objective qualification stay purpose { textEn textLv } startDate endDate } learningOutcomes { activities jobRelatedSkills digitalSkills organisationalSkills communicationSkills otherSkills }"
    };
}

pub const HISTORY: &str = concat!(
    "query History($id: ID!) { document(id: $id) { id europassNumber ",
    facts!(),
    " certificates { sha256 language templateVersion issuedAt } revocation { revokedAt reason } verificationUrl } \
     certificateHistory(documentId: $id, first: 100) { edges { node { sequence eventType at section copiedFrom correlationId \
     actor { role name email } changes { field before after } } } pageInfo { hasNextPage } } }"
);

pub const AS_OF: &str = concat!(
    "query AsOf($id: ID!, $at: DateTime!) { certificateAsOf(documentId: $id, at: $at) { ",
    facts!(),
    " } }"
);

pub const VERIFY: &str = "query Verify($id: ID!, $sha: String!) { verifyIssuedCertificate(documentId: $id, sha256: $sha) { templateVersion matches } }";
pub const ERASE: &str = "mutation Erase($id: ID!, $reason: String!) { eraseParticipantData(documentId: $id, reason: $reason) }";
pub const REVOKE: &str = "mutation Revoke($id: ID!, $reason: String!) { revokeCertificate(documentId: $id, reason: $reason) }";

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    number: Option<String>,
    institution: Option<String>,
    holder: Option<String>,
    complete: Option<String>,
    after: Option<String>,
}

pub async fn search(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(query): Query<SearchQuery>,
) -> Response {
    let user = match portal.frame(&visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let lang = visit.lang;
    let asked = [
        &query.number,
        &query.institution,
        &query.holder,
        &query.complete,
    ]
    .iter()
    .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let blank = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let complete = match query.complete.as_deref() {
        Some("yes") => json!(true),
        Some("no") => json!(false),
        _ => Value::Null,
    };
    let variables = json!({"number": blank(&query.number), "institution": blank(&query.institution),
        "holder": blank(&query.holder), "complete": complete, "after": blank(&query.after)});
    let hits: Option<Value> = if asked {
        match portal.load::<Value>(&visit, SEARCH, variables).await {
            Ok(data) => Some(data),
            Err(page) => return page,
        }
    } else {
        None
    };
    let mut form = FormState::default();
    for (name, value) in [
        ("number", &query.number),
        ("institution", &query.institution),
        ("holder", &query.holder),
    ] {
        form.values
            .insert(name.to_string(), value.clone().unwrap_or_default());
    }
    let chrome = Chrome {
        visit: &visit,
        user: Some(user),
    };
    let chosen = query.complete.clone().unwrap_or_default();
    let body = html! {
        form.search method="get" action="/nec/documents" role="search" {
            (Field::new("number", lang.t("europass-number")).hint(lang.t("search-number-hint")).input(&form, lang))
            (Field::new("institution", lang.t("institution")).input(&form, lang))
            (Field::new("holder", lang.t("holder")).input(&form, lang))
            div.field {
                label for="complete" { (lang.t("completeness")) }
                select id="complete" name="complete" {
                    option value="" selected[chosen.is_empty()] { (lang.t("search-any")) }
                    option value="yes" selected[chosen == "yes"] { (lang.t("complete")) }
                    option value="no" selected[chosen == "no"] { (lang.t("incomplete")) }
                }
            }
            button type="submit" { (lang.t("esco-find")) }
        }
        @if let Some(data) = &hits {
            @let edges = data["searchDocuments"]["edges"].as_array().cloned().unwrap_or_default();
            @if edges.is_empty() {
                p { (lang.t("search-none")) }
            } @else {
                div.table-wrap {
                    table.stack {
                        thead { tr {
                            th scope="col" { (lang.t("europass-number")) }
                            th scope="col" { (lang.t("holder")) }
                            th scope="col" { (lang.t("institution")) }
                            th scope="col" { (lang.t("completeness")) }
                            th scope="col" { (lang.t("history")) }
                        } }
                        tbody {
                            @for edge in &edges {
                                @let d = &edge["node"];
                                @let id = d["id"].as_str().unwrap_or_default();
                                tr {
                                    td data-label=(lang.t("europass-number")) { a href=(format!("/documents/{id}")) { (d["europassNumber"].as_str().unwrap_or_default()) } }
                                    td data-label=(lang.t("holder")) { (d["holderName"].as_str().unwrap_or_default()) }
                                    td data-label=(lang.t("institution")) { (d["institutionName"].as_str().unwrap_or_default()) }
                                    td data-label=(lang.t("completeness")) {
                                        @if d["complete"].as_bool() == Some(true) { span.badge.complete { (lang.t("complete")) } } @else { span.badge.incomplete { (lang.t("incomplete")) } }
                                    }
                                    td data-label=(lang.t("history")) { a href=(format!("/nec/documents/{id}/history")) { (lang.t("history")) } }
                                }
                            }
                        }
                    }
                }
                @if data["searchDocuments"]["pageInfo"]["hasNextPage"].as_bool() == Some(true) {
                    @let cursor = data["searchDocuments"]["pageInfo"]["endCursor"].as_str().unwrap_or_default();
                    p { a href=(format!("/nec/documents?number={}&institution={}&holder={}&complete={}&after={}",
                        encode(query.number.as_deref().unwrap_or_default()), encode(query.institution.as_deref().unwrap_or_default()),
                        encode(query.holder.as_deref().unwrap_or_default()), encode(&chosen), encode(cursor))) { (lang.t("next-page")) } }
                }
            }
        }
    };
    html_page(
        &visit,
        StatusCode::OK,
        page(&chrome, &lang.t("search-title"), body),
    )
}

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    at: Option<String>,
    verified: Option<String>,
    matches: Option<String>,
    erased: Option<String>,
    revoked: Option<String>,
}

/// The history page's two forms, each with its own values and errors.
#[derive(Default)]
struct Forms {
    erase: FormState,
    revoke: FormState,
}

/// A change's value as a person reads it: a choice by its label in the page's language (the
/// history gives stored values as text, a choice as its JSON), a list of language skills
/// as "de B1/B1/A2/A2/A2".
fn readable(value: Option<&str>, lang: Lang) -> String {
    let Some(value) = value else {
        return "–".to_string();
    };
    let Ok(json) = serde_json::from_str::<Value>(value) else {
        return value.to_string();
    };
    let pick = |v: &Value| -> Option<String> {
        let label = &v["label"];
        let key = if lang == Lang::Lv { "lv" } else { "en" };
        label[key]
            .as_str()
            .or(v["text"].as_str())
            .or(v["other"].as_str())
            .or(v["code"].as_str())
            .map(str::to_string)
    };
    match &json {
        Value::Object(_) => pick(&json).unwrap_or_else(|| value.to_string()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Object(skill) if skill.contains_key("language") => {
                    let level = |k: &str| {
                        skill
                            .get(k)
                            .and_then(Value::as_str)
                            .unwrap_or("–")
                            .to_string()
                    };
                    format!(
                        "{} {}/{}/{}/{}/{}",
                        level("language"),
                        level("listening"),
                        level("reading"),
                        level("spokenInteraction"),
                        level("spokenProduction"),
                        level("writing")
                    )
                }
                other => pick(other).unwrap_or_else(|| other.to_string()),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => value.to_string(),
    }
}

/// The facts of a document, flattened to (section, field, text) in the certificate's order.
fn facts(doc: &Value, lang: Lang) -> Vec<(String, String, String)> {
    let mut rows = vec![];
    for section in [
        "personalData",
        "hostOrganisation",
        "project",
        "learningOutcomes",
    ] {
        if let Some(fields) = doc[section].as_object() {
            for (name, value) in fields {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Object(choice) => {
                        let key = if lang == Lang::Lv { "textLv" } else { "textEn" };
                        choice
                            .get(key)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string()
                    }
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                rows.push((section.to_string(), name.clone(), text));
            }
        }
    }
    rows
}

pub async fn history(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Response {
    history_page(
        &portal,
        &visit,
        &id,
        &query,
        Forms::default(),
        StatusCode::OK,
    )
    .await
}

async fn history_page(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    query: &HistoryQuery,
    forms: Forms,
    status: StatusCode,
) -> Response {
    let (erase_form, revoke_form) = (forms.erase, forms.revoke);
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let lang = visit.lang;
    let data: Value = match portal.load(visit, HISTORY, json!({"id": id})).await {
        Ok(data) => data,
        Err(page) => return page,
    };
    // The moment to compare with: a `datetime-local` value, read as UTC.
    let at = query.at.as_deref().and_then(|raw| {
        chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t.and_utc())
    });
    let then: Option<Value> = match at {
        Some(at) => match portal
            .load::<Value>(visit, AS_OF, json!({"id": id, "at": at.to_rfc3339()}))
            .await
        {
            Ok(data) => Some(data["certificateAsOf"].clone()),
            Err(page) => return page,
        },
        None => None,
    };
    let doc = &data["document"];
    let number = doc["europassNumber"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let entries = data["certificateHistory"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let today = facts(doc, lang);
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let label = |section: &str, field: &str| {
        lang.try_t(&format!("field-{field}"), &[]).map_or_else(
            || format!("{} · {field}", lang.t(&format!("section-{section}"))),
            |l| format!("{} · {l}", lang.t(&format!("section-{section}"))),
        )
    };
    let body = html! {
        @if query.erased.is_some() { (notice(&lang.t("erased-notice"))) }
        @if query.revoked.is_some() { (notice(&lang.t("revoked-notice"))) }
        @if let Some(v) = &query.verified {
            @if query.matches.as_deref() == Some("true") {
                (notice(&lang.ta("verify-matches", &[("version", v.clone().into())])))
            } @else {
                p.warning role="status" { (lang.ta("verify-differs", &[("version", v.clone().into())])) }
            }
        }
        p { a href=(format!("/documents/{id}")) { (lang.t("open-document")) } " · " (doc["holderName"].as_str().unwrap_or_default()) }
        h2 { (lang.t("timeline")) }
        ol.timeline {
            @for entry in &entries {
                @let e = &entry["node"];
                li {
                    p {
                        strong { (e["at"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| lang.date_time(t.with_timezone(&chrono::Utc))).unwrap_or_default()) }
                        " · " (lang.try_t(&format!("event-{}", e["eventType"].as_str().unwrap_or_default()), &[]).unwrap_or_else(|| e["eventType"].as_str().unwrap_or_default().to_string()))
                    }
                    p.hint {
                        (e["actor"]["name"].as_str().or(e["actor"]["email"].as_str()).unwrap_or("–"))
                        " (" (lang.try_t(&format!("role-{}", e["actor"]["role"].as_str().unwrap_or_default()), &[]).unwrap_or_else(|| e["actor"]["role"].as_str().unwrap_or_default().to_string())) ")"
                        @if let Some(source) = e["copiedFrom"].as_str() {
                            " · " (lang.t("copied-from")) " " a href=(format!("/nec/documents/{source}/history")) { (lang.t("the-source")) }
                        }
                    }
                    @let changes = e["changes"].as_array().cloned().unwrap_or_default();
                    @if !changes.is_empty() {
                        ul.changes {
                            @for c in &changes {
                                li {
                                    (label(e["section"].as_str().unwrap_or_default(), c["field"].as_str().unwrap_or_default())) ": "
                                    del { (readable(c["before"].as_str(), lang)) } " → " ins { (readable(c["after"].as_str(), lang)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 id="as-of" { (lang.t("as-of-title")) }
        form.inline-row method="get" action=(format!("/nec/documents/{id}/history#as-of")) {
            label for="at" { (lang.t("as-of-moment")) }
            input id="at" name="at" type="datetime-local" value=(query.at.clone().unwrap_or_default());
            button.secondary type="submit" { (lang.t("as-of-show")) }
        }
        @if query.at.as_deref().is_some_and(|raw| !raw.is_empty()) && at.is_none() {
            p.error role="alert" { (lang.t("as-of-invalid")) }
        }
        @if let Some(then) = &then {
            @let before: HashMap<(String, String), String> = facts(then, lang).into_iter().map(|(s, f, t)| ((s, f), t)).collect();
            div.table-wrap {
                table.compare {
                    thead { tr { th scope="col" { (lang.t("field")) } th scope="col" { (query.at.clone().unwrap_or_default()) " UTC" } th scope="col" { (lang.t("today")) } } }
                    tbody {
                        @for (section, field, now) in &today {
                            @let was = before.get(&(section.clone(), field.clone())).cloned().unwrap_or_default();
                            tr.changed[was != *now] {
                                th scope="row" { (label(section, field)) }
                                td { (was) }
                                td { (now) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("issued-certificates")) }
        @let certificates = doc["certificates"].as_array().cloned().unwrap_or_default();
        @if certificates.is_empty() {
            p { (lang.t("no-certificates")) }
        } @else {
            ul.cards {
                @for c in &certificates {
                    li {
                        p { (c["issuedAt"].as_str().unwrap_or_default()) " · " (c["language"].as_str().unwrap_or_default()) " · " (lang.t("template")) " " (c["templateVersion"].as_str().unwrap_or_default()) }
                        p { code.hash { (c["sha256"].as_str().unwrap_or_default()) } }
                        form method="get" action=(format!("/nec/documents/{id}/verify")) {
                            input type="hidden" name="sha" value=(c["sha256"].as_str().unwrap_or_default());
                            button.secondary type="submit" { (lang.t("verify")) }
                        }
                    }
                }
            }
        }
        @if let Some(url) = doc["verificationUrl"].as_str() {
            p { (lang.t("verification-link")) " " a href=(url) { (url) } }
        }
        @if let Some(revocation) = doc["revocation"].as_object() {
            p.warning role="status" {
                (lang.ta("revoked-on", &[
                    ("date", revocation["revokedAt"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| lang.date_time(t.with_timezone(&chrono::Utc))).unwrap_or_default().into()),
                    ("reason", revocation["reason"].as_str().unwrap_or_default().to_string().into()),
                ]))
            }
        } @else if !certificates.is_empty() && chrome.user.as_ref().is_some_and(|u| u.role == "NEC") {
            h2 id="revoke" { (lang.t("revoke-title")) }
            p { (lang.t("revoke-intro")) }
            (revoke_form.summary(lang))
            form method="post" action=(format!("/nec/documents/{id}/revoke")) novalidate {
                (csrf(&visit.csrf))
                // Names (and so ids) of their own: the erasure form below has `reason` too.
                (Field::new("revokeReason", lang.t("revoke-reason")).required().textarea(&revoke_form, lang))
                (Field::new("revokeConfirm", lang.ta("revoke-confirm", &[("number", number.clone().into())])).checkbox(&revoke_form))
                button.danger type="submit" { (lang.t("revoke-button")) }
            }
        }
        h2 id="erase" { (lang.t("erase-title")) }
        p { (lang.t("erase-intro")) }
        (erase_form.summary(lang))
        form method="post" action=(format!("/nec/documents/{id}/erase")) novalidate {
            (csrf(&visit.csrf))
            (Field::new("reason", lang.t("erase-reason")).required().textarea(&erase_form, lang))
            (Field::new("confirm", lang.ta("erase-confirm", &[("number", number.clone().into())])).checkbox(&erase_form))
            button.danger type="submit" { (lang.t("erase-button")) }
        }
    };
    html_page(
        visit,
        status,
        page(
            &chrome,
            &lang.ta("history-title", &[("number", number.into())]),
            body,
        ),
    )
}

/// Checks that an issued certificate can be produced again (a read: GET).
pub async fn verify(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Query(posted): Query<HashMap<String, String>>,
) -> Response {
    let sha = posted.get("sha").cloned().unwrap_or_default();
    match portal
        .run::<Value>(&visit, VERIFY, json!({"id": id, "sha": sha}))
        .await
    {
        Ok(data) => {
            let check = &data["verifyIssuedCertificate"];
            visit.redirect(&format!(
                "/nec/documents/{}/history?verified={}&matches={}",
                encode(&id),
                encode(check["templateVersion"].as_str().unwrap_or_default()),
                check["matches"].as_bool().unwrap_or(false)
            ))
        }
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => failure_page(&visit, &errors),
    }
}

/// The history page's two final decisions, each a reason and an explicit confirmation, or
/// nothing happens.
#[derive(Clone, Copy)]
enum Decision {
    /// R-ERASE: the participant's personal data.
    Erase,
    /// Issue 23 (NEC staff): the issued certificate.
    Revoke,
}

impl Decision {
    /// The form's reason and confirmation fields (each form has names, and ids, of its own).
    fn fields(self) -> (&'static str, &'static str) {
        match self {
            Self::Erase => ("reason", "confirm"),
            Self::Revoke => ("revokeReason", "revokeConfirm"),
        }
    }

    fn operation(self) -> &'static str {
        match self {
            Self::Erase => ERASE,
            Self::Revoke => REVOKE,
        }
    }

    /// What the history page says afterwards (`?erased=1`, `?revoked=1`).
    fn done(self) -> &'static str {
        match self {
            Self::Erase => "erased=1",
            Self::Revoke => "revoked=1",
        }
    }

    fn not_confirmed(self) -> &'static str {
        match self {
            Self::Erase => "erase-not-confirmed",
            Self::Revoke => "revoke-not-confirmed",
        }
    }

    /// The page again, with this form's values and errors.
    fn forms(self, form: FormState) -> Forms {
        match self {
            Self::Erase => Forms {
                erase: form,
                ..Forms::default()
            },
            Self::Revoke => Forms {
                revoke: form,
                ..Forms::default()
            },
        }
    }
}

pub async fn erase(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    decide(&portal, &visit, &id, posted, Decision::Erase).await
}

pub async fn revoke(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    decide(&portal, &visit, &id, posted, Decision::Revoke).await
}

async fn decide(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    posted: HashMap<String, String>,
    decision: Decision,
) -> Response {
    let (reason_field, confirm_field) = decision.fields();
    let mut form = FormState::with_values(posted.clone());
    let no_query = HistoryQuery::default();
    let again = |form: FormState| {
        history_page(
            portal,
            visit,
            id,
            &no_query,
            decision.forms(form),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if posted.get(confirm_field).map(String::as_str) != Some("on") {
        form.add(Some(confirm_field), visit.lang.t(decision.not_confirmed()));
        return again(form).await;
    }
    let reason = posted.get(reason_field).cloned().unwrap_or_default();
    match portal
        .run::<Value>(
            visit,
            decision.operation(),
            json!({"id": id, "reason": reason}),
        )
        .await
    {
        Ok(_) => visit.redirect(&format!(
            "/nec/documents/{}/history?{}",
            encode(id),
            decision.done()
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            form.add_errors(visit.lang, &errors, &["reason"]);
            // The API names its argument `reason`; the form's field may be named otherwise.
            for (field, _) in &mut form.errors {
                if field.as_deref() == Some("reason") {
                    *field = Some(reason_field.into());
                }
            }
            again(form).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_is_read_by_its_label_and_a_text_as_it_is() {
        let choice = r#"{"code":"VET_PROVIDER","kind":"listed","label":{"en":"Vocational school","lv":"Profesionālā skola"}}"#;
        assert_eq!(readable(Some(choice), Lang::Lv), "Profesionālā skola");
        assert_eq!(readable(Some(choice), Lang::En), "Vocational school");
        assert_eq!(readable(Some("Metināšana"), Lang::Lv), "Metināšana");
        assert_eq!(readable(None, Lang::En), "–");
        let skills = r#"[{"language":"de","listening":"B1","writing":"A2"}]"#;
        assert_eq!(readable(Some(skills), Lang::En), "de B1/–/–/–/A2");
    }
}
