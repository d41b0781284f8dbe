//! Fault test: restart PostgreSQL under load. Four clients send mutations to the real
//! `europass` process while its PostgreSQL is restarted (`pg_ctl -m fast restart`): meanwhile
//! every failed request is answered with a retryable code, the server recovers within seconds
//! without a restart of its own, and nothing acknowledged is lost (event store and, once the
//! projector caught up by itself, query tables).
//!
//! The shared PostgreSQL on 127.0.0.1:5432 is left alone: the test creates its own throw-away
//! cluster on a free port (`initdb`, `pg_ctl`; run as `postgres` through `runuser` when the
//! test runs as root) and removes it at the end, also when the test fails.

use crate::common::{free_port, wait_healthy};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Load before the restart, and after PostgreSQL is back.
const LOAD_BEFORE_RESTART: Duration = Duration::from_millis(1500);
const LOAD_AFTER_RESTART: Duration = Duration::from_secs(6);
const CLIENTS: usize = 4;
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The first success after PostgreSQL is back must come within this.
const RECOVERY_LIMIT: Duration = Duration::from_secs(10);
/// Error codes a client may retry on.
const RETRYABLE: &[&str] = &["UNAVAILABLE", "CONFLICT"];

/// Whether this process runs as root (`initdb` refuses to), read from `/proc/self/status`,
/// else from `id -u`.
fn running_as_root() -> bool {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("Uid:")) {
            return line.split_whitespace().nth(1) == Some("0");
        }
    }
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The `bin` directory of the newest PostgreSQL installed under `/usr/lib/postgresql`.
fn postgres_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .expect("PostgreSQL is installed under /usr/lib/postgresql")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let version: Vec<u32> = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            e.path()
                .join("bin/pg_ctl")
                .exists()
                .then_some((version, e.path()))
        })
        .max()
        .expect("a PostgreSQL version with bin/pg_ctl");
    newest.1.join("bin")
}

/// How to run `pg_ctl` for the throw-away cluster (cloneable, for `spawn_blocking`).
#[derive(Clone)]
struct PgCtl {
    bin: PathBuf,
    base: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PgCtl {
    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.base.join("sock")
    }

    fn log(&self) -> PathBuf {
        self.base.join("postgres.log")
    }

    /// A PostgreSQL program, run as `postgres` if we are root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        command.current_dir(&self.base).stdin(Stdio::null());
        command
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let output = self
            .command(program)
            .args(args)
            .output()
            .map_err(|e| format!("{program} did not start: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} {args:?} failed ({}):\n{}{}\nserver log:\n{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                tail(&self.log(), 30)
            ))
        }
    }

    fn options(&self) -> String {
        format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            self.socket_dir().display()
        )
    }

    /// `pg_ctl ACTION` with the cluster's options, waiting for it to finish.
    fn ctl(&self, action: &str, extra: &[&str]) -> Result<(), String> {
        let data = self.data().display().to_string();
        let log = self.log().display().to_string();
        let options = self.options();
        let mut args = vec![action, "-D", &data, "-o", &options, "-l", &log, "-w"];
        args.extend_from_slice(extra);
        self.run("pg_ctl", &args)
    }
}

/// The throw-away cluster; stopped (`-m immediate`) and removed when dropped.
struct Cluster {
    ctl: PgCtl,
}

impl Cluster {
    fn create() -> Self {
        let as_postgres = running_as_root();
        let base = std::env::temp_dir().join(format!(
            "europass-pgrestart-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(base.join("sock")).unwrap();
        let cluster = Self {
            ctl: PgCtl {
                bin: postgres_bin(),
                base,
                port: free_port(),
                as_postgres,
            },
        };
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.ctl.base)
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown of the cluster directory");
        }
        let data = cluster.ctl.data().display().to_string();
        cluster
            .ctl
            .run(
                "initdb",
                &[
                    "-D",
                    &data,
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ],
            )
            .unwrap();
        cluster.ctl.ctl("start", &[]).unwrap();
        cluster
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.ctl.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.ctl.data().display().to_string();
        if let Err(err) = self
            .ctl
            .run("pg_ctl", &["stop", "-D", &data, "-m", "immediate", "-w"])
        {
            eprintln!("stopping the throw-away cluster: {err}");
        }
        let _ = std::fs::remove_dir_all(&self.ctl.base);
    }
}

