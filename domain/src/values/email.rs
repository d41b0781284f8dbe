use crate::Refusal;
use serde::{Deserialize, Serialize};

/// An e-mail address, trimmed and lower-cased so that one mailbox has one spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        let invalid = |msg: &str| Refusal::validation("email", "INVALID_EMAIL", msg.to_string());
        // ASCII case folding only: Unicode rules would map the Kelvin sign to "k".
        let value = raw.trim().to_ascii_lowercase();
        if value.is_empty() {
            return Err(Refusal::validation(
                "email",
                "REQUIRED",
                "e-mail must not be empty",
            ));
        }
        if value.len() > 254 {
            return Err(invalid("e-mail must be at most 254 characters"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(invalid("e-mail must contain @"));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2);
        if !local_ok || !domain_ok {
            return Err(invalid("e-mail is not a valid address"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("  Info@Skola.LV ").unwrap().as_str(),
            "info@skola.lv"
        );
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "",
            "no-at",
            "a@b",
            "a@@b.lv",
            "a b@c.lv",
            ".a@b.lv",
            "a@-b.lv",
            "a@b.l",
            "<script>@x.lv",
            "a@b.lv'; DROP TABLE events;--",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
