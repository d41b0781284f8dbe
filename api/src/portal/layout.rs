//! The frame of every page: language, header with the person's role and session countdown,
//! the language switch that keeps the place, and the main landmark.

use super::i18n::Lang;
use super::visit::{encode, Visit};
use maud::{html, Markup, DOCTYPE};

/// Where the person is and who they are, for the frame.
pub struct Chrome<'a> {
    pub visit: &'a Visit,
    pub user: Option<UserBar>,
}

/// The logged-in person as the header shows them.
#[derive(Clone, Debug)]
pub struct UserBar {
    pub email: String,
    pub role: String,
    pub institution: Option<String>,
    pub seconds_left: i64,
}

impl<'a> Chrome<'a> {
    pub fn anonymous(visit: &'a Visit) -> Self {
        Self { visit, user: None }
    }

    pub fn t(&self, key: &str) -> String {
        self.visit.lang.t(key)
    }

    pub fn lang(&self) -> Lang {
        self.visit.lang
    }
}

fn minutes(seconds: i64) -> String {
    let seconds = seconds.max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

pub fn page(chrome: &Chrome, title: &str, body: Markup) -> Markup {
    let lang = chrome.lang();
    let other = lang.other();
    let visit = chrome.visit;
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (chrome.t("app-name")) }
                link rel="stylesheet" href=(super::assets::CSS_URL.as_str());
                script type="module" src=(super::assets::JS_URL.as_str()) {}
                @if let Some(user) = &chrome.user {
                    // Without JavaScript the page still leaves when the session ends.
                    noscript {
                        meta http-equiv="refresh" content=(format!("{};url=/login?expired=1&next={}", user.seconds_left + 1, encode(&visit.here)));
                    }
                }
            }
            body {
                a.skip href="#main" { (chrome.t("skip-to-content")) }
                header.top {
                    a.brand href="/" { (chrome.t("app-name")) }
                    nav aria-label=(chrome.t("nav-label")) {
                        ul {
                            @if let Some(user) = &chrome.user {
                                @if user.role == "INSTITUTION_USER" {
                                    li { a href="/" { (chrome.t("nav-home")) } }
                                    li { a href="/mobilities/new" { (chrome.t("nav-request")) } }
                                    li { a href="/institution" { (chrome.t("nav-institution")) } }
                                }
                                @if user.role == "INSTITUTION_USER" || user.role == "HOST" {
                                    li { a href="/signatures" { (chrome.t("nav-signatures")) } }
                                }
                                @if user.role == "NEC" {
                                    li { a href="/nec/queue" { (chrome.t("nav-queue")) } }
                                    li { a href="/nec/documents" { (chrome.t("nav-search")) } }
                                }
                                li { a href="/password" { (chrome.t("nav-password")) } }
                            } @else {
                                li { a href="/login" { (chrome.t("nav-login")) } }
                                li { a href="/register" { (chrome.t("nav-register")) } }
                            }
                            li {
                                a href=(format!("/language/{}?back={}", other.code(), encode(&visit.here)))
                                  lang=(other.code()) hreflang=(other.code()) { (other.endonym()) }
                            }
                        }
                    }
                    @if let Some(user) = &chrome.user {
                        div.who {
                            span { (user.email) }
                            @if let Some(institution) = &user.institution { " · " span { (institution) } }
                            " · "
                            span.session {
                                (chrome.t("session-left")) " "
                                time id="countdown" data-seconds=(user.seconds_left)
                                     data-expired=(format!("/login?expired=1&next={}", encode(&visit.here)))
                                     role="timer" aria-live="off" { (minutes(user.seconds_left)) }
                            }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(visit.csrf);
                                button.link type="submit" { (chrome.t("logout")) }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer {
                    p { (chrome.t("footer")) " · " a href="/verify" { (chrome.t("nav-verify")) } " · " a href="/graphiql" { "GraphiQL" } }
                }
            }
        }
    }
}

/// A notice (success or information) at the top of a page.
pub fn notice(text: &str) -> Markup {
    html! { p.notice role="status" { (text) } }
}

/// Text with line breaks kept (a message may have several lines).
pub fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.lines().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}
