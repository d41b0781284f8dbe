use crate::Refusal;
use serde::{Deserialize, Serialize};

/// A SHA-256 digest as 64 lower-case hexadecimal characters: how events refer to content kept
/// outside them (a photo) or prove what was issued (a certificate PDF).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim().to_ascii_lowercase();
        if value.len() != 64 || !value.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Refusal::validation(
                "sha256",
                "INVALID_SHA256",
                "sha256 must be 64 hexadecimal characters",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ContentHash {
    type Error = Refusal;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ContentHash> for String {
    fn from(value: ContentHash) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_64_hex_characters_lower_cased() {
        let upper = "AB".repeat(32);
        assert_eq!(
            ContentHash::parse(&upper).unwrap().as_str(),
            "ab".repeat(32)
        );
        for bad in ["", "ab", &"g".repeat(64), &"a".repeat(65)] {
            let err = ContentHash::parse(bad).unwrap_err();
            assert_eq!(
                (err.reason, err.field.as_deref()),
                ("INVALID_SHA256", Some("sha256"))
            );
        }
        assert!(serde_json::from_str::<ContentHash>("\"xyz\"").is_err());
    }
}
