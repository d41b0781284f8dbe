//! Who may do what (R-AUTHZ, R-ISOLATION), decided in one place: (caller, operation,
//! resource) → allowed, or the refusal to give. GraphQL resolvers, REST handlers (files
//! included) and commands ask here and never compare roles themselves.
//!
//! The rules are data: [`document_rule`] and [`register_rule`] are exhaustive tables, so an
//! operation added to [`DocumentOperation`] or [`Operation`] does not compile until it has a
//! rule, and the matrix tests below read every cell.
//!
//! Someone without any relation to a resource gets the same answer as for a resource that does
//! not exist (NOT_FOUND); someone related to it but not allowed this operation gets FORBIDDEN.

use crate::account::AccountRole;
use crate::document::{Document, Editor};
use crate::values::Email;
use crate::Refusal;
use uuid::Uuid;

/// The caller as authorization sees it: a role and, for hosts and participants, the login
/// e-mail their grants are made to.
#[derive(Clone, Copy, Debug)]
pub enum Caller<'a> {
    InstitutionUser { institution_id: Uuid },
    Nec,
    Host { email: Option<&'a Email> },
    Participant { email: Option<&'a Email> },
}

impl<'a> Caller<'a> {
    pub fn new(role: &AccountRole, email: Option<&'a Email>) -> Self {
        match role {
            AccountRole::InstitutionUser { institution_id, .. } => Caller::InstitutionUser {
                institution_id: *institution_id,
            },
            AccountRole::Nec => Caller::Nec,
            AccountRole::Host => Caller::Host { email },
            AccountRole::Participant => Caller::Participant { email },
        }
    }
}

/// How a caller relates to one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// A user of the sending institution that owns the document.
    Owner,
    /// NEC staff: read and audit everything, fill nothing.
    Auditor,
    /// The host organisation whose login e-mail is the document's host e-mail (R-HOST).
    Host,
    /// The participant whose login e-mail was granted access to the document (R-PART).
    Participant,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Owner,
        Relation::Auditor,
        Relation::Host,
        Relation::Participant,
    ];

    /// Who edits, for the section rules of the document (NEC staff never edit).
    pub fn editor(self) -> Option<Editor> {
        match self {
            Relation::Owner => Some(Editor::Institution),
            Relation::Host => Some(Editor::Host),
            Relation::Participant => Some(Editor::Participant),
            Relation::Auditor => None,
        }
    }
}

/// A stored file as what it is in the document it belongs to: files are authorized by their
/// place in a document, never by knowing their hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentFile {
    /// The holder's photo.
    Photo,
    /// A certificate PDF issued for the document: it carries all the holder's data.
    IssuedCertificate,
}

/// Everything one can do to or with a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentOperation {
    /// The document's sections as the relation may see them.
    Read,
    /// The holder's details beyond the name: date of birth, nationality, address, e-mail,
    /// photo.
    ReadHolderDetails,
    /// The e-mail the participant was granted access with, and the lock.
    ReadParticipantAccess,
    /// The list of issued certificates (hashes, dates).
    ReadIssuedCertificates,
    /// Every event of the document, and the document as of a past moment (R-AUDIT).
    ReadHistory,
    /// Saving a section, copying from or to it, choosing its language (the section rules of
    /// the document then decide field by field).
    Fill,
    UploadPhoto,
    /// Granting, locking and unlocking the participant's access (R-PART).
    ManageParticipantAccess,
    /// Sending the host its login (R-HOST).
    InviteHost,
    /// Choosing which stored signature and stamp go in.
    ChooseSignature,
    /// Producing (issuing) the certificate PDF (R-PDF).
    IssueCertificate,
    /// Checking a PDF against the issued hashes.
    VerifyCertificate,
    /// Erasing the participant's personal data (R-ERASE).
    EraseParticipantData,
    /// Revoking the issued certificate (issue 23): the NEC's decision alone.
    RevokeCertificate,
    /// Downloading a stored file of the document.
    ReadFile(DocumentFile),
}

