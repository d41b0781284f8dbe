use super::*;
use crate::reference::{programme, CefrLevel, LanguageActivity, Stay};
use crate::values::{
    Address, CountryCode, FreeText, ImageType, InstitutionName, NamePart, PhotoRef,
};
use crate::RefusalCode;
use chrono::{Duration, TimeZone};
use cqrs_es::test::TestFramework;
use serde_json::{json, Value};

type Given = TestFramework<Document>;

fn doc_id() -> Uuid {
    Uuid::from_u128(1)
}

fn source_id() -> Uuid {
    Uuid::from_u128(2)
}

fn mobility() -> Uuid {
    Uuid::from_u128(10)
}

fn institution() -> Uuid {
    Uuid::from_u128(7)
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn number(sequence: u32) -> EuropassNumber {
    EuropassNumber::new("LV", 2026, sequence).unwrap()
}

fn programme_label() -> OwnedLabel {
    programme(Procedure::A, "KA121-VET")
        .unwrap()
        .snapshot()
        .label
}

fn create(id: Uuid, procedure: Procedure) -> DocumentCommand {
    DocumentCommand::Create {
        document_id: id,
        mobility_id: mobility(),
        institution_id: institution(),
        europass_number: number(id.as_u128() as u32),
        procedure,
        mobility_start: date(2026, 5, 4),
        mobility_end: date(2026, 5, 29),
        programme: Some(programme_label()),
    }
}

fn created_as(id: Uuid, procedure: Procedure) -> DocumentEvent {
    DocumentEvent::DocumentCreated {
        document_id: id,
        mobility_id: mobility(),
        institution_id: institution(),
        europass_number: number(id.as_u128() as u32),
        procedure,
        mobility_start: date(2026, 5, 4),
        mobility_end: date(2026, 5, 29),
        programme: Some(programme_label()),
    }
}

fn created() -> Vec<DocumentEvent> {
    vec![created_as(doc_id(), Procedure::A)]
}

fn personal(patch: PersonalDataPatch, by: Editor) -> DocumentCommand {
    DocumentCommand::SavePersonalData {
        patch,
        by,
        at: now(),
    }
}

fn host(patch: HostOrganisationPatch, by: Editor) -> DocumentCommand {
    DocumentCommand::SaveHostOrganisation {
        patch,
        by,
        at: now(),
    }
}

fn project(patch: ProjectPatch, by: Editor) -> DocumentCommand {
    DocumentCommand::SaveProject {
        patch,
        by,
        at: now(),
    }
}

fn outcomes(patch: LearningOutcomesPatch, by: Editor) -> DocumentCommand {
    DocumentCommand::SaveLearningOutcomes {
        patch,
        by,
        at: now(),
    }
}

fn names(surname: &str, first_name: &str) -> PersonalDataPatch {
    PersonalDataPatch {
        surname: Some(surname.into()),
        first_name: Some(first_name.into()),
        ..PersonalDataPatch::default()
    }
}

fn host_patch() -> HostOrganisationPatch {
    HostOrganisationPatch {
        name: Some(" Berufsschule München ".into()),
        organisation_type: Some(Some(ChoiceInput::Listed("vet_provider".into()))),
        address: Some("Hauptstraße 1, 80331 München".into()),
        country: Some("de".into()),
        mentor_first_name: Some("Anna".into()),
        mentor_last_name: Some("Schmidt".into()),
        position: Some("Head of training".into()),
        phone: Some("+49 89 123456".into()),
        email: Some("Mentor@Schule.DE".into()),
    }
}

fn dates(start: NaiveDate, end: NaiveDate) -> ProjectPatch {
    ProjectPatch {
        start_date: Some(Some(start)),
        end_date: Some(Some(end)),
        ..ProjectPatch::default()
    }
}

fn activities(text: &str) -> LearningOutcomesPatch {
    LearningOutcomesPatch {
        activities: Some(text.into()),
        ..LearningOutcomesPatch::default()
    }
}

fn events_of(given: Vec<DocumentEvent>, command: DocumentCommand) -> Vec<DocumentEvent> {
    Given::with(())
        .given(given)
        .when(command)
        .inspect_result()
        .expect("expected the command to be accepted")
}

/// The given events followed by those the command produces.
fn then(mut given: Vec<DocumentEvent>, command: DocumentCommand) -> Vec<DocumentEvent> {
    let new = events_of(given.clone(), command);
    given.extend(new);
    given
}

fn refusal(given: Vec<DocumentEvent>, command: DocumentCommand) -> Refusal {
    Given::with(())
        .given(given)
        .when(command)
        .inspect_result()
        .expect_err("expected a refusal")
}

fn replay(events: Vec<DocumentEvent>) -> Document {
    let mut document = Document::default();
    for event in events {
        document.apply(event);
    }
    document
}

fn assert_validation(err: &Refusal, field: &str, reason: &str) {
    assert_eq!(
        (err.code, err.field.as_deref(), err.reason),
        (RefusalCode::Validation, Some(field), reason),
        "{err:?}"
    );
}

fn assert_refused(err: &Refusal, code: RefusalCode, reason: &str) {
    assert_eq!((err.code, err.reason), (code, reason), "{err:?}");
}

fn name(raw: &str) -> Option<Personal<NamePart>> {
    Some(Personal::new(NamePart::parse(raw).unwrap()))
}

fn filled_host(id: Uuid, procedure: Procedure) -> Vec<DocumentEvent> {
    then(
        vec![created_as(id, procedure)],
        host(host_patch(), Editor::Institution),
    )
}

/// A document with every mandatory field.
fn complete() -> Vec<DocumentEvent> {
    let events = then(
        filled_host(doc_id(), Procedure::A),
        personal(names("Bērziņš", "Jānis"), Editor::Institution),
    );
    let events = then(
        events,
        project(
            dates(date(2026, 5, 4), date(2026, 5, 15)),
            Editor::Institution,
        ),
    );
    then(
        events,
        outcomes(activities("Assisted in the workshop"), Editor::Institution),
    )
}

// Creation (R-APPROVE)

#[test]
fn a_document_is_created_with_what_it_inherits_from_the_mobility() {
    Given::with(())
        .given_no_previous_events()
        .when(create(doc_id(), Procedure::A))
        .then_expect_events(created());
    let document = replay(created());
    assert!(document.is_created());
    assert_eq!(document.document_id(), Some(doc_id()));
    assert_eq!(document.mobility_id(), Some(mobility()));
    assert_eq!(document.institution_id(), Some(institution()));
    assert_eq!(document.europass_number(), Some(&number(1)));
    assert_eq!(document.procedure(), Some(Procedure::A));
    assert_eq!(
        document.mobility_dates(),
        Some((date(2026, 5, 4), date(2026, 5, 29)))
    );
    assert_eq!(document.language(), DocumentLanguage::En);
    assert_eq!(document.project().programme(), Some(&programme_label()));
    assert_eq!(document.project().start_date(), None);
    assert!(document.issued_certificates().is_empty());
    assert!(!Document::default().is_created());
}

#[test]
fn creating_again_with_the_same_data_writes_nothing_and_other_data_is_refused() {
    Given::with(())
        .given(created())
        .when(create(doc_id(), Procedure::A))
        .then_expect_events(vec![]);
    let err = refusal(created(), create(doc_id(), Procedure::B));
    assert_refused(&err, RefusalCode::Rejected, "DOCUMENT_ALREADY_CREATED");
}

#[test]
fn an_unknown_document_refuses_every_command_as_not_found() {
    let erase = DocumentCommand::EraseParticipantData {
        reason: "request".into(),
    };
    for command in [
        personal(names("A", "B"), Editor::Institution),
        host(host_patch(), Editor::Institution),
        project(ProjectPatch::default(), Editor::Institution),
        outcomes(activities("x"), Editor::Institution),
        DocumentCommand::GrantParticipantAccess {
            email: Email::parse("a@b.lv").unwrap(),
        },
        DocumentCommand::LockParticipantAccess { from: now() },
        DocumentCommand::UnlockParticipantAccess,
        erase,
        DocumentCommand::SetLanguage {
            language: DocumentLanguage::Lv,
            by: Editor::Institution,
        },
    ] {
        let err = refusal(vec![], command);
        assert_refused(&err, RefusalCode::NotFound, "DOCUMENT_NOT_FOUND");
    }
    let err = Document::default()
        .copy_of(Section::Project, &["objective"])
        .unwrap_err();
    assert_eq!(err.reason, "DOCUMENT_NOT_FOUND");
}

// Partial saves

#[test]
fn a_partial_save_records_only_the_fields_sent_trimmed_and_personal() {
    Given::with(())
        .given(created())
        .when(personal(names(" Bērziņš ", "Jānis"), Editor::Institution))
        .then_expect_events(vec![DocumentEvent::PersonalDataSaved {
            by: Editor::Institution,
            changes: vec![
                PersonalDataChange::Surname(name("Bērziņš")),
                PersonalDataChange::FirstName(name("Jānis")),
            ],
        }]);
}

#[test]
fn a_save_records_only_what_changed_and_nothing_when_nothing_changed() {
    let given = then(
        created(),
        personal(names("Bērziņš", "Jānis"), Editor::Institution),
    );
    Given::with(())
        .given(given.clone())
        .when(personal(names("Bērziņš", "Pēteris"), Editor::Institution))
        .then_expect_events(vec![DocumentEvent::PersonalDataSaved {
            by: Editor::Institution,
            changes: vec![PersonalDataChange::FirstName(name("Pēteris"))],
        }]);
    Given::with(())
        .given(given.clone())
        .when(personal(names(" Bērziņš", "Jānis "), Editor::Institution))
        .then_expect_events(vec![]);
    Given::with(())
        .given(given)
        .when(personal(PersonalDataPatch::default(), Editor::Institution))
        .then_expect_events(vec![]);
}

#[test]
fn an_empty_value_clears_a_field_and_an_absent_one_leaves_it() {
    let given = then(
        created(),
        personal(
            PersonalDataPatch {
                date_of_birth: Some(Some(date(2008, 2, 29))),
                address: Some("Brīvības iela 1, Rīga".into()),
                ..names("Bērziņš", "Jānis")
            },
            Editor::Institution,
        ),
    );
    let clear = PersonalDataPatch {
        surname: Some("   ".into()),
        date_of_birth: Some(None),
        ..PersonalDataPatch::default()
    };
    let events = events_of(given.clone(), personal(clear, Editor::Institution));
    assert_eq!(
        events,
        vec![DocumentEvent::PersonalDataSaved {
            by: Editor::Institution,
            changes: vec![
                PersonalDataChange::Surname(None),
                PersonalDataChange::DateOfBirth(None),
            ],
        }]
    );
    let mut all = given;
    all.extend(events);
    let data = replay(all).personal_data;
    assert_eq!(data.surname(), None);
    assert_eq!(data.date_of_birth(), None);
    assert_eq!(data.first_name(), name("Jānis").as_ref());
    assert_eq!(
        data.address()
            .and_then(Personal::known)
            .map(Address::as_str),
        Some("Brīvības iela 1, Rīga")
    );
}

#[test]
fn every_personal_value_travels_as_pii_in_the_events() {
    let photo = PhotoRef::new(&"ab".repeat(32), ImageType::Jpeg).unwrap();
    let events = then(
        filled_host(doc_id(), Procedure::A),
        personal(
            PersonalDataPatch {
                date_of_birth: Some(Some(date(2008, 2, 29))),
                nationality: Some("lv".into()),
                address: Some("Brīvības iela 1, Rīga".into()),
                email: Some("janis@example.lv".into()),
                photo: Some(Some(photo)),
                ..names("Bērziņš", "Jānis")
            },
            Editor::Institution,
        ),
    );
    let events = then(
        events,
        DocumentCommand::GrantParticipantAccess {
            email: Email::parse("janis@example.lv").unwrap(),
        },
    );
    let json = serde_json::to_value(&events).unwrap();
    let saved = &json[2]["PersonalDataSaved"]["changes"];
    assert_eq!(saved.as_array().unwrap().len(), 7);
    for change in saved.as_array().unwrap() {
        assert!(change["value"]["pii"].is_string() || change["value"]["pii"].is_object());
    }
    assert_eq!(
        saved[0],
        json!({"field": "surname", "value": {"pii": "Bērziņš"}})
    );
    let host = &json[1]["HostOrganisationSaved"]["changes"];
    let value = |field: &str| {
        host.as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == field)
            .unwrap()["value"]
            .clone()
    };
    for field in ["mentorFirstName", "mentorLastName", "phone", "email"] {
        assert!(value(field)["pii"].is_string(), "{field} must be personal");
    }
    assert_eq!(value("name"), json!("Berufsschule München"));
    assert_eq!(value("country"), json!("DE"));
    assert_eq!(
        json[3]["ParticipantAccessGranted"]["email"],
        json!({"pii": "janis@example.lv"})
    );
}

