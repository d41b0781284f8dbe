//! A mobility: an institution's request for Europass Mobility certificates for a group, the
//! NEC's decision on it and the documents it created (R-REQ, R-10WEEKS, R-PROC, R-APPROVE,
//! R-TRYOUT). Europass numbers and document ids are allocated outside the aggregate and come
//! in with the commands.

mod allocation;
mod commands;
mod events;
mod lead_time;
mod procedure_details;
pub mod series;
#[cfg(test)]
mod tests;

pub use allocation::{Allocation, IssuedDocument};
pub use commands::MobilityCommand;
pub use events::MobilityEvent;
pub use lead_time::{earliest_request_date, MAX_DAYS_AHEAD};
pub use procedure_details::{ProcedureDetails, ProcedureRequest};

use crate::reference::{Issuer, Procedure, REFERENCE_VERSION};
use crate::values::{ParticipantCount, RejectionReason};
use crate::Refusal;
use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MobilityStatus {
    /// Nothing was requested under this id.
    #[default]
    New,
    /// Waiting for the NEC.
    Pending,
    Approved,
    Rejected,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Mobility {
    status: MobilityStatus,
    institution_id: Option<Uuid>,
    issuer: Option<Issuer>,
    details: Option<ProcedureDetails>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    /// Requested so far, approved or waiting; rejected additions are not counted.
    participants: u32,
    /// Documents waiting for the NEC: the whole request while pending, then any additions.
    pending_documents: u32,
    documents: Vec<IssuedDocument>,
}

impl Mobility {
    pub fn status(&self) -> MobilityStatus {
        self.status
    }

    pub fn institution_id(&self) -> Option<Uuid> {
        self.institution_id
    }

    pub fn issuer(&self) -> Option<&Issuer> {
        self.issuer.as_ref()
    }

    pub fn is_try_out(&self) -> bool {
        self.issuer.as_ref().is_some_and(Issuer::is_try_out)
    }

    pub fn procedure(&self) -> Option<Procedure> {
        self.details.as_ref().map(ProcedureDetails::procedure)
    }

    pub fn details(&self) -> Option<&ProcedureDetails> {
        self.details.as_ref()
    }

    pub fn start(&self) -> Option<NaiveDate> {
        self.start
    }

    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    pub fn participants(&self) -> u32 {
        self.participants
    }

    /// How many documents the next approval (`Approve` or `ApproveMoreDocuments`) must
    /// allocate numbers and ids for; 0 when nothing waits for the NEC.
    pub fn pending_documents(&self) -> u32 {
        self.pending_documents
    }

    pub fn documents(&self) -> &[IssuedDocument] {
        &self.documents
    }

    pub fn document_ids(&self) -> Vec<Uuid> {
        self.documents.iter().map(|d| d.document_id).collect()
    }

    fn require_requested(&self) -> Result<(), Refusal> {
        if self.status == MobilityStatus::New {
            return Err(Refusal::not_found(
                "MOBILITY_NOT_FOUND",
                "mobility not found",
            ));
        }
        Ok(())
    }

    fn require_pending(&self) -> Result<(), Refusal> {
        self.require_requested()?;
        if self.status != MobilityStatus::Pending {
            return Err(Refusal::rejected(
                "ALREADY_DECIDED",
                "this request was already approved or rejected",
            ));
        }
        Ok(())
    }

    fn require_approved(&self) -> Result<(), Refusal> {
        self.require_requested()?;
        if self.status != MobilityStatus::Approved {
            return Err(Refusal::rejected(
                "MOBILITY_NOT_APPROVED",
                "more documents can be requested only for an approved mobility",
            ));
        }
        Ok(())
    }

    fn require_more_pending(&self) -> Result<(), Refusal> {
        self.require_approved()?;
        if self.pending_documents == 0 {
            return Err(Refusal::rejected(
                "NO_MORE_DOCUMENTS_PENDING",
                "no additional documents are waiting for approval",
            ));
        }
        Ok(())
    }

    fn issuer_or_not_found(&self) -> Result<&Issuer, Refusal> {
        self.issuer
            .as_ref()
            .ok_or_else(|| Refusal::not_found("MOBILITY_NOT_FOUND", "mobility not found"))
    }

    fn decide(&self, command: MobilityCommand) -> Result<Vec<MobilityEvent>, Refusal> {
        match command {
            MobilityCommand::Request {
                institution_id,
                accept_conditions,
                participants,
                folders_by_post,
                start,
                end,
                issuer,
                procedure,
                today,
                try_out_allocation,
            } => {
                if self.status != MobilityStatus::New {
                    return Err(Refusal::rejected(
                        "MOBILITY_ALREADY_REQUESTED",
                        "this mobility was already requested",
                    ));
                }
                if !accept_conditions {
                    return Err(Refusal::validation(
                        "acceptConditions",
                        "CONDITIONS_NOT_ACCEPTED",
                        "the conditions must be accepted before requesting a mobility",
                    ));
                }
                let participants = ParticipantCount::parse(participants)?.get();
                if end < start {
                    return Err(Refusal::validation(
                        "endDate",
                        "END_BEFORE_START",
                        "the end date must not be before the start date",
                    ));
                }
                lead_time::check(start, today)?;
                let issuer_label = issuer.require_label()?.owned();
                let details = ProcedureDetails::parse(procedure)?;
                let documents = try_out_documents(&issuer, try_out_allocation, participants, &[])?;
                let mut events = vec![MobilityEvent::MobilityRequested {
                    institution_id,
                    participants,
                    folders_by_post,
                    start,
                    end,
                    issuer,
                    issuer_label,
                    details: Box::new(details),
                    reference_version: REFERENCE_VERSION.to_string(),
                }];
                if let Some(documents) = documents {
                    events.push(MobilityEvent::MobilityApproved { documents });
                }
                Ok(events)
            }
            MobilityCommand::Approve {
                europass_numbers,
                document_ids,
            } => {
                self.require_pending()?;
                let documents = Allocation {
                    europass_numbers,
                    document_ids,
                }
                .into_documents(
                    self.issuer_or_not_found()?,
                    self.pending_documents,
                    &self.documents,
                )?;
                Ok(vec![MobilityEvent::MobilityApproved { documents }])
            }
            MobilityCommand::Reject { reason } => {
                self.require_pending()?;
                let reason = RejectionReason::parse(&reason)?;
                Ok(vec![MobilityEvent::MobilityRejected { reason }])
            }
            MobilityCommand::RequestMoreDocuments {
                additional,
                try_out_allocation,
            } => {
                self.require_approved()?;
                let additional = ParticipantCount::parse(additional)
                    .map_err(|e| e.in_field("additional"))?
                    .get();
                let documents = try_out_documents(
                    self.issuer_or_not_found()?,
                    try_out_allocation,
                    additional,
                    &self.documents,
                )?;
                let mut events = vec![MobilityEvent::MoreDocumentsRequested { additional }];
                if let Some(documents) = documents {
                    events.push(MobilityEvent::MoreDocumentsApproved { documents });
                }
                Ok(events)
            }
            MobilityCommand::ApproveMoreDocuments {
                europass_numbers,
                document_ids,
            } => {
                self.require_more_pending()?;
                let documents = Allocation {
                    europass_numbers,
                    document_ids,
                }
                .into_documents(
                    self.issuer_or_not_found()?,
                    self.pending_documents,
                    &self.documents,
                )?;
                Ok(vec![MobilityEvent::MoreDocumentsApproved { documents }])
            }
            MobilityCommand::RejectMoreDocuments { reason } => {
                self.require_more_pending()?;
                let reason = RejectionReason::parse(&reason)?;
                Ok(vec![MobilityEvent::MoreDocumentsRejected {
                    additional: self.pending_documents,
                    reason,
                }])
            }
        }
    }
}

/// R-TRYOUT: a Try Out request is approved in the same command, so it must bring its numbers;
/// an NEC request must not, its numbers come with the NEC's approval.
fn try_out_documents(
    issuer: &Issuer,
    allocation: Option<Allocation>,
    expected: u32,
    existing: &[IssuedDocument],
) -> Result<Option<Vec<IssuedDocument>>, Refusal> {
    match (issuer.is_try_out(), allocation) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(Refusal::rejected(
            "ALLOCATION_NOT_ALLOWED",
            "numbers for an NEC mobility are allocated when the NEC approves",
        )),
        (true, None) => Err(Refusal::rejected(
            "ALLOCATION_REQUIRED",
            "a Try Out request is approved at once and needs its numbers and document ids",
        )),
        (true, Some(allocation)) => allocation
            .into_documents(issuer, expected, existing)
            .map(Some),
    }
}

