//! The Europass Mobility certificate as PDF (R-PDF, R-LANG, R-SIGN). It depends on no other
//! crate of the workspace: `commands` hands it the certificate's data and records the result.
//!
//! A Typst template (`certificate.typ`, with English and Latvian labels in `labels.json`),
//! embedded in the binary and compiled in-process by the `typst` crate with embedded fonts.
//!
//! ```no_run
//! # fn data() -> pdf_templates::CertificateData { panic!("the caller's data") }
//! let renderer = pdf_templates::Renderer::new(); // once per process
//! let rendered = renderer.render(&data())?;
//! // Record rendered.sha256 and rendered.template_version in the issue event.
//! # Ok::<(), pdf_templates::RenderError>(())
//! ```
//!
//! # How data reaches the template
//!
//! Never as Typst markup. [`CertificateData`] is serialized to JSON and served as the virtual
//! file `/data.json`, which the template loads with `json(..)`; every value is a string to
//! Typst and prints literally (`#panic("x")`, `]`, `$`, `*bold*` are just text). Images go in
//! as bytes behind five fixed virtual paths ([`ImageSlot::virtual_path`]); the template reads
//! nothing else.
//!
//! # Long-running use
//!
//! Every render evicts old entries from Typst's memo cache, runs the compiler under
//! `catch_unwind`, and refuses over-long fields ([`MAX_FIELD_CHARS`]), long lists
//! ([`MAX_LIST_ITEMS`]), oversized images, characters no embedded font can print (PDF/A
//! forbids missing glyphs) and more than [`MAX_PAGES`] pages.

mod data;
mod error;
mod image;
mod limits;
mod qr;
mod renderer;
mod template;
mod world;

pub use data::{
    CefrLevel, CertificateData, DocumentLanguage, Holder, HostOrganisation, LanguageSkill,
    LearningOutcomes, MobilityDescription, MobilityMode, SendingInstitution, Signatory, Signatures,
    Verification,
};
pub use error::RenderError;
pub use image::{Image, ImageFormat, ImageSlot};
pub use limits::{
    DATE_YEARS, MAX_FIELD_CHARS, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MAX_LIST_ITEMS, MAX_PAGES,
};
pub use renderer::{Rendered, Renderer};
pub use template::{TEMPLATE_VERSION, TYPST_VERSION};

/// The English and Latvian labels the template uses, as JSON
/// (`{"en": {key: label}, "lv": {key: label}}`). Exposed so tests elsewhere can check that a
/// certificate never mixes languages.
pub const LABELS_JSON: &str = template::LABELS_JSON;
