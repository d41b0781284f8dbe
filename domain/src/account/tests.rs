use super::*;
use crate::values::{InstitutionName, PersonName};
use crate::{Personal, RefusalCode};
use chrono::{Duration, TimeZone};
use cqrs_es::test::TestFramework;

type Given = TestFramework<Account>;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
}

fn email() -> Email {
    Email::parse("info@skola.lv").unwrap()
}

fn started() -> Vec<AccountEvent> {
    vec![
        AccountEvent::InstitutionRegistrationStarted {
            institution_id: Uuid::nil(),
            institution_name: InstitutionName::parse("Rīgas skola").unwrap(),
            email: Personal::new(email()),
        },
        AccountEvent::RegistrationLinkIssued {
            token_hash: "h1".into(),
            expires_at: t0() + Duration::hours(48),
        },
    ]
}

fn refusal(result: Result<Vec<AccountEvent>, Refusal>) -> Refusal {
    result.expect_err("expected a refusal")
}

#[test]
fn registration_emits_start_and_link() {
    Given::with(())
        .given_no_previous_events()
        .when(AccountCommand::StartInstitutionRegistration {
            institution_id: Uuid::nil(),
            institution_name: InstitutionName::parse("Rīgas skola").unwrap(),
            email: email(),
            link: IssuedLink {
                token_hash: "h1".into(),
                expires_at: t0() + Duration::hours(48),
            },
        })
        .then_expect_events(started());
}

#[test]
fn the_same_email_cannot_register_twice() {
    let err = refusal(
        Given::with(())
            .given(started())
            .when(AccountCommand::StartInstitutionRegistration {
                institution_id: Uuid::nil(),
                institution_name: InstitutionName::parse("Other").unwrap(),
                email: email(),
                link: IssuedLink {
                    token_hash: "h2".into(),
                    expires_at: t0(),
                },
            })
            .inspect_result(),
    );
    assert_eq!(err.reason, "EMAIL_ALREADY_REGISTERED");
}

#[test]
fn confirmation_within_48_hours_sets_the_password() {
    Given::with(())
        .given(started())
        .when(AccountCommand::ConfirmRegistration {
            token_hash: "h1".into(),
            password_hash: "argon".into(),
            at: t0() + Duration::hours(47) + Duration::minutes(59),
        })
        .then_expect_events(vec![AccountEvent::RegistrationConfirmed {
            password_hash: "argon".into(),
        }]);
}

#[test]
fn confirmation_at_48_hours_is_expired() {
    let err = refusal(
        Given::with(())
            .given(started())
            .when(AccountCommand::ConfirmRegistration {
                token_hash: "h1".into(),
                password_hash: "argon".into(),
                at: t0() + Duration::hours(48),
            })
            .inspect_result(),
    );
    assert_eq!(
        (err.code, err.reason),
        (RefusalCode::Expired, "TOKEN_EXPIRED")
    );
}

#[test]
fn a_reissued_link_replaces_the_old_one() {
    let mut given = started();
    given.push(AccountEvent::RegistrationLinkIssued {
        token_hash: "h2".into(),
        expires_at: t0() + Duration::hours(60),
    });
    let err = refusal(
        Given::with(())
            .given(given.clone())
            .when(AccountCommand::ConfirmRegistration {
                token_hash: "h1".into(),
                password_hash: "x".into(),
                at: t0(),
            })
            .inspect_result(),
    );
    assert_eq!(err.reason, "TOKEN_UNKNOWN");
    Given::with(())
        .given(given)
        .when(AccountCommand::ConfirmRegistration {
            token_hash: "h2".into(),
            password_hash: "x".into(),
            at: t0() + Duration::hours(50),
        })
        .then_expect_events(vec![AccountEvent::RegistrationConfirmed {
            password_hash: "x".into(),
        }]);
}

#[test]
fn a_used_link_is_refused() {
    let mut given = started();
    given.push(AccountEvent::RegistrationConfirmed {
        password_hash: "x".into(),
    });
    let err = refusal(
        Given::with(())
            .given(given)
            .when(AccountCommand::ConfirmRegistration {
                token_hash: "h1".into(),
                password_hash: "y".into(),
                at: t0(),
            })
            .inspect_result(),
    );
    assert_eq!(err.reason, "TOKEN_USED");
}

#[test]
fn a_new_link_needs_a_pending_registration() {
    let link = IssuedLink {
        token_hash: "h".into(),
        expires_at: t0(),
    };
    let err = refusal(
        Given::with(())
            .given_no_previous_events()
            .when(AccountCommand::ReissueRegistrationLink { link: link.clone() })
            .inspect_result(),
    );
    assert_eq!(err.code, RefusalCode::NotFound);
    let mut confirmed = started();
    confirmed.push(AccountEvent::RegistrationConfirmed {
        password_hash: "x".into(),
    });
    let err = refusal(
        Given::with(())
            .given(confirmed)
            .when(AccountCommand::ReissueRegistrationLink { link })
            .inspect_result(),
    );
    assert_eq!(err.reason, "ALREADY_CONFIRMED");
}

