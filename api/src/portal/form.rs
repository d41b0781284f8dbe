//! Forms: what was typed (kept when a form comes back with errors), and each error beside the
//! field that `extensions.field` names, in the visitor's language, with a summary on top that
//! links to the fields.

use super::gql::ApiError;
use super::i18n::{Arg, Lang};
use maud::{html, Markup};
use std::collections::HashMap;

#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    /// Errors by the form field they belong to.
    pub errors: Vec<(Option<String>, String)>,
}

impl FormState {
    pub fn with_values(values: HashMap<String, String>) -> Self {
        Self {
            values,
            errors: vec![],
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(field, _)| field.as_deref() == Some(name))
            .map(|(_, text)| text.as_str())
    }

    /// Adds the API's errors; an error whose field is not one of `fields` is shown on top.
    pub fn add_errors(&mut self, lang: Lang, errors: &[ApiError], fields: &[&str]) {
        for error in errors {
            let field = error
                .field
                .as_deref()
                .map(|f| f.rsplit('.').next().unwrap_or(f))
                .filter(|f| fields.contains(f))
                .map(str::to_string);
            let text = explain(lang, error, &self.values);
            self.errors.push((field, text));
        }
    }

    pub fn add(&mut self, field: Option<&str>, text: String) {
        self.errors.push((field.map(str::to_string), text));
    }

    /// The summary of every error, each linking to its field.
    pub fn summary(&self, lang: Lang) -> Markup {
        html! {
            @if !self.errors.is_empty() {
                div.errors role="alert" tabindex="-1" id="errors" {
                    h2 { (lang.t("form-has-errors")) }
                    ul {
                        @for (field, text) in &self.errors {
                            li {
                                @if let Some(field) = field {
                                    a href=(format!("#{field}")) {
                                        @if let Some(label) = lang.try_t(&format!("field-{field}"), &[]) { (label) ": " }
                                        (text)
                                    }
                                } @else {
                                    (text)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The person's words for an API error: the reason's text, else the code's, in `lang`.
pub fn explain(lang: Lang, error: &ApiError, values: &HashMap<String, String>) -> String {
    let mut args: Vec<(&'static str, Arg)> = vec![];
    if error.reason.as_deref() == Some("START_TOO_FAR_AHEAD") {
        // The earliest date comes from the domain's rule, for the date the person typed.
        if let Some(start) = values
            .get("startDate")
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        {
            let earliest = domain::mobility::earliest_request_date(start);
            args.push(("earliest", Arg::Text(lang.date(earliest))));
            args.push(("start", Arg::Text(lang.date(start))));
        }
    }
    if let Some(seconds) = error.retry_after_seconds {
        args.push(("seconds", Arg::Number(seconds)));
    }
    if error.reason.as_deref() == Some("USER_LIMIT_REACHED") {
        args.push((
            "limit",
            Arg::Number(domain::institution::MAX_ADDITIONAL_USERS as i64),
        ));
    }
    let reference = error.correlation_id.clone().unwrap_or_default();
    args.push(("reference", Arg::Text(reference)));
    error
        .reason
        .as_deref()
        .and_then(|reason| lang.try_t(&format!("reason-{reason}"), &args))
        .or_else(|| lang.try_t(&format!("code-{}", error.code), &args))
        .unwrap_or_else(|| error.message.clone())
}

/// What a field looks like: its type and whether it must be filled.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: String,
    pub kind: &'a str,
    pub required: bool,
    pub hint: Option<String>,
    pub autocomplete: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: String) -> Self {
        Self {
            name,
            label,
            kind: "text",
            required: false,
            hint: None,
            autocomplete: None,
        }
    }
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    fn described_by(&self, error: bool) -> Option<String> {
        let mut ids = vec![];
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if error {
            ids.push(format!("{}-error", self.name));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// A labelled input with its hint and error.
    pub fn input(&self, form: &FormState, lang: Lang) -> Markup {
        let error = form.error(self.name);
        html! {
            div.field.invalid[error.is_some()] {
                label for=(self.name) {
                    (self.label)
                    @if self.required { " " abbr title=(lang.t("required")) { "*" } }
                }
                @if let Some(hint) = &self.hint { p.hint id=(format!("{}-hint", self.name)) { (hint) } }
                @if let Some(error) = error { p.error id=(format!("{}-error", self.name)) { (error) } }
                input id=(self.name) name=(self.name) type=(self.kind) value=(form.value(self.name))
                    required[self.required] autocomplete=[self.autocomplete]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[self.described_by(error.is_some())];
            }
        }
    }

    /// A labelled multi-line input.
    pub fn textarea(&self, form: &FormState, lang: Lang) -> Markup {
        let error = form.error(self.name);
        html! {
            div.field.invalid[error.is_some()] {
                label for=(self.name) {
                    (self.label)
                    @if self.required { " " abbr title=(lang.t("required")) { "*" } }
                }
                @if let Some(hint) = &self.hint { p.hint id=(format!("{}-hint", self.name)) { (hint) } }
                @if let Some(error) = error { p.error id=(format!("{}-error", self.name)) { (error) } }
                textarea id=(self.name) name=(self.name) rows="3" required[self.required]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[self.described_by(error.is_some())] { (form.value(self.name)) }
            }
        }
    }

    /// A labelled choice from a list of (code, label).
    pub fn select(&self, form: &FormState, lang: Lang, options: &[(String, String)]) -> Markup {
        let error = form.error(self.name);
        let chosen = form.value(self.name);
        html! {
            div.field.invalid[error.is_some()] {
                label for=(self.name) {
                    (self.label)
                    @if self.required { " " abbr title=(lang.t("required")) { "*" } }
                }
                @if let Some(hint) = &self.hint { p.hint id=(format!("{}-hint", self.name)) { (hint) } }
                @if let Some(error) = error { p.error id=(format!("{}-error", self.name)) { (error) } }
                select id=(self.name) name=(self.name) required[self.required]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[self.described_by(error.is_some())] {
                    option value="" { (lang.t("choose")) }
                    @for (code, label) in options {
                        option value=(code) selected[code == chosen] { (label) }
                    }
                }
            }
        }
    }

    /// A checkbox with its label after it.
    pub fn checkbox(&self, form: &FormState) -> Markup {
        let error = form.error(self.name);
        let checked = matches!(form.value(self.name), "on" | "true");
        html! {
            div.field.check.invalid[error.is_some()] {
                @if let Some(error) = error { p.error id=(format!("{}-error", self.name)) { (error) } }
                input id=(self.name) name=(self.name) type="checkbox" value="on" checked[checked]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[self.described_by(error.is_some())];
                label for=(self.name) { (self.label) }
                @if let Some(hint) = &self.hint { p.hint id=(format!("{}-hint", self.name)) { (hint) } }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}
