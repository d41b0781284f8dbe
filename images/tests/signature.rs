//! Signatures and stamps (R-SIGN): upload, rectangle, four variants.

mod common;

use common::*;
use image::{DynamicImage, GenericImageView};
use images::{
    accept_signature_upload, cut_variant, cut_variants, ImageError, Rect, Variant,
    TRANSPARENT_LUMA_THRESHOLD,
};

const W: u32 = 200;
const H: u32 = 100;
/// The cut-out used by most tests, and its offset in the canvas.
const RECT: Rect = Rect {
    x: 10,
    y: 10,
    width: 150,
    height: 80,
};

fn uploaded() -> Vec<u8> {
    let png = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(W, H)));
    accept_signature_upload(&png).unwrap().png
}

/// A pixel of the cut-out that is ink in the canvas, and one that is paper.
fn ink_and_paper() -> ((u32, u32), (u32, u32)) {
    let ink = (100 - RECT.x, 50 - RECT.y);
    assert!(on_stroke(ink.0 + RECT.x, ink.1 + RECT.y, W, H));
    let paper = (140 - RECT.x, 15 - RECT.y);
    assert!(!on_stroke(paper.0 + RECT.x, paper.1 + RECT.y, W, H));
    (ink, paper)
}

#[test]
fn upload_returns_clean_png_of_the_same_size() {
    let jpeg = jpeg_with_exif(&ink_canvas(W, H), 1);
    let accepted = accept_signature_upload(&jpeg).unwrap();
    assert_eq!((accepted.width, accepted.height), (W, H));
    assert!(accepted.png.starts_with(PNG_MAGIC));
    assert!(!contains(&accepted.png, b"Exif"));
    assert_eq!(accepted.sha256, sha256_hex(&accepted.png));
}

#[test]
fn upload_is_not_downscaled() {
    let png = png_bytes(&DynamicImage::ImageRgb8(ink_canvas(2000, 300)));
    let accepted = accept_signature_upload(&png).unwrap();
    assert_eq!((accepted.width, accepted.height), (2000, 300));
}

#[test]
fn four_variants_with_the_rect_dimensions() {
    let variants = cut_variants(&uploaded(), RECT).unwrap();
    let all: Vec<_> = variants.iter().collect();
    assert_eq!(all.len(), 4);
    for (variant, image) in all {
        assert_eq!(
            (image.width, image.height),
            (RECT.width, RECT.height),
            "{variant}"
        );
        assert!(image.png.starts_with(PNG_MAGIC));
        assert_eq!(image.sha256, sha256_hex(&image.png));
        assert_eq!(decode(&image.png).dimensions(), (RECT.width, RECT.height));
        assert_eq!(png_chunk_types(&image.png), ["IHDR", "IDAT", "IEND"]);
    }
    let hashes: std::collections::HashSet<_> =
        variants.iter().map(|(_, i)| i.sha256.clone()).collect();
    assert_eq!(hashes.len(), 4, "the four variants differ");
}

#[test]
fn as_is_is_the_exact_cut_out() {
    let variants = cut_variants(&uploaded(), RECT).unwrap();
    let expected = DynamicImage::ImageRgb8(ink_canvas(W, H))
        .crop_imm(RECT.x, RECT.y, RECT.width, RECT.height)
        .to_rgb8();
    assert_eq!(decode(&variants.as_is.png).to_rgb8(), expected);
}

#[test]
fn greyscale_pixels_are_grey() {
    let variants = cut_variants(&uploaded(), RECT).unwrap();
    let grey = decode(&variants.greyscale.png).to_rgba8();
    assert!(grey
        .pixels()
        .all(|p| p[0] == p[1] && p[1] == p[2] && p[3] == 255));
    let (ink, paper) = ink_and_paper();
    assert!(grey.get_pixel(ink.0, ink.1)[0] < 60);
    assert!(grey.get_pixel(paper.0, paper.1)[0] > 240);
}

#[test]
fn black_and_white_pixels_are_only_black_or_white() {
    let variants = cut_variants(&uploaded(), RECT).unwrap();
    let bw = decode(&variants.black_and_white.png).to_rgba8();
    assert!(bw
        .pixels()
        .all(|p| (p.0 == [0, 0, 0, 255]) || (p.0 == [255, 255, 255, 255])));
    let (ink, paper) = ink_and_paper();
    assert_eq!(bw.get_pixel(ink.0, ink.1).0, [0, 0, 0, 255]);
    assert_eq!(bw.get_pixel(paper.0, paper.1).0, [255, 255, 255, 255]);
}

#[test]
fn faint_stamp_survives_black_and_white() {
    // A pale red stamp (luminance about 142) would vanish with a fixed 50 % threshold.
    let canvas = image::RgbImage::from_fn(100, 60, |x, y| {
        if on_stroke(x, y, 100, 60) {
            image::Rgb([220, 120, 120])
        } else {
            image::Rgb(PAPER)
        }
    });
    let png = png_bytes(&DynamicImage::ImageRgb8(canvas));
    let bw = cut_variant(&png, Rect::full(100, 60), Variant::BlackAndWhite).unwrap();
    let bw = decode(&bw.png).to_luma8();
    assert_eq!(bw.get_pixel(50, 30)[0], 0);
    assert_eq!(bw.get_pixel(90, 5)[0], 255);
}

