//! The verification QR code (issue 23), made here from the verification link and handed to
//! the template as a PNG at its one fixed path.
//!
//! One pixel per module with the standard four-module quiet zone, greyscale: the template
//! prints it 2.6 cm wide with `scaling: "pixelated"`, so the modules stay sharp at any
//! resolution, and the PNG stays a few hundred bytes.

use crate::error::RenderError;
use qrcode::{Color, EcLevel, QrCode};

const QUIET_ZONE: usize = 4;

/// The QR code of `text` as a PNG (error correction M: 15 % of the code may be damaged).
pub(crate) fn png(text: &str) -> Result<Vec<u8>, RenderError> {
    let invalid = |reason: String| RenderError::InvalidImage {
        field: "verification.url",
        reason,
    };
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| invalid(format!("no QR code holds it: {e}")))?;
    let modules = code.width();
    let side = modules + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (y, x) = (i / modules + QUIET_ZONE, i % modules + QUIET_ZONE);
            pixels[y * side + x] = 0;
        }
    }
    let side = u32::try_from(side).expect("a QR code is at most 177 modules wide");
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let written = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels));
    written.map_err(|e| invalid(format!("encoding the QR code: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_small_square_png_with_a_quiet_zone() {
        let png = png("https://europass.example/verify/LV-2026-000123-2?code=7KQ2MX9D4T").unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let side = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        let height = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
        assert_eq!(side, height);
        // Version 4 (33 modules) or more for a link this long, plus 4 modules each side.
        assert!(side >= 33 + 8, "{side}");
        assert!(png.len() < 2_000, "{} bytes", png.len());
    }

    #[test]
    fn a_text_no_qr_code_holds_is_refused_naming_the_field() {
        let err = png(&"x".repeat(5_000)).unwrap_err();
        assert!(err.is_input_error());
        assert!(err.to_string().contains("verification.url"), "{err}");
    }
}
