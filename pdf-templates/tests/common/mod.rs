//! Shared fixtures for the tests and the sample example: full certificates in both languages,
//! a minimal PNG encoder, and text extraction with poppler's `pdftotext`.

#![allow(dead_code)] // Each test binary uses a different subset.

use chrono::NaiveDate;
use pdf_templates::{
    CefrLevel, CertificateData, DocumentLanguage, Holder, HostOrganisation, Image, ImageFormat,
    LanguageSkill, LearningOutcomes, MobilityDescription, MobilityMode, SendingInstitution,
    Signatory, Signatures, Verification,
};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const NUMBER: &str = "LV/2026/000123-2";
pub const SURNAME: &str = "Bērziņš";
pub const FIRST_NAMES: &str = "Ādams Čaks Ģirts Ķēniņš Ļ Ņ Š Ū Ž";
/// The holder's whole name as the brief gives it; printed as the sending signatory's name so
/// that it appears in one piece.
pub const FULL_NAME: &str = "Bērziņš Ādams Čaks Ģirts Ķēniņš Ļ Ņ Š Ū Ž";
pub const ALL_LATVIAN_LETTERS: &str = "ā č ē ģ ī ķ ļ ņ š ū ž Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn languages() -> Vec<LanguageSkill> {
    vec![
        LanguageSkill {
            language: "English".into(),
            listening: Some(CefrLevel::B2),
            reading: Some(CefrLevel::C1),
            spoken_interaction: Some(CefrLevel::B2),
            spoken_production: Some(CefrLevel::B1),
            writing: Some(CefrLevel::B2),
        },
        LanguageSkill {
            language: "German".into(),
            listening: Some(CefrLevel::A2),
            reading: Some(CefrLevel::A2),
            spoken_interaction: Some(CefrLevel::A1),
            spoken_production: None,
            writing: Some(CefrLevel::A1),
        },
    ]
}

/// A complete English certificate (no images).
pub fn english() -> CertificateData {
    CertificateData {
        language: DocumentLanguage::En,
        europass_number: NUMBER.into(),
        issue_date: day(2026, 5, 15),
        issuing_organisation: "Academic Information Centre – NEC Latvia".into(),
        holder: Holder {
            surname: SURNAME.into(),
            first_names: FIRST_NAMES.into(),
            date_of_birth: Some(day(2005, 7, 3)),
            nationality: some("Latvian"),
            address: some("Dzirnavu street 12-4\nRiga, LV-1010\nLatvia"),
            email: some("adams.berzins@example.lv"),
            photo: None,
        },
        sending: SendingInstitution {
            name: "Riga State Technical School".into(),
            address: some("Nīcgales street 26, Riga, LV-1035"),
            country: "Latvia".into(),
            contact_person: some("Inese Kalniņa"),
            phone: some("+371 67 000 000"),
            email: some("international@rvt.example.lv"),
            website: some("https://rvt.example.lv"),
            organisation_type: some("Vocational education institution"),
            contact_position: some("Project coordinator"),
        },
        host: HostOrganisation {
            name: "Berufskolleg Technik Köln".into(),
            organisation_type: some("Vocational school"),
            address: some("Musterstraße 5, 50667 Köln"),
            country: "Germany".into(),
            mentor_first_name: "Jürgen".into(),
            mentor_last_name: "Schmidt".into(),
            mentor_position: some("Head of the electrical workshop"),
            phone: some("+49 221 000000"),
            email: some("j.schmidt@bk-technik.example.de"),
        },
        mobility: MobilityDescription {
            objective: "To gain practical experience in the installation of building automation systems.".into(),
            programme: some("Erasmus+ KA121-VET, project 2025-1-LV01-KA121-VET-000123456"),
            qualification: some("Electrician (EQF level 4)"),
            project_number: some("2025-1-LV01-KA121-VET-000123456"),
            project_description: None,
            mode: Some(MobilityMode::Physical),
            purpose: some("Work-based learning in a host company"),
            start_date: day(2026, 3, 2),
            end_date: day(2026, 4, 24),
            country: "Germany".into(),
        },
        outcomes: LearningOutcomes {
            activities: "Installed and tested lighting and sensor circuits in a training workshop.\n\
                         Read wiring diagrams and documented measurements.\n\n\
                         Took part in the maintenance of the school's photovoltaic system."
                .into(),
            job_related_skills: some("Installing KNX building automation components; measuring insulation resistance; applying safety rules for work on electrical installations."),
            languages: languages(),
            digital_skills: some("Configured devices with ETS6; wrote short reports in a spreadsheet."),
            organisational_skills: some("Planned own daily tasks with the mentor."),
            communication_skills: some("Worked in an international team of six."),
            other_skills: None,
        },
        signatures: Signatures {
            sending: Signatory {
                name: some("Inese Kalniņa"),
                position: some("Director"),
                date: Some(day(2026, 5, 15)),
                signature: None,
                stamp: None,
            },
            host: Signatory {
                name: some("Jürgen Schmidt"),
                position: some("Mentor"),
                date: None,
                signature: None,
                stamp: None,
            },
        },
        verification: Some(Verification {
            url: "https://europass.example/verify/LV-2026-000123-2?code=7KQ2MX9D4T".into(),
            code: "7KQ2M-X9D4T".into(),
        }),
    }
}

