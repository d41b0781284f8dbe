//! Requesting a mobility (R-REQ, R-10WEEKS, R-PROC, R-TRYOUT) and a mobility's page: where it
//! stands, its documents with holder, Europass number and completeness (R-COMPLETE), and the
//! certificates to download (R-PDF). NEC staff decide on the same page (R-APPROVE).

use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::home::{status_badge, Connection, Labels};
use super::i18n::Lang;
use super::layout::{notice, page, Chrome};
use super::operations as op;
use super::visit::Visit;
use super::{html_page, Frame, Portal};
use crate::portal::genuine::GenuineForm;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::html;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    reference_data: ReferenceData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReferenceData {
    procedures: Vec<ProcedureInfo>,
    issuers: Vec<Coded>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProcedureInfo {
    procedure: Coded,
    programmes: Vec<Coded>,
    host_countries: Vec<Coded>,
}

#[derive(Deserialize, Clone)]
struct Coded {
    code: String,
    en: String,
    lv: String,
}

impl Coded {
    fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Lv => &self.lv,
            Lang::En => &self.en,
        }
    }
}

/// The request form's fields; `programmeA`/`programmeC` both become `programme`.
const REQUEST_FIELDS: [&str; 12] = [
    "acceptConditions",
    "issuer",
    "procedure",
    "programmeA",
    "programmeC",
    "projectNumber",
    "description",
    "qualityCriteriaConfirmed",
    "participants",
    "foldersByPost",
    "startDate",
    "endDate",
];

pub async fn request_form(Extension(portal): Extension<Portal>, visit: Visit) -> Response {
    let mut form = FormState::default();
    form.values.insert("issuer".into(), "NEC_LV".into());
    form.values.insert("procedure".into(), "A".into());
    form.values.insert("participants".into(), "1".into());
    request_page(&portal, &visit, &form, StatusCode::OK).await
}

