//! Issue 18, class 7: text a certificate cannot print (a bidi override, other invisible format
//! characters, emoji, scripts no embedded font covers) was accepted by the free-text fields and
//! then refused at download, naming a template path. It is refused at input, naming the API
//! field, and nothing changes; what the fonts print is still accepted.

use europass_tests::spawn_app;
use serde_json::json;

/// One of each kind the certificate cannot print.
const UNPRINTABLE: &[(&str, &str)] = &[
    ("right-to-left override", "Jānis \u{202e}sināJ"),
    ("left-to-right isolate", "\u{2066}Rīga\u{2069}"),
    ("zero-width space", "Rī\u{200b}ga"),
    ("byte order mark", "\u{feff}Rīga"),
    ("soft hyphen", "Metinā\u{ad}šana"),
    ("line separator", "Rīga\u{2028}Liepāja"),
    ("private use", "Rīga \u{e000}"),
    ("emoji", "Rīga 😀"),
    ("emoji with variation selector", "Rīga \u{2764}\u{fe0f}"),
    ("script without a font", "王 Wang"),
    ("tab", "Rīga\tLiepāja"),
];

#[tokio::test]
async fn unprintable_text_is_refused_in_every_kind_of_free_text_field_and_changes_nothing() {
    let app = spawn_app().await;
    let (session, _, docs) = app.approved_mobility("info@skola.lv", 1).await;
    let doc = &docs[0];
    // (section save, input field, the field the refusal names)
    let fields = [
        ("savePersonalData", "surname", "personalData.surname"),
        ("savePersonalData", "firstName", "personalData.firstName"),
        ("savePersonalData", "address", "personalData.address"),
        ("saveHostOrganisation", "name", "hostOrganisation.name"),
        (
            "saveHostOrganisation",
            "address",
            "hostOrganisation.address",
        ),
        (
            "saveHostOrganisation",
            "mentorLastName",
            "hostOrganisation.mentorLastName",
        ),
        (
            "saveHostOrganisation",
            "position",
            "hostOrganisation.position",
        ),
        ("saveProject", "objective", "project.objective"),
        ("saveProject", "qualification", "project.qualification"),
        (
            "saveLearningOutcomes",
            "activities",
            "learningOutcomes.activities",
        ),
        (
            "saveLearningOutcomes",
            "digitalSkills",
            "learningOutcomes.digitalSkills",
        ),
    ];
    let before = app.event_count().await;
    for (mutation, input_field, api_field) in fields {
        for (kind, text) in UNPRINTABLE {
            let refused = app
                .save_section(&session, mutation, doc, json!({ input_field: text }))
                .await;
            assert_eq!(
                refused.code(),
                "VALIDATION",
                "{kind} in {api_field}: {}",
                refused.body
            );
            assert_eq!(refused.field(), api_field, "{kind}: {}", refused.body);
            assert_eq!(
                refused.reason(),
                "INVALID_CHARACTERS",
                "{kind}: {}",
                refused.body
            );
        }
    }
    // The institution's own base data too.
    for (kind, text) in UNPRINTABLE {
        let refused = app
            .gql_as(
                &session,
                "mutation($input: BaseDataInput!) { updateBaseData(input: $input) { address } }",
                json!({"input": {"contactPerson": text}}),
            )
            .await;
        assert_eq!(refused.code(), "VALIDATION", "{kind}: {}", refused.body);
        assert_eq!(refused.field(), "contactPerson", "{kind}: {}", refused.body);
    }
    assert_eq!(app.event_count().await, before, "nothing was written");

    // What the fonts print is accepted: Latvian, other Latin, Greek, Cyrillic, line breaks,
    // typographic punctuation.
    for (mutation, input) in [
        (
            "savePersonalData",
            json!({"surname": "Ģirts-Ščerbakovs", "address": "Brīvības iela 1\nRīga"}),
        ),
        (
            "saveHostOrganisation",
            json!({"name": "Професионална гимназия „Христо Ботев“", "address": "Οδός Αθηνάς 5, Αθήνα"}),
        ),
        (
            "saveLearningOutcomes",
            json!({"activities": "Ølstykke, Łódź, Şişli, Győr — «ok» … 10 € ½"}),
        ),
    ] {
        app.save_section(&session, mutation, doc, input)
            .await
            .data();
    }
}

/// The domain's table of what the certificate's fonts cover (`domain::values::fonts_cover`)
/// is the fonts' own coverage, character by character. When the fonts change, this fails and
/// writes the new table to `target/font_coverage.rs` to be copied over
/// `domain/src/values/font_coverage.rs`'s constant.
#[test]
fn the_domain_font_table_matches_the_certificate_fonts() {
    let renderer = pdf_templates::Renderer::new();
    let fonts: Vec<char> = renderer
        .printable_characters()
        .into_iter()
        .filter(|c| !c.is_control())
        .collect();
    let domain: Vec<char> = (0..=0x10_FFFF_u32)
        .filter_map(char::from_u32)
        .filter(|&c| domain::values::fonts_cover(c))
        .collect();
    if fonts == domain {
        // And what the domain accepts, the renderer prints.
        assert!(domain
            .iter()
            .filter(|&&c| domain::values::printable(c))
            .all(|&c| renderer.can_print(c)));
        return;
    }
    let mut ranges: Vec<(u32, u32)> = vec![];
    for c in fonts.iter().map(|&c| u32::from(c)) {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == c => *last = c,
            _ => ranges.push((c, c)),
        }
    }
    let mut table = String::from("pub(super) const FONT_COVERAGE: &[(u32, u32)] = &[\n");
    for chunk in ranges.chunks(4) {
        let line: Vec<String> = chunk
            .iter()
            .map(|(a, b)| format!("(0x{a:04X}, 0x{b:04X})"))
            .collect();
        table.push_str(&format!("    {},\n", line.join(", ")));
    }
    table.push_str("];\n");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/font_coverage.rs");
    std::fs::write(path, &table).expect("table written");
    panic!(
        "domain/src/values/font_coverage.rs no longer matches the fonts ({} ranges): the new \
         table is in {path}",
        ranges.len()
    );
}
