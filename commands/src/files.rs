//! Downloading stored files (R-AUTHZ, R-ISOLATION). A file is authorized as what it is where
//! it is held: a signature or stamp image in the caller's own library, a photo or an issued
//! certificate in a document the caller may get that kind of file from. Knowing a hash gives
//! nothing: a file no rule allows is answered like a file that does not exist.

use crate::auth::Principal;
use crate::blobs::{self, Holder};
use crate::documents::{authorize, DocumentFile, DocumentOperation};
use crate::Services;
use domain::document::Document;
use domain::Refusal;
use eventstore::error::CommandError;

/// A stored file the caller may download.
pub struct File {
    pub media_type: String,
    pub bytes: Vec<u8>,
}

fn not_found() -> CommandError {
    Refusal::not_found("FILE_NOT_FOUND", "file not found").into()
}

/// What the file is in this document, if the document holds it now.
fn kind_in(document: &Document, sha256: &str) -> Option<DocumentFile> {
    let photo = document
        .personal_data()
        .photo()
        .and_then(|p| p.known())
        .is_some_and(|p| p.sha256().as_str() == sha256);
    if photo {
        return Some(DocumentFile::Photo);
    }
    document
        .issued_certificates()
        .iter()
        .any(|c| c.sha256.as_str() == sha256)
        .then_some(DocumentFile::IssuedCertificate)
}

/// Whether some holder of the file lets the caller have it.
async fn allowed(
    services: &Services,
    principal: &Principal,
    sha256: &str,
) -> Result<bool, CommandError> {
    for holder in blobs::holders(services, sha256).await? {
        match holder {
            Holder::SignatureLibrary(owner) => {
                if crate::signatures::owner(principal).is_ok_and(|own| own == owner) {
                    return Ok(true);
                }
            }
            Holder::Document(id) => {
                let document = services.store.documents.load(id).await?;
                let Some(kind) = kind_in(&document, sha256) else {
                    continue;
                };
                if authorize(principal, &document, DocumentOperation::ReadFile(kind)).is_ok() {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// `GET /files/{sha256}`.
pub async fn download(
    services: &Services,
    principal: &Principal,
    sha256: &str,
) -> Result<File, CommandError> {
    if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    if !allowed(services, principal, sha256).await? {
        return Err(not_found());
    }
    let (media_type, bytes) = blobs::read(services, sha256).await?.ok_or_else(not_found)?;
    Ok(File { media_type, bytes })
}
