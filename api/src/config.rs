//! One typed configuration, read once at start-up from the command line or the environment
//! (clap's `env` support): `europass --help` lists every variable with its default.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the service keeps its data, listens and sends mail. Every option is also an
/// environment variable (named in `--help`); an empty optional variable counts as unset.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// PostgreSQL connection URL; the database is created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// Connections in this replica's pool; appends use a second pool of the same size, and
    /// the projector's leadership session one more connection.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub database_max_connections: u32,
    /// Where the HTTP server listens (host:port).
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind_addr: SocketAddr,
    /// The base of links in e-mails [default: the address the server listens on].
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Send mail through this SMTP server (smtp://host:port, smtps://…) [default: the outbox].
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of every message; its domain is also the Message-ID's.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Europass Mobility <no-reply@europass.invalid>"
    )]
    pub mail_from: String,
    /// Where messages go as .eml files when no SMTP server is set.
    #[arg(long, env = "OUTBOX_DIR", default_value = "outbox")]
    pub outbox_dir: PathBuf,
    /// Search ESCO through this web API instead of the local index.
    #[arg(long, env = "ESCO_API_URL")]
    pub esco_api_url: Option<String>,
    /// The NEC's sealing key for European Digital Credentials (PEM, RSA) [default: a
    /// development seal, made beside the outbox].
    #[arg(long, env = "EDC_SEAL_KEY")]
    pub edc_seal_key: Option<PathBuf>,
    /// The sealing key's certificate, then its chain (PEM).
    #[arg(long, env = "EDC_SEAL_CERT")]
    pub edc_seal_cert: Option<PathBuf>,
    /// The issuer of the credentials, in English.
    #[arg(
        long,
        env = "EDC_ISSUER_NAME",
        default_value = "Academic Information Centre – National Europass Centre of Latvia"
    )]
    pub edc_issuer_name: String,
    /// The issuer of the credentials, in Latvian.
    #[arg(
        long,
        env = "EDC_ISSUER_NAME_LV",
        default_value = "Akadēmiskās informācijas centrs – Latvijas Nacionālais Europass centrs"
    )]
    pub edc_issuer_name_lv: String,
    /// The issuer's registration number in Latvia's register of enterprises (its legal and
    /// eIDAS identifier in the credentials).
    #[arg(long, env = "EDC_ISSUER_REGISTRATION", default_value = "90001800413")]
    pub edc_issuer_registration: String,
}

/// A local server: TLS over the loopback protects nothing and costs CPU on every statement.
pub const DEFAULT_DATABASE_URL: &str =
    "postgres://postgres@127.0.0.1:5432/europass?sslmode=disable";

impl Config {
    /// Where the development seal is kept: beside the outbox.
    pub fn development_seal_dir(&self) -> PathBuf {
        self.outbox_dir
            .parent()
            .unwrap_or(std::path::Path::new(""))
            .join("development-seal")
    }

    /// The configuration from the environment alone (defaults for what is unset).
    pub fn from_env() -> anyhow::Result<Self> {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        use clap::Parser;
        Ok(Only::try_parse_from(["europass"])?.config.normalised())
    }

    /// `PUBLIC_URL=` and the like mean "not set", as a shell script or a unit file writes them.
    pub fn normalised(mut self) -> Self {
        for value in [
            &mut self.public_url,
            &mut self.smtp_url,
            &mut self.esco_api_url,
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *value = None;
            }
        }
        for path in [&mut self.edc_seal_key, &mut self.edc_seal_cert] {
            if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
                *path = None;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn help_names_every_variable_with_its_default() {
        let help = Cli::command().render_long_help().to_string();
        for variable in [
            "DATABASE_URL",
            "DATABASE_MAX_CONNECTIONS",
            "BIND_ADDR",
            "PUBLIC_URL",
            "SMTP_URL",
            "MAIL_FROM",
            "OUTBOX_DIR",
            "ESCO_API_URL",
            "EDC_SEAL_KEY",
            "EDC_SEAL_CERT",
            "EDC_ISSUER_NAME",
            "EDC_ISSUER_NAME_LV",
            "EDC_ISSUER_REGISTRATION",
        ] {
            assert!(
                help.contains(&format!("env: {variable}")),
                "{variable}:\n{help}"
            );
        }
        assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
    }

    #[test]
    fn a_bad_value_names_the_option() {
        use clap::Parser;
        let err = Cli::try_parse_from(["europass", "--bind-addr", "nowhere"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--bind-addr"), "{err}");
        let err = Cli::try_parse_from(["europass", "--database-max-connections", "0"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("--database-max-connections"), "{err}");
    }
}
