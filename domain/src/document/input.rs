//! Helpers for turning a patch into the changes it makes.

use crate::Personal;
use crate::Refusal;
use chrono::NaiveDate;

/// A text field of a patch: a blank text clears the field, anything else must parse; a
/// refusal names `field`.
pub(super) fn text<T>(
    raw: &str,
    field: &str,
    parse: impl FnOnce(&str) -> Result<T, Refusal>,
) -> Result<Option<T>, Refusal> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    parse(raw).map(Some).map_err(|e| e.in_field(field))
}

/// Records `make(new)` when `new` differs from the current value.
pub(super) fn diff<V: PartialEq, C>(
    changes: &mut Vec<C>,
    new: V,
    current: &V,
    make: impl FnOnce(V) -> C,
) {
    if new != *current {
        changes.push(make(new));
    }
}

pub(super) fn personal<T>(value: Option<T>) -> Option<Personal<T>> {
    value.map(Personal::new)
}

pub(super) fn is_known<T>(value: &Option<Personal<T>>) -> bool {
    matches!(value, Some(Personal::Known(_)))
}

pub(super) fn is_erased<T>(value: &Option<Personal<T>>) -> bool {
    matches!(value, Some(Personal::Erased))
}

/// What crypto-shredding does to a stored value: a known value reads as erased.
pub(super) fn erase<T>(value: &mut Option<Personal<T>>) {
    if let Some(v) = value {
        *v = Personal::Erased;
    }
}

/// The values of the named fields, each field once, in the order asked; `Err` carries the
/// first name the section does not have.
pub(super) fn pick<'a, C>(
    names: &[&'a str],
    value_of: impl Fn(&str) -> Option<C>,
    field_of: impl Fn(&C) -> &'static str,
) -> Result<Vec<C>, &'a str> {
    let mut picked: Vec<C> = vec![];
    for name in names {
        let value = value_of(name).ok_or(*name)?;
        if !picked.iter().any(|p| field_of(p) == field_of(&value)) {
            picked.push(value);
        }
    }
    Ok(picked)
}

/// Certificates are about mobilities since Europass began; anything else is a typo.
pub(super) fn require_plausible_date(date: NaiveDate, field: &str) -> Result<(), Refusal> {
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
    let last = NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid date");
    if date < first || date > last {
        return Err(Refusal::validation(
            field,
            "DATE_OUT_OF_RANGE",
            format!("{field} must be between {first} and {last}"),
        ));
    }
    Ok(())
}
