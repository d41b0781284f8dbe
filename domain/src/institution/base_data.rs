use crate::values::{Address, CountryCode, Email, InstitutionName, PersonName, Phone, Website};
use crate::Personal;
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
