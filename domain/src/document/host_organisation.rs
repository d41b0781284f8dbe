//! R-HOSTORG: the host organisation and the mentor who supported the participant there. The
//! mentor's names, phone and e-mail are personal data; the e-mail is also the host's login, so
//! it decides which documents a host account sees (R-HOST).

use super::choice::{Choice, ChoiceInput};
use super::input::{diff, erase, is_erased, is_known, personal, text};
use crate::reference::{require_in_scope, Procedure, HOST_ORGANISATION_TYPES};
use crate::values::{Address, CountryCode, Email, InstitutionName, NamePart, Phone, ShortText};
use crate::Personal;
use crate::Refusal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HostOrganisation {
    name: Option<InstitutionName>,
    organisation_type: Option<Choice>,
    address: Option<Address>,
    country: Option<CountryCode>,
    mentor_first_name: Option<Personal<NamePart>>,
    mentor_last_name: Option<Personal<NamePart>>,
    position: Option<ShortText>,
    phone: Option<Personal<Phone>>,
    email: Option<Personal<Email>>,
}

/// The new value of one host organisation field (`None`: cleared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "camelCase")]
pub enum HostOrganisationChange {
    Name(Option<InstitutionName>),
    Type(Option<Choice>),
    Address(Option<Address>),
    Country(Option<CountryCode>),
    MentorFirstName(Option<Personal<NamePart>>),
    MentorLastName(Option<Personal<NamePart>>),
    Position(Option<ShortText>),
    Phone(Option<Personal<Phone>>),
    Email(Option<Personal<Email>>),
}

/// A partial save of the host organisation: `None` leaves a field as it is; an empty text (or
/// `Some(None)`) clears it.
#[derive(Clone, Debug, Default)]
pub struct HostOrganisationPatch {
    pub name: Option<String>,
    /// A code of [`HOST_ORGANISATION_TYPES`] or a free text.
    pub organisation_type: Option<Option<ChoiceInput>>,
    pub address: Option<String>,
    /// ISO 3166-1 alpha-2, in the scope of the mobility's procedure (R-SCOPE).
    pub country: Option<String>,
    pub mentor_first_name: Option<String>,
    pub mentor_last_name: Option<String>,
    /// The mentor's position.
    pub position: Option<String>,
    pub phone: Option<String>,
    /// The host's contact e-mail: the login of the host account.
    pub email: Option<String>,
}

impl HostOrganisation {
    pub fn name(&self) -> Option<&InstitutionName> {
        self.name.as_ref()
    }

    pub fn organisation_type(&self) -> Option<&Choice> {
        self.organisation_type.as_ref()
    }

    pub fn address(&self) -> Option<&Address> {
        self.address.as_ref()
    }

    pub fn country(&self) -> Option<&CountryCode> {
        self.country.as_ref()
    }

    pub fn mentor_first_name(&self) -> Option<&Personal<NamePart>> {
        self.mentor_first_name.as_ref()
    }

    pub fn mentor_last_name(&self) -> Option<&Personal<NamePart>> {
        self.mentor_last_name.as_ref()
    }

    pub fn position(&self) -> Option<&ShortText> {
        self.position.as_ref()
    }

    pub fn phone(&self) -> Option<&Personal<Phone>> {
        self.phone.as_ref()
    }

    pub fn email(&self) -> Option<&Personal<Email>> {
        self.email.as_ref()
    }

    pub(super) fn apply(&mut self, change: HostOrganisationChange) {
        match change {
            HostOrganisationChange::Name(v) => self.name = v,
            HostOrganisationChange::Type(v) => self.organisation_type = v,
            HostOrganisationChange::Address(v) => self.address = v,
            HostOrganisationChange::Country(v) => self.country = v,
            HostOrganisationChange::MentorFirstName(v) => self.mentor_first_name = v,
            HostOrganisationChange::MentorLastName(v) => self.mentor_last_name = v,
            HostOrganisationChange::Position(v) => self.position = v,
            HostOrganisationChange::Phone(v) => self.phone = v,
            HostOrganisationChange::Email(v) => self.email = v,
        }
    }

    /// The current value of the field `name`, or `None` for an unknown name.
    pub(super) fn value_of(&self, name: &str) -> Option<HostOrganisationChange> {
        Some(match name {
            "name" => HostOrganisationChange::Name(self.name.clone()),
            "type" => HostOrganisationChange::Type(self.organisation_type.clone()),
            "address" => HostOrganisationChange::Address(self.address.clone()),
            "country" => HostOrganisationChange::Country(self.country.clone()),
            "mentorFirstName" => {
                HostOrganisationChange::MentorFirstName(self.mentor_first_name.clone())
            }
            "mentorLastName" => {
                HostOrganisationChange::MentorLastName(self.mentor_last_name.clone())
            }
            "position" => HostOrganisationChange::Position(self.position.clone()),
            "phone" => HostOrganisationChange::Phone(self.phone.clone()),
            "email" => HostOrganisationChange::Email(self.email.clone()),
            _ => return None,
        })
    }

