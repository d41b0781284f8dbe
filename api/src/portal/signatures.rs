//! Signatures and stamps in the browser (R-SIGN), for an institution and for a host alike:
//! the library (rename, make default, remove) and the three steps of a new one: choose a file,
//! draw the rectangle on the image (with the mouse, or the four numbers from the keyboard),
//! pick one of the four variants shown side by side, name it and activate it.

use super::form::{csrf, Field, FormState};
use super::gql::Failed;
use super::layout::{notice, page, Chrome};
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
use serde_json::{json, Value};
use std::collections::HashMap;

#[derive(Deserialize)]
pub struct Stored {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub sha256: String,
    #[serde(rename = "isDefault")]
    pub is_default: bool,
}

#[derive(Deserialize)]
struct Library {
    signatures: Vec<Stored>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadData {
    signature_upload: Upload,
}

#[derive(Deserialize)]
struct Upload {
    sha256: Option<String>,
    rect: Option<Rect>,
    variants: Vec<Variant>,
}

#[derive(Deserialize)]
struct Rect {
    x: u32,
    y: u32,
    width: u32,
    height: u32,
}

#[derive(Deserialize)]
struct Variant {
    code: String,
    sha256: String,
}

#[derive(Deserialize)]
pub struct Done {
    saved: Option<String>,
}

/// The kind's label in the page's language.
pub fn kind_label(lang: super::i18n::Lang, kind: &str) -> String {
    lang.t(if kind == "STAMP" {
        "kind-stamp"
    } else {
        "kind-signature"
    })
}

/// The caller's library (an institution's or a host's own).
pub async fn library(portal: &Portal, visit: &Visit) -> Result<Vec<Stored>, Failed> {
    portal
        .run::<Library>(visit, op::SIGNATURES, Value::Null)
        .await
        .map(|l| l.signatures)
}

pub async fn show(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Query(done): Query<Done>,
) -> Response {
    render_library(&portal, &visit, None, done.saved.is_some()).await
}

async fn render_library(
    portal: &Portal,
    visit: &Visit,
    form: Option<FormState>,
    saved: bool,
) -> Response {
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let stored = match library(portal, visit).await {
        Ok(stored) => stored,
        Err(Failed::Unauthenticated { expired }) => return visit.to_login(expired),
        Err(Failed::Errors(errors)) => return super::failure_page(visit, &errors),
    };
    let lang = visit.lang;
    let status = if form.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = form.unwrap_or_default();
    let body = html! {
        @if saved { (notice(&lang.t("signature-saved"))) }
        p { (lang.t("signatures-intro")) }
        (form.summary(lang))
        @if stored.is_empty() {
            p { (lang.t("signatures-none")) }
        } @else {
            ul.library {
                @for s in &stored {
                    li {
                        div.chequered { img src=(format!("/files/{}", s.sha256)) alt=(s.name); }
                        p {
                            strong { (s.name) } " · " (kind_label(lang, &s.kind))
                            @if s.is_default { " " span.badge { (lang.t("signature-default")) } }
                        }
                        div.actions {
                            form method="post" action=(format!("/signatures/{}/rename", encode(&s.id))) {
                                (csrf(&visit.csrf))
                                label for=(format!("name-{}", s.id)) { (lang.t("signature-new-name")) }
                                " "
                                input id=(format!("name-{}", s.id)) name="name" value=(s.name) required;
                                " "
                                button.secondary type="submit" { (lang.t("signature-rename")) }
                            }
                            @if !s.is_default {
                                form method="post" action=(format!("/signatures/{}/default", encode(&s.id))) {
                                    (csrf(&visit.csrf))
                                    button.secondary type="submit" aria-label=(lang.ta("signature-make-default-named", &[("name", s.name.clone().into())])) { (lang.t("signature-make-default")) }
                                }
                            }
                            form method="post" action=(format!("/signatures/{}/remove", encode(&s.id))) {
                                (csrf(&visit.csrf))
                                button.secondary type="submit" aria-label=(lang.ta("signature-remove-named", &[("name", s.name.clone().into())])) { (lang.t("remove")) }
                            }
                        }
                    }
                }
            }
        }
        h2 id="new" { (lang.t("signature-step-1")) }
        form method="post" enctype="multipart/form-data" action="/signatures/upload" {
            (csrf(&visit.csrf))
            div.field.invalid[form.error("image").is_some()] {
                label for="image" { (lang.t("signature-file")) }
                p.hint id="image-hint" { (lang.t("signature-file-hint")) }
                @if let Some(error) = form.error("image") { p.error id="image-error" { (error) } }
                input id="image" name="image" type="file" accept="image/png,image/jpeg" required
                    aria-describedby=(if form.error("image").is_some() { "image-hint image-error" } else { "image-hint" });
            }
            button type="submit" { (lang.t("signature-upload")) }
        }
    };
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    html_page(
        visit,
        status,
        page(&chrome, &lang.t("signatures-title"), body),
    )
}

/// Step 1's post: the file, checked and stored by the same rules as `POST /signatures/uploads`.
pub async fn upload(
    Extension(portal): Extension<Portal>,
    axum::extract::State(state): axum::extract::State<crate::graphql::AppState>,
    visit: Visit,
    multipart: axum::extract::Multipart,
) -> Response {
    let bytes = match super::genuine::genuine_file(&visit, multipart, "image").await {
        Ok(bytes) => Some(bytes),
        Err(refused) => return refused,
    };
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        let mut form = FormState::default();
        form.add(Some("image"), visit.lang.t("signature-file-missing"));
        return render_library(&portal, &visit, Some(form), false).await;
    };
    match crate::files::upload_signature_as(
        &state,
        visit.correlation_id,
        visit.token.clone(),
        bytes,
    )
    .await
    {
        Ok(uploaded) => visit.redirect(&format!(
            "/signatures/uploads/{}?width={}&height={}",
            uploaded.upload_id, uploaded.width, uploaded.height
        )),
        Err(commands::CommandError::Unauthenticated { .. }) => visit.to_login(visit.logged_in()),
        Err(err) => {
            let errors = super::gql::errors_of(err, visit.correlation_id);
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &["image"]);
            render_library(&portal, &visit, Some(form), false).await
        }
    }
}

