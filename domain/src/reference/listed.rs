use super::Label;
use serde::Serialize;

/// An entry of a reference list a field is chosen from, unless the user writes a free text
/// instead (see [`OTHER`]). `code` is a stable id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ListEntry {
    pub code: &'static str,
    pub label: Label,
}

impl ListEntry {
    pub(super) const fn new(code: &'static str, en: &'static str, lv: &'static str) -> Self {
        Self {
            code,
            label: Label::new(en, lv),
        }
    }
}

/// How a portal offers the free-text alternative to a list.
pub const OTHER: Label = Label::new("Other (please specify)", "Cits (lūdzu, norādiet)");

/// The entry with this code (trimmed, any case).
pub fn find_entry(list: &'static [ListEntry], code: &str) -> Option<&'static ListEntry> {
    let code = code.trim();
    list.iter().find(|e| e.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
pub(super) fn assert_well_formed(list: &[ListEntry]) {
    let mut codes = std::collections::HashSet::new();
    for e in list {
        assert!(codes.insert(e.code), "duplicate code {}", e.code);
        assert!(
            e.code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
            "{} is not a stable id",
            e.code
        );
        assert!(!e.label.en.trim().is_empty() && !e.label.lv.trim().is_empty());
    }
}
