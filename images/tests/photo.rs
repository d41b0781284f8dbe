//! Photo acceptance (R-PERSONAL) and the acceptance rules shared with signature uploads.

mod common;

use common::*;
use image::DynamicImage;
use images::{
    accept_photo, accept_signature_upload, ImageError, MAX_DIMENSION, MAX_UPLOAD_BYTES,
    PHOTO_FIT_HEIGHT, PHOTO_FIT_WIDTH,
};

fn code(result: Result<images::AcceptedImage, ImageError>) -> &'static str {
    result.expect_err("should be refused").code()
}

#[test]
fn png_photo_is_accepted_as_clean_png() {
    let source = DynamicImage::ImageRgb8(ink_canvas(200, 100));
    let accepted = accept_photo(&png_bytes(&source)).unwrap();
    assert_eq!((accepted.width, accepted.height), (200, 100));
    assert!(accepted.png.starts_with(PNG_MAGIC));
    assert_eq!(png_chunk_types(&accepted.png), ["IHDR", "IDAT", "IEND"]);
    assert_eq!(accepted.sha256, sha256_hex(&accepted.png));
    assert_eq!(accepted.sha256.len(), 64);
    assert_eq!(decode(&accepted.png).to_rgb8(), source.to_rgb8());
}

#[test]
fn jpeg_exif_and_comments_never_survive() {
    let jpeg = jpeg_with_exif(&ink_canvas(200, 100), 1);
    assert!(contains(&jpeg, b"Exif") && contains(&jpeg, SECRET));
    for accepted in [
        accept_photo(&jpeg).unwrap(),
        accept_signature_upload(&jpeg).unwrap(),
    ] {
        assert_eq!((accepted.width, accepted.height), (200, 100));
        assert!(accepted.png.starts_with(PNG_MAGIC));
        assert!(!contains(&accepted.png, b"Exif"));
        assert!(!contains(&accepted.png, b"MM\0\x2a"));
        assert!(!contains(&accepted.png, SECRET));
        assert_eq!(png_chunk_types(&accepted.png), ["IHDR", "IDAT", "IEND"]);
    }
}

#[test]
fn jpeg_exif_orientation_is_applied_before_stripping() {
    // Orientation 6: the camera held sideways; the upright picture is 100 wide, 200 high.
    let accepted = accept_photo(&jpeg_with_exif(&ink_canvas(200, 100), 6)).unwrap();
    assert_eq!((accepted.width, accepted.height), (100, 200));
    assert!(!contains(&accepted.png, b"Exif"));
}

#[test]
fn png_text_and_exif_chunks_are_dropped() {
    let png = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(120, 80)));
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(SECRET);
    let with_metadata = png_with_chunks_after_ihdr(
        &png,
        &[
            png_chunk(b"tEXt", &text),
            png_chunk(b"eXIf", &exif_payload(1)[6..]),
        ],
    );
    assert!(contains(&with_metadata, SECRET));
    let accepted = accept_photo(&with_metadata).unwrap();
    assert!(!contains(&accepted.png, SECRET));
    assert_eq!(png_chunk_types(&accepted.png), ["IHDR", "IDAT", "IEND"]);
}

#[test]
fn large_photo_is_downscaled_to_fit_the_certificate_box() {
    let source = DynamicImage::ImageRgb8(ink_canvas(2400, 1000));
    let accepted = accept_photo(&png_bytes(&source)).unwrap();
    assert_eq!((accepted.width, accepted.height), (1200, 500));

    let tall = DynamicImage::ImageLuma8(image::GrayImage::new(600, 3200));
    let accepted = accept_photo(&png_bytes(&tall)).unwrap();
    assert_eq!((accepted.width, accepted.height), (300, 1600));
    assert!(accepted.width <= PHOTO_FIT_WIDTH && accepted.height <= PHOTO_FIT_HEIGHT);
}

#[test]
fn grey_and_alpha_images_keep_their_channels() {
    let grey = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(60, 60, image::Luma([90])));
    let accepted = accept_photo(&png_bytes(&grey)).unwrap();
    assert_eq!(decode(&accepted.png).color(), image::ColorType::L8);

    let rgba = DynamicImage::ImageRgba16(image::ImageBuffer::from_pixel(
        60,
        60,
        image::Rgba([65535u16, 0, 0, 32768]),
    ));
    let accepted = accept_photo(&png_bytes(&rgba)).unwrap();
    let decoded = decode(&accepted.png);
    assert_eq!(decoded.color(), image::ColorType::Rgba8);
    assert_eq!(decoded.to_rgba8().get_pixel(0, 0).0, [255, 0, 0, 128]);
}

#[test]
fn non_image_bytes_are_not_an_image() {
    assert_eq!(code(accept_photo(b"")), "NOT_AN_IMAGE");
    // Say, a text file someone renamed to photo.png.
    assert_eq!(
        code(accept_photo(
            b"Dear committee, please find my photo attached."
        )),
        "NOT_AN_IMAGE"
    );
    assert_eq!(
        code(accept_photo(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")),
        "NOT_AN_IMAGE"
    );
    assert_eq!(
        code(accept_signature_upload(b"<html></html>")),
        "NOT_AN_IMAGE"
    );
}

#[test]
fn png_magic_followed_by_garbage_is_corrupt() {
    let mut fake = PNG_MAGIC.to_vec();
    fake.extend_from_slice(b"this is not really a PNG at all, only its first eight bytes");
    assert_eq!(code(accept_photo(&fake)), "CORRUPT_IMAGE");
    assert_eq!(
        code(accept_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])),
        "CORRUPT_IMAGE"
    );
}

