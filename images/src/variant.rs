//! The four variants offered for a signature or stamp cut-out (R-SIGN step 2).

use std::fmt;

use image::{DynamicImage, GrayAlphaImage, GrayImage, LumaA, RgbaImage};

use crate::tone::{bw_threshold, luma, over_white, TRANSPARENT_LUMA_THRESHOLD};
use crate::{AcceptedImage, ImageError};

/// One way of rendering a cut-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// The pixels exactly as uploaded (colour and alpha kept).
    AsIs,
    /// Luminance only (`r == g == b`), Rec. 709 weights; alpha kept if the upload had one.
    Greyscale,
    /// Every pixel pure black or pure white, opaque: composited over white, then black where
    /// the luminance is at most Otsu's threshold (capped at [`crate::BW_MAX_THRESHOLD`]).
    BlackAndWhite,
    /// Paper made transparent: composited over white, then alpha 0 where the luminance is at
    /// least [`crate::TRANSPARENT_LUMA_THRESHOLD`] (colour set to white there), alpha 255
    /// everywhere else, colour of the ink kept.
    Transparent,
}

impl Variant {
    /// All variants, in the order they are offered.
    pub const ALL: [Variant; 4] = [
        Variant::AsIs,
        Variant::Greyscale,
        Variant::BlackAndWhite,
        Variant::Transparent,
    ];

    /// Stable code: `AS_IS`, `GREYSCALE`, `BLACK_AND_WHITE` or `TRANSPARENT`.
    pub fn code(self) -> &'static str {
        match self {
            Variant::AsIs => "AS_IS",
            Variant::Greyscale => "GREYSCALE",
            Variant::BlackAndWhite => "BLACK_AND_WHITE",
            Variant::Transparent => "TRANSPARENT",
        }
    }

    /// The variant with this exact code, if any (inverse of [`Variant::code`]).
    pub fn parse(code: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.code() == code)
    }

    /// Renders a cut-out (8 bits per channel) in this variant.
    pub(crate) fn render(self, cut: &DynamicImage) -> DynamicImage {
        match self {
            Variant::AsIs => cut.clone(),
            Variant::Greyscale => greyscale(cut),
            Variant::BlackAndWhite => black_and_white(cut),
            Variant::Transparent => transparent(cut),
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Exactly the four variants of one cut-out, each a PNG with the cut-out's dimensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// [`Variant::AsIs`].
    pub as_is: AcceptedImage,
    /// [`Variant::Greyscale`].
    pub greyscale: AcceptedImage,
    /// [`Variant::BlackAndWhite`].
    pub black_and_white: AcceptedImage,
    /// [`Variant::Transparent`].
    pub transparent: AcceptedImage,
}

impl Variants {
    pub(crate) fn render(cut: &DynamicImage) -> Result<Variants, ImageError> {
        let encode = |variant: Variant| AcceptedImage::encode(&variant.render(cut));
        Ok(Variants {
            as_is: encode(Variant::AsIs)?,
            greyscale: encode(Variant::Greyscale)?,
            black_and_white: encode(Variant::BlackAndWhite)?,
            transparent: encode(Variant::Transparent)?,
        })
    }

    /// The image of one variant.
    pub fn get(&self, variant: Variant) -> &AcceptedImage {
        match variant {
            Variant::AsIs => &self.as_is,
            Variant::Greyscale => &self.greyscale,
            Variant::BlackAndWhite => &self.black_and_white,
            Variant::Transparent => &self.transparent,
        }
    }

    /// The four variants with their images, in [`Variant::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Variant, &AcceptedImage)> + '_ {
        Variant::ALL.into_iter().map(move |v| (v, self.get(v)))
    }

    /// Takes the image of one variant.
    pub fn into_variant(self, variant: Variant) -> AcceptedImage {
        match variant {
            Variant::AsIs => self.as_is,
            Variant::Greyscale => self.greyscale,
            Variant::BlackAndWhite => self.black_and_white,
            Variant::Transparent => self.transparent,
        }
    }
}

fn greyscale(cut: &DynamicImage) -> DynamicImage {
    let rgba = cut.to_rgba8();
    if cut.color().has_alpha() {
        let mut out = GrayAlphaImage::new(cut.width(), cut.height());
        for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
            let [r, g, b, a] = src.0;
            *dst = LumaA([luma(r, g, b), a]);
        }
        DynamicImage::ImageLumaA8(out)
    } else {
        DynamicImage::ImageLuma8(GrayImage::from_fn(cut.width(), cut.height(), |x, y| {
            let [r, g, b, _] = rgba.get_pixel(x, y).0;
            image::Luma([luma(r, g, b)])
        }))
    }
}

/// Luminance of each pixel as printed on white paper.
fn paper_luma(cut: &DynamicImage) -> GrayImage {
    let rgba = cut.to_rgba8();
    GrayImage::from_fn(cut.width(), cut.height(), |x, y| {
        let [r, g, b] = over_white(rgba.get_pixel(x, y).0);
        image::Luma([luma(r, g, b)])
    })
}

fn black_and_white(cut: &DynamicImage) -> DynamicImage {
    let mut grey = paper_luma(cut);
    let mut histogram = [0u64; 256];
    for p in grey.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let threshold = bw_threshold(&histogram);
    for p in grey.pixels_mut() {
        p.0[0] = if p.0[0] <= threshold { 0 } else { 255 };
    }
    DynamicImage::ImageLuma8(grey)
}

fn transparent(cut: &DynamicImage) -> DynamicImage {
    let rgba = cut.to_rgba8();
    let out = RgbaImage::from_fn(cut.width(), cut.height(), |x, y| {
        let [r, g, b] = over_white(rgba.get_pixel(x, y).0);
        if luma(r, g, b) >= TRANSPARENT_LUMA_THRESHOLD {
            image::Rgba([255, 255, 255, 0])
        } else {
            image::Rgba([r, g, b, 255])
        }
    });
    DynamicImage::ImageRgba8(out)
}
