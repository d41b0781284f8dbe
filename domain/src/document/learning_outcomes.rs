//! R-OUTCOMES: the activities carried out and the skills and competences acquired, in the
//! Europass categories. Each category is a free text (an ESCO lookup helps write it); language
//! skills are rated per language on the CEFR grid.

use super::input::{diff, text};
use crate::reference::{language, CefrLevel, Label, LanguageActivity};
use crate::values::{FreeText, LongText};
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// At most this many languages fit the certificate.
pub const MAX_LANGUAGES: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LearningOutcomes {
    activities: Option<LongText>,
    job_related_skills: Option<FreeText>,
    language_skills: Vec<LanguageSkill>,
    digital_skills: Option<FreeText>,
    organisational_skills: Option<FreeText>,
    communication_skills: Option<FreeText>,
    other_skills: Option<FreeText>,
}

/// One language with its CEFR levels; at least one activity is rated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSkill {
    language: String,
    listening: Option<CefrLevel>,
    reading: Option<CefrLevel>,
    spoken_interaction: Option<CefrLevel>,
    spoken_production: Option<CefrLevel>,
    writing: Option<CefrLevel>,
}

/// A language skill as the client sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageSkillInput {
    /// A code of [`LANGUAGES`](crate::reference::LANGUAGES), e.g. `de`.
    pub language: String,
    pub listening: Option<CefrLevel>,
    pub reading: Option<CefrLevel>,
    pub spoken_interaction: Option<CefrLevel>,
    pub spoken_production: Option<CefrLevel>,
    pub writing: Option<CefrLevel>,
}

/// The new value of one learning outcomes field (`None` or an empty list: cleared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "camelCase")]
pub enum LearningOutcomesChange {
    Activities(Option<LongText>),
    JobRelatedSkills(Option<FreeText>),
    LanguageSkills(Vec<LanguageSkill>),
    DigitalSkills(Option<FreeText>),
    OrganisationalSkills(Option<FreeText>),
    CommunicationSkills(Option<FreeText>),
    OtherSkills(Option<FreeText>),
}

/// A partial save of the learning outcomes: `None` leaves a field as it is; an empty text or
/// an empty list clears it. `language_skills` replaces the whole list.
#[derive(Clone, Debug, Default)]
pub struct LearningOutcomesPatch {
    pub activities: Option<String>,
    pub job_related_skills: Option<String>,
    pub language_skills: Option<Vec<LanguageSkillInput>>,
    pub digital_skills: Option<String>,
    pub organisational_skills: Option<String>,
    pub communication_skills: Option<String>,
    pub other_skills: Option<String>,
}

impl LanguageSkill {
    /// The language code, e.g. `de`.
    pub fn language(&self) -> &str {
        &self.language
    }

    pub fn language_label(&self) -> Option<Label> {
        language(&self.language).map(|l| l.label)
    }

    pub fn level(&self, activity: LanguageActivity) -> Option<CefrLevel> {
        match activity {
            LanguageActivity::Listening => self.listening,
            LanguageActivity::Reading => self.reading,
            LanguageActivity::SpokenInteraction => self.spoken_interaction,
            LanguageActivity::SpokenProduction => self.spoken_production,
            LanguageActivity::Writing => self.writing,
        }
    }

    fn parse(input: LanguageSkillInput, index: usize) -> Result<Self, Refusal> {
        let prefix = format!("learningOutcomes.languageSkills[{index}]");
        let field = format!("{prefix}.language");
        let Some(listed) = language(&input.language) else {
            let reason = if input.language.trim().is_empty() {
                "REQUIRED"
            } else {
                "UNKNOWN_LANGUAGE"
            };
            return Err(Refusal::validation(
                &field,
                reason,
                format!("{field} must be a listed language code such as de or fr"),
            ));
        };
        let skill = Self {
            language: listed.code.to_string(),
            listening: input.listening,
            reading: input.reading,
            spoken_interaction: input.spoken_interaction,
            spoken_production: input.spoken_production,
            writing: input.writing,
        };
        if LanguageActivity::ALL
            .iter()
            .all(|a| skill.level(*a).is_none())
        {
            return Err(Refusal::validation(
                &prefix,
                "LEVEL_REQUIRED",
                format!("{prefix} needs a CEFR level for at least one of listening, reading, spoken interaction, spoken production or writing"),
            ));
        }
        Ok(skill)
    }
}

impl LearningOutcomes {
    pub fn activities(&self) -> Option<&LongText> {
        self.activities.as_ref()
    }

    pub fn job_related_skills(&self) -> Option<&FreeText> {
        self.job_related_skills.as_ref()
    }

    pub fn language_skills(&self) -> &[LanguageSkill] {
        &self.language_skills
    }

    pub fn digital_skills(&self) -> Option<&FreeText> {
        self.digital_skills.as_ref()
    }

    pub fn organisational_skills(&self) -> Option<&FreeText> {
        self.organisational_skills.as_ref()
    }

    pub fn communication_skills(&self) -> Option<&FreeText> {
        self.communication_skills.as_ref()
    }

    pub fn other_skills(&self) -> Option<&FreeText> {
        self.other_skills.as_ref()
    }

