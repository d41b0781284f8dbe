use crate::Refusal;
use serde::{Deserialize, Serialize};

/// A phone number as people write it: digits with optional `+`, spaces, dashes, parentheses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim();
        let digits = value.chars().filter(char::is_ascii_digit).count();
        let chars_ok = value
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0));
        if !chars_ok || !(5..=20).contains(&digits) || value.len() > 30 {
            return Err(Refusal::validation(
                "phone",
                "INVALID_PHONE",
                "phone must be 5 to 20 digits, optionally with a leading +, spaces, dashes or parentheses",
            ));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_usual_forms_and_refuses_others() {
        assert!(Phone::parse("+371 67 123 456").is_ok());
        assert!(Phone::parse("(067) 123-456").is_ok());
        assert!(Phone::parse("12+34567").is_err());
        assert!(Phone::parse("1234").is_err());
        assert!(Phone::parse("call me").is_err());
    }
}
