use super::*;
use crate::reference::{programme, OwnedLabel};
use crate::values::{EuropassNumber, ProjectDescription, ProjectNumber};
use crate::RefusalCode;
use cqrs_es::test::TestFramework;

type Given = TestFramework<Mobility>;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn day(offset: i64) -> NaiveDate {
    today() + chrono::Duration::days(offset)
}

fn institution() -> Uuid {
    Uuid::from_u128(7)
}

fn number(prefix: &str, sequence: u32) -> EuropassNumber {
    EuropassNumber::new(prefix, 2026, sequence).unwrap()
}

fn allocation(prefix: &str, first: u32, n: u32) -> Allocation {
    Allocation {
        europass_numbers: (first..first + n).map(|s| number(prefix, s)).collect(),
        document_ids: (first..first + n)
            .map(|s| Uuid::from_u128(s.into()))
            .collect(),
    }
}

fn documents(prefix: &str, first: u32, n: u32) -> Vec<IssuedDocument> {
    (first..first + n)
        .map(|s| IssuedDocument {
            document_id: Uuid::from_u128(s.into()),
            europass_number: number(prefix, s),
        })
        .collect()
}

/// A request as a portal sends it; each test changes what it is about.
struct Req {
    accept_conditions: bool,
    participants: u32,
    start: NaiveDate,
    end: NaiveDate,
    issuer: Issuer,
    procedure: ProcedureRequest,
    try_out_allocation: Option<Allocation>,
}

impl Default for Req {
    fn default() -> Self {
        Self {
            accept_conditions: true,
            participants: 3,
            start: day(30),
            end: day(44),
            issuer: Issuer::nec_latvia(),
            procedure: ProcedureRequest::A {
                programme: "KA121-SCH".into(),
                project_number: " 2026-1-LV01-KA121-SCH-000123456 ".into(),
            },
            try_out_allocation: None,
        }
    }
}

impl Req {
    fn command(self) -> MobilityCommand {
        MobilityCommand::Request {
            institution_id: institution(),
            accept_conditions: self.accept_conditions,
            participants: self.participants,
            folders_by_post: true,
            start: self.start,
            end: self.end,
            issuer: self.issuer,
            procedure: self.procedure,
            today: today(),
            try_out_allocation: self.try_out_allocation,
        }
    }

    fn try_out(participants: u32) -> Self {
        Self {
            participants,
            issuer: Issuer::TryOut,
            try_out_allocation: Some(allocation("TRY", 1, participants)),
            ..Self::default()
        }
    }
}

fn details_a() -> ProcedureDetails {
    ProcedureDetails::A {
        programme: programme(Procedure::A, "KA121-SCH").unwrap().snapshot(),
        project_number: ProjectNumber::parse("2026-1-LV01-KA121-SCH-000123456").unwrap(),
    }
}

fn requested_with(issuer: Issuer, participants: u32) -> MobilityEvent {
    MobilityEvent::MobilityRequested {
        institution_id: institution(),
        participants,
        folders_by_post: true,
        start: day(30),
        end: day(44),
        issuer_label: issuer.label().unwrap().owned(),
        issuer,
        details: Box::new(details_a()),
        reference_version: REFERENCE_VERSION.to_string(),
    }
}

fn requested() -> Vec<MobilityEvent> {
    vec![requested_with(Issuer::nec_latvia(), 3)]
}

fn approved() -> Vec<MobilityEvent> {
    let mut events = requested();
    events.push(MobilityEvent::MobilityApproved {
        documents: documents("LV", 1, 3),
    });
    events
}

fn rejected() -> Vec<MobilityEvent> {
    let mut events = requested();
    events.push(MobilityEvent::MobilityRejected {
        reason: RejectionReason::parse("no agreement with the host").unwrap(),
    });
    events
}

fn try_out_approved() -> Vec<MobilityEvent> {
    vec![
        requested_with(Issuer::TryOut, 2),
        MobilityEvent::MobilityApproved {
            documents: documents("TRY", 1, 2),
        },
    ]
}

