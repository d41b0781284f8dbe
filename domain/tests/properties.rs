//! Property tests for the value-object parsers in `domain::values` (issue 8, "Bad input"):
//! no parser panics on any string (huge, non-ASCII, control characters); what a parser
//! accepts it accepts again unchanged (parse ∘ display round-trips, normalisation is
//! idempotent); refusals are validation refusals naming a field; and the Europass number's
//! check character catches every single-character substitution and every adjacent
//! transposition.
//!
//! Fast by design (a few seconds in the dev profile): case counts are bounded, huge inputs
//! are few and made by repetition.

use domain::values::printable;
use domain::values::{
    Address, ContentHash, CountryCode, Email, ErasureReason, EuropassNumber, FreeText, ImageType,
    InstitutionName, LongText, MediumText, NamePart, NewPassword, ParticipantCount, PersonName,
    Phone, PhotoRef, ProjectDescription, ProjectNumber, RejectionReason, ShortText, Website,
};
use domain::{Refusal, RefusalCode};
use proptest::prelude::*;

/// Any string: arbitrary Unicode, strings built from the characters parsers care about, and
/// a few huge ones (up to 1 MiB of one repeated character, possibly multi-byte).
fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        4 => "[ \\t\\n\\r\u{a0}\u{85}\u{2028}a-zA-Z0-9@./:+\\-_()#?<>\"'ßıſKŁĻāž\u{0}\u{7f}]{0,80}",
        1 => (any::<char>(), 0usize..(1 << 20)).prop_map(|(c, n)| c.to_string().repeat(n / c.len_utf8())),
        1 => (any::<String>(), 0usize..20_000).prop_map(|(s, n)| s.repeat(n.min(1 << 20) / s.len().max(1))),
    ]
}

/// Spaces (ASCII and Unicode) that parsers trim.
fn padding() -> impl Strategy<Value = String> {
    "[ \\t\\n\u{a0}\u{3000}]{0,3}"
}

/// Every character a certificate prints (what free texts accept), once.
fn printable_chars() -> &'static [char] {
    static ALL: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        (0..=0x10_FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| printable(c))
            .collect()
    })
}

fn printable_char() -> impl Strategy<Value = char> {
    prop::sample::select(printable_chars())
}

/// 1 to 62 printable characters, white space inside only.
fn printable_text() -> impl Strategy<Value = String> {
    let edge = || printable_char().prop_filter("not white space", |c| !c.is_whitespace());
    (
        edge(),
        prop::option::of((prop::collection::vec(printable_char(), 0..=60), edge())),
    )
        .prop_map(|(first, rest)| {
            let mut text = first.to_string();
            if let Some((middle, last)) = rest {
                text.extend(middle);
                text.push(last);
            }
            text
        })
}

fn assert_validation(err: &Refusal) {
    assert_eq!(err.code, RefusalCode::Validation, "{err:?}");
    assert!(!err.reason.is_empty(), "{err:?}");
    assert!(
        err.field.as_deref().is_some_and(|f| !f.is_empty()),
        "{err:?}"
    );
    assert!(!err.message.is_empty(), "{err:?}");
}

/// The shared properties of a string parser `$parse` whose accepted values show as
/// `$show(&value)`: never panics, refusals are validation refusals, accepted values parse
/// again to themselves (round-trip and idempotent normalisation), and they have no
/// surrounding white space.
macro_rules! string_parser_properties {
    ($name:ident, $parse:expr, $show:expr) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
            #[test]
            fn $name(raw in any_input()) {
                match $parse(raw.as_str()) {
                    Ok(value) => {
                        let shown: String = $show(&value);
                        prop_assert_eq!(shown.trim(), shown.as_str());
                        let again = $parse(shown.as_str());
                        prop_assert_eq!(again.as_ref(), Ok(&value), "re-parsing {:?}", shown);
                        let shown_again: String = $show(again.as_ref().unwrap());
                        prop_assert_eq!(shown_again, shown);
                    }
                    Err(err) => assert_validation(&err),
                }
            }
        }
    };
}

