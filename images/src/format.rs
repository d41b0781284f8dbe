//! Format detection by magic bytes (never by file name or declared MIME type).

use crate::ImageError;

/// The two accepted source formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// JPEG (`FF D8 FF`).
    Jpeg,
}

impl SourceFormat {
    /// Detects PNG or JPEG from the first bytes.
    ///
    /// Other recognised image formats give [`ImageError::UnsupportedFormat`] (so the user is
    /// told "GIF is not accepted" rather than "not an image"); anything else, including empty
    /// input, gives [`ImageError::NotAnImage`]. This only looks at magic bytes: the caller
    /// still has to decode to know the file is really an image.
    pub fn sniff(bytes: &[u8]) -> Result<SourceFormat, ImageError> {
        if bytes.starts_with(PNG_MAGIC) {
            return Ok(SourceFormat::Png);
        }
        if bytes.starts_with(JPEG_MAGIC) {
            return Ok(SourceFormat::Jpeg);
        }
        match other_image_format(bytes) {
            Some(format) => Err(ImageError::UnsupportedFormat { format }),
            None => Err(ImageError::NotAnImage),
        }
    }

    pub(crate) fn to_image_format(self) -> image::ImageFormat {
        match self {
            SourceFormat::Png => image::ImageFormat::Png,
            SourceFormat::Jpeg => image::ImageFormat::Jpeg,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            SourceFormat::Png => "PNG",
            SourceFormat::Jpeg => "JPEG",
        }
    }
}

pub(crate) const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];

/// Recognises the image formats people commonly upload by mistake.
fn other_image_format(bytes: &[u8]) -> Option<&'static str> {
    const PREFIXES: &[(&[u8], &str)] = &[
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"II*\0", "TIFF"),
        (b"MM\0*", "TIFF"),
        (b"BM", "BMP"),
        (&[0, 0, 1, 0], "ICO"),
        (b"8BPS", "PSD"),
        (b"qoif", "QOI"),
        (&[0xFF, 0x0A], "JPEG XL"),
        (b"\0\0\0\x0CJXL \r\n\x87\n", "JPEG XL"),
        (b"\0\0\0\x0CjP  \r\n\x87\n", "JPEG 2000"),
        (&[0xFF, 0x4F, 0xFF, 0x51], "JPEG 2000"),
    ];
    if let Some((_, name)) = PREFIXES.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(name);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("WebP");
    }
    // ISO base media file: `????ftyp<brand>`.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => Some("AVIF"),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Some("HEIC")
            }
            _ => None,
        };
    }
    None
}