/// The `europass` process; killed when dropped.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(database_url: &str, port: u16, dir: &Path) -> Self {
        let log = dir.join("europass.log");
        let stderr = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_europass"))
            .env("DATABASE_URL", database_url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("OUTBOX_DIR", dir.join("outbox"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("the europass binary starts");
        Self { child, log }
    }

    /// Panics if the process has exited.
    fn assert_running(&mut self, when: &str) {
        let exited = self.child.try_wait().unwrap();
        assert!(
            exited.is_none(),
            "the server exited {when} ({exited:?}); its log:\n{}",
            tail(&self.log, 40)
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One request of the load, with times relative to the start of the load.
#[derive(Debug)]
struct Outcome {
    email: String,
    sent: Duration,
    answered: Duration,
    /// None: no HTTP answer (connection error or client timeout).
    status: Option<u16>,
    /// `errors[0].extensions.code`, if any.
    code: Option<String>,
    /// Transport error or unreadable body.
    problem: Option<String>,
    acknowledged: bool,
}

impl Outcome {
    /// Answered, with a code the client may retry on (or a plain 503).
    fn retryable(&self) -> bool {
        match (self.status, self.code.as_deref()) {
            (Some(503), _) => true,
            (Some(200), Some(code)) => RETRYABLE.contains(&code),
            _ => false,
        }
    }
}

async fn register(client: &reqwest::Client, port: u16, email: String, t0: Instant) -> Outcome {
    let query = format!(
        "mutation {{ registerInstitution(name: \"Skola {email}\", email: \"{email}\") {{ email }} }}"
    );
    let sent = t0.elapsed();
    let mut outcome = Outcome {
        email: email.clone(),
        sent,
        answered: sent,
        status: None,
        code: None,
        problem: None,
        acknowledged: false,
    };
    let response = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await;
    match response {
        Err(err) => outcome.problem = Some(format!("{err:?}")),
        Ok(response) => {
            outcome.status = Some(response.status().as_u16());
            match response.json::<serde_json::Value>().await {
                Err(err) => outcome.problem = Some(format!("body: {err:?}")),
                Ok(body) => {
                    outcome.code = body["errors"][0]["extensions"]["code"]
                        .as_str()
                        .map(str::to_string);
                    outcome.acknowledged = body["errors"].is_null()
                        && body["data"]["registerInstitution"]["email"] == email.as_str();
                    if !outcome.acknowledged && outcome.code.is_none() {
                        outcome.problem = Some(format!("unexpected answer: {body}"));
                    }
                }
            }
        }
    }
    outcome.answered = t0.elapsed();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_under_load_gives_retryable_errors_recovers_and_loses_nothing() {
    let cluster = Cluster::create();
    let database_url = cluster.url("europass_pgrestart");
    let pool = eventstore::db::connect(&database_url, 5).await.unwrap();
    eventstore::db::migrate(&pool).await.unwrap();
    let port = free_port();
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .unwrap();
    let mut server = Server::start(&database_url, port, &cluster.ctl.base);
    wait_healthy(&client, port).await;

    // Four clients, each sending one mutation after the other until told to stop.
    let t0 = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let load: Vec<_> = (0..CLIENTS)
        .map(|worker| {
            let client = client.clone();
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut outcomes = vec![];
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let email = format!("pgr{worker}-{n}@skola.lv");
                    outcomes.push(register(&client, port, email, t0).await);
                    n += 1;
                }
                outcomes
            })
        })
        .collect();

    tokio::time::sleep(LOAD_BEFORE_RESTART).await;
    server.assert_running("before the restart");
    let restart_began = t0.elapsed();
    let ctl = cluster.ctl.clone();
    tokio::task::spawn_blocking(move || ctl.ctl("restart", &["-m", "fast"]))
        .await
        .unwrap()
        .expect("pg_ctl restart");
    let restart_ended = t0.elapsed();
    server.assert_running("during the restart");
    tokio::time::sleep(LOAD_AFTER_RESTART).await;
    stop.store(true, Ordering::SeqCst);
    let mut outcomes = vec![];
    for worker in load {
        outcomes.extend(worker.await.unwrap());
    }
    let load_ended = t0.elapsed();
    server.assert_running("after the load");
    outcomes.sort_by_key(|o| o.sent);

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.acknowledged).collect();
    let acknowledged: Vec<&Outcome> = outcomes.iter().filter(|o| o.acknowledged).collect();
    let first_success_after = outcomes
        .iter()
        .filter(|o| o.acknowledged && o.sent >= restart_ended)
        .map(|o| o.answered)
        .min();
    let recovery = first_success_after.map(|t| t.saturating_sub(restart_ended));
    let slowest = outcomes.iter().map(|o| o.answered - o.sent).max();
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for o in &failed {
        let key = format!("{:?}/{}", o.status, o.code.as_deref().unwrap_or("-"));
        *codes.entry(key).or_default() += 1;
    }
    eprintln!(
        "pg_restart: {} requests, {} acknowledged, {} failed {codes:?}; PostgreSQL restart \
         {:.2}s..{:.2}s (took {:.2}s); first success {:?} after PostgreSQL was back; \
         slowest answer {slowest:?}; load ended at {:.2}s",
        outcomes.len(),
        acknowledged.len(),
        failed.len(),
        restart_began.as_secs_f64(),
        restart_ended.as_secs_f64(),
        (restart_ended - restart_began).as_secs_f64(),
        recovery,
        load_ended.as_secs_f64(),
    );

    // The load spanned the restart.
    assert!(
        outcomes
            .iter()
            .any(|o| o.acknowledged && o.answered <= restart_began),
        "mutations succeeded before the restart"
    );

    // 1. Every failure was answered (no hang, no dropped connection) with a retryable code.
    let bad: Vec<&&Outcome> = failed.iter().filter(|o| !o.retryable()).collect();
    assert!(
        bad.is_empty(),
        "{} of {} failed requests were not answered with a retryable code, e.g. {:#?}\n\
         server log:\n{}",
        bad.len(),
        failed.len(),
        &bad[..bad.len().min(5)],
        tail(&server.log, 40)
    );

    // 2. The server recovered by itself, and stayed recovered.
    let recovery = recovery.unwrap_or_else(|| {
        panic!(
            "no mutation succeeded after PostgreSQL was back; server log:\n{}",
            tail(&server.log, 40)
        )
    });
    assert!(
        recovery < RECOVERY_LIMIT,
        "the first success came {recovery:?} after PostgreSQL was back"
    );
    let settled_from = restart_ended + recovery + Duration::from_secs(2);
    let late_failures: Vec<&&Outcome> = failed.iter().filter(|o| o.sent >= settled_from).collect();
    assert!(
        late_failures.is_empty(),
        "requests failed well after the recovery: {late_failures:#?}"
    );

    // 3. Nothing acknowledged is lost: in the event store ...
    for o in &acknowledged {
        let account =
            domain::account::account_id_for(&domain::values::Email::parse(&o.email).unwrap());
        let events: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE aggregate_type = 'account' AND aggregate_id = $1",
        )
        .bind(account.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            events >= 1,
            "acknowledged {} is in the event store",
            o.email
        );
    }
    // ... and, once the projector caught up by itself, in the query table.
    let emails: Vec<String> = acknowledged.iter().map(|o| o.email.clone()).collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let projected: i64 =
            sqlx::query_scalar("SELECT count(*) FROM accounts WHERE email = ANY($1)")
                .bind(&emails)
                .fetch_one(&pool)
                .await
                .unwrap();
        if projected == emails.len() as i64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "acknowledged accounts projected: {projected}/{}; server log:\n{}",
            emails.len(),
            tail(&server.log, 40)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 4. The server never exited.
    server.assert_running("at the end");
    pool.close().await;
    drop(server);
    drop(cluster);
}