string_parser_properties!(
    email_never_panics_and_is_idempotent,
    Email::parse,
    |v: &Email| v.to_string()
);
string_parser_properties!(
    country_never_panics_and_is_idempotent,
    CountryCode::parse,
    |v: &CountryCode| v.as_str().to_string()
);
string_parser_properties!(
    phone_never_panics_and_is_idempotent,
    Phone::parse,
    |v: &Phone| v.to_string()
);
string_parser_properties!(
    website_never_panics_and_is_idempotent,
    Website::parse,
    |v: &Website| v.as_str().to_string()
);
string_parser_properties!(
    project_number_never_panics_and_is_idempotent,
    ProjectNumber::parse,
    |v: &ProjectNumber| v.to_string()
);
string_parser_properties!(
    content_hash_never_panics_and_is_idempotent,
    ContentHash::parse,
    |v: &ContentHash| v.to_string()
);
string_parser_properties!(
    europass_number_never_panics_and_is_idempotent,
    EuropassNumber::parse,
    |v: &EuropassNumber| v.to_string()
);

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    // ----- bounded texts -------------------------------------------------------------------

    #[test]
    fn bounded_texts_never_panic_and_keep_their_bounds(raw in any_input()) {
        macro_rules! check {
            ($($ty:ident),*) => {$(
                match $ty::parse(&raw) {
                    Ok(v) => {
                        let s = v.as_str();
                        prop_assert!(!s.is_empty());
                        prop_assert_eq!(s.trim(), s);
                        prop_assert!(s.chars().count() <= $ty::MAX_CHARS);
                        prop_assert!(!s.chars().any(|c| c.is_control() && c != '\n'));
                        prop_assert!(s.chars().all(printable));
                        prop_assert_eq!(s, raw.trim());
                        prop_assert_eq!($ty::parse(s), Ok(v.clone()));
                        prop_assert_eq!($ty::parse(&v.to_string()), Ok(v.clone()));
                    }
                    Err(err) => assert_validation(&err),
                }
                match $ty::parse_field("personalData.surname", &raw) {
                    Ok(v) => prop_assert_eq!(v.as_str(), raw.trim()),
                    Err(err) => {
                        assert_validation(&err);
                        prop_assert_eq!(err.field.as_deref(), Some("personalData.surname"));
                    }
                }
            )*};
        }
        check!(
            InstitutionName, PersonName, Address, ShortText, ProjectDescription, RejectionReason,
            NamePart, MediumText, FreeText, LongText, ErasureReason
        );
    }

    #[test]
    fn bounded_texts_accept_any_printable_text_within_bounds(
        pad_l in padding(),
        body in printable_text(),
        pad_r in padding(),
    ) {
        // Text a certificate prints, not starting or ending with white space, at most 62
        // characters: every bounded text keeps it as it is, surrounding white space removed.
        prop_assume!(body.trim() == body);
        let raw = format!("{pad_l}{body}{pad_r}");
        prop_assert_eq!(ShortText::parse(&raw).unwrap().to_string(), body.clone());
        prop_assert_eq!(NamePart::parse(&raw).unwrap().to_string(), body.clone());
        prop_assert_eq!(LongText::parse(&raw).unwrap().to_string(), body.clone());
    }

    #[test]
    fn bounded_texts_refuse_what_a_certificate_cannot_print(
        body in printable_text(),
        bad in any::<char>().prop_filter("unprintable", |&c| !printable(c) && !c.is_whitespace()),
    ) {
        let raw = format!("{body}{bad}{body}");
        for refusal in [
            ShortText::parse(&raw).unwrap_err(),
            LongText::parse_field("learningOutcomes.activities", &raw).unwrap_err(),
        ] {
            assert_validation(&refusal);
            prop_assert_eq!(refusal.reason, "INVALID_CHARACTERS");
        }
    }

    #[test]
    fn bounded_texts_count_characters_not_bytes(c in printable_char(), extra in 0usize..3) {
        prop_assume!(!c.is_whitespace());
        let at_limit = c.to_string().repeat(NamePart::MAX_CHARS);
        prop_assert!(NamePart::parse(&at_limit).is_ok());
        let over = c.to_string().repeat(NamePart::MAX_CHARS + 1 + extra);
        prop_assert_eq!(NamePart::parse(&over).unwrap_err().reason, "TOO_LONG");
    }

    // ----- e-mail --------------------------------------------------------------------------

    #[test]
    fn valid_emails_round_trip_lower_cased(
        pad_l in padding(),
        local in "[a-zA-Z0-9_+]{1,20}(\\.[a-zA-Z0-9-]{1,10}){0,2}",
        domain in "[a-zA-Z0-9]{1,12}(-[a-zA-Z0-9]{1,8})?(\\.[a-zA-Z0-9]{1,10}){0,2}\\.[a-zA-Z]{2,6}",
        pad_r in padding(),
    ) {
        let raw = format!("{pad_l}{local}@{domain}{pad_r}");
        let email = Email::parse(&raw).unwrap();
        let expected = format!("{local}@{domain}").to_lowercase();
        prop_assert_eq!(email.as_str(), expected.as_str());
        prop_assert_eq!(Email::parse(&email.to_string()), Ok(email.clone()));
        // Accepted addresses are plain ASCII, lower case, with one @.
        prop_assert!(email.as_str().is_ascii());
        prop_assert_eq!(email.as_str().matches('@').count(), 1);
    }

    #[test]
    fn accepted_emails_are_ascii_lower_case_with_one_at(raw in any_input()) {
        if let Ok(email) = Email::parse(&raw) {
            let s = email.as_str();
            prop_assert!(s.is_ascii() && s.len() <= 254, "{:?}", s);
            prop_assert_eq!(s.to_lowercase(), s);
            prop_assert_eq!(s.matches('@').count(), 1);
        }
    }

    // ----- country -------------------------------------------------------------------------

    #[test]
    fn country_codes_are_two_upper_case_letters_any_case_in(
        pad_l in padding(), code in "[a-zA-Z]{2}", pad_r in padding(),
    ) {
        let raw = format!("{pad_l}{code}{pad_r}");
        match CountryCode::parse(&raw) {
            Ok(c) => {
                prop_assert_eq!(c.as_str(), code.to_ascii_uppercase());
                prop_assert_eq!(CountryCode::parse(&code.to_ascii_lowercase()), Ok(c));
            }
            Err(err) => prop_assert_eq!(err.reason, "INVALID_COUNTRY"),
        }
    }

    #[test]
    fn accepted_country_codes_are_two_ascii_upper_case_letters(raw in any_input()) {
        if let Ok(c) = CountryCode::parse(&raw) {
            prop_assert!(c.as_str().len() == 2 && c.as_str().chars().all(|c| c.is_ascii_uppercase()));
        }
    }

    // ----- phone ---------------------------------------------------------------------------

    #[test]
    fn phones_as_people_write_them_are_kept_trimmed(
        pad_l in padding(),
        plus in proptest::bool::ANY,
        groups in proptest::collection::vec("[0-9]{1,4}", 2..5),
        sep in "[ -]",
        pad_r in padding(),
    ) {
        let number = format!("{}{}", if plus { "+" } else { "" }, groups.join(&sep));
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let raw = format!("{pad_l}{number}{pad_r}");
        match Phone::parse(&raw) {
            Ok(p) => {
                prop_assert!((5..=20).contains(&digits));
                prop_assert_eq!(p.as_str(), number.as_str());
                prop_assert_eq!(Phone::parse(p.as_str()), Ok(p.clone()));
            }
            Err(err) => {
                prop_assert!(!(5..=20).contains(&digits) || number.len() > 30, "{:?}", number);
                prop_assert_eq!(err.reason, "INVALID_PHONE");
            }
        }
    }

    // ----- website -------------------------------------------------------------------------

    #[test]
    fn http_addresses_round_trip(
        pad_l in padding(),
        scheme in "https?",
        host in "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,20}){1,3}",
        path in "(/[a-zA-Z0-9._~%-]{0,20}){0,3}(\\?[a-z=&0-9]{0,20})?",
        pad_r in padding(),
    ) {
        let url = format!("{scheme}://{host}{path}");
        let site = Website::parse(&format!("{pad_l}{url}{pad_r}")).unwrap();
        prop_assert_eq!(site.as_str(), url.as_str());
        prop_assert_eq!(Website::parse(site.as_str()), Ok(site.clone()));
    }

    #[test]
    fn accepted_websites_have_an_http_scheme_and_no_markup(raw in any_input()) {
        if let Ok(site) = Website::parse(&raw) {
            let s = site.as_str();
            prop_assert!(s.starts_with("https://") || s.starts_with("http://"));
            prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c)));
            prop_assert!(s.len() <= 300);
        }
    }

    // ----- project number ------------------------------------------------------------------

    #[test]
    fn project_numbers_round_trip(
        pad_l in padding(),
        number in "[A-Za-z0-9āžĻ][A-Za-z0-9_./ -]{0,48}[A-Za-z0-9]",
        pad_r in padding(),
    ) {
        let p = ProjectNumber::parse(&format!("{pad_l}{number}{pad_r}")).unwrap();
        prop_assert_eq!(p.as_str(), number.as_str());
        prop_assert_eq!(ProjectNumber::parse(&p.to_string()), Ok(p.clone()));
    }

    // ----- content hash --------------------------------------------------------------------

    #[test]
    fn content_hashes_are_lower_cased_and_round_trip(
        pad_l in padding(), hex in "[0-9a-fA-F]{64}", pad_r in padding(),
    ) {
        let h = ContentHash::parse(&format!("{pad_l}{hex}{pad_r}")).unwrap();
        prop_assert_eq!(h.as_str(), hex.to_ascii_lowercase());
        prop_assert_eq!(ContentHash::parse(h.as_str()), Ok(h.clone()));
        let json = serde_json::to_string(&h).unwrap();
        prop_assert_eq!(serde_json::from_str::<ContentHash>(&json).unwrap(), h.clone());
        let photo = PhotoRef::new(&hex, ImageType::Png).unwrap();
        prop_assert_eq!(photo.sha256(), &h);
    }

    #[test]
    fn content_hashes_of_another_length_are_refused(hex in "[0-9a-f]{0,200}") {
        prop_assume!(hex.len() != 64);
        prop_assert_eq!(ContentHash::parse(&hex).unwrap_err().reason, "INVALID_SHA256");
    }

    #[test]
    fn photo_refs_and_image_types_never_panic(raw in any_input()) {
        match PhotoRef::new(&raw, ImageType::Jpeg) {
            Ok(p) => prop_assert_eq!(p.sha256().as_str(), raw.trim().to_ascii_lowercase()),
            Err(err) => prop_assert_eq!(err.field.as_deref(), Some("photo")),
        }
        match ImageType::parse(&raw) {
            Ok(t) => prop_assert_eq!(ImageType::parse(t.media_type()), Ok(t)),
            Err(err) => prop_assert_eq!(err.reason, "UNSUPPORTED_IMAGE_TYPE"),
        }
    }

    // ----- passwords and counts ------------------------------------------------------------

    #[test]
    fn passwords_are_10_to_200_characters_kept_as_typed(raw in any_input()) {
        let n = raw.chars().count();
        match NewPassword::parse(&raw, None) {
            Ok(p) => {
                prop_assert!((10..=200).contains(&n));
                prop_assert_eq!(p.expose(), raw.as_str());
                prop_assert_eq!(format!("{p:?}"), "NewPassword(***)");
            }
            Err(err) => {
                prop_assert_eq!(err.field.as_deref(), Some("newPassword"));
                if (10..=200).contains(&n) {
                    prop_assert!(
                        ["PASSWORD_TOO_SIMPLE", "PASSWORD_TOO_COMMON"].contains(&err.reason),
                        "{}", err.reason
                    );
                } else {
                    prop_assert_eq!(err.reason, "WEAK_PASSWORD");
                }
            }
        }
    }

    #[test]
    fn participant_counts_are_1_to_500(n in any::<u32>()) {
        match ParticipantCount::parse(n) {
            Ok(c) => {
                prop_assert!((1..=500).contains(&n));
                prop_assert_eq!(c.get(), n);
            }
            Err(err) => {
                prop_assert!(!(1..=500).contains(&n));
                prop_assert_eq!(err.reason, "PARTICIPANTS_OUT_OF_RANGE");
            }
        }
    }
}

