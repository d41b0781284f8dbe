//! Who may do what (R-AUTHZ): the rules are `domain::authorization`, decided in one place for
//! GraphQL and REST alike; this is only their adapter for callers that hold a principal.

use commands::auth::Principal;
use domain::Refusal;

pub use domain::authorization::Operation;

pub fn authorize(principal: &Principal, operation: Operation) -> Result<(), Refusal> {
    domain::authorization::register_rule(commands::documents::caller(principal), operation)
}