// Validation: personal data

#[test]
fn personal_data_fields_are_validated_with_their_names() {
    let long = "ā".repeat(101);
    for (patch, field, reason) in [
        (
            PersonalDataPatch {
                surname: Some(long.clone()),
                ..PersonalDataPatch::default()
            },
            "personalData.surname",
            "TOO_LONG",
        ),
        (
            PersonalDataPatch {
                first_name: Some("Jā\u{7}nis".into()),
                ..PersonalDataPatch::default()
            },
            "personalData.firstName",
            "INVALID_CHARACTERS",
        ),
        (
            PersonalDataPatch {
                nationality: Some("Latvian".into()),
                ..PersonalDataPatch::default()
            },
            "personalData.nationality",
            "INVALID_COUNTRY",
        ),
        (
            PersonalDataPatch {
                address: Some("x".repeat(401)),
                ..PersonalDataPatch::default()
            },
            "personalData.address",
            "TOO_LONG",
        ),
        (
            PersonalDataPatch {
                email: Some("janis@".into()),
                ..PersonalDataPatch::default()
            },
            "personalData.email",
            "INVALID_EMAIL",
        ),
    ] {
        let err = refusal(created(), personal(patch, Editor::Institution));
        assert_validation(&err, field, reason);
    }
    let err = refusal(
        created(),
        personal(names(&long, "Jānis"), Editor::Institution),
    );
    assert!(
        err.message
            .contains("personalData.surname must be at most 100 characters"),
        "{}",
        err.message
    );
    assert!(
        events_of(
            created(),
            personal(names(&"ā".repeat(100), "Jānis"), Editor::Institution)
        )
        .len()
            == 1
    );
}

#[test]
fn the_date_of_birth_is_in_the_past_and_after_1900() {
    let born = |d: NaiveDate| {
        personal(
            PersonalDataPatch {
                date_of_birth: Some(Some(d)),
                ..PersonalDataPatch::default()
            },
            Editor::Institution,
        )
    };
    let today = now().date_naive();
    assert_eq!(events_of(created(), born(today)).len(), 1);
    let err = refusal(created(), born(today + Duration::days(1)));
    assert_validation(&err, "personalData.dateOfBirth", "DATE_IN_FUTURE");
    let err = refusal(created(), born(date(1899, 12, 31)));
    assert_validation(&err, "personalData.dateOfBirth", "DATE_OUT_OF_RANGE");
}