/// The whole image's size, as step 1 answered it: the rectangle's starting values.
#[derive(Deserialize, Default)]
pub struct Size {
    width: Option<u32>,
    height: Option<u32>,
}

pub async fn upload_page(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    Query(size): Query<Size>,
) -> Response {
    render_upload(&portal, &visit, &id, &size, None, None).await
}

/// Steps 2 and 3 of one upload: the image to draw on and, once a rectangle is chosen, its
/// four variants with the activation form.
async fn render_upload(
    portal: &Portal,
    visit: &Visit,
    id: &str,
    size: &Size,
    rect_form: Option<FormState>,
    activate_form: Option<FormState>,
) -> Response {
    let user = match portal.frame(visit).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let upload = match portal
        .load::<UploadData>(visit, op::SIGNATURE_UPLOAD, json!({"id": id}))
        .await
    {
        Ok(data) => data.signature_upload,
        Err(page) => return page,
    };
    let lang = visit.lang;
    let status = if rect_form.is_some() || activate_form.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let rect_form = rect_form.unwrap_or_else(|| {
        let mut form = FormState::default();
        let (x, y, w, h) = match &upload.rect {
            Some(r) => (r.x, r.y, r.width, r.height),
            None => (0, 0, size.width.unwrap_or(0), size.height.unwrap_or(0)),
        };
        for (name, value) in [("x", x), ("y", y), ("width", w), ("height", h)] {
            if value > 0 || name == "x" || name == "y" {
                form.values
                    .insert(format!("rect-{name}"), value.to_string());
            }
        }
        form
    });
    let activate_form = activate_form.unwrap_or_else(|| {
        let mut form = FormState::default();
        form.values.insert("variant".into(), "TRANSPARENT".into());
        form.values.insert("kind".into(), "SIGNATURE".into());
        form
    });
    let action = |what: &str| format!("/signatures/uploads/{}/{what}", encode(id));
    let chosen_variant = activate_form.value("variant").to_string();
    let chosen_kind = activate_form.value("kind").to_string();
    let body = html! {
        p { a href="/signatures" { (lang.t("signatures-back")) } }
        h2 { (lang.t("signature-step-2")) }
        p id="cutter-hint" { (lang.t("signature-draw-hint")) }
        @if let Some(sha) = &upload.sha256 {
            div.cutter id="cutter" {
                img src=(format!("/files/{sha}")) alt=(lang.t("signature-original-alt")) draggable="false";
                div.cut-box hidden {}
            }
        }
        (rect_form.summary(lang))
        form method="post" action=(action("rect") ) novalidate {
            (csrf(&visit.csrf))
            fieldset {
                legend { (lang.t("signature-rect")) }
                div.rect-fields {
                    (Field::new("rect-x", lang.t("rect-x")).kind("number").required().input(&rect_form, lang))
                    (Field::new("rect-y", lang.t("rect-y")).kind("number").required().input(&rect_form, lang))
                    (Field::new("rect-width", lang.t("rect-width")).kind("number").required().input(&rect_form, lang))
                    (Field::new("rect-height", lang.t("rect-height")).kind("number").required().input(&rect_form, lang))
                }
            }
            button type="submit" { (lang.t("signature-cut")) }
        }
        @if !upload.variants.is_empty() {
            h2 id="variants" { (lang.t("signature-step-3")) }
            (activate_form.summary(lang))
            form method="post" action=(action("activate")) novalidate {
                (csrf(&visit.csrf))
                fieldset.variants {
                    legend { (lang.t("signature-variant")) }
                    @for v in &upload.variants {
                        label {
                            span { input type="radio" name="variant" value=(v.code) checked[v.code == chosen_variant]; " " (lang.t(&format!("variant-{}", v.code))) }
                            span.chequered { img src=(format!("/files/{}", v.sha256)) alt=(lang.t(&format!("variant-{}", v.code))); }
                        }
                    }
                }
                (Field::new("name", lang.t("signature-name")).required().hint(lang.t("signature-name-hint")).input(&activate_form, lang))
                fieldset {
                    legend { (lang.t("signature-kind")) }
                    @for kind in ["SIGNATURE", "STAMP"] {
                        div.field.check {
                            input id=(format!("kind-{kind}")) type="radio" name="kind" value=(kind) checked[kind == chosen_kind];
                            label for=(format!("kind-{kind}")) { (kind_label(lang, kind)) }
                        }
                    }
                }
                (Field::new("makeDefault", lang.t("signature-make-default-check")).hint(lang.t("signature-make-default-hint")).checkbox(&activate_form))
                button type="submit" { (lang.t("signature-activate")) }
            }
        }
    };
    let chrome = Chrome {
        visit,
        user: Some(user),
    };
    html_page(
        visit,
        status,
        page(&chrome, &lang.t("signature-new-title"), body),
    )
}

