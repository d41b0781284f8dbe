use crate::reference::Issuer;
use crate::values::EuropassNumber;
use crate::Refusal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// Europass numbers and document ids, allocated by the command side (numbers per issuer and
/// year, in sequence). The n-th number goes to the n-th document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub europass_numbers: Vec<EuropassNumber>,
    pub document_ids: Vec<Uuid>,
}

/// A blank document created by an approval, with its own Europass number (R-APPROVE).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDocument {
    pub document_id: Uuid,
    pub europass_number: EuropassNumber,
}

impl Allocation {
    /// Pairs numbers and ids into `expected` documents of the issuer's series, none of them
    /// already among `existing` ones.
    pub(super) fn into_documents(
        self,
        issuer: &Issuer,
        expected: u32,
        existing: &[IssuedDocument],
    ) -> Result<Vec<IssuedDocument>, Refusal> {
        let expected = expected as usize;
        if self.europass_numbers.len() != expected || self.document_ids.len() != expected {
            return Err(Refusal::rejected(
                "NUMBER_COUNT_MISMATCH",
                format!(
                    "{expected} Europass numbers and document ids are needed, got {} and {}",
                    self.europass_numbers.len(),
                    self.document_ids.len()
                ),
            ));
        }
        let series = issuer.series_prefix();
        if let Some(wrong) = self.europass_numbers.iter().find(|n| n.prefix() != series) {
            return Err(Refusal::rejected(
                "WRONG_NUMBER_SERIES",
                format!("{wrong} is not a number of the {series} series"),
            ));
        }
        let mut numbers: HashSet<&EuropassNumber> =
            existing.iter().map(|d| &d.europass_number).collect();
        let mut ids: HashSet<Uuid> = existing.iter().map(|d| d.document_id).collect();
        let fresh = self.europass_numbers.iter().all(|n| numbers.insert(n))
            && self.document_ids.iter().all(|id| ids.insert(*id));
        if !fresh {
            return Err(Refusal::rejected(
                "DUPLICATE_ALLOCATION",
                "every document needs its own Europass number and document id",
            ));
        }
        Ok(self
            .document_ids
            .into_iter()
            .zip(self.europass_numbers)
            .map(|(document_id, europass_number)| IssuedDocument {
                document_id,
                europass_number,
            })
            .collect())
    }
}