    pub(super) fn apply(&mut self, change: LearningOutcomesChange) {
        match change {
            LearningOutcomesChange::Activities(v) => self.activities = v,
            LearningOutcomesChange::JobRelatedSkills(v) => self.job_related_skills = v,
            LearningOutcomesChange::LanguageSkills(v) => self.language_skills = v,
            LearningOutcomesChange::DigitalSkills(v) => self.digital_skills = v,
            LearningOutcomesChange::OrganisationalSkills(v) => self.organisational_skills = v,
            LearningOutcomesChange::CommunicationSkills(v) => self.communication_skills = v,
            LearningOutcomesChange::OtherSkills(v) => self.other_skills = v,
        }
    }

    /// The current value of the field `name`, or `None` for an unknown name.
    pub(super) fn value_of(&self, name: &str) -> Option<LearningOutcomesChange> {
        Some(match name {
            "activities" => LearningOutcomesChange::Activities(self.activities.clone()),
            "jobRelatedSkills" => {
                LearningOutcomesChange::JobRelatedSkills(self.job_related_skills.clone())
            }
            "languageSkills" => {
                LearningOutcomesChange::LanguageSkills(self.language_skills.clone())
            }
            "digitalSkills" => LearningOutcomesChange::DigitalSkills(self.digital_skills.clone()),
            "organisationalSkills" => {
                LearningOutcomesChange::OrganisationalSkills(self.organisational_skills.clone())
            }
            "communicationSkills" => {
                LearningOutcomesChange::CommunicationSkills(self.communication_skills.clone())
            }
            "otherSkills" => LearningOutcomesChange::OtherSkills(self.other_skills.clone()),
            _ => return None,
        })
    }
}

impl LearningOutcomesChange {
    /// The camelCase field name, e.g. `jobRelatedSkills`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Activities(_) => "activities",
            Self::JobRelatedSkills(_) => "jobRelatedSkills",
            Self::LanguageSkills(_) => "languageSkills",
            Self::DigitalSkills(_) => "digitalSkills",
            Self::OrganisationalSkills(_) => "organisationalSkills",
            Self::CommunicationSkills(_) => "communicationSkills",
            Self::OtherSkills(_) => "otherSkills",
        }
    }

    /// Whether the field holds a value.
    pub fn is_filled(&self) -> bool {
        match self {
            Self::Activities(v) => v.is_some(),
            Self::LanguageSkills(v) => !v.is_empty(),
            Self::JobRelatedSkills(v)
            | Self::DigitalSkills(v)
            | Self::OrganisationalSkills(v)
            | Self::CommunicationSkills(v)
            | Self::OtherSkills(v) => v.is_some(),
        }
    }
}

fn skills_text(raw: &str, field: &str) -> Result<Option<FreeText>, Refusal> {
    text(raw, field, |r| FreeText::parse_field(field, r))
}

impl LearningOutcomesPatch {
    /// The changes this patch makes to `current`, validated.
    pub(super) fn changes(
        self,
        current: &LearningOutcomes,
    ) -> Result<Vec<LearningOutcomesChange>, Refusal> {
        use LearningOutcomesChange as C;
        let mut changes = vec![];
        if let Some(raw) = self.activities {
            let field = "learningOutcomes.activities";
            let v = text(&raw, field, |r| LongText::parse_field(field, r))?;
            diff(&mut changes, v, &current.activities, C::Activities);
        }
        if let Some(raw) = self.job_related_skills {
            let v = skills_text(&raw, "learningOutcomes.jobRelatedSkills")?;
            diff(
                &mut changes,
                v,
                &current.job_related_skills,
                C::JobRelatedSkills,
            );
        }
        if let Some(inputs) = self.language_skills {
            let v = language_skills(inputs)?;
            diff(&mut changes, v, &current.language_skills, C::LanguageSkills);
        }
        if let Some(raw) = self.digital_skills {
            let v = skills_text(&raw, "learningOutcomes.digitalSkills")?;
            diff(&mut changes, v, &current.digital_skills, C::DigitalSkills);
        }
        if let Some(raw) = self.organisational_skills {
            let v = skills_text(&raw, "learningOutcomes.organisationalSkills")?;
            diff(
                &mut changes,
                v,
                &current.organisational_skills,
                C::OrganisationalSkills,
            );
        }
        if let Some(raw) = self.communication_skills {
            let v = skills_text(&raw, "learningOutcomes.communicationSkills")?;
            diff(
                &mut changes,
                v,
                &current.communication_skills,
                C::CommunicationSkills,
            );
        }
        if let Some(raw) = self.other_skills {
            let v = skills_text(&raw, "learningOutcomes.otherSkills")?;
            diff(&mut changes, v, &current.other_skills, C::OtherSkills);
        }
        Ok(changes)
    }
}

fn language_skills(inputs: Vec<LanguageSkillInput>) -> Result<Vec<LanguageSkill>, Refusal> {
    let field = "learningOutcomes.languageSkills";
    if inputs.len() > MAX_LANGUAGES {
        return Err(Refusal::validation(
            field,
            "TOO_MANY_LANGUAGES",
            format!("{field} can list at most {MAX_LANGUAGES} languages"),
        ));
    }
    let mut skills: Vec<LanguageSkill> = vec![];
    for (index, input) in inputs.into_iter().enumerate() {
        let skill = LanguageSkill::parse(input, index)?;
        if skills.iter().any(|s| s.language == skill.language) {
            let field = format!("{field}[{index}].language");
            return Err(Refusal::validation(
                &field,
                "DUPLICATE_LANGUAGE",
                format!("{} is listed twice", skill.language),
            ));
        }
        skills.push(skill);
    }
    Ok(skills)
}