#[test]
fn an_additional_user_needs_a_free_email() {
    let err = refusal(
        Given::with(())
            .given(started())
            .when(AccountCommand::OpenInstitutionUser {
                institution_id: Uuid::nil(),
                name: PersonName::parse("Anna Bērziņa").unwrap(),
                email: email(),
                password_hash: "x".into(),
                password_expires_at: t0() + Duration::days(14),
            })
            .inspect_result(),
    );
    assert_eq!(err.reason, "EMAIL_ALREADY_REGISTERED");
}

#[test]
fn a_closed_account_can_be_opened_again_and_must_change_its_password() {
    let given = vec![
        AccountEvent::InstitutionUserAccountOpened {
            institution_id: Uuid::nil(),
            name: Personal::new(PersonName::parse("Anna").unwrap()),
            email: Personal::new(email()),
            password_hash: "x".into(),
            password_expires_at: None,
        },
        AccountEvent::AccountClosed {
            reason: "removed".into(),
        },
    ];
    let events = Given::with(())
        .given(given)
        .when(AccountCommand::OpenInstitutionUser {
            institution_id: Uuid::nil(),
            name: PersonName::parse("Anna").unwrap(),
            email: email(),
            password_hash: "y".into(),
            password_expires_at: t0() + Duration::days(14),
        })
        .inspect_result()
        .unwrap();
    let mut account = Account::default();
    for e in events {
        account.apply(e);
    }
    assert!(account.must_change_password());
    assert_eq!(account.password_hash(), Some("y"));
}

#[test]
fn closing_twice_writes_nothing_the_second_time() {
    Given::with(())
        .given(vec![AccountEvent::AccountClosed { reason: "x".into() }])
        .when(AccountCommand::Close { reason: "x".into() })
        .then_expect_events(vec![]);
}

const DOC_A: Uuid = Uuid::from_u128(0xa);
const DOC_B: Uuid = Uuid::from_u128(0xb);

fn mentor() -> Email {
    Email::parse("mentor@host.de").unwrap()
}

fn password() -> EmailedPassword {
    EmailedPassword {
        password_hash: "p1".into(),
        expires_at: t0() + Duration::days(14),
    }
}

fn invite(
    role: AccountRole,
    document_id: Uuid,
    new_password: Option<EmailedPassword>,
) -> AccountCommand {
    AccountCommand::GrantDocumentAccess {
        role,
        email: mentor(),
        document_id,
        new_password,
    }
}

fn host_opened() -> Vec<AccountEvent> {
    vec![
        AccountEvent::ExternalAccountOpened {
            role: AccountRole::Host,
            email: Personal::new(mentor()),
            password_hash: "p1".into(),
            password_expires_at: t0() + Duration::days(14),
            grants_recorded: true,
        },
        AccountEvent::DocumentAccessGranted { document_id: DOC_A },
    ]
}

fn fold(events: Vec<AccountEvent>) -> Account {
    let mut account = Account::default();
    for e in events {
        account.apply(e);
    }
    account
}

#[test]
fn a_host_account_is_opened_with_an_expiring_password_and_its_grant() {
    Given::with(())
        .given_no_previous_events()
        .when(invite(AccountRole::Host, DOC_A, Some(password())))
        .then_expect_events(host_opened());
    let account = fold(host_opened());
    assert!(account.must_change_password());
    assert!(account.password_usable_at(t0() + Duration::days(13)));
    assert!(!account.password_usable_at(t0() + Duration::days(14)));
    assert_eq!(
        account.grants().iter().copied().collect::<Vec<_>>(),
        vec![DOC_A]
    );
}

#[test]
fn inviting_an_existing_account_of_the_same_kind_adds_a_grant_and_keeps_its_password() {
    Given::with(())
        .given(host_opened())
        .when(invite(AccountRole::Host, DOC_B, Some(password())))
        .then_expect_events(vec![AccountEvent::DocumentAccessGranted {
            document_id: DOC_B,
        }]);
}

#[test]
fn inviting_again_to_the_same_document_writes_nothing() {
    Given::with(())
        .given(host_opened())
        .when(invite(AccountRole::Host, DOC_A, None))
        .then_expect_events(vec![]);
}

#[test]
fn opening_needs_a_password_to_send() {
    let err = refusal(
        Given::with(())
            .given_no_previous_events()
            .when(invite(AccountRole::Participant, DOC_A, None))
            .inspect_result(),
    );
    assert_eq!(err.reason, "ACCOUNT_CHANGED");
}

#[test]
fn an_e_mail_has_one_kind_of_account() {
    let err = refusal(
        Given::with(())
            .given(host_opened())
            .when(invite(AccountRole::Participant, DOC_B, Some(password())))
            .inspect_result(),
    );
    assert_eq!(err.reason, "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT");
    let err = refusal(
        Given::with(())
            .given_no_previous_events()
            .when(invite(AccountRole::Nec, DOC_A, Some(password())))
            .inspect_result(),
    );
    assert_eq!(err.reason, "NOT_AN_EXTERNAL_ROLE");
}

