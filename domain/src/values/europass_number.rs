//! The Europass number of a document (R-APPROVE).
//!
//! # Format
//!
//! `PPP/YYYY/NNNNNN-C`, e.g. `LV/2026/000123-2`:
//!
//! - `PPP`: the series prefix, 2 or 3 upper-case letters A–Z. An NEC numbers in the series of
//!   its country code (`LV`); Europass Try Out numbers in its own series `TRY`, which never
//!   touches a real one.
//! - `YYYY`: the year of allocation, 2000–9999.
//! - `NNNNNN`: the sequence within series and year, 000001–999999, zero-padded.
//! - `C`: one check character, 0–9 or A–Z.
//!
//! # Check character
//!
//! The check character is computed over the payload `PPP YYYY NNNNNN` without separators
//! (`LV2026000123`) with the Damm algorithm over a quasigroup of order 36, so the check
//! character comes from the same 36-character alphabet as the payload.
//!
//! 1. Every character has a value: `0`–`9` → 0–9, `A`–`Z` → 10–35. A value `v` is read as the
//!    pair (`v mod 9`, `v div 9`) in Z₉ × GF(4), with GF(4) = {0, 1, ω, ω²} coded as
//!    0, 1, 2, 3 (addition is XOR, ω² = ω + 1).
//! 2. The operation is `x ∗ y = (2·x₁ + y₁ mod 9, ω·x₂ + y₂)`, where `ω·` maps 0, 1, 2, 3
//!    to 0, 2, 3, 1.
//! 3. Start with the interim value 0 and fold every payload character in:
//!    `interim = interim ∗ value`.
//! 4. The check character is the unique `c` with `interim ∗ c = 0`, that is
//!    `c₁ = −2·i₁ mod 9` and `c₂ = ω·i₂`; its value is `c₁ + 9·c₂`.
//!
//! A number is valid when folding the payload and the check character ends in 0.
//!
//! Why it catches errors: `∗` is a quasigroup (for fixed x, y ↦ x ∗ y is a bijection, and for
//! fixed y, x ↦ x ∗ y too), so changing any single character changes the final interim value
//! and the check no longer fits. Both factors are totally anti-symmetric
//! (`(c ∗ x) ∗ y = (c ∗ y) ∗ x` only if `x = y`, because 2 − 1 and ω − 1 are invertible), hence
//! so is their product, so swapping two adjacent different characters is caught too. Changes
//! that touch a separator or the letters/digits layout fail the format check. ISO 7064
//! MOD 37,36 was considered and not used: it misses some adjacent transpositions of digits.

use crate::Refusal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const FIELD: &str = "europassNumber";
const REASON: &str = "INVALID_EUROPASS_NUMBER";

/// `ω·x` in GF(4) with the coding 0, 1, ω, ω² = 0, 1, 2, 3.
const TIMES_OMEGA: [u8; 4] = [0, 2, 3, 1];

/// A valid Europass number; see the module documentation for format and check character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EuropassNumber {
    prefix: String,
    year: i32,
    sequence: u32,
    check: char,
}

impl EuropassNumber {
    /// The series of Europass Try Out.
    pub const TRY_OUT_PREFIX: &'static str = "TRY";
    pub const MAX_SEQUENCE: u32 = 999_999;

    /// The number with this prefix, year and sequence; computes the check character.
    pub fn new(prefix: &str, year: i32, sequence: u32) -> Result<Self, Refusal> {
        if !(2..=3).contains(&prefix.len()) || !prefix.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(invalid("the series prefix must be 2 or 3 letters A–Z"));
        }
        if !(2000..=9999).contains(&year) {
            return Err(invalid("the year must be between 2000 and 9999"));
        }
        if !(1..=Self::MAX_SEQUENCE).contains(&sequence) {
            return Err(invalid("the sequence must be between 1 and 999999"));
        }
        let check = check_character(&payload(prefix, year, sequence));
        Ok(Self {
            prefix: prefix.to_string(),
            year,
            sequence,
            check,
        })
    }

    /// Reads `LV/2026/000123-2` (surrounding space and lower case are tolerated) and verifies
    /// the check character.
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        // ASCII only: Unicode rules would turn "ﬀ" into "FF".
        let value = raw.trim().to_ascii_uppercase();
        let format = || invalid("a Europass number looks like LV/2026/000123-2");
        let mut parts = value.split('/');
        let (Some(prefix), Some(year), Some(rest), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format());
        };
        let Some((sequence, check)) = rest.split_once('-') else {
            return Err(format());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        let mut check_chars = check.chars();
        let (Some(check), None) = (check_chars.next(), check_chars.next()) else {
            return Err(format());
        };
        if !digits(year, 4) || !digits(sequence, 6) || char_value(check).is_none() {
            return Err(format());
        }
        let year: i32 = year.parse().map_err(|_| format())?;
        let sequence: u32 = sequence.parse().map_err(|_| format())?;
        let number = Self::new(prefix, year, sequence)?;
        if number.check != check {
            return Err(invalid(
                "the check character does not match: the Europass number is mistyped",
            ));
        }
        Ok(number)
    }

    /// The number as a path segment of a link: `LV-2026-000123-2` (slashes would split it).
    pub fn slug(&self) -> String {
        self.to_string().replace('/', "-")
    }

    /// Reads a number as [`parse`](Self::parse) does, or in its link form
    /// ([`slug`](Self::slug)): the verification page accepts both.
    pub fn parse_slug_or_number(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim();
        if value.contains('/') {
            return Self::parse(value);
        }
        let mut parts = value.splitn(3, '-');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(prefix), Some(year), Some(rest)) => {
                Self::parse(&format!("{prefix}/{year}/{rest}"))
            }
            _ => Self::parse(value),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    pub fn check_character(&self) -> char {
        self.check
    }

    /// Whether the number belongs to the Europass Try Out series.
    pub fn is_try_out(&self) -> bool {
        self.prefix == Self::TRY_OUT_PREFIX
    }
}

