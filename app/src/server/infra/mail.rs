//! Outgoing email over SMTP (lettre). Without an SMTP URL, in development only, messages are
//! written to the log instead, so the portal runs on a laptop without a mail server.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Log {
        from: Mailbox,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("smtp: {0}")]
    Smtp(String),
}

impl Mailer {
    /// `smtp_url` like `smtp://127.0.0.1:1025` (plain, local relay) or `smtps://user:pass@host`.
    pub fn new(smtp_url: Option<&str>, from: &str) -> Result<Mailer, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| MailError::Address(format!("{from}: {e}")))?;
        Ok(match smtp_url {
            Some(url) => Mailer::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Smtp(e.to_string()))?
                    .build(),
                from,
            },
            None => Mailer::Log { from },
        })
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| MailError::Address(format!("{to}: {e}")))?;
        match self {
            Mailer::Smtp { transport, from } => {
                let msg = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body)
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                transport
                    .send(msg)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
            }
            Mailer::Log { from } => {
                tracing::info!(%from, %to, subject, "email (no SMTP configured, logged only):\n{body}");
            }
        }
        Ok(())
    }
}
