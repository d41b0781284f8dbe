use super::printable::printable;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// Trims, refuses empty and over-long values and characters a certificate cannot print
/// (control and invisible characters, emoji, …: see [`printable`]). Length is counted in
/// characters, not bytes, so that Latvian letters count as one.
fn bounded(field: &str, raw: &str, max: usize) -> Result<String, Refusal> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Refusal::validation(
            field,
            "REQUIRED",
            format!("{field} must not be empty"),
        ));
    }
    if value.chars().count() > max {
        return Err(Refusal::validation(
            field,
            "TOO_LONG",
            format!("{field} must be at most {max} characters"),
        ));
    }
    if let Some(c) = value.chars().find(|&c| !printable(c)) {
        // The character itself stays out of the message: it may be a bidi override.
        return Err(Refusal::validation(
            field,
            "INVALID_CHARACTERS",
            format!(
                "{field} contains U+{:04X}, which a certificate cannot print (control and \
                 invisible characters, emoji and scripts without a font are refused)",
                u32::from(c)
            ),
        ));
    }
    Ok(value.to_string())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, Refusal> {
                bounded($field, raw, $max).map(Self)
            }

            /// Like [`parse`](Self::parse), naming `field` (e.g. `personalData.surname`) in the
            /// refusal and its message.
            pub fn parse_field(field: &str, raw: &str) -> Result<Self, Refusal> {
                bounded(field, raw, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// The official name of an institution.
    InstitutionName,
    "name",
    200
);
bounded_text!(
    /// A person's full name (contact person, additional user).
    PersonName,
    "name",
    120
);
bounded_text!(
    /// A postal address, possibly several lines.
    Address,
    "address",
    400
);
bounded_text!(
    /// A short free text (position, type, …).
    ShortText,
    "text",
    200
);
bounded_text!(
    /// A short description of a procedure-B project, e.g. keywords (R-PROC).
    ProjectDescription,
    "description",
    500
);
bounded_text!(
    /// Why the NEC rejected a request (R-APPROVE).
    RejectionReason,
    "reason",
    1000
);
bounded_text!(
    /// One part of a person's name on a certificate: the surname(s) or the first name(s).
    NamePart,
    "name",
    100
);
bounded_text!(
    /// A free text of medium length printed on a certificate (a qualification, …).
    MediumText,
    "text",
    500
);
bounded_text!(
    /// A free text printed on a certificate (an objective, a skills description, …).
    FreeText,
    "text",
    2000
);
bounded_text!(
    /// The longest free text printed on a certificate (activities and tasks).
    LongText,
    "text",
    4000
);
bounded_text!(
    /// Why personal data were erased (R-ERASE). Kept after the erasure: no personal data here.
    ErasureReason,
    "reason",
    1000
);

bounded_text!(
    /// Why the NEC revoked an issued certificate (issue 23): shown on the public verification
    /// page, so no personal data belong here.
    RevocationReason,
    "reason",
    1000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_counts_characters_not_bytes() {
        let name = InstitutionName::parse("  Rīgas Valsts tehnikums ").unwrap();
        assert_eq!(name.as_str(), "Rīgas Valsts tehnikums");
        assert!(InstitutionName::parse(&"ž".repeat(200)).is_ok());
        let err = InstitutionName::parse(&"ž".repeat(201)).unwrap_err();
        assert_eq!(err.reason, "TOO_LONG");
    }

    #[test]
    fn refuses_empty_and_control_characters() {
        assert_eq!(PersonName::parse("   ").unwrap_err().reason, "REQUIRED");
        assert_eq!(
            PersonName::parse("a\u{0}b").unwrap_err().reason,
            "INVALID_CHARACTERS"
        );
    }

    #[test]
    fn parse_field_names_the_field_in_refusal_and_message() {
        let err = NamePart::parse_field("personalData.surname", &"a".repeat(101)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("personalData.surname"));
        assert_eq!(err.reason, "TOO_LONG");
        assert!(err
            .message
            .starts_with("personalData.surname must be at most 100"));
        assert!(LongText::parse(&"x".repeat(4000)).is_ok());
        assert!(FreeText::parse(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn refuses_what_a_certificate_cannot_print_naming_the_field() {
        for raw in [
            "Jānis \u{202e}sināJ",
            "Rī\u{200b}ga",
            "Rīga 😀",
            "王",
            "a\u{2028}b",
        ] {
            let err = LongText::parse_field("learningOutcomes.activities", raw).unwrap_err();
            assert_eq!(err.reason, "INVALID_CHARACTERS", "{raw}");
            assert_eq!(err.field.as_deref(), Some("learningOutcomes.activities"));
            assert!(!err.message.contains('\u{202e}'));
        }
        assert!(LongText::parse("Rīga\nLiepāja — „labi“").is_ok());
    }

    #[test]
    fn markup_and_sql_like_text_is_kept_as_text() {
        let v = "Robert'); DROP TABLE events;-- <script>";
        assert_eq!(InstitutionName::parse(v).unwrap().as_str(), v);
    }
}
