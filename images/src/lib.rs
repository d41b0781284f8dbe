//! Pure image processing for the Europass Mobility register: no IO, no database. It depends
//! on no other crate of the workspace; `commands` uses it for photos and signatures.
//!
//! Two concerns live here, both working on byte slices and returning byte vectors:
//!
//! * **Photo** (R-PERSONAL): [`accept_photo`] checks an uploaded holder photo and returns a
//!   metadata-free PNG, downscaled to fit [`PHOTO_FIT_WIDTH`]x[`PHOTO_FIT_HEIGHT`].
//! * **Signatures and stamps** (R-SIGN), steps 1 and 2 of the three-step upload:
//!   [`accept_signature_upload`] checks the uploaded scan, [`cut_variants`] cuts the chosen
//!   [`Rect`] out of it and offers the four [`Variant`]s. Step 3 (choosing, naming and
//!   activating a variant) is a domain concern; [`cut_variant`] re-creates one chosen variant.
//!
//! # Acceptance rules (shared by photo and signature uploads)
//!
//! 1. The input is at most [`MAX_UPLOAD_BYTES`] (5 MiB), else [`ImageError::TooLarge`].
//! 2. Magic bytes must say PNG or JPEG. Other recognised image formats (GIF, WebP, TIFF, BMP,
//!    HEIC, AVIF, ...) give [`ImageError::UnsupportedFormat`]; anything else
//!    [`ImageError::NotAnImage`].
//! 3. The pixel dimensions are read from the header *before* any pixel is decoded
//!    (`ImageReader::with_guessed_format` + `into_dimensions`), and must be within
//!    `min..=`[`MAX_DIMENSION`] on both sides, else [`ImageError::DimensionsOutOfRange`]. A
//!    header declaring 100000x100000 is refused without allocating the pixels. Decoding then
//!    runs with `image::Limits` (strict width/height and a `max_alloc` budget derived from the
//!    checked dimensions).
//! 4. The whole image is decoded; any decoder error (truncated, garbage after a valid magic,
//!    bad checksums) gives [`ImageError::CorruptImage`].
//! 5. An EXIF orientation, if present, is applied to the pixels (so a phone photo stays upright
//!    once the EXIF is gone), 16-bit images are reduced to 8 bits per channel.
//! 6. The pixels are re-encoded as a fresh PNG holding only `IHDR`, `IDAT` and `IEND`: EXIF,
//!    GPS, XMP, IPTC, ICC profiles, text chunks and comments never survive.
//!
//! The result is an [`AcceptedImage`]: PNG bytes, dimensions and the SHA-256 (hex) of exactly
//! those bytes, which is the content hash the events refer to.
//!
//! # Determinism
//!
//! Every function is a pure function of its input: the same bytes in give the same bytes
//! out (no timestamps, no randomness, no threads; integer arithmetic for the pixel
//! transforms). This holds for a fixed `Cargo.lock`: the `image`/`png` crates do not promise
//! byte-identical PNG output across their versions, which is why callers store the bytes and
//! their hash rather than re-deriving them later.
//!
//! # Errors
//!
//! [`ImageError::code`] gives a stable machine-readable code (`NOT_AN_IMAGE`,
//! `UNSUPPORTED_FORMAT`, `TOO_LARGE`, `DIMENSIONS_OUT_OF_RANGE`, `CORRUPT_IMAGE`,
//! `RECT_OUT_OF_BOUNDS`); `Display` gives an English message for people.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accepted;
mod decode;
mod error;
mod format;
mod photo;
mod signature;
mod tone;
mod variant;

pub use accepted::AcceptedImage;
pub use error::ImageError;
pub use format::SourceFormat;
pub use photo::{accept_photo, PHOTO_FIT_HEIGHT, PHOTO_FIT_WIDTH, PHOTO_MIN_DIMENSION};
pub use signature::{
    accept_signature_upload, cut_variant, cut_variants, Rect, MIN_RECT_SIDE,
    SIGNATURE_MIN_DIMENSION,
};
pub use tone::{luma, BW_MAX_THRESHOLD, BW_UNIFORM_THRESHOLD, TRANSPARENT_LUMA_THRESHOLD};
pub use variant::{Variant, Variants};

/// Largest accepted upload, in bytes (5 MiB). Larger inputs give [`ImageError::TooLarge`]
/// before anything is parsed.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Largest accepted width and height, in pixels, for every upload.
pub const MAX_DIMENSION: u32 = 4000;