impl DocumentOperation {
    /// Every operation, for the matrix tests (a new one must be added here too; the exhaustive
    /// match in [`document_rule`] is the compile-time half of that check).
    pub const ALL: [DocumentOperation; 16] = [
        DocumentOperation::Read,
        DocumentOperation::ReadHolderDetails,
        DocumentOperation::ReadParticipantAccess,
        DocumentOperation::ReadIssuedCertificates,
        DocumentOperation::ReadHistory,
        DocumentOperation::Fill,
        DocumentOperation::UploadPhoto,
        DocumentOperation::ManageParticipantAccess,
        DocumentOperation::InviteHost,
        DocumentOperation::ChooseSignature,
        DocumentOperation::IssueCertificate,
        DocumentOperation::VerifyCertificate,
        DocumentOperation::EraseParticipantData,
        DocumentOperation::RevokeCertificate,
        DocumentOperation::ReadFile(DocumentFile::Photo),
        DocumentOperation::ReadFile(DocumentFile::IssuedCertificate),
    ];
}

/// The relations allowed an operation, and the reason given to a related caller who is not.
pub struct Rule {
    pub allowed: &'static [Relation],
    pub refusal: (&'static str, &'static str),
}

/// The document rules: the one table of who may do what with a document.
pub fn document_rule(operation: DocumentOperation) -> Rule {
    use DocumentFile::*;
    use DocumentOperation::*;
    use Relation::*;
    const EVERYONE: &[Relation] = &[Owner, Auditor, Host, Participant];
    const OWNER_AND_NEC: &[Relation] = &[Owner, Auditor];
    const OWNER: &[Relation] = &[Owner];
    let (allowed, refusal) = match operation {
        Read => (EVERYONE, ("NOT_ALLOWED", "not allowed")),
        // A host sees the holder's name only.
        ReadHolderDetails => (
            &[Owner, Auditor, Participant][..],
            (
                "HOLDER_DETAILS_NOT_ALLOWED",
                "only the holder's name is shown to the host",
            ),
        ),
        ReadParticipantAccess => (
            &[Owner, Auditor, Participant][..],
            (
                "PARTICIPANT_ACCESS_NOT_ALLOWED",
                "the host does not see the participant's access",
            ),
        ),
        ReadIssuedCertificates | ReadHistory | VerifyCertificate => (
            OWNER_AND_NEC,
            (
                "AUDIT_NOT_ALLOWED",
                "only the sending institution and NEC staff can do this",
            ),
        ),
        Fill => (
            &[Owner, Host, Participant][..],
            (
                "READ_ONLY",
                "NEC staff can read documents but not fill them",
            ),
        ),
        UploadPhoto => (
            &[Owner, Participant][..],
            (
                "PHOTO_NOT_ALLOWED",
                "only the institution and the participant change the photo",
            ),
        ),
        ManageParticipantAccess | InviteHost | ChooseSignature => (
            OWNER,
            (
                "INSTITUTION_ONLY",
                "only the sending institution can do this",
            ),
        ),
        IssueCertificate | ReadFile(IssuedCertificate) => (
            OWNER_AND_NEC,
            (
                "CERTIFICATE_NOT_ALLOWED",
                "only the sending institution and NEC staff can get the certificate",
            ),
        ),
        EraseParticipantData => (
            OWNER_AND_NEC,
            (
                "ERASURE_NOT_ALLOWED",
                "only the sending institution and NEC staff can erase",
            ),
        ),
        ReadFile(Photo) => (
            &[Owner, Auditor, Participant][..],
            (
                "FILE_NOT_ALLOWED",
                "the host does not get the holder's photo",
            ),
        ),
        RevokeCertificate => (&[Auditor][..], ("NEC_ONLY", "only NEC staff can do this")),
    };
    Rule { allowed, refusal }
}

