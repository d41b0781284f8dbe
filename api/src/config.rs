//! One typed configuration, read once at start-up from the environment. Every variable is
//! documented in the README.

use anyhow::Context;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; the database is created if missing.
    pub database_url: String,
    /// `DATABASE_MAX_CONNECTIONS`.
    pub database_max_connections: u32,
    /// `BIND_ADDR`: where the HTTP server listens.
    pub bind_addr: SocketAddr,
    /// `PUBLIC_URL`: the base of links in e-mails; by default the address the server listens on.
    pub public_url: Option<String>,
    /// `SMTP_URL`: send through this SMTP server; unset means the local outbox.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: sender of every message.
    pub mail_from: String,
    /// `OUTBOX_DIR`: where messages go as .eml files when no SMTP server is set.
    pub outbox_dir: PathBuf,
    /// `ESCO_API_URL`: search ESCO through this web API instead of the local index.
    pub esco_api_url: Option<String>,
}

/// A local server: TLS over the loopback protects nothing and costs CPU on every statement.
pub const DEFAULT_DATABASE_URL: &str =
    "postgres://postgres@127.0.0.1:5432/europass?sslmode=disable";

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let bind_addr: SocketAddr = var("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .context("BIND_ADDR must be host:port, e.g. 127.0.0.1:8080")?;
        let database_max_connections = match var("DATABASE_MAX_CONNECTIONS") {
            Some(v) => v
                .parse()
                .context("DATABASE_MAX_CONNECTIONS must be a positive number")?,
            None => 10,
        };
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            database_max_connections,
            bind_addr,
            public_url: var("PUBLIC_URL"),
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Europass Mobility <no-reply@europass.invalid>".into()),
            outbox_dir: var("OUTBOX_DIR").unwrap_or_else(|| "outbox".into()).into(),
            esco_api_url: var("ESCO_API_URL"),
        })
    }
}
