//! Test fixtures: small images generated with the `image` crate, plus hand-made byte streams.
#![allow(dead_code)]

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

pub const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Off-white paper of the canvas (luminance 250).
pub const PAPER: [u8; 3] = [250, 250, 245];
/// Dark blue ink of the canvas (luminance 33).
pub const INK: [u8; 3] = [20, 30, 90];

/// Whether (x, y) lies on the canvas' diagonal stroke from (0, 0) to (width, height).
pub fn on_stroke(x: u32, y: u32, width: u32, height: u32) -> bool {
    let expected = i64::from(x) * i64::from(height) / i64::from(width);
    (i64::from(y) - expected).abs() <= 3
}

/// A paper-coloured canvas with a dark diagonal "ink" stroke.
pub fn ink_canvas(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb(if on_stroke(x, y, width, height) {
            INK
        } else {
            PAPER
        })
    })
}

/// Pseudo-random colours (a fixed LCG), so that the PNG does not compress away.
pub fn noise(width: u32, height: u32) -> RgbImage {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    RgbImage::from_fn(width, height, |_, _| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let [a, b, c, ..] = (state >> 24).to_le_bytes();
        Rgb([a, b, c])
    })
}

pub fn png_bytes(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .unwrap();
    out
}

pub fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// Marker text put into metadata; it must never appear in an output.
pub const SECRET: &[u8] = b"GPS 56.9496N 24.1052E secret-home-address";

/// An EXIF APP1 payload (big-endian TIFF) with one IFD0 entry, Orientation = `orientation`,
/// followed by the secret marker text.
pub fn exif_payload(orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // TIFF header, IFD0 at offset 8
    exif.extend_from_slice(&1u16.to_be_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_be_bytes()); // count
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    exif.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    exif.extend_from_slice(SECRET);
    exif
}

/// A JPEG with an EXIF APP1 segment (and a COM comment) inserted by hand right after SOI.
pub fn jpeg_with_exif(image: &RgbImage, orientation: u16) -> Vec<u8> {
    let jpeg = jpeg_bytes(image);
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE1, &exif_payload(orientation)));
    out.extend(segment(0xFE, SECRET));
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// CRC-32 (IEEE) as PNG chunks need it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// A hand-made PNG whose IHDR declares `width`x`height` RGB pixels, followed by a tiny IDAT
/// (far too little data for those dimensions) and IEND.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit, RGB, deflate, adaptive, no interlace
    let mut out = PNG_MAGIC.to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib stream of a few zero bytes (stored block).
    out.extend(png_chunk(
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0, 0x04, 0x00, 0x01,
        ],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// Inserts extra chunks right after IHDR of a PNG produced by the `image` crate.
pub fn png_with_chunks_after_ihdr(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let ihdr_end = PNG_MAGIC.len() + 8 + 13 + 4;
    assert_eq!(&png[PNG_MAGIC.len() + 4..PNG_MAGIC.len() + 8], b"IHDR");
    let mut out = png[..ihdr_end].to_vec();
    for chunk in chunks {
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&png[ihdr_end..]);
    out
}

/// The chunk types of a PNG, in order.
pub fn png_chunk_types(png: &[u8]) -> Vec<String> {
    assert!(png.starts_with(PNG_MAGIC));
    let mut types = Vec::new();
    let mut pos = PNG_MAGIC.len();
    while pos + 8 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        types.push(String::from_utf8_lossy(&png[pos + 4..pos + 8]).into_owned());
        pos += 12 + len;
    }
    types
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub fn decode(png: &[u8]) -> DynamicImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap()
}
