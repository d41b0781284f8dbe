//! Latvian and English (Fluent files in `api/locales/`, compiled into the binary): which
//! language a visit gets, and the texts in it.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::LanguageIdentifier;
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would end up inside form values and
        // e-mail addresses shown on the page.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The portal's languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Lv,
    En,
}

static LV: LanguageIdentifier = fluent_templates::langid!("lv");
static EN: LanguageIdentifier = fluent_templates::langid!("en");

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Lv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Lv => "lv",
            Lang::En => "en",
        }
    }

    /// The other language (the switch on every page offers it).
    pub fn other(self) -> Lang {
        match self {
            Lang::Lv => Lang::En,
            Lang::En => Lang::Lv,
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Lv => "Latviešu",
            Lang::En => "English",
        }
    }

    /// `LV` or `EN`, as the API's `Language` enum writes it.
    pub fn api(self) -> &'static str {
        match self {
            Lang::Lv => "LV",
            Lang::En => "EN",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "lv" => Some(Lang::Lv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a first visit gets: the browser's preference among ours (by `q`, then
    /// order), English for anything else (hosts abroad read English).
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for range in header.unwrap_or_default().split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(primary) {
                if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                    best = Some((q, lang));
                }
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Lv => &LV,
            Lang::En => &EN,
        }
    }

    /// The text of `key` (a missing key shows as the key, and the page tests find it).
    pub fn t(self, key: &str) -> String {
        self.try_t(key, &[]).unwrap_or_else(|| format!("??{key}??"))
    }

    /// The text of `key` with arguments.
    pub fn ta(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        self.try_t(key, args)
            .unwrap_or_else(|| format!("??{key}??"))
    }

    /// The text of `key` if this language has it.
    pub fn try_t(self, key: &str, args: &[(&'static str, Arg)]) -> Option<String> {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(text) => FluentValue::from(text.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        LOCALES.lookup_no_default_fallback(self.id(), key, Some(&args))
    }

    /// A date as people of this language write it (`7.12.2026.` or `7 December 2026`).
    pub fn date(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        match self {
            Lang::Lv => format!("{}.{}.{}.", date.day(), date.month(), date.year()),
            Lang::En => format!(
                "{} {} {}",
                date.day(),
                self.t(&format!("month-{}", date.month())),
                date.year()
            ),
        }
    }

    /// A moment in UTC, to the minute.
    pub fn date_time(self, at: chrono::DateTime<chrono::Utc>) -> String {
        format!("{} {} UTC", self.date(at.date_naive()), at.format("%H:%M"))
    }
}

/// A Fluent argument.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_string())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_visit_follows_accept_language() {
        assert_eq!(
            Lang::from_accept_language(Some("lv-LV,lv;q=0.9,en;q=0.8")),
            Lang::Lv
        );
        assert_eq!(
            Lang::from_accept_language(Some("de-DE,en;q=0.5,lv;q=0.4")),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language(Some("en;q=0.2, lv;q=0.7")),
            Lang::Lv
        );
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::En);
        assert_eq!(Lang::from_accept_language(None), Lang::En);
    }

    #[test]
    fn latvian_plurals_follow_cldr() {
        let users = |n: i64| Lang::Lv.ta("users-count", &[("count", n.into())]);
        assert_eq!(users(1), "1 lietotājs");
        assert_eq!(users(21), "21 lietotājs");
        // With numerals Latvian takes the nominative plural (CLDR's "zero" numbers too).
        assert_eq!(users(0), "0 lietotāji");
        assert_eq!(users(11), "11 lietotāji");
        assert_eq!(users(30), "30 lietotāji");
        assert_eq!(users(3), "3 lietotāji");
        let en = |n: i64| Lang::En.ta("users-count", &[("count", n.into())]);
        assert_eq!(en(1), "1 user");
        assert_eq!(en(3), "3 users");
    }

    #[test]
    fn both_languages_have_every_key() {
        let keys = |lang: &str| -> std::collections::BTreeSet<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(lang);
            let mut keys = std::collections::BTreeSet::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for line in text.lines() {
                    if let Some((key, _)) = line.split_once(" =") {
                        if !key.starts_with(['#', ' ', '-']) && !key.is_empty() {
                            keys.insert(key.trim().to_string());
                        }
                    }
                }
            }
            keys
        };
        let (lv, en) = (keys("lv"), keys("en"));
        assert!(en.len() > 50, "{}", en.len());
        let only_en: Vec<_> = en.difference(&lv).collect();
        let only_lv: Vec<_> = lv.difference(&en).collect();
        assert!(
            only_en.is_empty() && only_lv.is_empty(),
            "only EN: {only_en:?}; only LV: {only_lv:?}"
        );
        // Every message resolves in both languages as the server reads the files, given the
        // arguments the portal passes (`api/locales/check.py` checks each message's own).
        let text = |v: &str| Arg::Text(v.to_string());
        let args: Vec<(&'static str, Arg)> = vec![
            ("count", 2.into()),
            ("limit", 3.into()),
            ("n", 1.into()),
            ("seconds", 30.into()),
            ("complete", 1.into()),
            ("number", text("LV/2026/000001-4")),
            ("name", text("Jānis")),
            ("institution", text("Skola")),
            ("request", text("A")),
            ("email", text("a@b.lv")),
            ("until", text("1.1.2027.")),
            ("procedure", text("A")),
            ("start", text("1.1.2027.")),
            ("end", text("2.1.2027.")),
            ("earliest", text("1.1.2027.")),
            ("reference", text("x")),
            ("date", text("1.1.2027.")),
            ("version", text("2")),
            ("fields", text("Name")),
            ("documents", text("LV/2026/000001-4")),
            ("reason", text("wrong person")),
        ];
        for key in &en {
            for lang in Lang::ALL {
                assert!(lang.try_t(key, &args).is_some(), "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn dates_are_written_as_each_language_does() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(Lang::Lv.date(day), "7.12.2026.");
        assert_eq!(Lang::En.date(day), "7 December 2026");
    }
}
