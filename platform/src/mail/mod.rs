//! E-mail: messages rendered from per-tenant, per-language templates (falling back to English and
//! then to the built-in wording), written to the outbox in the caller's transaction — so a
//! message goes out if and only if the change that caused it commits — and delivered by the
//! worker over SMTP. Without SMTP, the outbox is the console's development mailbox.

mod templates;
pub mod worker;

pub use templates::{Template, duration_in_words};

use chrono_tz::Tz;
use minijinja::{AutoEscape, Environment};
use portico_tenants::Tenant;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, Result},
    i18n::Language,
    store::{Access, TenantTx, Timestamp, settings},
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

async fn tenant_wording(
    tx: &mut TenantTx,
    template: Template,
    language: &str,
) -> Result<Option<Wording>> {
    let row = sqlx::query(
        "SELECT subject, text_body, html_body FROM mail_templates
         WHERE tenant_id = $1 AND code = $2 AND language = $3",
    )
    .bind(tx.tenant_param())
    .bind(template.code())
    .bind(language)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| -> Result<Wording> {
        Ok(Wording {
            subject: row.try_get("subject")?,
            text_body: row.try_get("text_body")?,
            html_body: row.try_get("html_body")?,
        })
    })
    .transpose()
}

/// The languages mail may be written in: those of the message catalogs, each by its code and
/// its own name.
pub fn languages() -> Vec<(&'static str, String)> {
    Language::all().map(|l| (l.code(), l.name())).collect()
}

fn shipped(language: &str) -> bool {
    Language::all().any(|l| l.code() == language)
}

/// The wording for a recipient who reads `language`: the tenant's own in that language, else the
/// built-in one in it, else the tenant's English, else the built-in English.
async fn wording(tx: &mut TenantTx, template: Template, language: &str) -> Result<Wording> {
    if let Some(own) = tenant_wording(tx, template, language).await? {
        return Ok(own);
    }
    if shipped(language) && language != "en" {
        return Ok(template.default_wording(language));
    }
    Ok(match tenant_wording(tx, template, "en").await? {
        Some(own) => own,
        None => template.default_wording("en"),
    })
}

const SENDER_NAME: &str = "mail:from_name";
const SENDER_ADDRESS: &str = "mail:from_address";

/// Whom the tenant's mail comes from: its own name and address, each empty for the platform's
/// (`PORTICO_MAIL_FROM`). The address must be in a domain the operator allows
/// (`PORTICO_MAIL_SENDER_DOMAINS`), so that no tenant sends as someone else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Sender {
    pub name: String,
    pub address: String,
}

async fn read_sender(tx: &mut TenantTx) -> Result<Sender> {
    Ok(Sender {
        name: settings::get(tx, SENDER_NAME).await?.unwrap_or_default(),
        address: settings::get(tx, SENDER_ADDRESS).await?.unwrap_or_default(),
    })
}

pub async fn sender(app: &App, actor: &Actor) -> Result<Sender> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read_sender(&mut tx).await
}

/// Sets the tenant's sender, after checking the name is plain text and the address is in an
/// allowed domain.
pub async fn set_sender(app: &App, actor: &Actor, new: Sender) -> Result<Sender> {
    access::check(actor, Capability::ManageEmployees)?;
    let name = new.name.trim().to_owned();
    let mut errors = crate::error::FieldErrors::new();
    if name.chars().count() > 100 || name.contains(['<', '>', '"', '\r', '\n']) {
        errors.insert(
            "name".into(),
            vec![crate::tr!("mail-page-sender-name-invalid")],
        );
    }
    let address = match new.address.trim() {
        "" => String::new(),
        typed => match Email::parse(typed) {
            Ok(email) => {
                let domain = email.as_str().rsplit('@').next().unwrap_or_default();
                if !app.config.mail_sender_domains.iter().any(|d| d == domain) {
                    let allowed = if app.config.mail_sender_domains.is_empty() {
                        crate::tr!("mail-page-no-allowed-domain")
                    } else {
                        app.config.mail_sender_domains.join(", ")
                    };
                    errors.insert(
                        "address".into(),
                        vec![crate::tr!(
                            "mail-page-domain-not-allowed",
                            allowed = allowed
                        )],
                    );
                }
                email.as_str().to_owned()
            }
            Err(message) => {
                errors.insert("address".into(), vec![message]);
                String::new()
            }
        },
    };
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    let sender = Sender { name, address };
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = read_sender(&mut tx).await?;
    settings::put(&mut tx, SENDER_NAME, &sender.name).await?;
    settings::put(&mut tx, SENDER_ADDRESS, &sender.address).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "mail.sender",
        "tenant".to_owned(),
        Some(serde_json::json!(old)),
        Some(serde_json::json!(sender)),
    )
    .await?;
    tx.commit().await?;
    Ok(sender)
}

