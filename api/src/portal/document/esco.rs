//! R-OUTCOMES: the ESCO search beside the learning outcomes, and "add text".

use super::*;
use crate::portal::genuine::GenuineForm;

pub const ESCO_SEARCH: &str = "query Esco($text: String!, $kind: EscoKind!, $language: EscoLanguage!) { escoSearch(text: $text, kind: $kind, language: $language, first: 10) { uri preferredLabel description kind } }";
pub const OUTCOMES_NOW: &str = "query OutcomesNow($id: ID!) { document(id: $id) { learningOutcomes { activities jobRelatedSkills digitalSkills organisationalSkills communicationSkills otherSkills } } }";

/// The learning-outcome fields a found ESCO item can be added to.
const ESCO_TARGETS: [&str; 6] = [
    "jobRelatedSkills",
    "activities",
    "digitalSkills",
    "organisationalSkills",
    "communicationSkills",
    "otherSkills",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EscoHit {
    preferred_label: String,
    description: Option<String>,
}

/// The ESCO search beside the learning outcomes: a read-only form (GET), and for each hit an
/// "add text" form that appends its label to a field.
pub(super) async fn esco_panel(portal: &Portal, visit: &Visit, doc: &Doc, shown: &Shown) -> Markup {
    let lang = visit.lang;
    let text = shown.esco.clone().unwrap_or_default();
    let kind = if shown.esco_kind.as_deref() == Some("OCCUPATION") {
        "OCCUPATION"
    } else {
        "SKILL"
    };
    let (hits, failed) = if text.trim().is_empty() {
        (vec![], None)
    } else {
        let variables = json!({"text": text, "kind": kind, "language": lang.api()});
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Data {
            esco_search: Vec<EscoHit>,
        }
        match portal.run::<Data>(visit, ESCO_SEARCH, variables).await {
            Ok(data) => (data.esco_search, None),
            Err(failed) => {
                let mut form = FormState::default();
                form.add_errors(lang, &failed.errors(), &[]);
                (vec![], Some(form))
            }
        }
    };
    html! {
        section.esco aria-labelledby="esco" {
            h3 id="esco" { (lang.t("esco-title")) }
            p.hint { (lang.t("esco-hint")) }
            form.inline-row method="get" action=(format!("/documents/{}", doc.id)) role="search" {
                input type="hidden" name="section" value="learningOutcomes";
                label for="esco-text" { (lang.t("esco-search")) }
                input id="esco-text" name="esco" type="search" value=(text);
                label for="esco-kind" { (lang.t("esco-kind")) }
                select id="esco-kind" name="escoKind" {
                    option value="SKILL" selected[kind == "SKILL"] { (lang.t("esco-skills")) }
                    option value="OCCUPATION" selected[kind == "OCCUPATION"] { (lang.t("esco-occupations")) }
                }
                button.secondary type="submit" { (lang.t("esco-find")) }
            }
            @if let Some(form) = &failed { (form.summary(lang)) }
            @if !text.trim().is_empty() && hits.is_empty() && failed.is_none() { p { (lang.t("esco-none")) } }
            ul.cards.esco-hits {
                @for (i, hit) in hits.iter().enumerate() {
                    li {
                        p { strong { (hit.preferred_label) } }
                        @if let Some(description) = &hit.description { p.hint { (description) } }
                        form.inline-row method="post" action=(format!("/documents/{}/esco", doc.id)) {
                            (csrf(&visit.csrf))
                            input type="hidden" name="text" value=(hit.preferred_label);
                            input type="hidden" name="esco" value=(text);
                            input type="hidden" name="escoKind" value=(kind);
                            label for=(format!("esco-field-{i}")) { (lang.t("esco-add-to")) }
                            select id=(format!("esco-field-{i}")) name="field" {
                                @for field in ESCO_TARGETS { option value=(field) { (lang.t(&format!("field-{field}"))) } }
                            }
                            button type="submit" { (lang.t("esco-add")) }
                        }
                    }
                }
            }
        }
    }
}

/// Adds a found ESCO item's label to a learning-outcome field ("add text"): the field as
/// stored now, a new line, the label; the other fields stay as they are (a partial save).
pub async fn esco_add(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path(id): Path<String>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let field = posted.get("field").map(String::as_str).unwrap_or_default();
    let Some(field) = ESCO_TARGETS.iter().find(|f| **f == field).copied() else {
        return crate::portal::not_found(visit).await;
    };
    let addition = posted
        .get("text")
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    #[derive(Deserialize)]
    struct Now {
        document: Option<HashMap<String, HashMap<String, Value>>>,
    }
    let now = match portal
        .load::<Now>(&visit, OUTCOMES_NOW, json!({"id": id}))
        .await
    {
        Ok(now) => now,
        Err(page) => return page,
    };
    let current = now
        .document
        .and_then(|d| {
            d.get("learningOutcomes")
                .and_then(|o| o.get(field))
                .cloned()
        })
        .map(|v| text(Some(&v)))
        .unwrap_or_default();
    let combined = if current.trim().is_empty() {
        addition
    } else {
        format!("{}\n{addition}", current.trim_end())
    };
    let back = |extra: &str| {
        format!(
            "/documents/{}?section=learningOutcomes&esco={}&escoKind={}{extra}#esco",
            encode(&id),
            encode(posted.get("esco").map(String::as_str).unwrap_or_default()),
            encode(
                posted
                    .get("escoKind")
                    .map(String::as_str)
                    .unwrap_or("SKILL")
            ),
        )
    };
    match portal
        .run::<Value>(
            &visit,
            SAVE_OUTCOMES,
            json!({"id": id, "input": {field: combined}}),
        )
        .await
    {
        Ok(_) => visit.redirect(&back("&saved=1")),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: Some("learningOutcomes".into()),
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
