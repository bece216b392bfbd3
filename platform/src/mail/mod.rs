//! E-mail: messages rendered from per-tenant, per-language templates (falling back to English and
//! then to the built-in wording), written to the outbox in the caller's transaction — so a
//! message goes out if and only if the change that caused it commits — and delivered by the
//! worker over SMTP. Without SMTP, the outbox is the console's development mailbox.

mod templates;
pub mod worker;

pub use templates::Template;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx, Timestamp},
    users::Email,
};

/// A message to render and send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub template: Template,
    pub to: Email,
    pub to_name: String,
    /// Preferred language (`None`: English).
    pub language: Option<String>,
    /// Values the template may use; `tenant` (the tenant's name) is always there.
    pub context: Value,
}

/// A template's three parts, as a tenant wrote them or as built in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wording {
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
}

async fn wording(tx: &mut TenantTx, template: Template, language: Option<&str>) -> Result<Wording> {
    let tenant = tx.tenant_param();
    for language in language.into_iter().chain(Some("en")) {
        let row = sqlx::query(
            "SELECT subject, text_body, html_body FROM mail_templates
             WHERE tenant_id = $1 AND code = $2 AND language = $3",
        )
        .bind(tenant)
        .bind(template.code())
        .bind(language)
        .fetch_optional(tx.conn())
        .await?;
        if let Some(row) = row {
            return Ok(Wording {
                subject: row.try_get("subject")?,
                text_body: row.try_get("text_body")?,
                html_body: row.try_get("html_body")?,
            });
        }
    }
    Ok(template.default_wording())
}

/// Renders the wording; the HTML body is autoescaped, subject and text are not (they are not HTML).
pub fn render(wording: &Wording, context: &Value) -> Result<Wording> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name == "html" {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    let part = |name: &'static str, source: &str| {
        env.template_from_named_str(name, source)
            .and_then(|t| t.render(minijinja::value::Serde(context)))
            .map_err(|e| Error::invalid_field(name, format!("the template does not render: {e}")))
    };
    Ok(Wording {
        subject: part("subject", &wording.subject)?
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned(),
        text_body: part("text", &wording.text_body)?,
        html_body: part("html", &wording.html_body)?,
    })
}

/// Renders a message and puts it in the outbox, inside the caller's transaction; answers what
/// was written.
pub async fn enqueue(
    app: &App,
    tx: &mut TenantTx,
    tenant_name: &str,
    message: Outgoing,
) -> Result<Wording> {
    let wording = wording(tx, message.template, message.language.as_deref()).await?;
    let mut context = message.context;
    if let Value::Object(map) = &mut context {
        map.entry("tenant")
            .or_insert(Value::String(tenant_name.to_owned()));
        map.entry("name")
            .or_insert(Value::String(message.to_name.clone()));
    }
    let rendered = render(&wording, &context)?;
    let now = app.clock.now();
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO outbox (tenant_id, id, template, to_address, to_name, subject, text_body, html_body,
                             created_at, status, attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $9)",
    )
    .bind(tenant)
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(message.template.code())
    .bind(message.to.as_str())
    .bind(&message.to_name)
    .bind(&rendered.subject)
    .bind(&rendered.text_body)
    .bind(&rendered.html_body)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tracing::info!(template = message.template.code(), "mail queued");
    Ok(rendered)
}

/// A message in the outbox, as the console's mailbox shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Queued {
    pub id: String,
    pub template: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub created_at: Timestamp,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
}

/// The newest messages of the tenant's outbox (the development mailbox), for administrators.
pub async fn mailbox(app: &App, actor: &Actor, limit: u32) -> Result<Vec<Queued>> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let tenant = tx.tenant_param();
    let rows = sqlx::query(
        "SELECT id, template, to_address, to_name, subject, text_body, created_at, status, attempts,
                last_error, sent_at
         FROM outbox WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(tenant)
    .bind(i64::from(limit.clamp(1, 200)))
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Queued {
                id: r.try_get("id")?,
                template: r.try_get("template")?,
                to_address: r.try_get("to_address")?,
                to_name: r.try_get("to_name")?,
                subject: r.try_get("subject")?,
                text_body: r.try_get("text_body")?,
                created_at: r.try_get("created_at")?,
                status: r.try_get("status")?,
                attempts: r.try_get("attempts")?,
                last_error: r.try_get("last_error")?,
                sent_at: r.try_get("sent_at")?,
            })
        })
        .collect()
}

/// Every template with the tenant's wording (or the built-in one), for the console.
pub async fn templates(app: &App, actor: &Actor) -> Result<Vec<(Template, Wording, bool)>> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let mut all = Vec::new();
    for template in Template::ALL {
        let wording = wording(&mut tx, template, None).await?;
        let custom = wording != template.default_wording();
        all.push((template, wording, custom));
    }
    Ok(all)
}

/// Saves the tenant's wording of a template (English), after checking it renders.
pub async fn save_template(
    app: &App,
    actor: &Actor,
    template: Template,
    wording: Wording,
) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)?;
    render(&wording, &template.sample_context())?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO mail_templates (tenant_id, code, language, subject, text_body, html_body)
         VALUES ($1, $2, 'en', $3, $4, $5)
         ON CONFLICT (tenant_id, code, language) DO UPDATE
         SET subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body",
    )
    .bind(tenant)
    .bind(template.code())
    .bind(&wording.subject)
    .bind(&wording.text_body)
    .bind(&wording.html_body)
    .execute(tx.conn())
    .await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "mail_template.save",
        format!("mail_template:{}", template.code()),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
