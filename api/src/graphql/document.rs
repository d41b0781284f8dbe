//! Certificate documents: reading them by role, saving sections, copying to other documents.

use super::errors::ApiResult;
use super::mutation::mutate;
use super::pagination::{paginate, Fetched, PageArgs, MAX_PAGE};
use super::query::{fail, parse_id, parse_uuid, principal, request, state};
use super::scalars::Date;
use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use commands::documents::{self, CopyRequest, DocumentOperation, Relation, SectionSave};
use domain::document::{
    Choice, ChoiceInput, Document as DomainDocument, HostOrganisationPatch, LanguageSkillInput,
    LearningOutcomesPatch, PersonalDataPatch, ProjectPatch,
};
use domain::reference::{CefrLevel, DocumentLanguage, Stay};
use domain::Personal;
use uuid::Uuid;

/// One of the register's two languages: of a certificate, or of labels asked for.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Language {
    /// English.
    En,
    /// Latvian.
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

/// A level of the Common European Framework of Reference for Languages, from A1 (basic) to
/// C2 (proficient).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Cefr {
    /// Breakthrough (basic user).
    A1,
    /// Waystage (basic user).
    A2,
    /// Threshold (independent user).
    B1,
    /// Vantage (independent user).
    B2,
    /// Effective operational proficiency (proficient user).
    C1,
    /// Mastery (proficient user).
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

/// How the participant took part in the mobility.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StayKind {
    /// Abroad, in person.
    Physical,
    /// Online, from home (virtual mobility).
    Virtual,
}

fn known<T, F: Fn(&T) -> String>(value: Option<&Personal<T>>, show: F) -> Option<String> {
    value.and_then(Personal::known).map(show)
}

/// A value chosen from a reference list, or a free text where the list lacks it, with its
/// text in both languages.
#[derive(SimpleObject)]
pub struct ChoiceValue {
    /// The list code, or null for a free text ("other").
    pub code: Option<String>,
    /// The English text (the label of the code, or the free text).
    pub text_en: String,
    /// The Latvian text (the label of the code, or the free text).
    pub text_lv: String,
}

fn choice(c: Option<&Choice>) -> Option<ChoiceValue> {
    c.map(|c| ChoiceValue {
        code: c.code().map(str::to_string),
        text_en: c.text_in(DocumentLanguage::En).to_string(),
        text_lv: c.text_in(DocumentLanguage::Lv).to_string(),
    })
}

/// R-PERSONAL: the participant's personal data. A host sees only the names (every other
/// field is null for it); erased data read as null.
#[derive(SimpleObject)]
pub struct PersonalDataView {
    /// Surname(s) (mandatory for a certificate).
    pub surname: Option<String>,
    /// First name(s) (mandatory for a certificate).
    pub first_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<Date>,
    /// Nationality as an ISO 3166-1 alpha-2 code, e.g. `LV`.
    pub nationality: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// The participant's e-mail: the participant's login once access is granted.
    pub email: Option<String>,
    /// SHA-256 (hex) of the stored photo; download with `GET /files/{sha256}`.
    pub photo_sha256: Option<String>,
}

/// R-HOSTORG: the organisation that hosted the participant, and the mentor there.
#[derive(SimpleObject)]
pub struct HostOrganisationView {
    /// The organisation's name (mandatory).
    pub name: Option<String>,
    /// The type of organisation, from `referenceData.hostOrganisationTypes` or free text
    /// (mandatory).
    pub organisation_type: Option<ChoiceValue>,
    /// Postal address (mandatory).
    pub address: Option<String>,
    /// Country as an ISO 3166-1 alpha-2 code, in the scope of the mobility's procedure
    /// (mandatory).
    pub country: Option<String>,
    /// The mentor's first name(s) (mandatory).
    pub mentor_first_name: Option<String>,
    /// The mentor's surname(s) (mandatory).
    pub mentor_last_name: Option<String>,
    /// The mentor's position.
    pub position: Option<String>,
    /// The mentor's telephone.
    pub phone: Option<String>,
    /// The host's e-mail: the host sees this document through it (R-HOST).
    pub email: Option<String>,
}

