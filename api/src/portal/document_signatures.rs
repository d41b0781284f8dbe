//! A document's choice of signature and stamp (R-SIGN): the institution's default of each
//! kind, another stored one, or none ("one signature, sending or host, is enough").

use super::form::csrf;
use super::gql::Failed;
use super::i18n::Lang;
use super::operations as op;
use super::signatures::{kind_label, Stored};
use super::visit::{encode, Visit};
use super::{failure_page, Portal};
use crate::portal::genuine::GenuineForm;
use axum::extract::Path;
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// One box of the document's certificate as the API states it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoxChoice {
    kind: String,
    mode: String,
    signature_id: Option<String>,
}

const KINDS: [&str; 2] = ["SIGNATURE", "STAMP"];

fn field_name(kind: &str) -> String {
    kind.to_lowercase()
}

/// What the select shows as chosen: `DEFAULT`, `EMPTY` or a signature's id.
fn chosen(choices: &[BoxChoice], kind: &str) -> String {
    match choices.iter().find(|c| c.kind == kind) {
        Some(c) if c.mode == "CHOSEN" => c.signature_id.clone().unwrap_or_default(),
        Some(c) => c.mode.clone(),
        None => "DEFAULT".into(),
    }
}

pub fn panel(
    visit: &Visit,
    lang: Lang,
    id: &str,
    choices: &[BoxChoice],
    library: &[Stored],
) -> Markup {
    html! {
        section.signature-choice aria-labelledby="signature-choice-title" {
            h2 id="signature-choice-title" { (lang.t("document-signatures")) }
            p.hint { (lang.t("document-signatures-hint")) }
            form method="post" action=(format!("/documents/{}/signatures", encode(id))) {
                (csrf(&visit.csrf))
                @for kind in KINDS {
                    @let current = chosen(choices, kind);
                    @let default = library.iter().find(|s| s.kind == kind && s.is_default);
                    div.field {
                        label for=(format!("choice-{}", field_name(kind))) { (kind_label(lang, kind)) }
                        select id=(format!("choice-{}", field_name(kind))) name=(field_name(kind)) {
                            option value="DEFAULT" selected[current == "DEFAULT"] {
                                @match default {
                                    Some(s) => (lang.ta("signature-choice-default", &[("name", s.name.clone().into())])),
                                    None => (lang.t("signature-choice-no-default")),
                                }
                            }
                            @for s in library.iter().filter(|s| s.kind == kind) {
                                option value=(s.id) selected[current == s.id] { (s.name) }
                            }
                            option value="EMPTY" selected[current == "EMPTY"] { (lang.t("signature-choice-empty")) }
                        }
                    }
                }
                button.secondary type="submit" { (lang.t("save")) }
            }
            p { a href="/signatures" { (lang.t("signatures-manage")) } }
        }
    }
}

/// The panel's post: both boxes, each through `chooseDocumentSignature`.
pub async fn choose(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    for kind in KINDS {
        let Some(value) = posted.get(&field_name(kind)) else {
            continue;
        };
        let (signature_id, leave_empty) = match value.as_str() {
            "DEFAULT" => (Value::Null, false),
            "EMPTY" => (Value::Null, true),
            other => (json!(other), false),
        };
        let variables =
            json!({"id": id, "kind": kind, "signatureId": signature_id, "leaveEmpty": leave_empty});
        match portal
            .run::<Value>(&visit, op::CHOOSE_DOCUMENT_SIGNATURE, variables)
            .await
        {
            Ok(_) => {}
            Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
            Err(Failed::Errors(errors)) => return failure_page(&visit, &errors),
        }
    }
    visit.redirect(&format!(
        "/documents/{}?saved=1#signature-choice-title",
        encode(&id)
    ))
}
