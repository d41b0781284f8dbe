//! Home (R-BASE): the next steps as the manual lists them, and the institution's mobilities
//! with where each stands.

use super::i18n::Lang;
use super::layout::{page, Chrome};
use super::operations as op;
use super::visit::Visit;
use super::{html_page, Portal};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    next_steps: Vec<NextStep>,
    mobilities: Connection<MobilityItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NextStep {
    kind: String,
    label_en: String,
    label_lv: String,
    available: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection<T> {
    pub edges: Vec<Edge<T>>,
}

#[derive(Deserialize)]
pub struct Edge<T> {
    pub node: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MobilityItem {
    id: String,
    status: String,
    is_try_out: bool,
    procedure: String,
    participants: i32,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    requested_at: chrono::DateTime<chrono::Utc>,
    pending_documents: i32,
    programme: Option<Labels>,
    description: Option<String>,
}

#[derive(Deserialize, Clone, Default)]
pub struct Labels {
    pub en: Option<String>,
    pub lv: Option<String>,
}

impl Labels {
    pub fn in_lang(&self, lang: Lang) -> String {
        match lang {
            Lang::Lv => self.lv.clone().or_else(|| self.en.clone()),
            Lang::En => self.en.clone().or_else(|| self.lv.clone()),
        }
        .unwrap_or_default()
    }
}

/// A mobility's status as a badge.
pub fn status_badge(lang: Lang, status: &str, pending_documents: i32) -> Markup {
    let class = status.to_ascii_lowercase();
    html! {
        span class=(format!("badge {class}")) { (lang.t(&format!("status-{class}"))) }
        @if status == "APPROVED" && pending_documents > 0 {
            " " span.badge.pending { (lang.ta("documents-pending", &[("count", i64::from(pending_documents).into())])) }
        }
    }
}

fn step_link(kind: &str) -> &'static str {
    match kind {
        "COMPLETE_BASE_DATA" => "/institution",
        "REQUEST_MOBILITY" => "/mobilities/new",
        "EDIT_DOCUMENTS" => "#mobilities",
        _ => "#",
    }
}

pub async fn home(Extension(portal): Extension<Portal>, visit: Visit) -> Response {
    let user = match portal.frame(&visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    if user.role == "NEC" {
        return visit.redirect("/nec/queue");
    }
    let lang = visit.lang;
    if user.role != "INSTITUTION_USER" {
        return documents_home(&portal, &visit, user).await;
    }
    let data = match portal
        .load::<Data>(&visit, op::HOME, serde_json::Value::Null)
        .await
    {
        Ok(data) => data,
        Err(page) => return page,
    };
    let chrome = Chrome {
        visit: &visit,
        user: Some(user),
    };
    let body = html! {
        h2 { (lang.t("next-steps")) }
        ol.steps {
            @for step in &data.next_steps {
                li {
                    @let label = if lang == Lang::Lv { &step.label_lv } else { &step.label_en };
                    @if step.available && step.kind != "UPLOAD_SIGNATURE" {
                        a href=(step_link(&step.kind)) { (label) }
                    } @else if step.kind == "COMPLETE_BASE_DATA" {
                        span.done { (label) " — " (lang.t("step-done")) }
                    } @else if step.available {
                        span { (label) " — " (lang.t("step-in-part-2")) }
                    } @else {
                        span { (label) " — " (lang.t("step-blocked")) }
                    }
                }
            }
        }
        h2 id="mobilities" { (lang.t("your-mobilities")) }
        @if data.mobilities.edges.is_empty() {
            p { (lang.t("no-mobilities")) }
        } @else {
            ul.cards {
                @for edge in &data.mobilities.edges {
                    @let m = &edge.node;
                    li {
                        p {
                            a href=(format!("/mobilities/{}", m.id)) {
                                (lang.ta("mobility-title", &[("procedure", m.procedure.clone().into()), ("start", lang.date(m.start_date).into()), ("end", lang.date(m.end_date).into())]))
                            }
                            " " (status_badge(lang, &m.status, m.pending_documents))
                            @if m.is_try_out { " " span.badge { "Try Out" } }
                        }
                        p {
                            (lang.ta("participants-count", &[("count", i64::from(m.participants).into())]))
                            @if let Some(programme) = &m.programme { " · " (programme.in_lang(lang)) }
                            @if let Some(description) = &m.description { " · " (description) }
                            " · " (lang.t("requested-at")) " " (lang.date_time(m.requested_at))
                        }
                    }
                }
            }
        }
    };
    html_page(
        &visit,
        StatusCode::OK,
        page(&chrome, &lang.t("home-title"), body),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyDocuments {
    my_documents: Connection<MyDocument>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyDocument {
    id: String,
    europass_number: Option<String>,
    holder_name: Option<String>,
    complete: bool,
}

/// Home of a host or a participant (R-HOST, R-PART): the documents their e-mail was given.
async fn documents_home(portal: &Portal, visit: &Visit, user: super::layout::UserBar) -> Response {
    let lang = visit.lang;
    let data = match portal
        .load::<MyDocuments>(visit, op::MY_DOCUMENTS, serde_json::Value::Null)
        .await
    {
        Ok(data) => data,
        Err(page) => return page,
    };
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    let body = html! {
        h2 { (lang.t("your-documents")) }
        @if data.my_documents.edges.is_empty() {
            p { (lang.t("home-external")) }
        } @else {
            ul.cards {
                @for edge in &data.my_documents.edges {
                    @let d = &edge.node;
                    li {
                        a href=(format!("/documents/{}", d.id)) { (d.europass_number.clone().unwrap_or_default()) }
                        @if let Some(holder) = &d.holder_name { " · " (holder) }
                        " "
                        @if d.complete { span.badge.complete { (lang.t("complete")) } } @else { span.badge.incomplete { (lang.t("incomplete")) } }
                    }
                }
            }
        }
    };
    html_page(
        visit,
        StatusCode::OK,
        page(&chrome, &lang.t("home-title"), body),
    )
}