fn refusal(given: Vec<MobilityEvent>, command: MobilityCommand) -> Refusal {
    Given::with(())
        .given(given)
        .when(command)
        .inspect_result()
        .expect_err("expected a refusal")
}

fn refused_request(req: Req) -> Refusal {
    refusal(vec![], req.command())
}

fn replay(events: Vec<MobilityEvent>) -> Mobility {
    let mut mobility = Mobility::default();
    for event in events {
        mobility.apply(event);
    }
    mobility
}

fn approve(prefix: &str, first: u32, n: u32) -> MobilityCommand {
    let Allocation {
        europass_numbers,
        document_ids,
    } = allocation(prefix, first, n);
    MobilityCommand::Approve {
        europass_numbers,
        document_ids,
    }
}

fn approve_more(prefix: &str, first: u32, n: u32) -> MobilityCommand {
    let Allocation {
        europass_numbers,
        document_ids,
    } = allocation(prefix, first, n);
    MobilityCommand::ApproveMoreDocuments {
        europass_numbers,
        document_ids,
    }
}

fn assert_validation(err: &Refusal, field: &str, reason: &str) {
    assert_eq!(
        (err.code, err.field.as_deref(), err.reason),
        (RefusalCode::Validation, Some(field), reason),
        "{err:?}"
    );
}

// R-REQ, R-PROC: requesting

#[test]
fn a_procedure_a_request_keeps_the_programme_labels_and_reference_version() {
    Given::with(())
        .given_no_previous_events()
        .when(Req::default().command())
        .then_expect_events(requested());
    let MobilityEvent::MobilityRequested {
        details,
        issuer_label,
        reference_version,
        ..
    } = requested().remove(0)
    else {
        unreachable!()
    };
    let programme = details.programme().unwrap();
    assert_eq!(programme.code, "KA121-SCH");
    assert!(programme.label.en.contains("school education"));
    assert!(programme.label.lv.contains("skolu izglītība"));
    assert_eq!(
        issuer_label,
        OwnedLabel {
            en: "Academic Information Centre – NEC Latvia".into(),
            lv: "Akadēmiskās informācijas centrs – Latvijas NEC".into(),
        }
    );
    assert_eq!(reference_version, "2026-1");
}

#[test]
fn conditions_must_be_accepted() {
    let err = refused_request(Req {
        accept_conditions: false,
        ..Req::default()
    });
    assert_validation(&err, "acceptConditions", "CONDITIONS_NOT_ACCEPTED");
}

#[test]
fn participants_must_be_between_1_and_500() {
    for n in [0, 501] {
        let err = refused_request(Req {
            participants: n,
            ..Req::default()
        });
        assert_validation(&err, "participants", "PARTICIPANTS_OUT_OF_RANGE");
    }
    let events = Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                participants: 500,
                ..Req::default()
            }
            .command(),
        )
        .inspect_result()
        .unwrap();
    assert_eq!(replay(events).pending_documents(), 500);
}

#[test]
fn the_end_must_not_be_before_the_start() {
    let err = refused_request(Req {
        start: day(10),
        end: day(9),
        ..Req::default()
    });
    assert_validation(&err, "endDate", "END_BEFORE_START");
    assert!(Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                start: day(10),
                end: day(10),
                ..Req::default()
            }
            .command()
        )
        .inspect_result()
        .is_ok());
}

// R-10WEEKS

#[test]
fn a_start_exactly_10_weeks_ahead_is_accepted() {
    let events = Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                start: day(70),
                end: day(80),
                ..Req::default()
            }
            .command(),
        )
        .inspect_result()
        .unwrap();
    assert_eq!(replay(events).start(), Some(day(70)));
}

#[test]
fn a_start_one_day_beyond_10_weeks_is_refused_with_the_earliest_request_date() {
    let err = refused_request(Req {
        start: day(71),
        end: day(80),
        ..Req::default()
    });
    assert_validation(&err, "startDate", "START_TOO_FAR_AHEAD");
    assert_eq!(earliest_request_date(day(71)), day(1));
    assert!(err.message.contains("2026-03-03"), "{}", err.message);
    assert!(err.message.contains("2026-05-12"), "{}", err.message);
}

