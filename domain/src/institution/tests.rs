use super::*;
use crate::values::{Email, InstitutionName, Phone};
use crate::{Personal, RefusalCode};
use cqrs_es::test::TestFramework;

type Given = TestFramework<Institution>;

fn base() -> BaseData {
    BaseData::at_registration(
        InstitutionName::parse("Rīgas skola").unwrap(),
        Email::parse("info@skola.lv").unwrap(),
    )
}

fn registered() -> Vec<InstitutionEvent> {
    vec![InstitutionEvent::InstitutionRegistered {
        base: base(),
        primary_account: Uuid::from_u128(1),
    }]
}

fn with_users(n: u128) -> Vec<InstitutionEvent> {
    let mut events = registered();
    for i in 0..n {
        events.push(InstitutionEvent::UserAdded {
            account_id: Uuid::from_u128(100 + i),
        });
    }
    events
}

#[test]
fn registering_again_for_the_same_owner_is_a_no_op() {
    Given::with(())
        .given(registered())
        .when(InstitutionCommand::Register {
            base: base(),
            primary_account: Uuid::from_u128(1),
        })
        .then_expect_events(vec![]);
}

#[test]
fn registering_for_another_owner_is_refused() {
    let err = Given::with(())
        .given(registered())
        .when(InstitutionCommand::Register {
            base: base(),
            primary_account: Uuid::from_u128(2),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "INSTITUTION_ALREADY_REGISTERED");
    assert_eq!(err.field.as_deref(), Some("name"));
    assert!(err.message.contains("ask one of its users to add you"));
}

#[test]
fn base_data_change_carries_the_whole_set() {
    let mut changed = base();
    changed.phone = Some(Personal::new(Phone::parse("+371 12345678").unwrap()));
    Given::with(())
        .given(registered())
        .when(InstitutionCommand::ChangeBaseData {
            base: changed.clone(),
        })
        .then_expect_events(vec![InstitutionEvent::BaseDataChanged {
            base: changed,
            changed_fields: Some(vec!["phone".to_string()]),
        }]);
}

#[test]
fn unchanged_base_data_writes_nothing() {
    Given::with(())
        .given(registered())
        .when(InstitutionCommand::ChangeBaseData { base: base() })
        .then_expect_events(vec![]);
}

#[test]
fn base_data_of_an_unknown_institution_is_not_found() {
    let err = Given::with(())
        .given_no_previous_events()
        .when(InstitutionCommand::ChangeBaseData { base: base() })
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.code, RefusalCode::NotFound);
}

#[test]
fn a_third_additional_user_is_accepted() {
    Given::with(())
        .given(with_users(2))
        .when(InstitutionCommand::AddUser {
            account_id: Uuid::from_u128(7),
        })
        .then_expect_events(vec![InstitutionEvent::UserAdded {
            account_id: Uuid::from_u128(7),
        }]);
}

#[test]
fn a_fourth_additional_user_is_refused() {
    let err = Given::with(())
        .given(with_users(3))
        .when(InstitutionCommand::AddUser {
            account_id: Uuid::from_u128(7),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "USER_LIMIT_REACHED");
}

#[test]
fn a_removed_user_frees_a_place() {
    let mut given = with_users(3);
    given.push(InstitutionEvent::UserRemoved {
        account_id: Uuid::from_u128(100),
    });
    Given::with(())
        .given(given)
        .when(InstitutionCommand::AddUser {
            account_id: Uuid::from_u128(7),
        })
        .then_expect_events(vec![InstitutionEvent::UserAdded {
            account_id: Uuid::from_u128(7),
        }]);
}

#[test]
fn removing_an_unknown_user_is_not_found() {
    let err = Given::with(())
        .given(with_users(1))
        .when(InstitutionCommand::RemoveUser {
            account_id: Uuid::from_u128(9),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "USER_NOT_FOUND");
}
