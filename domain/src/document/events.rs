use super::{
    Editor, HostOrganisationChange, LearningOutcomesChange, PersonalDataChange, ProjectChange,
    SectionChanges,
};
use crate::reference::{DocumentLanguage, OwnedLabel, Procedure};
use crate::values::{
    ContentHash, Email, ErasureReason, EuropassNumber, RevocationReason, ShortText,
};
use crate::Personal;
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Section events carry the new values of the changed fields only; the values before are
/// those of the document folded up to the event (see `Document::values_before`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DocumentEvent {
    DocumentCreated {
        document_id: Uuid,
        mobility_id: Uuid,
        institution_id: Uuid,
        europass_number: EuropassNumber,
        procedure: Procedure,
        mobility_start: NaiveDate,
        mobility_end: NaiveDate,
        programme: Option<OwnedLabel>,
    },
    PersonalDataSaved {
        by: Editor,
        changes: Vec<PersonalDataChange>,
    },
    HostOrganisationSaved {
        by: Editor,
        changes: Vec<HostOrganisationChange>,
    },
    ProjectSaved {
        by: Editor,
        changes: Vec<ProjectChange>,
    },
    LearningOutcomesSaved {
        by: Editor,
        changes: Vec<LearningOutcomesChange>,
    },
    /// Values copied from another document of the mobility, now this document's own.
    CopyReceived {
        source_document: Uuid,
        by: Editor,
        changes: SectionChanges,
    },
    LanguageChanged {
        language: DocumentLanguage,
    },
    /// `signature_id` None and `left_empty` false: the default again. `left_empty` came
    /// later (issue 22); older events read as false.
    SignatureChosen {
        kind: crate::signature::SignatureKind,
        signature_id: Option<Uuid>,
        #[serde(default)]
        left_empty: bool,
    },
    ParticipantAccessGranted {
        email: Personal<Email>,
    },
    ParticipantAccessLocked {
        from: DateTime<Utc>,
    },
    ParticipantAccessUnlocked {},
    /// Every personal value of the document reads as erased from here on (its key is deleted).
    /// The host organisation's contact is not the participant's to erase: its values are
    /// written here again, sealed with the document's new key.
    ParticipantDataErased {
        reason: ErasureReason,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        host_contact_kept: Vec<HostOrganisationChange>,
    },
    CertificateIssued {
        sha256: ContentHash,
        language: DocumentLanguage,
        template_version: ShortText,
        at: DateTime<Utc>,
    },
    CertificateRevoked {
        reason: RevocationReason,
        at: DateTime<Utc>,
    },
}

impl DomainEvent for DocumentEvent {
    fn event_type(&self) -> String {
        match self {
            Self::DocumentCreated { .. } => "DocumentCreated",
            Self::PersonalDataSaved { .. } => "PersonalDataSaved",
            Self::HostOrganisationSaved { .. } => "HostOrganisationSaved",
            Self::ProjectSaved { .. } => "ProjectSaved",
            Self::LearningOutcomesSaved { .. } => "LearningOutcomesSaved",
            Self::CopyReceived { .. } => "CopyReceived",
            Self::LanguageChanged { .. } => "LanguageChanged",
            Self::SignatureChosen { .. } => "SignatureChosen",
            Self::ParticipantAccessGranted { .. } => "ParticipantAccessGranted",
            Self::ParticipantAccessLocked { .. } => "ParticipantAccessLocked",
            Self::ParticipantAccessUnlocked { .. } => "ParticipantAccessUnlocked",
            Self::ParticipantDataErased { .. } => "ParticipantDataErased",
            Self::CertificateIssued { .. } => "CertificateIssued",
            Self::CertificateRevoked { .. } => "CertificateRevoked",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}
