use super::{Label, OwnedLabel, Procedure};
use serde::{Deserialize, Serialize};

/// A programme a mobility can belong to under procedure A or C. `code` is a stable id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub code: &'static str,
    pub label: Label,
    pub procedures: &'static [Procedure],
}

impl Programme {
    pub fn belongs_to(&self, procedure: Procedure) -> bool {
        self.procedures.contains(&procedure)
    }

    /// The programme as a mobility keeps it.
    pub fn snapshot(&self) -> ProgrammeSnapshot {
        ProgrammeSnapshot {
            code: self.code.to_string(),
            label: self.label.owned(),
        }
    }
}

/// A programme's code and labels as they were when a mobility was requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeSnapshot {
    pub code: String,
    pub label: OwnedLabel,
}

const A: &[Procedure] = &[Procedure::A];
const C: &[Procedure] = &[Procedure::C];

const fn entry(
    code: &'static str,
    en: &'static str,
    lv: &'static str,
    procedures: &'static [Procedure],
) -> Programme {
    Programme {
        code,
        label: Label::new(en, lv),
        procedures,
    }
}

/// Every programme, in the order a portal should list them. Procedure B has none.
pub const PROGRAMMES: &[Programme] = &[
    entry(
        "KA121-SCH",
        "Erasmus+ KA121 – accredited mobility projects, school education",
        "Erasmus+ KA121 – akreditēti mobilitātes projekti, skolu izglītība",
        A,
    ),
    entry(
        "KA122-SCH",
        "Erasmus+ KA122 – short-term mobility projects, school education",
        "Erasmus+ KA122 – īstermiņa mobilitātes projekti, skolu izglītība",
        A,
    ),
    entry(
        "KA121-VET",
        "Erasmus+ KA121 – accredited mobility projects, vocational education and training",
        "Erasmus+ KA121 – akreditēti mobilitātes projekti, profesionālā izglītība",
        A,
    ),
    entry(
        "KA122-VET",
        "Erasmus+ KA122 – short-term mobility projects, vocational education and training",
        "Erasmus+ KA122 – īstermiņa mobilitātes projekti, profesionālā izglītība",
        A,
    ),
    entry(
        "KA121-ADU",
        "Erasmus+ KA121 – accredited mobility projects, adult education",
        "Erasmus+ KA121 – akreditēti mobilitātes projekti, pieaugušo izglītība",
        A,
    ),
    entry(
        "KA122-ADU",
        "Erasmus+ KA122 – short-term mobility projects, adult education",
        "Erasmus+ KA122 – īstermiņa mobilitātes projekti, pieaugušo izglītība",
        A,
    ),
    entry(
        "KA131-HED",
        "Erasmus+ KA131 – mobility of higher education students and staff",
        "Erasmus+ KA131 – augstākās izglītības studentu un personāla mobilitāte",
        A,
    ),
    entry(
        "KA171-HED",
        "Erasmus+ KA171 – international mobility of higher education students and staff",
        "Erasmus+ KA171 – augstākās izglītības studentu un personāla starptautiskā mobilitāte",
        A,
    ),
    entry(
        "NORDPLUS-JUNIOR",
        "Nordplus Junior (school education)",
        "Nordplus Junior (skolu izglītība)",
        A,
    ),
    entry(
        "NORDPLUS-HIGHER-EDUCATION",
        "Nordplus Higher Education",
        "Nordplus Augstākā izglītība",
        A,
    ),
    entry(
        "NORDPLUS-ADULT",
        "Nordplus Adult (adult education)",
        "Nordplus Adult (pieaugušo izglītība)",
        A,
    ),
    entry(
        "NORDPLUS-HORIZONTAL",
        "Nordplus Horizontal (cross-sectoral)",
        "Nordplus Horizontal (starpnozaru)",
        A,
    ),
    entry(
        "NORDPLUS-NORDIC-LANGUAGES",
        "Nordplus Nordic Languages",
        "Nordplus Ziemeļvalstu valodas",
        A,
    ),
    entry(
        "BILATERAL-EEA-NORWAY-GRANTS",
        "EEA and Norway Grants – education and mobility (bilateral)",
        "EEZ un Norvēģijas finanšu instrumenti – izglītība un mobilitāte (divpusēja programma)",
        A,
    ),
    entry(
        "BILATERAL-SWISS-LATVIAN",
        "Swiss–Latvian Cooperation Programme (bilateral)",
        "Latvijas un Šveices sadarbības programma (divpusēja programma)",
        A,
    ),
    entry(
        "LANGUAGE-ASSISTANT",
        "Language assistant programme (teacher exchange)",
        "Skolotāju apmaiņas asistentūras programma (valodas asistenti)",
        C,
    ),
    entry(
        "ESC-VOLUNTEERING",
        "European Solidarity Corps – individual volunteering",
        "Eiropas Solidaritātes korpuss – individuālais brīvprātīgais darbs",
        C,
    ),
];

