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
    RequestMobility,
    /// Reading a mobility of the given institution.
    ReadMobility(Uuid),
    /// Approving or rejecting, and the queue.
    DecideMobility,
}

pub fn authorize(principal: &Principal, operation: Operation) -> Result<(), Refusal> {
    use AccountRole::{InstitutionUser, Nec};
    use Operation::*;
    let institution_users_only = || {
        Refusal::forbidden(
            "INSTITUTION_USERS_ONLY",
            "only institution users can do this",
        )
    };
    match (operation, &principal.role) {
        (ReadInstitution(_), Nec) => Ok(()),
        (ReadInstitution(id), InstitutionUser { institution_id, .. }) if *institution_id == id => {
            Ok(())
        }
        (ReadInstitution(_), _) => Err(Refusal::not_found(
            "INSTITUTION_NOT_FOUND",
            "institution not found",
        )),
        (EditOwnInstitution | ManageOwnUsers | RequestMobility, InstitutionUser { .. }) => Ok(()),
        (EditOwnInstitution | ManageOwnUsers | RequestMobility, _) => Err(institution_users_only()),
        (ReadMobility(_), Nec) => Ok(()),
        (ReadMobility(owner), InstitutionUser { institution_id, .. })
            if *institution_id == owner =>
        {
            Ok(())
        }
        (ReadMobility(_), _) => Err(Refusal::not_found(
            "MOBILITY_NOT_FOUND",
            "mobility not found",
        )),
        (DecideMobility, Nec) => Ok(()),
        (DecideMobility, _) => Err(Refusal::forbidden("NEC_ONLY", "only NEC staff can do this")),
    }
}
