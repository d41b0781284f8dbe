//! Value objects: parsed once at the edge, valid by construction (private fields, fallible
//! constructors). Each constructor names the field it refuses so that the API can say which.

mod client_mutation_id;
mod content_hash;
mod country;
mod email;
mod europass_number;
mod font_coverage;
mod participant_count;
mod password;
mod phone;
mod photo;
mod printable;
mod project_number;
mod text;
mod verification_code;
mod website;

pub use client_mutation_id::ClientMutationId;
pub use content_hash::ContentHash;
pub use country::CountryCode;
pub use email::Email;
pub use europass_number::EuropassNumber;
pub use participant_count::ParticipantCount;
pub use password::NewPassword;
pub use phone::Phone;
pub use photo::{ImageType, PhotoRef};
pub use printable::{fonts_cover, invisible, printable};
pub use project_number::ProjectNumber;
pub use text::{
    Address, ErasureReason, FreeText, InstitutionName, LongText, MediumText, NamePart, PersonName,
    ProjectDescription, RejectionReason, RevocationReason, ShortText,
};
pub use verification_code::VerificationCode;
pub use website::Website;
