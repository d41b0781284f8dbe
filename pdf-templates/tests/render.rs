//! End-to-end tests: render certificates and read the PDF's text back with `pdftotext`.

mod common;

use common::*;
use pdf_templates::{
    CertificateData, Image, ImageFormat, RenderError, Rendered, Renderer, LABELS_JSON,
    MAX_FIELD_CHARS, MAX_PAGES, TEMPLATE_VERSION,
};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// One renderer for all tests, as a server would have.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

fn render(data: &CertificateData) -> Rendered {
    renderer()
        .render(data)
        .unwrap_or_else(|error| panic!("render failed: {error}"))
}

fn labels(lang: &str) -> Vec<String> {
    let labels: serde_json::Value = serde_json::from_str(LABELS_JSON).unwrap();
    labels[lang]
        .as_object()
        .unwrap()
        .values()
        .map(|label| label.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn english_certificate_shows_the_data_and_only_english_labels() {
    let rendered = render(&english());
    assert!(rendered.pdf.starts_with(b"%PDF-"));
    assert_eq!(rendered.template_version, TEMPLATE_VERSION);
    let text = pdf_text(&rendered.pdf, None);
    let flat = normalize(&text);

    assert!(text.contains(SURNAME), "surname missing:\n{text}");
    assert!(text.contains(FIRST_NAMES), "first names missing:\n{text}");
    for expected in [
        "Europass Mobility",
        "Holder of the Europass Mobility document",
        NUMBER,
        "15/05/2026",
        "from 02/03/2026 to 24/04/2026",
        "Academic Information Centre – NEC Latvia",
        "Jürgen Schmidt",
        "Berufskolleg Technik Köln",
        "Spoken interaction",
        "physical",
        // Section 3 prints the sending organisation's type and the contact's position, and
        // the signature rows the signatory's name, position and date (issue 22).
        "Vocational education institution",
        "Contact person's position",
        "Project coordinator",
        "Director",
        "Mentor",
        "Europass number LV/2026/000123-2 · page 1 of",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing:\n{text}");
    }
    assert_no_labels_of_other_language(&flat, "en", "lv");
    // The sending side's signature is dated (the issue date, printed a second time); the
    // host's, without a date, leaves its line to the pen.
    assert_eq!(flat.matches("15/05/2026").count(), 2, "{text}");
}

#[test]
fn latvian_certificate_shows_the_data_and_only_latvian_labels() {
    let rendered = render(&latvian());
    let text = pdf_text(&rendered.pdf, None);
    let flat = normalize(&text);

    assert!(text.contains(SURNAME), "surname missing:\n{text}");
    assert!(text.contains(FIRST_NAMES), "first names missing:\n{text}");
    for expected in [
        "Europass mobilitāte",
        "Europass mobilitātes dokumenta turētājs",
        "Izdevējorganizācija",
        "15.05.2026.",
        "no 02.03.2026. līdz 24.04.2026.",
        "jaukta (klātienes un virtuāla)",
        "Runāšana: dialogs",
        "Šoferēšana, ūdenslīdēšana, ģitāras spēle.",
        "Europass numurs LV/2026/000123-2 · lappuse 1 no",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing:\n{text}");
    }
    // pdftotext drops the spaces between single letters; the letters themselves must all be
    // there, as these exact code points.
    let letters: String = ALL_LATVIAN_LETTERS.split_whitespace().collect();
    assert!(text.contains(&letters), "{letters:?} missing:\n{text}");
    assert_no_labels_of_other_language(&flat, "lv", "en");
}

/// No label of `other` appears in the text, except labels that are the same or contained in
/// one another across the languages (e.g. "Europass", "Mentor" in "Mentors") and very short
/// ones ("no", "of"), which a word of the data could contain.
fn assert_no_labels_of_other_language(flat: &str, own: &str, other: &str) {
    let own = labels(own);
    for label in labels(other) {
        let shared = own
            .iter()
            .any(|mine| mine.contains(label.as_str()) || label.contains(mine.as_str()));
        if shared || label.chars().count() < 4 {
            continue;
        }
        assert!(
            !flat.contains(&label),
            "label {label:?} of {other} leaked:\n{flat}"
        );
    }
}

#[test]
fn holder_name_appears_exactly() {
    let mut data = latvian();
    data.signatures.sending.name = Some(FULL_NAME.into());
    let rendered = render(&data);
    let text = pdf_text(&rendered.pdf, None);
    // The signatory column is narrow, so the name may wrap: compare with whitespace collapsed.
    assert!(
        normalize(&text).contains(FULL_NAME),
        "{FULL_NAME:?} missing:\n{text}"
    );
}

#[test]
fn europass_number_and_page_are_on_every_page() {
    for (data, footer) in [
        (
            two_pages(english()),
            "Europass number LV/2026/000123-2 · page {n} of {m}",
        ),
        (
            two_pages(latvian()),
            "Europass numurs LV/2026/000123-2 · lappuse {n} no {m}",
        ),
    ] {
        let rendered = render(&data);
        assert!(
            rendered.pages >= 2,
            "expected a multi-page certificate, got {}",
            rendered.pages
        );
        for page in 1..=rendered.pages {
            let text = pdf_text(&rendered.pdf, Some(page));
            let expected = footer
                .replace("{n}", &page.to_string())
                .replace("{m}", &rendered.pages.to_string());
            assert!(
                normalize(&text).contains(&expected),
                "page {page}: {expected:?} missing:\n{text}"
            );
        }
    }
}

#[test]
fn hostile_values_print_literally() {
    let hostile = [
        r#"#panic("x")"#,
        "]",
        "$x$",
        r#"#import "evil""#,
        "*bold* _em_ `raw`",
        "<label> @ref // not a comment",
        r#"#{ 1 + 1 } \ [x] #let y = 2"#,
    ];
    let mut data = english();
    data.holder.surname = hostile[0].into();
    data.holder.first_names = hostile[1].into();
    data.holder.nationality = Some(hostile[2].into());
    data.sending.name = hostile[3].into();
    data.host.name = hostile[4].into();
    data.mobility.objective = hostile[5].into();
    data.outcomes.activities = hostile[6].into();
    data.outcomes.languages[0].language = "#panic(\"lang\")".into();
    data.europass_number = "LV/2026/$]#x-1".into();

    let rendered = render(&data);
    let text = pdf_text(&rendered.pdf, None);
    let flat = normalize(&text);
    for value in hostile
        .iter()
        .chain(&["#panic(\"lang\")", "LV/2026/$]#x-1"])
    {
        assert!(flat.contains(value), "{value:?} not literal:\n{text}");
    }
}

#[test]
fn same_data_gives_the_same_bytes() {
    let mut data = latvian();
    data.holder.photo = Some(photo_png());
    data.signatures.host.signature = Some(signature_png());
    let first = render(&data);
    let second = render(&data);
    assert_eq!(first.sha256, second.sha256);
    assert!(first.pdf == second.pdf, "bytes differ");
    assert_eq!(first.sha256.len(), 64);

    // A fresh renderer (as after a restart, or an auditor's re-render) agrees too.
    let fresh = Renderer::new().render(&data).unwrap();
    assert_eq!(fresh.sha256, first.sha256);

    // And the hash is the SHA-256 of the bytes.
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&first.pdf)), first.sha256);

    // Different data, different bytes.
    data.holder.surname.push('x');
    assert_ne!(render(&data).sha256, first.sha256);
}

