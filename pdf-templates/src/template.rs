//! The embedded template sources and the version that identifies them.

/// The main template.
pub(crate) const CERTIFICATE_TYP: &str = include_str!("../certificate.typ");
/// English and Latvian labels, read by the template as JSON (and by the tests, to check that
/// a certificate never mixes the two languages).
pub(crate) const LABELS_JSON: &str = include_str!("../labels.json");

/// Virtual paths: the only files the template can read. Fixed, never derived from data.
pub(crate) const CERTIFICATE_PATH: &str = "/certificate.typ";
pub(crate) const LABELS_PATH: &str = "/labels.json";
pub(crate) const DATA_PATH: &str = "/data.json";

/// Bump when the rendering changes in a way the hash below does not see (Rust-side options
/// such as the PDF standard, the JSON handed to the template, fonts).
const REVISION: &str = "1";

/// The typst version this crate is built and tested with; part of [`TEMPLATE_VERSION`]
/// because a different compiler may lay out the same template differently. A test checks
/// it against the compiled-in typst, so an upgrade cannot slip by unnoticed.
pub const TYPST_VERSION: &str = "0.15.1";

/// Identifies the template exactly: `REVISION-<hash>`, the hash (FNV-1a, 64 bit) taken over
/// the template sources and [`TYPST_VERSION`] at compile time. Recorded with every issued
/// certificate, so an auditor can tell whether a re-render uses the same template.
pub const TEMPLATE_VERSION: &str = match std::str::from_utf8(&VERSION_BYTES) {
    Ok(version) => version,
    Err(_) => panic!("template version is not UTF-8"),
};

const HASH: u64 = fnv1a(
    fnv1a(
        fnv1a(FNV_OFFSET, TYPST_VERSION.as_bytes()),
        CERTIFICATE_TYP.as_bytes(),
    ),
    LABELS_JSON.as_bytes(),
);

const VERSION_BYTES: [u8; REVISION.len() + 1 + 16] = {
    let mut out = [0u8; REVISION.len() + 1 + 16];
    let revision = REVISION.as_bytes();
    let mut i = 0;
    while i < revision.len() {
        out[i] = revision[i];
        i += 1;
    }
    out[i] = b'-';
    let mut nibble = 0;
    while nibble < 16 {
        let value = ((HASH >> (60 - 4 * nibble)) & 0xF) as usize;
        out[i + 1 + nibble] = b"0123456789abcdef"[value];
        nibble += 1;
    }
    out
};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

const fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_has_revision_and_hash() {
        let (revision, hash) = TEMPLATE_VERSION.split_once('-').unwrap();
        assert_eq!(revision, REVISION);
        assert_eq!(hash.len(), 16);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn typst_version_matches_the_compiled_in_compiler() {
        assert_eq!(typst::utils::version().raw(), TYPST_VERSION);
    }

    #[test]
    fn labels_have_the_same_keys_in_both_languages() {
        let labels: serde_json::Value = serde_json::from_str(LABELS_JSON).unwrap();
        let keys = |lang: &str| {
            let mut keys: Vec<_> = labels[lang].as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys("en"), keys("lv"));
    }
}
