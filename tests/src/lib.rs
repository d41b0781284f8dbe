//! Test harness: the real server on a random port, a fresh database per test, an SMTP
//! listener inside the test process, and a clock the test moves.

pub mod browser;
pub mod portal;
pub mod smtp;

use api::{Application, Config};
use chrono::{DateTime, TimeZone, Utc};
use commands::ManualClock;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

pub use smtp::{ReceivedMail, SmtpCapture};

pub const SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432";

/// The moment every test starts at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap()
}

/// A new, empty database with the migrations applied.
pub async fn fresh_database() -> (String, PgPool) {
    let url = format!(
        "{SERVER_URL}/europass_test_{}?sslmode=disable",
        Uuid::new_v4().simple()
    );
    let pool = eventstore::db::connect(&url, 10)
        .await
        .expect("test database");
    eventstore::db::migrate(&pool).await.expect("migrations");
    (url, pool)
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub smtp: SmtpCapture,
    pub pool: PgPool,
    pub app_state: api::graphql::AppState,
    /// How the first replica was configured: more replicas on the same database use it.
    pub config: Config,
}

pub async fn spawn_app() -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        api::telemetry::init();
    }
    let (database_url, pool) = fresh_database().await;
    let smtp = SmtpCapture::start().await;
    let clock = Arc::new(ManualClock::new(t0()));
    let config = Config {
        database_url,
        database_max_connections: 10,
        bind_addr: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
        smtp_url: Some(format!("smtp://127.0.0.1:{}", smtp.port())),
        mail_from: "Europass Test <noreply@europass.test>".into(),
        outbox_dir: std::env::temp_dir().join("europass-test-outbox"),
        esco_api_url: None,
        edc_seal_key: None,
        edc_seal_cert: None,
        edc_issuer_name: commands::credentials::Issuer::default().name_en,
        edc_issuer_name_lv: commands::credentials::Issuer::default().name_lv,
        edc_issuer_registration: commands::credentials::Issuer::default().registration,
    };
    let app = Application::build(&config, clock.clone())
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let app_state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        clock,
        smtp,
        pool,
        app_state,
        config,
    }
}

impl TestApp {
    /// Another replica of the service on the same database, clock and mail listener, in this
    /// process on its own port; returns its address.
    pub async fn spawn_replica(&self) -> String {
        let app = Application::build(&self.config, self.clock.clone())
            .await
            .expect("the replica builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }
}

/// A GraphQL answer with helpers to read data and errors.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    pub fn error(&self) -> &Value {
        &self.body["errors"][0]
    }

