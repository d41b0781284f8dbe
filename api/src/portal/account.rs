//! Accounts in the browser (R-REG, R-SESSION): register, confirm, log in and out, forgotten
//! and changed passwords, the language switch and the session's honest countdown.

use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::layout::{notice, page, Chrome};
use super::operations as op;
use super::visit::{encode, local_path, Visit};
use super::{html_page, Portal};
use crate::portal::genuine::GenuineForm;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use maud::html;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

fn field<'a>(posted: &'a HashMap<String, String>, name: &str) -> &'a str {
    posted.get(name).map_or("", |v| v.as_str())
}

/// A form post that is not genuine (CSRF token or origin) changes nothing.
pub fn refused_form(visit: &Visit) -> Response {
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        p { (visit.lang.t("form-expired")) }
        p { a href=(local_path(Some(&visit.here))) { (visit.lang.t("form-expired-again")) } }
    };
    html_page(
        visit,
        StatusCode::FORBIDDEN,
        page(&chrome, &visit.lang.t("form-expired-title"), body),
    )
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    email: Option<String>,
    bye: Option<String>,
    reset: Option<String>,
}

pub async fn login_form(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(query): Query<LoginQuery>,
) -> Response {
    // Someone still logged in (another tab kept the session alive) goes on.
    if portal.seconds_left(&visit).await.is_some_and(|s| s > 0) {
        return visit.redirect(&local_path(query.next.as_deref()));
    }
    let mut form = FormState::default();
    form.values
        .insert("email".into(), query.email.clone().unwrap_or_default());
    form.values
        .insert("next".into(), local_path(query.next.as_deref()));
    let mut response = login_page(&visit, &form, &query, StatusCode::OK);
    if visit.logged_in() {
        // The cookie names a session that has ended.
        visit.clear_session(&mut response);
    }
    response
}

fn login_page(visit: &Visit, form: &FormState, query: &LoginQuery, status: StatusCode) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        @if query.expired.is_some() { (notice(&lang.t("session-expired"))) }
        @if query.bye.is_some() { (notice(&lang.t("logged-out"))) }
        @if query.reset.is_some() { (notice(&lang.t("password-was-reset"))) }
        (form.summary(lang))
        form method="post" action="/login" novalidate {
            (csrf(&visit.csrf))
            input type="hidden" name="next" value=(form.value("next"));
            (Field::new("email", lang.t("field-email")).kind("email").required().autocomplete("username").input(form, lang))
            (Field::new("password", lang.t("field-password")).kind("password").required().autocomplete("current-password").input(form, lang))
            button type="submit" { (lang.t("login")) }
        }
        p { a href="/password/forgot" { (lang.t("forgot-password")) } }
        p { (lang.t("no-account")) " " a href="/register" { (lang.t("nav-register")) } }
    };
    html_page(visit, status, page(&chrome, &lang.t("login-title"), body))
}