#[test]
fn the_earliest_date_is_70_days_before_the_start() {
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let err = refused_request(Req {
        start,
        end: start,
        ..Req::default()
    });
    assert!(err.message.contains("2026-06-23"), "{}", err.message);
    assert_eq!(
        earliest_request_date(start),
        NaiveDate::from_ymd_opt(2026, 6, 23).unwrap()
    );
}

#[test]
fn a_request_after_the_mobility_has_ended_is_accepted() {
    assert!(Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                start: day(-400),
                end: day(-300),
                ..Req::default()
            }
            .command()
        )
        .inspect_result()
        .is_ok());
}

// R-PROC: procedure details

#[test]
fn a_programme_must_be_listed_for_its_procedure() {
    let err = refused_request(Req {
        procedure: ProcedureRequest::A {
            programme: "KA999".into(),
            project_number: "1".into(),
        },
        ..Req::default()
    });
    assert_validation(&err, "programme", "UNKNOWN_PROGRAMME");
    assert!(err.message.contains("KA121-SCH"));
    let err = refused_request(Req {
        procedure: ProcedureRequest::A {
            programme: "LANGUAGE-ASSISTANT".into(),
            project_number: "1".into(),
        },
        ..Req::default()
    });
    assert_validation(&err, "programme", "UNKNOWN_PROGRAMME");
    let err = refused_request(Req {
        procedure: ProcedureRequest::C {
            programme: "KA131-HED".into(),
            project_number: "1".into(),
        },
        ..Req::default()
    });
    assert_validation(&err, "programme", "UNKNOWN_PROGRAMME");
    let err = refused_request(Req {
        procedure: ProcedureRequest::A {
            programme: " ".into(),
            project_number: "1".into(),
        },
        ..Req::default()
    });
    assert_validation(&err, "programme", "REQUIRED");
}

#[test]
fn a_project_number_is_required_short_and_plain() {
    for (raw, reason) in [
        ("  ", "REQUIRED"),
        (&"1".repeat(51) as &str, "TOO_LONG"),
        ("KA121<script>", "INVALID_PROJECT_NUMBER"),
    ] {
        let err = refused_request(Req {
            procedure: ProcedureRequest::C {
                programme: "LANGUAGE-ASSISTANT".into(),
                project_number: raw.into(),
            },
            ..Req::default()
        });
        assert_validation(&err, "projectNumber", reason);
    }
}

#[test]
fn procedure_c_takes_a_programme_and_a_trimmed_project_number() {
    let events = Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                procedure: ProcedureRequest::C {
                    programme: "language-assistant".into(),
                    project_number: "  LA-2026/17 ".into(),
                },
                ..Req::default()
            }
            .command(),
        )
        .inspect_result()
        .unwrap();
    let mobility = replay(events);
    let details = mobility.details().unwrap();
    assert_eq!(mobility.procedure(), Some(Procedure::C));
    assert_eq!(details.programme().unwrap().code, "LANGUAGE-ASSISTANT");
    assert_eq!(details.project_number().unwrap().as_str(), "LA-2026/17");
}

#[test]
fn procedure_b_needs_the_quality_criteria_confirmed() {
    let err = refused_request(Req {
        procedure: ProcedureRequest::B {
            description: "school partnership trip, no EU funding".into(),
            quality_criteria_confirmed: false,
        },
        ..Req::default()
    });
    assert_validation(
        &err,
        "qualityCriteriaConfirmed",
        "QUALITY_CRITERIA_NOT_CONFIRMED",
    );
}

