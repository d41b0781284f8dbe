//! R-HOST, R-PART: the host's password, the participant's access and its lock.

use super::*;
use crate::portal::genuine::GenuineForm;

/// Who else works on the document (R-HOST, R-PART): the host's password, the participant's
/// access and its lock.
pub(super) fn access_panel(visit: &Visit, doc: &Doc) -> Markup {
    let lang = visit.lang;
    let host_email = text(doc.host_organisation.get("email"));
    let participant_email = text(doc.personal_data.get("email"));
    let access = doc.participant_access.as_ref();
    let action = |what: &str| format!("/documents/{}/access/{what}", doc.id);
    html! {
        section.access aria-labelledby="access" {
            h2 id="access" { (lang.t("access-title")) }
            h3 { (lang.t("access-host")) }
            @if host_email.is_empty() {
                p { (lang.t("access-host-no-email")) }
            } @else {
                form method="post" action=(action("host")) {
                    (csrf(&visit.csrf))
                    p { (lang.ta("access-host-send", &[("email", host_email.clone().into())])) }
                    button.secondary type="submit" { (lang.t("access-host-button")) }
                }
                @match doc.host_first_login_at {
                    Some(at) => p { (lang.ta("access-host-first-login", &[("date", lang.date_time(at).into())])) },
                    None => p.hint { (lang.t("access-host-not-yet")) },
                }
            }
            h3 { (lang.t("access-participant")) }
            @match access.and_then(|a| a.email.clone()) {
                None => {
                    @if participant_email.is_empty() {
                        p { (lang.t("access-participant-no-email")) }
                    } @else {
                        form method="post" action=(action("participant")) {
                            (csrf(&visit.csrf))
                            p { (lang.ta("access-participant-give", &[("email", participant_email.clone().into())])) }
                            button.secondary type="submit" { (lang.t("access-participant-button")) }
                        }
                    }
                }
                Some(email) => {
                    p { (lang.ta("access-participant-given", &[("email", email.into())])) }
                    @if let Some(from) = access.and_then(|a| a.locked_from) {
                        p { (lang.ta("access-locked-from", &[("date", lang.date_time(from).into())])) }
                        form method="post" action=(action("unlock")) {
                            (csrf(&visit.csrf))
                            button.secondary type="submit" { (lang.t("access-unlock")) }
                        }
                    } @else {
                        form.inline-row method="post" action=(action("lock")) {
                            (csrf(&visit.csrf))
                            label for="lockFrom" { (lang.t("access-lock-from")) }
                            input id="lockFrom" name="lockFrom" type="date" required;
                            button.secondary type="submit" { (lang.t("access-lock")) }
                        }
                    }
                }
            }
        }
    }
}

/// The institution's access actions: `host`, `participant`, `lock` (from a day, 00:00 UTC),
/// `unlock`.
pub async fn access(
    Extension(portal): Extension<Portal>,
    visit: Visit,
    Path((id, what)): Path<(String, String)>,
    GenuineForm(posted): GenuineForm<HashMap<String, String>>,
) -> Response {
    let (operation, variables) = match what.as_str() {
        "host" => (SEND_HOST_PASSWORD, json!({"id": id})),
        "participant" => (GRANT_PARTICIPANT, json!({"id": id})),
        "unlock" => (UNLOCK_PARTICIPANT, json!({"ids": [id]})),
        "lock" => {
            let day = posted
                .get("lockFrom")
                .map(String::as_str)
                .unwrap_or_default();
            let Ok(day) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
                let mut form = FormState::default();
                form.add(None, visit.lang.t("date-missing"));
                let shown = Shown {
                    section: None,
                    ..Shown::default()
                };
                return render(
                    &portal,
                    &visit,
                    &id,
                    &shown,
                    Some(form),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            };
            let from = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            (
                LOCK_PARTICIPANT,
                json!({"ids": [id], "from": from.to_rfc3339()}),
            )
        }
        _ => return crate::portal::not_found(visit).await,
    };
    match portal.run::<Value>(&visit, operation, variables).await {
        Ok(_) => visit.redirect(&format!("/documents/{}?saved=1#access", encode(&id))),
        Err(Failed::Unauthenticated { expired }) => visit.to_login(expired),
        Err(Failed::Errors(errors)) => {
            let mut form = FormState::default();
            form.add_errors(visit.lang, &errors, &[]);
            let shown = Shown {
                section: None,
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
