//! Value objects: parsed once at the edge, valid by construction (private fields, fallible
//! constructors). Each constructor names the field it refuses so that the API can say which.

mod country;
mod email;
mod password;
mod phone;
mod text;
mod website;

pub use country::CountryCode;
pub use email::Email;
pub use password::NewPassword;
pub use phone::Phone;
pub use text::{Address, InstitutionName, PersonName, ShortText};
pub use website::Website;
