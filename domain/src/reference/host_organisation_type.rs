use super::listed::{find_entry, ListEntry};

/// The kinds of host organisation (R-HOSTORG); any other kind is given as free text.
pub const HOST_ORGANISATION_TYPES: &[ListEntry] = &[
    ListEntry::new("SCHOOL", "School", "Skola"),
    ListEntry::new(
        "HIGHER_EDUCATION",
        "Higher education institution",
        "Augstākās izglītības iestāde",
    ),
    ListEntry::new(
        "VET_PROVIDER",
        "Vocational education and training provider",
        "Profesionālās izglītības iestāde",
    ),
    ListEntry::new("COMPANY", "Company", "Uzņēmums"),
    ListEntry::new(
        "PUBLIC_BODY",
        "Public body",
        "Valsts vai pašvaldības iestāde",
    ),
    ListEntry::new(
        "NGO",
        "Non-governmental organisation",
        "Nevalstiskā organizācija",
    ),
];

pub fn host_organisation_type(code: &str) -> Option<&'static ListEntry> {
    find_entry(HOST_ORGANISATION_TYPES, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_types_are_listed_with_both_labels() {
        super::super::listed::assert_well_formed(HOST_ORGANISATION_TYPES);
        assert_eq!(HOST_ORGANISATION_TYPES.len(), 6);
        assert_eq!(
            host_organisation_type(" company ").unwrap().label.lv,
            "Uzņēmums"
        );
        assert!(host_organisation_type("MUSEUM").is_none());
    }
}
