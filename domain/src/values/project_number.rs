use crate::Refusal;
use serde::{Deserialize, Serialize};

/// A project number or a programme's document number (procedures A and C), e.g.
/// `2026-1-LV01-KA121-SCH-000123456` or `NPJR-2026/10012`: trimmed, 1 to 50 characters, letters,
/// digits, `-`, `_`, `.`, `/` and spaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProjectNumber(String);

impl ProjectNumber {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Refusal::validation(
                "projectNumber",
                "REQUIRED",
                "projectNumber must not be empty",
            ));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(Refusal::validation(
                "projectNumber",
                "TOO_LONG",
                format!(
                    "projectNumber must be at most {} characters",
                    Self::MAX_CHARS
                ),
            ));
        }
        if !value
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./ ".contains(c))
        {
            return Err(Refusal::validation(
                "projectNumber",
                "INVALID_PROJECT_NUMBER",
                "projectNumber may contain only letters, digits, spaces and - _ . /",
            ));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProjectNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_programme_numbers_trimmed() {
        for ok in [
            "2026-1-LV01-KA121-SCH-000123456",
            "NPJR-2026/10012",
            "LA 2026_01.3",
        ] {
            assert_eq!(
                ProjectNumber::parse(&format!(" {ok} ")).unwrap().as_str(),
                ok
            );
        }
        assert!(ProjectNumber::parse(&"9".repeat(50)).is_ok());
    }

    #[test]
    fn refuses_empty_long_and_odd_characters() {
        assert_eq!(ProjectNumber::parse("  ").unwrap_err().reason, "REQUIRED");
        assert_eq!(
            ProjectNumber::parse(&"9".repeat(51)).unwrap_err().reason,
            "TOO_LONG"
        );
        for bad in ["KA121;DROP", "<b>1</b>", "a\tb", "x'y"] {
            let err = ProjectNumber::parse(bad).unwrap_err();
            assert_eq!(
                (err.reason, err.field.as_deref()),
                ("INVALID_PROJECT_NUMBER", Some("projectNumber"))
            );
        }
    }
}
