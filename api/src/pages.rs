//! Pages for people (GraphiQL is in `graphiql`): the page behind the e-mailed registration link. The link
//! only shows a button; the password is created on POST, so that mail scanners that prefetch
//! links do not use it up.

use crate::graphql::AppState;
use crate::startup::CorrelationId;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::{Extension, Form};
use commands::registration;
use commands::{CommandContext, CommandError};
use domain::metadata::Actor;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct TokenParam {
    token: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:40em;margin:3em auto}}code{{font-size:1.4em}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>",
        title = escape(title)
    ))
}

pub async fn confirm_form(Query(params): Query<TokenParam>) -> Html<String> {
    let token = params.token.unwrap_or_default();
    page(
        "Confirm your registration",
        &format!(
            "<p>Confirm the registration of your institution in the Europass Mobility register. \
             Your password will be shown once on the next page.</p>\
             <p lang=\"lv\">Apstipriniet iestādes reģistrāciju. Parole tiks parādīta vienu reizi.</p>\
             <form method=\"post\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
             <button type=\"submit\">Confirm / Apstiprināt</button></form>",
            escape(&token)
        ),
    )
}

pub async fn confirm_submit(
    State(state): State<AppState>,
    Extension(CorrelationId(correlation_id)): Extension<CorrelationId>,
    Form(params): Form<TokenParam>,
) -> Html<String> {
    let ctx =
        CommandContext::with_correlation(Actor::anonymous(), correlation_id, Default::default());
    let token = params.token.unwrap_or_default();
    match registration::confirm_registration(&state.services, &ctx, &token).await {
        Ok(done) => {
            let _ = state
                .projector
                .wait_for_current(std::time::Duration::from_secs(3))
                .await;
            page(
                "Registration confirmed",
                &format!(
                    "<p>Log in with</p><p>e-mail: <code>{}</code><br>password: <code>{}</code></p>\
                     <p><strong>Write the password down now: it is shown only once.</strong></p>",
                    escape(done.email.as_str()),
                    escape(&done.password)
                ),
            )
        }
        Err(CommandError::Refused(refusal)) => page(
            "The registration could not be confirmed",
            &format!("<p>{}</p>", escape(&refusal.message)),
        ),
        Err(err) => {
            tracing::error!(%correlation_id, error = format!("{:#}", anyhow::Error::from(err)), "confirmation failed");
            page(
                "Something went wrong",
                &format!("<p>Please try again later (reference {correlation_id}).</p>"),
            )
        }
    }
}
