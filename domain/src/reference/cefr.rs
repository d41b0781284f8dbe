use super::Label;
use serde::{Deserialize, Serialize};

/// A level of the Common European Framework of Reference for Languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CefrLevel {
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

impl CefrLevel {
    pub const ALL: [CefrLevel; 6] = [
        CefrLevel::A1,
        CefrLevel::A2,
        CefrLevel::B1,
        CefrLevel::B2,
        CefrLevel::C1,
        CefrLevel::C2,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::B1 => "B1",
            Self::B2 => "B2",
            Self::C1 => "C1",
            Self::C2 => "C2",
        }
    }

    pub fn label(self) -> Label {
        match self {
            Self::A1 => Label::new("A1 Basic user", "A1 Pamatlietotājs"),
            Self::A2 => Label::new("A2 Basic user", "A2 Pamatlietotājs"),
            Self::B1 => Label::new("B1 Independent user", "B1 Neatkarīgs lietotājs"),
            Self::B2 => Label::new("B2 Independent user", "B2 Neatkarīgs lietotājs"),
            Self::C1 => Label::new("C1 Proficient user", "C1 Prasmīgs lietotājs"),
            Self::C2 => Label::new("C2 Proficient user", "C2 Prasmīgs lietotājs"),
        }
    }
}

/// The five language activities the CEFR self-assessment grid rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LanguageActivity {
    Listening,
    Reading,
    SpokenInteraction,
    SpokenProduction,
    Writing,
}

impl LanguageActivity {
    pub const ALL: [LanguageActivity; 5] = [
        LanguageActivity::Listening,
        LanguageActivity::Reading,
        LanguageActivity::SpokenInteraction,
        LanguageActivity::SpokenProduction,
        LanguageActivity::Writing,
    ];

    /// The camelCase name of the activity's field, e.g. `spokenInteraction`.
    pub fn field(self) -> &'static str {
        match self {
            Self::Listening => "listening",
            Self::Reading => "reading",
            Self::SpokenInteraction => "spokenInteraction",
            Self::SpokenProduction => "spokenProduction",
            Self::Writing => "writing",
        }
    }

    pub fn label(self) -> Label {
        match self {
            Self::Listening => Label::new("Listening", "Klausīšanās"),
            Self::Reading => Label::new("Reading", "Lasīšana"),
            Self::SpokenInteraction => Label::new("Spoken interaction", "Runāšana: dialogs"),
            Self::SpokenProduction => Label::new("Spoken production", "Runāšana: monologs"),
            Self::Writing => Label::new("Writing", "Rakstīšana"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_levels_five_activities_with_both_labels() {
        assert_eq!(serde_json::to_value(CefrLevel::B2).unwrap(), "B2");
        assert!(CefrLevel::A1 < CefrLevel::C2);
        for l in CefrLevel::ALL {
            assert!(l.label().en.starts_with(l.as_str()));
            assert!(l.label().lv.starts_with(l.as_str()));
        }
        assert_eq!(
            serde_json::to_value(LanguageActivity::SpokenInteraction).unwrap(),
            "SPOKEN_INTERACTION"
        );
        for a in LanguageActivity::ALL {
            assert!(!a.label().lv.is_empty());
        }
    }
}