/// R-PROJECT: the mobility project as this document tells it.
#[derive(SimpleObject)]
pub struct ProjectView {
    /// Objective of the Europass Mobility experience.
    pub objective: Option<String>,
    /// The initiative or programme in English (from the mobility's request).
    pub programme_en: Option<String>,
    /// The initiative or programme in Latvian (from the mobility's request).
    pub programme_lv: Option<String>,
    /// The qualification to which the learning leads.
    pub qualification: Option<String>,
    /// Physical or virtual mobility.
    pub stay: Option<StayKind>,
    /// The purpose of the stay, from `referenceData.purposesOfStay` or free text.
    pub purpose: Option<ChoiceValue>,
    /// This participant's first day (mandatory).
    pub start_date: Option<Date>,
    /// This participant's last day (mandatory).
    pub end_date: Option<Date>,
}

/// A language the participant used, with CEFR levels per activity (codes `A1` to `C2`).
#[derive(SimpleObject)]
pub struct LanguageSkillView {
    /// The language as an ISO 639-1 code, e.g. `de`.
    pub language: String,
    /// Understanding: listening.
    pub listening: Option<String>,
    /// Understanding: reading.
    pub reading: Option<String>,
    /// Speaking: spoken interaction.
    pub spoken_interaction: Option<String>,
    /// Speaking: spoken production.
    pub spoken_production: Option<String>,
    /// Writing.
    pub writing: Option<String>,
}

/// R-OUTCOMES: what the participant did and learned.
#[derive(SimpleObject)]
pub struct LearningOutcomesView {
    /// Activities and tasks carried out (mandatory).
    pub activities: Option<String>,
    /// Job-related skills acquired.
    pub job_related_skills: Option<String>,
    /// Language skills acquired, per language.
    pub language_skills: Vec<LanguageSkillView>,
    /// Digital skills acquired.
    pub digital_skills: Option<String>,
    /// Organisational skills acquired.
    pub organisational_skills: Option<String>,
    /// Communication skills acquired.
    pub communication_skills: Option<String>,
    /// Other skills acquired.
    pub other_skills: Option<String>,
}

/// R-COMPLETE: a mandatory field still empty.
#[derive(SimpleObject)]
pub struct MissingField {
    /// The section: `personalData`, `hostOrganisation`, `project` or `learningOutcomes`.
    pub section: String,
    /// The field's name within its section, e.g. `surname`.
    pub field: String,
    /// `section.field`, as validation errors name it, e.g. `personalData.surname`.
    pub path: String,
    /// The field's label in the interface language asked for (`missingFields(language:)`).
    pub label: String,
    /// The section's label in the interface language asked for.
    pub section_label: String,
}

impl MissingField {
    /// The domain's missing field with its labels in Latvian (`lv`) or English.
    pub fn labelled(m: &domain::document::MissingField, lv: bool) -> Self {
        let pick = |label: domain::reference::Label| if lv { label.lv } else { label.en };
        Self {
            section: m.section.as_str().to_string(),
            field: super::field_names::api_field(m.section.as_str(), m.field).to_string(),
            path: super::field_names::api_path(&m.path()),
            label: pick(m.label).to_string(),
            section_label: pick(m.section_label).to_string(),
        }
    }
}

/// R-PART: the participant's access to this document.
#[derive(SimpleObject)]
pub struct ParticipantAccessView {
    /// The e-mail access was granted to; null until it is granted.
    pub email: Option<String>,
    /// From this moment on the participant may change nothing; null when not locked.
    pub locked_from: Option<DateTime<Utc>>,
    /// The lock is in force now.
    pub locked_now: bool,
}

/// A certificate PDF issued from this document (R-PDF).
#[derive(SimpleObject)]
pub struct IssuedCertificateView {
    /// SHA-256 (hex) of the PDF's bytes; the file is served by `GET /files/{sha256}`.
    pub sha256: String,
    /// The certificate's language.
    pub language: Language,
    /// The version of the certificate template that made it.
    pub template_version: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
}

/// Why and when the NEC revoked a document's certificate (issue 23).
#[derive(SimpleObject)]
pub struct RevocationView {
    /// When the National Europass Centre revoked the certificate.
    pub revoked_at: DateTime<Utc>,
    /// The reason, as the public verification page shows it.
    pub reason: String,
}