impl fmt::Display for EuropassNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{:04}/{:06}-{}",
            self.prefix, self.year, self.sequence, self.check
        )
    }
}

impl FromStr for EuropassNumber {
    type Err = Refusal;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EuropassNumber {
    type Error = Refusal;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EuropassNumber> for String {
    fn from(value: EuropassNumber) -> Self {
        value.to_string()
    }
}

fn invalid(message: &str) -> Refusal {
    Refusal::validation(FIELD, REASON, message)
}

fn payload(prefix: &str, year: i32, sequence: u32) -> String {
    format!("{prefix}{year:04}{sequence:06}")
}

/// `0`–`9` → 0–9, `A`–`Z` → 10–35.
fn char_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        'A'..='Z' => Some(c as u8 - b'A' + 10),
        _ => None,
    }
}

fn value_char(v: u8) -> char {
    match v {
        0..=9 => char::from(b'0' + v),
        _ => char::from(b'A' + v - 10),
    }
}

/// The quasigroup operation `x ∗ y` on Z₉ × GF(4), values 0–35.
fn combine(x: u8, y: u8) -> u8 {
    let z9 = (2 * (x % 9) + y % 9) % 9;
    let gf4 = TIMES_OMEGA[usize::from(x / 9)] ^ (y / 9);
    z9 + 9 * gf4
}