async fn request_page(
    portal: &Portal,
    visit: &Visit,
    form: &FormState,
    status: StatusCode,
) -> Response {
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Steps {
        next_steps: Vec<Step>,
    }
    #[derive(Deserialize)]
    struct Step {
        kind: String,
        available: bool,
    }
    // R-BASE: requests are offered once the base data are complete (the home page says so).
    let steps = portal
        .run::<Steps>(visit, op::NEXT_STEPS, serde_json::Value::Null)
        .await;
    let blocked = steps.is_ok_and(|s| {
        s.next_steps
            .iter()
            .any(|step| step.kind == "REQUEST_MOBILITY" && !step.available)
    });
    if blocked {
        let lang = visit.lang;
        let chrome = Chrome {
            visit,
            user: Some(user),
        };
        let body = html! {
            p.warning { (lang.t("request-needs-base-data")) }
            p { a.button href="/institution" { (lang.t("nav-institution")) } }
        };
        return html_page(
            visit,
            StatusCode::OK,
            page(&chrome, &lang.t("request-title"), body),
        );
    }
    let reference = match portal
        .load::<Reference>(visit, op::REFERENCE, serde_json::Value::Null)
        .await
    {
        Ok(data) => data.reference_data,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let programmes = |code: &str| -> Vec<(String, String)> {
        reference
            .procedures
            .iter()
            .find(|p| p.procedure.code == code)
            .map(|p| {
                p.programmes
                    .iter()
                    .map(|c| (c.code.clone(), c.label(lang).to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let chosen_procedure = form.value("procedure");
    let chosen_issuer = form.value("issuer");
    let body = html! {
        (form.summary(lang))
        form.request method="post" action="/mobilities/new" novalidate {
            (csrf(&visit.csrf))
            fieldset {
                legend { (lang.t("conditions-title")) }
                div.conditions {
                    p { (lang.t("conditions-1")) }
                    p { (lang.t("conditions-2")) }
                    p { (lang.t("conditions-3")) }
                }
                (Field::new("acceptConditions", lang.t("field-acceptConditions")).checkbox(form))
            }
            fieldset.choices {
                legend { (lang.t("field-issuer")) }
                @if let Some(error) = form.error("issuer") { p.error id="issuer-error" { (error) } }
                @for issuer in &reference.issuers {
                    @let value = issuer.code.replace('-', "_");
                    label {
                        input type="radio" name="issuer" id=(format!("issuer-{value}")) value=(value) checked[value == chosen_issuer];
                        span {
                            (issuer.label(lang))
                            @if value == "TRY_OUT" { br; span.hint { (lang.t("try-out-hint")) } }
                        }
                    }
                }
            }
            fieldset.choices {
                legend { (lang.t("field-procedure")) }
                @if let Some(error) = form.error("procedure") { p.error id="procedure-error" { (error) } }
                @for info in &reference.procedures {
                    @let code = &info.procedure.code;
                    label {
                        input type="radio" name="procedure" id=(format!("procedure-{code}")) value=(code) checked[code == chosen_procedure];
                        span { (info.procedure.label(lang)) }
                    }
                }
                details {
                    summary { (lang.t("host-countries")) }
                    @for info in &reference.procedures {
                        p {
                            strong { (lang.ta("host-countries-of", &[("procedure", info.procedure.code.clone().into()), ("count", (info.host_countries.len() as i64).into())])) }
                            " "
                            (info.host_countries.iter().map(|c| c.label(lang).to_string()).collect::<Vec<_>>().join(", "))
                        }
                    }
                }
            }
            div.proc.proc-A {
                (Field::new("programmeA", lang.t("field-programme")).required().hint(lang.t("procedure-a-only")).select(form, lang, &programmes("A")))
            }
            div.proc.proc-C {
                (Field::new("programmeC", lang.t("field-programme")).required().hint(lang.t("procedure-c-only")).select(form, lang, &programmes("C")))
            }
            div.proc.proc-A.proc-C {
                (Field::new("projectNumber", lang.t("field-projectNumber")).required().hint(lang.t("procedure-ac-only")).input(form, lang))
            }
            div.proc.proc-B {
                (Field::new("description", lang.t("field-description")).required().hint(lang.t("procedure-b-only")).textarea(form, lang))
                (Field::new("qualityCriteriaConfirmed", lang.t("field-qualityCriteriaConfirmed")).checkbox(form))
            }
            (Field::new("participants", lang.t("field-participants")).kind("number").required().hint(lang.t("participants-hint")).input(form, lang))
            (Field::new("startDate", lang.t("field-startDate")).kind("date").required().hint(lang.t("ten-weeks-rule")).input(form, lang))
            (Field::new("endDate", lang.t("field-endDate")).kind("date").required().input(form, lang))
            (Field::new("foldersByPost", lang.t("field-foldersByPost")).checkbox(form))
            button type="submit" { (lang.t("send-request")) }
        }
    };
    html_page(visit, status, page(&chrome, &lang.t("request-title"), body))
}

pub async fn request(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<Vec<(String, String)>>,
) -> Response {
    let posted: HashMap<String, String> = posted.into_iter().collect();
    let get = |name: &str| {
        posted
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let optional = |name: &str| {
        let value = get(name);
        if value.is_empty() {
            serde_json::Value::Null
        } else {
            json!(value)
        }
    };
    let procedure = get("procedure");
    let programme = match procedure.as_str() {
        "A" => optional("programmeA"),
        "C" => optional("programmeC"),
        _ => serde_json::Value::Null,
    };
    let (ac, b) = (procedure == "A" || procedure == "C", procedure == "B");
    let checked = |name: &str| posted.get(name).is_some_and(|v| v == "on");
    // A number the browser did not check is refused by the API as out of range.
    let participants: i64 = get("participants").parse().unwrap_or(0);
    let input = json!({
        "acceptConditions": checked("acceptConditions"),
        "issuer": if get("issuer") == "TRY_OUT" { "TRY_OUT" } else { "NEC_LV" },
        "procedure": procedure,
        "programme": if ac { programme } else { serde_json::Value::Null },
        "projectNumber": if ac { optional("projectNumber") } else { serde_json::Value::Null },
        "description": if b { optional("description") } else { serde_json::Value::Null },
        "qualityCriteriaConfirmed": if b { json!(checked("qualityCriteriaConfirmed")) } else { serde_json::Value::Null },
        "participants": participants.clamp(i64::from(i32::MIN), i64::from(i32::MAX)),
        "foldersByPost": checked("foldersByPost"),
        "startDate": get("startDate"),
        "endDate": get("endDate"),
    });
    // A date the browser did not check (no date picker) is answered beside its field: the
    // API's Date scalar would refuse it for the whole request, naming no field.
    let mut malformed = FormState::with_values(posted.clone());
    for name in ["startDate", "endDate"] {
        let value = get(name);
        if value.is_empty() {
            malformed.add(Some(name), visit.lang.t("date-missing"));
        } else if chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_err() {
            malformed.add(Some(name), visit.lang.t("date-invalid"));
        }
    }
    if !malformed.errors.is_empty() {
        return request_page(
            &portal,
            &visit,
            &malformed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        request_mobility: Id,
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    match portal
        .run::<Data>(&visit, op::REQUEST_MOBILITY, json!({"input": input}))
        .await
    {
        Ok(data) => visit.redirect(&format!(
            "/mobilities/{}?requested=1",
            data.request_mobility.id
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(mut errors)) => {
            for error in &mut errors {
                if error
                    .field
                    .as_deref()
                    .is_some_and(|f| f.ends_with("programme"))
                {
                    error.field = Some(
                        if procedure == "C" {
                            "programmeC"
                        } else {
                            "programmeA"
                        }
                        .into(),
                    );
                }
            }
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &errors, &REQUEST_FIELDS);
            request_page(&portal, &visit, &form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MobilityData {
    #[serde(flatten)]
    frame: Frame,
    mobility: MobilityView,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MobilityView {
    id: String,
    status: String,
    is_try_out: bool,
    procedure: String,
    participants: i32,
    folders_by_post: bool,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    requested_at: chrono::DateTime<chrono::Utc>,
    decided_at: Option<chrono::DateTime<chrono::Utc>>,
    rejection_reason: Option<String>,
    pending_documents: i32,
    age_hours: Option<i64>,
    overdue: bool,
    project_number: Option<String>,
    description: Option<String>,
    issuer: Labels,
    programme: Option<Labels>,
    institution: Named,
    documents: Documents,
}

#[derive(Deserialize)]
pub struct Named {
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Documents {
    total_count: i64,
    #[serde(flatten)]
    page: Connection<DocumentItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocumentItem {
    id: String,
    europass_number: String,
    holder_name: Option<String>,
    missing_fields: Option<i32>,
    complete: bool,
    missing: Vec<Missing>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Missing {
    label: String,
    section_label: String,
}

#[derive(Deserialize, Default)]
pub struct Shown {
    pub requested: Option<String>,
    pub decided: Option<String>,
    pub granted: Option<i64>,
}

pub const GRANT_GROUP: &str =
    "mutation GrantGroup($ids: [ID!]!) { grantParticipantAccessToGroup(documentIds: $ids) }";

/// R-PART: every participant of the mobility whose document names an e-mail gets access
/// (the count says how many got it).
pub async fn grant_group(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(_): GenuineForm<HashMap<String, String>>,
) -> Response {
    let data = match portal
        .load::<MobilityData>(
            &visit,
            op::MOBILITY,
            json!({"id": id, "language": visit.lang.api()}),
        )
        .await
    {
        Ok(data) => data.mobility,
        Err(page) => return page,
    };
    let ids: Vec<String> = data
        .documents
        .page
        .edges
        .into_iter()
        .map(|e| e.node.id)
        .collect();
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Granted {
        grant_participant_access_to_group: i64,
    }
    match portal
        .run::<Granted>(&visit, GRANT_GROUP, json!({"ids": ids}))
        .await
    {
        Ok(granted) => visit.redirect(&format!(
            "/mobilities/{}?granted={}#documents",
            super::visit::encode(&id),
            granted.grant_participant_access_to_group
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            show_with(
                &portal,
                &visit,
                &id,
                &Shown::default(),
                form,
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
    show_with(
        &portal,
        &visit,
        &id,
        &shown,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn show_with(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    shown: &Shown,
    decision: FormState,
    status: StatusCode,
) -> Response {
    if !visit.logged_in() {
        return visit.to_login(false);
    }
    let (user, data) = match portal
        .load::<MobilityData>(
            visit,
            op::MOBILITY,
            json!({"id": id, "language": visit.lang.api()}),
        )
        .await
    {
        Ok(data) => (data.frame.user_bar(), data.mobility),
        Err(page) => return page,
    };
    let lang = visit.lang;
    let is_nec = user.role == "NEC";
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let title = lang.ta(
        "mobility-title",
        &[
            ("procedure", data.procedure.clone().into()),
            ("start", lang.date(data.start_date).into()),
            ("end", lang.date(data.end_date).into()),
        ],
    );
    let complete_count = data
        .documents
        .page
        .edges
        .iter()
        .filter(|e| e.node.complete)
        .count();
    let body = html! {
        @if shown.requested.is_some() {
            (notice(&lang.t(if data.is_try_out { "requested-try-out" } else { "requested-nec" })))
        }
        @if shown.decided.is_some() { (notice(&lang.t("decision-saved"))) }
        p { (status_badge(lang, &data.status, data.pending_documents)) @if data.is_try_out { " " span.badge { "Try Out" } } }
        dl.facts {
            dt { (lang.t("institution")) } dd { (data.institution.name) }
            dt { (lang.t("field-issuer")) } dd { (data.issuer.in_lang(lang)) }
            dt { (lang.t("field-procedure")) } dd { (data.procedure) }
            @if let Some(programme) = &data.programme { dt { (lang.t("field-programme")) } dd { (programme.in_lang(lang)) } }
            @if let Some(number) = &data.project_number { dt { (lang.t("field-projectNumber")) } dd { (number) } }
            @if let Some(description) = &data.description { dt { (lang.t("field-description")) } dd { (description) } }
            dt { (lang.t("field-participants")) } dd { (data.participants) }
            dt { (lang.t("period")) } dd { (lang.date(data.start_date)) " – " (lang.date(data.end_date)) }
            dt { (lang.t("field-foldersByPost")) } dd { (lang.t(if data.folders_by_post { "yes" } else { "no" })) }
            dt { (lang.t("requested-at")) } dd { (lang.date_time(data.requested_at)) }
            @if let Some(at) = data.decided_at { dt { (lang.t("decided-at")) } dd { (lang.date_time(at)) } }
            @if let Some(reason) = &data.rejection_reason { dt { (lang.t("rejection-reason")) } dd { (reason) } }
            @if let Some(hours) = data.age_hours {
                dt { (lang.t("waiting")) }
                dd {
                    (lang.ta("hours", &[("count", hours.into())]))
                    @if data.overdue { " " span.badge.overdue { (lang.t("overdue")) } }
                }
            }
        }
        @if is_nec && data.pending_documents > 0 {
            h2 { (lang.t("decision")) }
            (decision.summary(lang))
            div.actions {
                form method="post" action=(format!("/nec/mobilities/{}/approve", data.id)) {
                    (csrf(&visit.csrf))
                    button type="submit" { (lang.t("approve")) }
                }
            }
            form method="post" action=(format!("/nec/mobilities/{}/reject", data.id)) novalidate {
                (csrf(&visit.csrf))
                (Field::new("reason", lang.t("field-rejection-reason")).required().hint(lang.t("rejection-hint")).textarea(&decision, lang))
                button.danger type="submit" { (lang.t("reject")) }
            }
        }
        h2 id="documents" { (lang.t("documents")) }
        @if !is_nec { (decision.summary(lang)) }
        @if data.documents.total_count == 0 {
            p { (lang.t(if data.status == "REJECTED" { "no-documents-rejected" } else { "no-documents-yet" })) }
        } @else {
            p {
                (lang.ta("documents-complete", &[("complete", (complete_count as i64).into()), ("count", data.documents.total_count.into())]))
            }
            div.actions {
                @if complete_count > 0 {
                    a.button href=(format!("/mobilities/{}/certificates.zip", data.id)) download { (lang.t("download-zip")) }
                }
                @if !is_nec {
                    form method="post" action=(format!("/mobilities/{}/participants", data.id)) {
                        (csrf(&visit.csrf))
                        button.secondary type="submit" { (lang.t("access-group-button")) }
                    }
                }
            }
            @if let Some(count) = shown.granted { (notice(&lang.ta("access-group-done", &[("count", count.into())]))) }
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (lang.t("europass-number")) }
                        th scope="col" { (lang.t("holder")) }
                        th scope="col" { (lang.t("completeness")) }
                        th scope="col" { (lang.t("certificate")) }
                    } }
                    tbody {
                        @for edge in &data.documents.page.edges {
                            @let d = &edge.node;
                            tr {
                                td data-label=(lang.t("europass-number")) { a href=(format!("/documents/{}", d.id)) { (d.europass_number) } }
                                td data-label=(lang.t("holder")) { (d.holder_name.clone().unwrap_or_else(|| lang.t("holder-unknown"))) }
                                td data-label=(lang.t("completeness")) {
                                    @if d.complete {
                                        span.badge.complete { (lang.t("complete")) }
                                    } @else {
                                        span.badge.incomplete { (lang.ta("missing-count", &[("count", i64::from(d.missing_fields.unwrap_or(0)).into())])) }
                                        @if !d.missing.is_empty() {
                                            @let fields = &d.missing;
                                            details {
                                                summary { (lang.t("missing-which")) }
                                                ul { @for f in fields { li { (f.section_label) ": " (f.label) } } }
                                            }
                                        }
                                    }
                                }
                                td data-label=(lang.t("certificate")) {
                                    @if d.complete {
                                        a href=(format!("/documents/{}/certificate.pdf", d.id)) download {
                                            (lang.t("download-pdf")) span.visually-hidden { " " (d.europass_number) }
                                        }
                                    } @else {
                                        (lang.t("pdf-when-complete"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    html_page(visit, status, page(&chrome, &title, body))
}