#[test]
fn transparent_variant_clears_paper_and_keeps_ink_opaque() {
    let variants = cut_variants(&uploaded(), RECT).unwrap();
    let t = decode(&variants.transparent.png);
    assert!(t.color().has_alpha());
    let t = t.to_rgba8();
    let (ink, paper) = ink_and_paper();
    assert_eq!(t.get_pixel(paper.0, paper.1)[3], 0);
    let ink_px = t.get_pixel(ink.0, ink.1);
    assert_eq!(ink_px[3], 255);
    assert_eq!(&ink_px.0[..3], &INK);
    assert!(t.pixels().all(|p| p[3] == 0 || p[3] == 255));
    assert!(t
        .pixels()
        .filter(|p| p[3] == 255)
        .all(|p| images::luma(p[0], p[1], p[2]) < TRANSPARENT_LUMA_THRESHOLD));
}

#[test]
fn transparent_source_pixels_count_as_paper() {
    let rgba = image::RgbaImage::from_fn(40, 40, |x, _| {
        if x < 20 {
            image::Rgba([0, 0, 0, 0]) // transparent (black underneath)
        } else {
            image::Rgba([10, 10, 10, 255])
        }
    });
    let png = png_bytes(&DynamicImage::ImageRgba8(rgba));
    let variants = cut_variants(&png, Rect::full(40, 40)).unwrap();
    let t = decode(&variants.transparent.png).to_rgba8();
    assert_eq!(t.get_pixel(5, 5).0, [255, 255, 255, 0]);
    assert_eq!(t.get_pixel(30, 5).0, [10, 10, 10, 255]);
    let bw = decode(&variants.black_and_white.png).to_luma8();
    assert_eq!((bw.get_pixel(5, 5)[0], bw.get_pixel(30, 5)[0]), (255, 0));
    let grey = decode(&variants.greyscale.png);
    assert_eq!(grey.color(), image::ColorType::La8);
}

#[test]
fn rect_outside_or_too_small_is_refused() {
    let png = uploaded();
    let bad = [
        Rect::new(0, 0, W + 1, 50),
        Rect::new(100, 0, 101, 50),
        Rect::new(0, 50, 100, 51),
        Rect::new(W, 0, 10, 10),
        Rect::new(u32::MAX, 0, 10, 10),
        Rect::new(0, 0, u32::MAX, u32::MAX),
        Rect::new(0, 0, 9, 50),
        Rect::new(0, 0, 50, 9),
        Rect::new(0, 0, 0, 0),
    ];
    for rect in bad {
        let err = cut_variants(&png, rect).unwrap_err();
        assert_eq!(err.code(), "RECT_OUT_OF_BOUNDS", "{rect:?}");
        assert_eq!(
            err,
            ImageError::RectOutOfBounds {
                rect,
                image_width: W,
                image_height: H,
                min_side: 10
            }
        );
        assert_eq!(
            cut_variant(&png, rect, Variant::AsIs).unwrap_err().code(),
            "RECT_OUT_OF_BOUNDS"
        );
    }
    // The edges themselves are fine.
    for rect in [Rect::full(W, H), Rect::new(W - 10, H - 10, 10, 10)] {
        let v = cut_variants(&png, rect).unwrap();
        assert_eq!((v.as_is.width, v.as_is.height), (rect.width, rect.height));
    }
}

#[test]
fn cut_variants_checks_its_input_like_an_upload() {
    assert_eq!(
        cut_variants(b"nope", RECT).unwrap_err().code(),
        "NOT_AN_IMAGE"
    );
    let png = uploaded();
    assert_eq!(
        cut_variants(&png[..png.len() / 2], RECT)
            .unwrap_err()
            .code(),
        "CORRUPT_IMAGE"
    );
    assert_eq!(
        cut_variants(&png_declaring(100_000, 100_000), RECT)
            .unwrap_err()
            .code(),
        "DIMENSIONS_OUT_OF_RANGE"
    );
}

#[test]
fn variants_are_deterministic_and_single_variant_matches() {
    let png = uploaded();
    let first = cut_variants(&png, RECT).unwrap();
    let second = cut_variants(&png, RECT).unwrap();
    assert_eq!(first, second);
    for variant in Variant::ALL {
        let single = cut_variant(&png, RECT, variant).unwrap();
        assert_eq!(&single, first.get(variant), "{variant}");
    }
    assert_eq!(
        first.clone().into_variant(Variant::Transparent),
        first.transparent
    );
    // Re-uploading the accepted PNG gives the same bytes (a fixed point).
    assert_eq!(accept_signature_upload(&png).unwrap().png, png);
}

#[test]
fn variant_codes_round_trip() {
    let codes: Vec<_> = Variant::ALL.iter().map(|v| v.code()).collect();
    assert_eq!(
        codes,
        ["AS_IS", "GREYSCALE", "BLACK_AND_WHITE", "TRANSPARENT"]
    );
    for variant in Variant::ALL {
        assert_eq!(Variant::parse(variant.code()), Some(variant));
        assert_eq!(variant.to_string(), variant.code());
    }
    assert_eq!(Variant::parse("as_is"), None);
    assert_eq!(Variant::parse(""), None);
    assert_eq!(Variant::parse("SEPIA"), None);
}
