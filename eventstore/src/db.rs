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
