//! R-COPY: the copy panel of a section, and the copy (after its preview, `copy_preview`).

use super::*;
use crate::portal::genuine::GenuineForm;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Sibling {
    pub(super) id: String,
    pub(super) europass_number: String,
    holder_name: Option<String>,
}

/// The other documents of the mobility, as copy targets (institution users only).
pub(super) async fn siblings(portal: &Portal, visit: &Visit, doc: &Doc) -> Vec<Sibling> {
    #[derive(Deserialize)]
    struct Data {
        mobility: Option<Mobility>,
    }
    #[derive(Deserialize)]
    struct Mobility {
        documents: Nodes,
    }
    #[derive(Deserialize)]
    struct Nodes {
        nodes: Vec<Sibling>,
    }
    let Some(mobility) = &doc.mobility_id else {
        return vec![];
    };
    match portal
        .run::<Data>(visit, SIBLINGS, json!({"id": mobility}))
        .await
    {
        Ok(Data { mobility: Some(m) }) => m
            .documents
            .nodes
            .into_iter()
            .filter(|s| s.id != doc.id)
            .collect(),
        _ => vec![],
    }
}

/// The fields of a copyable section, as its inputs name them.
pub(super) fn copyable(section: &str) -> &'static [&'static str] {
    match section {
        "hostOrganisation" => &[
            "name",
            "organisationType",
            "address",
            "country",
            "mentorFirstName",
            "mentorLastName",
            "position",
            "phone",
            "email",
        ],
        "project" => &[
            "objective",
            "qualification",
            "stay",
            "purpose",
            "startDate",
            "endDate",
        ],
        "learningOutcomes" => &[
            "activities",
            "jobRelatedSkills",
            "languageSkills",
            "digitalSkills",
            "organisationalSkills",
            "communicationSkills",
            "otherSkills",
        ],
        _ => &[],
    }
}

pub(super) fn copy_panel(visit: &Visit, doc: &Doc, section: &str, targets: &[Sibling]) -> Markup {
    let lang = visit.lang;
    html! {
        @if !copyable(section).is_empty() && !targets.is_empty() {
            details.copy id="copy" {
                summary { (lang.t("copy-title")) }
                form method="post" action=(format!("/documents/{}/copy/{section}", doc.id)) {
                    (csrf(&visit.csrf))
                    fieldset.choices {
                        legend { (lang.t("copy-fields")) }
                        @for field in copyable(section) {
                            label {
                                input type="checkbox" name="field" value=(field) id=(format!("copy-field-{field}"));
                                span { (lang.t(&format!("field-{field}"))) }
                            }
                        }
                    }
                    fieldset.choices {
                        legend { (lang.t("copy-targets")) }
                        @for target in targets {
                            label {
                                input type="checkbox" name="target" value=(target.id) id=(format!("copy-target-{}", target.id));
                                span { (target.europass_number) @if let Some(holder) = &target.holder_name { " · " (holder) } }
                            }
                        }
                    }
                    p.hint { (lang.t("copy-hint")) }
                    button type="submit" name="step" value="preview" { (lang.t("copy-preview-button")) }
                    " "
                    button.secondary type="submit" { (lang.t("copy-button")) }
                }
            }
        }
    }
}

/// Copies the chosen fields of a section to the chosen documents (R-COPY).
pub async fn copy(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, section)): Path<(String, String)>,
    GenuineForm(posted): GenuineForm<Vec<(String, String)>>,
) -> Response {
    let all = |name: &str| -> Vec<String> {
        posted
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    if posted.iter().any(|(k, v)| k == "step" && v == "preview") {
        return crate::portal::copy_preview::render(
            &portal,
            &visit,
            &id,
            &section,
            &all("field"),
            &all("target"),
        )
        .await;
    }
    let input = json!({"sourceDocument": id, "section": section, "fields": all("field"), "targets": all("target")});
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Data {
        copy_to_documents: Copied,
    }
    #[derive(Deserialize)]
    struct Copied {
        targets: i64,
    }
    match portal
        .run::<Data>(&visit, COPY, json!({"input": input}))
        .await
    {
        // The page says which documents received which fields (the ids and field names are
        // the form's own, checked by the API; the page shows only those it knows).
        Ok(data) => visit.redirect(&format!(
            "/documents/{}?section={}&copied={}&to={}&fields={}",
            encode(&id),
            encode(&section),
            data.copy_to_documents.targets,
            encode(&all("target").join(",")),
            encode(&all("field").join(","))
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: Some(section),
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