/// The language of mail to people who chose none: the tenant's default, else English.
fn default_language(tenant: &Tenant) -> String {
    tenant
        .language
        .clone()
        .filter(|l| shipped(l))
        .unwrap_or_else(|| "en".to_owned())
}

/// The tenant's default language of mail, for the console.
pub fn tenant_default_language(actor: &Actor) -> Result<String> {
    access::check(actor, Capability::ManageEmployees)?;
    Ok(default_language(&actor.tenant))
}

/// Sets the tenant's default language (of mail, and of its portal and console: one default).
pub async fn set_default_language(app: &App, actor: &Actor, language: &str) -> Result<()> {
    let time_zone = actor.tenant.time_zone.clone().unwrap_or_default();
    set_regional_defaults(app, actor, language, &time_zone).await
}

/// Sets the tenant's default language (one mail is written in) and time zone.
pub async fn set_regional_defaults(
    app: &App,
    actor: &Actor,
    language: &str,
    time_zone: &str,
) -> Result<()> {
    let language = parse_language(language)?;
    let defaults = crate::regional::Regional {
        language: Some(language.to_owned()),
        time_zone: Some(time_zone.to_owned()),
    };
    crate::regional::set_tenant_defaults(app, actor, defaults)
        .await
        .map(drop)
}

/// A language code Portico ships wording in.
pub fn parse_language(code: &str) -> Result<&'static str> {
    Language::all()
        .map(Language::code)
        .find(|c| *c == code)
        .ok_or_else(|| {
            let codes: Vec<_> = Language::all().map(Language::code).collect();
            Error::invalid_field(
                "language",
                crate::tr!("mail-page-language-one-of", languages = codes.join(", ")),
            )
        })
}

/// The language and time zone a recipient reads in: the language they chose for their account,
/// else the one on the Contact with their address (its "Language" field, by name or code), else
/// the tenant's default; their own time zone, else the tenant's, else UTC.
async fn recipient_locale(tx: &mut TenantTx, tenant: &Tenant, to: &Email) -> Result<(String, Tz)> {
    let own: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT language, time_zone FROM users WHERE tenant_id = $1 AND login = $2")
            .bind(tx.tenant_param())
            .bind(to.as_str())
            .fetch_optional(tx.conn())
            .await?;
    let (language, time_zone) = own.unwrap_or_default();
    let time_zone = time_zone
        .or_else(|| tenant.time_zone.clone())
        .as_deref()
        .and_then(crate::i18n::parse_time_zone)
        .unwrap_or(Tz::UTC);
    let language = match language.filter(|code| shipped(code)) {
        Some(code) => code,
        None => contact_language(tx, to)
            .await?
            .unwrap_or_else(|| default_language(tenant)),
    };
    Ok((language, time_zone))
}

/// The language on the Contact with this address, if it names one Portico speaks.
async fn contact_language(tx: &mut TenantTx, to: &Email) -> Result<Option<String>> {
    let contacts = crate::users::contacts::with_email(tx, to).await?;
    let named = contacts.into_iter().next().and_then(|c| c.language);
    Ok(named.and_then(|named| {
        languages()
            .into_iter()
            .find(|(code, name)| named == *code || named == *name)
            .map(|(code, _)| code.to_owned())
    }))
}

