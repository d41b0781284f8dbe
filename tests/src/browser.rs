//! A real browser for the portal tests: Debian's headless Chromium driven over WebDriver by
//! Debian's chromedriver (`.ci/run` installs both, and axe-core from npm).
//!
//! Every test gets its own chromedriver on a free port, its own Chromium profile and its own
//! download directory; dropping the [`Browser`] shuts both down. Methods panic with the current
//! URL and the start of the page's text, so a failing step says where the browser was.
//!
//! Chromium resolves no host name but `localhost` (`--host-resolver-rules`): the pages under
//! test are served on 127.0.0.1, and nothing a page links to is fetched from elsewhere.
//!
//! The viewport is 1280×900 CSS pixels (`window.innerWidth`/`innerHeight`); headless Chromium
//! still counts a toolbar, so its window is taller than that (1280×1043 with Chromium 156).

use base64::Engine as _;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::fmt::Display;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The viewport of a new browser in CSS pixels; [`Browser::set_width`] keeps the height.
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 900;

/// How long chromedriver may take to answer and to start Chromium, and a page or a script to
/// finish.
const DRIVER_START: Duration = Duration::from_secs(30);
const SESSION_START: Duration = Duration::from_secs(90);
const PAGE_LOAD: Duration = Duration::from_secs(30);
const SCRIPT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

/// The headless Chromium of one test, with its chromedriver.
pub struct Browser {
    client: Client,
    /// Dropped before `_work`: chromedriver and Chromium stop before their files go.
    _driver: Driver,
    /// chromedriver.log and downloads/.
    _work: tempfile::TempDir,
    downloads: PathBuf,
}

/// The chromedriver process; dropping it stops chromedriver and so Chromium.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

