//! Why a certificate could not be rendered.

use thiserror::Error;

/// Why [`Renderer::render`](crate::Renderer::render) gave no PDF.
///
/// The first four variants are the caller's data (refuse the request, naming the field); the
/// others are faults of the template or of Typst (log them; the same data will fail again).
#[derive(Debug, Error)]
pub enum RenderError {
    /// A text field is longer than [`MAX_FIELD_CHARS`](crate::MAX_FIELD_CHARS).
    #[error("field {field} is {length} characters long, at most {max} allowed")]
    FieldTooLong {
        /// Dotted path of the field, e.g. `outcomes.activities`.
        field: String,
        length: usize,
        max: usize,
    },
    /// A text field has a character that no embedded font can show (e.g. Chinese, emoji) or a
    /// control character; PDF/A forbids printing a missing glyph.
    #[error("field {field} contains {character:?} (U+{:04X}), which the certificate cannot print", u32::from(*.character))]
    UnsupportedCharacter { field: String, character: char },
    /// A date's year is outside [`DATE_YEARS`](crate::DATE_YEARS).
    #[error("field {field} has the date {date}, which the certificate cannot print")]
    InvalidDate {
        field: &'static str,
        date: chrono::NaiveDate,
    },
    /// A list has more than [`MAX_LIST_ITEMS`](crate::MAX_LIST_ITEMS) entries.
    #[error("field {field} has {count} entries, at most {max} allowed")]
    TooManyItems {
        field: String,
        count: usize,
        max: usize,
    },
    /// An image is too large, not of its declared format, or unreadable.
    #[error("image {field} is not usable: {reason}")]
    InvalidImage {
        /// Dotted path of the image, e.g. `holder.photo`.
        field: &'static str,
        reason: String,
    },
    /// The certificate would have more than [`MAX_PAGES`](crate::MAX_PAGES) pages.
    #[error("the certificate would have {pages} pages, at most {max} allowed")]
    TooManyPages { pages: usize, max: usize },
    /// Typst reported errors while compiling the template with this data.
    #[error("the certificate template failed: {}", .0.join("; "))]
    Compile(Vec<String>),
    /// Typst could not export the laid-out document as PDF (e.g. a PDF/A violation).
    #[error("the PDF export failed: {}", .0.join("; "))]
    Export(Vec<String>),
    /// Typst panicked. Contained so that one certificate cannot take the server down.
    #[error("the PDF compiler panicked: {0}")]
    Panicked(String),
}

impl RenderError {
    /// Whether the caller's data caused this (so the answer should name the field), as opposed
    /// to a fault of the template or compiler.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            Self::FieldTooLong { .. }
                | Self::UnsupportedCharacter { .. }
                | Self::InvalidDate { .. }
                | Self::TooManyItems { .. }
                | Self::InvalidImage { .. }
                | Self::TooManyPages { .. }
        )
    }
}
