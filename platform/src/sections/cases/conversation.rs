//! A case's conversation: messages between the customer and support, with attachments, and
//! complaints. Whoever may read a case may follow and join its conversation; ordinary messages
//! stop when the case is closed, complaints never do (and flag the case for the support team).
//! The customer hears about support's messages (under the bell, and by e-mail unless they chose
//! otherwise) and status changes by e-mail; the assignee hears of the customer's.

use serde::Serialize;
use serde_json::{Map, Value, json};
use sqlx::Row;

use super::{CLOSED, OBJECT, text};
use crate::{
    access::{Actor, Level, Operation},
    app::App,
    error::{Error, Result},
    files::{self, Attachment, Upload},
    mail::{self, Outgoing, Template},
    notifications,
    records::{self, ObjectType, Record},
    store::{Access, TenantTx, Timestamp},
    users::{self, UserKind},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Message,
    Complaint,
    Email,
}

impl MessageKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Complaint => "complaint",
            Self::Email => "email",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "message" => Some(Self::Message),
            "complaint" => Some(Self::Complaint),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Portal,
    Console,
    Email,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: String,
    pub kind: MessageKind,
    pub via: Via,
    pub author_name: String,
    /// Whether support wrote it (as opposed to the customer).
    pub from_support: bool,
    pub body: String,
    pub created_at: Timestamp,
    pub attachments: Vec<Attachment>,
    /// For an e-mail the case sent: to whom, its subject, and its text (the body's first line
    /// and the rest), so that the history shows one line and the text on demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

const MAX_BODY: usize = 20_000;

/// How a stored e-mail of the case names its recipient (as its author); pages show it in the
/// reader's language.
const EMAIL_AUTHOR_PREFIX: &str = "E-mail to ";

/// Posts a message (or a complaint) on a case, with attachments.
pub async fn post(
    app: &App,
    actor: &Actor,
    case_id: &str,
    kind: MessageKind,
    body: &str,
    uploads: Vec<Upload>,
) -> Result<Message> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY {
        return Err(Error::invalid_field(
            "body",
            crate::tr!("cases-message-length", max = MAX_BODY.to_string()),
        ));
    }
    if kind == MessageKind::Email {
        return Err(Error::invalid_field(
            "kind",
            crate::tr!("cases-kind-invalid"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, case) = records::open_for(
        &mut tx,
        actor,
        OBJECT,
        case_id,
        Operation::Read,
        Level::Read,
    )
    .await?;
    let status = text(&case.data, "status").unwrap_or_default();
    if kind == MessageKind::Message && status == CLOSED {
        return Err(Error::Conflict(crate::tr!("cases-closed-no-messages")));
    }
    let from_support = actor.kind == UserKind::Employee;
    let via = if from_support {
        Via::Console
    } else {
        Via::Portal
    };
    let now = app.clock.now();
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO case_messages (tenant_id, id, case_id, kind, via, author_id, author_name, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tx.tenant_param())
    .bind(&id)
    .bind(case.id)
    .bind(kind.as_str())
    .bind(via_str(via))
    .bind(actor.user)
    .bind(&actor.full_name)
    .bind(body)
    .bind(now)
    .execute(tx.conn())
    .await?;
    let (attachments, staged) =
        files::attach(app, &mut tx, actor, "case_message", &id, uploads).await?;

    // A complaint flags the case; support's first message is its first response.
    let mut changes = Map::new();
    if kind == MessageKind::Complaint {
        changes.insert("has_complaint".into(), json!(true));
    }
    if from_support && case.data.get("responded_on").is_none() {
        changes.insert("responded_on".into(), json!(now.to_db()));
    }
    if !changes.is_empty() {
        records::patch_unchecked(app, &mut tx, actor, &object, case.id, changes).await?;
    }
    let message = Message {
        id,
        kind,
        via,
        author_name: actor.full_name.clone(),
        from_support,
        body: body.to_owned(),
        created_at: now,
        attachments,
        email_to: None,
        subject: None,
        text: None,
    };
    tell_of_reply(app, &mut tx, actor, &object, &case, &message).await?;
    tx.commit().await?;
    staged.keep();
    Ok(message)
}

fn via_str(via: Via) -> &'static str {
    match via {
        Via::Portal => "portal",
        Via::Console => "console",
        Via::Email => "email",
    }
}

/// The conversation of a case the actor may read, oldest first.
pub async fn list(app: &App, actor: &Actor, case_id: &str) -> Result<Vec<Message>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (_, case) = records::open_for(
        &mut tx,
        actor,
        OBJECT,
        case_id,
        Operation::Read,
        Level::Read,
    )
    .await?;
    for_case(&mut tx, &case).await
}