pub async fn login(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    #[derive(Deserialize)]
    struct Data {
        login: Login,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Login {
        token: String,
        must_change_password: bool,
    }
    let next = local_path(posted.get("next").map(String::as_str));
    let mut anonymous = visit.clone();
    anonymous.token = None;
    let variables =
        json!({"email": field(&posted, "email"), "password": field(&posted, "password")});
    match portal.run::<Data>(&anonymous, op::LOGIN, variables).await {
        Ok(data) => {
            let to = if data.login.must_change_password {
                "/password?first=1".to_string()
            } else {
                next
            };
            let mut response = visit.redirect(&to);
            visit.set_session(&mut response, &data.login.token);
            response
        }
        Err(failed) => {
            let mut form = FormState::default();
            form.values
                .insert("email".into(), field(&posted, "email").to_string());
            form.values.insert("next".into(), next);
            form.add_errors(visit.lang, &failed.errors(), &["email", "password"]);
            login_page(
                &visit,
                &form,
                &LoginQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn logout(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(_): GenuineForm<HashMap<String, String>>,
) -> Response {
    if visit.logged_in() {
        let _ = portal
            .run::<serde_json::Value>(&visit, op::LOGOUT, json!({}))
            .await;
    }
    let mut response = visit.redirect("/login?bye=1");
    visit.clear_session(&mut response);
    response
}

pub async fn register_form(visit: Visit) -> Response {
    register_page(&visit, &FormState::default(), StatusCode::OK)
}

fn register_page(visit: &Visit, form: &FormState, status: StatusCode) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        p { (lang.t("register-intro")) }
        (form.summary(lang))
        form method="post" action="/register" novalidate {
            (csrf(&visit.csrf))
            (Field::new("name", lang.t("field-institution-name")).required().autocomplete("organization").input(form, lang))
            (Field::new("email", lang.t("field-email")).kind("email").required().autocomplete("email").hint(lang.t("register-email-hint")).input(form, lang))
            button type="submit" { (lang.t("register")) }
        }
        p { a href="/register/resend" { (lang.t("resend-link")) } }
    };
    html_page(
        visit,
        status,
        page(&chrome, &lang.t("register-title"), body),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Started {
    email: String,
    link_expires_at: chrono::DateTime<chrono::Utc>,
}

fn check_your_mail(visit: &Visit, started: &Started) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let until = lang.date_time(started.link_expires_at);
    let body = html! {
        (notice(&lang.ta("link-sent", &[("email", started.email.clone().into()), ("until", until.into())])))
        p { (lang.t("link-sent-next")) }
        p { a href="/register/resend" { (lang.t("resend-link")) } }
    };
    html_page(
        visit,
        StatusCode::OK,
        page(&chrome, &lang.t("check-your-mail"), body),
    )
}

pub async fn register(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        register_institution: Started,
    }
    let variables = json!({"name": field(&posted, "name"), "email": field(&posted, "email")});
    match portal.run::<Data>(&visit, op::REGISTER, variables).await {
        Ok(data) => check_your_mail(&visit, &data.register_institution),
        Err(failed) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &failed.errors(), &["name", "email"]);
            register_page(&visit, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

pub async fn resend_form(visit: Visit) -> Response {
    resend_page(&visit, &FormState::default(), StatusCode::OK)
}

fn resend_page(visit: &Visit, form: &FormState, status: StatusCode) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        p { (lang.t("resend-intro")) }
        (form.summary(lang))
        form method="post" action="/register/resend" novalidate {
            (csrf(&visit.csrf))
            (Field::new("email", lang.t("field-email")).kind("email").required().autocomplete("email").input(form, lang))
            button type="submit" { (lang.t("resend-button")) }
        }
    };
    html_page(visit, status, page(&chrome, &lang.t("resend-title"), body))
}

pub async fn resend(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        resend_registration_link: Started,
    }
    let variables = json!({"email": field(&posted, "email")});
    match portal.run::<Data>(&visit, op::RESEND_LINK, variables).await {
        Ok(data) => check_your_mail(&visit, &data.resend_registration_link),
        Err(failed) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &failed.errors(), &["email"]);
            resend_page(&visit, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The e-mailed link only shows a button: the password is made on POST, so that mail scanners
/// that open links do not use it up.
pub async fn confirm_form(visit: Visit, Query(query): Query<TokenQuery>) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(&visit);
    let body = html! {
        p { (lang.t("confirm-intro")) }
        form method="post" action="/confirm-registration" {
            (csrf(&visit.csrf))
            input type="hidden" name="token" value=(query.token.unwrap_or_default());
            button type="submit" { (lang.t("confirm")) }
        }
    };
    html_page(
        &visit,
        StatusCode::OK,
        page(&chrome, &lang.t("confirm-title"), body),
    )
}

pub async fn confirm(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        confirm_registration: Confirmed,
    }
    #[derive(Deserialize)]
    struct Confirmed {
        email: String,
        password: String,
    }
    let lang = visit.lang;
    let chrome = Chrome::anonymous(&visit);
    let mut anonymous = visit.clone();
    anonymous.token = None;
    match portal
        .run::<Data>(
            &anonymous,
            op::CONFIRM,
            json!({"token": field(&posted, "token")}),
        )
        .await
    {
        Ok(data) => {
            let done = data.confirm_registration;
            let body = html! {
                p { (lang.t("confirmed-intro")) }
                dl.secret {
                    dt { (lang.t("field-email")) } dd { code id="email" { (done.email) } }
                    dt { (lang.t("field-password")) } dd { code id="password" { (done.password) } }
                }
                p.warning { strong { (lang.t("password-shown-once")) } }
                p { a.button href=(format!("/login?email={}", encode(&done.email))) { (lang.t("go-to-login")) } }
            };
            html_page(
                &visit,
                StatusCode::OK,
                page(&chrome, &lang.t("confirmed-title"), body),
            )
        }
        Err(failed) => {
            let mut form = FormState::default();
            form.add_errors(lang, &failed.errors(), &[]);
            let body = html! {
                (form.summary(lang))
                p { a href="/register/resend" { (lang.t("resend-link")) } }
            };
            html_page(
                &visit,
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&chrome, &lang.t("confirm-failed-title"), body),
            )
        }
    }
}

pub async fn forgot_form(visit: Visit) -> Response {
    forgot_page(&visit, &FormState::default(), false, StatusCode::OK)
}

fn forgot_page(visit: &Visit, form: &FormState, sent: bool, status: StatusCode) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        @if sent { (notice(&lang.t("reset-sent"))) }
        p { (lang.t("forgot-intro")) }
        (form.summary(lang))
        form method="post" action="/password/forgot" novalidate {
            (csrf(&visit.csrf))
            (Field::new("email", lang.t("field-email")).kind("email").required().autocomplete("username").input(form, lang))
            button type="submit" { (lang.t("send-reset")) }
        }
    };
    html_page(visit, status, page(&chrome, &lang.t("forgot-title"), body))
}

