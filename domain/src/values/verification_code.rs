//! The short verification code printed on a certificate beside its QR code (issue 23).
//!
//! Whoever holds a certificate has its number and this code; the public verification page
//! answers only to both, so numbers cannot be enumerated. The code is derived from the
//! document's id, a random (version 4) UUID that never leaves the register's authorised
//! pages: nothing new is stored, it stays the same across re-issues, and certificates issued
//! before codes existed have one too. Everyone who can compute it can read the document
//! itself.
//!
//! Ten characters of Crockford's base 32 (50 bits), printed in two groups of five such as
//! `7KQ2M-X9D4T`. Reading one
//! back forgives what people type: case, spaces and hyphens, `O` for `0`, `I`/`L` for `1`.

use crate::Refusal;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// The code of the document `document_id`.
    pub fn of_document(document_id: Uuid) -> Self {
        let digest = Sha256::new()
            .chain_update(b"europass-verification-code\0")
            .chain_update(document_id.as_bytes())
            .finalize();
        // The digest's first 50 bits, 5 per character.
        let bits = digest[..8]
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let code = (0..LENGTH)
            .map(|i| ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize] as char)
            .collect();
        Self(code)
    }

    /// A code as a person typed it (`field` names the input in the error).
    pub fn parse(field: &str, raw: &str) -> Result<Self, Refusal> {
        let mut code = String::with_capacity(LENGTH);
        for c in raw.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(invalid(field));
            }
            code.push(c);
        }
        if code.chars().count() != LENGTH {
            return Err(invalid(field));
        }
        Ok(Self(code))
    }

    /// Whether `self` is the code of `document_id`, compared in constant time (the compare
    /// must not tell a guesser how many characters were right).
    pub fn belongs_to(&self, document_id: Uuid) -> bool {
        let expected = Self::of_document(document_id);
        expected
            .0
            .bytes()
            .zip(self.0.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    /// Without separators, as the verification link carries it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed: two groups of five.
    pub fn printed(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }
}

fn invalid(field: &str) -> Refusal {
    Refusal::validation(
        field,
        "INVALID_VERIFICATION_CODE",
        "the verification code is the 10 letters and digits printed beside the QR code",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_has_one_stable_code_of_ten_characters_and_others_differ() {
        let id = Uuid::from_u128(0x1234_5678_9abc_4def_8123_4567_89ab_cdef);
        let code = VerificationCode::of_document(id);
        assert_eq!(code, VerificationCode::of_document(id));
        assert_eq!(code.as_str().len(), 10);
        assert!(code.as_str().bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(code.printed().len(), 11);
        let other = VerificationCode::of_document(Uuid::from_u128(1));
        assert_ne!(code, other);
        assert!(code.belongs_to(id));
        assert!(!other.belongs_to(id));
    }

    #[test]
    fn reading_back_forgives_case_separators_and_look_alike_letters() {
        let id = Uuid::from_u128(42);
        let code = VerificationCode::of_document(id);
        let typed = code
            .printed()
            .to_lowercase()
            .replace('0', "o")
            .replace('1', "l");
        let read = VerificationCode::parse("code", &format!(" {typed} ")).unwrap();
        assert!(read.belongs_to(id));
    }

    #[test]
    fn a_wrong_length_or_character_is_refused_naming_the_field() {
        for bad in [
            "",
            "ABCDE",
            "ABCDE-FGHJKM",
            "ABCDE-FGHJU",
            "ABCDE-FGHJ*",
            "ÄBCDE-FGHJK",
        ] {
            let err = VerificationCode::parse("code", bad).unwrap_err();
            assert_eq!(err.reason, "INVALID_VERIFICATION_CODE", "{bad}");
            assert_eq!(err.field.as_deref(), Some("code"), "{bad}");
        }
    }
}
