//! Outgoing e-mail through lettre: SMTP when configured, otherwise `.eml` files in a local
//! outbox folder, so that the service runs on a machine without a mail server.

use anyhow::Context;
use futures::future::BoxFuture;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// One plain-text message. Bodies may carry a one-time secret; they are never logged.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub trait Mailer: Send + Sync {
    fn send(&self, mail: Mail) -> BoxFuture<'_, anyhow::Result<()>>;
}

/// `Auto-Submitted: auto-generated` (RFC 3834): every message of the register is sent by a
/// program, so vacation responders and ticket systems do not answer it.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// The message as lettre's builders make it: `Message-ID` (in the sender's domain, which
/// large providers require), `Date`, `MIME-Version` and a single text/plain part in UTF-8,
/// encoded by lettre (RFC 2047 for non-ASCII subjects and names).
fn build(from: &Mailbox, mail: Mail) -> anyhow::Result<Message> {
    let domain = from.email.domain().to_string();
    Message::builder()
        .from(from.clone())
        .to(mail.to.parse().context("recipient is not an address")?)
        .subject(mail.subject)
        .message_id(Some(format!("<{}@{domain}>", uuid::Uuid::new_v4())))
        .header(AutoSubmitted)
        .singlepart(SinglePart::plain(mail.body))
        .context("building a message")
}

/// Mail that could not be handed over, for /metrics.
fn count_failure() {
    metrics::counter!("europass_mail_failures_total").increment(1);
}

fn sender(from: &str) -> anyhow::Result<Mailbox> {
    from.parse()
        .with_context(|| format!("MAIL_FROM is not an address: {from}"))
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `smtp://host:port` (plain), `smtps://…` or `smtp://…?tls=required`, as lettre reads it.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid SMTP URL")?
            .build();
        Ok(Self {
            transport,
            from: sender(from)?,
        })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, mail: Mail) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let message = build(&self.from, mail)?;
            self.transport
                .send(message)
                .await
                .inspect_err(|_| count_failure())
                .context("sending through SMTP")?;
            Ok(())
        })
    }
}

pub struct OutboxMailer {
    transport: AsyncFileTransport<Tokio1Executor>,
    from: Mailbox,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf, from: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the outbox folder {}", dir.display()))?;
        Ok(Self {
            transport: AsyncFileTransport::new(dir),
            from: sender(from)?,
        })
    }
}

impl Mailer for OutboxMailer {
    fn send(&self, mail: Mail) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let message = build(&self.from, mail)?;
            self.transport
                .send(message)
                .await
                .inspect_err(|_| count_failure())
                .context("writing to the outbox")?;
            Ok(())
        })
    }
}
