//! Searching the ESCO web API, where one is configured.

use crate::import::non_empty;
use crate::*;
use anyhow::Context;
use std::time::Duration;

/// Searches the ESCO web API (e.g. `https://ec.europa.eu/esco/api`): `GET {base}/search` for
/// the hits, then `GET {base}/resource/{type}?uri=..` for each hit's description (left empty
/// when that fails). Used only where `ESCO_API_URL` is configured.
#[derive(Clone)]
pub struct EscoWebApi {
    base_url: String,
    client: reqwest::Client,
}

impl EscoWebApi {
    pub fn new(base_url: impl Into<String>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("building the ESCO web API client")?;
        Ok(Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            client,
        })
    }

    async fn get_json(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> anyhow::Result<serde_json::Value> {
        let url = format!("{}/{path}", self.base_url);
        let response = self
            .client
            .get(&url)
            .query(params)
            .send()
            .await
            .with_context(|| format!("calling {url}"))?
            .error_for_status()
            .with_context(|| format!("calling {url}"))?;
        response
            .json()
            .await
            .with_context(|| format!("reading the answer of {url}"))
    }

    async fn description(
        &self,
        kind: EscoKind,
        uri: &str,
        language: EscoLanguage,
    ) -> Option<String> {
        let lang = language.as_str();
        let answer = self
            .get_json(
                &format!("resource/{}", kind.as_str()),
                &[("uri", uri), ("language", lang)],
            )
            .await;
        match answer {
            Ok(json) => web_description(&json, lang),
            Err(err) => {
                tracing::warn!(
                    uri,
                    error = format!("{err:#}"),
                    "ESCO description unavailable"
                );
                None
            }
        }
    }

    async fn search_web(&self, query: &EscoQuery) -> anyhow::Result<Vec<EscoHit>> {
        let limit = query.first.min(MAX_RESULTS);
        if limit == 0 || query.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let limit_text = limit.to_string();
        let json = self
            .get_json(
                "search",
                &[
                    ("text", query.text.trim()),
                    ("type", query.kind.as_str()),
                    ("language", query.language.as_str()),
                    ("limit", &limit_text),
                ],
            )
            .await?;
        let results = json
            .pointer("/_embedded/results")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default();
        let found: Vec<(String, String)> = results
            .iter()
            .filter_map(|r| {
                let uri = r.get("uri")?.as_str()?.to_string();
                let title = r
                    .get("title")
                    .and_then(|t| t.as_str())
                    .or_else(|| {
                        r.pointer(&format!("/preferredLabel/{}", query.language.as_str()))
                            .and_then(|t| t.as_str())
                    })?
                    .to_string();
                Some((uri, title))
            })
            .take(limit)
            .collect();
        let descriptions = futures::future::join_all(
            found
                .iter()
                .map(|(uri, _)| self.description(query.kind, uri, query.language)),
        )
        .await;
        let count = found.len();
        Ok(found
            .into_iter()
            .zip(descriptions)
            .enumerate()
            .map(|(i, ((uri, preferred_label), description))| EscoHit {
                uri,
                preferred_label,
                description,
                kind: query.kind,
                // The API's own order, best first.
                score: (count - i) as f64 / count as f64,
            })
            .collect())
    }
}

/// `description.<lang>.literal` of a resource (or a plain string there).
fn web_description(json: &serde_json::Value, lang: &str) -> Option<String> {
    let value = json.get("description")?.get(lang)?;
    value
        .get("literal")
        .and_then(|l| l.as_str())
        .or_else(|| value.as_str())
        .and_then(non_empty)
}

impl EscoSearch for EscoWebApi {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>> {
        Box::pin(self.search_web(query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_description_reads_the_literal() {
        let json = serde_json::json!({"description": {"en": {"literal": "Welds.", "mimetype": "plain/text"}}});
        assert_eq!(web_description(&json, "en").as_deref(), Some("Welds."));
        assert_eq!(web_description(&json, "lv"), None);
    }
}
