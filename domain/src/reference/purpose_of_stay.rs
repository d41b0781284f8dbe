use super::listed::{find_entry, ListEntry};

/// Purposes of a stay abroad (R-PROJECT); any other purpose is given as free text.
pub const PURPOSES_OF_STAY: &[ListEntry] = &[
    ListEntry::new("STUDIES", "Studies", "Studijas"),
    ListEntry::new(
        "TRAINEESHIP",
        "Traineeship or work placement",
        "Prakse vai darba vidē balstītas mācības",
    ),
    ListEntry::new(
        "SCHOOL_EXCHANGE",
        "Learning mobility of pupils",
        "Skolēnu mācību mobilitāte",
    ),
    ListEntry::new("JOB_SHADOWING", "Job shadowing", "Darba ēnošana"),
    ListEntry::new(
        "TEACHING_ASSIGNMENT",
        "Teaching or training assignment",
        "Mācīšanas vai apmācīšanas uzdevums",
    ),
    ListEntry::new(
        "COURSE",
        "Structured course or training",
        "Strukturēti kursi vai apmācības",
    ),
    ListEntry::new(
        "LANGUAGE_ASSISTANT",
        "Language assistantship",
        "Valodas asistenta darbs",
    ),
    ListEntry::new("VOLUNTEERING", "Volunteering", "Brīvprātīgais darbs"),
];

pub fn purpose_of_stay(code: &str) -> Option<&'static ListEntry> {
    find_entry(PURPOSES_OF_STAY, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_listed_with_both_labels() {
        super::super::listed::assert_well_formed(PURPOSES_OF_STAY);
        assert_eq!(
            purpose_of_stay("job_shadowing").unwrap().label.lv,
            "Darba ēnošana"
        );
        assert!(purpose_of_stay("HOLIDAY").is_none());
    }
}
