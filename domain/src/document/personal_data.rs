//! R-PERSONAL: the participant's personal data. Every value is a [`Personal`] value, so that
//! deleting the document's key erases it from the event store (R-ERASE).

use super::input::{diff, erase, is_erased, is_known, personal, text};
use crate::values::{Address, CountryCode, Email, NamePart, PhotoRef};
use crate::Personal;
use crate::Refusal;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonalData {
    surname: Option<Personal<NamePart>>,
    first_name: Option<Personal<NamePart>>,
    date_of_birth: Option<Personal<NaiveDate>>,
    nationality: Option<Personal<CountryCode>>,
    address: Option<Personal<Address>>,
    email: Option<Personal<Email>>,
    photo: Option<Personal<PhotoRef>>,
}

/// The new value of one personal data field (`None`: cleared).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "camelCase")]
pub enum PersonalDataChange {
    Surname(Option<Personal<NamePart>>),
    FirstName(Option<Personal<NamePart>>),
    DateOfBirth(Option<Personal<NaiveDate>>),
    Nationality(Option<Personal<CountryCode>>),
    Address(Option<Personal<Address>>),
    Email(Option<Personal<Email>>),
    Photo(Option<Personal<PhotoRef>>),
}

/// A partial save of personal data: `None` leaves a field as it is; an empty text (or
/// `Some(None)`) clears it.
#[derive(Clone, Debug, Default)]
pub struct PersonalDataPatch {
    pub surname: Option<String>,
    pub first_name: Option<String>,
    pub date_of_birth: Option<Option<NaiveDate>>,
    /// ISO 3166-1 alpha-2 code of the nationality.
    pub nationality: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    /// A photo already stored outside the events.
    pub photo: Option<Option<PhotoRef>>,
}

impl PersonalData {
    pub fn surname(&self) -> Option<&Personal<NamePart>> {
        self.surname.as_ref()
    }

    pub fn first_name(&self) -> Option<&Personal<NamePart>> {
        self.first_name.as_ref()
    }

    pub fn date_of_birth(&self) -> Option<&Personal<NaiveDate>> {
        self.date_of_birth.as_ref()
    }

    pub fn nationality(&self) -> Option<&Personal<CountryCode>> {
        self.nationality.as_ref()
    }

    pub fn address(&self) -> Option<&Personal<Address>> {
        self.address.as_ref()
    }

    pub fn email(&self) -> Option<&Personal<Email>> {
        self.email.as_ref()
    }

    pub fn photo(&self) -> Option<&Personal<PhotoRef>> {
        self.photo.as_ref()
    }

    /// "First name(s) Surname(s)" when both are known: what a host may see of the holder.
    pub fn holder_name(&self) -> Option<String> {
        let first = self.first_name.as_ref()?.known()?;
        let last = self.surname.as_ref()?.known()?;
        Some(format!("{first} {last}"))
    }

    pub(super) fn apply(&mut self, change: PersonalDataChange) {
        match change {
            PersonalDataChange::Surname(v) => self.surname = v,
            PersonalDataChange::FirstName(v) => self.first_name = v,
            PersonalDataChange::DateOfBirth(v) => self.date_of_birth = v,
            PersonalDataChange::Nationality(v) => self.nationality = v,
            PersonalDataChange::Address(v) => self.address = v,
            PersonalDataChange::Email(v) => self.email = v,
            PersonalDataChange::Photo(v) => self.photo = v,
        }
    }

    /// The current value of the field `name`, or `None` for an unknown name.
    pub(super) fn value_of(&self, name: &str) -> Option<PersonalDataChange> {
        Some(match name {
            "surname" => PersonalDataChange::Surname(self.surname.clone()),
            "firstName" => PersonalDataChange::FirstName(self.first_name.clone()),
            "dateOfBirth" => PersonalDataChange::DateOfBirth(self.date_of_birth.clone()),
            "nationality" => PersonalDataChange::Nationality(self.nationality.clone()),
            "address" => PersonalDataChange::Address(self.address.clone()),
            "email" => PersonalDataChange::Email(self.email.clone()),
            "photo" => PersonalDataChange::Photo(self.photo.clone()),
            _ => return None,
        })
    }