/// The programmes of a procedure, in list order; empty for procedure B.
pub fn programmes(procedure: Procedure) -> Vec<&'static Programme> {
    PROGRAMMES
        .iter()
        .filter(|p| p.belongs_to(procedure))
        .collect()
}

/// The programme with this code (trimmed, any case) if it belongs to the procedure.
pub fn programme(procedure: Procedure, code: &str) -> Option<&'static Programme> {
    let code = code.trim();
    PROGRAMMES
        .iter()
        .find(|p| p.code.eq_ignore_ascii_case(code) && p.belongs_to(procedure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_programme_has_both_labels_a_procedure_and_a_unique_code() {
        let mut codes = HashSet::new();
        for p in PROGRAMMES {
            assert!(codes.insert(p.code), "duplicate code {}", p.code);
            assert!(
                !p.label.en.trim().is_empty(),
                "{} has no English label",
                p.code
            );
            assert!(
                !p.label.lv.trim().is_empty(),
                "{} has no Latvian label",
                p.code
            );
            assert!(!p.procedures.is_empty(), "{} has no procedure", p.code);
            assert!(!p.belongs_to(Procedure::B), "{} is listed for B", p.code);
            let code_ok = p
                .code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
            assert!(code_ok, "{} is not a stable id", p.code);
        }
    }

    #[test]
    fn lists_per_procedure() {
        let a: Vec<_> = programmes(Procedure::A).iter().map(|p| p.code).collect();
        for code in [
            "KA121-SCH",
            "KA122-SCH",
            "KA121-VET",
            "KA122-VET",
            "KA121-ADU",
            "KA122-ADU",
            "KA131-HED",
            "KA171-HED",
            "NORDPLUS-JUNIOR",
            "NORDPLUS-HIGHER-EDUCATION",
            "NORDPLUS-ADULT",
            "NORDPLUS-HORIZONTAL",
            "NORDPLUS-NORDIC-LANGUAGES",
        ] {
            assert!(a.contains(&code), "{code} missing from A");
        }
        assert!(programmes(Procedure::B).is_empty());
        assert!(programmes(Procedure::C)
            .iter()
            .any(|p| p.code == "LANGUAGE-ASSISTANT"));
    }

    #[test]
    fn lookup_respects_the_procedure() {
        assert_eq!(
            programme(Procedure::A, " ka121-sch ").unwrap().code,
            "KA121-SCH"
        );
        assert!(programme(Procedure::C, "KA121-SCH").is_none());
        assert!(programme(Procedure::A, "LANGUAGE-ASSISTANT").is_none());
        assert!(programme(Procedure::A, "KA999").is_none());
        let snap = programme(Procedure::C, "LANGUAGE-ASSISTANT")
            .unwrap()
            .snapshot();
        assert_eq!(snap.code, "LANGUAGE-ASSISTANT");
        assert!(snap.label.lv.contains("asistent"));
    }
}
