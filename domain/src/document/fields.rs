use super::Section;
use crate::reference::{Label, SkillCategory};
use serde::Serialize;

/// A field of a document section: its camelCase name, its label and whether a certificate
/// needs it (the fields marked * in the Europass Mobility template).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    pub section: Section,
    pub name: &'static str,
    pub label: Label,
    pub mandatory: bool,
}

impl FieldSpec {
    /// The name a GraphQL client uses, e.g. `personalData.surname`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.section.as_str(), self.name)
    }
}

const fn spec(section: Section, name: &'static str, label: Label, mandatory: bool) -> FieldSpec {
    FieldSpec {
        section,
        name,
        label,
        mandatory,
    }
}

const P: Section = Section::PersonalData;
const H: Section = Section::HostOrganisation;
const J: Section = Section::Project;
const O: Section = Section::LearningOutcomes;

const fn skills(category: SkillCategory) -> FieldSpec {
    spec(O, category.field(), category.label(), false)
}

/// Every field of every section, in the order of the certificate.
pub const FIELDS: &[FieldSpec] = &[
    spec(P, "surname", Label::new("Surname(s)", "Uzvārds(-i)"), true),
    spec(
        P,
        "firstName",
        Label::new("First name(s)", "Vārds(-i)"),
        true,
    ),
    spec(
        P,
        "dateOfBirth",
        Label::new("Date of birth", "Dzimšanas datums"),
        false,
    ),
    spec(
        P,
        "nationality",
        Label::new("Nationality", "Pilsonība"),
        false,
    ),
    spec(P, "address", Label::new("Address", "Adrese"), false),
    spec(P, "email", Label::new("E-mail", "E-pasts"), false),
    spec(P, "photo", Label::new("Photograph", "Fotogrāfija"), false),
    spec(H, "name", Label::new("Name", "Nosaukums"), true),
    spec(
        H,
        "type",
        Label::new("Type of organisation", "Organizācijas veids"),
        true,
    ),
    spec(H, "address", Label::new("Address", "Adrese"), true),
    spec(H, "country", Label::new("Country", "Valsts"), true),
    spec(
        H,
        "mentorFirstName",
        Label::new("Mentor's first name(s)", "Mentora vārds(-i)"),
        true,
    ),
    spec(
        H,
        "mentorLastName",
        Label::new("Mentor's surname(s)", "Mentora uzvārds(-i)"),
        true,
    ),
    spec(
        H,
        "position",
        Label::new("Mentor's position", "Mentora amats"),
        false,
    ),
    spec(H, "phone", Label::new("Telephone", "Tālrunis"), false),
    spec(H, "email", Label::new("E-mail", "E-pasts"), false),
    spec(
        J,
        "objective",
        Label::new(
            "Objective of the Europass Mobility experience",
            "Europass mobilitātes mērķis",
        ),
        false,
    ),
    spec(
        J,
        "programme",
        Label::new("Initiative or programme", "Iniciatīva vai programma"),
        false,
    ),
    spec(
        J,
        "qualification",
        Label::new(
            "Qualification to which the learning leads",
            "Kvalifikācija, kuras ieguvē notiek mācības",
        ),
        false,
    ),
    spec(
        J,
        "stay",
        Label::new(
            "Physical or virtual mobility",
            "Fiziskā vai virtuālā mobilitāte",
        ),
        false,
    ),
    spec(
        J,
        "purpose",
        Label::new("Purpose of the stay", "Uzturēšanās mērķis"),
        false,
    ),
    spec(
        J,
        "startDate",
        Label::new("Start date", "Sākuma datums"),
        true,
    ),
    spec(J, "endDate", Label::new("End date", "Beigu datums"), true),
    spec(
        O,
        "activities",
        Label::new(
            "Activities and tasks carried out",
            "Veiktās darbības un uzdevumi",
        ),
        true,
    ),
    skills(SkillCategory::JobRelated),
    skills(SkillCategory::Language),
    skills(SkillCategory::Digital),
    skills(SkillCategory::Organisational),
    skills(SkillCategory::Communication),
    skills(SkillCategory::Other),
];

/// The fields of one section, in order.
pub fn section_fields(section: Section) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |f| f.section == section)
}

/// The field `name` (camelCase, e.g. `mentorLastName`) of a section.
pub fn field_spec(section: Section, name: &str) -> Option<&'static FieldSpec> {
    section_fields(section).find(|f| f.name == name)
}

/// A mandatory field that is still empty (or was erased) (R-COMPLETE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MissingField {
    pub section: Section,
    /// camelCase name within the section, e.g. `surname`.
    pub field: &'static str,
    pub label: Label,
    pub section_label: Label,
}

impl MissingField {
    pub(super) fn of(spec: &FieldSpec) -> Self {
        Self {
            section: spec.section,
            field: spec.name,
            label: spec.label,
            section_label: spec.section.label(),
        }
    }

    /// e.g. `personalData.surname`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.section.as_str(), self.field)
    }

    /// The missing field a stored path names (read models keep paths, not labels); `None`
    /// for a path of no known field.
    pub fn at(path: &str) -> Option<Self> {
        let (section, name) = path.split_once('.')?;
        let section = Section::parse(section).ok()?;
        field_spec(section, name).map(Self::of)
    }
}

#[cfg(test)]
mod stored_paths {
    use super::*;

    #[test]
    fn a_stored_path_gives_back_its_missing_field() {
        for spec in FIELDS.iter().filter(|f| f.mandatory) {
            let missing = MissingField::of(spec);
            assert_eq!(MissingField::at(&missing.path()), Some(missing));
        }
        assert_eq!(MissingField::at("personalData.nothing"), None);
        assert_eq!(MissingField::at("nowhere.surname"), None);
        assert_eq!(MissingField::at("surname"), None);
    }
}