    pub(super) fn erase(&mut self) {
        erase(&mut self.surname);
        erase(&mut self.first_name);
        erase(&mut self.date_of_birth);
        erase(&mut self.nationality);
        erase(&mut self.address);
        erase(&mut self.email);
        erase(&mut self.photo);
    }

    pub(super) fn has_known_values(&self) -> bool {
        is_known(&self.surname)
            || is_known(&self.first_name)
            || is_known(&self.date_of_birth)
            || is_known(&self.nationality)
            || is_known(&self.address)
            || is_known(&self.email)
            || is_known(&self.photo)
    }
}

impl PersonalDataChange {
    /// The camelCase field name, e.g. `firstName`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Surname(_) => "surname",
            Self::FirstName(_) => "firstName",
            Self::DateOfBirth(_) => "dateOfBirth",
            Self::Nationality(_) => "nationality",
            Self::Address(_) => "address",
            Self::Email(_) => "email",
            Self::Photo(_) => "photo",
        }
    }

    /// Whether the field holds a (known) value.
    pub fn is_filled(&self) -> bool {
        match self {
            Self::Surname(v) | Self::FirstName(v) => is_known(v),
            Self::DateOfBirth(v) => is_known(v),
            Self::Nationality(v) => is_known(v),
            Self::Address(v) => is_known(v),
            Self::Email(v) => is_known(v),
            Self::Photo(v) => is_known(v),
        }
    }

    pub fn is_erased(&self) -> bool {
        match self {
            Self::Surname(v) | Self::FirstName(v) => is_erased(v),
            Self::DateOfBirth(v) => is_erased(v),
            Self::Nationality(v) => is_erased(v),
            Self::Address(v) => is_erased(v),
            Self::Email(v) => is_erased(v),
            Self::Photo(v) => is_erased(v),
        }
    }
}

impl PersonalDataPatch {
    /// The changes this patch makes to `current`, validated; `today` bounds the date of birth.
    pub(super) fn changes(
        self,
        current: &PersonalData,
        today: NaiveDate,
    ) -> Result<Vec<PersonalDataChange>, Refusal> {
        let mut changes = vec![];
        if let Some(raw) = self.surname {
            let field = "personalData.surname";
            let v = personal(text(&raw, field, |r| NamePart::parse_field(field, r))?);
            diff(
                &mut changes,
                v,
                &current.surname,
                PersonalDataChange::Surname,
            );
        }
        if let Some(raw) = self.first_name {
            let field = "personalData.firstName";
            let v = personal(text(&raw, field, |r| NamePart::parse_field(field, r))?);
            diff(
                &mut changes,
                v,
                &current.first_name,
                PersonalDataChange::FirstName,
            );
        }
        if let Some(date) = self.date_of_birth {
            if let Some(date) = date {
                check_date_of_birth(date, today)?;
            }
            diff(
                &mut changes,
                personal(date),
                &current.date_of_birth,
                PersonalDataChange::DateOfBirth,
            );
        }
        if let Some(raw) = self.nationality {
            let v = personal(text(&raw, "personalData.nationality", CountryCode::parse)?);
            diff(
                &mut changes,
                v,
                &current.nationality,
                PersonalDataChange::Nationality,
            );
        }
        if let Some(raw) = self.address {
            let field = "personalData.address";
            let v = personal(text(&raw, field, |r| Address::parse_field(field, r))?);
            diff(
                &mut changes,
                v,
                &current.address,
                PersonalDataChange::Address,
            );
        }
        if let Some(raw) = self.email {
            let v = personal(text(&raw, "personalData.email", Email::parse)?);
            diff(&mut changes, v, &current.email, PersonalDataChange::Email);
        }
        if let Some(photo) = self.photo {
            diff(
                &mut changes,
                personal(photo),
                &current.photo,
                PersonalDataChange::Photo,
            );
        }
        Ok(changes)
    }
}

fn check_date_of_birth(date: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    let field = "personalData.dateOfBirth";
    if date > today {
        return Err(Refusal::validation(
            field,
            "DATE_IN_FUTURE",
            format!("{field} must not be in the future"),
        ));
    }
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    if date < earliest {
        return Err(Refusal::validation(
            field,
            "DATE_OUT_OF_RANGE",
            format!("{field} must not be before {earliest}"),
        ));
    }
    Ok(())
}
