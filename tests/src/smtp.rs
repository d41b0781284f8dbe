//! A small SMTP server inside the test process: enough of RFC 5321 for lettre to deliver,
//! keeping every message so that tests read what a person would receive.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    /// The message as it came over the wire (after SMTP dot-unstuffing).
    pub raw: Vec<u8>,
    /// The subject and the text body, decoded by a real MIME parser (`mail-parser`: RFC 2047
    /// words, quoted-printable and base64 alike), as a person's mail program shows them.
    pub text: String,
}

impl ReceivedMail {
    fn parse(to: Vec<String>, raw: Vec<u8>) -> Self {
        let message = mail_parser::MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("not a message:\n{}", String::from_utf8_lossy(&raw)));
        let text = format!(
            "Subject: {}\n\n{}",
            message.subject().unwrap_or_default(),
            message.body_text(0).unwrap_or_default()
        );
        Self { to, raw, text }
    }

    /// A header's value as the parser decoded it (`None` if absent).
    pub fn header(&self, name: &str) -> Option<String> {
        let message = mail_parser::MessageParser::default().parse(&self.raw)?;
        message
            .header_raw(name)
            .map(|value| value.trim().to_string())
    }

    /// The word that follows `marker` in the message (up to white space).
    pub fn after(&self, marker: &str) -> String {
        let start = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} not in mail:\n{}", self.text))
            + marker.len();
        self.text[start..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Clone)]
pub struct SmtpCapture {
    port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    arrived: Arc<Notify>,
    /// Held (written) by a test: messages are not accepted until it lets go.
    held: Arc<tokio::sync::RwLock<()>>,
}

impl SmtpCapture {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("smtp port");
        let port = listener.local_addr().unwrap().port();
        let capture = Self {
            port,
            mails: Arc::default(),
            arrived: Arc::default(),
            held: Arc::default(),
        };
        let this = capture.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let this = this.clone();
                tokio::spawn(async move {
                    let _ = this.serve(stream).await;
                });
            }
        });
        capture
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    async fn serve(&self, stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 test ESMTP\r\n").await?;
        let mut to = vec![];
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let upper = line.to_ascii_uppercase();
            if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                write.write_all(b"250-test\r\n250 8BITMIME\r\n").await?;
            } else if upper.starts_with("MAIL FROM") {
                to.clear();
                write.write_all(b"250 OK\r\n").await?;
            } else if upper.starts_with("RCPT TO") {
                let addr = line[8..]
                    .trim()
                    .trim_start_matches(':')
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>')
                    .to_string();
                to.push(addr);
                write.write_all(b"250 OK\r\n").await?;
            } else if upper.starts_with("DATA") {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // RFC 5321 4.5.2: a leading dot was doubled by the sender.
                    data.extend_from_slice(line.strip_prefix('.').unwrap_or(&line).as_bytes());
                }
                drop(self.held.read().await);
                let mail = ReceivedMail::parse(std::mem::take(&mut to), data);
                self.mails.lock().unwrap().push(mail);
                self.arrived.notify_waiters();
                write.write_all(b"250 OK queued\r\n").await?;
            } else if upper.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                write.write_all(b"250 OK\r\n").await?;
            }
        }
    }

    /// Holds every message at the end of its DATA (the sender waits for the answer) until
    /// the returned guard is dropped: shows what does or does not wait for a mail.
    pub async fn hold(&self) -> tokio::sync::OwnedRwLockWriteGuard<()> {
        self.held.clone().write_owned().await
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    pub fn to(&self, recipient: &str) -> Vec<ReceivedMail> {
        self.all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(recipient)))
            .collect()
    }

    /// Waits (up to 10 s) for the newest mail to `recipient` containing `needle`.
    pub async fn wait_for(&self, recipient: &str, needle: &str) -> ReceivedMail {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            if let Some(mail) = self
                .to(recipient)
                .into_iter()
                .rev()
                .find(|m| m.text.contains(needle))
            {
                return mail;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no mail to {recipient} containing {needle}");
            }
        }
    }
}
