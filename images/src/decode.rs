//! Guarded decoding: size, magic bytes, header dimensions, then limited full decoding.

use std::io::Cursor;

use image::error::LimitErrorKind;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::format::SourceFormat;
use crate::{ImageError, MAX_DIMENSION, MAX_UPLOAD_BYTES};

/// Allocation budget for reading headers and ancillary chunks (ICC, text) before the pixels,
/// and the slack added to the pixel budget when decoding.
const HEADER_ALLOC_BUDGET: u64 = 16 * 1024 * 1024;

/// Largest number of bytes one decoded pixel may take (RGBA, 16 bits per channel).
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// Accepted side lengths for one kind of upload.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SideRange {
    pub(crate) min: u32,
    pub(crate) max: u32,
}

impl SideRange {
    fn check(self, width: u32, height: u32) -> Result<(), ImageError> {
        let ok = |side: u32| (self.min..=self.max).contains(&side);
        if ok(width) && ok(height) {
            Ok(())
        } else {
            Err(ImageError::DimensionsOutOfRange {
                width,
                height,
                min: self.min,
                max: self.max,
            })
        }
    }
}

/// Runs the acceptance rules 1–5 of the crate documentation and returns the upright pixels,
/// 8 bits per channel (`L8`, `La8`, `Rgb8` or `Rgba8`), with every piece of metadata gone.
pub(crate) fn decode_upload(bytes: &[u8], sides: SideRange) -> Result<DynamicImage, ImageError> {
    debug_assert!(sides.max <= MAX_DIMENSION);
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge {
            size: bytes.len(),
            max: MAX_UPLOAD_BYTES,
        });
    }
    let format = SourceFormat::sniff(bytes)?;

    let (width, height) = header_dimensions(bytes, format)?;
    sides.check(width, height)?;

    let image = decode_pixels(bytes, format, width, height)?;
    let image = to_8_bit(image);
    // An orientation of 90° swaps the sides; the range is square, but check what we return.
    sides.check(image.width(), image.height())?;
    Ok(image)
}

/// Reads only the header: for PNG up to the first `IDAT`, for JPEG the markers before the scan.
fn header_dimensions(bytes: &[u8], format: SourceFormat) -> Result<(u32, u32), ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(ImageError::corrupt)?;
    if reader.format() != Some(format.to_image_format()) {
        // Cannot happen with the current magic tables; refuse rather than guess.
        return Err(ImageError::corrupt(format!(
            "the content does not read as {}",
            format.name()
        )));
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(HEADER_ALLOC_BUDGET);
    reader.limits(limits);
    reader
        .into_dimensions()
        .map_err(|e| map_decode_error(e, format))
}

/// Decodes all pixels under strict limits and applies the EXIF orientation.
fn decode_pixels(
    bytes: &[u8],
    format: SourceFormat,
    width: u32,
    height: u32,
) -> Result<DynamicImage, ImageError> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc =
        Some(u64::from(width) * u64::from(height) * MAX_BYTES_PER_PIXEL + HEADER_ALLOC_BUDGET);

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image_format());
    reader.limits(limits.clone());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| map_decode_error(e, format))?;
    if decoder.dimensions() != (width, height) {
        return Err(ImageError::corrupt(
            "the image header changed between reads",
        ));
    }
    // Unreadable EXIF is no reason to refuse a picture: it is about to be dropped anyway.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // `DynamicImage::from_decoder` does not charge the output buffer to the limits itself.
    limits
        .reserve(decoder.total_bytes())
        .map_err(|e| map_decode_error(e, format))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| map_decode_error(e, format))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Reduces to 8 bits per channel, keeping grey/colour and alpha as they were.
fn to_8_bit(image: DynamicImage) -> DynamicImage {
    let color = image.color();
    match (color.has_color(), color.has_alpha()) {
        (false, false) => match image {
            DynamicImage::ImageLuma8(_) => image,
            other => DynamicImage::ImageLuma8(other.to_luma8()),
        },
        (false, true) => match image {
            DynamicImage::ImageLumaA8(_) => image,
            other => DynamicImage::ImageLumaA8(other.to_luma_alpha8()),
        },
        (true, false) => match image {
            DynamicImage::ImageRgb8(_) => image,
            other => DynamicImage::ImageRgb8(other.to_rgb8()),
        },
        (true, true) => match image {
            DynamicImage::ImageRgba8(_) => image,
            other => DynamicImage::ImageRgba8(other.to_rgba8()),
        },
    }
}

fn map_decode_error(error: image::ImageError, format: SourceFormat) -> ImageError {
    match error {
        image::ImageError::Limits(limit) => match limit.kind() {
            LimitErrorKind::DimensionError => ImageError::corrupt(format!(
                "the {} declares dimensions beyond {MAX_DIMENSION}x{MAX_DIMENSION}",
                format.name()
            )),
            _ => ImageError::corrupt(format!(
                "decoding this {} would need more memory than allowed",
                format.name()
            )),
        },
        image::ImageError::Unsupported(_) => ImageError::UnsupportedFormat {
            format: match format {
                SourceFormat::Png => "This kind of PNG",
                SourceFormat::Jpeg => "This kind of JPEG",
            },
        },
        other => ImageError::corrupt(other),
    }
}
