use crate::Refusal;
use serde::{Deserialize, Serialize};

/// A public web address with an http(s) scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Website(String);

impl Website {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let value = raw.trim();
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.') && !host.starts_with('.')
        }) && value.len() <= 300
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c));
        if !ok {
            return Err(Refusal::validation(
                "website",
                "INVALID_WEBSITE",
                "website must be an http:// or https:// address",
            ));
        }
        Ok(Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_scheme_and_host() {
        assert!(Website::parse("https://skola.lv/par-mums").is_ok());
        assert!(Website::parse("skola.lv").is_err());
        assert!(Website::parse("javascript:alert(1)").is_err());
        assert!(Website::parse("https://x.lv/<script>").is_err());
    }
}
