//! Searching the imported index in PostgreSQL.

use crate::*;
use anyhow::Context;
use sqlx::PgPool;

/// Searches the imported index in PostgreSQL.
#[derive(Clone)]
pub struct LocalEsco {
    pool: PgPool,
}

impl LocalEsco {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

impl EscoSearch for LocalEsco {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>> {
        Box::pin(search_local(&self.pool, query))
    }
}

/// The rank tiers, best first; `$3` is the normalised query, `$4` its words. A word "starts a
/// word" of a label when it follows a space in `' ' || label`.
const SEARCH_SQL: &str = "
SELECT uri, preferred_label, description, rank FROM (
  SELECT uri, preferred_label, description,
    CASE
      WHEN search_label = $3 THEN 100
      WHEN $3 = ANY (search_alts) THEN 95
      WHEN search_label LIKE $3 || '%' THEN 90
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a WHERE a LIKE $3 || '%') THEN 85
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(' ' || w IN ' ' || search_label) = 0) THEN 80
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a
                    WHERE NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                                       WHERE position(' ' || w IN ' ' || a) = 0)) THEN 70
      WHEN position($3 IN search_label) > 0 THEN 60
      WHEN EXISTS (SELECT 1 FROM unnest(search_alts) a WHERE position($3 IN a) > 0) THEN 55
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(w IN search_label) = 0) THEN 50
      WHEN NOT EXISTS (SELECT 1 FROM unnest($4::text[]) w
                        WHERE position(w IN array_to_string(search_alts, ' | ')) = 0) THEN 40
      ELSE 20
    END AS rank
  FROM esco_concepts
  WHERE kind = $1 AND language = $2";

async fn search_local(pool: &PgPool, query: &EscoQuery) -> anyhow::Result<Vec<EscoHit>> {
    let limit = query.first.min(MAX_RESULTS);
    let normalised = normalise(&query.text);
    let words = query_words(&normalised);
    if limit == 0 || words.is_empty() {
        return Ok(Vec::new());
    }
    // Every word somewhere in the labels or the description (one LIKE per word, so that a
    // trigram index on search_text can serve each).
    let mut sql = String::from(SEARCH_SQL);
    for i in 0..words.len() {
        sql.push_str(&format!(" AND search_text LIKE ${}", i + 6));
    }
    sql.push_str(
        "\n) c\nORDER BY rank DESC, length(preferred_label), preferred_label, uri\nLIMIT $5",
    );
    let mut select = sqlx::query_as::<_, (String, String, Option<String>, i32)>(&sql)
        .bind(query.kind.as_str())
        .bind(query.language.as_str())
        .bind(&normalised)
        .bind(&words)
        .bind(limit as i64);
    for word in &words {
        // Normalised words hold only alphanumeric characters: no LIKE wildcards to escape.
        select = select.bind(format!("%{word}%"));
    }
    let rows = select.fetch_all(pool).await.context("searching ESCO")?;
    Ok(rows
        .into_iter()
        .map(|(uri, preferred_label, description, rank)| EscoHit {
            uri,
            preferred_label,
            description,
            kind: query.kind,
            score: f64::from(rank) / 100.0,
        })
        .collect())
}
