//! `europass`: the service and the operators' command line.

use anyhow::Context;
use api::{telemetry, Application, Config};
use clap::{Parser, Subcommand};
use commands::{db, CommandContext, Services, SystemClock};
use domain::metadata::Actor;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "europass", about = "Europass Mobility register", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the GraphQL service (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print the GraphQL schema as SDL.
    Schema,
    /// Delete Try Out data older than 24 hours now (the server also does it every 10 minutes).
    PurgeTryout,
    /// Manage NEC staff accounts.
    NecUser {
        #[command(subcommand)]
        action: NecUserAction,
    },
}

#[derive(Subcommand)]
enum NecUserAction {
    /// Create an NEC staff account; prints its password once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        print!("{}", api::graphql::build_schema(None).sdl());
        return Ok(());
    }
    telemetry::init();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&config, Arc::new(SystemClock)).await?;
            app.run_until_stopped().await.context("serving")?;
        }
        Command::Migrate => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            println!("migrations applied");
        }
        Command::PurgeTryout => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            let report =
                projections::tryout_purge::purge_expired(&pool, chrono::Utc::now()).await?;
            println!(
                "purged {} Try Out mobilities ({} events)",
                report.mobilities, report.events
            );
        }
        Command::NecUser {
            action: NecUserAction::Add { email, name },
        } => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            let services = Services::new(
                pool,
                Arc::new(SystemClock),
                api::startup::mailer_from(&config)?,
                config.public_url.clone().unwrap_or_default(),
            );
            let created = commands::institutions::add_nec_user(
                &services,
                &CommandContext::new(Actor::operator()),
                &name,
                &email,
            )
            .await
            .map_err(anyhow::Error::from)?;
            println!("NEC user {} created.", created.account_id);
            println!("Password (shown once): {}", created.password);
        }
        Command::Schema => unreachable!("handled above"),
    }
    Ok(())
}
