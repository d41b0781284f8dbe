//! The write side's ESCO port (`commands::esco_skills`), answered by the ESCO search the
//! portal uses (the local index or the ESCO web API).

use commands::esco_skills::EscoSkills;
use esco::{EscoKind, EscoLanguage, EscoQuery, EscoSearch};
use futures::future::BoxFuture;
use std::sync::Arc;

/// [`EscoSkills`] over an [`EscoSearch`]: a skill whose preferred label is the line exactly.
pub struct EscoSkillsOver(pub Arc<dyn EscoSearch>);

impl EscoSkills for EscoSkillsOver {
    fn skill<'a>(
        &'a self,
        label: &'a str,
        language: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move {
            let query = EscoQuery {
                text: label.to_string(),
                kind: EscoKind::Skill,
                language: if language == "lv" {
                    EscoLanguage::Lv
                } else {
                    EscoLanguage::En
                },
                first: 10,
            };
            let hits = self.0.search(&query).await?;
            Ok(hits
                .into_iter()
                .find(|hit| hit.preferred_label == label)
                .map(|hit| hit.uri))
        })
    }
}