pub(super) async fn for_case(tx: &mut TenantTx, case: &Record) -> Result<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT m.id, m.kind, m.via, m.author_name, m.body, m.created_at, u.kind AS author_kind
         FROM case_messages m
         LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.author_id
         WHERE m.tenant_id = $1 AND m.case_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(tx.tenant_param())
    .bind(case.id)
    .fetch_all(tx.conn())
    .await?;
    let ids: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut attachments = files::of_owners(tx, "case_message", &ids).await?;
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let kind: String = r.try_get("kind")?;
            let via: String = r.try_get("via")?;
            let author_kind: Option<String> = r.try_get("author_kind")?;
            let mine: Vec<Attachment> = attachments.extract_if(.., |a| a.owner_id == id).collect();
            let author_name: String = r.try_get("author_name")?;
            let body: String = r.try_get("body")?;
            let email = kind == "email";
            let (subject, text) = match body.split_once("\n\n") {
                Some((subject, text)) if email => (Some(subject.to_owned()), Some(text.to_owned())),
                _ if email => (Some(body.clone()), None),
                _ => (None, None),
            };
            Ok(Message {
                email_to: email.then(|| {
                    author_name
                        .strip_prefix(EMAIL_AUTHOR_PREFIX)
                        .unwrap_or(&author_name)
                        .to_owned()
                }),
                subject,
                text,
                kind: MessageKind::parse(&kind).unwrap_or(MessageKind::Message),
                via: match via.as_str() {
                    "console" => Via::Console,
                    "email" => Via::Email,
                    _ => Via::Portal,
                },
                author_name,
                // E-mails are the support team's notices to the customer.
                from_support: email || author_kind.as_deref() == Some("employee"),
                body,
                created_at: r.try_get("created_at")?,
                attachments: mine,
                id,
            })
        })
        .collect()
}

/// Opens an attachment of a case message for someone who may read the case.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<(Attachment, axum::body::Bytes)> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (attachment, location) = files::find(&mut tx, id)
        .await?
        .ok_or(Error::NotFound("file"))?;
    if attachment.owner_kind != "case_message" {
        return Err(Error::NotFound("file"));
    }
    let case_id: Option<String> =
        sqlx::query_scalar("SELECT case_id FROM case_messages WHERE tenant_id = $1 AND id = $2")
            .bind(tx.tenant_param())
            .bind(&attachment.owner_id)
            .fetch_optional(tx.conn())
            .await?;
    let case_id = case_id.ok_or(Error::NotFound("file"))?;
    // Someone who cannot read the case does not learn that the file exists.
    records::open_for(
        &mut tx,
        actor,
        OBJECT,
        &case_id,
        Operation::Read,
        Level::Read,
    )
    .await
    .map_err(|_| Error::NotFound("file"))?;
    drop(tx);
    let bytes = files::read(app, &location).await?;
    Ok((attachment, bytes))
}

pub(super) enum Notice<'a> {
    NewMessage(&'a Message),
    StatusChanged,
    FeedbackRequest,
}

/// A reply goes under the bell of the other side (the case's contact when support wrote, its
/// assignee when the customer did), by e-mail to the contact when they want it, and to the case's
/// followers as news.
async fn tell_of_reply(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    case: &Record,
    message: &Message,
) -> Result<()> {
    let mut notice = notifications::Notice {
        kind: notifications::Kind::Reply,
        object,
        record: case,
        by: actor,
        excerpt: Some(&message.body),
    };
    let other_side = if message.from_support {
        contact_user(tx, case).await?.map(|u| u.id)
    } else {
        case.owner
    };
    if let Some(user) = other_side
        && notifications::tell(app, tx, user, &notice).await?
        && message.from_support
    {
        notify_contact(app, tx, case, Notice::NewMessage(message)).await?;
    }
    notice.kind = notifications::Kind::Activity;
    notifications::queue_for_followers(app, tx, &notice, other_side.as_slice()).await
}

/// The active portal user who is the case's contact, if there is one.
async fn contact_user(tx: &mut TenantTx, case: &Record) -> Result<Option<users::User>> {
    let Some(contact) = text(&case.data, "contact") else {
        return Ok(None);
    };
    let user = users::storage::by_contact(tx, contact).await?;
    Ok(user.filter(|u| u.deactivated_at.is_none()))
}

/// E-mails the portal user who is the case's contact (if there is one, and active).
pub(super) async fn notify_contact(
    app: &App,
    tx: &mut TenantTx,
    case: &Record,
    notice: Notice<'_>,
) -> Result<()> {
    let Some(user) = contact_user(tx, case).await? else {
        return Ok(());
    };
    let tenant_id = tx.tenant();
    let tenant = portico_tenants::find_by_id(tx.conn(), tenant_id)
        .await?
        .ok_or(Error::NotFound("tenant"))?;
    let link = format!(
        "{}{}",
        crate::domains::origin(&app.config, &tenant),
        crate::sections::page_path(user.kind, OBJECT, case.id)
    );
    let mut context = json!({
        "number": case.number,
        "subject": text(&case.data, "subject").unwrap_or_default(),
        "status": text(&case.data, "status").unwrap_or_default(),
        "link": link,
    });
    let template = match notice {
        Notice::NewMessage(message) => {
            context["message"] = Value::String(message.body.clone());
            context["author"] = Value::String(message.author_name.clone());
            Template::CaseMessage
        }
        Notice::StatusChanged => Template::CaseStatus,
        Notice::FeedbackRequest => {
            context["link"] = Value::String(format!("{link}#feedback"));
            Template::FeedbackRequest
        }
    };
    let to_name = user.full_name.clone();
    let sent = mail::enqueue(
        app,
        tx,
        &tenant.name,
        Outgoing {
            template,
            to: user.login,
            to_name: user.full_name,
            language: None,
            context,
        },
    )
    .await?;
    // The case's history shows what was e-mailed, in order with the messages.
    sqlx::query(
        "INSERT INTO case_messages (tenant_id, id, case_id, kind, via, author_id, author_name, body, created_at)
         VALUES ($1, $2, $3, 'email', 'email', NULL, $4, $5, $6)",
    )
    .bind(tx.tenant_param())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(case.id)
    .bind(format!("{EMAIL_AUTHOR_PREFIX}{to_name}"))
    .bind(format!("{}\n\n{}", sent.subject, sent.text_body.trim_end()))
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    Ok(())
}
