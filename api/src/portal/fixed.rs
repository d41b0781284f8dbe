//! Answers that cannot change while this binary runs: the public reference lists
//! (`referenceData`, compiled into the binary with their `REFERENCE_VERSION`). A page that
//! needs them asks the schema once per process and keeps the answer, rather than resolving
//! hundreds of labelled entries on every view (issue 24: most of a document page's
//! resolution work). They still come through the GraphQL schema, like every page's data.

use super::gql::Failed;
use super::visit::Visit;
use super::Portal;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Kept answers, by operation text.
#[derive(Default)]
pub struct Fixed {
    answers: Mutex<HashMap<&'static str, Arc<dyn Any + Send + Sync>>>,
}

impl Portal {
    /// The data of `query` (an operation without variables whose answer is fixed for this
    /// binary), asked of the schema the first time and kept. Refusals are not kept.
    pub async fn fixed<T>(&self, visit: &Visit, query: &'static str) -> Result<Arc<T>, Failed>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        if let Some(kept) = self.kept::<T>(query) {
            return Ok(kept);
        }
        let answer: Arc<T> = Arc::new(self.run(visit, query, Value::Null).await?);
        self.fixed
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(query, answer.clone());
        Ok(answer)
    }

    fn kept<T: Send + Sync + 'static>(&self, query: &'static str) -> Option<Arc<T>> {
        let answers = self.fixed.answers.lock().unwrap_or_else(|e| e.into_inner());
        answers.get(query).cloned()?.downcast::<T>().ok()
    }
}
