//! Issue 23: the public verification page (no login). The certificate's QR code opens
//! `/verify/{number}?code=…`; a reader can also type the number and code, or drop the PDF or
//! the credential file on the page. Number and code go through the schema's
//! `certificateVerification`; a file through the same check as `POST /verify` would.

use super::form::{Field, FormState};
use super::gql::errors_of;
use super::html_page;
use super::i18n::Lang;
use super::layout::{page, Chrome};
use super::visit::Visit;
use super::Portal;
use crate::graphql::verification::{CertificateVerification, FileVerification};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};

pub const VERIFY: &str = "query Verify($number: String!, $code: String!) { certificateVerification(number: $number, code: $code) { status europassNumber issuedAt issuer { code en lv } sendingInstitution hostCountry { code en lv } startDate endDate holderName tryOut language revokedAt revocationReason } }";

/// A certificate PDF is a few hundred kilobytes, a credential with its image about as much.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    number: Option<String>,
    code: Option<String>,
}

/// `GET /verify`: the form; with `number` and `code` (the form sent), the answer.
pub async fn form(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(query): Query<VerifyQuery>,
) -> Response {
    match (query.number, query.code) {
        (Some(number), Some(code)) => answer(&portal, &visit, number, code).await,
        _ => verify_page(&visit, &FormState::default(), None, StatusCode::OK),
    }
}

/// `GET /verify/{number}?code=…`: what the QR code opens.
pub async fn by_link(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(number): Path<String>,
    Query(query): Query<VerifyQuery>,
) -> Response {
    answer(&portal, &visit, number, query.code.unwrap_or_default()).await
}

async fn answer(portal: &Portal, visit: &Visit, number: String, code: String) -> Response {
    let mut form = FormState::default();
    form.values.insert("number".into(), number.clone());
    form.values.insert("code".into(), code.clone());
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        certificate_verification: Value,
    }
    let variables = json!({"number": number, "code": code});
    match portal.run::<Data>(visit, VERIFY, variables).await {
        Ok(data) => {
            let result = outcome(visit.lang, &data.certificate_verification);
            verify_page(visit, &form, Some(result), StatusCode::OK)
        }
        Err(failed) => {
            let errors = failed.errors();
            let throttled = errors.iter().any(|e| e.code == "THROTTLED");
            form.add_errors(visit.lang, &errors, &["number", "code"]);
            let status = if throttled {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            verify_page(visit, &form, None, status)
        }
    }
}

