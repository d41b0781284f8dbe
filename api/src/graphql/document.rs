//! Certificate documents: reading them by role, saving sections, copying to other documents.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::query::{fail, parse_id, parse_uuid, principal, request, state};
use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use commands::documents::{self, CopyRequest, DocumentOperation, Relation, SectionSave};
use domain::document::{
    Choice, ChoiceInput, Document as DomainDocument, HostOrganisationPatch, LanguageSkillInput,
    LearningOutcomesPatch, PersonalDataPatch, ProjectPatch,
};
use domain::reference::{CefrLevel, DocumentLanguage, Stay};
use domain::Personal;
use uuid::Uuid;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Language {
    En,
    Lv,
}

impl From<Language> for DocumentLanguage {
    fn from(l: Language) -> Self {
        match l {
            Language::En => DocumentLanguage::En,
            Language::Lv => DocumentLanguage::Lv,
        }
    }
}

impl From<DocumentLanguage> for Language {
    fn from(l: DocumentLanguage) -> Self {
        match l {
            DocumentLanguage::En => Language::En,
            DocumentLanguage::Lv => Language::Lv,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Cefr {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

impl From<Cefr> for CefrLevel {
    fn from(c: Cefr) -> Self {
        match c {
            Cefr::A1 => CefrLevel::A1,
            Cefr::A2 => CefrLevel::A2,
            Cefr::B1 => CefrLevel::B1,
            Cefr::B2 => CefrLevel::B2,
            Cefr::C1 => CefrLevel::C1,
            Cefr::C2 => CefrLevel::C2,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StayKind {
    Physical,
    Virtual,
}

fn known<T, F: Fn(&T) -> String>(value: Option<&Personal<T>>, show: F) -> Option<String> {
    value.and_then(Personal::known).map(show)
}

#[derive(SimpleObject)]
pub struct ChoiceValue {
    /// The list code, or null for a free text ("other").
    pub code: Option<String>,
    pub text_en: String,
    pub text_lv: String,
}

fn choice(c: Option<&Choice>) -> Option<ChoiceValue> {
    c.map(|c| ChoiceValue {
        code: c.code().map(str::to_string),
        text_en: c.text_in(DocumentLanguage::En).to_string(),
        text_lv: c.text_in(DocumentLanguage::Lv).to_string(),
    })
}

#[derive(SimpleObject)]
pub struct PersonalDataView {
    pub surname: Option<String>,
    pub first_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub nationality: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    /// SHA-256 of the stored photo; download with `GET /files/{sha256}`.
    pub photo_sha256: Option<String>,
}

#[derive(SimpleObject)]
pub struct HostOrganisationView {
    pub name: Option<String>,
    pub organisation_type: Option<ChoiceValue>,
    pub address: Option<String>,
    pub country: Option<String>,
    pub mentor_first_name: Option<String>,
    pub mentor_last_name: Option<String>,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(SimpleObject)]
pub struct ProjectView {
    pub objective: Option<String>,
    pub programme_en: Option<String>,
    pub programme_lv: Option<String>,
    pub qualification: Option<String>,
    pub stay: Option<StayKind>,
    pub purpose: Option<ChoiceValue>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct LanguageSkillView {
    pub language: String,
    pub listening: Option<String>,
    pub reading: Option<String>,
    pub spoken_interaction: Option<String>,
    pub spoken_production: Option<String>,
    pub writing: Option<String>,
}

#[derive(SimpleObject)]
pub struct LearningOutcomesView {
    pub activities: Option<String>,
    pub job_related_skills: Option<String>,
    pub language_skills: Vec<LanguageSkillView>,
    pub digital_skills: Option<String>,
    pub organisational_skills: Option<String>,
    pub communication_skills: Option<String>,
    pub other_skills: Option<String>,
}

#[derive(SimpleObject)]
pub struct MissingField {
    pub section: String,
    pub field: String,
    /// `section.field`, as validation errors name it.
    pub path: String,
    /// In the interface language asked for (`missingFields(language:)`).
    pub label: String,
    pub section_label: String,
}

#[derive(SimpleObject)]
pub struct ParticipantAccessView {
    pub email: Option<String>,
    pub locked_from: Option<DateTime<Utc>>,
    pub locked_now: bool,
}

#[derive(SimpleObject)]
pub struct IssuedCertificateView {
    pub sha256: String,
    pub language: Language,
    pub template_version: String,
    pub issued_at: DateTime<Utc>,
}

pub struct DocumentView {
    id: Uuid,
    doc: DomainDocument,
    relation: Relation,
    now: DateTime<Utc>,
}

impl DocumentView {
    pub fn new(id: Uuid, doc: DomainDocument, relation: Relation, now: DateTime<Utc>) -> Self {
        Self {
            id,
            doc,
            relation,
            now,
        }
    }

    /// Whether the caller's relation to the document allows this part of it (the rules of
    /// `domain::authorization`).
    fn may(&self, operation: DocumentOperation) -> bool {
        domain::authorization::document_rule(operation)
            .allowed
            .contains(&self.relation)
    }

    fn opt(v: Option<impl ToString>) -> Option<String> {
        v.map(|x| x.to_string())
    }
}

#[Object(name = "Document")]
impl DocumentView {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    async fn europass_number(&self) -> Option<String> {
        Self::opt(self.doc.europass_number())
    }

    async fn mobility_id(&self) -> Option<ID> {
        self.doc.mobility_id().map(|m| ID(m.to_string()))
    }

    /// The certificate's language, independent of the interface language (R-LANG).
    async fn language(&self) -> Language {
        self.doc.language().into()
    }

    async fn holder_name(&self) -> Option<String> {
        self.doc.personal_data().holder_name()
    }

    /// A host sees only the holder's name here.
    async fn personal_data(&self) -> PersonalDataView {
        let p = self.doc.personal_data();
        let full = self.may(DocumentOperation::ReadHolderDetails);
        let show = |v: Option<String>| if full { v } else { None };
        PersonalDataView {
            surname: known(p.surname(), ToString::to_string),
            first_name: known(p.first_name(), ToString::to_string),
            date_of_birth: show(known(p.date_of_birth(), ToString::to_string)),
            nationality: show(known(p.nationality(), |c| c.as_str().to_string())),
            address: show(known(p.address(), ToString::to_string)),
            email: show(known(p.email(), ToString::to_string)),
            photo_sha256: show(known(p.photo(), |ph| ph.sha256().as_str().to_string())),
        }
    }

    async fn host_organisation(&self) -> HostOrganisationView {
        let h = self.doc.host_organisation();
        HostOrganisationView {
            name: Self::opt(h.name()),
            organisation_type: choice(h.organisation_type()),
            address: Self::opt(h.address()),
            country: h.country().map(|c| c.as_str().to_string()),
            mentor_first_name: known(h.mentor_first_name(), ToString::to_string),
            mentor_last_name: known(h.mentor_last_name(), ToString::to_string),
            position: Self::opt(h.position()),
            phone: known(h.phone(), ToString::to_string),
            email: known(h.email(), ToString::to_string),
        }
    }

    async fn project(&self) -> ProjectView {
        let p = self.doc.project();
        ProjectView {
            objective: Self::opt(p.objective()),
            programme_en: p.programme().map(|l| l.en.clone()),
            programme_lv: p.programme().map(|l| l.lv.clone()),
            qualification: Self::opt(p.qualification()),
            stay: p.stay().map(|s| match s {
                Stay::Physical => StayKind::Physical,
                Stay::Virtual => StayKind::Virtual,
            }),
            purpose: choice(p.purpose()),
            start_date: p.start_date(),
            end_date: p.end_date(),
        }
    }

    async fn learning_outcomes(&self) -> LearningOutcomesView {
        use domain::reference::LanguageActivity as A;
        let o = self.doc.learning_outcomes();
        LearningOutcomesView {
            activities: Self::opt(o.activities()),
            job_related_skills: Self::opt(o.job_related_skills()),
            language_skills: o
                .language_skills()
                .iter()
                .map(|s| LanguageSkillView {
                    language: s.language().to_string(),
                    listening: s.level(A::Listening).map(|l| l.as_str().to_string()),
                    reading: s.level(A::Reading).map(|l| l.as_str().to_string()),
                    spoken_interaction: s
                        .level(A::SpokenInteraction)
                        .map(|l| l.as_str().to_string()),
                    spoken_production: s.level(A::SpokenProduction).map(|l| l.as_str().to_string()),
                    writing: s.level(A::Writing).map(|l| l.as_str().to_string()),
                })
                .collect(),
            digital_skills: Self::opt(o.digital_skills()),
            organisational_skills: Self::opt(o.organisational_skills()),
            communication_skills: Self::opt(o.communication_skills()),
            other_skills: Self::opt(o.other_skills()),
        }
    }

    /// R-COMPLETE: mandatory fields still empty, labelled in the interface language.
    async fn missing_fields(&self, language: Option<Language>) -> Vec<MissingField> {
        let lv = language == Some(Language::Lv);
        self.doc
            .missing_fields()
            .into_iter()
            .map(|m| MissingField {
                section: m.section.as_str().to_string(),
                field: m.field.to_string(),
                path: m.path(),
                label: (if lv { m.label.lv } else { m.label.en }).to_string(),
                section_label: (if lv {
                    m.section_label.lv
                } else {
                    m.section_label.en
                })
                .to_string(),
            })
            .collect()
    }

    async fn complete(&self) -> bool {
        self.doc.missing_fields().is_empty()
    }

    /// The participant's access (R-PART): for the institution, NEC staff and the participant;
    /// null for the host.
    async fn participant_access(&self) -> Option<ParticipantAccessView> {
        self.may(DocumentOperation::ReadParticipantAccess)
            .then(|| ParticipantAccessView {
                email: Self::opt(self.doc.participant_email()),
                locked_from: self.doc.participant_locked_from(),
                locked_now: self.doc.participant_locked_at(self.now),
            })
    }

    /// The certificates issued so far (R-PDF): for the institution and NEC staff; empty for
    /// hosts and participants, who never get the certificate.
    async fn certificates(&self) -> Vec<IssuedCertificateView> {
        if !self.may(DocumentOperation::ReadIssuedCertificates) {
            return vec![];
        }
        self.doc
            .issued_certificates()
            .iter()
            .map(|c| IssuedCertificateView {
                sha256: c.sha256.as_str().to_string(),
                language: c.language.into(),
                template_version: c.template_version.to_string(),
                issued_at: c.at,
            })
            .collect()
    }

    /// Every event of this document in order (the NEC's full audit view is `certificateHistory`).
    /// For the institution and NEC staff.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<HistoryEntry>> {
        if !self.may(DocumentOperation::ReadHistory) {
            let rule = domain::authorization::document_rule(DocumentOperation::ReadHistory);
            return Err(fail(
                ctx,
                domain::Refusal::forbidden(rule.refusal.0, rule.refusal.1),
            ));
        }
        let events = state(ctx)
            .services
            .store
            .documents
            .history(self.id)
            .await
            .map_err(|e| fail(ctx, e))?;
        Ok(events
            .into_iter()
            .map(|e| {
                use cqrs_es::DomainEvent;
                let copied_from = match &e.payload {
                    domain::document::DocumentEvent::CopyReceived {
                        source_document, ..
                    } => Some(ID(source_document.to_string())),
                    _ => None,
                };
                HistoryEntry {
                    sequence: e.sequence as i64,
                    event_type: e.payload.event_type(),
                    at: e.metadata.get("at").cloned(),
                    actor_role: e.metadata.get("actor_role").cloned(),
                    actor_id: e.metadata.get("actor_id").cloned(),
                    correlation_id: e.metadata.get("correlation_id").cloned(),
                    copied_from,
                }
            })
            .collect())
    }
}

#[derive(SimpleObject)]
pub struct HistoryEntry {
    pub sequence: i64,
    pub event_type: String,
    pub at: Option<String>,
    pub actor_role: Option<String>,
    pub actor_id: Option<String>,
    pub correlation_id: Option<String>,
    /// For copies (R-COPY): the document the values came from.
    pub copied_from: Option<ID>,
}

pub(super) async fn load_document(ctx: &Context<'_>, id: Uuid) -> ApiResult<DocumentView> {
    let principal = principal(ctx).await?;
    let (doc, relation) =
        documents::load_authorized(&state(ctx).services, principal, id, DocumentOperation::Read)
            .await
            .map_err(|e| fail(ctx, e))?;
    Ok(DocumentView {
        id,
        doc,
        relation,
        now: state(ctx).services.clock.now(),
    })
}

#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// A document the caller may see: the owning institution, NEC staff, its host (by the host
    /// e-mail) or its participant. Anyone else gets NOT_FOUND.
    async fn document(&self, ctx: &Context<'_>, id: ID) -> ApiResult<DocumentView> {
        let id = parse_id(ctx, "id", &id)?;
        load_document(ctx, id).await
    }
}

#[derive(InputObject)]
pub struct ChoiceInputValue {
    /// A code from the reference list…
    pub code: Option<String>,
    /// …or a free text ("other").
    pub other: Option<String>,
}

fn choice_input(v: MaybeUndefined<ChoiceInputValue>) -> Option<Option<ChoiceInput>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(c) => Some(match (c.code, c.other) {
            (Some(code), _) if !code.trim().is_empty() => Some(ChoiceInput::Listed(code)),
            (_, Some(other)) if !other.trim().is_empty() => Some(ChoiceInput::Other(other)),
            _ => None,
        }),
    }
}

fn maybe<T>(v: MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(x) => Some(Some(x)),
    }
}

/// Omitted fields stay as they are; an empty string or null clears a field.
#[derive(InputObject, Default)]
pub struct PersonalDataInput {
    pub surname: Option<String>,
    pub first_name: Option<String>,
    pub date_of_birth: MaybeUndefined<NaiveDate>,
    /// ISO 3166 code, e.g. LV.
    pub nationality: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
}

#[derive(InputObject, Default)]
pub struct HostOrganisationInput {
    pub name: Option<String>,
    pub organisation_type: MaybeUndefined<ChoiceInputValue>,
    pub address: Option<String>,
    /// Must be in the scope of the mobility's procedure (R-SCOPE).
    pub country: Option<String>,
    pub mentor_first_name: Option<String>,
    pub mentor_last_name: Option<String>,
    pub position: Option<String>,
    pub phone: Option<String>,
    /// The host's e-mail: the host organisation sees the document through it.
    pub email: Option<String>,
}

#[derive(InputObject, Default)]
pub struct ProjectInput {
    pub objective: Option<String>,
    pub qualification: Option<String>,
    pub stay: MaybeUndefined<StayKind>,
    pub purpose: MaybeUndefined<ChoiceInputValue>,
    pub start_date: MaybeUndefined<NaiveDate>,
    pub end_date: MaybeUndefined<NaiveDate>,
}

#[derive(InputObject)]
pub struct LanguageSkillInputValue {
    /// ISO 639-1 code, e.g. en, de, lv.
    pub language: String,
    pub listening: Option<Cefr>,
    pub reading: Option<Cefr>,
    pub spoken_interaction: Option<Cefr>,
    pub spoken_production: Option<Cefr>,
    pub writing: Option<Cefr>,
}

#[derive(InputObject, Default)]
pub struct LearningOutcomesInput {
    pub activities: Option<String>,
    pub job_related_skills: Option<String>,
    /// Replaces the whole list when given.
    pub language_skills: Option<Vec<LanguageSkillInputValue>>,
    pub digital_skills: Option<String>,
    pub organisational_skills: Option<String>,
    pub communication_skills: Option<String>,
    pub other_skills: Option<String>,
}

#[derive(InputObject)]
pub struct CopyToDocumentsInput {
    pub source_document: ID,
    /// `hostOrganisation`, `project` or `learningOutcomes`.
    pub section: String,
    /// Field names of that section, e.g. `["name", "address", "country"]`.
    pub fields: Vec<String>,
    pub targets: Vec<ID>,
    /// A retried request with the same id changes nothing twice.
    pub client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub struct CopyResult {
    pub targets: i32,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct DocumentMutation;

/// A section save decides on the event store alone and answers with the state it decided,
/// as soon as the events are durable. It does not wait for the projections: the append notes
/// the write on the session, whose later reads wait for it (read your writes).
///
/// A caller this process authenticated before is not authenticated again first: the append
/// proves the session and account still current in its own condition (a save that appends
/// nothing, or is refused, proves them in a statement of its own). Only if that proof fails,
/// which wrote nothing, does the save run again the ordinary way, whose authentication gives
/// the error. Any other error is the answer: it is not decided twice (see `eventstore::retry`).
async fn save(ctx: &Context<'_>, document_id: ID, save: SectionSave) -> ApiResult<DocumentView> {
    let services = &state(ctx).services;
    let parsed = parse_uuid("documentId", document_id.as_str());
    let (id, doc, relation) = request(ctx)
        .with_caller(services, parsed.is_ok(), |principal, command| {
            let (save, parsed) = (save.clone(), parsed.clone());
            async move {
                let id = parsed?;
                let (doc, relation) =
                    documents::save(services, &command, &principal, id, save).await?;
                Ok((id, doc, relation))
            }
        })
        .await
        .map_err(|e| fail(ctx, e))?;
    Ok(DocumentView {
        id,
        doc,
        relation,
        now: services.clock.now(),
    })
}

#[Object]
impl DocumentMutation {
    /// R-PERSONAL: saves the given personal-data fields (partial saves are fine).
    async fn save_personal_data(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        input: PersonalDataInput,
    ) -> ApiResult<DocumentView> {
        let patch = PersonalDataPatch {
            surname: input.surname,
            first_name: input.first_name,
            date_of_birth: maybe(input.date_of_birth),
            nationality: input.nationality,
            address: input.address,
            email: input.email,
            photo: None,
        };
        save(ctx, document_id, SectionSave::PersonalData(patch)).await
    }

    /// R-HOSTORG.
    async fn save_host_organisation(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        input: HostOrganisationInput,
    ) -> ApiResult<DocumentView> {
        let patch = HostOrganisationPatch {
            name: input.name,
            organisation_type: choice_input(input.organisation_type),
            address: input.address,
            country: input.country,
            mentor_first_name: input.mentor_first_name,
            mentor_last_name: input.mentor_last_name,
            position: input.position,
            phone: input.phone,
            email: input.email,
        };
        save(ctx, document_id, SectionSave::HostOrganisation(patch)).await
    }

    /// R-PROJECT.
    async fn save_project(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        input: ProjectInput,
    ) -> ApiResult<DocumentView> {
        let patch = ProjectPatch {
            objective: input.objective,
            programme: None,
            qualification: input.qualification,
            stay: maybe(input.stay).map(|s| {
                s.map(|s| match s {
                    StayKind::Physical => Stay::Physical,
                    StayKind::Virtual => Stay::Virtual,
                })
            }),
            purpose: choice_input(input.purpose),
            start_date: maybe(input.start_date),
            end_date: maybe(input.end_date),
        };
        save(ctx, document_id, SectionSave::Project(patch)).await
    }

    /// R-OUTCOMES.
    async fn save_learning_outcomes(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        input: LearningOutcomesInput,
    ) -> ApiResult<DocumentView> {
        let patch = LearningOutcomesPatch {
            activities: input.activities,
            job_related_skills: input.job_related_skills,
            language_skills: input.language_skills.map(|list| {
                list.into_iter()
                    .map(|s| LanguageSkillInput {
                        language: s.language,
                        listening: s.listening.map(Into::into),
                        reading: s.reading.map(Into::into),
                        spoken_interaction: s.spoken_interaction.map(Into::into),
                        spoken_production: s.spoken_production.map(Into::into),
                        writing: s.writing.map(Into::into),
                    })
                    .collect()
            }),
            digital_skills: input.digital_skills,
            organisational_skills: input.organisational_skills,
            communication_skills: input.communication_skills,
            other_skills: input.other_skills,
        };
        save(ctx, document_id, SectionSave::LearningOutcomes(patch)).await
    }

    /// R-LANG: the certificate's language (the sending institution decides).
    async fn set_document_language(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        language: Language,
    ) -> ApiResult<DocumentView> {
        save(ctx, document_id, SectionSave::Language(language.into())).await
    }

    /// R-COPY: the chosen fields of one section go to the chosen documents of the same
    /// mobility, all or none.
    async fn copy_to_documents(
        &self,
        ctx: &Context<'_>,
        input: CopyToDocumentsInput,
    ) -> ApiResult<CopyResult> {
        let copied = mutate(ctx, async |c| {
            let source = c.id("sourceDocument", &input.source_document)?;
            let targets = input
                .targets
                .iter()
                .map(|t| c.id("targets", t))
                .collect::<Result<Vec<_>, _>>()?;
            let client_mutation_id = input
                .client_mutation_id
                .as_deref()
                .map(domain::values::ClientMutationId::parse)
                .transpose()?;
            let request = CopyRequest {
                source,
                section: input.section,
                fields: input.fields,
                targets,
                client_mutation_id,
            };
            documents::copy_to_documents(c.services, &c.command, c.principal, request).await
        })
        .await?;
        Ok(CopyResult {
            targets: copied as i32,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
