use super::{HostOrganisationChange, LearningOutcomesChange, PersonalDataChange, ProjectChange};
use crate::reference::Label;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The sections of a certificate document, named as a GraphQL client names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Section {
    PersonalData,
    HostOrganisation,
    Project,
    LearningOutcomes,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::PersonalData,
        Section::HostOrganisation,
        Section::Project,
        Section::LearningOutcomes,
    ];

    /// `personalData`, `hostOrganisation`, `project`, `learningOutcomes`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonalData => "personalData",
            Self::HostOrganisation => "hostOrganisation",
            Self::Project => "project",
            Self::LearningOutcomes => "learningOutcomes",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(raw))
            .ok_or_else(|| {
                Refusal::validation(
                    "section",
                    "UNKNOWN_SECTION",
                    "section must be personalData, hostOrganisation, project or learningOutcomes",
                )
            })
    }

    pub const fn label(self) -> Label {
        match self {
            Self::PersonalData => Label::new("Personal data", "Personas dati"),
            Self::HostOrganisation => Label::new("Host organisation", "Uzņemošā organizācija"),
            Self::Project => Label::new(
                "Description of the Europass Mobility experience",
                "Europass mobilitātes apraksts",
            ),
            Self::LearningOutcomes => Label::new(
                "Description of skills and competences acquired",
                "Iegūto prasmju un kompetenču apraksts",
            ),
        }
    }

    /// R-COPY: personal data are never copied to another document.
    pub fn is_copyable(self) -> bool {
        !matches!(self, Self::PersonalData)
    }
}

/// Who saves a section (R-HOST, R-PART). The command side establishes the identity; the
/// document enforces what each may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Editor {
    /// A user of the sending institution: everything.
    Institution,
    /// The host organisation named by the host e-mail: host organisation, project and learning
    /// outcomes, never personal data, never the certificate.
    Host,
    /// The participant: their personal data and learning outcomes, and nothing once their
    /// access is locked.
    Participant,
}

impl Editor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Institution => "institution",
            Self::Host => "host",
            Self::Participant => "participant",
        }
    }

    pub fn may_edit(self, section: Section) -> bool {
        match self {
            Self::Institution => true,
            Self::Host => section != Section::PersonalData,
            Self::Participant => {
                matches!(section, Section::PersonalData | Section::LearningOutcomes)
            }
        }
    }
}

/// New values of some fields of one section: what a save or a copy changed (each value is the
/// field's value after the event; `None` means cleared), or, from
/// [`Document::values_before`](super::Document::values_before), what the fields held before.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "section", content = "fields", rename_all = "camelCase")]
pub enum SectionChanges {
    PersonalData(Vec<PersonalDataChange>),
    HostOrganisation(Vec<HostOrganisationChange>),
    Project(Vec<ProjectChange>),
    LearningOutcomes(Vec<LearningOutcomesChange>),
}

impl SectionChanges {
    pub fn section(&self) -> Section {
        match self {
            Self::PersonalData(_) => Section::PersonalData,
            Self::HostOrganisation(_) => Section::HostOrganisation,
            Self::Project(_) => Section::Project,
            Self::LearningOutcomes(_) => Section::LearningOutcomes,
        }
    }

    /// The camelCase names of the fields, in order.
    pub fn fields(&self) -> Vec<&'static str> {
        match self {
            Self::PersonalData(c) => c.iter().map(PersonalDataChange::field).collect(),
            Self::HostOrganisation(c) => c.iter().map(HostOrganisationChange::field).collect(),
            Self::Project(c) => c.iter().map(ProjectChange::field).collect(),
            Self::LearningOutcomes(c) => c.iter().map(LearningOutcomesChange::field).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Self::PersonalData(c) => c.is_empty(),
            Self::HostOrganisation(c) => c.is_empty(),
            Self::Project(c) => c.is_empty(),
            Self::LearningOutcomes(c) => c.is_empty(),
        }
    }
}
