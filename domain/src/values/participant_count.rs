use crate::Refusal;
use serde::{Deserialize, Serialize};

/// How many participants (documents) a request covers: 1 to 500. One request covers a whole
/// group, for Erasmus+ projects the expected total over the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParticipantCount(u32);

impl ParticipantCount {
    pub const MAX: u32 = 500;

    pub fn parse(n: u32) -> Result<Self, Refusal> {
        if !(1..=Self::MAX).contains(&n) {
            return Err(Refusal::validation(
                "participants",
                "PARTICIPANTS_OUT_OF_RANGE",
                format!("participants must be between 1 and {}", Self::MAX),
            ));
        }
        Ok(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_five_hundred() {
        assert_eq!(ParticipantCount::parse(1).unwrap().get(), 1);
        assert_eq!(ParticipantCount::parse(500).unwrap().get(), 500);
        for bad in [0, 501, u32::MAX] {
            assert_eq!(
                ParticipantCount::parse(bad).unwrap_err().reason,
                "PARTICIPANTS_OUT_OF_RANGE"
            );
        }
    }
}
