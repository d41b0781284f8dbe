//! The result of every operation: a fresh, metadata-free PNG with its content hash.

use std::fmt;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageEncoder};
use sha2::{Digest, Sha256};

use crate::ImageError;

/// A PNG produced by this crate, ready to be stored (outside the events) under its hash.
///
/// The PNG holds only `IHDR`, `IDAT` and `IEND` chunks, 8 bits per channel, grey or RGB,
/// with or without alpha. `sha256` is the lowercase hex SHA-256 of exactly `png`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AcceptedImage {
    /// The PNG file bytes.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Lowercase hex SHA-256 of `png` (64 characters).
    pub sha256: String,
}

impl AcceptedImage {
    /// Encodes 8-bit pixels as PNG (fixed settings, so the output is deterministic).
    pub(crate) fn encode(image: &DynamicImage) -> Result<AcceptedImage, ImageError> {
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Default, FilterType::Adaptive)
            .write_image(
                image.as_bytes(),
                image.width(),
                image.height(),
                image.color().into(),
            )
            .map_err(|e| ImageError::corrupt(format!("re-encoding as PNG failed: {e}")))?;
        let sha256 = hex::encode(Sha256::digest(&png));
        Ok(AcceptedImage {
            png,
            width: image.width(),
            height: image.height(),
            sha256,
        })
    }
}

/// Shows the size of the PNG instead of its bytes.
impl fmt::Debug for AcceptedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptedImage")
            .field("png", &format_args!("<{} bytes>", self.png.len()))
            .field("width", &self.width)
            .field("height", &self.height)
            .field("sha256", &self.sha256)
            .finish()
    }
}
