//! Compiling a certificate to PDF.

use crate::data::CertificateData;
use crate::error::RenderError;
use crate::image::{self, ImageSlot};
use crate::limits::{self, MAX_PAGES};
use crate::template::TEMPLATE_VERSION;
use crate::world::{Assets, CertificateWorld};
use chrono::Datelike;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::panic::{catch_unwind, AssertUnwindSafe};
use typst::diag::{SourceDiagnostic, Warned};
use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// How many compilations an unused memoized result survives. Typst memoizes layout across
/// compilations; without eviction a long-running process grows by ~2 MB per certificate.
const CACHE_MAX_AGE: usize = 10;

/// Compiles certificates. Create once (loading fonts and parsing the template takes a while)
/// and share, e.g. in an `Arc`: it is `Send + Sync` and `render` takes `&self`.
pub struct Renderer {
    assets: Assets,
    standards: PdfStandards,
}

/// A rendered certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The PDF file (PDF/A-2b).
    pub pdf: Vec<u8>,
    /// SHA-256 of `pdf`, lower-case hex: what the issue event records.
    pub sha256: String,
    /// The number of pages.
    pub pages: usize,
    /// The [`TEMPLATE_VERSION`] that produced it.
    pub template_version: &'static str,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// Loads the embedded fonts and parses the embedded template.
    pub fn new() -> Self {
        Self {
            assets: Assets::new(),
            standards: PdfStandards::new(&[PdfStandard::A_2b])
                .expect("PDF/A-2b alone is a valid set of standards"),
        }
    }

    /// Whether the certificate can print `c` in a text field (some embedded font has a glyph
    /// for it, or it is a line break or tab); [`render`](Self::render) refuses any other
    /// character. Input validation elsewhere is checked against this.
    pub fn can_print(&self, c: char) -> bool {
        self.assets.printable(c)
    }

    /// Every character [`can_print`](Self::can_print) accepts, in ascending order: a table
    /// built elsewhere (input validation) is checked against this.
    pub fn printable_characters(&self) -> Vec<char> {
        self.assets.printable_characters()
    }

    /// Renders one certificate.
    ///
    /// The same `data` with the same [`TEMPLATE_VERSION`] always gives the same bytes: the
    /// PDF's creation date is the issue date, its document id is derived from the Europass
    /// number, and nothing reads the clock. Input errors (too long a field, a bad image, too
    /// many pages) come back as [`RenderError`]s naming the field; a panic inside Typst comes
    /// back as [`RenderError::Panicked`] instead of unwinding into the caller.
    pub fn render(&self, data: &CertificateData) -> Result<Rendered, RenderError> {
        self.with_document(data, |document| self.export(document, data))
    }

    /// The certificate's first page as a PNG, `width_px` pixels wide (a preview on the
    /// document's page before download: the same compile as [`render`](Self::render), so
    /// what it shows is what the PDF prints).
    pub fn first_page_png(
        &self,
        data: &CertificateData,
        width_px: u32,
    ) -> Result<Vec<u8>, RenderError> {
        self.with_document(data, |document| {
            let page = document
                .pages()
                .first()
                .ok_or_else(|| RenderError::Export(vec!["the certificate has no page".into()]))?;
            let width_pt = page.frame.size().x.to_pt().max(1.0);
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(f64::from(width_px) / width_pt),
                render_bleed: false,
            };
            typst_render::render(page, &options)
                .encode_png()
                .map_err(|e| RenderError::Export(vec![e.to_string()]))
        })
    }

    /// Checks the data, compiles the template and hands the document to `then`, inside the
    /// panic guard and the cache eviction every render needs.
    fn with_document<T>(
        &self,
        data: &CertificateData,
        then: impl FnOnce(&PagedDocument) -> Result<T, RenderError>,
    ) -> Result<T, RenderError> {
        limits::check_dates(data)?;
        let json = template_json(data, &|c| self.assets.printable(c))?;
        let images = ImageSlot::ALL.map(|slot| slot.get(data));
        for (slot, image) in ImageSlot::ALL.iter().zip(&images) {
            if let Some(image) = image {
                image::validate(*slot, image)?;
            }
        }
        let images = images.map(|image| image.map(|image| Bytes::new(image.bytes.clone())));
        let qr = match &data.verification {
            Some(verification) => Some(Bytes::new(crate::qr::png(&verification.url)?)),
            None => None,
        };

        let result = catch_unwind(AssertUnwindSafe(|| {
            let world = CertificateWorld::new(&self.assets, json, images, qr, data.issue_date);
            self.compile(&world).and_then(|document| then(&document))
        }));
        // After every render, success or not, so memory stays bounded.
        typst::comemo::evict(CACHE_MAX_AGE);
        result.unwrap_or_else(|payload| {
            // A panic may have left half-built entries behind; drop them all.
            typst::comemo::evict(0);
            Err(RenderError::Panicked(panic_message(payload.as_ref())))
        })
    }

    fn compile(&self, world: &CertificateWorld<'_>) -> Result<PagedDocument, RenderError> {
        // Warnings (e.g. a font lacking a glyph) are not fatal; the tests check the output.
        let Warned { output, .. } = typst::compile::<PagedDocument>(world);
        let document = output.map_err(|errors| RenderError::Compile(messages(errors)))?;
        let pages = document.pages().len();
        if pages > MAX_PAGES {
            return Err(RenderError::TooManyPages {
                pages,
                max: MAX_PAGES,
            });
        }
        Ok(document)
    }

    fn export(
        &self,
        document: &PagedDocument,
        data: &CertificateData,
    ) -> Result<Rendered, RenderError> {
        let pages = document.pages().len();
        let date = data.issue_date;
        let timestamp =
            Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
                .map(Timestamp::new_utc);
        let options = PdfOptions {
            // A stable identifier, so the PDF's /ID does not depend on anything else.
            ident: Smart::Custom(data.europass_number.clone()),
            timestamp,
            standards: self.standards.clone(),
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(document, &options)
            .map_err(|errors| RenderError::Export(messages(errors)))?;
        let sha256 = hex::encode(Sha256::digest(&pdf));
        Ok(Rendered {
            pdf,
            sha256,
            pages,
            template_version: TEMPLATE_VERSION,
        })
    }
}

/// The JSON the template reads from `/data.json`: the data without image bytes (the template
/// sees `{ "format": "png" }` or `null` and reads the bytes from the image's fixed path), plus
/// the derived `try_out` flag. Checked against the field caps and the fonts.
fn template_json(
    data: &CertificateData,
    printable: &dyn Fn(char) -> bool,
) -> Result<Vec<u8>, RenderError> {
    let serialize_failed = |error: serde_json::Error| {
        RenderError::Compile(vec![format!("serializing the data: {error}")])
    };
    let mut value = serde_json::to_value(data).map_err(serialize_failed)?;
    for slot in ImageSlot::ALL {
        if let Some(image) = value
            .pointer_mut(slot.json_pointer())
            .and_then(Value::as_object_mut)
        {
            image.remove("bytes");
        }
    }
    limits::check(&value, printable)?;
    if let Value::Object(root) = &mut value {
        root.insert("try_out".into(), Value::Bool(data.is_try_out()));
    }
    serde_json::to_vec(&value).map_err(serialize_failed)
}

fn messages(diagnostics: EcoVec<SourceDiagnostic>) -> Vec<String> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let mut message = diagnostic.message.to_string();
            for hint in &diagnostic.hints {
                message.push_str(" (hint: ");
                message.push_str(&hint.v);
                message.push(')');
            }
            message
        })
        .collect()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderer_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Renderer>();
    }
}
