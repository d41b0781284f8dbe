use super::BaseData;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub enum InstitutionCommand {
    Register {
        base: BaseData,
        primary_account: Uuid,
    },
    ChangeBaseData {
        base: BaseData,
    },
    AddUser {
        account_id: Uuid,
    },
    RemoveUser {
        account_id: Uuid,
    },
}