/// A command of the Chrome DevTools protocol, sent through chromedriver's
/// `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// A browser whose Accept-Language is `en`.
    pub async fn start() -> Browser {
        Self::start_with_language("en").await
    }

    /// A browser whose user interface language and Accept-Language are `language` (e.g. "lv",
    /// or a list such as "lv,en").
    pub async fn start_with_language(language: &str) -> Browser {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: the browser tests need Debian's chromium and chromium-driver, \
                 which .ci/run installs (apt-get install -y chromium chromium-driver)"
            );
        }
        let work = tempfile::Builder::new()
            .prefix("europass-browser-")
            .tempdir()
            .expect("a temporary directory for the browser");
        let downloads = work.path().join("downloads");
        std::fs::create_dir(&downloads).expect("the download directory");
        let log = work.path().join("chromedriver.log");

        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a free port for chromedriver");
            listener.local_addr().unwrap().port()
        };
        let driver_addr = SocketAddr::from(([127, 0, 0, 1], port));
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{CHROMEDRIVER} does not start: {e}"));
        // From here on, a panic drops `driver`, which stops chromedriver.
        let mut driver = Driver {
            child,
            addr: driver_addr,
        };
        let driver_log = || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(30)..].join("\n")
        };

        // chromedriver answers GET /status with {"value": {"ready": true, ...}} once it listens.
        let started = Instant::now();
        let http = reqwest::Client::new();
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "chromedriver exited ({status}) before it answered; its log:\n{}",
                    driver_log()
                );
            }
            let ready = http
                .get(format!("http://{driver_addr}/status"))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(response) = ready {
                if let Ok(status) = response.json::<Value>().await {
                    if status["value"]["ready"] == json!(true) {
                        break;
                    }
                }
            }
            if started.elapsed() > DRIVER_START {
                panic!(
                    "chromedriver did not answer on {driver_addr} within {DRIVER_START:?}; its log:\n{}",
                    driver_log()
                );
            }
            tokio::time::sleep(POLL).await;
        }

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("pageLoadStrategy".into(), json!("normal"));
        capabilities.insert(
            "timeouts".into(),
            json!({
                "implicit": 0,
                "pageLoad": PAGE_LOAD.as_millis() as u64,
                "script": SCRIPT.as_millis() as u64,
            }),
        );
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    format!("--window-size={WIDTH},{HEIGHT}"),
                    format!("--lang={language}"),
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-search-engine-choice-screen",
                    "--disable-component-update",
                    "--disable-features=Translate,MediaRouter,OptimizationHints",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]",
                ],
                "prefs": {
                    "intl.accept_languages": language,
                    "download.default_directory": downloads.to_str().expect("a UTF-8 temp path"),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    // A PDF is downloaded, not shown in Chromium's viewer.
                    "plugins.always_open_pdf_externally": true,
                    "safebrowsing.enabled": false,
                },
            }),
        );
        let connected = tokio::time::timeout(
            SESSION_START,
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://{driver_addr}/")),
        )
        .await;
        let client = match connected {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "chromedriver could not start {CHROMIUM}: {e}; chromedriver's log:\n{}",
                driver_log()
            ),
            Err(_) => panic!(
                "chromedriver did not start {CHROMIUM} within {SESSION_START:?}; its log:\n{}",
                driver_log()
            ),
        };
        let browser = Browser {
            client,
            _driver: driver,
            _work: work,
            downloads,
        };
        browser.set_viewport(WIDTH, HEIGHT).await;
        // The download preferences suffice for Chromium 156's headless mode; the DevTools
        // command makes sure of it should a later one follow them no more.
        browser
            .cdp(
                "Browser.setDownloadBehavior",
                json!({
                    "behavior": "allow",
                    "downloadPath": browser.downloads.to_str().unwrap(),
                    "eventsEnabled": false,
                }),
            )
            .await;
        browser
    }

    /// The fantoccini client, for what the helpers here do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The directory downloads are saved in.
    pub fn download_dir(&self) -> &Path {
        &self.downloads
    }

    /// The URL of the current page and the start of its text, for failure messages.
    pub async fn context(&self) -> String {
        let url =
            match tokio::time::timeout(Duration::from_secs(5), self.client.current_url()).await {
                Ok(Ok(url)) => url.to_string(),
                Ok(Err(e)) => format!("(unknown: {e})"),
                Err(_) => "(unknown: no answer within 5 s)".into(),
            };
        let text = match tokio::time::timeout(
            Duration::from_secs(5),
            self.client.execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            ),
        )
        .await
        {
            Ok(Ok(Value::String(text))) => text,
            Ok(Ok(other)) => other.to_string(),
            Ok(Err(e)) => format!("(unreadable: {e})"),
            Err(_) => "(unreadable: no answer within 5 s)".into(),
        };
        let mut snippet: String = text.chars().take(1500).collect();
        if snippet.len() < text.len() {
            snippet.push_str(" […]");
        }
        format!("current URL: {url}\npage text:\n{snippet}")
    }

    async fn ok<T, E: Display>(&self, result: Result<T, E>, what: impl Display) -> T {
        match result {
            Ok(value) => value,
            Err(e) => {
                let context = self.context().await;
                panic!("browser: {what}: {e}\n{context}")
            }
        }
    }

    async fn fail(&self, what: impl Display) -> ! {
        let context = self.context().await;
        panic!("browser: {what}\n{context}")
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        let found = self.client.find(Locator::Css(css)).await;
        self.ok(found, format_args!("no element matches `{css}`"))
            .await
    }

    /// A command of the Chrome DevTools protocol on the current tab; returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let result = self
            .client
            .issue_cmd(Cdp {
                cmd: cmd.into(),
                params,
            })
            .await;
        self.ok(result, format_args!("CDP {cmd}")).await
    }

    pub async fn goto(&self, url: &str) {
        let result = self.client.goto(url).await;
        self.ok(result, format_args!("goto {url}")).await;
    }

    pub async fn current_url(&self) -> String {
        let url = self.client.current_url().await;
        self.ok(url, "current URL").await.to_string()
    }

    /// Types `value` into the field matching `css` after clearing it.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        // A date input takes keys in the browser's locale order (dd.mm.yyyy, mm/dd/yyyy…):
        // set its value as a date picker does, with the events a person's choice fires.
        let kind = field.attr("type").await.ok().flatten();
        if matches!(kind.as_deref(), Some("date" | "datetime-local" | "time")) {
            let element = serde_json::to_value(&field).expect("element reference");
            let set = self
                .client
                .execute(
                    "arguments[0].value = arguments[1];\
                     arguments[0].dispatchEvent(new Event('input', {bubbles: true}));\
                     arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    vec![element, serde_json::json!(value)],
                )
                .await;
            self.ok(set, format_args!("set the date `{css}`")).await;
            return;
        }
        let cleared = field.clear().await;
        self.ok(cleared, format_args!("clear `{css}`")).await;
        let typed = field.send_keys(value).await;
        self.ok(typed, format_args!("type into `{css}`")).await;
    }

    /// Chooses the `<option value="{value}">` of the `<select>` matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        let select = self.find(css).await;
        let chosen = select.select_by_value(value).await;
        self.ok(chosen, format_args!("select `{value}` in `{css}`"))
            .await;
    }

    /// Clicks the checkbox or radio button matching `css` unless it is already selected.
    pub async fn check(&self, css: &str) {
        let input = self.find(css).await;
        let selected = input.is_selected().await;
        if !self.ok(selected, format_args!("state of `{css}`")).await {
            let clicked = input.click().await;
            self.ok(clicked, format_args!("click `{css}`")).await;
        }
        let selected = input.is_selected().await;
        if !self.ok(selected, format_args!("state of `{css}`")).await {
            self.fail(format_args!("`{css}` is still not selected after a click"))
                .await;
        }
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        let clicked = element.click().await;
        self.ok(clicked, format_args!("click `{css}`")).await;
    }

    /// Clicks the button matching `css` and waits until another page has loaded in its place
    /// (the same URL counts when it is a new document). A response that downloads a file
    /// loads no page: use [`Browser::click`] and [`Browser::downloaded_file`] for those.
    pub async fn submit(&self, css: &str) {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let marker = format!(
            "{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        // A property of this document's window: the next page has a new window object.
        self.execute(
            "window.__europassBrowserMarker = arguments[0]",
            vec![json!(marker)],
        )
        .await;
        let button = self.find(css).await;
        let clicked = button.click().await;
        self.ok(clicked, format_args!("click `{css}`")).await;
        let deadline = Instant::now() + PAGE_LOAD;
        loop {
            let state = self
                .client
                .execute(
                    "return [window.__europassBrowserMarker === arguments[0], document.readyState]",
                    vec![json!(marker)],
                )
                .await;
            // Errors while the old page goes and the new one comes are expected: poll again.
            if let Ok(state) = state {
                if state[0] == json!(false) && state[1] == json!("complete") {
                    return;
                }
            }
            if Instant::now() > deadline {
                self.fail(format_args!(
                    "no new page loaded within {PAGE_LOAD:?} after clicking `{css}`"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The rendered text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        let text = element.text().await;
        self.ok(text, format_args!("text of `{css}`")).await
    }

    /// `document.body.innerText`.
    pub async fn page_text(&self) -> String {
        match self
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
        {
            Value::String(text) => text,
            other => self.fail(format_args!("innerText is {other}")).await,
        }
    }

    /// The current page's source as the browser has it now.
    pub async fn html(&self) -> String {
        let source = self.client.source().await;
        self.ok(source, "page source").await
    }

    /// The attribute `name` of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.find(css).await;
        let value = element.attr(name).await;
        self.ok(value, format_args!("attribute {name} of `{css}`"))
            .await
    }

    pub async fn exists(&self, css: &str) -> bool {
        let found = self.client.find_all(Locator::Css(css)).await;
        !self
            .ok(found, format_args!("look for `{css}`"))
            .await
            .is_empty()
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str, deadline: Duration) {
        let until = Instant::now() + deadline;
        loop {
            if let Ok(found) = self.client.find_all(Locator::Css(css)).await {
                if !found.is_empty() {
                    return;
                }
            }
            if Instant::now() > until {
                self.fail(format_args!("nothing matched `{css}` within {deadline:?}"))
                    .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page's text contains `text`.
    pub async fn wait_for_text(&self, text: &str, deadline: Duration) {
        let until = Instant::now() + deadline;
        loop {
            let body = self
                .client
                .execute(
                    "return document.body ? document.body.innerText : ''",
                    vec![],
                )
                .await;
            if let Ok(Value::String(body)) = body {
                if body.contains(text) {
                    return;
                }
            }
            if Instant::now() > until {
                self.fail(format_args!(
                    "the page did not show {text:?} within {deadline:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the text of the element matching `css` is no longer `previous` (e.g. a
    /// countdown that ticks); the new text.
    pub async fn wait_for_text_change(
        &self,
        css: &str,
        previous: &str,
        deadline: Duration,
    ) -> String {
        let until = Instant::now() + deadline;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text != previous {
                        return text;
                    }
                }
            }
            if Instant::now() > until {
                self.fail(format_args!(
                    "the text of `{css}` stayed {previous:?} for {deadline:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the current URL contains `part` (a page that moves on by itself); the URL.
    pub async fn wait_for_url_containing(&self, part: &str, deadline: Duration) -> String {
        let until = Instant::now() + deadline;
        loop {
            if let Ok(url) = self.client.current_url().await {
                if url.as_str().contains(part) {
                    return url.to_string();
                }
            }
            if Instant::now() > until {
                self.fail(format_args!(
                    "the URL did not come to contain {part:?} within {deadline:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Makes the viewport `px` CSS pixels wide (`window.innerWidth == px`) and 900 high.
    pub async fn set_width(&self, px: u32) {
        self.set_viewport(px, HEIGHT).await;
    }

    /// Resizes the window so that the viewport is `width`×`height` CSS pixels (headless
    /// Chromium's window is larger than its viewport: it still draws no toolbar but counts one).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let (mut window_width, mut window_height) = (width, height);
        let mut inner = Value::Null;
        for _ in 0..3 {
            let resized = self
                .client
                .set_window_size(window_width, window_height)
                .await;
            self.ok(
                resized,
                format_args!("resize the window to {window_width}×{window_height}"),
            )
            .await;
            inner = self
                .execute("return [window.innerWidth, window.innerHeight]", vec![])
                .await;
            let (Some(inner_width), Some(inner_height)) = (inner[0].as_i64(), inner[1].as_i64())
            else {
                self.fail(format_args!("window.innerWidth/innerHeight are {inner}"))
                    .await
            };
            if (inner_width, inner_height) == (i64::from(width), i64::from(height)) {
                return;
            }
            let correct = |window: u32, want: u32, got: i64| {
                u32::try_from(i64::from(window) + i64::from(want) - got).unwrap_or(want)
            };
            window_width = correct(window_width, width, inner_width);
            window_height = correct(window_height, height, inner_height);
        }
        self.fail(format_args!(
            "the viewport is {inner} (innerWidth, innerHeight), not [{width},{height}], \
             with a window of {window_width}×{window_height}"
        ))
        .await
    }

    /// Saves a PNG of the whole page (beyond the viewport) at `path`.
    pub async fn screenshot_to(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let content = &metrics["cssContentSize"];
        let viewport = &metrics["cssLayoutViewport"];
        // The page, or the viewport where the page is smaller.
        let size = |page: &str, view: &str| {
            let page = content[page].as_f64().unwrap_or(0.0);
            page.max(viewport[view].as_f64().unwrap_or(0.0)).ceil()
        };
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": {
                        "x": 0,
                        "y": 0,
                        "width": size("width", "clientWidth"),
                        "height": size("height", "clientHeight"),
                        "scale": 1,
                    },
                }),
            )
            .await;
        let Some(data) = shot["data"].as_str() else {
            self.fail(format_args!("Page.captureScreenshot returned {shot}"))
                .await
        };
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("Page.captureScreenshot returns base64");
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Deletes every cookie the current page's site has.
    pub async fn delete_cookies(&self) {
        let deleted = self.client.delete_all_cookies().await;
        self.ok(deleted, "delete cookies").await;
    }

    /// The cookie `name` of the current page's site: its value, whether it is HttpOnly, and
    /// its SameSite ("Strict", "Lax", "None"; "" when not reported).
    pub async fn cookie(&self, name: &str) -> Option<(String, bool, String)> {
        let cookies = self.client.get_all_cookies().await;
        let cookies = self.ok(cookies, "read cookies").await;
        cookies.into_iter().find(|c| c.name() == name).map(|c| {
            (
                c.value().to_string(),
                c.http_only().unwrap_or(false),
                c.same_site().map(|s| s.to_string()).unwrap_or_default(),
            )
        })
    }

    /// Runs `js` as a function body in the page (`arguments` are `args`); its return value.
    pub async fn execute(&self, js: &str, args: Vec<Value>) -> Value {
        let result = self.client.execute(js, args).await;
        let head: String = js.chars().take(80).collect();
        self.ok(result, format_args!("script `{head}`")).await
    }

    /// Waits until the download directory holds a completed file whose name ends with
    /// `name_suffix`; its path and content.
    pub async fn downloaded_file(
        &self,
        name_suffix: &str,
        deadline: Duration,
    ) -> (PathBuf, Vec<u8>) {
        let until = Instant::now() + deadline;
        loop {
            let mut names = vec![];
            for entry in std::fs::read_dir(&self.downloads).expect("the download directory") {
                let entry = entry.expect("a download directory entry");
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
            // Chromium writes to "<name>.crdownload" and renames it when it is complete.
            let pending = names.iter().any(|n| n.ends_with(".crdownload"));
            if let Some(name) = names.iter().find(|n| n.ends_with(name_suffix)) {
                if !pending {
                    let path = self.downloads.join(name);
                    let bytes = std::fs::read(&path)
                        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                    return (path, bytes);
                }
            }
            if Instant::now() > until {
                self.fail(format_args!(
                    "no completed download ending with {name_suffix:?} within {deadline:?} in {} \
                     (it holds {names:?})",
                    self.downloads.display()
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The violations axe-core finds on the current page (axe's result objects: id, impact,
    /// help, helpUrl, nodes[].target, ...).
    pub async fn axe_violations(&self) -> Vec<Value> {
        let axe = axe_source();
        // WebDriver's scripts run as DevTools evaluations, which the page's
        // Content-Security-Policy (script-src 'self', no 'unsafe-eval') does not govern.
        let loaded = self
            .client
            .execute(
                &format!(
                    "if (!(window.axe && typeof window.axe.run === 'function')) {{\n{axe}\n}}\n\
                     return typeof window.axe === 'object' && typeof window.axe.run;"
                ),
                vec![],
            )
            .await;
        let loaded = self.ok(loaded, "inject axe-core").await;
        if loaded != json!("function") {
            self.fail(format_args!(
                "axe-core did not load into the page ({loaded})"
            ))
            .await;
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.axe
                   .run(document, { resultTypes: ['violations'] })
                   .then((r) => done(r.violations), (e) => done({ axeError: String((e && e.stack) || e) }));",
                vec![],
            )
            .await;
        match self.ok(result, "axe.run").await {
            Value::Array(violations) => violations,
            other => self.fail(format_args!("axe.run failed: {other}")).await,
        }
    }

    /// Fails listing every serious or critical axe-core violation on the current page.
    pub async fn assert_accessible(&self, label: &str) {
        let violations = self.axe_violations().await;
        let serious: Vec<String> = violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                let targets: Vec<String> = v["nodes"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|n| n["target"].to_string())
                    .collect();
                format!(
                    "- {} ({}): {}\n  at {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                    targets.join(", ")
                )
            })
            .collect();
        if !serious.is_empty() {
            let url = self.current_url().await;
            panic!(
                "{label} ({url}) has {} serious or critical accessibility violation(s) (axe-core):\n{}",
                serious.len(),
                serious.join("\n")
            );
        }
    }

    /// Ends the WebDriver session and stops chromedriver and Chromium.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        // Drop stops chromedriver.
    }
}

impl Drop for Driver {
    /// Asks chromedriver to quit (it ends its sessions, so Chromium quits too), and kills it
    /// if it has not exited within a few seconds.
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        if let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let request = format!(
                "GET /shutdown HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// axe.min.js from tests/browser/node_modules, read once.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run npm ci --prefix tests/browser (done by .ci/run)",
                path.display()
            )
        })
    })
}