    pub fn code(&self) -> &str {
        self.error()["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }

    pub fn reason(&self) -> &str {
        self.error()["extensions"]["reason"].as_str().unwrap_or("")
    }

    pub fn field(&self) -> &str {
        self.error()["extensions"]["field"].as_str().unwrap_or("")
    }
}

impl TestApp {
    pub async fn post_graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Answer {
        self.post_body(token, json!({"query": query, "variables": variables}))
            .await
    }

    /// A GraphQL POST with this JSON body as it is (e.g. a persisted query's hash).
    pub async fn post_body(&self, token: Option<&str>, body: Value) -> Answer {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let body = response.json().await.expect("json answer");
        Answer { status, body }
    }

    pub async fn gql(&self, query: &str, variables: Value) -> Answer {
        self.post_graphql(None, query, variables).await
    }

    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Answer {
        self.post_graphql(Some(token), query, variables).await
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use commands::Clock;
        self.clock.now()
    }

    /// Every table (with the row count) whose rows mention `needle` anywhere in their text.
    pub async fn tables_containing(&self, needle: &str) -> Vec<(String, i64)> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables
              WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap();
        let mut found = vec![];
        for table in tables {
            let count: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM \"{table}\" t WHERE t::text LIKE '%' || $1 || '%'"
            ))
            .bind(needle)
            .fetch_one(&self.pool)
            .await
            .unwrap();
            if count > 0 {
                found.push((table, count));
            }
        }
        found
    }

    /// An institution with an approved mobility of `participants` documents (procedure A).
    /// Returns (institution session, mobility id, document ids in order).
    pub async fn approved_mobility(
        &self,
        email: &str,
        participants: i32,
    ) -> (String, String, Vec<String>) {
        // An institution registers once by its name: one per e-mail.
        let name = format!("Skola {email}");
        let (session, _, _) = self.institution_session(&name, email).await;
        self.approved_mobility_for(&session, participants, "A")
            .await
    }

    pub async fn approved_mobility_for(
        &self,
        session: &str,
        participants: i32,
        procedure: &str,
    ) -> (String, String, Vec<String>) {
        let mut input = json!({
            "acceptConditions": true, "participants": participants, "foldersByPost": false,
            "startDate": "2026-12-01", "endDate": "2026-12-14", "issuer": "NEC_LV",
            "procedure": procedure, "programme": "KA122-VET",
            "projectNumber": "2026-1-LV01-KA122-VET-000001"
        });
        if procedure == "B" {
            input["description"] = json!("Skolu partnerība");
            input["qualityCriteriaConfirmed"] = json!(true);
        }
        let requested = self
            .gql_as(
                session,
                "mutation($input: MobilityRequestInput!) { requestMobility(input: $input) { id } }",
                json!({"input": input}),
            )
            .await;
        let mobility = requested.data()["requestMobility"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let nec_email = format!("nec-{}@nec.lv", Uuid::new_v4().simple());
        let nec = self.nec_session(&nec_email).await;
        let approved = self
            .gql_as(
                &nec,
                "mutation($id: ID!) { approveMobility(mobilityId: $id) { documents(first: 100) { nodes { id } } } }",
                json!({"id": mobility}),
            )
            .await;
        let ids = approved.data()["approveMobility"]["documents"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        (session.to_string(), mobility, ids)
    }

    /// Saves one section of a document (`savePersonalData`, `saveHostOrganisation`,
    /// `saveProject`, `saveLearningOutcomes`) and returns the answer.
    pub async fn save_section(
        &self,
        token: &str,
        mutation: &str,
        document_id: &str,
        input: Value,
    ) -> Answer {
        let input_type = match mutation {
            "savePersonalData" => "PersonalDataInput",
            "saveHostOrganisation" => "HostOrganisationInput",
            "saveProject" => "ProjectInput",
            "saveLearningOutcomes" => "LearningOutcomesInput",
            other => panic!("{other} is not a section save"),
        };
        self.gql_as(
            token,
            &format!(
                "mutation($id: ID!, $input: {input_type}!) {{ {mutation}(documentId: $id, input: $input) {{ complete }} }}"
            ),
            json!({"id": document_id, "input": input}),
        )
        .await
    }

    /// Fills every mandatory field of a document (Latvian holder name) through the API.
    pub async fn complete_document(&self, token: &str, id: &str) {
        for (mutation, input) in [
            (
                "savePersonalData",
                json!({"surname": "Bērziņa", "firstName": "Līga", "dateOfBirth": "2007-03-04", "nationality": "LV"}),
            ),
            (
                "saveHostOrganisation",
                json!({"name": "Berufsschule München", "organisationType": {"code": "VET_PROVIDER"},
                "address": "Musterstraße 1", "country": "DE", "mentorFirstName": "Jürgen", "mentorLastName": "Müller"}),
            ),
            (
                "saveProject",
                json!({"objective": "Metināšana", "startDate": "2026-12-01", "endDate": "2026-12-14"}),
            ),
            (
                "saveLearningOutcomes",
                json!({"activities": "Metināšanas darbi darbnīcā", "jobRelatedSkills": "Metināšana"}),
            ),
        ] {
            self.save_section(token, mutation, id, input).await.data();
        }
    }

    pub async fn event_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn register(&self, name: &str, email: &str) -> Answer {
        self.gql(
            "mutation($name: String!, $email: String!) {
               registerInstitution(name: $name, email: $email) { institutionId email linkExpiresAt }
             }",
            json!({"name": name, "email": email}),
        )
        .await
    }

    pub async fn confirm(&self, token: &str) -> Answer {
        self.gql(
            "mutation($token: String!) { confirmRegistration(token: $token) { institutionId email password } }",
            json!({"token": token}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Answer {
        self.gql(
            "mutation($email: String!, $password: String!) {
               login(email: $email, password: $password) { token expiresAt mustChangePassword }
             }",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Logs in from the loopback address `from` (e.g. 127.0.0.2): the service counts login
    /// attempts per client address.
    pub async fn login_from(&self, from: std::net::IpAddr, email: &str, password: &str) -> Answer {
        let client = reqwest::Client::builder()
            .local_address(from)
            .build()
            .expect("a client bound to the address");
        let response = client
            .post(format!("{}/graphql", self.address))
            .json(&json!({
                "query": "mutation($email: String!, $password: String!) {
                   login(email: $email, password: $password) { token expiresAt mustChangePassword }
                 }",
                "variables": {"email": email, "password": password},
            }))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let body = response.json().await.expect("json answer");
        Answer { status, body }
    }

    /// The token of the newest registration link sent to `email`.
    pub async fn registration_token(&self, email: &str) -> String {
        let mail = self.smtp.wait_for(email, "confirm-registration").await;
        mail.after("confirm-registration?token=")
    }

    /// Registers, confirms and logs in; returns (session token, password, institution id).
    pub async fn institution_session(&self, name: &str, email: &str) -> (String, String, String) {
        let institution_id = self.register(name, email).await.data()["registerInstitution"]
            ["institutionId"]
            .as_str()
            .unwrap()
            .to_string();
        let token = self.registration_token(email).await;
        let password = self.confirm(&token).await.data()["confirmRegistration"]["password"]
            .as_str()
            .unwrap()
            .to_string();
        let session = self.login(email, &password).await.data()["login"]["token"]
            .as_str()
            .unwrap()
            .to_string();
        (session, password, institution_id)
    }

    /// Creates an NEC staff account as the operator CLI does; returns its password.
    pub async fn nec_account(&self, email: &str) -> String {
        commands::institutions::add_nec_user(
            &self.app_state.services,
            &commands::CommandContext::new(domain::metadata::Actor::operator()),
            "Nora NEC",
            email,
        )
        .await
        .expect("nec user")
        .password
    }

    /// Logs in and returns the session token.
    pub async fn session(&self, email: &str, password: &str) -> String {
        self.login(email, password).await.data()["login"]["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates an NEC staff account and logs it in.
    pub async fn nec_session(&self, email: &str) -> String {
        let password = self.nec_account(email).await;
        self.session(email, &password).await
    }
}

/// The copyable fields of the three sections R-COPY copies, as `copyToDocuments` names them:
/// what the copy tests and the benchmark send.
pub fn copy_sections() -> Vec<(&'static str, Value)> {
    vec![
        (
            "hostOrganisation",
            json!([
                "name",
                "organisationType",
                "address",
                "country",
                "mentorFirstName",
                "mentorLastName",
                "email"
            ]),
        ),
        (
            "project",
            json!(["objective", "stay", "purpose", "startDate", "endDate"]),
        ),
        ("learningOutcomes", json!(["activities", "languageSkills"])),
    ]
}

/// Waits until every transaction up to `tx` is below the projector's horizon
/// (`pg_snapshot_xmin` is cluster-wide: a test running beside this one may hold it back).
/// Once there, it stays there: transactions that start later have larger ids.
pub async fn below_horizon(pool: &PgPool, tx: i64) {
    while sqlx::query_scalar::<_, i64>(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    )
    .fetch_one(pool)
    .await
    .expect("the horizon")
        <= tx
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A PNG of the given size with a gradient (a photo or signature to upload).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

impl TestApp {
    /// Waits (10 s at most) until the live projector has applied every committed event.
    pub async fn projected(&self) {
        assert!(
            self.app_state
                .projector
                .wait_for_current(std::time::Duration::from_secs(10))
                .await
                .unwrap(),
            "the live projector caught up"
        );
    }
}

/// The QR code on a certificate's first page, read as a scanner would: the page rendered at
/// 200 dpi (a common scanning resolution) by pdftoppm, decoded by zbarimg (poppler-utils and
/// zbar-tools, installed by `.ci/run`; missing, the test fails).
pub fn qr_link(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, pdf).unwrap();
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-r", "200", "-f", "1", "-l", "1", "-png", "-singlefile"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(rendered.success());
    let decoded = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(dir.path().join("page.png"))
        .output()
        .expect("zbarimg (zbar-tools) runs");
    assert!(decoded.status.success(), "no QR code on the first page");
    String::from_utf8(decoded.stdout)
        .unwrap()
        .trim()
        .to_string()
}
