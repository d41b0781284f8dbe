use super::{
    Editor, HostOrganisationPatch, LearningOutcomesPatch, PersonalDataPatch, ProjectPatch,
    SectionCopy,
};
use crate::reference::{DocumentLanguage, OwnedLabel, Procedure};
use crate::values::{Email, EuropassNumber};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub enum DocumentCommand {
    /// One blank document of an approved mobility (R-APPROVE), with what it inherits from the
    /// mobility. Repeating it with the same data writes nothing.
    Create {
        document_id: Uuid,
        mobility_id: Uuid,
        institution_id: Uuid,
        europass_number: EuropassNumber,
        procedure: Procedure,
        mobility_start: NaiveDate,
        mobility_end: NaiveDate,
        /// The mobility's programme label, the project's initial programme.
        programme: Option<OwnedLabel>,
    },
    /// R-PERSONAL: the institution or the participant (unless locked at `at`).
    SavePersonalData {
        patch: PersonalDataPatch,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// R-HOSTORG: the institution or the host.
    SaveHostOrganisation {
        patch: HostOrganisationPatch,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// R-PROJECT: the institution or the host.
    SaveProject {
        patch: ProjectPatch,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// R-OUTCOMES: the institution, the host, or the participant (unless locked at `at`).
    SaveLearningOutcomes {
        patch: LearningOutcomesPatch,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// R-SIGN: another stored signature or stamp for this document, the default, or none.
    ChooseSignature {
        kind: crate::signature::SignatureKind,
        choice: crate::signature::SignatureChoice,
        by: Editor,
    },
    /// R-LANG: the institution chooses the certificate's language.
    SetLanguage {
        language: DocumentLanguage,
        by: Editor,
    },
    /// R-COPY: this (target) document takes the copied values as its own.
    ReceiveCopy {
        copy: SectionCopy,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// R-PART: the participant with this e-mail may log in to this document (each grant sends
    /// a new password, so each is recorded).
    GrantParticipantAccess {
        email: Email,
    },
    /// R-PART: from `from` on, the participant can change nothing.
    LockParticipantAccess {
        from: DateTime<Utc>,
    },
    UnlockParticipantAccess,
    /// R-ERASE: the command side deletes the document's key after this is recorded.
    EraseParticipantData {
        reason: String,
    },
    /// R-PDF: the institution issued a certificate PDF rendered from the current state.
    RecordCertificateIssued {
        sha256: String,
        language: DocumentLanguage,
        template_version: String,
        by: Editor,
        at: DateTime<Utc>,
    },
    /// Issue 23: the NEC withdraws the document's issued certificate, with a reason that the
    /// public verification page shows. Final: nothing is issued for the document afterwards.
    RevokeCertificate {
        reason: String,
        at: DateTime<Utc>,
    },
}