impl Aggregate for Mobility {
    const TYPE: &'static str = "mobility";
    type Command = MobilityCommand;
    type Event = MobilityEvent;
    type Error = Refusal;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            MobilityEvent::MobilityRequested {
                institution_id,
                participants,
                start,
                end,
                issuer,
                details,
                ..
            } => {
                self.status = MobilityStatus::Pending;
                self.institution_id = Some(institution_id);
                self.issuer = Some(issuer);
                self.details = Some(*details);
                self.start = Some(start);
                self.end = Some(end);
                self.participants = participants;
                self.pending_documents = participants;
            }
            MobilityEvent::MobilityApproved { documents } => {
                self.status = MobilityStatus::Approved;
                self.pending_documents = 0;
                self.documents.extend(documents);
            }
            MobilityEvent::MobilityRejected { .. } => {
                self.status = MobilityStatus::Rejected;
                self.pending_documents = 0;
            }
            MobilityEvent::MoreDocumentsRequested { additional } => {
                self.participants = self.participants.saturating_add(additional);
                self.pending_documents = self.pending_documents.saturating_add(additional);
            }
            MobilityEvent::MoreDocumentsApproved { documents } => {
                self.pending_documents = 0;
                self.documents.extend(documents);
            }
            MobilityEvent::MoreDocumentsRejected { additional, .. } => {
                self.participants = self.participants.saturating_sub(additional);
                self.pending_documents = 0;
            }
        }
    }
}