/// One event of a document's own history (`Document.history`).
#[derive(SimpleObject)]
pub struct HistoryEntry {
    /// The event's sequence number within the document, from 1.
    pub sequence: i64,
    /// The event's type, e.g. `PersonalDataSaved`.
    pub event_type: String,
    /// When the event was recorded.
    pub at: Option<DateTime<Utc>>,
    /// The role of whoever caused it: `institution_user`, `nec`, `host`, `participant`,
    /// `anonymous`, `operator` or `system`.
    pub actor_role: Option<String>,
    /// The account id of whoever caused it; null for the register itself and operators.
    pub actor_id: Option<ID>,
    /// The correlation id of the request that wrote it.
    pub correlation_id: Option<String>,
    /// For copies (R-COPY): the document the values came from.
    pub copied_from: Option<ID>,
}

/// A page of a document's own history, oldest first.
pub type HistoryEntryConnection = Connection<String, HistoryEntry, EmptyFields>;

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

/// A Europass Mobility document: one participant's certificate in the making (R-PERSONAL,
/// R-HOSTORG, R-PROJECT, R-OUTCOMES). Seen by the sending institution, NEC staff, its host
/// (by the host e-mail; names only of the personal data) and its participant.
#[Object(name = "Document")]
impl DocumentView {
    /// The document's id.
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }

    /// The Europass number, `PP/YYYY/NNNNNN-C`, e.g. `LV/2026/000123-2`.
    async fn europass_number(&self) -> Option<String> {
        Self::opt(self.doc.europass_number())
    }

    /// The mobility whose approval created the document.
    async fn mobility_id(&self) -> Option<ID> {
        self.doc.mobility_id().map(|m| ID(m.to_string()))
    }

    /// The certificate's language, independent of the interface language (R-LANG); English
    /// unless set.
    async fn language(&self) -> Language {
        self.doc.language().into()
    }

    /// The participant's first name(s) and surname(s), once both are entered.
    async fn holder_name(&self) -> Option<String> {
        self.doc.personal_data().holder_name()
    }

    /// R-PERSONAL: the participant's personal data. A host sees only the names here.
    async fn personal_data(&self) -> PersonalDataView {
        let p = self.doc.personal_data();
        let full = self.may(DocumentOperation::ReadHolderDetails);
        let show = |v: Option<String>| if full { v } else { None };
        PersonalDataView {
            surname: known(p.surname(), ToString::to_string),
            first_name: known(p.first_name(), ToString::to_string),
            date_of_birth: p
                .date_of_birth()
                .and_then(Personal::known)
                .filter(|_| full)
                .map(|d| Date(*d)),
            nationality: show(known(p.nationality(), |c| c.as_str().to_string())),
            address: show(known(p.address(), ToString::to_string)),
            email: show(known(p.email(), ToString::to_string)),
            photo_sha256: show(known(p.photo(), |ph| ph.sha256().as_str().to_string())),
        }
    }

    /// R-HOSTORG: the host organisation and the mentor.
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

    /// R-PROJECT: the project as this document tells it.
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
            start_date: p.start_date().map(Date),
            end_date: p.end_date().map(Date),
        }
    }

    /// R-OUTCOMES: what the participant did and learned.
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

    /// R-COMPLETE: the mandatory fields still empty, in the order of the certificate,
    /// labelled in the interface language asked for. Empty when the document is complete.
    async fn missing_fields(
        &self,
        #[graphql(desc = "The language of the labels (default English).")] language: Option<
            Language,
        >,
    ) -> Vec<MissingField> {
        let lv = language == Some(Language::Lv);
        self.doc
            .missing_fields()
            .iter()
            .map(|m| MissingField::labelled(m, lv))
            .collect()
    }

    /// R-HOST: when the host invited from this document (`sendHostPassword`) first logged
    /// in; null before that, for a host never sent a password from this document, and for
    /// anyone but the institution and NEC staff.
    async fn host_first_login_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        if !self.may(DocumentOperation::ReadIssuedCertificates) {
            return Ok(None);
        }
        commands::access::host_first_login(&state(ctx).services, self.id, &self.doc)
            .await
            .map_err(|e| fail(ctx, e))
    }

    /// R-SIGN: what the certificate carries in the sending institution's box of each kind
    /// (the default, a chosen signature, or nothing). For the institution and NEC staff;
    /// empty for hosts and participants.
    async fn signature_choices(&self) -> Vec<super::signature::SignatureChoiceView> {
        if !self.may(DocumentOperation::ReadIssuedCertificates) {
            return vec![];
        }
        [
            domain::signature::SignatureKind::Signature,
            domain::signature::SignatureKind::Stamp,
        ]
        .into_iter()
        .map(|kind| {
            super::signature::SignatureChoiceView::new(kind, self.doc.signature_choice(kind))
        })
        .collect()
    }

    /// No mandatory field is empty: the certificate can be issued.
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

    /// The certificates issued so far, oldest first (R-PDF): for the institution and NEC
    /// staff; empty for hosts and participants, who never get the certificate.
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

    /// Issue 23: the NEC's revocation of the certificate, if any: for the institution and NEC
    /// staff (anyone holding the certificate sees it through `certificateVerification`).
    async fn revocation(&self) -> Option<RevocationView> {
        if !self.may(DocumentOperation::ReadIssuedCertificates) {
            return None;
        }
        self.doc.revocation().map(|r| RevocationView {
            revoked_at: r.at,
            reason: r.reason.to_string(),
        })
    }

    /// Issue 23: the public verification link the certificate's QR code opens (with its
    /// code): for the institution and NEC staff; null before the first issue.
    async fn verification_url(&self, ctx: &Context<'_>) -> Option<String> {
        if !self.may(DocumentOperation::ReadIssuedCertificates)
            || self.doc.issued_certificates().is_empty()
        {
            return None;
        }
        commands::verification::link_of(&state(ctx).services, &self.doc)
    }

    /// Every event of this document, oldest first; pages of at most 100 (default 20). For
    /// the institution and NEC staff; null with a FORBIDDEN error for hosts and participants.
    /// (The full audit view with changes and actors' names is `certificateHistory`.)
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many events to return (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "Return the events after this cursor (an `endCursor` or an edge's \
                          `cursor` of this list)."
        )]
        after: Option<String>,
    ) -> ApiResult<Option<HistoryEntryConnection>> {
        if !self.may(DocumentOperation::ReadHistory) {
            let rule = domain::authorization::document_rule(DocumentOperation::ReadHistory);
            return Err(fail(
                ctx,
                domain::Refusal::forbidden(rule.refusal.0, rule.refusal.1),
            ));
        }
        let key = |raw: &str| raw.parse::<usize>().ok();
        let page = paginate(
            ctx,
            PageArgs::forward(first, after),
            MAX_PAGE,
            key,
            async |w| {
                // The event store's repository reads an aggregate's events whole (decrypted and
                // upcast); one document's events are few, and the page is cut here.
                let events = state(ctx)
                    .services
                    .store
                    .documents
                    .history(self.id)
                    .await
                    .map_err(|e| fail(ctx, e))?;
                let after = w.after.unwrap_or(0);
                Ok(Fetched::rows(
                    events
                        .into_iter()
                        .filter(|e| e.sequence > after)
                        .take(w.fetch() as usize)
                        .map(|e| {
                            use cqrs_es::DomainEvent;
                            let copied_from = match &e.payload {
                                domain::document::DocumentEvent::CopyReceived {
                                    source_document,
                                    ..
                                } => Some(ID(source_document.to_string())),
                                _ => None,
                            };
                            let entry = HistoryEntry {
                                sequence: e.sequence as i64,
                                event_type: e.payload.event_type(),
                                at: e
                                    .metadata
                                    .get("at")
                                    .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
                                    .map(|at| at.with_timezone(&Utc)),
                                actor_role: e.metadata.get("actor_role").cloned(),
                                actor_id: e.metadata.get("actor_id").cloned().map(ID),
                                correlation_id: e.metadata.get("correlation_id").cloned(),
                                copied_from,
                            };
                            (e.sequence.to_string(), entry)
                        })
                        .collect(),
                ))
            },
        )
        .await?;
        Ok(Some(page))
    }
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
    /// A document the caller may see: the sending institution, NEC staff, its host (by the
    /// host e-mail) or its participant. Null (with a NOT_FOUND error, the rest of the answer
    /// kept) when it does not exist or is not the caller's to see: both answers are alike.
    async fn document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] id: ID,
    ) -> ApiResult<Option<DocumentView>> {
        let id = parse_id(ctx, "id", &id)?;
        load_document(ctx, id).await.map(Some)
    }
}