#[test]
fn procedure_b_needs_a_short_description_and_has_no_programme() {
    for (raw, reason) in [(" ", "REQUIRED"), (&"ā".repeat(501) as &str, "TOO_LONG")] {
        let err = refused_request(Req {
            procedure: ProcedureRequest::B {
                description: raw.into(),
                quality_criteria_confirmed: true,
            },
            ..Req::default()
        });
        assert_validation(&err, "description", reason);
    }
    let mut expected = requested_with(Issuer::nec_latvia(), 3);
    if let MobilityEvent::MobilityRequested { details, .. } = &mut expected {
        **details = ProcedureDetails::B {
            description: ProjectDescription::parse("job shadowing; Tallinn; 2026").unwrap(),
        };
    }
    Given::with(())
        .given_no_previous_events()
        .when(
            Req {
                procedure: ProcedureRequest::B {
                    description: " job shadowing; Tallinn; 2026 ".into(),
                    quality_criteria_confirmed: true,
                },
                ..Req::default()
            }
            .command(),
        )
        .then_expect_events(vec![expected]);
}

#[test]
fn an_unlisted_issuer_is_refused() {
    let err = refused_request(Req {
        issuer: Issuer::Nec {
            country: crate::values::CountryCode::parse("DE").unwrap(),
        },
        ..Req::default()
    });
    assert_validation(&err, "issuer", "UNKNOWN_ISSUER");
}

#[test]
fn a_mobility_is_requested_only_once() {
    let err = refusal(requested(), Req::default().command());
    assert_eq!(
        (err.code, err.reason),
        (RefusalCode::Rejected, "MOBILITY_ALREADY_REQUESTED")
    );
}

#[test]
fn an_nec_request_brings_no_numbers() {
    let err = refused_request(Req {
        try_out_allocation: Some(allocation("LV", 1, 3)),
        ..Req::default()
    });
    assert_eq!(err.reason, "ALLOCATION_NOT_ALLOWED");
}

// R-TRYOUT

#[test]
fn a_try_out_request_is_approved_at_once() {
    Given::with(())
        .given_no_previous_events()
        .when(Req::try_out(2).command())
        .then_expect_events(try_out_approved());
    let mobility = replay(try_out_approved());
    assert!(mobility.is_try_out());
    assert_eq!(mobility.status(), MobilityStatus::Approved);
    assert_eq!(mobility.pending_documents(), 0);
}

#[test]
fn a_try_out_request_needs_one_try_number_per_participant() {
    let err = refused_request(Req {
        try_out_allocation: None,
        ..Req::try_out(2)
    });
    assert_eq!(err.reason, "ALLOCATION_REQUIRED");
    let err = refused_request(Req {
        try_out_allocation: Some(allocation("TRY", 1, 1)),
        ..Req::try_out(2)
    });
    assert_eq!(
        (err.code, err.reason),
        (RefusalCode::Rejected, "NUMBER_COUNT_MISMATCH")
    );
    let err = refused_request(Req {
        try_out_allocation: Some(allocation("LV", 1, 2)),
        ..Req::try_out(2)
    });
    assert_eq!(err.reason, "WRONG_NUMBER_SERIES");
}

// R-APPROVE

#[test]
fn approval_creates_one_document_per_participant_in_order() {
    Given::with(())
        .given(requested())
        .when(approve("LV", 1, 3))
        .then_expect_events(vec![MobilityEvent::MobilityApproved {
            documents: documents("LV", 1, 3),
        }]);
}

#[test]
fn approval_needs_exactly_as_many_numbers_and_ids_as_participants() {
    for command in [
        approve("LV", 1, 2),
        approve("LV", 1, 4),
        MobilityCommand::Approve {
            europass_numbers: allocation("LV", 1, 3).europass_numbers,
            document_ids: allocation("LV", 1, 2).document_ids,
        },
    ] {
        let err = refusal(requested(), command);
        assert_eq!(
            (err.code, err.reason),
            (RefusalCode::Rejected, "NUMBER_COUNT_MISMATCH")
        );
    }
}

#[test]
fn an_nec_approval_uses_the_nec_series_only() {
    let err = refusal(requested(), approve("TRY", 1, 3));
    assert_eq!(err.reason, "WRONG_NUMBER_SERIES");
}

#[test]
fn the_same_number_or_document_id_is_never_given_twice() {
    let mut twice = allocation("LV", 1, 3);
    twice.europass_numbers[2] = number("LV", 1);
    let err = refusal(
        requested(),
        MobilityCommand::Approve {
            europass_numbers: twice.europass_numbers,
            document_ids: twice.document_ids,
        },
    );
    assert_eq!(err.reason, "DUPLICATE_ALLOCATION");
    let mut given = approved();
    given.push(MobilityEvent::MoreDocumentsRequested { additional: 1 });
    let err = refusal(given, approve_more("LV", 3, 1));
    assert_eq!(err.reason, "DUPLICATE_ALLOCATION");
}

