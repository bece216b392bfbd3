//! Delivers the outbox. Any number of nodes may run the worker: each message is leased on its own
//! with one compare-and-set update, for far longer
//! than sending it may take, sent, then marked sent — or retried later with growing delays, and
//! given up after ten attempts. Leasing one message at a time means a slow relay never lets a
//! lease run out under messages still waiting their turn. Every message carries a `Message-ID`
//! made from its outbox id, the same on every attempt, so a receiver can drop the duplicate a
//! crash between sending and marking sent still causes. The outbox is tenant-scoped like
//! everything else, so the worker visits tenants one by one.

use std::{fmt, sync::Arc, time::Duration as StdDuration};

use chrono::Duration;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message as LettreMessage, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use sqlx::Row;

use crate::{
    app::App,
    error::Result,
    store::{Access, TenantTx},
};

/// How long one message is leased: ten times the SMTP timeout.
const LEASE: Duration = Duration::minutes(5);
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(30);
const MAX_ATTEMPTS: i64 = 10;

/// One message, ready for the wire.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The outbox id: the same on every attempt to deliver the message.
    pub id: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// The tenant's own sender name and address, where it set them.
    pub from_name: Option<String>,
    pub from_address: Option<String>,
}

/// Where messages go. SMTP in production; tests point it at an SMTP server of their own.
pub trait Transport: Send + Sync + fmt::Debug {
    fn send<'a>(
        &'a self,
        envelope: &'a Envelope,
    ) -> std::pin::Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + 'a>>;
}

#[derive(Debug, Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Envelope {
    /// `<outbox id@sender's domain>`: stable across attempts, unique per message.
    pub fn message_id(&self, from: &Mailbox) -> String {
        format!("<{}@{}>", self.id, from.email.domain())
    }

    /// The sender: the tenant's own name and address where it set them, else the platform's.
    pub fn sender(&self, platform: &Mailbox) -> Mailbox {
        let email = self
            .from_address
            .as_deref()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| platform.email.clone());
        let name = self.from_name.clone().or_else(|| platform.name.clone());
        Mailbox::new(name, email)
    }
}

impl Smtp {
    /// `smtp://host:port` (plain; add `?tls=required` for STARTTLS) or `smtps://user:pass@host`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("PORTICO_SMTP_URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("PORTICO_MAIL_FROM: {e}"))?;
        Ok(Self { transport, from })
    }
}

impl Transport for Smtp {
    fn send<'a>(
        &'a self,
        envelope: &'a Envelope,
    ) -> std::pin::Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let to: Mailbox = format!(
                "{} <{}>",
                envelope.to_name.replace(['<', '>', '"'], ""),
                envelope.to_address
            )
            .parse()
            .or_else(|_| envelope.to_address.parse())
            .map_err(|e: lettre::address::AddressError| e.to_string())?;
            let from = envelope.sender(&self.from);
            let message = LettreMessage::builder()
                .message_id(Some(envelope.message_id(&from)))
                .from(from)
                .to(to)
                .subject(&envelope.subject)
                .multipart(MultiPart::alternative_plain_html(
                    envelope.text_body.clone(),
                    envelope.html_body.clone(),
                ))
                .map_err(|e| e.to_string())?;
            self.transport
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    }
}

/// Delivers due messages every `interval` until the task is dropped.
pub async fn run(app: Arc<App>, transport: Arc<dyn Transport>, interval: StdDuration) {
    loop {
        match deliver_due(&app, transport.as_ref()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "mail delivered"),
            Err(error) => tracing::warn!(error = %error, "mail delivery pass failed"),
        }
        tokio::time::sleep(interval).await;
    }
}

/// One pass over every tenant's outbox; returns how many messages were sent.
pub async fn deliver_due(app: &App, transport: &dyn Transport) -> Result<usize> {
    let tenants = {
        let mut conn = app.db.global().await?;
        portico_tenants::list(&mut conn).await?
    };
    let mut sent = 0;
    for tenant in tenants {
        while let Some((attempts, envelope)) = lease_next(app, tenant.id).await? {
            let outcome = transport.send(&envelope).await;
            if outcome.is_ok() {
                sent += 1;
            }
            settle(app, tenant.id, &envelope.id, attempts, outcome).await?;
        }
    }
    Ok(sent)
}

/// Leases the tenant's next due message, if there is one: the attempts made so far, and the
/// message. The lease is a compare-and-set on one row (still pending, not leased by anyone whose
/// lease runs): of two workers that picked the same message, one wins and the other tries the
/// next.
async fn lease_next(
    app: &App,
    tenant: portico_tenants::TenantId,
) -> Result<Option<(i64, Envelope)>> {
    const CANDIDATES: i64 = 8;
    let mut tx = app.db.begin(tenant, Access::Write).await?;
    // Read after the wait for a connection: a lease must run `LEASE` from when it is taken.
    let now = app.clock.now();
    let candidates: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM outbox
         WHERE tenant_id = $1 AND status = 'pending' AND next_attempt_at <= $2
           AND (leased_until IS NULL OR leased_until < $2)
         ORDER BY id LIMIT $3",
    )
    .bind(tx.tenant_param())
    .bind(now)
    .bind(CANDIDATES)
    .fetch_all(tx.conn())
    .await?;
    for id in candidates {
        let row = sqlx::query(
            "UPDATE outbox SET leased_until = $4
             WHERE tenant_id = $1 AND id = $2 AND status = 'pending'
               AND (leased_until IS NULL OR leased_until < $3)
             RETURNING id, attempts, to_address, to_name, subject, text_body, html_body,
                       from_name, from_address",
        )
        .bind(tx.tenant_param())
        .bind(&id)
        .bind(now)
        .bind(now + LEASE)
        .fetch_optional(tx.conn())
        .await?;
        let Some(r) = row else { continue };
        tx.commit().await?;
        return Ok(Some((
            r.try_get("attempts")?,
            Envelope {
                id: r.try_get("id")?,
                to_address: r.try_get("to_address")?,
                to_name: r.try_get("to_name")?,
                subject: r.try_get("subject")?,
                text_body: r.try_get("text_body")?,
                html_body: r.try_get("html_body")?,
                from_name: r.try_get("from_name")?,
                from_address: r.try_get("from_address")?,
            },
        )));
    }
    Ok(None)
}

/// Records the outcome of one attempt.
async fn settle(
    app: &App,
    tenant: portico_tenants::TenantId,
    id: &str,
    attempts: i64,
    outcome: std::result::Result<(), String>,
) -> Result<()> {
    let now = app.clock.now();
    let mut tx: TenantTx = app.db.begin(tenant, Access::Write).await?;
    let tenant = tx.tenant_param();
    match outcome {
        Ok(()) => {
            sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = $3, attempts = attempts + 1, leased_until = NULL
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant)
            .bind(id)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        Err(error) => {
            let attempts = attempts + 1;
            let status = if attempts >= MAX_ATTEMPTS {
                "failed"
            } else {
                "pending"
            };
            // 1, 2, 4, ... minutes, at most six hours apart.
            let delay = Duration::minutes(1i64 << (attempts - 1).min(9)).min(Duration::hours(6));
            tracing::warn!(attempts, %error, "mail delivery failed");
            sqlx::query(
                "UPDATE outbox SET status = $3, attempts = $4, next_attempt_at = $5, last_error = $6,
                                   leased_until = NULL
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant)
            .bind(id)
            .bind(status)
            .bind(attempts)
            .bind(now + delay)
            .bind(error.chars().take(1000).collect::<String>())
            .execute(tx.conn())
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