/// A value from a reference list, or a free text where the list lacks it. A code wins when
/// both are given; neither (or only blanks) clears the field.
#[derive(InputObject)]
pub struct ChoiceInputValue {
    /// A code from the reference list (`referenceData.hostOrganisationTypes`,
    /// `referenceData.purposesOfStay`).
    pub code: Option<String>,
    /// A free text ("other"), at most 200 characters, used as is in both languages.
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

/// R-PERSONAL, a partial save: omitted fields stay as they are; an empty string or null
/// clears a field. Errors name the field as `personalData.<field>`.
#[derive(InputObject, Default)]
pub struct PersonalDataInput {
    /// Surname(s), at most 100 characters (mandatory for a certificate).
    pub surname: Option<String>,
    /// First name(s), at most 100 characters (mandatory for a certificate).
    pub first_name: Option<String>,
    /// Date of birth, not in the future.
    pub date_of_birth: MaybeUndefined<Date>,
    /// Nationality as an ISO 3166-1 alpha-2 code, e.g. `LV`.
    pub nationality: Option<String>,
    /// Postal address, at most 400 characters.
    pub address: Option<String>,
    /// The participant's e-mail (their login once access is granted).
    pub email: Option<String>,
}

/// R-HOSTORG, a partial save: omitted fields stay as they are; an empty string or null
/// clears a field. Errors name the field as `hostOrganisation.<field>`.
#[derive(InputObject, Default)]
pub struct HostOrganisationInput {
    /// The organisation's name, at most 200 characters (mandatory).
    pub name: Option<String>,
    /// The type of organisation (mandatory).
    pub organisation_type: MaybeUndefined<ChoiceInputValue>,
    /// Postal address, at most 400 characters (mandatory).
    pub address: Option<String>,
    /// ISO 3166-1 alpha-2 code; must be in the scope of the mobility's procedure (R-SCOPE,
    /// `referenceData.procedures.hostCountries`) (mandatory).
    pub country: Option<String>,
    /// The mentor's first name(s), at most 100 characters (mandatory).
    pub mentor_first_name: Option<String>,
    /// The mentor's surname(s), at most 100 characters (mandatory).
    pub mentor_last_name: Option<String>,
    /// The mentor's position, at most 200 characters.
    pub position: Option<String>,
    /// The mentor's telephone, e.g. `+49 89 1234567`.
    pub phone: Option<String>,
    /// The host's e-mail: the host organisation sees the document through it (R-HOST).
    pub email: Option<String>,
}

/// R-PROJECT, a partial save: omitted fields stay as they are; an empty string or null
/// clears a field. The programme comes from the mobility's request. Errors name the field as
/// `project.<field>`.
#[derive(InputObject, Default)]
pub struct ProjectInput {
    /// Objective of the Europass Mobility experience, at most 2,000 characters.
    pub objective: Option<String>,
    /// The qualification to which the learning leads, at most 500 characters.
    pub qualification: Option<String>,
    /// Physical or virtual mobility.
    pub stay: MaybeUndefined<StayKind>,
    /// The purpose of the stay.
    pub purpose: MaybeUndefined<ChoiceInputValue>,
    /// This participant's first day (mandatory).
    pub start_date: MaybeUndefined<Date>,
    /// This participant's last day, not before the first (mandatory).
    pub end_date: MaybeUndefined<Date>,
}

/// A language the participant used, with CEFR levels per activity (omitted: not assessed).
#[derive(InputObject)]
pub struct LanguageSkillInputValue {
    /// ISO 639-1 code from `referenceData.languages`, e.g. `en`, `de`, `lv`.
    pub language: String,
    /// Understanding: listening.
    pub listening: Option<Cefr>,
    /// Understanding: reading.
    pub reading: Option<Cefr>,
    /// Speaking: spoken interaction.
    pub spoken_interaction: Option<Cefr>,
    /// Speaking: spoken production.
    pub spoken_production: Option<Cefr>,
    /// Writing.
    pub writing: Option<Cefr>,
}

/// R-OUTCOMES, a partial save: omitted fields stay as they are; an empty string or null
/// clears a field. Errors name the field as `learningOutcomes.<field>`.
#[derive(InputObject, Default)]
pub struct LearningOutcomesInput {
    /// Activities and tasks carried out, at most 4,000 characters (mandatory).
    pub activities: Option<String>,
    /// Job-related skills acquired, at most 2,000 characters.
    pub job_related_skills: Option<String>,
    /// Language skills, at most 10 languages; replaces the whole list when given.
    pub language_skills: Option<Vec<LanguageSkillInputValue>>,
    /// Digital skills acquired, at most 2,000 characters.
    pub digital_skills: Option<String>,
    /// Organisational skills acquired, at most 2,000 characters.
    pub organisational_skills: Option<String>,
    /// Communication skills acquired, at most 2,000 characters.
    pub communication_skills: Option<String>,
    /// Other skills acquired, at most 2,000 characters.
    pub other_skills: Option<String>,
}

/// R-COPY: which fields of one section of a document go to which other documents of the
/// same mobility.
#[derive(InputObject)]
pub struct CopyToDocumentsInput {
    /// The document the values come from.
    pub source_document: ID,
    /// The section: `hostOrganisation`, `project` or `learningOutcomes`.
    pub section: String,
    /// Field names of that section as its input names them, e.g. `["name",
    /// "organisationType", "country"]` (`type` is still taken for `organisationType`,
    /// deprecated).
    pub fields: Vec<String>,
    /// The documents that receive the values (of the source's mobility, not the source).
    pub targets: Vec<ID>,
    /// The institution's own id for this request (visible ASCII, at most 100 characters): a
    /// retry with the same id returns the first answer and writes nothing; the same id with
    /// another request is refused (`CLIENT_MUTATION_ID_REUSED`).
    pub client_mutation_id: Option<String>,
}

/// The answer of `copyToDocuments`.
#[derive(SimpleObject)]
pub struct CopyResult {
    /// How many documents received the values.
    pub targets: i32,
    /// The `clientMutationId` sent, if any.
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
    /// R-PERSONAL: removes the holder's photo (those who may upload it: the institution, and
    /// the participant while not locked). Answers the document.
    async fn remove_photo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
    ) -> ApiResult<DocumentView> {
        let patch = PersonalDataPatch {
            photo: Some(None),
            ..Default::default()
        };
        save(ctx, document_id, SectionSave::PersonalData(patch)).await
    }