#[test]
fn concurrent_renders_agree() {
    let renderer = Arc::new(Renderer::new());
    let expected = renderer.render(&english()).unwrap().sha256;
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let renderer = Arc::clone(&renderer);
            std::thread::spawn(move || renderer.render(&english()).unwrap().sha256)
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), expected);
    }
}

#[test]
fn output_is_pdf_a_2b() {
    let rendered = render(&english());
    let pdf = String::from_utf8_lossy(&rendered.pdf);
    // The XMP metadata packet declares the conformance.
    assert!(
        pdf.contains("<pdfaid:part>2</pdfaid:part>") || pdf.contains("pdfaid:part=\"2\""),
        "no PDF/A-2 identification in the XMP metadata"
    );
    assert!(
        pdf.contains("<pdfaid:conformance>B</pdfaid:conformance>")
            || pdf.contains("pdfaid:conformance=\"B\""),
        "no PDF/A conformance level B"
    );
}

#[test]
fn images_render_in_their_boxes() {
    let mut data = english();
    data.holder.photo = Some(photo_png());
    data.signatures.sending.signature = Some(signature_png());
    data.signatures.host.stamp = Some(photo_png());
    let with_images = render(&data);
    let without = render(&english());
    assert!(with_images.pdf.len() > without.pdf.len());
    assert_eq!(with_images.pages, without.pages);

    // poppler lists the embedded images: photo, signature (+ its alpha mask), stamp, and the
    // verification QR code (in both renders).
    let path = temp_pdf(&with_images.pdf);
    match std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
    {
        Ok(output) => {
            let list = String::from_utf8_lossy(&output.stdout);
            // Columns: page, num, type, …; the photo doubles as the host stamp.
            let kinds: Vec<&str> = list
                .lines()
                .skip(2)
                .filter_map(|line| line.split_whitespace().nth(2))
                .collect();
            let images = kinds.iter().filter(|kind| **kind == "image").count();
            assert_eq!(images, 4, "{list}");
            assert!(
                kinds.contains(&"smask"),
                "the signature's transparency is lost:\n{list}"
            );
        }
        // A missing tool fails the test: .ci/run installs poppler-utils.
        Err(error) => panic!("running pdfimages (apt-get install -y poppler-utils): {error}"),
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_images_are_refused_naming_the_field() {
    let mut data = english();
    // A PNG declared as JPEG.
    data.signatures.host.signature = Some(Image::new(ImageFormat::Jpeg, signature_png().bytes));
    match renderer().render(&data) {
        Err(RenderError::InvalidImage { field, .. }) => {
            assert_eq!(field, "signatures.host.signature")
        }
        other => panic!("expected InvalidImage, got {other:?}"),
    }

    // A valid header declaring a huge canvas.
    let mut huge = photo_png();
    huge.bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    data.signatures.host.signature = None;
    data.holder.photo = Some(huge);
    match renderer().render(&data) {
        Err(
            error @ RenderError::InvalidImage {
                field: "holder.photo",
                ..
            },
        ) => {
            assert!(error.is_input_error())
        }
        other => panic!("expected InvalidImage, got {other:?}"),
    }

    // A PNG signature with a broken body: Typst fails to decode it, which is an error, not a
    // panic and not a PDF.
    let mut broken = photo_png();
    let len = broken.bytes.len();
    broken.bytes.truncate(len - 30);
    data.holder.photo = Some(broken);
    assert!(matches!(
        renderer().render(&data),
        Err(RenderError::Compile(_))
    ));
}

#[test]
fn over_long_field_is_refused() {
    let mut data = english();
    data.outcomes.activities = "ā".repeat(MAX_FIELD_CHARS + 1);
    match renderer().render(&data) {
        Err(error @ RenderError::FieldTooLong { .. }) => {
            assert!(error.is_input_error());
            assert!(error.to_string().contains("outcomes.activities"), "{error}");
        }
        other => panic!("expected FieldTooLong, got {other:?}"),
    }
    // Exactly at the limit is fine.
    data.outcomes.activities = "ā ".repeat(MAX_FIELD_CHARS / 2);
    render(&data);
}

#[test]
fn too_many_pages_are_refused() {
    // Each field is within its cap, but thousands of line breaks make dozens of pages.
    let mut data = english();
    let lines = "x\n".repeat(MAX_FIELD_CHARS / 2);
    data.outcomes.activities = lines.clone();
    data.outcomes.other_skills = Some(lines);
    let started = Instant::now();
    match renderer().render(&data) {
        Err(RenderError::TooManyPages { pages, max }) => {
            assert!(pages > max);
            assert_eq!(max, MAX_PAGES);
        }
        other => panic!("expected TooManyPages, got {other:?}"),
    }
    eprintln!(
        "refusing a certificate of {} short lines took {:?}",
        MAX_FIELD_CHARS,
        started.elapsed()
    );
}

#[test]
fn try_out_certificates_carry_a_watermark() {
    let mut data = english();
    data.europass_number = "TRY/2026/000001-7".into();
    let text = pdf_text(&render(&data).pdf, None);
    assert!(normalize(&text).contains("TRY OUT — NOT VALID"), "{text}");

    let text = pdf_text(&render(&english()).pdf, None);
    assert!(!text.contains("TRY OUT"), "{text}");
}

#[test]
fn optional_fields_may_be_absent() {
    let mut data = english();
    data.holder.date_of_birth = None;
    data.holder.address = None;
    data.sending.website = Some(String::new());
    data.outcomes = Default::default();
    data.outcomes.activities = "Job shadowing.".into();
    data.signatures = Default::default();
    let rendered = render(&data);
    let text = pdf_text(&rendered.pdf, None);
    assert!(!text.contains("Date of birth"), "{text}");
    assert!(!text.contains("Website"), "{text}");
    assert!(!text.contains("Spoken interaction"), "{text}");
    // The empty signature and stamp boxes are still there, on both sides, for signing on paper.
    assert_eq!(text.matches("Signature").count(), 3, "{text}"); // + the section title
    assert_eq!(text.matches("Stamp").count(), 2, "{text}");
}

#[test]
fn data_round_trips_through_json() {
    let mut data = latvian();
    data.holder.photo = Some(photo_png());
    let json = serde_json::to_string(&data).unwrap();
    let back: CertificateData = serde_json::from_str(&json).unwrap();
    assert_eq!(back, data);
    // The language defaults to English.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value.as_object_mut().unwrap().remove("language");
    let back: CertificateData = serde_json::from_value(value).unwrap();
    assert_eq!(back.language, pdf_templates::DocumentLanguage::En);
}

#[test]
fn warm_render_time() {
    let data = two_pages(latvian());
    render(&data); // warm up
    let runs = 10;
    let started = Instant::now();
    for i in 0..runs {
        let mut data = data.clone();
        // Distinct data each time, as in production.
        data.holder.surname = format!("{SURNAME} {i}");
        render(&data);
    }
    let per = started.elapsed() / runs;
    eprintln!("warm render of a two-page certificate: {per:?} per certificate");
}

#[test]
fn scripts_beyond_latin_render_and_unprintable_characters_are_refused() {
    let mut data = english();
    data.host.name = "Професионална гимназия „Христо Ботев“".into(); // Cyrillic (Bulgaria)
    data.host.address = Some("Οδός Αθηνάς 5, Αθήνα".into()); // Greek
    data.outcomes.activities = "Ølstykke, Łódź, Şişli, Ærøskøbing, Győr.\tTabbed.".into();
    let rendered = render(&data);
    let text = pdf_text(&rendered.pdf, None);
    let flat = normalize(&text);
    for expected in [
        "Професионална гимназия",
        "Οδός Αθηνάς 5, Αθήνα",
        "Ølstykke, Łódź, Şişli",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing:\n{text}");
    }

    // No embedded font has Chinese or emoji; PDF/A forbids missing glyphs.
    for (value, character) in [
        ("王 Wang", '王'),
        ("Smile 😀", '😀'),
        ("bell \u{7}", '\u{7}'),
    ] {
        let mut data = english();
        data.holder.nationality = Some(value.into());
        match renderer().render(&data) {
            Err(RenderError::UnsupportedCharacter {
                field,
                character: found,
            }) => {
                assert_eq!(field, "holder.nationality");
                assert_eq!(found, character);
            }
            other => panic!("expected UnsupportedCharacter for {value:?}, got {other:?}"),
        }
    }
}

#[test]
fn dates_outside_four_digit_years_are_refused() {
    let mut data = english();
    data.holder.date_of_birth = chrono::NaiveDate::from_ymd_opt(-5, 1, 1);
    match renderer().render(&data) {
        Err(
            error @ RenderError::InvalidDate {
                field: "holder.date_of_birth",
                ..
            },
        ) => {
            assert!(error.is_input_error())
        }
        other => panic!("expected InvalidDate, got {other:?}"),
    }
    data.holder.date_of_birth = None;
    data.issue_date = chrono::NaiveDate::MAX;
    assert!(matches!(
        renderer().render(&data),
        Err(RenderError::InvalidDate {
            field: "issue_date",
            ..
        })
    ));
}

#[test]
fn the_first_page_is_previewed_as_a_png_of_the_asked_width() {
    let png = renderer().first_page_png(&english(), 600).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // IHDR: width and height, big-endian, after the signature and the chunk's header.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!(width, 600);
    // A4 portrait: 297/210 as tall as wide.
    assert!((845..=852).contains(&height), "{height}");
    // The same checks as the PDF: bad data are refused the same way.
    let mut bad = english();
    bad.holder.nationality = Some("bell \u{7}".into());
    assert!(renderer().first_page_png(&bad, 600).is_err());
}
