use super::*;
use cqrs_es::test::TestFramework;

type Given = TestFramework<SignatureLibrary>;

fn hash(c: char) -> String {
    c.to_string().repeat(64)
}

fn variants() -> Vec<PreparedVariant> {
    ["AS_IS", "GREYSCALE", "BLACK_AND_WHITE", "TRANSPARENT"]
        .iter()
        .enumerate()
        .map(|(i, code)| PreparedVariant {
            code: code.to_string(),
            sha256: ContentHash::parse(&hash(char::from(b'a' + i as u8))).unwrap(),
        })
        .collect()
}

fn prepared() -> Vec<SignatureEvent> {
    vec![
        SignatureEvent::ImageUploaded {
            upload_id: Uuid::from_u128(1),
            sha256: ContentHash::parse(&hash('f')).unwrap(),
        },
        SignatureEvent::VariantsPrepared {
            upload_id: Uuid::from_u128(1),
            rect: CutRect {
                x: 0,
                y: 0,
                width: 10,
                height: 10,
            },
            variants: variants(),
        },
    ]
}

fn activate(variant: &str, make_default: bool) -> SignatureCommand {
    SignatureCommand::Activate {
        upload_id: Uuid::from_u128(1),
        variant: variant.into(),
        name: "Direktore A. Bērziņa".into(),
        kind: SignatureKind::Signature,
        make_default,
    }
}

#[test]
fn the_first_activated_signature_becomes_the_default() {
    let events = Given::with(())
        .given(prepared())
        .when(activate("TRANSPARENT", false))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 2);
    let mut lib = SignatureLibrary::default();
    for e in prepared().into_iter().chain(events) {
        lib.apply(e);
    }
    let default = lib.default_of(SignatureKind::Signature).unwrap();
    assert_eq!(default.sha256.as_str(), hash('d'));
    assert!(lib.default_of(SignatureKind::Stamp).is_none());
}

#[test]
fn activation_needs_the_rectangle_and_a_known_variant() {
    let err = Given::with(())
        .given(prepared()[..1].to_vec())
        .when(activate("AS_IS", true))
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "RECTANGLE_NOT_CHOSEN");
    let err = Given::with(())
        .given(prepared())
        .when(activate("SEPIA", true))
        .inspect_result()
        .unwrap_err();
    assert_eq!(
        (err.reason, err.field.as_deref()),
        ("UNKNOWN_VARIANT", Some("variant"))
    );
    let err = Given::with(())
        .given_no_previous_events()
        .when(activate("AS_IS", true))
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "SIGNATURE_NOT_FOUND");
}

#[test]
fn exactly_four_variants_are_offered() {
    let err = Given::with(())
        .given(prepared()[..1].to_vec())
        .when(SignatureCommand::PrepareVariants {
            upload_id: Uuid::from_u128(1),
            rect: CutRect {
                x: 0,
                y: 0,
                width: 10,
                height: 10,
            },
            variants: variants()[..3].to_vec(),
        })
        .inspect_result()
        .unwrap_err();
    assert_eq!(err.reason, "FOUR_VARIANTS_REQUIRED");
}

#[test]
fn removing_the_default_leaves_none() {
    let mut events = prepared();
    events.extend(
        Given::with(())
            .given(prepared())
            .when(activate("AS_IS", true))
            .inspect_result()
            .unwrap(),
    );
    let mut lib = SignatureLibrary::default();
    for e in events.clone() {
        lib.apply(e);
    }
    let removal = lib
        .decide(SignatureCommand::Remove {
            signature_id: Uuid::from_u128(1),
        })
        .unwrap();
    for e in removal {
        lib.apply(e);
    }
    assert!(lib.default_of(SignatureKind::Signature).is_none());
    assert!(lib.signatures().is_empty());
}

fn library_with_one() -> SignatureLibrary {
    let mut lib = SignatureLibrary::default();
    let events = Given::with(())
        .given(prepared())
        .when(activate("AS_IS", false))
        .inspect_result()
        .unwrap();
    for e in prepared().into_iter().chain(events) {
        lib.apply(e);
    }
    lib
}

#[test]
fn a_signature_is_renamed_and_an_unknown_one_is_not_found() {
    let mut lib = library_with_one();
    let events = lib
        .decide(SignatureCommand::Rename {
            signature_id: Uuid::from_u128(1),
            name: "Rektore".into(),
        })
        .unwrap();
    assert_eq!(events.len(), 1);
    for e in events {
        lib.apply(e);
    }
    assert_eq!(lib.signatures()[0].name.to_string(), "Rektore");
    // The same name again changes nothing.
    let again = lib.decide(SignatureCommand::Rename {
        signature_id: Uuid::from_u128(1),
        name: "Rektore".into(),
    });
    assert_eq!(again.unwrap(), vec![]);
    let err = lib
        .decide(SignatureCommand::Rename {
            signature_id: Uuid::from_u128(1),
            name: "  ".into(),
        })
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("name"));
    let err = lib
        .decide(SignatureCommand::Rename {
            signature_id: Uuid::from_u128(9),
            name: "X".into(),
        })
        .unwrap_err();
    assert_eq!(err.reason, "SIGNATURE_NOT_FOUND");
}

#[test]
fn making_the_default_the_default_again_writes_nothing() {
    let lib = library_with_one();
    let events = lib
        .decide(SignatureCommand::SetDefault {
            signature_id: Uuid::from_u128(1),
        })
        .unwrap();
    assert_eq!(events, vec![]);
}

#[test]
fn an_upload_is_shown_again_with_its_image_rectangle_and_variants() {
    let mut lib = SignatureLibrary::default();
    let mut events = prepared();
    lib.apply(events.remove(0));
    let upload = lib.upload(Uuid::from_u128(1)).unwrap();
    assert_eq!(upload.original.unwrap().as_str(), hash('f'));
    assert!(upload.rect.is_none() && upload.variants.is_empty());
    lib.apply(events.remove(0));
    let upload = lib.upload(Uuid::from_u128(1)).unwrap();
    assert_eq!(upload.rect.unwrap().width, 10);
    assert_eq!(upload.variants.len(), 4);
    assert!(lib.upload(Uuid::from_u128(2)).is_none());
}