pub async fn forgot(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let variables = json!({"email": field(&posted, "email")});
    match portal
        .run::<serde_json::Value>(&visit, op::REQUEST_RESET, variables)
        .await
    {
        Ok(_) => forgot_page(
            &visit,
            &FormState::with_values(posted.clone()),
            true,
            StatusCode::OK,
        ),
        Err(failed) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &failed.errors(), &["email"]);
            forgot_page(&visit, &form, false, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

pub async fn reset_form(visit: Visit, Query(query): Query<TokenQuery>) -> Response {
    let mut form = FormState::default();
    form.values
        .insert("token".into(), query.token.unwrap_or_default());
    reset_page(&visit, &form, StatusCode::OK)
}

fn reset_page(visit: &Visit, form: &FormState, status: StatusCode) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        p { (lang.t("password-rules")) }
        (form.summary(lang))
        form method="post" action="/password/reset" novalidate {
            (csrf(&visit.csrf))
            input type="hidden" name="token" value=(form.value("token"));
            (Field::new("newPassword", lang.t("field-new-password")).kind("password").required().autocomplete("new-password").input(form, lang))
            button type="submit" { (lang.t("set-password")) }
        }
    };
    html_page(visit, status, page(&chrome, &lang.t("reset-title"), body))
}

pub async fn reset(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let variables =
        json!({"token": field(&posted, "token"), "newPassword": field(&posted, "newPassword")});
    let mut anonymous = visit.clone();
    anonymous.token = None;
    match portal
        .run::<serde_json::Value>(&anonymous, op::RESET, variables)
        .await
    {
        Ok(_) => {
            let mut response = visit.redirect("/login?reset=1");
            visit.clear_session(&mut response);
            response
        }
        Err(failed) => {
            let mut form = FormState::default();
            form.values
                .insert("token".into(), field(&posted, "token").to_string());
            form.add_errors(visit.lang, &failed.errors(), &["newPassword"]);
            reset_page(&visit, &form, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Deserialize)]
pub struct ChangeQuery {
    first: Option<String>,
    changed: Option<String>,
}

pub async fn change_form(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(query): Query<ChangeQuery>,
) -> Response {
    let user = match portal.frame(&visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let chrome = Chrome {
        visit: &visit,
        user: Some(user),
    };
    change_page(&chrome, &FormState::default(), &query, StatusCode::OK)
}

fn change_page(
    chrome: &Chrome,
    form: &FormState,
    query: &ChangeQuery,
    status: StatusCode,
) -> Response {
    let lang = chrome.lang();
    let body = html! {
        @if query.first.is_some() { (notice(&lang.t("change-emailed-password"))) }
        @if query.changed.is_some() { (notice(&lang.t("password-changed"))) }
        p { (lang.t("password-rules")) }
        (form.summary(lang))
        form method="post" action="/password" novalidate {
            (csrf(&chrome.visit.csrf))
            (Field::new("currentPassword", lang.t("field-current-password")).kind("password").required().autocomplete("current-password").input(form, lang))
            (Field::new("newPassword", lang.t("field-new-password")).kind("password").required().autocomplete("new-password").input(form, lang))
            button type="submit" { (lang.t("change-password")) }
        }
    };
    html_page(
        chrome.visit,
        status,
        page(chrome, &lang.t("change-password-title"), body),
    )
}

pub async fn change(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let variables = json!({"currentPassword": field(&posted, "currentPassword"), "newPassword": field(&posted, "newPassword")});
    match portal
        .run::<serde_json::Value>(&visit, op::CHANGE_PASSWORD, variables)
        .await
    {
        Ok(_) => visit.redirect("/password?changed=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(failed) => {
            let user = match portal.frame(&visit).await {
                Ok(user) => user,
                Err(response) => return response,
            };
            let chrome = Chrome {
                visit: &visit,
                user: Some(user),
            };
            let mut form = FormState::default();
            form.add_errors(
                visit.lang,
                &failed.errors(),
                &["currentPassword", "newPassword"],
            );
            let query = ChangeQuery {
                first: None,
                changed: None,
            };
            change_page(&chrome, &form, &query, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Deserialize)]
pub struct BackQuery {
    back: Option<String>,
}

/// The language switch: remembers the choice and returns to the same place.
pub async fn language(
    visit: Visit,
    Path(code): Path<String>,
    Query(query): Query<BackQuery>,
) -> Response {
    let back = local_path(query.back.as_deref());
    let mut response = visit.redirect(&back);
    if let Some(lang) = super::i18n::Lang::parse(&code) {
        visit.set_lang(&mut response, lang);
    }
    response
}

/// The session's remaining seconds, read without extending it (the countdown asks before it
/// sends the person to the login page, as another tab may have kept the session alive).
pub async fn session_left(Extension(portal): Extension<Portal>, visit: Visit) -> Response {
    let seconds = portal.seconds_left(&visit).await.unwrap_or(0);
    Json(json!({ "secondsLeft": seconds })).into_response()
}