/// Step 2's post: the rectangle; the variants appear on the same page.
pub async fn choose_rect(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let lang = visit.lang;
    let mut form = FormState::with_values(posted.clone());
    let mut rect = serde_json::Map::new();
    for name in ["x", "y", "width", "height"] {
        let field = format!("rect-{name}");
        match posted.get(&field).map(|v| v.trim().parse::<u32>()) {
            Some(Ok(v)) => {
                rect.insert(name.into(), json!(v));
            }
            _ => form.add(Some(&field), lang.t("rect-not-a-number")),
        }
    }
    if !form.errors.is_empty() {
        return render_upload(&portal, &visit, &id, &Size::default(), Some(form), None).await;
    }
    match portal
        .run::<Value>(
            &visit,
            op::CHOOSE_SIGNATURE_RECT,
            json!({"id": id, "rect": rect}),
        )
        .await
    {
        Ok(_) => visit.redirect(&format!("/signatures/uploads/{}#variants", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            // The API names the whole rectangle; the form shows the error beside its width.
            let mut errors = errors;
            for error in &mut errors {
                if error
                    .field
                    .as_deref()
                    .is_some_and(|f| f.starts_with("rect"))
                {
                    error.field = Some("rect-width".into());
                }
            }
            form.add_errors(
                lang,
                &errors,
                &["rect-x", "rect-y", "rect-width", "rect-height"],
            );
            render_upload(&portal, &visit, &id, &Size::default(), Some(form), None).await
        }
    }
}

/// Step 3's post: the chosen variant, named, as a signature or a stamp.
pub async fn activate(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| posted.get(name).cloned().unwrap_or_default();
    let kind = if get("kind") == "STAMP" {
        "STAMP"
    } else {
        "SIGNATURE"
    };
    let variables = json!({
        "id": id,
        "variant": get("variant"),
        "name": get("name"),
        "kind": kind,
        "makeDefault": get("makeDefault") == "on",
    });
    match portal
        .run::<Value>(&visit, op::ACTIVATE_SIGNATURE, variables)
        .await
    {
        Ok(_) => visit.redirect("/signatures?saved=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::with_values(posted.clone());
            form.add_errors(visit.lang, &errors, &["variant", "name"]);
            render_upload(&portal, &visit, &id, &Size::default(), None, Some(form)).await
        }
    }
}

/// Keeping the library: `rename`, `default` or `remove` one entry.
pub async fn manage(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, what)): Path<(String, String)>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let (operation, variables) = match what.as_str() {
        "rename" => (
            op::RENAME_SIGNATURE,
            json!({"id": id, "name": posted.get("name").cloned().unwrap_or_default()}),
        ),
        "default" => (op::MAKE_SIGNATURE_DEFAULT, json!({"id": id})),
        "remove" => (op::REMOVE_SIGNATURE, json!({"id": id})),
        _ => return super::not_found(visit).await,
    };
    match portal.run::<Value>(&visit, operation, variables).await {
        Ok(_) => visit.redirect("/signatures?saved=1"),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            render_library(&portal, &visit, Some(form), false).await
        }
    }
}
