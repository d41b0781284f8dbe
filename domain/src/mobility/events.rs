use super::{IssuedDocument, ProcedureDetails};
use crate::reference::{Issuer, OwnedLabel};
use crate::values::RejectionReason;
use chrono::NaiveDate;
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MobilityEvent {
    /// An institution requested certificates for a group. Labels are kept as they were in
    /// reference data version `reference_version`.
    MobilityRequested {
        institution_id: Uuid,
        participants: u32,
        folders_by_post: bool,
        start: NaiveDate,
        end: NaiveDate,
        issuer: Issuer,
        issuer_label: OwnedLabel,
        details: Box<ProcedureDetails>,
        reference_version: String,
    },
    /// The request was approved (by the NEC, or at once for Try Out): one blank document per
    /// participant.
    MobilityApproved {
        documents: Vec<IssuedDocument>,
    },
    MobilityRejected {
        reason: RejectionReason,
    },
    MoreDocumentsRequested {
        additional: u32,
    },
    MoreDocumentsApproved {
        documents: Vec<IssuedDocument>,
    },
    /// The pending `additional` documents were refused; the mobility stays approved.
    MoreDocumentsRejected {
        additional: u32,
        reason: RejectionReason,
    },
}

impl DomainEvent for MobilityEvent {
    fn event_type(&self) -> String {
        match self {
            Self::MobilityRequested { .. } => "MobilityRequested",
            Self::MobilityApproved { .. } => "MobilityApproved",
            Self::MobilityRejected { .. } => "MobilityRejected",
            Self::MoreDocumentsRequested { .. } => "MoreDocumentsRequested",
            Self::MoreDocumentsApproved { .. } => "MoreDocumentsApproved",
            Self::MoreDocumentsRejected { .. } => "MoreDocumentsRejected",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
