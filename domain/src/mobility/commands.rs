use super::{Allocation, ProcedureRequest};
use crate::reference::Issuer;
use crate::values::EuropassNumber;
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub enum MobilityCommand {
    /// R-REQ, R-10WEEKS, R-PROC. For the Try Out issuer the request is approved at once and
    /// `try_out_allocation` must carry one number of the `TRY` series and one document id per
    /// participant; for an NEC it must be `None` (the NEC approves later).
    Request {
        institution_id: Uuid,
        accept_conditions: bool,
        participants: u32,
        folders_by_post: bool,
        start: NaiveDate,
        end: NaiveDate,
        issuer: Issuer,
        procedure: ProcedureRequest,
        today: NaiveDate,
        try_out_allocation: Option<Allocation>,
    },
    /// The NEC approves a pending request: one number and one document id per participant.
    Approve {
        europass_numbers: Vec<EuropassNumber>,
        document_ids: Vec<Uuid>,
    },
    /// The NEC rejects a pending request, with a reason.
    Reject { reason: String },
    /// More documents for an approved mobility (participants added during a project). Goes
    /// through approval again, except for Try Out, which needs `try_out_allocation` as above.
    RequestMoreDocuments {
        additional: u32,
        try_out_allocation: Option<Allocation>,
    },
    /// The NEC approves all documents requested since the last decision.
    ApproveMoreDocuments {
        europass_numbers: Vec<EuropassNumber>,
        document_ids: Vec<Uuid>,
    },
    /// The NEC rejects all documents requested since the last decision.
    RejectMoreDocuments { reason: String },
}