/// How the caller relates to the document, if at all.
pub fn relation(caller: Caller<'_>, document: &Document) -> Option<Relation> {
    if !document.is_created() {
        return None;
    }
    // An e-mail relation holds only with a known login e-mail equal to the document's.
    let same = |login: Option<&Email>, named: Option<&Email>| login.is_some() && login == named;
    match caller {
        Caller::InstitutionUser { institution_id }
            if document.institution_id() == Some(institution_id) =>
        {
            Some(Relation::Owner)
        }
        Caller::Nec => Some(Relation::Auditor),
        Caller::Host { email } if same(email, document.host_email()) => Some(Relation::Host),
        Caller::Participant { email } if same(email, document.participant_email()) => {
            Some(Relation::Participant)
        }
        _ => None,
    }
}

/// The document is not there for this caller: the same answer as for a missing document.
pub fn document_not_found() -> Refusal {
    Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found")
}

/// Decides one operation on one document.
pub fn authorize_document(
    caller: Caller<'_>,
    document: &Document,
    operation: DocumentOperation,
) -> Result<Relation, Refusal> {
    let relation = relation(caller, document).ok_or_else(document_not_found)?;
    let rule = document_rule(operation);
    if rule.allowed.contains(&relation) {
        Ok(relation)
    } else {
        Err(Refusal::forbidden(rule.refusal.0, rule.refusal.1))
    }
}

/// Operations on the register outside any one document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Reading an institution's base data and users.
    ReadInstitution {
        institution: Uuid,
    },
    EditOwnInstitution,
    ManageOwnUsers,
    ManageOwnSignatures,
    RequestMobility,
    /// Reading a mobility (and downloading its certificates) of the given institution.
    ReadMobility {
        owner: Uuid,
    },
    /// Changing a mobility of the given institution (more documents): its own users only.
    ChangeMobility {
        owner: Uuid,
    },
    /// Approving or rejecting mobilities, and their queue.
    DecideMobility,
}