// ----- Europass number ---------------------------------------------------------------------

/// Any valid Europass number.
fn europass_number() -> impl Strategy<Value = EuropassNumber> {
    (
        "[A-Z]{2,3}",
        2000i32..=9999,
        1u32..=EuropassNumber::MAX_SEQUENCE,
    )
        .prop_map(|(prefix, year, sequence)| EuropassNumber::new(&prefix, year, sequence).unwrap())
}

/// The characters a mistyped Europass number is likely made of (the format's alphabet, lower
/// case, separators, space and look-alikes).
const TYPO_ALPHABET: &str =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/-_. |\\+*#ØÖĻŠŽßıſ\u{212a}ﬀﬁ";

/// Whether `c` is the same character as `original` up to the ASCII case folding the parser
/// does (`LV/2026/000123-2` and `lv/2026/000123-2` are the same number, on purpose). Any other
/// character, `ı` for `I` or `ß`/`ﬀ` (two letters when upper-cased with Unicode rules)
/// included, makes a typo that must be refused.
fn same_up_to_case(c: char, original: char) -> bool {
    c.eq_ignore_ascii_case(&original)
}

fn assert_refused(typo: &str, n: &EuropassNumber) -> Result<(), TestCaseError> {
    match EuropassNumber::parse(typo) {
        Ok(accepted) => Err(TestCaseError::fail(format!(
            "{typo:?} (a typo of {n}) was accepted as {accepted}"
        ))),
        Err(err) => {
            prop_assert_eq!(err.reason, "INVALID_EUROPASS_NUMBER");
            prop_assert_eq!(err.field.as_deref(), Some("europassNumber"));
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_europass_number_round_trips(
        n in europass_number(), pad_l in padding(), pad_r in padding(), lower in proptest::bool::ANY,
    ) {
        let text = n.to_string();
        prop_assert_eq!(text.len(), n.prefix().len() + 1 + 4 + 1 + 6 + 2);
        prop_assert_eq!(EuropassNumber::parse(&text), Ok(n.clone()));
        prop_assert_eq!(text.parse::<EuropassNumber>(), Ok(n.clone()));
        let sloppy = format!(
            "{pad_l}{}{pad_r}",
            if lower { text.to_lowercase() } else { text.clone() }
        );
        prop_assert_eq!(EuropassNumber::parse(&sloppy), Ok(n.clone()));
        let again = EuropassNumber::new(n.prefix(), n.year(), n.sequence()).unwrap();
        prop_assert_eq!(again.check_character(), n.check_character());
        let json = serde_json::to_value(&n).unwrap();
        prop_assert_eq!(json.as_str(), Some(text.as_str()));
        prop_assert_eq!(serde_json::from_value::<EuropassNumber>(json).unwrap(), n);
    }

    /// Exhaustive over positions and the typo alphabet, for random valid numbers.
    #[test]
    fn every_single_character_substitution_is_refused(n in europass_number()) {
        let text: Vec<char> = n.to_string().chars().collect();
        for i in 0..text.len() {
            for c in TYPO_ALPHABET.chars().filter(|c| !same_up_to_case(*c, text[i])) {
                let mut typo = text.clone();
                typo[i] = c;
                assert_refused(&typo.iter().collect::<String>(), &n)?;
            }
        }
    }

    /// Any character at all (any Unicode scalar) in place of one character.
    #[test]
    fn substitution_by_any_character_is_refused(
        n in europass_number(), i in any::<prop::sample::Index>(), c in any::<char>(),
    ) {
        let mut typo: Vec<char> = n.to_string().chars().collect();
        let i = i.index(typo.len());
        prop_assume!(!same_up_to_case(c, typo[i]));
        typo[i] = c;
        assert_refused(&typo.iter().collect::<String>(), &n)?;
    }

    #[test]
    fn every_adjacent_transposition_is_refused(n in europass_number()) {
        let text: Vec<char> = n.to_string().chars().collect();
        for i in 0..text.len() - 1 {
            if text[i] != text[i + 1] {
                let mut typo = text.clone();
                typo.swap(i, i + 1);
                assert_refused(&typo.iter().collect::<String>(), &n)?;
            }
        }
    }

    #[test]
    fn a_number_with_another_check_character_is_refused(n in europass_number(), c in "[0-9A-Z]") {
        let check = c.chars().next().unwrap();
        prop_assume!(check != n.check_character());
        let text = n.to_string();
        let typo = format!("{}{check}", &text[..text.len() - 1]);
        assert_refused(&typo, &n)?;
    }
}

// ----- regressions found by these properties -------------------------------------------------
//
// The parsers once normalised with Unicode case mapping (`to_uppercase` / `to_lowercase`), so
// some non-ASCII characters turned into ASCII letters and were accepted. They fold ASCII only
// now.

#[test]
fn case_expanding_characters_are_not_folded_into_a_europass_number() {
    // A one-character typo of RA/2000/000001-6 was accepted as FFA/2000/000001-6.
    for typo in [
        "\u{fb00}A/2000/000001-6",
        "\u{df}V/2026/000123-2",
        "L\u{131}/2026/000123-2",
    ] {
        assert!(EuropassNumber::parse(typo).is_err(), "{typo} accepted");
    }
}

#[test]
fn unicode_case_mapping_does_not_make_ascii_letters() {
    assert!(CountryCode::parse("\u{df}").is_err(), "ß accepted as SS");
    assert!(
        Email::parse("\u{212a}ate@skola.lv").is_err(),
        "the Kelvin sign accepted as k"
    );
}
