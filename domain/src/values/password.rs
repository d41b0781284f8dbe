use crate::Refusal;

/// A password a person chose. Never serialised, never printed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let n = raw.chars().count();
        if !(10..=200).contains(&n) {
            return Err(Refusal::validation(
                "newPassword",
                "WEAK_PASSWORD",
                "password must be 10 to 200 characters long",
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}