/// A complete Latvian certificate (no images).
pub fn latvian() -> CertificateData {
    let mut data = english();
    data.language = DocumentLanguage::Lv;
    data.issuing_organisation = "Akadēmiskās informācijas centrs – Latvijas NEC".into();
    data.holder.nationality = some("latvietis");
    data.holder.address = some("Dzirnavu iela 12-4\nRīga, LV-1010");
    data.sending.name = "Rīgas Valsts tehnikums".into();
    data.sending.address = some("Nīcgales iela 26, Rīga, LV-1035");
    data.sending.country = "Latvija".into();
    data.sending.organisation_type = some("Profesionālās izglītības iestāde");
    data.sending.contact_position = some("Projektu koordinatore");
    data.host.organisation_type = some("Profesionālā skola");
    data.host.country = "Vācija".into();
    data.host.mentor_position = some("Elektrodarbnīcas vadītājs");
    data.mobility = MobilityDescription {
        objective: "Iegūt praktisku pieredzi ēku automatizācijas sistēmu uzstādīšanā.".into(),
        programme: some("Erasmus+ KA121-VET"),
        qualification: some("Elektriķis (EKI 4. līmenis)"),
        project_number: None,
        project_description: None,
        mode: Some(MobilityMode::Blended),
        purpose: some("Darba vidē balstītas mācības"),
        start_date: day(2026, 3, 2),
        end_date: day(2026, 4, 24),
        country: "Vācija".into(),
    };
    data.outcomes = LearningOutcomes {
        activities: format!(
            "Uzstādīja un pārbaudīja apgaismojuma un sensoru ķēdes mācību darbnīcā.\n\
             {ALL_LATVIAN_LETTERS}"
        ),
        job_related_skills: some("KNX komponentu uzstādīšana; izolācijas pretestības mērīšana."),
        languages: vec![LanguageSkill {
            language: "Vācu".into(),
            ..languages().remove(1)
        }],
        digital_skills: some("Iekārtu konfigurēšana ar ETS6."),
        organisational_skills: some("Savu darba uzdevumu plānošana kopā ar mentoru."),
        communication_skills: some("Darbs starptautiskā komandā."),
        other_skills: some("Šoferēšana, ūdenslīdēšana, ģitāras spēle."),
    };
    data.signatures.sending.position = some("Direktore");
    data.signatures.host.position = some("Mentors");
    data
}

/// A certificate whose learning outcomes fill at least two pages.
pub fn two_pages(mut data: CertificateData) -> CertificateData {
    let long = "Carried out measurements, documented results and discussed them with the mentor. "
        .repeat(20);
    data.outcomes.activities = long.clone();
    data.outcomes.job_related_skills = Some(long.clone());
    data.outcomes.other_skills = Some(long);
    data.outcomes.digital_skills = None;
    data
}

// ---------------------------------------------------------------------------------------------
// A minimal PNG encoder: RGBA, 8 bits, no filtering, zlib with stored (uncompressed) blocks.

/// A `width`×`height` PNG filled by `pixel(x, y) -> [r, g, b, a]`.
pub fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter type: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8 bit, RGBA, deflate, no filter, no interlace
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A small test photo: a blue square with a lighter circle.
pub fn photo_png() -> Image {
    Image::new(
        ImageFormat::Png,
        png(30, 38, |x, y| {
            let (dx, dy) = (x as i32 - 15, y as i32 - 14);
            if dx * dx + dy * dy < 64 {
                [230, 200, 170, 255]
            } else {
                [40, 70, 140, 255]
            }
        }),
    )
}

/// A small test signature: a dark diagonal stroke on a transparent background.
pub fn signature_png() -> Image {
    Image::new(
        ImageFormat::Png,
        png(60, 20, |x, y| {
            if (x / 3).abs_diff(y) <= 1 {
                [10, 20, 90, 255]
            } else {
                [255, 255, 255, 0]
            }
        }),
    )
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------------------------
// Text extraction

/// Writes `pdf` to a fresh temporary file.
pub fn temp_pdf(pdf: &[u8]) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let path =
        std::env::temp_dir().join(format!("pdf-templates-test-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// The text of the whole PDF, or of one page, via poppler's `pdftotext`; `None` (after saying
/// so on stderr) only when `pdftotext` is not installed.
pub fn pdf_text(pdf: &[u8], page: Option<usize>) -> String {
    let path = temp_pdf(pdf);
    let mut command = Command::new("pdftotext");
    command.args(["-enc", "UTF-8"]);
    if let Some(page) = page {
        let page = page.to_string();
        command.args(["-f", &page, "-l", &page]);
    }
    command.arg(&path).arg("-");
    let output = match command.output() {
        Ok(output) => output,
        // A missing tool fails the test: .ci/run installs poppler-utils.
        Err(error) => panic!("running pdftotext (apt-get install -y poppler-utils): {error}"),
    };
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("pdftotext gives UTF-8")
}

/// Text with every run of whitespace (line breaks included) collapsed to one space, so a
/// value wrapped over two lines still matches.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
