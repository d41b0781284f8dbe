//! A Europass Mobility certificate document, created blank when a mobility is approved and
//! filled section by section by the institution, the host and the participant (R-PERSONAL,
//! R-HOSTORG, R-PROJECT, R-OUTCOMES, R-LANG), copied between documents of a mobility
//! (R-COPY), checked for completeness (R-COMPLETE), locked for the participant (R-PART),
//! erased (R-ERASE) and issued (R-PDF).
//!
//! Every personal value (the participant's, the mentor's, the participant's login e-mail) is a
//! [`Personal`] value encrypted with the document's key; deleting that key after
//! [`DocumentEvent::ParticipantDataErased`] turns all of them into [`Personal::Erased`], and
//! applying that event does the same to the live state, so a replay ends in the same state.

mod choice;
mod commands;
mod copy;
mod events;
mod fields;
mod host_organisation;
mod input;
mod learning_outcomes;
mod personal_data;
mod project;
mod section;
#[cfg(test)]
mod tests;

pub use choice::{Choice, ChoiceInput};
pub use commands::DocumentCommand;
pub use copy::SectionCopy;
pub use events::DocumentEvent;
pub use fields::{field_spec, section_fields, FieldSpec, MissingField, FIELDS};
pub use host_organisation::{HostOrganisation, HostOrganisationChange, HostOrganisationPatch};
pub use learning_outcomes::{
    LanguageSkill, LanguageSkillInput, LearningOutcomes, LearningOutcomesChange,
    LearningOutcomesPatch, MAX_LANGUAGES,
};
pub use personal_data::{PersonalData, PersonalDataChange, PersonalDataPatch};
pub use project::{Project, ProjectChange, ProjectPatch};
pub use section::{Editor, Section, SectionChanges};

use crate::reference::{DocumentLanguage, OwnedLabel, Procedure};
use crate::values::{
    ContentHash, Email, ErasureReason, EuropassNumber, RevocationReason, ShortText,
};
use crate::Personal;
use crate::Refusal;
use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use input::{erase, is_known, pick};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a document inherits from its mobility, fixed at creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Origin {
    document_id: Uuid,
    mobility_id: Uuid,
    institution_id: Uuid,
    europass_number: EuropassNumber,
    procedure: Procedure,
    mobility_start: NaiveDate,
    mobility_end: NaiveDate,
    programme: Option<OwnedLabel>,
}

/// A certificate PDF as issued: the hash of its bytes, and what it was rendered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCertificate {
    pub sha256: ContentHash,
    pub language: DocumentLanguage,
    pub template_version: ShortText,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Document {
    origin: Option<Origin>,
    language: DocumentLanguage,
    personal_data: PersonalData,
    host_organisation: HostOrganisation,
    project: Project,
    learning_outcomes: LearningOutcomes,
    participant_email: Option<Personal<Email>>,
    participant_locked_from: Option<DateTime<Utc>>,
    erased: bool,
    certificates: Vec<IssuedCertificate>,
    /// R-SIGN: signatures chosen for this document instead of the owner's defaults, by kind.
    #[serde(default)]
    chosen_signatures: Vec<(crate::signature::SignatureKind, Uuid)>,
    /// R-SIGN: the sides (by kind) this document's certificate leaves empty.
    #[serde(default)]
    empty_signatures: Vec<crate::signature::SignatureKind>,
    /// Issue 23: the NEC revoked the certificate (why and when).
    #[serde(default)]
    revoked: Option<Revocation>,
}

/// Why and when the NEC revoked a document's certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub reason: RevocationReason,
    pub at: DateTime<Utc>,
}

