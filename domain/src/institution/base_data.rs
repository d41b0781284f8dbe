use crate::document::{Choice, ChoiceInput};
use crate::reference::HOST_ORGANISATION_TYPES;
use crate::values::{
    Address, CountryCode, Email, InstitutionName, PersonName, Phone, ShortText, Website,
};
use crate::Personal;
use crate::Refusal;
use serde::{Deserialize, Serialize};

/// The institution's base data as a whole (R-BASE). Events carry the complete set so that a
/// document can show the base data exactly as they stood when it was issued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaseData {
    pub name: InstitutionName,
    pub address: Option<Address>,
    pub country: Option<CountryCode>,
    /// A person: erasable.
    pub contact_person: Option<Personal<PersonName>>,
    pub phone: Option<Personal<Phone>>,
    pub email: Personal<Email>,
    pub website: Option<Website>,
    /// The type of organisation (the host organisations' list, or a free text); printed in
    /// the certificate's section 3. Added in issue 22: older events read as none.
    #[serde(default)]
    pub organisation_type: Option<Choice>,
    /// The reference (contact) person's position, printed beside the name and signature.
    #[serde(default)]
    pub contact_position: Option<ShortText>,
}

/// An organisation type as one string: a code of the list, else a free text.
pub fn organisation_type(raw: &str, field: &str) -> Result<Choice, Refusal> {
    let input = if HOST_ORGANISATION_TYPES.iter().any(|e| e.code == raw.trim()) {
        ChoiceInput::Listed(raw.trim().to_string())
    } else {
        ChoiceInput::Other(raw.to_string())
    };
    Choice::parse(
        input,
        HOST_ORGANISATION_TYPES,
        field,
        "UNKNOWN_ORGANISATION_TYPE",
    )
}

impl BaseData {
    /// Base data as known at registration: a name and the registering e-mail.
    pub fn at_registration(name: InstitutionName, email: Email) -> Self {
        Self {
            name,
            address: None,
            country: None,
            contact_person: None,
            phone: None,
            email: Personal::new(email),
            website: None,
            organisation_type: None,
            contact_position: None,
        }
    }

    /// The fields whose value differs in `next`, named as the API names them.
    pub fn changed_fields(&self, next: &BaseData) -> Vec<String> {
        [
            ("name", self.name != next.name),
            ("address", self.address != next.address),
            ("country", self.country != next.country),
            ("contactPerson", self.contact_person != next.contact_person),
            ("phone", self.phone != next.phone),
            ("email", self.email != next.email),
            ("website", self.website != next.website),
            (
                "organisationType",
                self.organisation_type != next.organisation_type,
            ),
            (
                "contactPosition",
                self.contact_position != next.contact_position,
            ),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(field, _)| field.to_string())
        .collect()
    }

    /// The fields a portal should ask for before documents can be requested.
    pub fn missing_fields(&self) -> Vec<&'static str> {
        let mut missing = vec![];
        if self.address.is_none() {
            missing.push("address");
        }
        if self.country.is_none() {
            missing.push("country");
        }
        if self.contact_person.is_none() {
            missing.push("contactPerson");
        }
        if self.phone.is_none() {
            missing.push("phone");
        }
        missing
    }
}
