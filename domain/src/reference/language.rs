use super::Label;
use serde::Serialize;

/// A language whose skills a certificate can rate. `code` is ISO 639-1 where the language has
/// one, otherwise ISO 639-3 (Latgalian, Latvian Sign Language), in lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Language {
    pub code: &'static str,
    pub label: Label,
}

const fn lang(code: &'static str, en: &'static str, lv: &'static str) -> Language {
    Language {
        code,
        label: Label::new(en, lv),
    }
}

/// The 24 official EU languages first, then others a mobility in scope may involve.
pub const LANGUAGES: &[Language] = &[
    lang("bg", "Bulgarian", "Bulgāru"),
    lang("cs", "Czech", "Čehu"),
    lang("da", "Danish", "Dāņu"),
    lang("de", "German", "Vācu"),
    lang("el", "Greek", "Grieķu"),
    lang("en", "English", "Angļu"),
    lang("es", "Spanish", "Spāņu"),
    lang("et", "Estonian", "Igauņu"),
    lang("fi", "Finnish", "Somu"),
    lang("fr", "French", "Franču"),
    lang("ga", "Irish", "Īru"),
    lang("hr", "Croatian", "Horvātu"),
    lang("hu", "Hungarian", "Ungāru"),
    lang("it", "Italian", "Itāļu"),
    lang("lt", "Lithuanian", "Lietuviešu"),
    lang("lv", "Latvian", "Latviešu"),
    lang("mt", "Maltese", "Maltiešu"),
    lang("nl", "Dutch", "Nīderlandiešu"),
    lang("pl", "Polish", "Poļu"),
    lang("pt", "Portuguese", "Portugāļu"),
    lang("ro", "Romanian", "Rumāņu"),
    lang("sk", "Slovak", "Slovāku"),
    lang("sl", "Slovenian", "Slovēņu"),
    lang("sv", "Swedish", "Zviedru"),
    lang("ltg", "Latgalian", "Latgaliešu"),
    lang("lsl", "Latvian Sign Language", "Latviešu zīmju valoda"),
    lang("no", "Norwegian", "Norvēģu"),
    lang("is", "Icelandic", "Islandiešu"),
    lang("tr", "Turkish", "Turku"),
    lang("mk", "Macedonian", "Maķedoniešu"),
    lang("sr", "Serbian", "Serbu"),
    lang("sq", "Albanian", "Albāņu"),
    lang("bs", "Bosnian", "Bosniešu"),
    lang("ca", "Catalan", "Katalāņu"),
    lang("eu", "Basque", "Basku"),
    lang("gl", "Galician", "Galisiešu"),
    lang("lb", "Luxembourgish", "Luksemburgiešu"),
    lang("ru", "Russian", "Krievu"),
    lang("uk", "Ukrainian", "Ukraiņu"),
    lang("be", "Belarusian", "Baltkrievu"),
    lang("ka", "Georgian", "Gruzīnu"),
    lang("hy", "Armenian", "Armēņu"),
    lang("ar", "Arabic", "Arābu"),
    lang("he", "Hebrew", "Ivrits"),
    lang("fa", "Persian", "Persiešu"),
    lang("hi", "Hindi", "Hindi"),
    lang("zh", "Chinese", "Ķīniešu"),
    lang("ja", "Japanese", "Japāņu"),
    lang("ko", "Korean", "Korejiešu"),
    lang("la", "Latin", "Latīņu"),
];

/// The listed language with this code (trimmed, any case).
pub fn language(code: &str) -> Option<&'static Language> {
    let code = code.trim();
    LANGUAGES.iter().find(|l| l.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_lower_case_and_labelled() {
        let mut seen = HashSet::new();
        for l in LANGUAGES {
            assert!(seen.insert(l.code), "duplicate {}", l.code);
            assert!((2..=3).contains(&l.code.len()));
            assert!(l.code.chars().all(|c| c.is_ascii_lowercase()));
            assert!(!l.label.en.is_empty() && !l.label.lv.is_empty());
        }
        assert_eq!(LANGUAGES.iter().take(24).count(), 24);
        assert_eq!(language(" LV ").unwrap().label.lv, "Latviešu");
        assert!(language("xx").is_none());
    }
}
