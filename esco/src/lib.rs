//! R-OUTCOMES: ESCO occupations and skills to help fill learning outcomes.
//!
//! The index is local: [`import_dir`] loads the official ESCO CSV download
//! (`occupations_<lang>.csv`, `skills_<lang>.csv` for `en` and `lv`) into `esco_concepts`, and
//! [`LocalEsco`] searches it. Where an ESCO web API is configured, [`EscoWebApi`] answers the
//! same [`EscoSearch`] trait instead.
//!
//! Search is tolerant to missing diacritics and to partial words: labels and queries are both
//! [`normalise`]d (lower case, diacritics folded, punctuation as spaces) and every word of the
//! query must occur somewhere in a concept's labels or description. Hits are ranked: an exact
//! label before a label that starts with the query, before labels whose words start with the
//! query's words, before labels that merely contain them, before a match in the description
//! alone; at each step the preferred label before the alternative ones.

//!
//! Reference data, not a projection: it depends on no other crate of the workspace, and
//! nothing it stores is derived from events (`esco_concepts` is filled by the operator's
//! `esco-import`).

mod import;
mod local;
mod web_api;

pub use import::{import_dir, ImportReport, ImportedFile};
pub use local::LocalEsco;
pub use web_api::EscoWebApi;

use futures::future::BoxFuture;

/// The most hits one search returns.
pub const MAX_RESULTS: usize = 50;

/// Words of a query beyond this many are ignored.
const MAX_QUERY_WORDS: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EscoKind {
    Occupation,
    Skill,
}

impl EscoKind {
    pub const ALL: [EscoKind; 2] = [EscoKind::Occupation, EscoKind::Skill];

    /// As stored in `esco_concepts.kind` and as the ESCO web API's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Occupation => "occupation",
            Self::Skill => "skill",
        }
    }

    fn file_stem(self) -> &'static str {
        match self {
            Self::Occupation => "occupations",
            Self::Skill => "skills",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EscoLanguage {
    En,
    Lv,
}

impl EscoLanguage {
    pub const ALL: [EscoLanguage; 2] = [EscoLanguage::En, EscoLanguage::Lv];

    /// The ISO 639-1 code, as in the file names, the table and the web API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Lv => "lv",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscoQuery {
    pub text: String,
    pub kind: EscoKind,
    pub language: EscoLanguage,
    /// How many hits at most (capped at [`MAX_RESULTS`]).
    pub first: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EscoHit {
    pub uri: String,
    pub preferred_label: String,
    pub description: Option<String>,
    pub kind: EscoKind,
    /// In (0, 1]; higher is better. Comparable within one answer only.
    pub score: f64,
}

/// Finds ESCO concepts; the local index or the ESCO web API.
pub trait EscoSearch: Send + Sync {
    fn search<'a>(&'a self, query: &'a EscoQuery) -> BoxFuture<'a, anyhow::Result<Vec<EscoHit>>>;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/// The search form of a text: lower case; diacritics folded (Latvian ā č ē ģ ī ķ ļ ņ š ū ž to
/// a c e g i k l n s u z, and the other Latin letters with diacritics, ligatures and ß alike);
/// apostrophes dropped; every other run of non-alphanumeric characters one space; trimmed.
/// The result holds only alphanumeric characters and single spaces, so it is safe inside a
/// LIKE pattern.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        for lower in c.to_lowercase() {
            if is_dropped(lower) {
                continue;
            }
            if let Some(folded) = fold(lower) {
                push_word_chars(&mut out, &mut space, folded.chars());
            } else if lower.is_alphanumeric() {
                push_word_chars(&mut out, &mut space, std::iter::once(lower));
            } else {
                space = true;
            }
        }
    }
    out
}

fn push_word_chars(out: &mut String, space: &mut bool, chars: impl Iterator<Item = char>) {
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    out.extend(chars);
}

/// Apostrophes (so that `children's` matches `childrens`), soft hyphens and combining marks.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{02BC}' | '\u{00AD}' | '\u{0300}'..='\u{036F}'
    )
}

/// Lower-case Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A, Romanian
/// comma-below letters) and ligatures, to plain ASCII.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The distinct words of a normalised query, at most [`MAX_QUERY_WORDS`].
fn query_words(normalised: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in normalised.split(' ').filter(|w| !w.is_empty()) {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
        if words.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_case_diacritics_and_punctuation() {
        assert_eq!(normalise("Bērziņš"), "berzins");
        assert_eq!(
            normalise("ĀČĒĢĪĶĻŅŠŪŽ āčēģīķļņšūž"),
            "acegiklnsuz acegiklnsuz"
        );
        assert_eq!(normalise("Metinātājs (MIG/MAG)"), "metinatajs mig mag");
        assert_eq!(normalise("  café, crème brûlée  "), "cafe creme brulee");
        assert_eq!(
            normalise("Straße Œuvre Æsir Łódź ș ț"),
            "strasse oeuvre aesir lodz s t"
        );
        assert_eq!(normalise("children's e-commerce"), "childrens e commerce");
        assert_eq!(normalise("ICT 2.0"), "ict 2 0");
        assert_eq!(normalise("%_\\"), "");
        // Combining marks (decomposed input) are dropped too.
        assert_eq!(normalise("e\u{0301}cole"), "ecole");
    }

    #[test]
    fn query_words_are_distinct_and_bounded() {
        assert_eq!(query_words("prepare food food"), vec!["prepare", "food"]);
        assert_eq!(query_words("").len(), 0);
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(query_words(&many).len(), MAX_QUERY_WORDS);
    }
}
