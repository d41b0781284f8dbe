//! Connecting to PostgreSQL and applying the embedded migrations.

use anyhow::Context;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Connects, creating the database first if it does not exist yet.
pub async fn connect(database_url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    if !Postgres::database_exists(database_url)
        .await
        .context("checking that the database exists (is PostgreSQL running?)")?
    {
        Postgres::create_database(database_url)
            .await
            .context("creating the database")?;
    }
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(database_url)
        .await
        .context("connecting to the database")
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("applying migrations")
}

/// Migrations this binary knows that the database has not applied (successfully): a
/// replica is not ready while any is missing (an older database, or a failed migration).
pub async fn pending_migrations(pool: &PgPool) -> anyhow::Result<Vec<i64>> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(pool)
            .await
            .context("reading the applied migrations")?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| m.version)
        .filter(|v| applied.binary_search(v).is_err())
        .collect())
}

/// Whether the database answers, within `timeout`.
pub async fn reachable(pool: &PgPool, timeout: Duration) -> bool {
    let ping = sqlx::query("SELECT 1").execute(pool);
    matches!(tokio::time::timeout(timeout, ping).await, Ok(Ok(_)))
}