#[test]
fn other_image_formats_are_unsupported() {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&[0x0A, 0x00, 0x0A, 0x00, 0x80, 0x00, 0x00]);
    gif.extend_from_slice(&[0; 32]);
    let err = accept_photo(&gif).unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED_FORMAT");
    assert!(err.to_string().contains("GIF"), "{err}");

    let mut webp = b"RIFF\x24\0\0\0WEBPVP8 ".to_vec();
    webp.extend_from_slice(&[0; 32]);
    assert_eq!(code(accept_photo(&webp)), "UNSUPPORTED_FORMAT");

    let mut heic = b"\0\0\0\x18ftypheic".to_vec();
    heic.extend_from_slice(&[0; 32]);
    assert_eq!(code(accept_signature_upload(&heic)), "UNSUPPORTED_FORMAT");

    assert_eq!(
        code(accept_photo(b"BM\x36\0\0\0\0\0\0\0")),
        "UNSUPPORTED_FORMAT"
    );
}

#[test]
fn oversize_input_is_too_large() {
    let mut big = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(200, 100)));
    big.resize(MAX_UPLOAD_BYTES + 1, 0);
    let err = accept_photo(&big).unwrap_err();
    assert_eq!(err.code(), "TOO_LARGE");
    assert_eq!(
        err,
        ImageError::TooLarge {
            size: MAX_UPLOAD_BYTES + 1,
            max: MAX_UPLOAD_BYTES
        }
    );
    assert_eq!(code(accept_signature_upload(&big)), "TOO_LARGE");
}

#[test]
fn huge_declared_dimensions_are_refused_from_the_header() {
    let bomb = png_declaring(100_000, 100_000);
    assert!(bomb.len() < 100);
    let err = accept_photo(&bomb).unwrap_err();
    assert_eq!(
        err,
        ImageError::DimensionsOutOfRange {
            width: 100_000,
            height: 100_000,
            min: 50,
            max: MAX_DIMENSION
        }
    );
    assert_eq!(
        code(accept_signature_upload(&bomb)),
        "DIMENSIONS_OUT_OF_RANGE"
    );
    assert_eq!(
        code(accept_photo(&png_declaring(4001, 100))),
        "DIMENSIONS_OUT_OF_RANGE"
    );
}

#[test]
fn declared_dimensions_in_range_but_missing_data_is_corrupt() {
    assert_eq!(
        code(accept_photo(&png_declaring(100, 100))),
        "CORRUPT_IMAGE"
    );
}

#[test]
fn too_small_photo_is_refused_but_fine_as_signature() {
    let small = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(40, 40)));
    assert_eq!(code(accept_photo(&small)), "DIMENSIONS_OUT_OF_RANGE");
    assert_eq!(accept_signature_upload(&small).unwrap().width, 40);

    let tiny = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(30, 15)));
    assert_eq!(
        code(accept_signature_upload(&tiny)),
        "DIMENSIONS_OUT_OF_RANGE"
    );
}

#[test]
fn truncated_png_is_corrupt() {
    let png = png_bytes(&DynamicImage::ImageRgb8(noise(200, 200)));
    assert!(png.len() > 50_000);
    for keep in [png.len() * 6 / 10, png.len() - 40, 40] {
        assert_eq!(
            code(accept_photo(&png[..keep])),
            "CORRUPT_IMAGE",
            "kept {keep}"
        );
    }
}

#[test]
fn damaged_png_checksum_is_corrupt() {
    let mut png = png_bytes(&DynamicImage::ImageRgb8(noise(100, 100)));
    let middle = png.len() / 2;
    png[middle] ^= 0xFF;
    assert_eq!(code(accept_photo(&png)), "CORRUPT_IMAGE");
}

#[test]
fn acceptance_is_deterministic() {
    let jpeg = jpeg_with_exif(&ink_canvas(300, 200), 1);
    let first = accept_photo(&jpeg).unwrap();
    let second = accept_photo(&jpeg).unwrap();
    assert_eq!(first, second);
    let big = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(1800, 900)));
    assert_eq!(accept_photo(&big).unwrap(), accept_photo(&big).unwrap());
}

#[test]
fn error_codes_and_messages() {
    let cases = [
        (ImageError::NotAnImage, "NOT_AN_IMAGE"),
        (
            ImageError::UnsupportedFormat { format: "GIF" },
            "UNSUPPORTED_FORMAT",
        ),
        (ImageError::TooLarge { size: 9, max: 5 }, "TOO_LARGE"),
        (
            ImageError::DimensionsOutOfRange {
                width: 1,
                height: 1,
                min: 50,
                max: 4000,
            },
            "DIMENSIONS_OUT_OF_RANGE",
        ),
        (
            ImageError::CorruptImage { detail: "x".into() },
            "CORRUPT_IMAGE",
        ),
        (
            ImageError::RectOutOfBounds {
                rect: images::Rect::new(0, 0, 5, 5),
                image_width: 10,
                image_height: 10,
                min_side: 10,
            },
            "RECT_OUT_OF_BOUNDS",
        ),
    ];
    for (error, expected) in cases {
        assert_eq!(error.code(), expected);
        assert!(!error.to_string().is_empty());
    }
}
