//! The holder's photo (R-PERSONAL).

use image::imageops::FilterType;

use crate::decode::{decode_upload, SideRange};
use crate::{AcceptedImage, ImageError, MAX_DIMENSION};

/// Smallest accepted photo side, in pixels.
pub const PHOTO_MIN_DIMENSION: u32 = 50;
/// Width of the box the stored photo is fitted into (aspect ratio kept).
pub const PHOTO_FIT_WIDTH: u32 = 1200;
/// Height of the box the stored photo is fitted into (aspect ratio kept).
pub const PHOTO_FIT_HEIGHT: u32 = 1600;

/// Checks an uploaded photo and returns the PNG to store.
///
/// Applies the crate's acceptance rules (PNG/JPEG by magic bytes and decoding, at most
/// [`crate::MAX_UPLOAD_BYTES`], sides between [`PHOTO_MIN_DIMENSION`] and
/// [`crate::MAX_DIMENSION`] checked on the header before decoding, EXIF orientation applied,
/// all metadata dropped). A photo larger than [`PHOTO_FIT_WIDTH`]x[`PHOTO_FIT_HEIGHT`] is then
/// downscaled (Lanczos3, aspect ratio kept) to fit that box: far more than the certificate
/// needs, and no more personal data is kept than that. Smaller photos are never upscaled.
///
/// Errors: `TOO_LARGE`, `NOT_AN_IMAGE`, `UNSUPPORTED_FORMAT`, `DIMENSIONS_OUT_OF_RANGE`,
/// `CORRUPT_IMAGE`.
pub fn accept_photo(bytes: &[u8]) -> Result<AcceptedImage, ImageError> {
    let image = decode_upload(
        bytes,
        SideRange {
            min: PHOTO_MIN_DIMENSION,
            max: MAX_DIMENSION,
        },
    )?;
    let image = if image.width() > PHOTO_FIT_WIDTH || image.height() > PHOTO_FIT_HEIGHT {
        image.resize(PHOTO_FIT_WIDTH, PHOTO_FIT_HEIGHT, FilterType::Lanczos3)
    } else {
        image
    };
    AcceptedImage::encode(&image)
}
