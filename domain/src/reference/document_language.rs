use super::{Label, OwnedLabel};
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The language a certificate is written in (R-LANG): English unless the document chooses
/// Latvian, independent of the interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentLanguage {
    #[default]
    En,
    Lv,
}

impl DocumentLanguage {
    pub const ALL: [DocumentLanguage; 2] = [DocumentLanguage::En, DocumentLanguage::Lv];

    /// `EN` or `LV`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "EN",
            Self::Lv => "LV",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        match raw.trim().to_uppercase().as_str() {
            "EN" => Ok(Self::En),
            "LV" => Ok(Self::Lv),
            _ => Err(Refusal::validation(
                "language",
                "UNKNOWN_DOCUMENT_LANGUAGE",
                "the document language must be EN or LV",
            )),
        }
    }

    pub fn label(self) -> Label {
        match self {
            Self::En => Label::new("English", "Angļu"),
            Self::Lv => Label::new("Latvian", "Latviešu"),
        }
    }

    /// The text of a label in this language.
    pub fn pick(self, label: Label) -> &'static str {
        match self {
            Self::En => label.en,
            Self::Lv => label.lv,
        }
    }

    /// The text of a kept label in this language.
    pub fn pick_owned(self, label: &OwnedLabel) -> &str {
        match self {
            Self::En => &label.en,
            Self::Lv => &label.lv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_by_default_latvian_possible() {
        assert_eq!(DocumentLanguage::default(), DocumentLanguage::En);
        assert_eq!(
            DocumentLanguage::parse(" lv ").unwrap(),
            DocumentLanguage::Lv
        );
        assert_eq!(serde_json::to_value(DocumentLanguage::Lv).unwrap(), "LV");
        assert_eq!(
            DocumentLanguage::parse("DE").unwrap_err().reason,
            "UNKNOWN_DOCUMENT_LANGUAGE"
        );
        for l in DocumentLanguage::ALL {
            assert_eq!(DocumentLanguage::parse(l.as_str()).unwrap(), l);
        }
        assert_eq!(
            DocumentLanguage::Lv.pick(DocumentLanguage::En.label()),
            "Angļu"
        );
    }
}
