//! Personal data inside events (R-ERASE).
//!
//! A `Personal<T>` serialises as `{"pii": value}`. The event store adapter encrypts every such
//! value with the key of the aggregate it belongs to before the event is written, and decrypts
//! it when events are read. Deleting that key (crypto-shredding) turns every value of the
//! aggregate into `{"pii_erased": true}`, which deserialises as [`Personal::Erased`]. The domain
//! therefore never sees ciphertext, and an erased value is a normal state, not an error.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Personal<T> {
    Known(T),
    Erased,
}

impl<T> Personal<T> {
    pub fn new(value: T) -> Self {
        Self::Known(value)
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Self::Known(v) => Some(v),
            Self::Erased => None,
        }
    }

    pub fn into_known(self) -> Option<T> {
        match self {
            Self::Known(v) => Some(v),
            Self::Erased => None,
        }
    }
}

/// The JSON key under which a personal value travels before encryption.
pub const PII_KEY: &str = "pii";
/// The JSON key that marks a value whose key was deleted.
pub const PII_ERASED_KEY: &str = "pii_erased";

#[derive(Serialize, Deserialize)]
enum Wire<T> {
    #[serde(rename = "pii")]
    Known(T),
    #[serde(rename = "pii_erased")]
    Erased(bool),
}

impl<T: Serialize + Clone> Serialize for Personal<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(v) => Wire::Known(v.clone()).serialize(s),
            Self::Erased => Wire::<T>::Erased(true).serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Personal<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Wire::<T>::deserialize(d)? {
            Wire::Known(v) => Self::Known(v),
            Wire::Erased(_) => Self::Erased,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_erased_round_trip() {
        let known = Personal::new("Bērziņš".to_string());
        let json = serde_json::to_value(&known).unwrap();
        assert_eq!(json, serde_json::json!({"pii": "Bērziņš"}));
        assert_eq!(
            serde_json::from_value::<Personal<String>>(json).unwrap(),
            known
        );
        let erased: Personal<String> =
            serde_json::from_value(serde_json::json!({"pii_erased": true})).unwrap();
        assert_eq!(erased, Personal::Erased);
    }
}