// Host organisation (R-HOSTORG, R-SCOPE)

#[test]
fn host_organisation_fields_are_validated_with_their_names() {
    for (patch, field, reason) in [
        (
            HostOrganisationPatch {
                name: Some("n".repeat(201)),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.name",
            "TOO_LONG",
        ),
        (
            HostOrganisationPatch {
                address: Some("a".repeat(401)),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.address",
            "TOO_LONG",
        ),
        (
            HostOrganisationPatch {
                country: Some("XX".into()),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.country",
            "INVALID_COUNTRY",
        ),
        (
            HostOrganisationPatch {
                mentor_first_name: Some("m".repeat(101)),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.mentorFirstName",
            "TOO_LONG",
        ),
        (
            HostOrganisationPatch {
                mentor_last_name: Some("Schmidt\u{0}".into()),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.mentorLastName",
            "INVALID_CHARACTERS",
        ),
        (
            HostOrganisationPatch {
                position: Some("p".repeat(201)),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.position",
            "TOO_LONG",
        ),
        (
            HostOrganisationPatch {
                phone: Some("call me".into()),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.phone",
            "INVALID_PHONE",
        ),
        (
            HostOrganisationPatch {
                email: Some("mentor.schule.de".into()),
                ..HostOrganisationPatch::default()
            },
            "hostOrganisation.email",
            "INVALID_EMAIL",
        ),
    ] {
        let err = refusal(created(), host(patch, Editor::Institution));
        assert_validation(&err, field, reason);
    }
}

#[test]
fn the_host_country_must_be_in_the_scope_of_the_procedure() {
    let country = |code: &str| {
        host(
            HostOrganisationPatch {
                country: Some(code.into()),
                ..HostOrganisationPatch::default()
            },
            Editor::Institution,
        )
    };
    let b = vec![created_as(doc_id(), Procedure::B)];
    let err = refusal(b.clone(), country("TR"));
    assert_validation(&err, "hostOrganisation.country", "COUNTRY_OUT_OF_SCOPE");
    assert!(err.message.contains("procedure B"), "{}", err.message);
    assert_eq!(events_of(b, country("NO")).len(), 1);
    assert_eq!(events_of(created(), country("tr")).len(), 1);
    let err = refusal(created(), country("US"));
    assert_validation(&err, "hostOrganisation.country", "COUNTRY_OUT_OF_SCOPE");
}

#[test]
fn the_organisation_type_comes_from_the_list_with_its_labels_or_is_a_free_text() {
    let document = replay(filled_host(doc_id(), Procedure::A));
    let kind = document.host_organisation().organisation_type().unwrap();
    assert_eq!(kind.code(), Some("VET_PROVIDER"));
    assert_eq!(
        kind.text_in(DocumentLanguage::Lv),
        "Profesionālās izglītības iestāde"
    );
    let with_type = |input: ChoiceInput| {
        host(
            HostOrganisationPatch {
                organisation_type: Some(Some(input)),
                ..HostOrganisationPatch::default()
            },
            Editor::Institution,
        )
    };
    let events = events_of(created(), with_type(ChoiceInput::Other(" Museum ".into())));
    let DocumentEvent::HostOrganisationSaved { changes, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        changes[0],
        HostOrganisationChange::Type(Some(Choice::Other {
            text: crate::values::ShortText::parse("Museum").unwrap()
        }))
    );
    let err = refusal(created(), with_type(ChoiceInput::Listed("MUSEUM".into())));
    assert_validation(&err, "hostOrganisation.type", "UNKNOWN_ORGANISATION_TYPE");
    assert!(err.message.contains("COMPANY"), "{}", err.message);
    let err = refusal(created(), with_type(ChoiceInput::Other("  ".into())));
    assert_validation(&err, "hostOrganisation.type", "REQUIRED");
}

#[test]
fn the_host_email_is_the_host_organisations_email_field() {
    let events = filled_host(doc_id(), Procedure::A);
    assert_eq!(
        replay(events.clone()).host_email().map(Email::as_str),
        Some("mentor@schule.de")
    );
    let change = |email: &str| {
        host(
            HostOrganisationPatch {
                email: Some(email.into()),
                ..HostOrganisationPatch::default()
            },
            Editor::Institution,
        )
    };
    let moved = then(events.clone(), change("other@host.de"));
    assert_eq!(
        replay(moved).host_email().map(Email::as_str),
        Some("other@host.de")
    );
    let cleared = then(events, change(""));
    assert_eq!(replay(cleared).host_email(), None);
    assert_eq!(replay(created()).host_email(), None);
}

// Project (R-PROJECT)

#[test]
fn the_end_date_must_not_be_before_the_start_date() {
    let err = refusal(
        created(),
        project(
            dates(date(2026, 5, 10), date(2026, 5, 9)),
            Editor::Institution,
        ),
    );
    assert_validation(&err, "project.endDate", "END_BEFORE_START");
    let given = then(
        created(),
        project(
            dates(date(2026, 5, 10), date(2026, 5, 20)),
            Editor::Institution,
        ),
    );
    let only = |start: Option<NaiveDate>, end: Option<NaiveDate>| {
        project(
            ProjectPatch {
                start_date: start.map(Some),
                end_date: end.map(Some),
                ..ProjectPatch::default()
            },
            Editor::Institution,
        )
    };
    let err = refusal(given.clone(), only(None, Some(date(2026, 5, 9))));
    assert_validation(&err, "project.endDate", "END_BEFORE_START");
    let err = refusal(given.clone(), only(Some(date(2026, 5, 21)), None));
    assert_validation(&err, "project.startDate", "END_BEFORE_START");
    assert_eq!(
        events_of(given.clone(), only(Some(date(2026, 5, 20)), None)),
        vec![DocumentEvent::ProjectSaved {
            by: Editor::Institution,
            changes: vec![ProjectChange::StartDate(Some(date(2026, 5, 20)))],
        }]
    );
    let err = refusal(given, only(Some(date(1999, 5, 20)), None));
    assert_validation(&err, "project.startDate", "DATE_OUT_OF_RANGE");
}

#[test]
fn project_fields_are_validated_with_their_names() {
    for (patch, field, reason) in [
        (
            ProjectPatch {
                objective: Some("o".repeat(2001)),
                ..ProjectPatch::default()
            },
            "project.objective",
            "TOO_LONG",
        ),
        (
            ProjectPatch {
                qualification: Some("q".repeat(501)),
                ..ProjectPatch::default()
            },
            "project.qualification",
            "TOO_LONG",
        ),
        (
            ProjectPatch {
                purpose: Some(Some(ChoiceInput::Listed("HOLIDAY".into()))),
                ..ProjectPatch::default()
            },
            "project.purpose",
            "UNKNOWN_PURPOSE",
        ),
        (
            ProjectPatch {
                programme: Some(Some(OwnedLabel {
                    en: "Erasmus+".into(),
                    lv: " ".into(),
                })),
                ..ProjectPatch::default()
            },
            "project.programme",
            "REQUIRED",
        ),
    ] {
        let err = refusal(created(), project(patch, Editor::Institution));
        assert_validation(&err, field, reason);
    }
}

#[test]
fn the_project_takes_the_mobility_programme_and_may_change_every_field() {
    let label = OwnedLabel {
        en: "Erasmus+ VET mobility".into(),
        lv: "Erasmus+ PIA mobilitāte".into(),
    };
    let patch = ProjectPatch {
        objective: Some("Practical training in a partner school".into()),
        programme: Some(Some(label.clone())),
        qualification: Some("Cook (EQF level 4)".into()),
        stay: Some(Some(Stay::Virtual)),
        purpose: Some(Some(ChoiceInput::Listed("traineeship".into()))),
        ..ProjectPatch::default()
    };
    let events = then(created(), project(patch, Editor::Institution));
    let document = replay(events.clone());
    let p = document.project();
    assert_eq!(p.programme(), Some(&label));
    assert_eq!(p.stay(), Some(Stay::Virtual));
    assert_eq!(p.purpose().unwrap().code(), Some("TRAINEESHIP"));
    assert_eq!(
        p.qualification().map(|q| q.as_str()),
        Some("Cook (EQF level 4)")
    );
    let cleared = then(
        events,
        project(
            ProjectPatch {
                programme: Some(None),
                stay: Some(None),
                ..ProjectPatch::default()
            },
            Editor::Institution,
        ),
    );
    let document = replay(cleared);
    assert_eq!(document.project().programme(), None);
    assert_eq!(document.project().stay(), None);
}

// Learning outcomes (R-OUTCOMES)

#[test]
fn learning_outcomes_texts_are_bounded_and_named() {
    assert_eq!(
        events_of(
            created(),
            outcomes(activities(&"a".repeat(4000)), Editor::Institution)
        )
        .len(),
        1
    );
    let err = refusal(
        created(),
        outcomes(activities(&"a".repeat(4001)), Editor::Institution),
    );
    assert_validation(&err, "learningOutcomes.activities", "TOO_LONG");
    for (patch, field) in [
        (
            LearningOutcomesPatch {
                job_related_skills: Some("j".repeat(2001)),
                ..LearningOutcomesPatch::default()
            },
            "learningOutcomes.jobRelatedSkills",
        ),
        (
            LearningOutcomesPatch {
                digital_skills: Some("d".repeat(2001)),
                ..LearningOutcomesPatch::default()
            },
            "learningOutcomes.digitalSkills",
        ),
        (
            LearningOutcomesPatch {
                organisational_skills: Some("o".repeat(2001)),
                ..LearningOutcomesPatch::default()
            },
            "learningOutcomes.organisationalSkills",
        ),
        (
            LearningOutcomesPatch {
                communication_skills: Some("c".repeat(2001)),
                ..LearningOutcomesPatch::default()
            },
            "learningOutcomes.communicationSkills",
        ),
        (
            LearningOutcomesPatch {
                other_skills: Some("x".repeat(2001)),
                ..LearningOutcomesPatch::default()
            },
            "learningOutcomes.otherSkills",
        ),
    ] {
        let err = refusal(created(), outcomes(patch, Editor::Institution));
        assert_validation(&err, field, "TOO_LONG");
    }
}

fn german_b2() -> LanguageSkillInput {
    LanguageSkillInput {
        language: " DE ".into(),
        listening: Some(CefrLevel::B2),
        reading: Some(CefrLevel::B2),
        spoken_interaction: Some(CefrLevel::B1),
        spoken_production: Some(CefrLevel::B1),
        writing: None,
    }
}

fn languages(list: Vec<LanguageSkillInput>) -> DocumentCommand {
    outcomes(
        LearningOutcomesPatch {
            language_skills: Some(list),
            ..LearningOutcomesPatch::default()
        },
        Editor::Institution,
    )
}

#[test]
fn language_skills_are_rated_per_language_on_the_cefr_grid() {
    let events = then(created(), languages(vec![german_b2()]));
    let document = replay(events.clone());
    let skills = document.learning_outcomes().language_skills();
    assert_eq!(skills.len(), 1);
    assert_eq!(skills[0].language(), "de");
    assert_eq!(skills[0].language_label().unwrap().lv, "Vācu");
    assert_eq!(
        skills[0].level(LanguageActivity::Listening),
        Some(CefrLevel::B2)
    );
    assert_eq!(skills[0].level(LanguageActivity::Writing), None);
    let cleared = then(events, languages(vec![]));
    assert!(replay(cleared)
        .learning_outcomes()
        .language_skills()
        .is_empty());
}

#[test]
fn language_skills_need_a_listed_language_a_level_and_no_repetition() {
    let unknown = LanguageSkillInput {
        language: "xx".into(),
        ..german_b2()
    };
    let err = refusal(created(), languages(vec![german_b2(), unknown]));
    assert_validation(
        &err,
        "learningOutcomes.languageSkills[1].language",
        "UNKNOWN_LANGUAGE",
    );
    let unrated = LanguageSkillInput {
        language: "fr".into(),
        ..LanguageSkillInput::default()
    };
    let err = refusal(created(), languages(vec![unrated]));
    assert_validation(&err, "learningOutcomes.languageSkills[0]", "LEVEL_REQUIRED");
    let err = refusal(created(), languages(vec![german_b2(), german_b2()]));
    assert_validation(
        &err,
        "learningOutcomes.languageSkills[1].language",
        "DUPLICATE_LANGUAGE",
    );
    let many: Vec<LanguageSkillInput> = crate::reference::LANGUAGES
        .iter()
        .take(MAX_LANGUAGES + 1)
        .map(|l| LanguageSkillInput {
            language: l.code.into(),
            ..german_b2()
        })
        .collect();
    let err = refusal(created(), languages(many));
    assert_validation(
        &err,
        "learningOutcomes.languageSkills",
        "TOO_MANY_LANGUAGES",
    );
}

// Who changes what (R-HOST, R-PART)

#[test]
fn a_host_may_not_change_personal_data() {
    let err = refusal(created(), personal(names("A", "B"), Editor::Host));
    assert_refused(&err, RefusalCode::Forbidden, "EDITOR_NOT_ALLOWED");
}

#[test]
fn a_host_fills_host_organisation_project_and_learning_outcomes() {
    let events = then(created(), host(host_patch(), Editor::Host));
    let events = then(
        events,
        project(dates(date(2026, 5, 4), date(2026, 5, 8)), Editor::Host),
    );
    let events = then(events, outcomes(activities("Kitchen work"), Editor::Host));
    assert!(matches!(
        events[1],
        DocumentEvent::HostOrganisationSaved {
            by: Editor::Host,
            ..
        }
    ));
    assert!(matches!(
        events[3],
        DocumentEvent::LearningOutcomesSaved {
            by: Editor::Host,
            ..
        }
    ));
    let err = refusal(
        events,
        DocumentCommand::SetLanguage {
            language: DocumentLanguage::Lv,
            by: Editor::Host,
        },
    );
    assert_refused(&err, RefusalCode::Forbidden, "EDITOR_NOT_ALLOWED");
}

#[test]
fn a_participant_fills_personal_data_and_learning_outcomes_only() {
    let events = then(
        created(),
        personal(names("Bērziņš", "Jānis"), Editor::Participant),
    );
    let events = then(events, outcomes(activities("Welding"), Editor::Participant));
    assert_eq!(events.len(), 3);
    for command in [
        host(host_patch(), Editor::Participant),
        project(
            dates(date(2026, 5, 4), date(2026, 5, 8)),
            Editor::Participant,
        ),
    ] {
        let err = refusal(created(), command);
        assert_refused(&err, RefusalCode::Forbidden, "EDITOR_NOT_ALLOWED");
    }
}

#[test]
fn participant_access_is_locked_from_its_very_moment_on() {
    let from = now();
    let locked = then(created(), DocumentCommand::LockParticipantAccess { from });
    let at = |at: DateTime<Utc>, by: Editor| DocumentCommand::SavePersonalData {
        patch: names("Bērziņš", "Jānis"),
        by,
        at,
    };
    assert_eq!(
        events_of(
            locked.clone(),
            at(from - Duration::seconds(1), Editor::Participant)
        )
        .len(),
        1
    );
    for when in [from, from + Duration::days(30)] {
        let err = refusal(locked.clone(), at(when, Editor::Participant));
        assert_refused(&err, RefusalCode::Forbidden, "PARTICIPANT_ACCESS_LOCKED");
        let err = refusal(
            locked.clone(),
            DocumentCommand::SaveLearningOutcomes {
                patch: activities("x"),
                by: Editor::Participant,
                at: when,
            },
        );
        assert_eq!(err.reason, "PARTICIPANT_ACCESS_LOCKED");
    }
    assert_eq!(
        events_of(
            locked.clone(),
            at(from + Duration::days(30), Editor::Institution)
        )
        .len(),
        1
    );
    let document = replay(locked.clone());
    assert!(!document.participant_locked_at(from - Duration::milliseconds(1)));
    assert!(document.participant_locked_at(from));
    assert_eq!(document.participant_locked_from(), Some(from));
    let unlocked = then(locked, DocumentCommand::UnlockParticipantAccess);
    assert_eq!(
        events_of(unlocked, at(from + Duration::days(1), Editor::Participant)).len(),
        1
    );
}

/// The seed's rule: "after the date the participant can no longer make entries". Given a
/// lock, when the participant sends any change at or after its moment (an empty save, a
/// photo, a section the participant may otherwise fill), then it is refused: nothing of theirs
/// is decided on a locked document.
#[test]
fn a_locked_participant_changes_nothing_of_any_kind() {
    let from = now();
    let locked = then(created(), DocumentCommand::LockParticipantAccess { from });
    let photo = PhotoRef::new(&"ef".repeat(32), ImageType::Png).unwrap();
    let changes = [
        DocumentCommand::SavePersonalData {
            patch: PersonalDataPatch::default(),
            by: Editor::Participant,
            at: from,
        },
        DocumentCommand::SavePersonalData {
            patch: PersonalDataPatch {
                photo: Some(Some(photo)),
                ..Default::default()
            },
            by: Editor::Participant,
            at: from + Duration::days(1),
        },
        DocumentCommand::SaveLearningOutcomes {
            patch: LearningOutcomesPatch::default(),
            by: Editor::Participant,
            at: from,
        },
    ];
    for command in changes {
        let err = refusal(locked.clone(), command.clone());
        assert_refused(&err, RefusalCode::Forbidden, "PARTICIPANT_ACCESS_LOCKED");
    }
}

#[test]
fn locking_and_unlocking_are_events_and_repeating_them_writes_nothing() {
    let from = now();
    Given::with(())
        .given(created())
        .when(DocumentCommand::LockParticipantAccess { from })
        .then_expect_events(vec![DocumentEvent::ParticipantAccessLocked { from }]);
    let locked = then(created(), DocumentCommand::LockParticipantAccess { from });
    Given::with(())
        .given(locked.clone())
        .when(DocumentCommand::LockParticipantAccess { from })
        .then_expect_events(vec![]);
    Given::with(())
        .given(locked.clone())
        .when(DocumentCommand::LockParticipantAccess {
            from: from + Duration::days(1),
        })
        .then_expect_events(vec![DocumentEvent::ParticipantAccessLocked {
            from: from + Duration::days(1),
        }]);
    Given::with(())
        .given(locked)
        .when(DocumentCommand::UnlockParticipantAccess)
        .then_expect_events(vec![DocumentEvent::ParticipantAccessUnlocked {}]);
    Given::with(())
        .given(created())
        .when(DocumentCommand::UnlockParticipantAccess)
        .then_expect_events(vec![]);
}

#[test]
fn granting_participant_access_records_the_email_each_time() {
    let email = Email::parse("Janis@Example.lv").unwrap();
    let grant = || DocumentCommand::GrantParticipantAccess {
        email: email.clone(),
    };
    let granted = then(created(), grant());
    assert_eq!(
        granted[1],
        DocumentEvent::ParticipantAccessGranted {
            email: Personal::new(email.clone())
        }
    );
    assert_eq!(replay(granted.clone()).participant_email(), Some(&email));
    assert_eq!(events_of(granted, grant()).len(), 1);
    assert_eq!(replay(created()).participant_email(), None);
}

// Copy to other documents (R-COPY)

fn source() -> Document {
    let events = then(
        filled_host(source_id(), Procedure::A),
        project(
            ProjectPatch {
                objective: Some("Training in a partner school".into()),
                ..dates(date(2026, 5, 4), date(2026, 5, 15))
            },
            Editor::Institution,
        ),
    );
    let events = then(
        events,
        outcomes(activities("Kitchen work"), Editor::Institution),
    );
    replay(then(events, languages(vec![german_b2()])))
}

fn receive(copy: SectionCopy, by: Editor) -> DocumentCommand {
    DocumentCommand::ReceiveCopy {
        copy,
        by,
        at: now(),
    }
}

#[test]
fn copy_of_takes_the_chosen_fields_once_with_the_source_values() {
    let copy = source()
        .copy_of(
            Section::HostOrganisation,
            &[
                "name",
                "hostOrganisation.country",
                " name ",
                "mentorLastName",
            ],
        )
        .unwrap();
    assert_eq!(copy.source_document(), source_id());
    assert_eq!(copy.source_mobility(), mobility());
    assert_eq!(copy.section(), Section::HostOrganisation);
    assert_eq!(
        copy.values(),
        &SectionChanges::HostOrganisation(vec![
            HostOrganisationChange::Name(Some(
                InstitutionName::parse("Berufsschule München").unwrap()
            )),
            HostOrganisationChange::Country(Some(CountryCode::parse("DE").unwrap())),
            HostOrganisationChange::MentorLastName(name("Schmidt")),
        ])
    );
    assert_eq!(
        copy.values().fields(),
        vec!["name", "country", "mentorLastName"]
    );
}

#[test]
fn copy_of_refuses_unknown_fields_personal_data_and_an_empty_choice() {
    let err = source()
        .copy_of(Section::HostOrganisation, &["name", "colour"])
        .unwrap_err();
    assert_validation(&err, "fields", "UNKNOWN_FIELD");
    assert!(err.message.contains("colour") && err.message.contains("mentorFirstName"));
    let err = source()
        .copy_of(Section::Project, &["hostOrganisation.name"])
        .unwrap_err();
    assert_validation(&err, "fields", "UNKNOWN_FIELD");
    let err = source()
        .copy_of(Section::PersonalData, &["surname"])
        .unwrap_err();
    assert_validation(&err, "section", "SECTION_NOT_COPYABLE");
    let none: [&str; 0] = [];
    let err = source().copy_of(Section::Project, &none).unwrap_err();
    assert_validation(&err, "fields", "REQUIRED");
}

#[test]
fn a_target_takes_copied_values_as_its_own_and_records_their_source() {
    let copy = source()
        .copy_of(
            Section::LearningOutcomes,
            &["activities", "languageSkills", "digitalSkills"],
        )
        .unwrap();
    let events = events_of(created(), receive(copy, Editor::Institution));
    let DocumentEvent::CopyReceived {
        source_document,
        by,
        changes,
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!((*source_document, *by), (source_id(), Editor::Institution));
    // The target had no digital skills either: only what differs is recorded.
    assert_eq!(changes.fields(), vec!["activities", "languageSkills"]);
    let mut all = created();
    all.extend(events);
    let target = replay(all.clone());
    assert_eq!(
        target.learning_outcomes().activities().map(|a| a.as_str()),
        Some("Kitchen work")
    );
    assert_eq!(target.learning_outcomes().language_skills().len(), 1);
    // Receiving the same values again writes nothing.
    let again = source()
        .copy_of(Section::LearningOutcomes, &["activities"])
        .unwrap();
    Given::with(())
        .given(all)
        .when(receive(again, Editor::Institution))
        .then_expect_events(vec![]);
}

#[test]
fn a_copied_host_country_out_of_the_targets_scope_is_refused() {
    let turkish = then(
        vec![created_as(source_id(), Procedure::A)],
        host(
            HostOrganisationPatch {
                country: Some("TR".into()),
                ..HostOrganisationPatch::default()
            },
            Editor::Institution,
        ),
    );
    let copy = replay(turkish)
        .copy_of(Section::HostOrganisation, &["country"])
        .unwrap();
    let err = refusal(
        vec![created_as(doc_id(), Procedure::B)],
        receive(copy.clone(), Editor::Institution),
    );
    assert_validation(&err, "hostOrganisation.country", "COUNTRY_OUT_OF_SCOPE");
    assert_eq!(
        events_of(created(), receive(copy, Editor::Institution)).len(),
        1
    );
}

#[test]
fn a_document_cannot_receive_a_copy_of_itself_or_of_another_mobility() {
    let own = replay(complete())
        .copy_of(Section::Project, &["objective"])
        .unwrap();
    let err = refusal(complete(), receive(own, Editor::Institution));
    assert_refused(&err, RefusalCode::Rejected, "COPY_FROM_ITSELF");
    let mut foreign = source().copy_of(Section::Project, &["objective"]).unwrap();
    foreign.source_mobility = Uuid::from_u128(99);
    let err = refusal(created(), receive(foreign, Editor::Institution));
    assert_refused(&err, RefusalCode::Rejected, "COPY_FROM_OTHER_MOBILITY");
}

#[test]
fn copied_dates_must_fit_the_targets_dates_and_editors_keep_their_limits() {
    let late_start = then(
        created(),
        project(
            dates(date(2026, 5, 20), date(2026, 5, 25)),
            Editor::Institution,
        ),
    );
    let end = source().copy_of(Section::Project, &["endDate"]).unwrap();
    let err = refusal(late_start, receive(end.clone(), Editor::Institution));
    assert_validation(&err, "project.endDate", "END_BEFORE_START");
    assert_eq!(
        events_of(created(), receive(end.clone(), Editor::Host)).len(),
        1
    );
    let err = refusal(created(), receive(end, Editor::Participant));
    assert_refused(&err, RefusalCode::Forbidden, "EDITOR_NOT_ALLOWED");
    let locked = then(
        created(),
        DocumentCommand::LockParticipantAccess { from: now() },
    );
    let outcomes = source()
        .copy_of(Section::LearningOutcomes, &["activities"])
        .unwrap();
    let err = refusal(locked, receive(outcomes, Editor::Participant));
    assert_eq!(err.reason, "PARTICIPANT_ACCESS_LOCKED");
}

#[test]
fn erased_values_cannot_be_copied() {
    let mut events = filled_host(source_id(), Procedure::A);
    // As a replay reads an erasure written before the host's contact was kept.
    events.push(DocumentEvent::ParticipantDataErased {
        reason: ErasureReason::parse("data subject request").unwrap(),
        host_contact_kept: vec![],
    });
    let source = replay(events);
    let err = source
        .copy_of(Section::HostOrganisation, &["name", "mentorFirstName"])
        .unwrap_err();
    assert_refused(&err, RefusalCode::Rejected, "FIELD_ERASED");
    assert!(source
        .copy_of(Section::HostOrganisation, &["name", "country"])
        .is_ok());
}

// Completeness (R-COMPLETE) and issuing (R-PDF)

#[test]
fn a_blank_document_lists_every_mandatory_field_with_labels() {
    let missing = replay(created()).missing_fields();
    let paths: Vec<String> = missing.iter().map(MissingField::path).collect();
    assert_eq!(
        paths,
        vec![
            "personalData.surname",
            "personalData.firstName",
            "hostOrganisation.name",
            "hostOrganisation.type",
            "hostOrganisation.address",
            "hostOrganisation.country",
            "hostOrganisation.mentorFirstName",
            "hostOrganisation.mentorLastName",
            "project.startDate",
            "project.endDate",
            "learningOutcomes.activities",
        ]
    );
    assert_eq!(missing[0].label.en, "Surname(s)");
    assert_eq!(missing[0].label.lv, "Uzvārds(-i)");
    assert_eq!(missing[0].section_label.lv, "Personas dati");
    assert_eq!(
        serde_json::to_value(missing[0]).unwrap()["section"],
        "personalData"
    );
}

#[test]
fn a_filled_document_misses_nothing_until_a_mandatory_field_is_cleared() {
    assert!(replay(complete()).missing_fields().is_empty());
    let cleared = then(
        complete(),
        host(
            HostOrganisationPatch {
                mentor_last_name: Some(String::new()),
                ..HostOrganisationPatch::default()
            },
            Editor::Host,
        ),
    );
    let missing = replay(cleared).missing_fields();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        (missing[0].section, missing[0].field),
        (Section::HostOrganisation, "mentorLastName")
    );
}

fn issue(by: Editor, language: DocumentLanguage) -> DocumentCommand {
    DocumentCommand::RecordCertificateIssued {
        sha256: "AB".repeat(32),
        language,
        template_version: "2026.1".into(),
        by,
        at: now(),
    }
}

#[test]
fn an_incomplete_document_cannot_be_issued_and_the_refusal_names_what_is_missing() {
    let given = then(
        filled_host(doc_id(), Procedure::A),
        personal(names("Bērziņš", "Jānis"), Editor::Institution),
    );
    let err = refusal(given, issue(Editor::Institution, DocumentLanguage::En));
    assert_refused(&err, RefusalCode::Rejected, "DOCUMENT_INCOMPLETE");
    for path in [
        "project.startDate",
        "project.endDate",
        "learningOutcomes.activities",
    ] {
        assert!(err.message.contains(path), "{}", err.message);
    }
    assert!(!err.message.contains("personalData.surname"));
    // The same fields travel whole, for clients (`extensions.missing`).
    let missing: Vec<String> = err.missing.iter().map(MissingField::path).collect();
    assert_eq!(
        missing,
        vec![
            "project.startDate",
            "project.endDate",
            "learningOutcomes.activities"
        ]
    );
    assert_eq!(err.missing[2].label.en, "Activities and tasks carried out");
}

#[test]
fn only_the_institution_issues_certificates_in_the_document_language() {
    for by in [Editor::Host, Editor::Participant] {
        let err = refusal(complete(), issue(by, DocumentLanguage::En));
        assert_refused(&err, RefusalCode::Forbidden, "EDITOR_NOT_ALLOWED");
    }
    let err = refusal(complete(), issue(Editor::Institution, DocumentLanguage::Lv));
    assert_refused(&err, RefusalCode::Rejected, "LANGUAGE_MISMATCH");
    let err = refusal(
        complete(),
        DocumentCommand::RecordCertificateIssued {
            sha256: "not a hash".into(),
            language: DocumentLanguage::En,
            template_version: "2026.1".into(),
            by: Editor::Institution,
            at: now(),
        },
    );
    assert_validation(&err, "sha256", "INVALID_SHA256");
    let issued = DocumentEvent::CertificateIssued {
        sha256: ContentHash::parse(&"ab".repeat(32)).unwrap(),
        language: DocumentLanguage::En,
        template_version: ShortText::parse("2026.1").unwrap(),
        at: now(),
    };
    Given::with(())
        .given(complete())
        .when(issue(Editor::Institution, DocumentLanguage::En))
        .then_expect_events(vec![issued.clone()]);
    let mut events = complete();
    events.push(issued);
    let certificates = replay(events).certificates;
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].sha256.as_str(), "ab".repeat(32));
    assert_eq!(certificates[0].template_version.as_str(), "2026.1");
}

fn revoke(reason: &str) -> DocumentCommand {
    DocumentCommand::RevokeCertificate {
        reason: reason.into(),
        at: now(),
    }
}

#[test]
fn an_issued_certificate_is_revoked_once_with_its_reason_and_never_issued_again() {
    let issued = then(complete(), issue(Editor::Institution, DocumentLanguage::En));
    let revoked = DocumentEvent::CertificateRevoked {
        reason: RevocationReason::parse("Issued for the wrong person").unwrap(),
        at: now(),
    };
    Given::with(())
        .given(issued.clone())
        .when(revoke("  Issued for the wrong person "))
        .then_expect_events(vec![revoked.clone()]);
    let mut given = issued;
    given.push(revoked);
    // A retry writes nothing and answers as the first did, whatever reason it gives.
    assert!(events_of(given.clone(), revoke("another reason")).is_empty());
    let document = replay(given.clone());
    let revocation = document.revocation().expect("revoked");
    assert_eq!(revocation.reason.as_str(), "Issued for the wrong person");
    // Nothing is issued afterwards, not even the same bytes again.
    let err = refusal(given, issue(Editor::Institution, DocumentLanguage::En));
    assert_refused(&err, RefusalCode::Rejected, "CERTIFICATE_REVOKED");
}

#[test]
fn a_certificate_never_issued_cannot_be_revoked_and_a_reason_is_required() {
    let err = refusal(complete(), revoke("wrong person"));
    assert_refused(&err, RefusalCode::Rejected, "NOT_ISSUED");
    let issued = then(complete(), issue(Editor::Institution, DocumentLanguage::En));
    let err = refusal(issued, revoke("   "));
    assert_validation(&err, "reason", "REQUIRED");
}

#[test]
fn the_document_is_english_by_default_and_the_institution_may_choose_latvian() {
    let set = |by| DocumentCommand::SetLanguage {
        language: DocumentLanguage::Lv,
        by,
    };
    Given::with(())
        .given(complete())
        .when(set(Editor::Institution))
        .then_expect_events(vec![DocumentEvent::LanguageChanged {
            language: DocumentLanguage::Lv,
        }]);
    let latvian = then(complete(), set(Editor::Institution));
    assert_eq!(replay(latvian.clone()).language(), DocumentLanguage::Lv);
    Given::with(())
        .given(latvian.clone())
        .when(set(Editor::Institution))
        .then_expect_events(vec![]);
    assert_eq!(
        events_of(latvian, issue(Editor::Institution, DocumentLanguage::Lv)).len(),
        1
    );
    let err = refusal(complete(), set(Editor::Participant));
    assert_eq!(err.reason, "EDITOR_NOT_ALLOWED");
}

#[test]
fn a_side_of_the_certificate_may_be_left_empty_and_returned_to_the_default() {
    use crate::signature::{SignatureChoice, SignatureKind};
    let choose = |choice| DocumentCommand::ChooseSignature {
        kind: SignatureKind::Stamp,
        choice,
        by: Editor::Institution,
    };
    let empty = then(complete(), choose(SignatureChoice::Empty));
    assert_eq!(
        replay(empty.clone()).signature_choice(SignatureKind::Stamp),
        SignatureChoice::Empty
    );
    // The signature box is untouched by the stamp's choice.
    assert_eq!(
        replay(empty.clone()).signature_choice(SignatureKind::Signature),
        SignatureChoice::Default
    );
    Given::with(())
        .given(empty.clone())
        .when(choose(SignatureChoice::Empty))
        .then_expect_events(vec![]);
    let chosen = then(empty, choose(SignatureChoice::Use(Uuid::from_u128(7))));
    assert_eq!(
        replay(chosen.clone()).signature_choice(SignatureKind::Stamp),
        SignatureChoice::Use(Uuid::from_u128(7))
    );
    let back = then(chosen, choose(SignatureChoice::Default));
    assert_eq!(
        replay(back).signature_choice(SignatureKind::Stamp),
        SignatureChoice::Default
    );
    let err = refusal(
        complete(),
        DocumentCommand::ChooseSignature {
            kind: SignatureKind::Stamp,
            choice: SignatureChoice::Empty,
            by: Editor::Host,
        },
    );
    assert_eq!(err.reason, "EDITOR_NOT_ALLOWED");
}

#[test]
fn a_signature_choice_recorded_before_empty_sides_existed_still_reads() {
    let old = serde_json::json!({"SignatureChosen": {"kind": "stamp", "signature_id": null}});
    let event: DocumentEvent = serde_json::from_value(old).unwrap();
    assert_eq!(
        event,
        DocumentEvent::SignatureChosen {
            kind: crate::signature::SignatureKind::Stamp,
            signature_id: None,
            left_empty: false,
        }
    );
}

// Erasure (R-ERASE)

fn erase(reason: &str) -> DocumentCommand {
    DocumentCommand::EraseParticipantData {
        reason: reason.into(),
    }
}

fn filled_and_issued() -> Vec<DocumentEvent> {
    let events = then(
        complete(),
        personal(
            PersonalDataPatch {
                date_of_birth: Some(Some(date(2008, 2, 29))),
                email: Some("janis@example.lv".into()),
                photo: Some(Some(
                    PhotoRef::new(&"cd".repeat(32), ImageType::Png).unwrap(),
                )),
                ..PersonalDataPatch::default()
            },
            Editor::Institution,
        ),
    );
    let events = then(
        events,
        DocumentCommand::GrantParticipantAccess {
            email: Email::parse("janis@example.lv").unwrap(),
        },
    );
    then(events, issue(Editor::Institution, DocumentLanguage::En))
}

#[test]
fn erasure_erases_every_participant_value_and_keeps_the_host_contact_number_dates_and_certificates()
{
    let events = then(filled_and_issued(), erase(" data subject request "));
    let Some(DocumentEvent::ParticipantDataErased {
        reason,
        host_contact_kept,
    }) = events.last()
    else {
        panic!("no erasure: {events:?}");
    };
    assert_eq!(
        reason,
        &ErasureReason::parse("data subject request").unwrap()
    );
    // Mentor's first and last name, phone and e-mail: written again under the new key.
    assert_eq!(host_contact_kept.len(), 4);
    let document = replay(events);
    assert!(document.is_erased());
    let data = document.personal_data();
    assert_eq!(data.surname(), Some(&Personal::Erased));
    assert_eq!(data.first_name(), Some(&Personal::Erased));
    assert_eq!(data.date_of_birth(), Some(&Personal::Erased));
    assert_eq!(data.email(), Some(&Personal::Erased));
    assert_eq!(data.photo(), Some(&Personal::Erased));
    assert_eq!(data.nationality(), None);
    assert_eq!(data.holder_name(), None);
    let host = document.host_organisation();
    assert_eq!(
        host.mentor_last_name()
            .and_then(Personal::known)
            .map(|n| n.to_string()),
        Some("Schmidt".to_string())
    );
    assert_eq!(
        host.name().map(|n| n.as_str()),
        Some("Berufsschule München")
    );
    assert_eq!(
        document.host_email().map(|e| e.as_str()),
        Some("mentor@schule.de")
    );
    assert_eq!(document.participant_email(), None);
    assert_eq!(document.europass_number(), Some(&number(1)));
    assert_eq!(document.project().start_date(), Some(date(2026, 5, 4)));
    assert_eq!(document.issued_certificates().len(), 1);
    let missing: Vec<String> = document
        .missing_fields()
        .iter()
        .map(MissingField::path)
        .collect();
    assert!(missing.contains(&"personalData.surname".to_string()));
    assert!(!missing.contains(&"hostOrganisation.mentorLastName".to_string()));
}

/// What the event store returns once the document's key is deleted and the erasure (the last
/// event) was sealed with the new key.
fn without_key(events: &[DocumentEvent]) -> Vec<DocumentEvent> {
    fn shred(value: &mut Value) {
        match value {
            Value::Object(obj) if obj.len() == 1 && obj.contains_key("pii") => {
                *value = json!({"pii_erased": true});
            }
            Value::Object(obj) => obj.values_mut().for_each(shred),
            Value::Array(items) => items.iter_mut().for_each(shred),
            _ => {}
        }
    }
    let (erasure, before) = events.split_last().expect("events");
    before
        .iter()
        .map(|e| {
            let mut json = serde_json::to_value(e).unwrap();
            shred(&mut json);
            serde_json::from_value(json).unwrap()
        })
        .chain([erasure.clone()])
        .collect()
}

#[test]
fn the_state_after_erasure_equals_a_replay_without_the_key() {
    let events = then(filled_and_issued(), erase("data subject request"));
    let live = serde_json::to_value(replay(events.clone())).unwrap();
    let replayed = serde_json::to_value(replay(without_key(&events))).unwrap();
    assert_eq!(live, replayed);
    assert!(!live.to_string().contains("Bērziņš"));
    assert!(!live.to_string().contains("janis@example.lv"));
}

#[test]
fn erasure_needs_a_reason_is_recorded_once_and_refuses_nothing_afterwards() {
    let err = refusal(filled_and_issued(), erase("  "));
    assert_validation(&err, "reason", "REQUIRED");
    let erased = then(filled_and_issued(), erase("request"));
    Given::with(())
        .given(erased.clone())
        .when(erase("request again"))
        .then_expect_events(vec![]);
    let refilled = then(
        erased,
        personal(names("Ozola", "Anna"), Editor::Institution),
    );
    let document = replay(refilled.clone());
    assert!(!document.is_erased());
    assert_eq!(
        document.personal_data().holder_name().as_deref(),
        Some("Anna Ozola")
    );
    assert_eq!(events_of(refilled, erase("second request")).len(), 1);
}

// Audit and serialisation

#[test]
fn values_before_show_what_an_event_changed_from() {
    let given = complete();
    let document = replay(given.clone());
    let event = events_of(
        given,
        host(
            HostOrganisationPatch {
                name: Some("Berufskolleg Köln".into()),
                ..HostOrganisationPatch::default()
            },
            Editor::Host,
        ),
    )
    .remove(0);
    assert_eq!(
        document.values_before(&event),
        Some(SectionChanges::HostOrganisation(vec![
            HostOrganisationChange::Name(Some(
                InstitutionName::parse("Berufsschule München").unwrap()
            ))
        ]))
    );
    assert_eq!(
        document.values_before(&DocumentEvent::ParticipantAccessUnlocked {}),
        None
    );
}

#[test]
fn every_field_has_labels_and_a_value_in_its_section() {
    let document = replay(complete());
    for section in Section::ALL {
        assert!(!section.label().en.is_empty() && !section.label().lv.is_empty());
        assert_eq!(Section::parse(section.as_str()).unwrap(), section);
        let fields: Vec<&str> = section_fields(section).map(|f| f.name).collect();
        assert!(!fields.is_empty());
        let values = document.values_of(section, &fields).unwrap();
        assert_eq!(values.fields(), fields, "{section:?}");
    }
    for f in FIELDS {
        assert!(
            !f.label.en.is_empty() && !f.label.lv.is_empty(),
            "{}",
            f.path()
        );
        assert_eq!(field_spec(f.section, f.name), Some(f));
    }
    assert_eq!(
        Section::parse("photos").unwrap_err().reason,
        "UNKNOWN_SECTION"
    );
}

#[test]
fn events_round_trip_through_json_with_readable_field_names() {
    let mut events = then(filled_and_issued(), erase("request"));
    let copy = source()
        .copy_of(Section::Project, &["objective", "startDate"])
        .unwrap();
    events.extend(events_of(created(), receive(copy, Editor::Host)));
    events.push(DocumentEvent::ParticipantAccessLocked { from: now() });
    events.push(DocumentEvent::ParticipantAccessUnlocked {});
    events.push(DocumentEvent::LanguageChanged {
        language: DocumentLanguage::Lv,
    });
    for event in &events {
        let json = serde_json::to_value(event).unwrap();
        assert_eq!(
            &serde_json::from_value::<DocumentEvent>(json).unwrap(),
            event
        );
    }
    let copied = serde_json::to_value(&events[events.len() - 4]).unwrap();
    assert_eq!(
        copied["CopyReceived"]["changes"],
        json!({"section": "project", "fields": [
            {"field": "objective", "value": "Training in a partner school"},
            {"field": "startDate", "value": "2026-05-04"},
        ]})
    );
    assert_eq!(copied["CopyReceived"]["by"], "host");
    let host = serde_json::to_value(&events[1]).unwrap();
    assert_eq!(
        host["HostOrganisationSaved"]["changes"][1],
        json!({"field": "type", "value": {"kind": "listed", "code": "VET_PROVIDER", "label": {
            "en": "Vocational education and training provider",
            "lv": "Profesionālās izglītības iestāde",
        }}})
    );
    let texts = FreeText::parse("x").unwrap();
    assert_eq!(serde_json::to_value(texts).unwrap(), "x");
}

#[test]
fn downloading_the_same_certificate_again_records_no_second_issue() {
    let issued = |hex: &str| DocumentEvent::CertificateIssued {
        sha256: ContentHash::parse(&hex.repeat(32)).unwrap(),
        language: DocumentLanguage::En,
        template_version: ShortText::parse("2026.1").unwrap(),
        at: now(),
    };
    let mut once = complete();
    once.push(issued("AB"));
    // The same bytes again (a second download): nothing new was issued.
    Given::with(())
        .given(once.clone())
        .when(issue(Editor::Institution, DocumentLanguage::En))
        .then_expect_events(vec![]);
    // Different bytes (the document changed, or another day's date): a new issue.
    let other = DocumentCommand::RecordCertificateIssued {
        sha256: "CD".repeat(32),
        language: DocumentLanguage::En,
        template_version: "2026.1".into(),
        by: Editor::Institution,
        at: now(),
    };
    Given::with(())
        .given(once.clone())
        .when(other)
        .then_expect_events(vec![issued("CD")]);
    // Back to the first bytes after another issue: issued again, so recorded again.
    let mut twice = once;
    twice.push(issued("CD"));
    Given::with(())
        .given(twice)
        .when(issue(Editor::Institution, DocumentLanguage::En))
        .then_expect_events(vec![issued("AB")]);
}