/// The register rules (see [`document_rule`] for documents).
pub fn register_rule(caller: Caller<'_>, operation: Operation) -> Result<(), Refusal> {
    use Operation::*;
    let own = |id: Uuid| matches!(caller, Caller::InstitutionUser { institution_id } if institution_id == id);
    let institution_user = matches!(caller, Caller::InstitutionUser { .. });
    let nec = matches!(caller, Caller::Nec);
    match operation {
        ReadInstitution { institution } if nec || own(institution) => Ok(()),
        ReadInstitution { .. } => Err(Refusal::not_found(
            "INSTITUTION_NOT_FOUND",
            "institution not found",
        )),
        EditOwnInstitution | ManageOwnUsers | RequestMobility if institution_user => Ok(()),
        // Hosts keep a signature library of their own (R-SIGN).
        ManageOwnSignatures if institution_user || matches!(caller, Caller::Host { .. }) => Ok(()),
        ManageOwnSignatures => Err(Refusal::forbidden(
            "SIGNATURES_NOT_ALLOWED",
            "only institutions and host organisations keep signatures",
        )),
        EditOwnInstitution | ManageOwnUsers | RequestMobility => Err(Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only institution users can do this",
        )),
        ReadMobility { owner } if nec || own(owner) => Ok(()),
        ReadMobility { .. } => Err(Refusal::not_found(
            "MOBILITY_NOT_FOUND",
            "mobility not found",
        )),
        ChangeMobility { owner } if own(owner) => Ok(()),
        ChangeMobility { .. } if institution_user => Err(Refusal::not_found(
            "MOBILITY_NOT_FOUND",
            "mobility not found",
        )),
        ChangeMobility { .. } => Err(Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only users of an institution can do this",
        )),
        DecideMobility if nec => Ok(()),
        DecideMobility => Err(Refusal::forbidden("NEC_ONLY", "only NEC staff can do this")),
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentFile::*;
    use super::DocumentOperation::*;
    use super::Relation::*;
    use super::*;

    /// The expected matrix, written out cell by cell: a change to the rules must change this.
    fn expected(operation: DocumentOperation) -> &'static [Relation] {
        match operation {
            Read => &[Owner, Auditor, Host, Participant],
            ReadHolderDetails | ReadParticipantAccess | ReadFile(Photo) => {
                &[Owner, Auditor, Participant]
            }
            ReadIssuedCertificates
            | ReadHistory
            | VerifyCertificate
            | IssueCertificate
            | EraseParticipantData
            | ReadFile(IssuedCertificate) => &[Owner, Auditor],
            Fill => &[Owner, Host, Participant],
            UploadPhoto => &[Owner, Participant],
            ManageParticipantAccess | InviteHost | ChooseSignature => &[Owner],
            RevokeCertificate => &[Auditor],
        }
    }

    #[test]
    fn every_document_operation_and_relation_has_the_expected_decision() {
        for operation in DocumentOperation::ALL {
            for relation in Relation::ALL {
                let allowed = document_rule(operation).allowed.contains(&relation);
                assert_eq!(
                    allowed,
                    expected(operation).contains(&relation),
                    "{operation:?} for {relation:?}"
                );
            }
        }
    }

    #[test]
    fn hosts_and_participants_never_get_an_issued_certificate_nor_its_hashes() {
        for relation in [Host, Participant] {
            for operation in [
                IssueCertificate,
                ReadFile(IssuedCertificate),
                ReadIssuedCertificates,
            ] {
                assert!(!document_rule(operation).allowed.contains(&relation));
            }
        }
        assert!(!document_rule(ReadFile(Photo)).allowed.contains(&Host));
        assert!(!document_rule(ReadParticipantAccess).allowed.contains(&Host));
    }

    #[test]
    fn nec_staff_never_fill_and_only_owners_manage_access() {
        assert!(!document_rule(Fill).allowed.contains(&Auditor));
        for operation in [ManageParticipantAccess, InviteHost, ChooseSignature] {
            assert_eq!(document_rule(operation).allowed, &[Owner]);
        }
    }

    #[test]
    fn unrelated_callers_and_missing_documents_get_not_found() {
        let missing = Document::default();
        let err = authorize_document(Caller::Nec, &missing, Read).unwrap_err();
        assert_eq!(err.code, crate::RefusalCode::NotFound);
        let other = Caller::InstitutionUser {
            institution_id: Uuid::from_u128(9),
        };
        let err = authorize_document(other, &missing, Read).unwrap_err();
        assert_eq!(err.code, crate::RefusalCode::NotFound);
        // A host or participant without a login e-mail relates to nothing.
        assert!(relation(Caller::Host { email: None }, &missing).is_none());
    }

    #[test]
    fn register_rules_keep_each_institution_to_its_own() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let user_a = Caller::InstitutionUser { institution_id: a };
        assert!(register_rule(user_a, Operation::ReadInstitution { institution: a }).is_ok());
        assert!(register_rule(user_a, Operation::ReadInstitution { institution: b }).is_err());
        assert!(register_rule(user_a, Operation::ReadMobility { owner: b }).is_err());
        assert!(register_rule(user_a, Operation::DecideMobility).is_err());
        assert!(register_rule(Caller::Nec, Operation::ReadMobility { owner: b }).is_ok());
        assert!(register_rule(user_a, Operation::ChangeMobility { owner: a }).is_ok());
        let other = register_rule(user_a, Operation::ChangeMobility { owner: b }).unwrap_err();
        assert_eq!(other.code, crate::RefusalCode::NotFound);
        let nec = register_rule(Caller::Nec, Operation::ChangeMobility { owner: b }).unwrap_err();
        assert_eq!(nec.code, crate::RefusalCode::Forbidden);
        let host = Caller::Host { email: None };
        assert!(register_rule(host, Operation::ManageOwnSignatures).is_ok());
        assert!(register_rule(host, Operation::RequestMobility).is_err());
        let participant = Caller::Participant { email: None };
        assert!(register_rule(participant, Operation::ManageOwnSignatures).is_err());
    }
}