/// The check character of a payload of characters 0–9, A–Z.
fn check_character(payload: &str) -> char {
    let interim = payload
        .chars()
        .map(|c| char_value(c).expect("payload is validated"))
        .fold(0, combine);
    let z9 = (9 - (2 * (interim % 9)) % 9) % 9;
    let gf4 = TIMES_OMEGA[usize::from(interim / 9)];
    value_char(z9 + 9 * gf4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_form_reads_back_as_the_same_number() {
        let number = EuropassNumber::new("LV", 2026, 123).unwrap();
        assert_eq!(number.slug(), number.to_string().replace('/', "-"));
        for form in [
            number.slug(),
            number.to_string(),
            number.slug().to_lowercase(),
        ] {
            assert_eq!(EuropassNumber::parse_slug_or_number(&form).unwrap(), number);
        }
        let mistyped = number.slug().replace("000123", "000124");
        assert!(EuropassNumber::parse_slug_or_number(&mistyped).is_err());
        assert!(EuropassNumber::parse_slug_or_number("LV-2026").is_err());
    }

    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/- ";

    fn samples() -> Vec<EuropassNumber> {
        vec![
            EuropassNumber::new("LV", 2026, 123).unwrap(),
            EuropassNumber::new("LV", 2026, 1).unwrap(),
            EuropassNumber::new("LV", 2031, 987_654).unwrap(),
            EuropassNumber::new("TRY", 2026, 42).unwrap(),
            EuropassNumber::new("HIZ", 2099, 999_999).unwrap(),
        ]
    }

    #[test]
    fn new_pads_and_adds_the_check_character_and_parse_round_trips() {
        let n = EuropassNumber::new("LV", 2026, 123).unwrap();
        let text = n.to_string();
        assert!(text.starts_with("LV/2026/000123-"), "{text}");
        assert_eq!(text, "LV/2026/000123-2");
        assert_eq!(EuropassNumber::parse(&text).unwrap(), n);
        assert_eq!(
            EuropassNumber::parse(&format!("  {}  ", text.to_lowercase())).unwrap(),
            n
        );
        assert_eq!((n.prefix(), n.year(), n.sequence()), ("LV", 2026, 123));
        for n in samples() {
            assert_eq!(n.to_string().parse::<EuropassNumber>().unwrap(), n);
        }
    }

    #[test]
    fn check_characters_are_stable() {
        // Numbers are forever: these values must never change.
        for (prefix, year, sequence, text) in [
            ("LV", 2026, 123, "LV/2026/000123-2"),
            ("LV", 2026, 129, "LV/2026/000129-Q"),
            ("LV", 2026, 1, "LV/2026/000001-4"),
            ("TRY", 2026, 1, "TRY/2026/000001-6"),
        ] {
            let n = EuropassNumber::new(prefix, year, sequence).unwrap();
            assert_eq!(n.to_string(), text);
            assert_eq!(EuropassNumber::parse(text).unwrap(), n);
        }
    }

    #[test]
    fn serialises_as_the_string() {
        let n = EuropassNumber::new("TRY", 2026, 7).unwrap();
        let json = serde_json::to_value(&n).unwrap();
        assert_eq!(json, serde_json::Value::String(n.to_string()));
        assert_eq!(serde_json::from_value::<EuropassNumber>(json).unwrap(), n);
        assert!(serde_json::from_str::<EuropassNumber>("\"LV/2026/000123\"").is_err());
    }

    #[test]
    fn try_out_has_its_own_series() {
        assert!(EuropassNumber::new("TRY", 2026, 1).unwrap().is_try_out());
        assert!(!EuropassNumber::new("LV", 2026, 1).unwrap().is_try_out());
        assert_ne!(
            EuropassNumber::new("TRY", 2026, 1).unwrap().to_string()[4..],
            EuropassNumber::new("LV", 2026, 1).unwrap().to_string()[3..]
        );
    }

    #[test]
    fn the_operation_is_a_totally_anti_symmetric_quasigroup() {
        for x in 0..36 {
            let rows: std::collections::HashSet<u8> = (0..36).map(|y| combine(x, y)).collect();
            let cols: std::collections::HashSet<u8> = (0..36).map(|y| combine(y, x)).collect();
            assert_eq!((rows.len(), cols.len()), (36, 36));
        }
        for c in 0..36 {
            for x in 0..36 {
                for y in 0..36 {
                    if x != y {
                        assert_ne!(combine(combine(c, x), y), combine(combine(c, y), x));
                    }
                }
            }
        }
    }

    #[test]
    fn every_single_character_substitution_is_refused() {
        for n in samples() {
            let text: Vec<char> = n.to_string().chars().collect();
            for i in 0..text.len() {
                for c in ALPHABET.chars().filter(|c| *c != text[i]) {
                    let mut typo = text.clone();
                    typo[i] = c;
                    let typo: String = typo.into_iter().collect();
                    let err = EuropassNumber::parse(&typo)
                        .expect_err(&format!("{typo} (from {n}) must be refused"));
                    assert_eq!((err.reason, err.field.as_deref()), (REASON, Some(FIELD)));
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_refused() {
        for n in samples() {
            let text: Vec<char> = n.to_string().chars().collect();
            for i in 0..text.len() - 1 {
                if text[i] == text[i + 1] {
                    continue;
                }
                let mut typo = text.clone();
                typo.swap(i, i + 1);
                let typo: String = typo.into_iter().collect();
                assert!(
                    EuropassNumber::parse(&typo).is_err(),
                    "{typo} (from {n}) must be refused"
                );
            }
        }
    }

    #[test]
    fn every_digit_transposition_in_any_sequence_is_refused() {
        // Adjacent swaps inside year and sequence, for many sequences, not only the samples.
        for sequence in (1..=999_999).step_by(7_919) {
            let n = EuropassNumber::new("LV", 2026, sequence).unwrap();
            let text: Vec<char> = n.to_string().chars().collect();
            for i in 3..text.len() - 3 {
                if text[i] != text[i + 1] && text[i] != '/' && text[i + 1] != '/' {
                    let mut typo = text.clone();
                    typo.swap(i, i + 1);
                    let typo: String = typo.into_iter().collect();
                    assert!(EuropassNumber::parse(&typo).is_err(), "{typo}");
                }
            }
        }
    }

    #[test]
    fn bad_formats_are_refused() {
        let good = EuropassNumber::new("LV", 2026, 123).unwrap().to_string();
        let check = good.chars().last().unwrap();
        for bad in [
            String::new(),
            "LV2026000123".to_string(),
            format!("LV2026000123{check}"),
            format!("LV/2026/000123{check}"),
            "LV/2026/000123-".to_string(),
            format!("LV/2026/000123-{check}{check}"),
            format!("LV/2026/123-{check}"),
            format!("LV/2026/0000123-{check}"),
            format!("LV/26/000123-{check}"),
            format!("L/2026/000123-{check}"),
            format!("LATV/2026/000123-{check}"),
            format!("L1/2026/000123-{check}"),
            format!("LV/2026/000000-{check}"),
            format!("LV/1999/000123-{check}"),
            format!("LV/2026/000123-{check}/"),
            format!("LV/2026/00 123-{check}"),
            "LV/2026/000123-*".to_string(),
            format!("ĻV/2026/000123-{check}"),
            format!("LV/2026/+00123-{check}"),
        ] {
            let err = EuropassNumber::parse(&bad).expect_err(&format!("{bad} must be refused"));
            assert_eq!(err.reason, REASON);
        }
    }

    #[test]
    fn new_refuses_out_of_range_parts() {
        for (prefix, year, sequence) in [
            ("L", 2026, 1),
            ("LATV", 2026, 1),
            ("lv", 2026, 1),
            ("L1", 2026, 1),
            ("LV", 1999, 1),
            ("LV", 10_000, 1),
            ("LV", 2026, 0),
            ("LV", 2026, 1_000_000),
        ] {
            assert!(
                EuropassNumber::new(prefix, year, sequence).is_err(),
                "{prefix} {year} {sequence}"
            );
        }
    }
}