/// A message's HTML under the tenant's brand: its logo (or its title) over a bar of its primary
/// colour. Mail clients ignore stylesheets, hence the inline styles.
fn with_brand_header(html: &str, tenant: &Tenant, origin: &str) -> String {
    let brand = &tenant.branding;
    let title = escape(brand.title.as_deref().unwrap_or(&tenant.name));
    let colour = brand.primary.as_deref().unwrap_or("#1f4e8c");
    let mark = match &brand.logo {
        Some(logo) => {
            let vector = logo.content_type == "image/svg+xml";
            let (width, height) =
                crate::branding::fit((logo.width, logo.height), crate::branding::LOGO_BOX, vector);
            format!(
                "<img src=\"{origin}/branding/logo?v={}\" width=\"{width}\" height=\"{height}\" alt=\"{title}\">",
                brand.version
            )
        }
        None => format!("<strong style=\"font-size:18px;color:{colour}\">{title}</strong>"),
    };
    format!(
        "<div style=\"border-bottom:4px solid {colour};padding:0 0 12px;margin:0 0 16px\">{mark}</div>{html}"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Checks a wording before it is saved: each part parses, uses only the values this template is
/// given, renders with the sample values (an unknown value is an error, not an empty string), and
/// the bodies carry what the message exists for (the link of an invitation or a recovery).
pub fn check(template: Template, wording: &Wording) -> Result<()> {
    let mut env = Environment::new();
    env.add_filter("label", crate::i18n::label_filter);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let known: Vec<&str> = ["tenant", "name"]
        .into_iter()
        .chain(template.variables().iter().copied())
        .collect();
    let context = template.sample_context();
    let mut errors = crate::error::FieldErrors::new();
    for (field, source) in [
        ("subject", &wording.subject),
        ("text_body", &wording.text_body),
        ("html_body", &wording.html_body),
    ] {
        let mut problem =
            |message: String| errors.entry(field.to_owned()).or_default().push(message);
        let parsed = match env.template_from_named_str(field, source) {
            Ok(parsed) => parsed,
            Err(e) => {
                problem(crate::tr!(
                    "mail-page-does-not-render",
                    error = e.to_string()
                ));
                continue;
            }
        };
        let used = parsed.undeclared_variables(false);
        let mut unknown: Vec<&String> = used
            .iter()
            .filter(|v| !known.contains(&v.as_str()))
            .collect();
        unknown.sort();
        for name in unknown {
            problem(crate::tr!(
                "mail-page-unknown-value",
                name = name,
                known = known.join(", ")
            ));
        }
        if let Some(required) = template.required()
            && field != "subject"
            && !used.contains(required)
        {
            problem(crate::tr!("mail-page-required-value", name = required));
        }
        if let Err(e) = parsed.render(minijinja::value::Serde(&context)) {
            problem(crate::tr!(
                "mail-page-does-not-render",
                error = e.to_string()
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// Renders the wording; the HTML body is autoescaped, subject and text are not (they are not HTML).
pub fn render(wording: &Wording, context: &Value) -> Result<Wording> {
    let mut env = Environment::new();
    env.add_filter("label", crate::i18n::label_filter);
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
            .map_err(|e| {
                Error::invalid_field(
                    name,
                    crate::tr!("mail-page-template-does-not-render", error = e.to_string()),
                )
            })
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
    let tenant_id = tx.tenant();
    let tenant = portico_tenants::find_by_id(tx.conn(), tenant_id)
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .ok_or(Error::NotFound("tenant"))?;
    let (recipient_language, time_zone) = recipient_locale(tx, &tenant, &message.to).await?;
    let language = message.language.unwrap_or(recipient_language);
    let wording = wording(tx, message.template, &language).await?;
    let now = app.clock.now();
    let reader = crate::i18n::Locale {
        language: Language::parse(&language).unwrap_or_default(),
        ..crate::i18n::Locale::default()
    };
    let mut context = message.context;
    if let Value::Object(map) = &mut context {
        // How long a link works, and until when, in the reader's words and time zone.
        if let Some(minutes) = map.remove("link_valid_minutes").and_then(|m| m.as_i64()) {
            map.insert(
                "link_valid_for".into(),
                Value::String(duration_in_words(minutes, &language)),
            );
            let locale = crate::i18n::Locale {
                language: reader.language,
                time_zone,
            };
            let until = now.0 + chrono::Duration::minutes(minutes);
            map.insert(
                "link_valid_until".into(),
                Value::String(locale.date_time(until)),
            );
        }
        map.entry("tenant")
            .or_insert(Value::String(tenant_name.to_owned()));
        map.entry("name")
            .or_insert(Value::String(message.to_name.clone()));
    }
    // Built-in values (`status | label(..)`) in the reader's language, not the sender's.
    let mut rendered = crate::i18n::sync_scope(reader, || render(&wording, &context))?;
    let origin = crate::domains::origin(&app.config, &tenant);
    rendered.html_body = with_brand_header(&rendered.html_body, &tenant, &origin);
    let sender = read_sender(tx).await?;
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO outbox (tenant_id, id, template, to_address, to_name, subject, text_body, html_body,
                             created_at, status, attempts, next_attempt_at, from_name, from_address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 0, $9, $10, $11)",
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
    .bind(Some(sender.name).filter(|n| !n.is_empty()))
    .bind(Some(sender.address).filter(|a| !a.is_empty()))
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

/// Every template with the tenant's wording in `language` (or the built-in one), and whether the
/// tenant wrote its own, for the console.
pub async fn templates(
    app: &App,
    actor: &Actor,
    language: &str,
) -> Result<Vec<(Template, Wording, bool)>> {
    access::check(actor, Capability::ManageEmployees)?;
    let language = parse_language(language)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let mut all = Vec::new();
    for template in Template::ALL {
        let own = tenant_wording(&mut tx, template, language).await?;
        let custom = own.is_some();
        all.push((
            template,
            own.unwrap_or_else(|| template.default_wording(language)),
            custom,
        ));
    }
    Ok(all)
}

/// A wording as the sample recipient would get it, after [`check`].
pub fn preview(actor: &Actor, template: Template, wording: &Wording) -> Result<Wording> {
    access::check(actor, Capability::ManageEmployees)?;
    check(template, wording)?;
    render(wording, &template.sample_context())
}

/// Saves the tenant's wording of a template in `language`, after [`check`]; `None` goes back to
/// the built-in wording.
pub async fn save_template(
    app: &App,
    actor: &Actor,
    template: Template,
    language: &str,
    wording: Option<Wording>,
) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)?;
    let language = parse_language(language)?;
    if let Some(wording) = &wording {
        check(template, wording)?;
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let tenant = tx.tenant_param();
    match &wording {
        Some(wording) => sqlx::query(
            "INSERT INTO mail_templates (tenant_id, code, language, subject, text_body, html_body)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (tenant_id, code, language) DO UPDATE
             SET subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body",
        )
        .bind(tenant)
        .bind(template.code())
        .bind(language)
        .bind(&wording.subject)
        .bind(&wording.text_body)
        .bind(&wording.html_body)
        .execute(tx.conn())
        .await?,
        None => sqlx::query(
            "DELETE FROM mail_templates WHERE tenant_id = $1 AND code = $2 AND language = $3",
        )
        .bind(tenant)
        .bind(template.code())
        .bind(language)
        .execute(tx.conn())
        .await?,
    };
    access::audit(
        app,
        &mut tx,
        actor,
        if wording.is_some() {
            "mail_template.save"
        } else {
            "mail_template.reset"
        },
        format!("mail_template:{}:{language}", template.code()),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use portico_tenants::{Branding, Image, Slug, Tenant, TenantId, TenantStatus};

    use super::*;

    #[test]
    fn html_mail_wears_the_tenants_logo_or_its_title_in_its_colour() {
        let mut tenant = Tenant {
            id: TenantId::from_db(7),
            slug: Slug::parse("acme").unwrap(),
            name: "Acme & Co".into(),
            status: TenantStatus::Active,
            created_at: chrono::Utc::now(),
            language: None,
            time_zone: None,
            branding: Branding::default(),
            api_calls_a_day: None,
            billing: Default::default(),
            domain: None,
        };
        let plain = with_brand_header("<p>Hi</p>", &tenant, "https://acme.example");
        assert!(
            plain.starts_with("<div style=\"border-bottom:4px solid #1f4e8c"),
            "{plain}"
        );
        assert!(plain.contains(">Acme &amp; Co</strong>") && plain.ends_with("<p>Hi</p>"));
        tenant.branding = Branding {
            title: Some("Acme \"Support\"".into()),
            primary: Some("#0b5d1e".into()),
            logo: Some(Image {
                content_type: "image/png".into(),
                width: 548,
                height: 74,
            }),
            version: 3,
            ..Branding::default()
        };
        let branded = with_brand_header("<p>Hi</p>", &tenant, "https://acme.example");
        assert!(branded.contains("solid #0b5d1e"), "{branded}");
        assert!(branded.contains(r#"<img src="https://acme.example/branding/logo?v=3" width="274" height="37" alt="Acme &quot;Support&quot;">"#), "{branded}");
    }
}
