//! Stored files (photos, signature images, issued PDFs) by content hash, with who holds each
//! (R-ERASE, R-ISOLATION). The bytes live outside the events so that they can be erased; the
//! same bytes held by two documents are stored once and deleted when the last holder lets go.

use crate::Services;
use eventstore::error::CommandError;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What holds a stored file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Document(Uuid),
    /// A signature library (of an institution, or of a host account).
    SignatureLibrary(Uuid),
}

impl Holder {
    fn key(self) -> String {
        match self {
            Holder::Document(id) => format!("document/{id}"),
            Holder::SignatureLibrary(id) => format!("signature_library/{id}"),
        }
    }

    fn parse(key: &str) -> Option<Self> {
        let (kind, id) = key.split_once('/')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "document" => Some(Holder::Document(id)),
            "signature_library" => Some(Holder::SignatureLibrary(id)),
            _ => None,
        }
    }
}

/// Stores bytes by hash for a holder. The blob's row is locked by the upsert until the
/// reference commits with it, so a concurrent [`release`] of the same bytes waits and then
/// sees this holder.
pub async fn store(
    services: &Services,
    media_type: &str,
    bytes: &[u8],
    holder: Holder,
) -> Result<String, CommandError> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    sqlx::query(
        "WITH stored AS (
            INSERT INTO blobs (sha256, media_type, bytes) VALUES ($1, $2, $3)
            ON CONFLICT (sha256) DO UPDATE SET media_type = blobs.media_type
            RETURNING sha256)
         INSERT INTO blob_references (sha256, holder) SELECT sha256, $4 FROM stored
         ON CONFLICT DO NOTHING",
    )
    .bind(&sha256)
    .bind(media_type)
    .bind(bytes)
    .bind(holder.key())
    .execute(&services.pool)
    .await?;
    Ok(sha256)
}

/// The holder lets these files go, inside the caller's transaction; a file nobody holds any
/// more is deleted. The blobs' rows are locked first, so a concurrent [`store`] of the same
/// bytes either commits its reference before this decides, or stores the bytes again after.
pub async fn release(
    tx: &mut sqlx::PgConnection,
    holder: Holder,
    sha256s: &[String],
) -> Result<(), CommandError> {
    sqlx::query("SELECT 1 FROM blobs WHERE sha256 = ANY($1) ORDER BY sha256 FOR UPDATE")
        .bind(sha256s)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM blob_references WHERE holder = $1 AND sha256 = ANY($2)")
        .bind(holder.key())
        .bind(sha256s)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM blobs b WHERE b.sha256 = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM blob_references r WHERE r.sha256 = b.sha256)",
    )
    .bind(sha256s)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The holder lets every file it holds go (see [`release`]).
pub async fn release_all(tx: &mut sqlx::PgConnection, holder: Holder) -> Result<(), CommandError> {
    let held: Vec<String> =
        sqlx::query_scalar("SELECT sha256 FROM blob_references WHERE holder = $1")
            .bind(holder.key())
            .fetch_all(&mut *tx)
            .await?;
    if held.is_empty() {
        return Ok(());
    }
    release(tx, holder, &held).await
}

/// Who holds a file (an unknown hash: nobody).
pub async fn holders(services: &Services, sha256: &str) -> Result<Vec<Holder>, CommandError> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT holder FROM blob_references WHERE sha256 = $1")
            .bind(sha256)
            .fetch_all(&services.pool)
            .await?;
    Ok(keys.iter().filter_map(|k| Holder::parse(k)).collect())
}

/// A stored file's media type and bytes.
pub async fn read(
    services: &Services,
    sha256: &str,
) -> Result<Option<(String, Vec<u8>)>, CommandError> {
    Ok(
        sqlx::query_as("SELECT media_type, bytes FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&services.pool)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_keys_read_back() {
        let id = Uuid::from_u128(7);
        for holder in [Holder::Document(id), Holder::SignatureLibrary(id)] {
            assert_eq!(Holder::parse(&holder.key()), Some(holder));
        }
        assert_eq!(Holder::parse("account/1"), None);
    }
}
