use super::{Label, Procedure};
use crate::values::CountryCode;
use crate::Refusal;
use serde::Serialize;

/// Why a country is in scope: it decides whether procedure B covers it (R-SCOPE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CountryGroup {
    /// An EU member state.
    Eu,
    /// An EEA country outside the EU: Norway, Iceland, Liechtenstein.
    Eea,
    /// Türkiye, North Macedonia, Serbia: in scope for procedures A and C only.
    Associated,
}

/// A host country that some procedure covers. `code` is ISO 3166-1 alpha-2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Country {
    pub code: &'static str,
    pub label: Label,
    pub group: CountryGroup,
}

impl Country {
    pub fn in_scope_of(&self, procedure: Procedure) -> bool {
        match procedure {
            Procedure::A | Procedure::C => true,
            Procedure::B => matches!(self.group, CountryGroup::Eu | CountryGroup::Eea),
        }
    }
}

const fn eu(code: &'static str, en: &'static str, lv: &'static str) -> Country {
    Country {
        code,
        label: Label::new(en, lv),
        group: CountryGroup::Eu,
    }
}

const fn eea(code: &'static str, en: &'static str, lv: &'static str) -> Country {
    Country {
        code,
        label: Label::new(en, lv),
        group: CountryGroup::Eea,
    }
}

const fn associated(code: &'static str, en: &'static str, lv: &'static str) -> Country {
    Country {
        code,
        label: Label::new(en, lv),
        group: CountryGroup::Associated,
    }
}

/// Every country in the scope of some procedure: 27 EU, 3 EEA, 3 associated.
pub const COUNTRIES: &[Country] = &[
    eu("AT", "Austria", "Austrija"),
    eu("BE", "Belgium", "Beļģija"),
    eu("BG", "Bulgaria", "Bulgārija"),
    eu("HR", "Croatia", "Horvātija"),
    eu("CY", "Cyprus", "Kipra"),
    eu("CZ", "Czechia", "Čehija"),
    eu("DK", "Denmark", "Dānija"),
    eu("EE", "Estonia", "Igaunija"),
    eu("FI", "Finland", "Somija"),
    eu("FR", "France", "Francija"),
    eu("DE", "Germany", "Vācija"),
    eu("GR", "Greece", "Grieķija"),
    eu("HU", "Hungary", "Ungārija"),
    eu("IE", "Ireland", "Īrija"),
    eu("IT", "Italy", "Itālija"),
    eu("LV", "Latvia", "Latvija"),
    eu("LT", "Lithuania", "Lietuva"),
    eu("LU", "Luxembourg", "Luksemburga"),
    eu("MT", "Malta", "Malta"),
    eu("NL", "Netherlands", "Nīderlande"),
    eu("PL", "Poland", "Polija"),
    eu("PT", "Portugal", "Portugāle"),
    eu("RO", "Romania", "Rumānija"),
    eu("SK", "Slovakia", "Slovākija"),
    eu("SI", "Slovenia", "Slovēnija"),
    eu("ES", "Spain", "Spānija"),
    eu("SE", "Sweden", "Zviedrija"),
    eea("IS", "Iceland", "Islande"),
    eea("LI", "Liechtenstein", "Lihtenšteina"),
    eea("NO", "Norway", "Norvēģija"),
    associated("MK", "North Macedonia", "Ziemeļmaķedonija"),
    associated("RS", "Serbia", "Serbija"),
    associated("TR", "Türkiye", "Turcija"),
];

/// The country with this code, if any procedure covers it.
pub fn country(code: &CountryCode) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code == code.as_str())
}

/// The host countries a procedure covers: 33 for A and C, 30 for B.
pub fn scope(procedure: Procedure) -> Vec<&'static Country> {
    COUNTRIES
        .iter()
        .filter(|c| c.in_scope_of(procedure))
        .collect()
}

pub fn in_scope(procedure: Procedure, code: &CountryCode) -> bool {
    country(code).is_some_and(|c| c.in_scope_of(procedure))
}

/// R-SCOPE as a refusal on the field `hostCountry` (re-label it with [`Refusal::in_field`]).
pub fn require_in_scope(procedure: Procedure, code: &CountryCode) -> Result<(), Refusal> {
    if in_scope(procedure, code) {
        return Ok(());
    }
    let covered = match procedure {
        Procedure::A | Procedure::C => {
            "the EU member states, Norway, Iceland, Liechtenstein, Türkiye, North Macedonia and Serbia"
        }
        Procedure::B => "the EU member states, Norway, Iceland and Liechtenstein",
    };
    Err(Refusal::validation(
        "hostCountry",
        "COUNTRY_OUT_OF_SCOPE",
        format!(
            "{} is outside the geographic scope of procedure {}, which covers {covered}",
            code.as_str(),
            procedure.as_str()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn code(raw: &str) -> CountryCode {
        CountryCode::parse(raw).unwrap()
    }

    #[test]
    fn procedures_a_and_c_cover_33_countries_and_b_30() {
        assert_eq!(scope(Procedure::A).len(), 33);
        assert_eq!(scope(Procedure::C).len(), 33);
        assert_eq!(scope(Procedure::B).len(), 30);
        let groups = |g| COUNTRIES.iter().filter(|c| c.group == g).count();
        assert_eq!(groups(CountryGroup::Eu), 27);
        assert_eq!(groups(CountryGroup::Eea), 3);
        assert_eq!(groups(CountryGroup::Associated), 3);
    }

    #[test]
    fn codes_are_unique_iso_codes_with_both_labels() {
        let mut seen = HashSet::new();
        for c in COUNTRIES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert_eq!(CountryCode::parse(c.code).unwrap().as_str(), c.code);
            assert!(!c.label.en.is_empty() && !c.label.lv.is_empty());
        }
    }

    #[test]
    fn turkiye_north_macedonia_and_serbia_are_in_a_and_c_but_not_b() {
        for raw in ["TR", "MK", "RS"] {
            assert!(in_scope(Procedure::A, &code(raw)), "{raw} in A");
            assert!(in_scope(Procedure::C, &code(raw)), "{raw} in C");
            assert!(!in_scope(Procedure::B, &code(raw)), "{raw} not in B");
        }
        for raw in ["LV", "NO", "IS", "LI", "GR"] {
            assert!(in_scope(Procedure::B, &code(raw)), "{raw} in B");
        }
    }

    #[test]
    fn countries_outside_every_scope_are_refused_with_a_clear_error() {
        for raw in ["US", "GB", "CH", "UA"] {
            assert!(!in_scope(Procedure::A, &code(raw)));
        }
        let err = require_in_scope(Procedure::B, &code("TR")).unwrap_err();
        assert_eq!(err.reason, "COUNTRY_OUT_OF_SCOPE");
        assert_eq!(err.field.as_deref(), Some("hostCountry"));
        assert!(err.message.contains("procedure B"));
        assert!(require_in_scope(Procedure::A, &code("TR")).is_ok());
        assert_eq!(country(&code("TR")).unwrap().label.lv, "Turcija");
    }
}
