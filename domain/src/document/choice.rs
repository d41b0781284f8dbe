use crate::reference::{find_entry, DocumentLanguage, ListEntry, OwnedLabel};
use crate::values::ShortText;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// A value chosen from a reference list, kept with the labels it had then, or a free text
/// where the list lacks it (host organisation type, purpose of stay).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Choice {
    Listed { code: String, label: OwnedLabel },
    Other { text: ShortText },
}

/// A choice as the client sends it: a list code, or the text of "other".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChoiceInput {
    Listed(String),
    Other(String),
}

impl Choice {
    pub fn parse(
        input: ChoiceInput,
        list: &'static [ListEntry],
        field: &str,
        unknown: &'static str,
    ) -> Result<Self, Refusal> {
        match input {
            ChoiceInput::Listed(code) => match find_entry(list, &code) {
                Some(entry) => Ok(Self::Listed {
                    code: entry.code.to_string(),
                    label: entry.label.owned(),
                }),
                None => {
                    let codes: Vec<&str> = list.iter().map(|e| e.code).collect();
                    Err(Refusal::validation(
                        field,
                        unknown,
                        format!("{field} must be one of {} or a free text", codes.join(", ")),
                    ))
                }
            },
            ChoiceInput::Other(text) => {
                ShortText::parse_field(field, &text).map(|text| Self::Other { text })
            }
        }
    }

    /// The list code, or `None` for a free text.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Listed { code, .. } => Some(code),
            Self::Other { .. } => None,
        }
    }

    /// What a certificate in `language` prints.
    pub fn text_in(&self, language: DocumentLanguage) -> &str {
        match self {
            Self::Listed { label, .. } => language.pick_owned(label),
            Self::Other { text } => text.as_str(),
        }
    }
}
