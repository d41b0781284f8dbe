//! The GraphQL operations of the portal's pages, in one place so that a test checks each one
//! against the schema (a renamed field fails the build's tests, not a person's visit).

pub const SESSION_LEFT: &str = "query SessionLeft { session { secondsLeft } }";

/// The frame's fields: who is logged in, and the session's time left (resolving the caller
/// extends the session: activity). A page may ask for them in its own operation (see
/// `portal::Frame`), so that the frame costs no execution of its own.
macro_rules! frame_fields {
    () => {
        "me { email role mustChangePassword institution { name } } session { secondsLeft }"
    };
}
pub(crate) use frame_fields;

/// The frame of every logged-in page.
pub const WHO: &str = concat!("query Who { ", frame_fields!(), " }");

pub const LOGIN: &str = "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token mustChangePassword } }";

pub const LOGOUT: &str = "mutation Logout { logout }";

pub const REGISTER: &str = "mutation Register($name: String!, $email: String!) { registerInstitution(name: $name, email: $email) { email linkExpiresAt } }";

pub const RESEND_LINK: &str = "mutation ResendLink($email: String!) { resendRegistrationLink(email: $email) { email linkExpiresAt } }";

pub const CONFIRM: &str =
    "mutation Confirm($token: String!) { confirmRegistration(token: $token) { email password } }";

pub const REQUEST_RESET: &str =
    "mutation RequestReset($email: String!) { requestPasswordReset(email: $email) }";

pub const RESET: &str = "mutation Reset($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }";

pub const CHANGE_PASSWORD: &str = "mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }";

pub const HOME: &str = "query Home { nextSteps { kind labelEn labelLv available blockedBy } mobilities(first: 50) { edges { node { id status isTryOut procedure participants startDate endDate requestedAt pendingDocuments rejectionReason programme { en lv } description } } pageInfo { hasNextPage } } }";

pub const MY_DOCUMENTS: &str = "query MyDocuments { myDocuments(first: 50) { edges { node { id europassNumber holderName complete } } } }";

pub const INSTITUTION: &str = "query Institution { institution { name organisationType address country contactPerson contactPosition phone email website missingBaseData users { accountId name email addedAt } } me { isPrimaryUser } referenceData { hostOrganisationTypes { code en lv } } }";

pub const UPDATE_BASE_DATA: &str = "mutation UpdateBaseData($input: BaseDataInput!) { updateBaseData(input: $input) { missingBaseData } }";

pub const ADD_USER: &str = "mutation AddUser($name: String!, $email: String!) { addInstitutionUser(name: $name, email: $email) { accountId } }";

pub const REMOVE_USER: &str =
    "mutation RemoveUser($accountId: ID!) { removeInstitutionUser(accountId: $accountId) }";

pub const NEXT_STEPS: &str = "query NextSteps { nextSteps { kind available } }";

pub const REFERENCE: &str = "query Reference { referenceData { procedures { procedure { code en lv } programmes { code en lv } hostCountries { code en lv } } issuers { code en lv } } }";

pub const REQUEST_MOBILITY: &str = "mutation RequestMobility($input: MobilityRequestInput!) { requestMobility(input: $input) { id } }";

/// A mobility's page in one execution: the frame's fields and the mobility.
pub const MOBILITY: &str = concat!(
    "query Mobility($id: ID!, $language: Language) { ",
    frame_fields!(),
    " mobility(id: $id) { id status isTryOut procedure participants foldersByPost startDate endDate requestedAt decidedAt rejectionReason pendingDocuments ageHours overdue projectNumber description issuer { en lv } programme { en lv } institution { name } documents(first: 100) { totalCount edges { node { id europassNumber holderName missingFields complete missing(language: $language) { label sectionLabel } } } } } }"
);

pub const QUEUE: &str = "query Queue($after: String) { necQueue(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id procedure participants startDate endDate requestedAt waitingSince ageHours overdue pendingDocuments isTryOut projectNumber description programme { en lv } institution { name } } } } }";

pub const APPROVE: &str =
    "mutation Approve($id: ID!) { approveMobility(mobilityId: $id) { id status } }";

pub const REJECT: &str = "mutation Reject($id: ID!, $reason: String!) { rejectMobility(mobilityId: $id, reason: $reason) { id status } }";

pub const SIGNATURES: &str = "query Signatures { signatures { id name kind sha256 isDefault } }";

pub const SIGNATURE_UPLOAD: &str = "query SignatureUpload($id: ID!) { signatureUpload(uploadId: $id) { id sha256 rect { x y width height } variants { code sha256 width height } } }";

pub const CHOOSE_SIGNATURE_RECT: &str = "mutation ChooseSignatureRect($id: ID!, $rect: RectInput!) { chooseSignatureRectangle(uploadId: $id, rect: $rect) { code } }";