impl Document {
    /// The signature (or stamp) chosen for this document, if not the owner's default.
    pub fn chosen_signature(&self, kind: crate::signature::SignatureKind) -> Option<Uuid> {
        self.chosen_signatures
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, id)| *id)
    }

    /// What this document's certificate carries in the institution's box of `kind`.
    pub fn signature_choice(
        &self,
        kind: crate::signature::SignatureKind,
    ) -> crate::signature::SignatureChoice {
        use crate::signature::SignatureChoice;
        if self.empty_signatures.contains(&kind) {
            return SignatureChoice::Empty;
        }
        self.chosen_signature(kind)
            .map_or(SignatureChoice::Default, SignatureChoice::Use)
    }

    pub fn is_created(&self) -> bool {
        self.origin.is_some()
    }

    pub fn document_id(&self) -> Option<Uuid> {
        self.origin.as_ref().map(|o| o.document_id)
    }

    pub fn mobility_id(&self) -> Option<Uuid> {
        self.origin.as_ref().map(|o| o.mobility_id)
    }

    pub fn institution_id(&self) -> Option<Uuid> {
        self.origin.as_ref().map(|o| o.institution_id)
    }

    pub fn europass_number(&self) -> Option<&EuropassNumber> {
        self.origin.as_ref().map(|o| &o.europass_number)
    }

    pub fn procedure(&self) -> Option<Procedure> {
        self.origin.as_ref().map(|o| o.procedure)
    }

    /// The mobility's dates, which a portal may offer for the document's own dates.
    pub fn mobility_dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.origin
            .as_ref()
            .map(|o| (o.mobility_start, o.mobility_end))
    }

    /// The certificate's language (R-LANG): English unless chosen otherwise.
    pub fn language(&self) -> DocumentLanguage {
        self.language
    }

    pub fn personal_data(&self) -> &PersonalData {
        &self.personal_data
    }

    pub fn host_organisation(&self) -> &HostOrganisation {
        &self.host_organisation
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn learning_outcomes(&self) -> &LearningOutcomes {
        &self.learning_outcomes
    }

    /// The host's login e-mail: the host organisation's e-mail, unless empty or erased. A
    /// host account sees exactly the documents whose host e-mail is its own (R-HOST).
    pub fn host_email(&self) -> Option<&Email> {
        self.host_organisation.email().and_then(Personal::known)
    }

    /// The e-mail the participant was last granted access with, unless erased (R-PART).
    pub fn participant_email(&self) -> Option<&Email> {
        self.participant_email.as_ref().and_then(Personal::known)
    }

    /// When participant access is locked from, if it is.
    pub fn participant_locked_from(&self) -> Option<DateTime<Utc>> {
        self.participant_locked_from
    }

    /// Whether the participant may change nothing at `at`: locked from that very moment on.
    pub fn participant_locked_at(&self, at: DateTime<Utc>) -> bool {
        self.participant_locked_from.is_some_and(|from| at >= from)
    }

    /// Whether the participant's data were erased (and nothing of the participant's was
    /// entered since; the host's contact is kept through an erasure).
    pub fn is_erased(&self) -> bool {
        self.erased && !self.personal_data.has_known_values() && !is_known(&self.participant_email)
    }

    pub fn issued_certificates(&self) -> &[IssuedCertificate] {
        &self.certificates
    }

    /// Issue 23: whether (why and when) the NEC revoked the certificate.
    pub fn revocation(&self) -> Option<&Revocation> {
        self.revoked.as_ref()
    }

    /// Refuses anything that would hand out a revoked certificate again (a PDF, a credential).
    pub fn ensure_not_revoked(&self) -> Result<(), Refusal> {
        match &self.revoked {
            Some(_) => Err(Refusal::rejected(
                "CERTIFICATE_REVOKED",
                "the National Europass Centre revoked this certificate: it is no longer issued",
            )),
            None => Ok(()),
        }
    }

    /// R-COMPLETE: the mandatory fields that are empty or erased, in certificate order.
    pub fn missing_fields(&self) -> Vec<MissingField> {
        FIELDS
            .iter()
            .filter(|f| f.mandatory && !self.is_filled(f.section, f.name))
            .map(MissingField::of)
            .collect()
    }

    /// R-PDF: a certificate is issued only from a complete document; otherwise the refusal
    /// names the missing fields (`DOCUMENT_INCOMPLETE`).
    pub fn ensure_complete(&self) -> Result<(), Refusal> {
        let missing = self.missing_fields();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(Refusal::incomplete(missing))
        }
    }

    /// R-COPY: the chosen fields of a section with this document's values, for
    /// [`DocumentCommand::ReceiveCopy`] on other documents of the mobility. Fields are
    /// camelCase names (`mentorLastName`) or paths (`hostOrganisation.mentorLastName`).
    pub fn copy_of(
        &self,
        section: Section,
        fields: &[impl AsRef<str>],
    ) -> Result<SectionCopy, Refusal> {
        let origin = self.require_created()?;
        if !section.is_copyable() {
            return Err(not_copyable());
        }
        if fields.is_empty() {
            return Err(Refusal::validation(
                "fields",
                "REQUIRED",
                "choose at least one field to copy",
            ));
        }
        let names: Vec<&str> = fields
            .iter()
            .map(|f| {
                let f = f.as_ref().trim();
                f.strip_prefix(section.as_str())
                    .and_then(|rest| rest.strip_prefix('.'))
                    .unwrap_or(f)
            })
            .collect();
        let values = self.values_of(section, &names).map_err(|unknown| {
            let known: Vec<&str> = section_fields(section).map(|f| f.name).collect();
            Refusal::validation(
                "fields",
                "UNKNOWN_FIELD",
                format!(
                    "{} has no field {unknown}; its fields are {}",
                    section.as_str(),
                    known.join(", ")
                ),
            )
        })?;
        let erased = match &values {
            SectionChanges::HostOrganisation(c) => c
                .iter()
                .filter(|c| c.is_erased())
                .map(HostOrganisationChange::field)
                .collect(),
            _ => vec![],
        };
        if !erased.is_empty() {
            return Err(Refusal::rejected(
                "FIELD_ERASED",
                format!(
                    "erased values cannot be copied: {}.{}",
                    section.as_str(),
                    erased.join(", ")
                ),
            ));
        }
        Ok(SectionCopy {
            source_document: origin.document_id,
            source_mobility: origin.mobility_id,
            values,
        })
    }

    /// For an audit ("field: before → after"): the values that the fields an event changes
    /// held in this state, i.e. just before the event is applied. `None` for events that
    /// change no section field.
    pub fn values_before(&self, event: &DocumentEvent) -> Option<SectionChanges> {
        let (section, fields): (Section, Vec<&str>) = match event {
            DocumentEvent::PersonalDataSaved { changes, .. } => (
                Section::PersonalData,
                changes.iter().map(PersonalDataChange::field).collect(),
            ),
            DocumentEvent::HostOrganisationSaved { changes, .. } => (
                Section::HostOrganisation,
                changes.iter().map(HostOrganisationChange::field).collect(),
            ),
            DocumentEvent::ProjectSaved { changes, .. } => (
                Section::Project,
                changes.iter().map(ProjectChange::field).collect(),
            ),
            DocumentEvent::LearningOutcomesSaved { changes, .. } => (
                Section::LearningOutcomes,
                changes.iter().map(LearningOutcomesChange::field).collect(),
            ),
            DocumentEvent::CopyReceived { changes, .. } => (changes.section(), changes.fields()),
            _ => return None,
        };
        self.values_of(section, &fields).ok()
    }

    /// The values of the named fields; `Err` carries the first unknown name.
    fn values_of<'a>(
        &self,
        section: Section,
        names: &[&'a str],
    ) -> Result<SectionChanges, &'a str> {
        Ok(match section {
            Section::PersonalData => SectionChanges::PersonalData(pick(
                names,
                |n| self.personal_data.value_of(n),
                PersonalDataChange::field,
            )?),
            Section::HostOrganisation => SectionChanges::HostOrganisation(pick(
                names,
                |n| self.host_organisation.value_of(n),
                HostOrganisationChange::field,
            )?),
            Section::Project => SectionChanges::Project(pick(
                names,
                |n| self.project.value_of(n),
                ProjectChange::field,
            )?),
            Section::LearningOutcomes => SectionChanges::LearningOutcomes(pick(
                names,
                |n| self.learning_outcomes.value_of(n),
                LearningOutcomesChange::field,
            )?),
        })
    }

    fn is_filled(&self, section: Section, name: &str) -> bool {
        match section {
            Section::PersonalData => self
                .personal_data
                .value_of(name)
                .is_some_and(|v| v.is_filled()),
            Section::HostOrganisation => self
                .host_organisation
                .value_of(name)
                .is_some_and(|v| v.is_filled()),
            Section::Project => self.project.value_of(name).is_some_and(|v| v.is_filled()),
            Section::LearningOutcomes => self
                .learning_outcomes
                .value_of(name)
                .is_some_and(|v| v.is_filled()),
        }
    }

    fn require_created(&self) -> Result<&Origin, Refusal> {
        self.origin
            .as_ref()
            .ok_or_else(|| Refusal::not_found("DOCUMENT_NOT_FOUND", "document not found"))
    }

    /// Who may change which section (R-HOST, R-PART), and the participant lock.
    fn require_may_edit(
        &self,
        by: Editor,
        section: Section,
        at: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        if !by.may_edit(section) {
            return Err(Refusal::forbidden(
                "EDITOR_NOT_ALLOWED",
                format!(
                    "the {} may not change the section {}",
                    by.as_str(),
                    section.as_str()
                ),
            ));
        }
        if by == Editor::Participant {
            if let Some(from) = self.participant_locked_from.filter(|from| at >= *from) {
                return Err(Refusal::forbidden(
                    "PARTICIPANT_ACCESS_LOCKED",
                    format!("participant access is locked since {}", from.to_rfc3339()),
                ));
            }
        }
        Ok(())
    }

    fn require_institution(by: Editor, what: &str) -> Result<(), Refusal> {
        if by != Editor::Institution {
            return Err(Refusal::forbidden(
                "EDITOR_NOT_ALLOWED",
                format!("only the sending institution may {what}"),
            ));
        }
        Ok(())
    }

    fn decide(&self, command: DocumentCommand) -> Result<Vec<DocumentEvent>, Refusal> {
        match command {
            DocumentCommand::Create {
                document_id,
                mobility_id,
                institution_id,
                europass_number,
                procedure,
                mobility_start,
                mobility_end,
                programme,
            } => {
                let programme = programme
                    .map(project::programme_label)
                    .transpose()
                    .map_err(|e| e.in_field("programme"))?;
                let origin = Origin {
                    document_id,
                    mobility_id,
                    institution_id,
                    europass_number,
                    procedure,
                    mobility_start,
                    mobility_end,
                    programme,
                };
                match &self.origin {
                    Some(existing) if *existing == origin => return Ok(vec![]),
                    Some(_) => {
                        return Err(Refusal::rejected(
                            "DOCUMENT_ALREADY_CREATED",
                            "this document was already created with other data",
                        ))
                    }
                    None => {}
                }
                if mobility_end < mobility_start {
                    return Err(Refusal::validation(
                        "endDate",
                        "END_BEFORE_START",
                        "the end date must not be before the start date",
                    ));
                }
                Ok(vec![DocumentEvent::DocumentCreated {
                    document_id: origin.document_id,
                    mobility_id: origin.mobility_id,
                    institution_id: origin.institution_id,
                    europass_number: origin.europass_number,
                    procedure: origin.procedure,
                    mobility_start: origin.mobility_start,
                    mobility_end: origin.mobility_end,
                    programme: origin.programme,
                }])
            }
            DocumentCommand::SavePersonalData { patch, by, at } => {
                self.require_created()?;
                self.require_may_edit(by, Section::PersonalData, at)?;
                let changes = patch.changes(&self.personal_data, at.date_naive())?;
                if changes.is_empty() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::PersonalDataSaved { by, changes }])
            }
            DocumentCommand::SaveHostOrganisation { patch, by, at } => {
                let origin = self.require_created()?;
                self.require_may_edit(by, Section::HostOrganisation, at)?;
                let changes = patch.changes(&self.host_organisation, origin.procedure)?;
                if changes.is_empty() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::HostOrganisationSaved { by, changes }])
            }
            DocumentCommand::SaveProject { patch, by, at } => {
                self.require_created()?;
                self.require_may_edit(by, Section::Project, at)?;
                let changes = patch.changes(&self.project)?;
                if changes.is_empty() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::ProjectSaved { by, changes }])
            }
            DocumentCommand::SaveLearningOutcomes { patch, by, at } => {
                self.require_created()?;
                self.require_may_edit(by, Section::LearningOutcomes, at)?;
                let changes = patch.changes(&self.learning_outcomes)?;
                if changes.is_empty() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::LearningOutcomesSaved { by, changes }])
            }
            DocumentCommand::ChooseSignature { kind, choice, by } => {
                self.require_created()?;
                Self::require_institution(by, "choose the document's signature")?;
                if self.signature_choice(kind) == choice {
                    return Ok(vec![]);
                }
                let (signature_id, left_empty) = match choice {
                    crate::signature::SignatureChoice::Default => (None, false),
                    crate::signature::SignatureChoice::Use(id) => (Some(id), false),
                    crate::signature::SignatureChoice::Empty => (None, true),
                };
                Ok(vec![DocumentEvent::SignatureChosen {
                    kind,
                    signature_id,
                    left_empty,
                }])
            }
            DocumentCommand::SetLanguage { language, by } => {
                self.require_created()?;
                Self::require_institution(by, "choose the document language")?;
                if language == self.language {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::LanguageChanged { language }])
            }
            DocumentCommand::ReceiveCopy { copy, by, at } => self.receive_copy(copy, by, at),
            DocumentCommand::GrantParticipantAccess { email } => {
                self.require_created()?;
                Ok(vec![DocumentEvent::ParticipantAccessGranted {
                    email: Personal::new(email),
                }])
            }
            DocumentCommand::LockParticipantAccess { from } => {
                self.require_created()?;
                if self.participant_locked_from == Some(from) {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::ParticipantAccessLocked { from }])
            }
            DocumentCommand::UnlockParticipantAccess => {
                self.require_created()?;
                if self.participant_locked_from.is_none() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::ParticipantAccessUnlocked {}])
            }
            DocumentCommand::EraseParticipantData { reason } => {
                self.require_created()?;
                let reason = ErasureReason::parse(&reason)?;
                if self.is_erased() {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::ParticipantDataErased {
                    reason,
                    host_contact_kept: self.host_organisation.personal_values(),
                }])
            }
            DocumentCommand::RecordCertificateIssued {
                sha256,
                language,
                template_version,
                by,
                at,
            } => {
                self.require_created()?;
                Self::require_institution(by, "issue the certificate")?;
                self.ensure_not_revoked()?;
                let sha256 = ContentHash::parse(&sha256)?;
                let template_version =
                    ShortText::parse_field("templateVersion", &template_version)?;
                if language != self.language {
                    return Err(Refusal::rejected(
                        "LANGUAGE_MISMATCH",
                        format!(
                            "the document language is {}, the certificate was rendered in {}",
                            self.language.as_str(),
                            language.as_str()
                        ),
                    ));
                }
                self.ensure_complete()?;
                // A download of the certificate last issued (same bytes, same template)
                // issues nothing new: only a new rendering is recorded (R-PDF, R-AUDIT).
                if self.certificates.last().is_some_and(|last| {
                    last.sha256 == sha256
                        && last.language == language
                        && last.template_version == template_version
                }) {
                    return Ok(vec![]);
                }
                Ok(vec![DocumentEvent::CertificateIssued {
                    sha256,
                    language,
                    template_version,
                    at,
                }])
            }
            DocumentCommand::RevokeCertificate { reason, at } => {
                self.require_created()?;
                let reason = RevocationReason::parse(&reason)?;
                // A retry (or a second click) returns what the first revocation did.
                if self.revoked.is_some() {
                    return Ok(vec![]);
                }
                if self.certificates.is_empty() {
                    return Err(Refusal::rejected(
                        "NOT_ISSUED",
                        "no certificate of this document has been issued: nothing to revoke",
                    ));
                }
                Ok(vec![DocumentEvent::CertificateRevoked { reason, at }])
            }
        }
    }

    fn receive_copy(
        &self,
        copy: SectionCopy,
        by: Editor,
        at: DateTime<Utc>,
    ) -> Result<Vec<DocumentEvent>, Refusal> {
        let origin = self.require_created()?;
        if copy.source_document == origin.document_id {
            return Err(Refusal::rejected(
                "COPY_FROM_ITSELF",
                "a document cannot receive a copy of its own values",
            ));
        }
        if copy.source_mobility != origin.mobility_id {
            return Err(Refusal::rejected(
                "COPY_FROM_OTHER_MOBILITY",
                "values can be copied only between documents of the same mobility",
            ));
        }
        let section = copy.section();
        if !section.is_copyable() {
            return Err(not_copyable());
        }
        self.require_may_edit(by, section, at)?;
        let changes = match copy.values {
            SectionChanges::HostOrganisation(values) => {
                let changes: Vec<_> = values
                    .into_iter()
                    .filter(|v| self.host_organisation.value_of(v.field()).as_ref() != Some(v))
                    .collect();
                HostOrganisation::check(&changes, origin.procedure)?;
                SectionChanges::HostOrganisation(changes)
            }
            SectionChanges::Project(values) => {
                let changes: Vec<_> = values
                    .into_iter()
                    .filter(|v| self.project.value_of(v.field()).as_ref() != Some(v))
                    .collect();
                self.project.check(&changes)?;
                SectionChanges::Project(changes)
            }
            SectionChanges::LearningOutcomes(values) => SectionChanges::LearningOutcomes(
                values
                    .into_iter()
                    .filter(|v| self.learning_outcomes.value_of(v.field()).as_ref() != Some(v))
                    .collect(),
            ),
            SectionChanges::PersonalData(_) => return Err(not_copyable()),
        };
        if changes.is_empty() {
            return Ok(vec![]);
        }
        Ok(vec![DocumentEvent::CopyReceived {
            source_document: copy.source_document,
            by,
            changes,
        }])
    }

    fn apply_changes(&mut self, changes: SectionChanges) {
        match changes {
            SectionChanges::PersonalData(c) => {
                c.into_iter().for_each(|c| self.personal_data.apply(c))
            }
            SectionChanges::HostOrganisation(c) => {
                c.into_iter().for_each(|c| self.host_organisation.apply(c))
            }
            SectionChanges::Project(c) => c.into_iter().for_each(|c| self.project.apply(c)),
            SectionChanges::LearningOutcomes(c) => {
                c.into_iter().for_each(|c| self.learning_outcomes.apply(c))
            }
        }
    }
}

