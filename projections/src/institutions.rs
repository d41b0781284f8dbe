//! The `institutions` query table: base data as they stand now.

use crate::projector::Projection;
use chrono::{DateTime, Utc};
use domain::institution::{BaseData, InstitutionEvent};
use domain::Personal;
use eventstore::stored_event::StoredEvent;
use futures::future::BoxFuture;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct InstitutionsProjection;

fn plain<T: ToString>(value: Option<&Personal<T>>) -> Option<String> {
    value.and_then(Personal::known).map(ToString::to_string)
}

async fn write_base(
    conn: &mut PgConnection,
    id: Uuid,
    base: &BaseData,
    primary_account: Uuid,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO institutions (id, name, address, country, contact_person, phone, email, website,
                                   primary_account, registered_at, updated_at,
                                   organisation_type, contact_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)
         ON CONFLICT (id) DO UPDATE SET name = $2, address = $3, country = $4, contact_person = $5,
             phone = $6, email = $7, website = $8, primary_account = $9, updated_at = $10,
             organisation_type = $11, contact_position = $12",
    )
    .bind(id)
    .bind(base.name.as_str())
    .bind(base.address.as_ref().map(|a| a.as_str()))
    .bind(base.country.as_ref().map(|c| c.as_str()))
    .bind(plain(base.contact_person.as_ref()))
    .bind(plain(base.phone.as_ref()))
    .bind(plain(Some(&base.email)))
    .bind(base.website.as_ref().map(|w| w.as_str()))
    .bind(primary_account)
    .bind(at)
    .bind(organisation_type(base))
    .bind(base.contact_position.as_ref().map(|p| p.as_str()))
    .execute(conn)
    .await?;
    Ok(())
}

async fn change_base(
    conn: &mut PgConnection,
    id: Uuid,
    base: &BaseData,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE institutions SET name = $2, address = $3, country = $4, contact_person = $5,
             phone = $6, email = $7, website = $8, updated_at = $9,
             organisation_type = $10, contact_position = $11
         WHERE id = $1",
    )
    .bind(id)
    .bind(base.name.as_str())
    .bind(base.address.as_ref().map(|a| a.as_str()))
    .bind(base.country.as_ref().map(|c| c.as_str()))
    .bind(plain(base.contact_person.as_ref()))
    .bind(plain(base.phone.as_ref()))
    .bind(plain(Some(&base.email)))
    .bind(base.website.as_ref().map(|w| w.as_str()))
    .bind(at)
    .bind(organisation_type(base))
    .bind(base.contact_position.as_ref().map(|p| p.as_str()))
    .execute(conn)
    .await?;
    Ok(())
}

impl Projection for InstitutionsProjection {
    fn name(&self) -> &'static str {
        "institutions"
    }

    fn aggregate_types(&self) -> &'static [&'static str] {
        &["institution"]
    }

    fn tables(&self) -> &'static [&'static str] {
        &["institutions"]
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        event: &'a StoredEvent,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let id = event.aggregate_uuid()?;
            match event.decode::<InstitutionEvent>()? {
                InstitutionEvent::InstitutionRegistered {
                    base,
                    primary_account,
                } => write_base(conn, id, &base, primary_account, event.at()).await,
                InstitutionEvent::BaseDataChanged { base, .. } => {
                    change_base(conn, id, &base, event.at()).await
                }
                // The user list is read from the accounts table.
                InstitutionEvent::UserAdded { .. } | InstitutionEvent::UserRemoved { .. } => Ok(()),
            }
        })
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstitutionRow {
    pub id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub country: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub primary_account: Uuid,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub organisation_type: Option<String>,
    pub contact_position: Option<String>,
}

/// The list code, or the free text where the list lacks it.
fn organisation_type(base: &BaseData) -> Option<&str> {
    base.organisation_type
        .as_ref()
        .map(|t| t.code().unwrap_or_else(|| t.text_in(Default::default())))
}

pub async fn find(pool: &PgPool, id: Uuid) -> anyhow::Result<Option<InstitutionRow>> {
    Ok(sqlx::query_as(
        "SELECT id, name, address, country, contact_person, phone, email, website,
                primary_account, registered_at, updated_at, organisation_type, contact_position
           FROM institutions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}
