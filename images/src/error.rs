//! The one error type of the crate, with stable machine-readable codes.

use crate::signature::Rect;

/// Why an image (or a rectangle of it) was refused.
///
/// [`ImageError::code`] is stable and meant for APIs (GraphQL error extensions, tests);
/// `Display` is an English sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// The bytes do not start like any image file (empty input included).
    #[error("the file is not an image; upload a PNG or JPEG file")]
    NotAnImage,

    /// The bytes are an image, but in a format other than PNG or JPEG (or a JPEG/PNG variant
    /// the decoder does not support).
    #[error("{format} is not accepted; upload a PNG or JPEG file")]
    UnsupportedFormat {
        /// Short name of the detected format, e.g. `"GIF"`.
        format: &'static str,
    },

    /// The upload is larger than [`crate::MAX_UPLOAD_BYTES`].
    #[error("the file is {size} bytes; at most {max} bytes are accepted")]
    TooLarge {
        /// Size of the upload in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },

    /// Width or height (as declared by the image header) is outside the accepted range.
    #[error(
        "the image is {width}x{height} pixels; both sides must be between {min} and {max} pixels"
    )]
    DimensionsOutOfRange {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// Smallest accepted side.
        min: u32,
        /// Largest accepted side.
        max: u32,
    },

    /// The file starts like a PNG/JPEG but cannot be decoded (truncated, damaged, garbage).
    #[error("the image file is damaged or incomplete and cannot be read ({detail})")]
    CorruptImage {
        /// The decoder's technical explanation.
        detail: String,
    },

    /// The chosen rectangle does not lie inside the image or is too small.
    #[error(
        "the rectangle {}x{} at ({}, {}) must lie inside the {image_width}x{image_height} image \
         and be at least {min_side}x{min_side} pixels",
        rect.width, rect.height, rect.x, rect.y
    )]
    RectOutOfBounds {
        /// The refused rectangle.
        rect: Rect,
        /// Width of the image it was applied to.
        image_width: u32,
        /// Height of the image it was applied to.
        image_height: u32,
        /// Smallest accepted rectangle side ([`crate::MIN_RECT_SIDE`]).
        min_side: u32,
    },
}

impl ImageError {
    /// Stable machine-readable code: `NOT_AN_IMAGE`, `UNSUPPORTED_FORMAT`, `TOO_LARGE`,
    /// `DIMENSIONS_OUT_OF_RANGE`, `CORRUPT_IMAGE` or `RECT_OUT_OF_BOUNDS`.
    pub fn code(&self) -> &'static str {
        match self {
            ImageError::NotAnImage => "NOT_AN_IMAGE",
            ImageError::UnsupportedFormat { .. } => "UNSUPPORTED_FORMAT",
            ImageError::TooLarge { .. } => "TOO_LARGE",
            ImageError::DimensionsOutOfRange { .. } => "DIMENSIONS_OUT_OF_RANGE",
            ImageError::CorruptImage { .. } => "CORRUPT_IMAGE",
            ImageError::RectOutOfBounds { .. } => "RECT_OUT_OF_BOUNDS",
        }
    }

    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        ImageError::CorruptImage {
            detail: detail.to_string(),
        }
    }
}
