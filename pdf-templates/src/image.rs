//! Images on the certificate (photo, signatures, stamps) and the fixed slots they go into.
//!
//! Typst interns every distinct file path it is asked for, forever, and panics after about
//! 65,500 of them. So an image never gets a path derived from data (a file name, an id): each
//! of the five [`ImageSlot`]s has one fixed virtual path, and the template asks only for those.

use crate::data::CertificateData;
use crate::error::RenderError;
use crate::limits::{MAX_IMAGE_BYTES, MAX_IMAGE_SIDE};
use serde::{Deserialize, Serialize};

/// An image as bytes, with its declared format.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub format: ImageFormat,
    /// The encoded file (PNG or JPEG). Serialized as a hex string to keep JSON compact-ish.
    #[serde(with = "hex_bytes")]
    pub bytes: Vec<u8>,
}

impl Image {
    pub fn new(format: ImageFormat, bytes: Vec<u8>) -> Self {
        Self { format, bytes }
    }
}

// The bytes would flood any debug output.
impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("format", &self.format)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// The image formats a certificate accepts (those of R-SIGN uploads and photos).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Png,
    Jpeg,
}

/// The fixed places an image can take on the certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageSlot {
    Photo,
    SendingSignature,
    SendingStamp,
    HostSignature,
    HostStamp,
}

impl ImageSlot {
    pub const ALL: [ImageSlot; 5] = [
        Self::Photo,
        Self::SendingSignature,
        Self::SendingStamp,
        Self::HostSignature,
        Self::HostStamp,
    ];

    /// The fixed virtual path the template reads this image from. Deliberately without an
    /// extension: the template passes the declared format explicitly.
    pub fn virtual_path(self) -> &'static str {
        match self {
            Self::Photo => "/images/photo",
            Self::SendingSignature => "/images/signature-sending",
            Self::SendingStamp => "/images/stamp-sending",
            Self::HostSignature => "/images/signature-host",
            Self::HostStamp => "/images/stamp-host",
        }
    }

    /// Where the image sits in the JSON form of [`CertificateData`] (a JSON pointer).
    pub(crate) fn json_pointer(self) -> &'static str {
        match self {
            Self::Photo => "/holder/photo",
            Self::SendingSignature => "/signatures/sending/signature",
            Self::SendingStamp => "/signatures/sending/stamp",
            Self::HostSignature => "/signatures/host/signature",
            Self::HostStamp => "/signatures/host/stamp",
        }
    }

    /// The field name used in errors.
    pub fn field(self) -> &'static str {
        match self {
            Self::Photo => "holder.photo",
            Self::SendingSignature => "signatures.sending.signature",
            Self::SendingStamp => "signatures.sending.stamp",
            Self::HostSignature => "signatures.host.signature",
            Self::HostStamp => "signatures.host.stamp",
        }
    }

    /// This slot's image in `data`, if any.
    pub fn get(self, data: &CertificateData) -> Option<&Image> {
        match self {
            Self::Photo => data.holder.photo.as_ref(),
            Self::SendingSignature => data.signatures.sending.signature.as_ref(),
            Self::SendingStamp => data.signatures.sending.stamp.as_ref(),
            Self::HostSignature => data.signatures.host.signature.as_ref(),
            Self::HostStamp => data.signatures.host.stamp.as_ref(),
        }
    }
}

/// Checks an image cheaply before Typst decodes it: size, declared format against the file's
/// signature, and the pixel dimensions from the header (a small file can declare a huge
/// canvas that would take gigabytes to decode).
pub(crate) fn validate(slot: ImageSlot, image: &Image) -> Result<(), RenderError> {
    let invalid = |reason: String| RenderError::InvalidImage {
        field: slot.field(),
        reason,
    };
    if image.bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(format!(
            "{} bytes, at most {MAX_IMAGE_BYTES} allowed",
            image.bytes.len()
        )));
    }
    let (width, height) = match image.format {
        ImageFormat::Png => png_size(&image.bytes),
        ImageFormat::Jpeg => jpeg_size(&image.bytes),
    }
    .ok_or_else(|| invalid(format!("not a readable {:?} file", image.format)))?;
    if width == 0 || height == 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(invalid(format!(
            "{width}×{height} pixels, each side must be 1–{MAX_IMAGE_SIDE}"
        )));
    }
    Ok(())
}

/// Width and height from a PNG's IHDR chunk, which must come first.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || !bytes.starts_with(SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((be(16), be(20)))
}

/// Width and height from a JPEG's first start-of-frame marker.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        // Fill bytes and markers without a length.
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            at += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        let is_frame = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let frame = bytes.get(at + 4..at + 9)?;
            let height = u32::from(u16::from_be_bytes([frame[1], frame[2]]));
            let width = u32::from(u16::from_be_bytes([frame[3], frame[4]]));
            return Some((width, height));
        }
        if length < 2 {
            return None;
        }
        at += 2 + length;
    }
    None
}

/// Serde for bytes as a lower-case hex string.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        hex::decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_size_reads_the_frame_header() {
        // SOI, APP0 with 4 bytes of payload, SOF0 with 8×16 (height 16, width 8).
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, 1, 2, 3, 4, 0xFF, 0xC0, 0x00, 0x11, 8, 0x00, 0x10,
            0x00, 0x08, 3,
        ];
        assert_eq!(jpeg_size(&jpeg), Some((8, 16)));
        assert_eq!(jpeg_size(&jpeg[..12]), None);
        assert_eq!(jpeg_size(b"not a jpeg"), None);
    }

    #[test]
    fn png_size_needs_the_signature() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&3u32.to_be_bytes());
        png.extend_from_slice(&2u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((3, 2)));
        png[1] = b'X';
        assert_eq!(png_size(&png), None);
    }

    #[test]
    fn image_round_trips_through_json_as_hex() {
        let image = Image::new(ImageFormat::Png, vec![0, 1, 0xAB]);
        let json = serde_json::to_string(&image).unwrap();
        assert_eq!(json, r#"{"format":"png","bytes":"0001ab"}"#);
        assert_eq!(serde_json::from_str::<Image>(&json).unwrap(), image);
    }
}
