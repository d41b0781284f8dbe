//! Which characters a free text may hold: what a certificate can print (R-PDF). The PDF is
//! PDF/A, which forbids a missing glyph, so a character no embedded font covers (emoji, Chinese,
//! …) made the certificate unrenderable at download, long after it was typed. Invisible
//! characters are refused even where a font has a glyph for them: a bidi override (U+202E)
//! reorders what is printed and shown, zero-width characters make equal-looking values differ.

use super::font_coverage::FONT_COVERAGE;

/// Whether a free text may contain `c`: a line break, or a visible character that an embedded
/// font of the certificate covers.
pub fn printable(c: char) -> bool {
    c == '\n' || (!c.is_control() && !invisible(c) && fonts_cover(c))
}

/// Whether some font embedded in the certificate (see `pdf-templates`) has a glyph for `c`
/// (control characters excluded). A test in the `tests` crate checks this table against the
/// fonts, character by character, and prints it anew when they differ.
pub fn fonts_cover(c: char) -> bool {
    let c = u32::from(c);
    FONT_COVERAGE
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Characters that print nothing or change how other characters are laid out: format
/// characters (Unicode category Cf: bidi controls and isolates, zero-width spaces and joiners,
/// the soft hyphen, the byte order mark, tags, …), the other default-ignorable characters
/// (variation selectors, fillers), line and paragraph separators, private-use characters and
/// noncharacters.
pub fn invisible(c: char) -> bool {
    let c = u32::from(c);
    matches!(
        c,
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xE000..=0xF8FF
            | 0xFDD0..=0xFDEF
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
            | 0xF0000..=0x10FFFF
    ) || c & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latvian_and_european_text_is_printable() {
        for text in [
            "Ā ā Č č Ē ē Ģ ģ Ī ī Ķ ķ Ļ ļ Ņ ņ Š š Ū ū Ž ž",
            "Ølstykke, Łódź, Şişli, Ærøskøbing, Győr, Straße",
            "Οδός Αθηνάς 5, Αθήνα — Професионална гимназия „Христо Ботев“",
            "«Citāts» … 10 € · ½ · № 5 · 25 °C\nnākamā rinda",
        ] {
            if let Some(c) = text.chars().find(|&c| !printable(c)) {
                panic!("U+{:04X} in {text:?} is refused", u32::from(c));
            }
        }
    }

    #[test]
    fn controls_invisible_characters_emoji_and_uncovered_scripts_are_not() {
        for c in [
            '\u{0}',
            '\t',
            '\r',
            '\u{7f}',
            '\u{85}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{202e}',
            '\u{2066}',
            '\u{2028}',
            '\u{feff}',
            '\u{fe0f}',
            '\u{e000}',
            '\u{fffe}',
            '\u{e0041}',
            '😀',
            '🎉',
            '王',
            '\u{10ffff}',
        ] {
            assert!(!printable(c), "U+{:04X} must be refused", u32::from(c));
        }
    }

    #[test]
    fn the_coverage_table_is_sorted_and_disjoint() {
        assert!(FONT_COVERAGE.iter().all(|(first, last)| first <= last));
        assert!(FONT_COVERAGE.windows(2).all(|w| w[0].1 + 1 < w[1].0));
    }
}