fn not_copyable() -> Refusal {
    Refusal::validation(
        "section",
        "SECTION_NOT_COPYABLE",
        "only the host organisation, project and learning outcomes sections can be copied",
    )
}

impl Aggregate for Document {
    const TYPE: &'static str = "document";
    type Command = DocumentCommand;
    type Event = DocumentEvent;
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
            DocumentEvent::DocumentCreated {
                document_id,
                mobility_id,
                institution_id,
                europass_number,
                procedure,
                mobility_start,
                mobility_end,
                programme,
            } => {
                self.project = Project::from_programme(programme.clone());
                self.origin = Some(Origin {
                    document_id,
                    mobility_id,
                    institution_id,
                    europass_number,
                    procedure,
                    mobility_start,
                    mobility_end,
                    programme,
                });
            }
            DocumentEvent::PersonalDataSaved { changes, .. } => {
                self.apply_changes(SectionChanges::PersonalData(changes))
            }
            DocumentEvent::HostOrganisationSaved { changes, .. } => {
                self.apply_changes(SectionChanges::HostOrganisation(changes))
            }
            DocumentEvent::ProjectSaved { changes, .. } => {
                self.apply_changes(SectionChanges::Project(changes))
            }
            DocumentEvent::LearningOutcomesSaved { changes, .. } => {
                self.apply_changes(SectionChanges::LearningOutcomes(changes))
            }
            DocumentEvent::CopyReceived { changes, .. } => self.apply_changes(changes),
            DocumentEvent::LanguageChanged { language } => self.language = language,
            DocumentEvent::SignatureChosen {
                kind,
                signature_id,
                left_empty,
            } => {
                self.chosen_signatures.retain(|(k, _)| *k != kind);
                self.empty_signatures.retain(|k| *k != kind);
                if let Some(id) = signature_id {
                    self.chosen_signatures.push((kind, id));
                }
                if left_empty {
                    self.empty_signatures.push(kind);
                }
            }
            DocumentEvent::ParticipantAccessGranted { email } => {
                self.participant_email = Some(email)
            }
            DocumentEvent::ParticipantAccessLocked { from } => {
                self.participant_locked_from = Some(from)
            }
            DocumentEvent::ParticipantAccessUnlocked {} => self.participant_locked_from = None,
            DocumentEvent::ParticipantDataErased {
                host_contact_kept, ..
            } => {
                self.personal_data.erase();
                self.host_organisation.erase();
                host_contact_kept
                    .into_iter()
                    .for_each(|c| self.host_organisation.apply(c));
                erase(&mut self.participant_email);
                self.erased = true;
            }
            DocumentEvent::CertificateIssued {
                sha256,
                language,
                template_version,
                at,
            } => self.certificates.push(IssuedCertificate {
                sha256,
                language,
                template_version,
                at,
            }),
            DocumentEvent::CertificateRevoked { reason, at } => {
                self.revoked = Some(Revocation { reason, at })
            }
        }
    }
}