/// `POST /verify/file`: a dropped or chosen PDF or credential file.
pub async fn file(
    axum::extract::State(state): axum::extract::State<crate::graphql::AppState>,
    visit: Visit,
    multipart: axum::extract::Multipart,
) -> Response {
    let bytes = match super::genuine::genuine_file(&visit, multipart, "file").await {
        Ok(bytes) => Some(bytes),
        Err(refused) => return refused,
    };
    let lang = visit.lang;
    let mut form = FormState::default();
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        form.add(Some("file"), lang.t("verify-file-missing"));
        return verify_page(&visit, &form, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    match commands::verification::check_file(&state.services, &bytes, visit.client).await {
        Ok(check) => {
            let check = FileVerification::from(check);
            let result = file_outcome(lang, &check);
            verify_page(&visit, &form, Some(result), StatusCode::OK)
        }
        Err(err) => {
            let throttled = matches!(err, commands::CommandError::Throttled { .. });
            form.add_errors(lang, &errors_of(err, visit.correlation_id), &["file"]);
            let status = if throttled {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            verify_page(&visit, &form, None, status)
        }
    }
}

/// The answer about a certificate, as the schema gives it.
fn outcome(lang: Lang, v: &Value) -> Markup {
    let text = |key: &str| v[key].as_str().unwrap_or_default().to_string();
    let date = |key: &str| {
        v[key]
            .as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|d| lang.date(d))
            .unwrap_or_default()
    };
    let moment = |key: &str| {
        v[key]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| lang.date(t.date_naive()))
            .unwrap_or_default()
    };
    let in_language = |key: &str| {
        v[key][if lang == Lang::Lv { "lv" } else { "en" }]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let country = in_language("hostCountry");
    let details = html! {
        dl.facts {
            dt { (lang.t("verify-number")) } dd { (text("europassNumber")) }
            dt { (lang.t("verify-holder")) } dd { (text("holderName")) }
            dt { (lang.t("verify-issued")) } dd { (moment("issuedAt")) }
            dt { (lang.t("verify-issuer")) } dd { (in_language("issuer")) }
            dt { (lang.t("verify-sending")) } dd { (text("sendingInstitution")) }
            dt { (lang.t("verify-host-country")) } dd { (country) }
            dt { (lang.t("verify-period")) } dd { (date("startDate")) " – " (date("endDate")) }
        }
    };
    html! {
        @match v["status"].as_str().unwrap_or_default() {
            "ISSUED" => {
                section.verdict.authentic role="status" aria-labelledby="verdict" {
                    h2 id="verdict" { (lang.t("verify-authentic")) }
                    @if v["tryOut"].as_bool() == Some(true) {
                        p.warning { (lang.t("verify-try-out")) }
                    }
                    p { (lang.t("verify-compare")) }
                    (details)
                }
            }
            "REVOKED" => {
                section.verdict.revoked role="status" aria-labelledby="verdict" {
                    h2 id="verdict" { (lang.t("verify-revoked")) }
                    p { (lang.ta("verify-revoked-on", &[("date", moment("revokedAt").into()), ("reason", text("revocationReason").into())])) }
                    (details)
                }
            }
            "ERASED" => {
                section.verdict.erased role="status" aria-labelledby="verdict" {
                    h2 id="verdict" { (lang.t("verify-erased")) }
                    p { (lang.ta("verify-erased-text", &[("number", text("europassNumber").into())])) }
                }
            }
            _ => {
                section.verdict.unknown role="status" aria-labelledby="verdict" {
                    h2 id="verdict" { (lang.t("verify-unknown")) }
                    p { (lang.t("verify-unknown-text")) }
                }
            }
        }
    }
}

fn file_outcome(lang: Lang, check: &FileVerification) -> Markup {
    let kind = match check.kind {
        Some(crate::graphql::verification::CertificateFileKind::Credential) => {
            "verify-kind-credential"
        }
        _ => "verify-kind-pdf",
    };
    match &check.certificate {
        Some(certificate) if check.issued_by_register => {
            let value = certificate_json(certificate);
            html! {
                p.verdict-file role="status" { (lang.t(kind)) }
                @if check.development_seal {
                    p.warning { (lang.t("verify-development-seal")) }
                }
                (outcome(lang, &value))
            }
        }
        _ => html! {
            section.verdict.unknown role="status" aria-labelledby="verdict" {
                h2 id="verdict" { (lang.t("verify-file-not-ours")) }
                p { (lang.t("verify-file-not-ours-text")) }
            }
        },
    }
}

/// The same shape the schema answers, so one function shows both.
fn certificate_json(c: &CertificateVerification) -> Value {
    use crate::graphql::verification::CertificateState::*;
    json!({
        "status": match c.status { Issued => "ISSUED", Revoked => "REVOKED", Erased => "ERASED", Unknown => "UNKNOWN" },
        "europassNumber": c.europass_number,
        "issuedAt": c.issued_at.map(|t| t.to_rfc3339()),
        "issuer": c.issuer.as_ref().map(|i| json!({"code": i.code, "en": i.en, "lv": i.lv})),
        "sendingInstitution": c.sending_institution,
        "hostCountry": c.host_country.as_ref().map(|h| json!({"code": h.code, "en": h.en, "lv": h.lv})),
        "startDate": c.start_date.as_ref().map(|d| d.0.to_string()),
        "endDate": c.end_date.as_ref().map(|d| d.0.to_string()),
        "holderName": c.holder_name,
        "tryOut": c.try_out,
        "revokedAt": c.revoked_at.map(|t| t.to_rfc3339()),
        "revocationReason": c.revocation_reason,
    })
}

fn verify_page(
    visit: &Visit,
    form: &FormState,
    result: Option<Markup>,
    status: StatusCode,
) -> Response {
    let lang = visit.lang;
    let chrome = Chrome::anonymous(visit);
    let body = html! {
        @if let Some(result) = result { (result) }
        p { (lang.t("verify-intro")) }
        (form.summary(lang))
        form method="get" action="/verify" novalidate {
            (Field::new("number", lang.t("verify-number")).required().hint(lang.t("verify-number-hint")).input(form, lang))
            (Field::new("code", lang.t("verify-code")).required().autocomplete("off").hint(lang.t("verify-code-hint")).input(form, lang))
            button type="submit" { (lang.t("verify-button")) }
        }
        h2 { (lang.t("verify-file-title")) }
        form.drop method="post" action="/verify/file" enctype="multipart/form-data" {
            (super::form::csrf(&visit.csrf))
            label.drop-zone for="file" {
                span { (lang.t("verify-file-drop")) }
                input id="file" name="file" type="file" accept=".pdf,.json,application/pdf,application/json,application/jose+json" required;
            }
            @if let Some(error) = form.error("file") {
                p.error id="file-error" { (error) }
            }
            button.secondary type="submit" { (lang.t("verify-file-button")) }
        }
    };
    html_page(visit, status, page(&chrome, &lang.t("verify-title"), body))
}
