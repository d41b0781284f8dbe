//! `europass`: the service and the operators' command line.

use anyhow::Context;
use api::{telemetry, Application, Config};
use clap::{Parser, Subcommand};
use commands::{CommandContext, Services, SystemClock};
use domain::metadata::Actor;
use eventstore::db;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "europass",
    about = "Europass Mobility register",
    version,
    after_help = "Log levels: RUST_LOG (e.g. info, europass=debug), default info."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
    /// Log lines as readable text or as JSON objects (for log collectors).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = telemetry::LogFormat::Text, global = true)]
    log_format: telemetry::LogFormat,
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
    /// The local ESCO index (R-OUTCOMES).
    Esco {
        #[command(subcommand)]
        action: EscoAction,
    },
    /// Rebuild query tables from the event store while the service keeps running (R-REPLAY).
    Replay {
        /// Only this projection (accounts, institutions, mobilities, documents).
        #[arg(long, conflicts_with = "all")]
        projection: Option<String>,
        /// Every projection (the default).
        #[arg(long)]
        all: bool,
        /// Repair only this aggregate's rows, in the live tables.
        #[arg(long, conflicts_with_all = ["verify", "resume", "discard"])]
        aggregate: Option<String>,
        /// Rebuild into scratch tables and print every difference as JSON lines; changes nothing.
        #[arg(long, conflicts_with_all = ["resume", "discard"])]
        verify: bool,
        /// Continue an interrupted rebuild (its schema is named when it starts).
        #[arg(long, conflicts_with_all = ["projection", "all", "discard"])]
        resume: Option<String>,
        /// Drop an interrupted rebuild's schema instead (it holds copies of personal data).
        #[arg(long, conflicts_with_all = ["projection", "all"])]
        discard: Option<String>,
    },
    /// Print events as JSON lines, personal data decrypted.
    Events {
        /// Every event of this aggregate, in order.
        #[arg(long, conflicts_with = "since", required_unless_present = "since")]
        aggregate: Option<String>,
        /// The global stream after this position.
        #[arg(long)]
        since: Option<i64>,
        /// At most this many events of the global stream.
        #[arg(long, default_value_t = 1000)]
        limit: i64,
    },
    /// Manage NEC staff accounts.
    NecUser {
        #[command(subcommand)]
        action: NecUserAction,
    },
}

#[derive(Subcommand)]
enum EscoAction {
    /// Load the official ESCO CSV download (occupations_<lang>.csv, skills_<lang>.csv).
    Import { dir: std::path::PathBuf },
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

/// mimalloc: the service allocates many short-lived JSON values (events, GraphQL), where the
/// system allocator spent about a quarter of a rebuild's time (measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        print!("{}", api::graphql::build_schema(None).sdl());
        return Ok(());
    }
    telemetry::init_with(cli.log_format);
    let config = cli.config.normalised();
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
        Command::Esco {
            action: EscoAction::Import { dir },
        } => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            let report = esco::import_dir(&pool, &dir).await?;
            println!("{report}");
        }
        Command::PurgeTryout => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            let report = api::maintenance::purge_tryout(&pool, chrono::Utc::now()).await?;
            println!(
                "purged {} Try Out mobilities ({} events)",
                report.mobilities, report.events
            );
        }
        Command::Replay {
            projection,
            all: _,
            aggregate,
            verify,
            resume,
            discard,
        } => {
            use projections::replay;
            let pool = db::connect(&config.database_url, 4).await?;
            db::migrate(&pool).await?;
            let available = projections::all_projections();
            let selected: Vec<_> = available
                .iter()
                .filter(|p| projection.as_deref().is_none_or(|name| p.name() == name))
                .cloned()
                .collect();
            anyhow::ensure!(
                !selected.is_empty(),
                "no projection named {}",
                projection.unwrap_or_default()
            );
            if let Some(schema) = discard {
                replay::discard(&pool, &schema).await?;
                eprintln!("discarded {schema}");
            } else if verify {
                let differences = replay::verify(&pool, &selected).await?;
                for difference in &differences {
                    println!("{}", serde_json::to_string(difference)?);
                }
                anyhow::ensure!(differences.is_empty(), "{} rows differ", differences.len());
                eprintln!("no differences");
            } else {
                let mut printer = replay::Printer::default();
                let mut announced = false;
                let progress = |p: replay::ReplayProgress| {
                    if !announced {
                        eprintln!(
                            "rebuilding in schema {0}; if interrupted, continue with: \
                             europass replay --resume {0}",
                            p.schema
                        );
                        announced = true;
                    }
                    printer.show(&p);
                };
                let report = match resume {
                    Some(schema) => replay::resume(&pool, &available, &schema, progress).await,
                    None => replay::rebuild(&pool, &selected, aggregate, progress).await,
                };
                printer.finish();
                let report = report?;
                println!(
                    "rebuilt {} from {} events ({} during the swap) in {:.1}s",
                    report.projections.join(", "),
                    report.events,
                    report.events_in_swap,
                    report.elapsed.as_secs_f64()
                );
            }
        }
        Command::Events {
            aggregate,
            since,
            limit,
        } => {
            let pool = db::connect(&config.database_url, 2).await?;
            let lines = match aggregate {
                Some(id) => projections::event_log::events_of(&pool, &id).await?,
                None => {
                    projections::event_log::events_since(&pool, since.unwrap_or(0), limit).await?
                }
            };
            for line in lines {
                println!("{}", serde_json::to_string(&line)?);
            }
        }
        Command::NecUser {
            action: NecUserAction::Add { email, name },
        } => {
            let pool = db::connect(&config.database_url, 2).await?;
            db::migrate(&pool).await?;
            let services = Services::new(
                pool.clone(),
                Arc::new(SystemClock),
                api::startup::mailer_from(&config)?,
                config.public_url.clone().unwrap_or_default(),
                api::read_side::ProjectedReads::new(pool),
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
