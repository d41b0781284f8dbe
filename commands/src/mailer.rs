//! Outgoing e-mail through lettre: SMTP when configured, otherwise `.eml` files in a local
//! outbox folder, so that the service runs on a machine without a mail server.

use anyhow::Context;
use futures::future::BoxFuture;
use lettre::message::header::ContentType;
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

fn build(from: &str, mail: Mail) -> anyhow::Result<Message> {
    Message::builder()
        .from(from.parse().context("MAIL_FROM is not an address")?)
        .to(mail.to.parse().context("recipient is not an address")?)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .context("building a message")
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: String,
}

impl SmtpMailer {
    /// `smtp://host:port` (plain), `smtps://…` or `smtp://…?tls=required`, as lettre reads it.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid SMTP URL")?
            .build();
        Ok(Self {
            transport,
            from: from.to_string(),
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
                .context("sending through SMTP")?;
            Ok(())
        })
    }
}

pub struct OutboxMailer {
    transport: AsyncFileTransport<Tokio1Executor>,
    from: String,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf, from: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the outbox folder {}", dir.display()))?;
        Ok(Self {
            transport: AsyncFileTransport::new(dir),
            from: from.to_string(),
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
                .context("writing to the outbox")?;
            Ok(())
        })
    }
}
