//! Who may do what (R-AUTHZ), decided in one place. Resolvers ask here instead of checking
//! roles themselves. Reading something one may not see answers like reading something that
//! does not exist.

use commands::auth::Principal;
use domain::account::AccountRole;
use domain::Refusal;
use uuid::Uuid;

pub enum Operation {
    ReadInstitution(Uuid),
    EditOwnInstitution,
    ManageOwnUsers,
}

pub fn authorize(principal: &Principal, operation: Operation) -> Result<(), Refusal> {
    let not_found = || Refusal::not_found("INSTITUTION_NOT_FOUND", "institution not found");
    match (operation, &principal.role) {
        (Operation::ReadInstitution(_), AccountRole::Nec) => Ok(()),
        (Operation::ReadInstitution(id), AccountRole::InstitutionUser { institution_id, .. })
            if *institution_id == id =>
        {
            Ok(())
        }
        (Operation::ReadInstitution(_), _) => Err(not_found()),
        (
            Operation::EditOwnInstitution | Operation::ManageOwnUsers,
            AccountRole::InstitutionUser { .. },
        ) => Ok(()),
        (Operation::EditOwnInstitution | Operation::ManageOwnUsers, _) => Err(Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only institution users can do this",
        )),
    }
}
