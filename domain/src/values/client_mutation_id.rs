use crate::Refusal;

/// The id a client gives a mutation so that a retry is recognised (R-COPY): 1 to 100 visible
/// ASCII characters, kept exactly (a UUID fits). Stored and indexed, so it is bounded: a 1 MB id
/// or one with a NUL character reached the database and failed there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientMutationId(String);

impl ClientMutationId {
    pub const MAX_CHARS: usize = 100;
    const FIELD: &'static str = "clientMutationId";

    pub fn parse(raw: &str) -> Result<Self, Refusal> {
        if raw.is_empty() {
            return Err(Refusal::validation(
                Self::FIELD,
                "REQUIRED",
                "clientMutationId must not be empty; leave it out instead",
            ));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(Refusal::validation(
                Self::FIELD,
                "TOO_LONG",
                format!(
                    "clientMutationId must be at most {} characters",
                    Self::MAX_CHARS
                ),
            ));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Refusal::validation(
                Self::FIELD,
                "INVALID_CHARACTERS",
                "clientMutationId may contain only visible ASCII characters (no spaces)",
            ));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<ClientMutationId> for String {
    fn from(id: ClientMutationId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_visible_ascii_and_refuses_the_rest_naming_the_field() {
        let id = "copy-1:7f0c2a9e-6d3b-4a11-9f5e-0c8d2b7a4e13";
        assert_eq!(ClientMutationId::parse(id).unwrap().as_str(), id);
        assert!(ClientMutationId::parse(&"x".repeat(100)).is_ok());
        for (raw, reason) in [
            ("", "REQUIRED"),
            ("a\u{0}b", "INVALID_CHARACTERS"),
            ("a b", "INVALID_CHARACTERS"),
            ("\u{202e}abc", "INVALID_CHARACTERS"),
            (&*"x".repeat(101), "TOO_LONG"),
            (&*"x".repeat(1 << 20), "TOO_LONG"),
        ] {
            let refusal = ClientMutationId::parse(raw).unwrap_err();
            assert_eq!(refusal.reason, reason, "{raw:.20}");
            assert_eq!(refusal.field.as_deref(), Some("clientMutationId"));
        }
    }
}
