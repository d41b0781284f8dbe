//! R-PERSONAL: the holder's photo, uploaded by choosing a file, replaced, removed.

use super::*;
use crate::portal::genuine::GenuineForm;

/// The photo of the personal data (R-PERSONAL): shown, replaced by choosing a file (the
/// portrait is the file input's label: a click on it opens the choice), removed.
pub(super) fn photo_panel(visit: &Visit, doc: &Doc, form: &FormState) -> Markup {
    let lang = visit.lang;
    let sha = text(doc.personal_data.get("photoSha256"));
    html! {
        section.photo aria-labelledby="photo-title" {
            h3 id="photo-title" { (lang.t("photo-title")) }
            @if let Some(error) = form.error("photo") { p.error id="photo-error" { (error) } }
            form.photo-upload method="post" enctype="multipart/form-data" action=(format!("/documents/{}/photo/upload", doc.id)) {
                (csrf(&visit.csrf))
                label for="photo" {
                    @if sha.is_empty() {
                        span.portrait.empty { (lang.t("photo-none")) }
                    } @else {
                        img.portrait src=(format!("/files/{sha}")) alt=(lang.t("photo-alt")) width="120" height="160";
                    }
                    span.visually-hidden { (lang.t("photo-choose")) }
                }
                input id="photo" name="photo" type="file" accept="image/png,image/jpeg" aria-describedby="photo-hint";
                p.hint id="photo-hint" { (lang.t("photo-hint")) }
                button.secondary type="submit" { (lang.t(if sha.is_empty() { "photo-upload" } else { "photo-replace" })) }
            }
            @if !sha.is_empty() {
                form method="post" action=(format!("/documents/{}/photo/remove", doc.id)) {
                    (csrf(&visit.csrf))
                    button.link type="submit" { (lang.t("photo-remove")) }
                }
            }
        }
    }
}

/// The photo form's post: the file, checked and stored by the same rules as the file API.
/// The body (at most the upload limit) is read whole, and nothing is stored unless its CSRF
/// field is genuine.
pub async fn upload_photo(
    Extension(portal): Extension<Portal>,
    axum::extract::State(state): axum::extract::State<crate::graphql::AppState>,
    visit: Visit,
    Path(id): Path<String>,
    multipart: axum::extract::Multipart,
) -> Response {
    let bytes = match crate::portal::genuine::genuine_file(&visit, multipart, "photo").await {
        Ok(bytes) => Some(bytes),
        Err(refused) => return refused,
    };
    let lang = visit.lang;
    let shown = Shown {
        section: Some("personalData".into()),
        ..Shown::default()
    };
    let bytes = match bytes.filter(|b| !b.is_empty()) {
        Some(bytes) => bytes,
        None => {
            let mut form = FormState::default();
            form.add(Some("photo"), lang.t("photo-missing"));
            return render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match crate::files::upload_photo_as(
        &state,
        visit.correlation_id,
        visit.token.clone(),
        &id,
        bytes,
    )
    .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section=personalData&saved=1",
            encode(&id)
        )),
        Err(commands::CommandError::Unauthenticated { .. }) => visit.to_login(visit.logged_in()),
        Err(err) => {
            let error = crate::portal::gql::errors_of(err, visit.correlation_id);
            let mut form = FormState::default();
            form.add_errors(lang, &error, &["photo"]);
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn remove_photo(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(_): GenuineForm<HashMap<String, String>>,
) -> Response {
    match portal
        .run::<Value>(&visit, REMOVE_PHOTO, json!({"id": id}))
        .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section=personalData&saved=1",
            encode(&id)
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &["photo"]);
            let shown = Shown {
                section: Some("personalData".into()),
                ..Shown::default()
            };
            render(
                &portal,
                &visit,
                &id,
                &shown,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
