//! R-OUTCOMES: ESCO lookup for learning outcomes: type an occupation to get its description, or
//! a keyword to get matching skills. Answered by the local index, or by the ESCO web API where
//! one is configured (`AppState::esco`).

use super::errors::ApiResult;
use super::query::{fail, principal, state};
use async_graphql::{Context, Enum, Object, SimpleObject};
use commands::CommandError;
use domain::Refusal;

/// The longest search text, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// Hits when `first` is not given.
pub const DEFAULT_FIRST: i32 = 10;

/// Which ESCO concepts to search.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EscoKind {
    /// Occupations: type an occupation to get its description.
    Occupation,
    /// Skills and competences: type a keyword to get matching skills.
    Skill,
}

impl From<EscoKind> for ::esco::EscoKind {
    fn from(kind: EscoKind) -> Self {
        match kind {
            EscoKind::Occupation => Self::Occupation,
            EscoKind::Skill => Self::Skill,
        }
    }
}

impl From<::esco::EscoKind> for EscoKind {
    fn from(kind: ::esco::EscoKind) -> Self {
        match kind {
            ::esco::EscoKind::Occupation => Self::Occupation,
            ::esco::EscoKind::Skill => Self::Skill,
        }
    }
}

/// The language of ESCO labels and descriptions.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum EscoLanguage {
    /// English.
    En,
    /// Latvian.
    Lv,
}

impl From<EscoLanguage> for ::esco::EscoLanguage {
    fn from(language: EscoLanguage) -> Self {
        match language {
            EscoLanguage::En => Self::En,
            EscoLanguage::Lv => Self::Lv,
        }
    }
}

/// One ESCO concept found.
#[derive(SimpleObject)]
pub struct EscoHit {
    /// The concept's ESCO URI, e.g. `http://data.europa.eu/esco/occupation/…`.
    pub uri: String,
    /// The concept's preferred label in the language asked for.
    pub preferred_label: String,
    /// The concept's description in the language asked for, if ESCO has one.
    pub description: Option<String>,
    /// Occupation or skill.
    pub kind: EscoKind,
    /// Higher is better, at most 1; comparable within one answer only.
    pub score: f64,
}

impl From<::esco::EscoHit> for EscoHit {
    fn from(hit: ::esco::EscoHit) -> Self {
        Self {
            uri: hit.uri,
            preferred_label: hit.preferred_label,
            description: hit.description,
            kind: hit.kind.into(),
            score: hit.score,
        }
    }
}

#[derive(Default)]
pub struct EscoSearchQuery;

#[Object]
impl EscoSearchQuery {
    /// R-OUTCOMES: ESCO occupations or skills matching `text`, best first: an exact label, then
    /// labels starting with it, then labels whose words start with its words, then labels
    /// containing them, then descriptions. Tolerant to missing diacritics (`metinatajs` finds
    /// `metinātājs`) and to partial words (`weld` finds `welder`). Any logged-in caller.
    async fn esco_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for: a word, part of a word or a phrase (1 to 200 \
                          characters)."
        )]
        text: String,
        #[graphql(desc = "Occupations or skills.")] kind: EscoKind,
        #[graphql(desc = "The language to search and answer in.")] language: EscoLanguage,
        #[graphql(default = 10, desc = "How many hits to return, 1 to 50.")] first: Option<i32>,
    ) -> ApiResult<Vec<EscoHit>> {
        principal(ctx).await?;
        let first = first.unwrap_or(DEFAULT_FIRST);
        let text = text.trim();
        if text.is_empty() {
            return Err(fail(
                ctx,
                Refusal::validation("text", "REQUIRED", "text must not be empty"),
            ));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(fail(
                ctx,
                Refusal::validation(
                    "text",
                    "TOO_LONG",
                    format!("text must be at most {MAX_TEXT_CHARS} characters"),
                ),
            ));
        }
        let max = ::esco::MAX_RESULTS as i32;
        if !(1..=max).contains(&first) {
            return Err(fail(
                ctx,
                Refusal::validation(
                    "first",
                    "OUT_OF_RANGE",
                    format!("first must be between 1 and {max}"),
                ),
            ));
        }
        let query = ::esco::EscoQuery {
            text: text.to_string(),
            kind: kind.into(),
            language: language.into(),
            first: first as usize,
        };
        let hits = state(ctx)
            .esco
            .search(&query)
            .await
            .map_err(|e| fail(ctx, CommandError::failure(e)))?;
        Ok(hits.into_iter().map(EscoHit::from).collect())
    }
}
