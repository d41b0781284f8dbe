//! What is checked of every request right after parsing, before validation and execution, in
//! one extension (one pass through the engine's extension chain per request): the query's
//! cost with fragments expanded (`query_cost`) and NUL characters in string arguments
//! (`nul_bytes`). Refusals are VALIDATION errors; nothing runs.

use super::document_refusal;
use super::nul_bytes::field_with_nul;
use super::query_cost::{expanded_fields, CostRefusal, MAX_FIELDS};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};
use std::sync::Arc;

pub struct DocumentChecks;

impl ExtensionFactory for DocumentChecks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentChecksExtension)
    }
}

struct DocumentChecksExtension;

#[async_trait::async_trait]
impl Extension for DocumentChecksExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        match expanded_fields(&doc) {
            Ok(fields) if fields <= MAX_FIELDS => {}
            Ok(fields) => {
                return Err(document_refusal(
                    ctx,
                    "QUERY_TOO_COSTLY",
                    format!(
                        "the query resolves {fields} fields with its fragments expanded; \
                         at most {MAX_FIELDS} are allowed"
                    ),
                    None,
                ))
            }
            Err(CostRefusal::FragmentCycle(name)) => {
                return Err(document_refusal(
                    ctx,
                    "FRAGMENT_CYCLE",
                    format!("fragment {name} spreads itself"),
                    None,
                ))
            }
        }
        match field_with_nul(&doc, variables) {
            None => Ok(doc),
            Some(field) => Err(document_refusal(
                ctx,
                "INVALID_CHARACTERS",
                format!("{field} must not contain NUL characters"),
                Some(&field),
            )),
        }
    }
}
