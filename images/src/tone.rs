//! Luminance, paper flattening and thresholds used by the signature variants.
//!
//! All arithmetic is integer except Otsu's variance comparison (plain `f64` operations, which
//! Rust evaluates identically everywhere), so the variants are bit-for-bit reproducible.

/// A pixel whose luminance is at least this becomes fully transparent in the
/// [`crate::Variant::Transparent`] variant (paper, including slightly grey or yellowish
/// scans); darker pixels (the ink) stay fully opaque.
pub const TRANSPARENT_LUMA_THRESHOLD: u8 = 235;

/// Upper cap on the black-and-white threshold: a pixel at least this light is always white,
/// even if Otsu's method suggests otherwise (a cut-out of blank, noisy paper stays white).
pub const BW_MAX_THRESHOLD: u8 = 200;

/// Threshold used when the cut-out has a single luminance (Otsu is undefined): 50 %.
pub const BW_UNIFORM_THRESHOLD: u8 = 127;

/// Luminance (Rec. 709 / sRGB weights, `0.2126 R + 0.7152 G + 0.0722 B`), rounded, in
/// integers.
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    let weighted = 2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b);
    // At most 10000 * 255 + 5000, so the quotient is at most 255.
    ((weighted + 5000) / 10000) as u8
}

/// Composites a pixel over white paper: what a printed certificate would show.
pub(crate) fn over_white([r, g, b, a]: [u8; 4]) -> [u8; 3] {
    let a = u32::from(a);
    let blend = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
    [blend(r), blend(g), blend(b)]
}

/// The black-and-white threshold for a luminance histogram: a pixel is black when its
/// luminance is `<=` the result.
///
/// Otsu's method (the threshold that maximises the between-class variance of ink and paper),
/// capped at [`BW_MAX_THRESHOLD`]; [`BW_UNIFORM_THRESHOLD`] if all pixels have one value.
/// Otsu rather than a fixed 50 % so that light stamps and pale ballpoint ink (luminance
/// 130–190 on paper of 240+) come out black instead of vanishing.
pub(crate) fn bw_threshold(histogram: &[u64; 256]) -> u8 {
    otsu(histogram).map_or(BW_UNIFORM_THRESHOLD, |t| t.min(BW_MAX_THRESHOLD))
}

fn otsu(histogram: &[u64; 256]) -> Option<u8> {
    let total: u64 = histogram.iter().sum();
    let sum_all: u64 = histogram
        .iter()
        .enumerate()
        .map(|(level, &count)| level as u64 * count)
        .sum();
    let mut best: Option<(u8, f64)> = None;
    let (mut weight_dark, mut sum_dark) = (0u64, 0u64);
    for (level, &count) in histogram.iter().enumerate() {
        weight_dark += count;
        sum_dark += level as u64 * count;
        let weight_light = total - weight_dark;
        if weight_dark == 0 {
            continue;
        }
        if weight_light == 0 {
            break;
        }
        let mean_dark = sum_dark as f64 / weight_dark as f64;
        let mean_light = (sum_all - sum_dark) as f64 / weight_light as f64;
        let diff = mean_dark - mean_light;
        let variance = weight_dark as f64 * weight_light as f64 * diff * diff;
        if best.is_none_or(|(_, v)| variance > v) {
            best = Some((level as u8, variance));
        }
    }
    best.map(|(level, _)| level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_bounds_and_grey() {
        assert_eq!(luma(0, 0, 0), 0);
        assert_eq!(luma(255, 255, 255), 255);
        for v in 0..=255u8 {
            assert_eq!(luma(v, v, v), v);
        }
    }

    #[test]
    fn over_white_keeps_opaque_and_whitens_transparent() {
        assert_eq!(over_white([10, 20, 30, 255]), [10, 20, 30]);
        assert_eq!(over_white([10, 20, 30, 0]), [255, 255, 255]);
    }

    #[test]
    fn otsu_splits_ink_from_paper() {
        let mut h = [0u64; 256];
        h[30] = 100;
        h[40] = 50;
        h[245] = 1000;
        h[250] = 800;
        let t = bw_threshold(&h);
        assert!((40..245).contains(&t), "threshold {t}");
    }

    #[test]
    fn faint_stamp_is_kept_and_blank_paper_stays_white() {
        let mut h = [0u64; 256];
        h[150] = 100;
        h[245] = 1000;
        assert!((150..245).contains(&bw_threshold(&h)));

        let mut paper = [0u64; 256];
        paper[247] = 500;
        paper[252] = 500;
        assert_eq!(bw_threshold(&paper), BW_MAX_THRESHOLD);

        let mut uniform = [0u64; 256];
        uniform[90] = 10;
        assert_eq!(bw_threshold(&uniform), BW_UNIFORM_THRESHOLD);
    }
}
