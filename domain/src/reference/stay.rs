use super::Label;
use serde::{Deserialize, Serialize};

/// Whether the participant was abroad or took part from home (R-PROJECT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stay {
    Physical,
    Virtual,
}

impl Stay {
    pub const ALL: [Stay; 2] = [Stay::Physical, Stay::Virtual];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Physical => "PHYSICAL",
            Self::Virtual => "VIRTUAL",
        }
    }

    pub fn label(self) -> Label {
        match self {
            Self::Physical => Label::new("Physical mobility", "Fiziskā mobilitāte"),
            Self::Virtual => Label::new("Virtual mobility", "Virtuālā mobilitāte"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_its_code() {
        for s in Stay::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert!(!s.label().lv.is_empty());
        }
    }
}