#[test]
fn an_unknown_mobility_cannot_be_decided() {
    let err = refusal(vec![], approve("LV", 1, 3));
    assert_eq!(
        (err.code, err.reason),
        (RefusalCode::NotFound, "MOBILITY_NOT_FOUND")
    );
    let err = refusal(vec![], MobilityCommand::Reject { reason: "x".into() });
    assert_eq!(err.code, RefusalCode::NotFound);
}

#[test]
fn a_request_is_decided_only_once() {
    for given in [approved(), rejected(), try_out_approved()] {
        let err = refusal(given.clone(), approve("LV", 10, 3));
        assert_eq!(err.reason, "ALREADY_DECIDED");
        let err = refusal(given, MobilityCommand::Reject { reason: "x".into() });
        assert_eq!(err.reason, "ALREADY_DECIDED");
    }
}

#[test]
fn rejection_needs_a_reason_of_at_most_1000_characters() {
    for (raw, reason) in [("  ", "REQUIRED"), (&"x".repeat(1001) as &str, "TOO_LONG")] {
        let err = refusal(requested(), MobilityCommand::Reject { reason: raw.into() });
        assert_validation(&err, "reason", reason);
    }
    Given::with(())
        .given(requested())
        .when(MobilityCommand::Reject {
            reason: " no agreement with the host ".into(),
        })
        .then_expect_events(vec![MobilityEvent::MobilityRejected {
            reason: RejectionReason::parse("no agreement with the host").unwrap(),
        }]);
    assert_eq!(replay(rejected()).status(), MobilityStatus::Rejected);
}

// More documents

#[test]
fn more_documents_only_for_an_approved_mobility() {
    let more = || MobilityCommand::RequestMoreDocuments {
        additional: 2,
        try_out_allocation: None,
    };
    assert_eq!(refusal(vec![], more()).code, RefusalCode::NotFound);
    for given in [requested(), rejected()] {
        assert_eq!(refusal(given, more()).reason, "MOBILITY_NOT_APPROVED");
    }
}

#[test]
fn more_documents_are_between_1_and_500() {
    for n in [0, 501] {
        let err = refusal(
            approved(),
            MobilityCommand::RequestMoreDocuments {
                additional: n,
                try_out_allocation: None,
            },
        );
        assert_validation(&err, "additional", "PARTICIPANTS_OUT_OF_RANGE");
    }
}

#[test]
fn more_documents_go_through_nec_approval() {
    Given::with(())
        .given(approved())
        .when(MobilityCommand::RequestMoreDocuments {
            additional: 2,
            try_out_allocation: None,
        })
        .then_expect_events(vec![MobilityEvent::MoreDocumentsRequested {
            additional: 2,
        }]);
    let err = refusal(
        approved(),
        MobilityCommand::RequestMoreDocuments {
            additional: 2,
            try_out_allocation: Some(allocation("LV", 4, 2)),
        },
    );
    assert_eq!(err.reason, "ALLOCATION_NOT_ALLOWED");

    let mut given = approved();
    given.push(MobilityEvent::MoreDocumentsRequested { additional: 2 });
    given.push(MobilityEvent::MoreDocumentsRequested { additional: 1 });
    assert_eq!(replay(given.clone()).pending_documents(), 3);
    let err = refusal(given.clone(), approve_more("LV", 4, 2));
    assert_eq!(err.reason, "NUMBER_COUNT_MISMATCH");
    Given::with(())
        .given(given)
        .when(approve_more("LV", 4, 3))
        .then_expect_events(vec![MobilityEvent::MoreDocumentsApproved {
            documents: documents("LV", 4, 3),
        }]);
}

