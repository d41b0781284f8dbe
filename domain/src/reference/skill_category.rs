use super::Label;
use serde::{Deserialize, Serialize};

/// The Europass categories of skills and competences acquired (R-OUTCOMES).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkillCategory {
    JobRelated,
    Language,
    Digital,
    Organisational,
    Communication,
    Other,
}

impl SkillCategory {
    pub const ALL: [SkillCategory; 6] = [
        SkillCategory::JobRelated,
        SkillCategory::Language,
        SkillCategory::Digital,
        SkillCategory::Organisational,
        SkillCategory::Communication,
        SkillCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::JobRelated => "JOB_RELATED",
            Self::Language => "LANGUAGE",
            Self::Digital => "DIGITAL",
            Self::Organisational => "ORGANISATIONAL",
            Self::Communication => "COMMUNICATION",
            Self::Other => "OTHER",
        }
    }

    /// The camelCase name of the category's field in the learning outcomes section.
    pub const fn field(self) -> &'static str {
        match self {
            Self::JobRelated => "jobRelatedSkills",
            Self::Language => "languageSkills",
            Self::Digital => "digitalSkills",
            Self::Organisational => "organisationalSkills",
            Self::Communication => "communicationSkills",
            Self::Other => "otherSkills",
        }
    }

    pub const fn label(self) -> Label {
        match self {
            Self::JobRelated => Label::new(
                "Job-related skills and competences",
                "Ar darbu saistītās prasmes un kompetences",
            ),
            Self::Language => Label::new(
                "Language skills and competences",
                "Valodu prasmes un kompetences",
            ),
            Self::Digital => Label::new(
                "Digital skills and competences",
                "Digitālās prasmes un kompetences",
            ),
            Self::Organisational => Label::new(
                "Organisational and managerial skills and competences",
                "Organizatoriskās un vadības prasmes un kompetences",
            ),
            Self::Communication => Label::new(
                "Communication and interpersonal skills and competences",
                "Saskarsmes un komunikācijas prasmes un kompetences",
            ),
            Self::Other => Label::new(
                "Other skills and competences",
                "Citas prasmes un kompetences",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_categories_with_codes_fields_and_labels() {
        for c in SkillCategory::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
            assert!(c.field().ends_with("Skills"));
            assert!(!c.label().en.is_empty() && !c.label().lv.is_empty());
        }
    }
}
