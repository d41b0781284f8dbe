//! Signatures and stamps (R-SIGN): upload (step 1) and cut-out variants (step 2).
//!
//! Step 3 (choose a variant, name it, signature or stamp, activate) belongs to the domain;
//! since everything here is deterministic, the domain may either keep the bytes offered in
//! step 2 or re-create the chosen one with [`cut_variant`].

use image::DynamicImage;

use crate::decode::{decode_upload, SideRange};
use crate::{AcceptedImage, ImageError, Variant, Variants, MAX_DIMENSION};

/// Smallest accepted side of an uploaded signature or stamp image, in pixels.
pub const SIGNATURE_MIN_DIMENSION: u32 = 20;

/// Smallest accepted side of the chosen rectangle, in pixels.
pub const MIN_RECT_SIDE: u32 = 10;

/// A rectangle of an image, in pixels from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Left edge (0 is the first column).
    pub x: u32,
    /// Top edge (0 is the first row).
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Rect {
    /// A rectangle from its top-left corner and size.
    pub fn new(x: u32, y: u32, width: u32, height: u32) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    /// The whole of an image of this size.
    pub fn full(width: u32, height: u32) -> Rect {
        Rect::new(0, 0, width, height)
    }

    /// Whether the rectangle is at least [`MIN_RECT_SIDE`] on both sides and lies entirely
    /// inside a `width`x`height` image (overflow-safe).
    pub fn fits_in(&self, width: u32, height: u32) -> bool {
        let inside = |start: u32, len: u32, limit: u32| {
            start.checked_add(len).is_some_and(|end| end <= limit)
        };
        self.width >= MIN_RECT_SIDE
            && self.height >= MIN_RECT_SIDE
            && inside(self.x, self.width, width)
            && inside(self.y, self.height, height)
    }
}

/// Step 1: checks an uploaded signature/stamp image and returns it as a metadata-free PNG.
///
/// Same rules as [`crate::accept_photo`] (PNG/JPEG checked by decoding, at most
/// [`crate::MAX_UPLOAD_BYTES`], at most [`crate::MAX_DIMENSION`] per side checked on the
/// header first, EXIF orientation applied, metadata dropped) with a minimum side of
/// [`SIGNATURE_MIN_DIMENSION`], and without downscaling: the rectangle of step 2 is chosen
/// in the coordinates of the returned image.
pub fn accept_signature_upload(bytes: &[u8]) -> Result<AcceptedImage, ImageError> {
    AcceptedImage::encode(&decode_signature(bytes)?)
}

/// Step 2: cuts `rect` out of an image accepted in step 1 and renders the four variants.
///
/// `png` is normally [`AcceptedImage::png`] from [`accept_signature_upload`]; it is checked
/// again by the same rules (any accepted PNG or JPEG works). Each variant has exactly the
/// rectangle's dimensions. Errors: those of step 1, and `RECT_OUT_OF_BOUNDS` when the
/// rectangle is smaller than [`MIN_RECT_SIDE`] or not entirely inside the image.
pub fn cut_variants(png: &[u8], rect: Rect) -> Result<Variants, ImageError> {
    Variants::render(&cut(png, rect)?)
}

/// Renders a single variant; byte-identical to the same variant of [`cut_variants`].
pub fn cut_variant(png: &[u8], rect: Rect, variant: Variant) -> Result<AcceptedImage, ImageError> {
    AcceptedImage::encode(&variant.render(&cut(png, rect)?))
}

fn decode_signature(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    decode_upload(
        bytes,
        SideRange {
            min: SIGNATURE_MIN_DIMENSION,
            max: MAX_DIMENSION,
        },
    )
}

fn cut(png: &[u8], rect: Rect) -> Result<DynamicImage, ImageError> {
    let image = decode_signature(png)?;
    if !rect.fits_in(image.width(), image.height()) {
        return Err(ImageError::RectOutOfBounds {
            rect,
            image_width: image.width(),
            image_height: image.height(),
            min_side: MIN_RECT_SIDE,
        });
    }
    Ok(image.crop_imm(rect.x, rect.y, rect.width, rect.height))
}