    /// R-PERSONAL: saves the given personal-data fields (partial saves are fine). The sending
    /// institution and the document's participant (while not locked). Answers the document as
    /// saved.
    async fn save_personal_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The fields to change.")] input: PersonalDataInput,
    ) -> ApiResult<DocumentView> {
        let patch = PersonalDataPatch {
            surname: input.surname,
            first_name: input.first_name,
            date_of_birth: maybe(input.date_of_birth).map(|d| d.map(Into::into)),
            nationality: input.nationality,
            address: input.address,
            email: input.email,
            photo: None,
        };
        save(ctx, document_id, SectionSave::PersonalData(patch)).await
    }

    /// R-HOSTORG: saves the given host-organisation fields (partial saves are fine). The
    /// sending institution and the document's host. Answers the document as saved.
    async fn save_host_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The fields to change.")] input: HostOrganisationInput,
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

    /// R-PROJECT: saves the given project fields (partial saves are fine). The sending
    /// institution and the document's host. Answers the document as saved.
    async fn save_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The fields to change.")] input: ProjectInput,
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
            start_date: maybe(input.start_date).map(|d| d.map(Into::into)),
            end_date: maybe(input.end_date).map(|d| d.map(Into::into)),
        };
        save(ctx, document_id, SectionSave::Project(patch)).await
    }

    /// R-OUTCOMES: saves the given learning-outcome fields (partial saves are fine). The
    /// sending institution, the document's host and its participant (while not locked).
    /// Answers the document as saved.
    async fn save_learning_outcomes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The fields to change.")] input: LearningOutcomesInput,
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

    /// R-LANG: the certificate's language, independent of the interface language (the
    /// sending institution decides). Answers the document as saved.
    async fn set_document_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document's id.")] document_id: ID,
        #[graphql(desc = "The certificate's language.")] language: Language,
    ) -> ApiResult<DocumentView> {
        save(ctx, document_id, SectionSave::Language(language.into())).await
    }

    /// R-COPY: the chosen fields of one section go to the chosen documents of the same
    /// mobility, all or none (every target is checked first; the caller must be allowed to
    /// fill them). The targets get the values as their own; each target's history names the
    /// source. Answers how many documents received them.
    async fn copy_to_documents(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to copy where.")] input: CopyToDocumentsInput,
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
                fields: input
                    .fields
                    .into_iter()
                    .map(|f| super::field_names::domain_field(&input.section, f))
                    .collect(),
                section: input.section,
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
