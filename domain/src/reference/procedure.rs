use super::Label;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The three ways to request a certificate (R-PROC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Procedure {
    /// Erasmus+, Nordplus or a listed bilateral programme: programme and project number; the
    /// quality criteria are deemed met.
    A,
    /// Outside those programmes: a short description and an explicit confirmation of the
    /// quality criteria.
    B,
    /// An individual without a sending institution, in certain programmes: programme and
    /// project number.
    C,
}

impl Procedure {
    pub const ALL: [Procedure; 3] = [Procedure::A, Procedure::B, Procedure::C];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        match raw.trim().to_uppercase().as_str() {
            "A" => Ok(Self::A),
            "B" => Ok(Self::B),
            "C" => Ok(Self::C),
            _ => Err(Refusal::validation(
                "procedure",
                "UNKNOWN_PROCEDURE",
                "procedure must be A, B or C",
            )),
        }
    }

    pub fn label(self) -> Label {
        match self {
            Self::A => Label::new(
                "Procedure A: learning abroad within Erasmus+, Nordplus or a listed bilateral programme",
                "A procedūra: mācības ārvalstīs Erasmus+, Nordplus vai noteiktas divpusējās programmas ietvaros",
            ),
            Self::B => Label::new(
                "Procedure B: learning abroad outside these programmes",
                "B procedūra: mācības ārvalstīs ārpus minētajām programmām",
            ),
            Self::C => Label::new(
                "Procedure C: an individual without a sending institution, in certain programmes",
                "C procedūra: individuāla persona bez nosūtošās iestādes noteiktās programmās",
            ),
        }
    }

    /// Whether a programme is picked from a list (A and C) rather than described (B).
    pub fn has_programmes(self) -> bool {
        !matches!(self, Self::B)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_serialises_as_a_letter() {
        assert_eq!(Procedure::parse(" b ").unwrap(), Procedure::B);
        assert_eq!(
            Procedure::parse("D").unwrap_err().reason,
            "UNKNOWN_PROCEDURE"
        );
        assert_eq!(serde_json::to_value(Procedure::C).unwrap(), "C");
        for p in Procedure::ALL {
            assert_eq!(Procedure::parse(p.as_str()).unwrap(), p);
            assert!(!p.label().en.is_empty() && !p.label().lv.is_empty());
        }
    }
}
