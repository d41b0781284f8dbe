use super::Label;
use crate::values::{CountryCode, EuropassNumber};
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// Who issues a mobility's certificates (R-REQ): the NEC of a country, or Europass Try Out
/// (R-TRYOUT), which approves at once, numbers in its own series and is deleted after 24 hours.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issuer {
    Nec { country: CountryCode },
    TryOut,
}

/// The National Europass Centres this register issues for, by country.
const NECS: &[(&str, Label)] = &[(
    "LV",
    Label::new(
        "Academic Information Centre – NEC Latvia",
        "Akadēmiskās informācijas centrs – Latvijas NEC",
    ),
)];

const TRY_OUT_LABEL: Label = Label::new("Europass Try Out", "Europass Try Out");

const TRY_OUT_CODE: &str = "TRY-OUT";
const NEC_CODE_PREFIX: &str = "NEC-";

/// Every issuer a request may name, NECs first.
pub fn issuers() -> Vec<Issuer> {
    NECS.iter()
        .filter_map(|(code, _)| CountryCode::parse(code).ok())
        .map(|country| Issuer::Nec { country })
        .chain(std::iter::once(Issuer::TryOut))
        .collect()
}

impl Issuer {
    /// The Latvian NEC, the register's own.
    pub fn nec_latvia() -> Self {
        Self::Nec {
            country: CountryCode::parse("LV").expect("LV is an ISO code"),
        }
    }

    pub fn is_try_out(&self) -> bool {
        matches!(self, Self::TryOut)
    }

    /// The stable id a client sends: `NEC-LV`, `TRY-OUT`.
    pub fn code(&self) -> String {
        match self {
            Self::Nec { country } => format!("{NEC_CODE_PREFIX}{}", country.as_str()),
            Self::TryOut => TRY_OUT_CODE.to_string(),
        }
    }

    /// A listed issuer from its [`code`](Self::code) (any case); refuses unlisted ones.
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim().to_uppercase();
        issuers()
            .into_iter()
            .find(|issuer| issuer.code() == value)
            .ok_or_else(unknown)
    }

    /// The issuer's name, or `None` for an NEC this register does not issue for.
    pub fn label(&self) -> Option<Label> {
        match self {
            Self::Nec { country } => NECS
                .iter()
                .find(|(code, _)| *code == country.as_str())
                .map(|(_, label)| *label),
            Self::TryOut => Some(TRY_OUT_LABEL),
        }
    }

    /// The issuer's name, refusing an NEC this register does not issue for.
    pub fn require_label(&self) -> Result<Label, Refusal> {
        self.label().ok_or_else(unknown)
    }

    /// The prefix of the issuer's Europass number series: the NEC's country code (`LV`), or
    /// `TRY` for Try Out, which never touches a real series.
    pub fn series_prefix(&self) -> &str {
        match self {
            Self::Nec { country } => country.as_str(),
            Self::TryOut => EuropassNumber::TRY_OUT_PREFIX,
        }
    }
}

fn unknown() -> Refusal {
    Refusal::validation(
        "issuer",
        "UNKNOWN_ISSUER",
        "issuer must be the NEC of Latvia (NEC-LV) or Europass Try Out (TRY-OUT)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latvian_nec_and_try_out_are_listed_with_labels_and_series() {
        let all = issuers();
        assert_eq!(all, vec![Issuer::nec_latvia(), Issuer::TryOut]);
        let lv = Issuer::nec_latvia();
        assert_eq!(lv.code(), "NEC-LV");
        assert_eq!(lv.series_prefix(), "LV");
        assert_eq!(
            lv.label().unwrap().en,
            "Academic Information Centre – NEC Latvia"
        );
        assert_eq!(
            lv.label().unwrap().lv,
            "Akadēmiskās informācijas centrs – Latvijas NEC"
        );
        assert_eq!(Issuer::TryOut.series_prefix(), "TRY");
        assert!(Issuer::TryOut.is_try_out() && !lv.is_try_out());
    }

    #[test]
    fn parses_codes_and_refuses_unlisted_issuers() {
        assert_eq!(Issuer::parse(" nec-lv ").unwrap(), Issuer::nec_latvia());
        assert_eq!(Issuer::parse("TRY-OUT").unwrap(), Issuer::TryOut);
        assert_eq!(
            Issuer::parse("NEC-DE").unwrap_err().reason,
            "UNKNOWN_ISSUER"
        );
        let german = Issuer::Nec {
            country: CountryCode::parse("DE").unwrap(),
        };
        assert!(german.label().is_none());
        assert_eq!(
            german.require_label().unwrap_err().field.as_deref(),
            Some("issuer")
        );
    }

    #[test]
    fn serialises_with_a_kind_tag() {
        assert_eq!(
            serde_json::to_value(Issuer::nec_latvia()).unwrap(),
            serde_json::json!({"kind": "nec", "country": "LV"})
        );
        assert_eq!(
            serde_json::to_value(Issuer::TryOut).unwrap(),
            serde_json::json!({"kind": "try_out"})
        );
    }
}
