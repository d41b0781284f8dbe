//! The four sections' forms: their fields, the input each post becomes, and the save.

use super::*;
use crate::portal::genuine::GenuineForm;

pub(super) fn section_fields(
    section: &str,
    form: &FormState,
    lang: Lang,
    reference: &Reference,
    doc: &Doc,
) -> Markup {
    let countries = {
        let mut all: Vec<Coded> = vec![];
        for procedure in &reference.procedures {
            for c in &procedure.host_countries {
                if !all.iter().any(|known| known.code == c.code) {
                    all.push(c.clone());
                }
            }
        }
        options(&all, lang)
    };
    let f = |name: &'static str| Field::new(name, lang.t(&format!("field-{name}")));
    match section {
        "personalData" => html! {
            (f("surname").required().autocomplete("family-name").input(form, lang))
            (f("firstName").required().autocomplete("given-name").input(form, lang))
            (f("dateOfBirth").kind("date").required().autocomplete("bday").input(form, lang))
            (f("nationality").hint(lang.t("country-hint")).input(form, lang))
            (f("address").textarea(form, lang))
            (f("email").kind("email").hint(lang.t("participant-email-hint")).input(form, lang))
        },
        "hostOrganisation" => html! {
            (f("name").required().input(form, lang))
            (f("organisationType").required().select(form, lang, &options(&reference.host_organisation_types, lang)))
            (f("organisationTypeOther").hint(lang.t("other-hint")).input(form, lang))
            (f("address").required().textarea(form, lang))
            (f("country").required().select(form, lang, &countries))
            (f("mentorFirstName").required().input(form, lang))
            (f("mentorLastName").required().input(form, lang))
            (f("position").input(form, lang))
            (f("phone").kind("tel").input(form, lang))
            (f("email").kind("email").hint(lang.t("host-email-hint")).input(form, lang))
        },
        "project" => html! {
            @let programme = if lang == Lang::Lv { doc.project.get("programmeLv") } else { doc.project.get("programmeEn") };
            @if let Some(programme) = programme.and_then(Value::as_str) {
                p { strong { (lang.t("field-programme")) ": " } (programme) }
            }
            (f("objective").required().textarea(form, lang))
            (f("qualification").input(form, lang))
            fieldset.choices {
                legend { (lang.t("field-stay")) }
                @for (value, key) in [("PHYSICAL", "stay-physical"), ("VIRTUAL", "stay-virtual"), ("", "stay-unset")] {
                    label {
                        input type="radio" name="stay" value=(value) checked[form.value("stay") == value];
                        span { (lang.t(key)) }
                    }
                }
            }
            (f("purpose").select(form, lang, &options(&reference.purposes_of_stay, lang)))
            (f("purposeOther").hint(lang.t("other-hint")).input(form, lang))
            (f("startDate").kind("date").required().input(form, lang))
            (f("endDate").kind("date").required().input(form, lang))
        },
        _ => html! {
            (f("activities").required().hint(lang.t("activities-hint")).textarea(form, lang))
            (f("jobRelatedSkills").textarea(form, lang))
            fieldset id="languageSkills" {
                legend { (lang.t("field-languageSkills")) }
                @if let Some(error) = form.error("languageSkills") { p.error { (error) } }
                @let filled = (0..10).filter(|i| !form.value(&format!("lang{i}.language")).is_empty()).count();
                @for i in 0..(filled + 1).clamp(LANGUAGE_ROWS_MIN, 10) {
                    div.language-row {
                        @let language = format!("lang{i}.language");
                        div.field {
                            label for=(language) { (lang.ta("language-n", &[("n", ((i + 1) as i64).into())])) }
                            select id=(language) name=(language) {
                                option value="" { (lang.t("choose")) }
                                @for (code, label) in options(&reference.languages, lang) {
                                    option value=(code) selected[form.value(&language) == code] { (label) }
                                }
                            }
                        }
                        @for part in ["listening", "reading", "spokenInteraction", "spokenProduction", "writing"] {
                            @let name = format!("lang{i}.{part}");
                            div.field {
                                label for=(name) { (lang.t(&format!("cefr-{part}"))) }
                                select id=(name) name=(name) {
                                    option value="" { "–" }
                                    @for level in &reference.cefr_levels {
                                        option value=(level.code) selected[form.value(&name) == level.code] { (level.code) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (f("digitalSkills").textarea(form, lang))
            (f("organisationalSkills").textarea(form, lang))
            (f("communicationSkills").textarea(form, lang))
            (f("otherSkills").textarea(form, lang))
        },
    }
}

/// The section's input from the posted form: every field is sent (an empty one clears it).
pub(super) fn input_of(section: &str, posted: &HashMap<String, String>) -> (&'static str, Value) {
    let get = |name: &str| {
        posted
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let date = |name: &str| {
        let value = get(name);
        if value.is_empty() {
            Value::Null
        } else {
            json!(value)
        }
    };
    let choice = |name: &str| {
        let (code, other) = (get(name), get(&format!("{name}Other")));
        if !code.is_empty() {
            json!({"code": code})
        } else if !other.is_empty() {
            json!({"other": other})
        } else {
            Value::Null
        }
    };
    let texts = |names: &[&str]| -> serde_json::Map<String, Value> {
        names
            .iter()
            .map(|n| (n.to_string(), json!(get(n))))
            .collect()
    };
    match section {
        "personalData" => {
            let mut input = texts(&["surname", "firstName", "nationality", "address", "email"]);
            input.insert("dateOfBirth".into(), date("dateOfBirth"));
            (SAVE_PERSONAL, Value::Object(input))
        }
        "hostOrganisation" => {
            let mut input = texts(&[
                "name",
                "address",
                "country",
                "mentorFirstName",
                "mentorLastName",
                "position",
                "phone",
                "email",
            ]);
            input.insert("organisationType".into(), choice("organisationType"));
            (SAVE_HOST, Value::Object(input))
        }
        "project" => {
            let mut input = texts(&["objective", "qualification"]);
            let stay = get("stay");
            input.insert(
                "stay".into(),
                if stay.is_empty() {
                    Value::Null
                } else {
                    json!(stay)
                },
            );
            input.insert("purpose".into(), choice("purpose"));
            input.insert("startDate".into(), date("startDate"));
            input.insert("endDate".into(), date("endDate"));
            (SAVE_PROJECT, Value::Object(input))
        }
        _ => {
            let mut input = texts(&[
                "activities",
                "jobRelatedSkills",
                "digitalSkills",
                "organisationalSkills",
                "communicationSkills",
                "otherSkills",
            ]);
            let mut skills = vec![];
            for i in 0..10 {
                let language = get(&format!("lang{i}.language"));
                if language.is_empty() {
                    continue;
                }
                let mut skill = serde_json::Map::new();
                skill.insert("language".into(), json!(language));
                for part in [
                    "listening",
                    "reading",
                    "spokenInteraction",
                    "spokenProduction",
                    "writing",
                ] {
                    let level = get(&format!("lang{i}.{part}"));
                    if !level.is_empty() {
                        skill.insert(part.into(), json!(level));
                    }
                }
                skills.push(Value::Object(skill));
            }
            input.insert("languageSkills".into(), Value::Array(skills));
            (SAVE_OUTCOMES, Value::Object(input))
        }
    }
}

/// The names of a section's form fields (errors of other fields go on top).
pub(super) fn field_names(section: &str) -> Vec<String> {
    let names: &[&str] = match section {
        "personalData" => &[
            "surname",
            "firstName",
            "dateOfBirth",
            "nationality",
            "address",
            "email",
        ],
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
        _ => &[
            "activities",
            "jobRelatedSkills",
            "languageSkills",
            "digitalSkills",
            "organisationalSkills",
            "communicationSkills",
            "otherSkills",
        ],
    };
    names.iter().map(|n| n.to_string()).collect()
}

pub async fn save(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, section)): Path<(String, String)>,
    GenuineForm(posted): GenuineForm<Vec<(String, String)>>,
) -> Response {
    let posted: HashMap<String, String> = posted.into_iter().collect();
    let Some(section) = SECTIONS.iter().find(|s| **s == section).copied() else {
        return crate::portal::not_found(visit).await;
    };
    let (mutation, input) = input_of(section, &posted);
    match portal
        .run::<Value>(&visit, mutation, json!({"id": id, "input": input}))
        .await
    {
        Ok(_) => visit.redirect(&format!(
            "/documents/{}?section={section}&saved=1",
            encode(&id)
        )),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::with_values(posted.clone());
            let names = field_names(section);
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            form.add_errors(visit.lang, &errors, &names);
            let shown = Shown {
                section: Some(section.to_string()),
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
