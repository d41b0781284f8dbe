//! The NEC's queue (R-APPROVE): requests oldest first with their age, the overdue ones
//! marked; approve from the queue, reject with a reason on the request's page.

use super::form::{csrf, FormState};
use super::gql::Failed;
use super::home::Labels;
use super::layout::{notice, page, Chrome};
use super::mobility::{show_with, Named, Shown};
use super::operations as op;
use super::visit::{encode, Visit};
use super::{html_page, Portal};
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
struct Data {
    nec_queue: Queue,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Queue {
    total_count: Option<i64>,
    page_info: PageInfo,
    edges: Vec<super::home::Edge<Item>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    procedure: String,
    participants: i32,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    requested_at: chrono::DateTime<chrono::Utc>,
    age_hours: Option<i64>,
    overdue: bool,
    pending_documents: i32,
    project_number: Option<String>,
    description: Option<String>,
    programme: Option<Labels>,
    institution: Named,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    after: Option<String>,
    approved: Option<String>,
}

pub async fn queue(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(query): Query<QueueQuery>,
) -> Response {
    let user = match portal.frame(&visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = match portal
        .load::<Data>(&visit, op::QUEUE, json!({"after": query.after}))
        .await
    {
        Ok(data) => data.nec_queue,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let chrome = Chrome {
        visit: &visit,
        user: Some(user),
    };
    let body = html! {
        @if query.approved.is_some() { (notice(&lang.t("approved-notice"))) }
        @if data.edges.is_empty() {
            p { (lang.t("queue-empty")) }
        } @else {
            p { (lang.ta("queue-intro", &[("count", data.total_count.unwrap_or(0).into())])) }
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (lang.t("institution")) }
                        th scope="col" { (lang.t("request")) }
                        th scope="col" { (lang.t("waiting")) }
                        th scope="col" { (lang.t("decision")) }
                    } }
                    tbody {
                        @for edge in &data.edges {
                            @let m = &edge.node;
                            tr {
                                td data-label=(lang.t("institution")) { (m.institution.name) }
                                td data-label=(lang.t("request")) {
                                    a href=(format!("/mobilities/{}", m.id)) {
                                        (lang.ta("mobility-title", &[("procedure", m.procedure.clone().into()), ("start", lang.date(m.start_date).into()), ("end", lang.date(m.end_date).into())]))
                                    }
                                    br;
                                    (lang.ta("participants-count", &[("count", i64::from(m.participants).into())]))
                                    @if m.pending_documents != m.participants { " · " (lang.ta("documents-pending", &[("count", i64::from(m.pending_documents).into())])) }
                                    @if let Some(p) = &m.programme { " · " (p.in_lang(lang)) }
                                    @if let Some(n) = &m.project_number { " · " (n) }
                                    @if let Some(d) = &m.description { " · " (d) }
                                    br;
                                    span.hint { (lang.t("requested-at")) " " (lang.date_time(m.requested_at)) }
                                }
                                td data-label=(lang.t("waiting")) {
                                    (lang.ta("hours", &[("count", m.age_hours.unwrap_or(0).into())]))
                                    @if m.overdue { " " span.badge.overdue { (lang.t("overdue")) } }
                                }
                                td data-label=(lang.t("decision")) {
                                    form.inline method="post" action=(format!("/nec/mobilities/{}/approve", m.id)) {
                                        (csrf(&visit.csrf))
                                        input type="hidden" name="back" value="queue";
                                        button type="submit" aria-label=(lang.ta("approve-request-of", &[("institution", m.institution.name.clone().into()), ("request", lang.ta("mobility-title", &[("procedure", m.procedure.clone().into()), ("start", lang.date(m.start_date).into()), ("end", lang.date(m.end_date).into())]).into())])) { (lang.t("approve")) }
                                    }
                                    " "
                                    a href=(format!("/mobilities/{}#reason", m.id)) { (lang.t("reject-with-reason")) }
                                }
                            }
                        }
                    }
                }
            }
            @if data.page_info.has_next_page {
                @if let Some(cursor) = &data.page_info.end_cursor {
                    p { a href=(format!("/nec/queue?after={}", encode(cursor))) { (lang.t("next-page")) } }
                }
            }
        }
    };
    html_page(
        &visit,
        StatusCode::OK,
        page(&chrome, &lang.t("queue-title"), body),
    )
}

pub async fn approve(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    match portal
        .run::<serde_json::Value>(&visit, op::APPROVE, json!({"id": id}))
        .await
    {
        Ok(_) if posted.get("back").map(String::as_str) == Some("queue") => {
            visit.redirect("/nec/queue?approved=1")
        }
        Ok(_) => visit.redirect(&format!("/mobilities/{}?decided=1", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown::default();
            show_with(
                &portal,
                &visit,
                &id,
                &shown,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn reject(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let reason = posted.get("reason").cloned().unwrap_or_default();
    match portal
        .run::<serde_json::Value>(&visit, op::REJECT, json!({"id": id, "reason": reason}))
        .await
    {
        Ok(_) => visit.redirect(&format!("/mobilities/{}?decided=1", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &errors, &["reason"]);
            let shown = Shown::default();
            show_with(
                &portal,
                &visit,
                &id,
                &shown,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
