//! A browser without a browser: a visitor of the portal over HTTP that keeps its cookies,
//! posts forms with the CSRF token the pages gave it, and follows redirects itself (so a test
//! sees each one).

use crate::TestApp;
use std::collections::BTreeMap;

pub struct Visitor {
    client: reqwest::Client,
    base: String,
    pub cookies: BTreeMap<String, String>,
    /// `Accept-Language` sent with every request.
    pub accept_language: Option<String>,
    /// The raw `Set-Cookie` headers of the last answer.
    pub set_cookies: Vec<String>,
    /// The last page fetched with GET: a form posted next names it as its `Referer`, as a
    /// browser does.
    last_page: String,
}

/// One answer of the portal.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
    /// The path this page was answered for (after redirects).
    pub path: String,
}

impl Page {
    pub fn location(&self) -> Option<String> {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }

    /// The page's text without tags (to check what a person reads).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value of the element with `id` (an `<input value=…>` or the text of e.g. `<code>`).
    pub fn by_id(&self, id: &str) -> Option<String> {
        let marker = format!("id=\"{id}\"");
        let at = self.body.find(&marker)?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[..tag_end];
        let tag = &tag[tag.rfind('<')?..];
        if let Some(v) = tag.split(" value=\"").nth(1) {
            return v.split('"').next().map(str::to_string);
        }
        let rest = &self.body[tag_end + 1..];
        rest.split('<').next().map(str::to_string)
    }
}

impl Visitor {
    pub fn new(app: &TestApp) -> Self {
        Self::at(&app.address)
    }

    pub fn at(base: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_string(),
            cookies: BTreeMap::new(),
            accept_language: None,
            set_cookies: vec![],
            last_page: "/".to_string(),
        }
    }

    pub fn speaking(mut self, accept_language: &str) -> Self {
        self.accept_language = Some(accept_language.to_string());
        self
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .get("europass_csrf")
            .cloned()
            .unwrap_or_default()
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder, path: &str) -> Page {
        let mut request = request.header("cookie", self.cookie_header());
        if let Some(lang) = &self.accept_language {
            request = request.header("accept-language", lang);
        }
        let response = request.send().await.expect("request sent");
        self.set_cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        for raw in &self.set_cookies {
            let pair = raw.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                let expired = raw.to_ascii_lowercase().contains("max-age=0");
                if expired || value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
            path: path.to_string(),
        }
    }

    /// One GET, redirects not followed.
    pub async fn get_once(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        let page = self.send(request, path).await;
        if page.status == 200 {
            self.last_page = path.to_string();
        }
        page
    }

    /// A GET, following redirects (at most 5).
    pub async fn get(&mut self, path: &str) -> Page {
        let mut page = self.get_once(path).await;
        for _ in 0..5 {
            match page.location() {
                Some(to) if (300..400).contains(&page.status) => page = self.get_once(&to).await,
                _ => break,
            }
        }
        page
    }

    /// A form post with this visitor's CSRF token, from this site, not following redirects.
    pub async fn post_once(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        let body = serde_urlencoded(&form);
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", self.base.clone())
            .header("referer", format!("{}{}", self.base, self.last_page))
            .body(body);
        self.send(request, path).await
    }

    /// A form post, following the redirect after it.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.post_once(path, fields).await;
        match page.location() {
            Some(to) if (300..400).contains(&page.status) => self.get(&to).await,
            _ => page,
        }
    }

    /// A raw post: the fields as given (no CSRF token added) and any headers.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded(fields));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, path).await
    }

    /// A file form's post (`multipart/form-data`), with this visitor's CSRF token, as a
    /// browser sends a chosen or dropped file.
    pub async fn post_file(&mut self, path: &str, field: &str, name: &str, bytes: &[u8]) -> Page {
        let boundary = format!("europass-test-{}", uuid::Uuid::new_v4().simple());
        let mut body = format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
             --{boundary}\r\ncontent-disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
             content-type: application/octet-stream\r\n\r\n",
            self.csrf()
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("origin", self.base.clone())
            .header("referer", format!("{}{}", self.base, self.last_page))
            .body(body);
        self.send(request, path).await
    }

    /// A file the page links to, as the browser's session downloads it.
    pub async fn download(&mut self, path: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        (
            status,
            kind,
            response.bytes().await.unwrap_or_default().to_vec(),
        )
    }
}

fn serde_urlencoded(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
