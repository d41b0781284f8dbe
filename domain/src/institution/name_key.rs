//! The seed's rule "an institution registers once": two registrations name the same
//! institution when their names are equal once case, white space, quotes and punctuation are
//! folded. The institution's aggregate id is derived from that key (UUID v5), as an account's
//! is from its e-mail, so the event store's uniqueness of (aggregate, sequence) makes "one
//! registration per name" hold under concurrency.

use crate::values::InstitutionName;
use crate::Refusal;
use uuid::Uuid;

/// Namespace for deriving institution ids from normalised names (UUID v5).
const INSTITUTION_NAMESPACE: Uuid = Uuid::from_u128(0x3b0c_91d4_5e27_4f6a_a8e1_62c9_0d7b_4e13);

/// An institution name reduced to what tells institutions apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstitutionNameKey(String);

impl InstitutionNameKey {
    /// Lower case; every character that is neither a letter nor a digit (quotes, dashes,
    /// dots, commas, …) is a space; runs of spaces are one. `SIA „Rīgas Skola”` and
    /// `sia rīgas   skola.` are the same institution. A name without a letter or digit has no
    /// key: it could not be told from any other.
    pub fn of(name: &InstitutionName) -> Result<Self, Refusal> {
        let spaced: String = name
            .as_str()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let key = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
        if key.is_empty() {
            return Err(Refusal::validation(
                "name",
                "INVALID_NAME",
                "name must contain letters or digits",
            ));
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of the institution registered under this name.
    pub fn institution_id(&self) -> Uuid {
        Uuid::new_v5(&INSTITUTION_NAMESPACE, self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> Result<InstitutionNameKey, Refusal> {
        InstitutionNameKey::of(&InstitutionName::parse(raw).unwrap())
    }

    #[test]
    fn case_space_quotes_and_punctuation_are_folded() {
        let id = key("Rīgas Valsts tehnikums").unwrap().institution_id();
        for same in [
            "RĪGAS VALSTS TEHNIKUMS",
            "  rīgas  valsts   tehnikums ",
            "\"Rīgas Valsts tehnikums\"",
            "„Rīgas Valsts tehnikums”",
            "«Rīgas valsts tehnikums»",
            "Rīgas Valsts tehnikums.",
            "Rīgas-Valsts-tehnikums",
            "'Rīgas' Valsts, tehnikums!",
        ] {
            assert_eq!(key(same).unwrap().institution_id(), id, "{same}");
        }
        assert_eq!(
            key("SIA „Skola”").unwrap().as_str(),
            "sia skola",
            "the key itself"
        );
    }

    #[test]
    fn other_letters_and_digits_are_other_institutions() {
        let id = key("Rīgas Valsts tehnikums").unwrap().institution_id();
        for other in [
            "Rigas Valsts tehnikums",
            "Rīgas Valsts tehnikums 2",
            "Rīgas Valsts tehnikum",
            "RīgasValsts tehnikums",
        ] {
            assert_ne!(key(other).unwrap().institution_id(), id, "{other}");
        }
    }

    #[test]
    fn a_name_of_signs_only_is_refused_naming_the_field() {
        let err = key("!!! ---").unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.reason),
            (Some("name"), "INVALID_NAME")
        );
    }
}
