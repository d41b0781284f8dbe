//! Input and output caps.
//!
//! Measured with typst 0.15.1: a 1 MB field compiles for seconds into 170 pages. A certificate
//! has no business being like that, so every field is capped before compiling, and the page
//! count after layout (before the more expensive PDF export).

use crate::data::CertificateData;
use crate::error::RenderError;
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// The longest text field, in characters (Unicode scalar values).
pub const MAX_FIELD_CHARS: usize = 4000;
/// The most entries in a list (e.g. languages).
pub const MAX_LIST_ITEMS: usize = 20;
/// The most pages a certificate may have.
pub const MAX_PAGES: usize = 10;
/// The largest image file, in bytes.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// The longest image side, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 6000;
/// The years a printed date may have: four digits, as the template formats them and as
/// Typst's own date type supports.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// Refuses dates outside [`DATE_YEARS`].
pub(crate) fn check_dates(data: &CertificateData) -> Result<(), RenderError> {
    let dates: [(&'static str, Option<NaiveDate>); 6] = [
        ("issue_date", Some(data.issue_date)),
        ("holder.date_of_birth", data.holder.date_of_birth),
        ("mobility.start_date", Some(data.mobility.start_date)),
        ("mobility.end_date", Some(data.mobility.end_date)),
        ("signatures.sending.date", data.signatures.sending.date),
        ("signatures.host.date", data.signatures.host.date),
    ];
    for (field, date) in dates {
        if let Some(date) = date.filter(|date| !DATE_YEARS.contains(&date.year())) {
            return Err(RenderError::InvalidDate { field, date });
        }
    }
    Ok(())
}

/// Refuses any string longer than [`MAX_FIELD_CHARS`] or with a character that `printable`
/// rejects, and any list longer than [`MAX_LIST_ITEMS`], naming the field by its dotted path
/// (e.g. `outcomes.activities`, `outcomes.languages.0.language`).
///
/// Walks the JSON the template will see rather than the Rust structs, so a field added later
/// cannot be forgotten here.
pub(crate) fn check(value: &Value, printable: &dyn Fn(char) -> bool) -> Result<(), RenderError> {
    check_at(value, &mut String::new(), printable)
}

fn check_at(
    value: &Value,
    path: &mut String,
    printable: &dyn Fn(char) -> bool,
) -> Result<(), RenderError> {
    match value {
        Value::String(text) => {
            if let Some(character) = text.chars().find(|&c| !printable(c)) {
                return Err(RenderError::UnsupportedCharacter {
                    field: path.clone(),
                    character,
                });
            }
            // Cheap upper bound first: chars ≤ bytes.
            if text.len() > MAX_FIELD_CHARS {
                let length = text.chars().count();
                if length > MAX_FIELD_CHARS {
                    return Err(RenderError::FieldTooLong {
                        field: path.clone(),
                        length,
                        max: MAX_FIELD_CHARS,
                    });
                }
            }
        }
        Value::Array(items) => {
            if items.len() > MAX_LIST_ITEMS {
                return Err(RenderError::TooManyItems {
                    field: path.clone(),
                    count: items.len(),
                    max: MAX_LIST_ITEMS,
                });
            }
            for (index, item) in items.iter().enumerate() {
                with_segment(path, &index.to_string(), |path| {
                    check_at(item, path, printable)
                })?;
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                with_segment(path, key, |path| check_at(item, path, printable))?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

fn with_segment<T>(path: &mut String, segment: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let length = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
    let result = f(path);
    path.truncate(length);
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: &Value) -> Result<(), RenderError> {
        super::check(value, &|c| c != '☃')
    }

    #[test]
    fn names_the_field_with_an_unprintable_character() {
        let value = json!({ "holder": { "surname": "Sniega☃vīrs" } });
        match check(&value) {
            Err(RenderError::UnsupportedCharacter { field, character }) => {
                assert_eq!(field, "holder.surname");
                assert_eq!(character, '☃');
            }
            other => panic!("expected UnsupportedCharacter, got {other:?}"),
        }
    }

    #[test]
    fn names_the_nested_field() {
        let long = "ž".repeat(MAX_FIELD_CHARS + 1);
        let value =
            json!({ "outcomes": { "languages": [ { "language": "x" }, { "language": long } ] } });
        match check(&value) {
            Err(RenderError::FieldTooLong { field, length, max }) => {
                assert_eq!(field, "outcomes.languages.1.language");
                assert_eq!(length, MAX_FIELD_CHARS + 1);
                assert_eq!(max, MAX_FIELD_CHARS);
            }
            other => panic!("expected FieldTooLong, got {other:?}"),
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        // 4000 two-byte letters are 8000 bytes but exactly at the limit.
        let value = json!({ "name": "ā".repeat(MAX_FIELD_CHARS) });
        assert!(check(&value).is_ok());
    }

    #[test]
    fn refuses_long_lists() {
        let value = json!({ "list": vec![1; MAX_LIST_ITEMS + 1] });
        assert!(matches!(
            check(&value),
            Err(RenderError::TooManyItems { .. })
        ));
    }
}
