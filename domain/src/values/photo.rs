use super::ContentHash;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The image formats a photo may have (R-PERSONAL): checked by decoding on upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImageType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

impl ImageType {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// `image/jpeg` or `image/png` (any case).
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" => Ok(Self::Jpeg),
            "image/png" => Ok(Self::Png),
            _ => Err(Refusal::validation(
                "photo",
                "UNSUPPORTED_IMAGE_TYPE",
                "a photo must be a JPEG or PNG image",
            )),
        }
    }
}

/// A photo kept outside the events (so that it can be deleted) and referred to by the SHA-256
/// of its stored bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoRef {
    sha256: ContentHash,
    media_type: ImageType,
}

impl PhotoRef {
    pub fn new(sha256: &str, media_type: ImageType) -> Result<Self, Refusal> {
        let sha256 = ContentHash::parse(sha256).map_err(|e| e.in_field("photo"))?;
        Ok(Self { sha256, media_type })
    }

    pub fn sha256(&self) -> &ContentHash {
        &self.sha256
    }

    pub fn media_type(&self) -> ImageType {
        self.media_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_a_hash_and_a_media_type() {
        let photo =
            PhotoRef::new(&"0f".repeat(32), ImageType::parse("IMAGE/PNG").unwrap()).unwrap();
        assert_eq!(
            serde_json::to_value(&photo).unwrap(),
            serde_json::json!({"sha256": "0f".repeat(32), "media_type": "image/png"})
        );
        assert_eq!(photo.media_type().media_type(), "image/png");
        assert_eq!(
            PhotoRef::new("x", ImageType::Jpeg)
                .unwrap_err()
                .field
                .as_deref(),
            Some("photo")
        );
        assert_eq!(
            ImageType::parse("image/gif").unwrap_err().reason,
            "UNSUPPORTED_IMAGE_TYPE"
        );
    }
}