#[test]
fn more_documents_can_be_rejected_and_the_mobility_stays_approved() {
    let mut given = approved();
    given.push(MobilityEvent::MoreDocumentsRequested { additional: 2 });
    let rejection = MobilityEvent::MoreDocumentsRejected {
        additional: 2,
        reason: RejectionReason::parse("not in the project").unwrap(),
    };
    Given::with(())
        .given(given.clone())
        .when(MobilityCommand::RejectMoreDocuments {
            reason: "not in the project".into(),
        })
        .then_expect_events(vec![rejection.clone()]);
    given.push(rejection);
    let mobility = replay(given);
    assert_eq!(mobility.status(), MobilityStatus::Approved);
    assert_eq!(
        (mobility.participants(), mobility.pending_documents()),
        (3, 0)
    );
}

#[test]
fn nothing_to_approve_without_a_pending_addition() {
    let err = refusal(approved(), approve_more("LV", 4, 1));
    assert_eq!(err.reason, "NO_MORE_DOCUMENTS_PENDING");
    let err = refusal(
        approved(),
        MobilityCommand::RejectMoreDocuments { reason: "x".into() },
    );
    assert_eq!(err.reason, "NO_MORE_DOCUMENTS_PENDING");
    let err = refusal(requested(), approve_more("LV", 4, 1));
    assert_eq!(err.reason, "MOBILITY_NOT_APPROVED");
}

#[test]
fn more_try_out_documents_are_approved_at_once() {
    Given::with(())
        .given(try_out_approved())
        .when(MobilityCommand::RequestMoreDocuments {
            additional: 2,
            try_out_allocation: Some(allocation("TRY", 3, 2)),
        })
        .then_expect_events(vec![
            MobilityEvent::MoreDocumentsRequested { additional: 2 },
            MobilityEvent::MoreDocumentsApproved {
                documents: documents("TRY", 3, 2),
            },
        ]);
    let err = refusal(
        try_out_approved(),
        MobilityCommand::RequestMoreDocuments {
            additional: 2,
            try_out_allocation: None,
        },
    );
    assert_eq!(err.reason, "ALLOCATION_REQUIRED");
}

// State the command side reads

#[test]
fn the_state_tells_the_command_side_what_it_needs() {
    let pending = replay(requested());
    assert_eq!(pending.status(), MobilityStatus::Pending);
    assert_eq!(pending.institution_id(), Some(institution()));
    assert_eq!(pending.issuer(), Some(&Issuer::nec_latvia()));
    assert_eq!(pending.procedure(), Some(Procedure::A));
    assert!(!pending.is_try_out());
    assert_eq!(
        (pending.participants(), pending.pending_documents()),
        (3, 3)
    );
    assert!(pending.document_ids().is_empty());

    let mut events = approved();
    events.push(MobilityEvent::MoreDocumentsRequested { additional: 2 });
    events.push(MobilityEvent::MoreDocumentsApproved {
        documents: documents("LV", 4, 2),
    });
    let grown = replay(events);
    assert_eq!(grown.status(), MobilityStatus::Approved);
    assert_eq!((grown.participants(), grown.pending_documents()), (5, 0));
    assert_eq!(
        grown.document_ids(),
        (1..=5).map(Uuid::from_u128).collect::<Vec<_>>()
    );
    assert_eq!(grown.documents()[4].europass_number, number("LV", 5));
    assert_eq!(Mobility::default().status(), MobilityStatus::New);
}

#[test]
fn events_round_trip_through_json() {
    let mut events = approved();
    events.push(MobilityEvent::MoreDocumentsRequested { additional: 1 });
    events.extend(rejected().into_iter().skip(1));
    for event in events {
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            serde_json::from_value::<MobilityEvent>(json).unwrap(),
            event
        );
    }
    let json = serde_json::to_value(requested_with(Issuer::nec_latvia(), 3)).unwrap();
    let requested = &json["MobilityRequested"];
    assert_eq!(requested["details"]["procedure"], "A");
    assert_eq!(requested["details"]["programme"]["code"], "KA121-SCH");
    assert_eq!(requested["issuer"]["kind"], "nec");
    assert_eq!(requested["reference_version"], "2026-1");
}