    /// The mentor's known personal values, as changes that set them again (an erasure of the
    /// participant's data keeps them: see `DocumentEvent::ParticipantDataErased`).
    pub(super) fn personal_values(&self) -> Vec<HostOrganisationChange> {
        let mut kept = vec![];
        if is_known(&self.mentor_first_name) {
            kept.push(HostOrganisationChange::MentorFirstName(
                self.mentor_first_name.clone(),
            ));
        }
        if is_known(&self.mentor_last_name) {
            kept.push(HostOrganisationChange::MentorLastName(
                self.mentor_last_name.clone(),
            ));
        }
        if is_known(&self.phone) {
            kept.push(HostOrganisationChange::Phone(self.phone.clone()));
        }
        if is_known(&self.email) {
            kept.push(HostOrganisationChange::Email(self.email.clone()));
        }
        kept
    }

    /// The mentor's personal values share the document's key, so deleting it erases them;
    /// the erasure event sets the known ones again.
    pub(super) fn erase(&mut self) {
        erase(&mut self.mentor_first_name);
        erase(&mut self.mentor_last_name);
        erase(&mut self.phone);
        erase(&mut self.email);
    }

    /// R-SCOPE for the document's procedure, whether the country was typed or copied.
    pub(super) fn check(
        changes: &[HostOrganisationChange],
        procedure: Procedure,
    ) -> Result<(), Refusal> {
        for change in changes {
            if let HostOrganisationChange::Country(Some(country)) = change {
                require_in_scope(procedure, country)
                    .map_err(|e| e.in_field("hostOrganisation.country"))?;
            }
        }
        Ok(())
    }
}

impl HostOrganisationChange {
    /// The camelCase field name, e.g. `mentorLastName`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Name(_) => "name",
            Self::Type(_) => "type",
            Self::Address(_) => "address",
            Self::Country(_) => "country",
            Self::MentorFirstName(_) => "mentorFirstName",
            Self::MentorLastName(_) => "mentorLastName",
            Self::Position(_) => "position",
            Self::Phone(_) => "phone",
            Self::Email(_) => "email",
        }
    }

    /// Whether the field holds a (known) value.
    pub fn is_filled(&self) -> bool {
        match self {
            Self::Name(v) => v.is_some(),
            Self::Type(v) => v.is_some(),
            Self::Address(v) => v.is_some(),
            Self::Country(v) => v.is_some(),
            Self::MentorFirstName(v) | Self::MentorLastName(v) => is_known(v),
            Self::Position(v) => v.is_some(),
            Self::Phone(v) => is_known(v),
            Self::Email(v) => is_known(v),
        }
    }

    pub fn is_erased(&self) -> bool {
        match self {
            Self::MentorFirstName(v) | Self::MentorLastName(v) => is_erased(v),
            Self::Phone(v) => is_erased(v),
            Self::Email(v) => is_erased(v),
            _ => false,
        }
    }
}

impl HostOrganisationPatch {
    /// The changes this patch makes to `current`, validated.
    pub(super) fn changes(
        self,
        current: &HostOrganisation,
        procedure: Procedure,
    ) -> Result<Vec<HostOrganisationChange>, Refusal> {
        let mut changes = vec![];
        if let Some(raw) = self.name {
            let field = "hostOrganisation.name";
            let v = text(&raw, field, |r| InstitutionName::parse_field(field, r))?;
            diff(&mut changes, v, &current.name, HostOrganisationChange::Name);
        }
        if let Some(input) = self.organisation_type {
            let v = input
                .map(|input| {
                    Choice::parse(
                        input,
                        HOST_ORGANISATION_TYPES,
                        "hostOrganisation.type",
                        "UNKNOWN_ORGANISATION_TYPE",
                    )
                })
                .transpose()?;
            diff(
                &mut changes,
                v,
                &current.organisation_type,
                HostOrganisationChange::Type,
            );
        }
        if let Some(raw) = self.address {
            let field = "hostOrganisation.address";
            let v = text(&raw, field, |r| Address::parse_field(field, r))?;
            diff(
                &mut changes,
                v,
                &current.address,
                HostOrganisationChange::Address,
            );
        }
        if let Some(raw) = self.country {
            let v = text(&raw, "hostOrganisation.country", CountryCode::parse)?;
            diff(
                &mut changes,
                v,
                &current.country,
                HostOrganisationChange::Country,
            );
        }
        if let Some(raw) = self.mentor_first_name {
            let field = "hostOrganisation.mentorFirstName";
            let v = personal(text(&raw, field, |r| NamePart::parse_field(field, r))?);
            diff(
                &mut changes,
                v,
                &current.mentor_first_name,
                HostOrganisationChange::MentorFirstName,
            );
        }
        if let Some(raw) = self.mentor_last_name {
            let field = "hostOrganisation.mentorLastName";
            let v = personal(text(&raw, field, |r| NamePart::parse_field(field, r))?);
            diff(
                &mut changes,
                v,
                &current.mentor_last_name,
                HostOrganisationChange::MentorLastName,
            );
        }
        if let Some(raw) = self.position {
            let field = "hostOrganisation.position";
            let v = text(&raw, field, |r| ShortText::parse_field(field, r))?;
            diff(
                &mut changes,
                v,
                &current.position,
                HostOrganisationChange::Position,
            );
        }
        if let Some(raw) = self.phone {
            let v = personal(text(&raw, "hostOrganisation.phone", Phone::parse)?);
            diff(
                &mut changes,
                v,
                &current.phone,
                HostOrganisationChange::Phone,
            );
        }
        if let Some(raw) = self.email {
            let v = personal(text(&raw, "hostOrganisation.email", Email::parse)?);
            diff(
                &mut changes,
                v,
                &current.email,
                HostOrganisationChange::Email,
            );
        }
        HostOrganisation::check(&changes, procedure)?;
        Ok(changes)
    }
}
