//! The pure core of the Europass register: aggregates, their commands and events, value
//! objects and rules, and the authorization rule table. Nothing here performs IO; time and
//! randomness come in through commands.
//!
//! It depends on no other crate of the workspace and on nothing that does IO (no database,
//! no network, no clock): every other crate depends on it.

pub mod account;
pub mod authorization;
pub mod document;
pub mod institution;
pub mod metadata;
pub mod mobility;
pub mod personal;
pub mod reference;
pub mod refusal;
pub mod signature;
pub mod values;

pub use personal::Personal;
pub use refusal::{Refusal, RefusalCode};