#[test]
fn institution_and_nec_accounts_are_never_reached_by_an_invitation() {
    let nec = vec![AccountEvent::NecAccountOpened {
        name: Personal::new(PersonName::parse("Nora NEC").unwrap()),
        email: Personal::new(mentor()),
        password_hash: "nec".into(),
    }];
    for role in [AccountRole::Host, AccountRole::Participant] {
        let err = refusal(
            Given::with(())
                .given(nec.clone())
                .when(invite(role, DOC_A, Some(password())))
                .inspect_result(),
        );
        assert_eq!(err.reason, "EMAIL_BELONGS_TO_ANOTHER_ACCOUNT");
    }
}

#[test]
fn revoking_the_last_recorded_grant_closes_the_account() {
    Given::with(())
        .given(host_opened())
        .when(AccountCommand::RevokeDocumentAccess {
            document_id: DOC_A,
            reason: "erased".into(),
        })
        .then_expect_events(vec![
            AccountEvent::DocumentAccessRevoked { document_id: DOC_A },
            AccountEvent::AccountClosed {
                reason: "erased".into(),
            },
        ]);
}

#[test]
fn revoking_one_of_several_grants_keeps_the_account() {
    let mut given = host_opened();
    given.push(AccountEvent::DocumentAccessGranted { document_id: DOC_B });
    Given::with(())
        .given(given)
        .when(AccountCommand::RevokeDocumentAccess {
            document_id: DOC_A,
            reason: "erased".into(),
        })
        .then_expect_events(vec![AccountEvent::DocumentAccessRevoked {
            document_id: DOC_A,
        }]);
}

#[test]
fn revoking_never_closes_an_account_whose_grants_were_not_recorded_or_of_another_kind() {
    let legacy = vec![AccountEvent::ExternalAccountOpened {
        role: AccountRole::Participant,
        email: Personal::new(mentor()),
        password_hash: "p1".into(),
        password_expires_at: t0() + Duration::days(14),
        grants_recorded: false,
    }];
    Given::with(())
        .given(legacy)
        .when(AccountCommand::RevokeDocumentAccess {
            document_id: DOC_A,
            reason: "erased".into(),
        })
        .then_expect_events(vec![]);
    let nec = vec![AccountEvent::NecAccountOpened {
        name: Personal::new(PersonName::parse("Nora NEC").unwrap()),
        email: Personal::new(mentor()),
        password_hash: "nec".into(),
    }];
    Given::with(())
        .given(nec)
        .when(AccountCommand::RevokeDocumentAccess {
            document_id: DOC_A,
            reason: "erased".into(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn a_changed_password_no_longer_expires() {
    let mut events = host_opened();
    events.push(AccountEvent::PasswordChanged {
        password_hash: "mine".into(),
    });
    let account = fold(events);
    assert!(!account.must_change_password());
    assert!(account.password_usable_at(t0() + Duration::days(400)));
}

#[test]
fn a_password_reset_needs_the_latest_unexpired_link() {
    let mut events = host_opened();
    events.push(AccountEvent::PasswordResetRequested {
        token_hash: "r1".into(),
        expires_at: t0() + Duration::hours(2),
    });
    let reset = |token: &str, at| AccountCommand::ResetPassword {
        token_hash: token.into(),
        password_hash: "new".into(),
        at,
    };
    let err = refusal(
        Given::with(())
            .given(events.clone())
            .when(reset("other", t0()))
            .inspect_result(),
    );
    assert_eq!(err.reason, "TOKEN_UNKNOWN");
    let err = refusal(
        Given::with(())
            .given(events.clone())
            .when(reset("r1", t0() + Duration::hours(2)))
            .inspect_result(),
    );
    assert_eq!(err.reason, "TOKEN_EXPIRED");
    Given::with(())
        .given(events.clone())
        .when(reset("r1", t0() + Duration::hours(1)))
        .then_expect_events(vec![AccountEvent::PasswordReset {
            password_hash: "new".into(),
        }]);
    events.push(AccountEvent::PasswordReset {
        password_hash: "new".into(),
    });
    let err = refusal(
        Given::with(())
            .given(events)
            .when(reset("r1", t0()))
            .inspect_result(),
    );
    assert_eq!(err.reason, "TOKEN_UNKNOWN", "a reset link works once");
}

#[test]
fn a_reset_for_an_unknown_account_writes_nothing() {
    Given::with(())
        .given_no_previous_events()
        .when(AccountCommand::RequestPasswordReset {
            link: IssuedLink {
                token_hash: "r".into(),
                expires_at: t0(),
            },
        })
        .then_expect_events(vec![]);
}

#[test]
fn only_the_first_login_is_recorded() {
    Given::with(())
        .given(host_opened())
        .when(AccountCommand::RecordLogin { at: t0() })
        .then_expect_events(vec![AccountEvent::FirstLoggedIn { at: t0() }]);
    let mut events = host_opened();
    events.push(AccountEvent::FirstLoggedIn { at: t0() });
    Given::with(())
        .given(events.clone())
        .when(AccountCommand::RecordLogin { at: t0() })
        .then_expect_events(vec![]);
    let mut account = Account::default();
    assert_eq!(account.first_login_at(), None);
    for e in events {
        account.apply(e);
    }
    assert_eq!(account.first_login_at(), Some(t0()));
}