pub const ACTIVATE_SIGNATURE: &str = "mutation ActivateSignature($id: ID!, $variant: String!, $name: String!, $kind: SignatureKind!, $makeDefault: Boolean) { activateSignature(uploadId: $id, variant: $variant, name: $name, kind: $kind, makeDefault: $makeDefault) }";

pub const RENAME_SIGNATURE: &str = "mutation RenameSignature($id: ID!, $name: String!) { renameSignature(signatureId: $id, name: $name) }";

pub const MAKE_SIGNATURE_DEFAULT: &str =
    "mutation MakeSignatureDefault($id: ID!) { makeSignatureDefault(signatureId: $id) }";

pub const REMOVE_SIGNATURE: &str =
    "mutation RemoveSignature($id: ID!) { removeSignature(signatureId: $id) }";

pub const CHOOSE_DOCUMENT_SIGNATURE: &str = "mutation ChooseDocumentSignature($id: ID!, $kind: SignatureKind!, $signatureId: ID, $leaveEmpty: Boolean) { chooseDocumentSignature(documentId: $id, kind: $kind, signatureId: $signatureId, leaveEmpty: $leaveEmpty) }";

/// Every operation above, for the test that validates them against the schema.
pub const ALL: &[&str] = &[
    SESSION_LEFT,
    WHO,
    LOGIN,
    LOGOUT,
    REGISTER,
    RESEND_LINK,
    CONFIRM,
    REQUEST_RESET,
    RESET,
    CHANGE_PASSWORD,
    HOME,
    MY_DOCUMENTS,
    INSTITUTION,
    UPDATE_BASE_DATA,
    ADD_USER,
    REMOVE_USER,
    NEXT_STEPS,
    REFERENCE,
    REQUEST_MOBILITY,
    MOBILITY,
    QUEUE,
    APPROVE,
    REJECT,
    super::document::DOCUMENT,
    super::document::REFERENCE_LISTS,
    super::document::SAVE_PERSONAL,
    super::document::SAVE_HOST,
    super::document::SAVE_PROJECT,
    super::document::SAVE_OUTCOMES,
    super::document::SET_LANGUAGE,
    super::document::SIBLINGS,
    super::document::COPY,
    super::mobility::GRANT_GROUP,
    super::document::REMOVE_PHOTO,
    super::audit::SEARCH,
    super::audit::HISTORY,
    super::audit::AS_OF,
    super::audit::VERIFY,
    super::audit::ERASE,
    super::audit::REVOKE,
    super::verify::VERIFY,
    super::document::ESCO_SEARCH,
    super::document::OUTCOMES_NOW,
    super::document::SEND_HOST_PASSWORD,
    super::document::GRANT_PARTICIPANT,
    super::document::LOCK_PARTICIPANT,
    super::document::UNLOCK_PARTICIPANT,
    SIGNATURES,
    SIGNATURE_UPLOAD,
    CHOOSE_SIGNATURE_RECT,
    ACTIVATE_SIGNATURE,
    RENAME_SIGNATURE,
    MAKE_SIGNATURE_DEFAULT,
    REMOVE_SIGNATURE,
    CHOOSE_DOCUMENT_SIGNATURE,
    super::copy_preview::COPY_VALUES,
];

#[cfg(test)]
mod tests {
    /// Each operation passes the schema's validation (unknown fields, wrong types, unused or
    /// undeclared variables). Run on a schema without a server, an operation that validates
    /// reaches its resolvers, which have no state to work with and panic; one that does not
    /// validate is answered with the refusal and nothing runs.
    #[tokio::test]
    async fn every_portal_operation_is_valid_against_the_schema() {
        let schema = crate::graphql::build_schema(None);
        // The check can fail: a renamed field and an undeclared variable are refused.
        for broken in [
            "query { me { emailAddress } }",
            "query Q { mobility(id: $id) { id } }",
            "mutation M($id: ID!) { approveMobility(mobilityId: $id) { nothing } }",
        ] {
            let response = schema.execute(broken).await;
            assert!(!response.errors.is_empty(), "{broken} passed");
            assert!(
                !response
                    .errors
                    .iter()
                    .all(|e| e.message.starts_with("Variable")
                        && e.message.ends_with("is not defined.")
                        && !broken.contains("Q {")),
                "{broken}: {:?}",
                response.errors
            );
        }
        for operation in super::ALL {
            let answer = tokio::spawn({
                let schema = schema.clone();
                async move { schema.execute(*operation).await }
            })
            .await;
            let Ok(response) = answer else {
                continue; // the resolvers ran: the document is valid
            };
            let refused: Vec<_> = response
                .errors
                .iter()
                .map(|e| e.message.clone())
                // Variables are checked after validation: their absence means it passed.
                .filter(|m| !(m.starts_with("Variable") && m.ends_with("is not defined.")))
                .collect();
            assert!(refused.is_empty(), "{operation}: {refused:?}");
        }
    }
}
