//! Notifications in the product: the bell of every portal user and employee. Someone hears of a
//! record they have reason to: a reply on their case, a record waiting for their approval, the
//! decision on their request, a mention in a comment, and news of the records they follow. Each
//! notification is kept for its user and shown only while they may read its record (the four
//! gates decide afresh at every look); each kind also comes by e-mail when its user wants it so.

use std::{collections::HashMap, sync::Arc};

use portico_tenants::Tenant;

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::{
    access::{self, Actor, Level, Operation},
    app::App,
    error::{Error, Result},
    mail::{self, Outgoing, Template},
    records::{self, ObjectType, Record, RecordId},
    store::{Access, TenantTx, Timestamp},
    users::{self, User, UserId},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Someone wrote on the user's case (or, to its assignee, the customer did).
    Reply,
    /// A record waits for the user's approval.
    Approval,
    /// The user's request was approved or rejected.
    Decision,
    /// Someone mentioned the user in a comment.
    Mention,
    /// A reply or comment on a record the user follows.
    Activity,
}

impl Kind {
    pub const ALL: [Self; 5] = [
        Self::Reply,
        Self::Approval,
        Self::Decision,
        Self::Mention,
        Self::Activity,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Approval => "approval",
            Self::Decision => "decision",
            Self::Mention => "mention",
            Self::Activity => "activity",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether this kind comes by e-mail too while its user has not chosen: what asks for an
    /// answer does; news of followed records, which can be many, stays under the bell.
    fn emailed_by_default(self) -> bool {
        self != Self::Activity
    }
}

/// What happened to a record, as told to someone.
#[derive(Debug)]
pub struct Notice<'a> {
    pub kind: Kind,
    pub object: &'a ObjectType,
    pub record: &'a Record,
    /// Who did it.
    pub by: &'a Actor,
    /// The words of the reply or comment, if it was one.
    pub excerpt: Option<&'a str>,
}

/// How much of a reply or comment a notification keeps.
const EXCERPT_CHARS: usize = 200;
/// A record has at most this many followers: telling them is work its writer waits for.
pub const MAX_FOLLOWERS: i64 = 100;
/// A comment tells at most this many people it mentions.
const MAX_MENTIONS: usize = 10;

/// Puts `notice` under `to`'s bell (never under the bell of whoever acted) and answers whether
/// `to` wants it by e-mail too.
pub async fn tell(app: &App, tx: &mut TenantTx, to: UserId, notice: &Notice<'_>) -> Result<bool> {
    if to == notice.by.user {
        return Ok(false);
    }
    let excerpt = notice
        .excerpt
        .map(|text| text.chars().take(EXCERPT_CHARS).collect::<String>());
    sqlx::query(
        "INSERT INTO notifications (tenant_id, id, user_id, kind, object, record_id, actor_name, excerpt, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tx.tenant_param())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(to)
    .bind(notice.kind.code())
    .bind(notice.object.code.as_str())
    .bind(notice.record.id)
    .bind(&notice.by.full_name)
    .bind(excerpt)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    wants_email(tx, to, notice.kind).await
}

/// Tells `to` (unless they are deactivated) and e-mails them when they want it, with the
/// template of mentions and of followed records' news.
async fn tell_and_mail(app: &App, tx: &mut TenantTx, to: &User, notice: &Notice<'_>) -> Result<()> {
    if to.deactivated_at.is_some() || !tell(app, tx, to.id, notice).await? {
        return Ok(());
    }
    let template = match notice.kind {
        Kind::Mention => Template::Mention,
        _ => Template::Activity,
    };
    let link = format!(
        "{}{}",
        crate::domains::origin(&app.config, &notice.by.tenant),
        crate::sections::page_path(to.kind, notice.object.code.as_str(), notice.record.id)
    );
    mail::enqueue(
        app,
        tx,
        &notice.by.tenant.name,
        Outgoing {
            template,
            to: to.login.clone(),
            to_name: to.full_name.clone(),
            language: to.language.clone(),
            context: json!({
                "object": notice.object.title_shown(), "number": notice.record.number,
                "author": notice.by.full_name, "message": notice.excerpt.unwrap_or_default(),
                "link": link,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Whether `user` wants notifications of `kind` by e-mail.
pub async fn wants_email(tx: &mut TenantTx, user: UserId, kind: Kind) -> Result<bool> {
    let chosen: Option<i64> = sqlx::query_scalar(
        "SELECT email FROM notification_settings WHERE tenant_id = $1 AND user_id = $2 AND kind = $3",
    )
    .bind(tx.tenant_param())
    .bind(user)
    .bind(kind.code())
    .fetch_optional(tx.conn())
    .await?;
    Ok(chosen.map_or(kind.emailed_by_default(), |email| email != 0))
}

/// One kind of notification and whether it comes by e-mail too.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Setting {
    pub kind: Kind,
    pub email: bool,
}

/// The actor's choices, every kind in order.
pub async fn settings(app: &App, actor: &Actor) -> Result<Vec<Setting>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let rows = sqlx::query(
        "SELECT kind, email FROM notification_settings WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(tx.tenant_param())
    .bind(actor.user)
    .fetch_all(tx.conn())
    .await?;
    let mut chosen = HashMap::new();
    for row in rows {
        chosen.insert(
            row.try_get::<String, _>("kind")?,
            row.try_get::<i64, _>("email")? != 0,
        );
    }
    Ok(Kind::ALL
        .into_iter()
        .map(|kind| Setting {
            kind,
            email: chosen
                .get(kind.code())
                .copied()
                .unwrap_or(kind.emailed_by_default()),
        })
        .collect())
}

/// Keeps the actor's choices of what comes by e-mail; kinds not named keep theirs.
pub async fn set_settings(app: &App, actor: &Actor, chosen: &[Setting]) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    for setting in chosen {
        sqlx::query(
            "INSERT INTO notification_settings (tenant_id, user_id, kind, email) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET email = excluded.email",
        )
        .bind(tx.tenant_param())
        .bind(actor.user)
        .bind(setting.kind.code())
        .bind(i64::from(setting.email))
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether `user` is active and may read `record` now (their own rights, as the four gates say).
async fn may_read(
    app: &App,
    tx: &mut TenantTx,
    by: &Actor,
    user: &User,
    object: &ObjectType,
    record: RecordId,
) -> Result<bool> {
    if user.deactivated_at.is_some() {
        return Ok(false);
    }
    let actor = access::actor(app, tx, by.tenant.clone(), user.clone()).await?;
    let opened = records::open_for(
        tx,
        &actor,
        object.code.as_str(),
        &record.to_string(),
        Operation::Read,
        Level::Read,
    )
    .await;
    match opened {
        Ok(_) => Ok(true),
        Err(Error::NotFound(_) | Error::Forbidden(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Tells `user` of `notice` (and e-mails them if they want it) if they may read its record;
/// answers whether they were told.
async fn tell_reader(
    app: &App,
    tx: &mut TenantTx,
    user: &User,
    notice: &Notice<'_>,
) -> Result<bool> {
    if !may_read(app, tx, notice.by, user, notice.object, notice.record.id).await? {
        return Ok(false);
    }
    tell_and_mail(app, tx, user, notice).await?;
    Ok(true)
}

/// Queues `notice` (a reply or comment) for the record's followers but `told` (told already by
/// the write): the jobs worker tells them once the write has committed, so the writer waits for
/// one row, not for up to [`MAX_FOLLOWERS`] rights checks and e-mails.
pub(crate) async fn queue_for_followers(
    app: &App,
    tx: &mut TenantTx,
    notice: &Notice<'_>,
    told: &[UserId],
) -> Result<()> {
    // Most records have no follower but the writer: then there is nobody to queue news for.
    let others: Vec<UserId> = sqlx::query_scalar(
        "SELECT user_id FROM follows WHERE tenant_id = $1 AND record_id = $2 AND user_id <> $3",
    )
    .bind(tx.tenant_param())
    .bind(notice.record.id)
    .bind(notice.by.user)
    .fetch_all(tx.conn())
    .await?;
    if others.iter().all(|user| told.contains(user)) {
        return Ok(());
    }
    let id = uuid::Uuid::now_v7().to_string();
    let excerpt = notice
        .excerpt
        .map(|text| text.chars().take(EXCERPT_CHARS).collect::<String>());
    sqlx::query(
        "INSERT INTO follower_news (tenant_id, id, object, record_id, actor_id, excerpt, told, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tx.tenant_param())
    .bind(&id)
    .bind(notice.object.code.as_str())
    .bind(notice.record.id)
    .bind(notice.by.user)
    .bind(excerpt)
    .bind(json!(told.iter().map(UserId::to_string).collect::<Vec<_>>()).to_string())
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    crate::jobs::enqueue(app, tx, crate::jobs::TELL_FOLLOWERS, &id).await
}

/// The job [`queue_for_followers`] queued: tells the followers of news `id`, in the job's
/// transaction, as its author's news. News of a record deleted since, of an object no longer
/// installed, or by an author no longer there is dropped.
pub(crate) async fn tell_followers_queued(
    app: &App,
    tx: &mut TenantTx,
    tenant: Arc<Tenant>,
    id: &str,
) -> Result<()> {
    let Some(row) = sqlx::query(
        "DELETE FROM follower_news WHERE tenant_id = $1 AND id = $2
         RETURNING object, record_id, actor_id, excerpt, told",
    )
    .bind(tx.tenant_param())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    else {
        return Ok(());
    };
    let object: String = row.try_get("object")?;
    let record: RecordId = row.try_get("record_id")?;
    let author: UserId = row.try_get("actor_id")?;
    let excerpt: Option<String> = row.try_get("excerpt")?;
    let told = serde_json::from_str::<Vec<String>>(&row.try_get::<String, _>("told")?)
        .map_err(anyhow::Error::from)?
        .iter()
        .map(|id| id.parse::<UserId>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::from)?;
    let Some(author) = users::storage::find(tx, author).await? else {
        return Ok(());
    };
    let by = access::actor(app, tx, tenant, author).await?;
    let Some(object) = by.catalog.get(object.as_str()).cloned() else {
        return Ok(());
    };
    let Some(record) = records::find_unchecked(tx, &object, record).await? else {
        return Ok(());
    };
    let notice = Notice {
        kind: Kind::Activity,
        object: &object,
        record: &record,
        by: &by,
        excerpt: excerpt.as_deref(),
    };
    tell_followers(app, tx, &notice, &told).await
}

/// Tells the record's active followers but `except` (told already) who may still read it. The
/// followers, the record's rights and the tenant's access version are read once for all.
async fn tell_followers(
    app: &App,
    tx: &mut TenantTx,
    notice: &Notice<'_>,
    except: &[UserId],
) -> Result<()> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        crate::user_columns!(),
        " FROM users WHERE tenant_id = $1 AND deactivated_at IS NULL AND id IN \
         (SELECT user_id FROM follows WHERE tenant_id = $1 AND record_id = $2)"
    ))
    .bind(tx.tenant_param())
    .bind(notice.record.id)
    .fetch_all(tx.conn())
    .await?;
    let rights =
        access::records::RecordRights::of(tx, &notice.object.code, notice.record.id).await?;
    let versions = crate::store::Versions::read(tx).await?;
    for row in &rows {
        let user = users::storage::from_row(row)?;
        if except.contains(&user.id) || user.id == notice.by.user {
            continue;
        }
        let tenant = notice.by.tenant.clone();
        let reader = access::actor_at(app, tx, tenant, user.clone(), versions).await?;
        if access::object_gates(&reader, notice.object, Operation::Read).is_ok()
            && rights.allow(&reader, Level::Read)
        {
            tell_and_mail(app, tx, &user, notice).await?;
        }
    }
    Ok(())
}

/// The people a comment mentions (`@` and their sign-in address) whom its author may mention:
/// anyone for employees, their own organization's members for portal users; and only those who
/// may read the record. Others are not told, and the author is not told that they exist.
pub(crate) async fn tell_mentioned(
    app: &App,
    tx: &mut TenantTx,
    notice: &Notice<'_>,
    body: &str,
) -> Result<Vec<UserId>> {
    let mut told = Vec::new();
    for login in mentions(body).into_iter().take(MAX_MENTIONS) {
        let Some(user) = users::storage::find_by_login(tx, &login).await? else {
            continue;
        };
        if !access::may_mention(notice.by, &user) || told.contains(&user.id) {
            continue;
        }
        if tell_reader(app, tx, &user, notice).await? {
            told.push(user.id);
        }
    }
    Ok(told)
}

/// The sign-in addresses written as `@address` in `text`, lower case, each once, in order.
fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let Some(rest) = word.strip_prefix('@') else {
            continue;
        };
        let address = rest.trim_end_matches(|c: char| !c.is_alphanumeric());
        if address.contains('@') {
            let address = address.to_lowercase();
            if !found.contains(&address) {
                found.push(address);
            }
        }
    }
    found
}

/// People the actor may mention on a record, whose name or address holds `search`: those
/// [`access::may_mention`] allows who may read it, a few.
pub async fn mentionable(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
    search: &str,
) -> Result<Vec<Mentionable>> {
    const SHOWN: usize = 8;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, object, record, Operation::Read, Level::Read).await?;
    // A name or an address is short; a longer search finds nobody anyway.
    let search: String = search.trim().chars().take(100).collect();
    let search = search.as_str();
    if search.is_empty() {
        return Ok(Vec::new());
    }
    let organization = match access::mentionable_people(actor) {
        access::People::Everyone => None,
        access::People::OfOrganization(organization) => Some(organization),
        access::People::Nobody => return Ok(Vec::new()),
    };
    let filter = users::storage::UserFilter {
        organization,
        search: Some(search),
        ..Default::default()
    };
    let candidates = users::storage::page(&mut tx, &filter, 3 * SHOWN as i64).await?;
    let mut shown = Vec::new();
    for user in candidates {
        if user.id == actor.user {
            continue;
        }
        if may_read(app, &mut tx, actor, &user, &object, record.id).await? {
            shown.push(Mentionable {
                name: user.full_name,
                login: user.login.to_string(),
            });
            if shown.len() == SHOWN {
                break;
            }
        }
    }
    Ok(shown)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Mentionable {
    pub name: String,
    /// Write `@` and this in a comment to mention them.
    pub login: String,
}

/// Follows (or stops following) a record the actor may read.
pub async fn follow(app: &App, actor: &Actor, object: &str, record: &str, on: bool) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, object, record, Operation::Read, Level::Read).await?;
    if on {
        if !follow_unchecked(app, &mut tx, actor.user, &object, record.id).await? {
            return Err(Error::Conflict(crate::tr!(
                "notifications-too-many-followers",
                max = MAX_FOLLOWERS
            )));
        }
    } else {
        sqlx::query("DELETE FROM follows WHERE tenant_id = $1 AND record_id = $2 AND user_id = $3")
            .bind(tx.tenant_param())
            .bind(record.id)
            .bind(actor.user)
            .execute(tx.conn())
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Makes `user` follow a record (whoever comments on it does); answers false when the record
/// has as many followers as it may.
pub(crate) async fn follow_unchecked(
    app: &App,
    tx: &mut TenantTx,
    user: UserId,
    object: &ObjectType,
    record: RecordId,
) -> Result<bool> {
    if following(tx, user, record).await? {
        return Ok(true);
    }
    let followers: i64 =
        sqlx::query_scalar("SELECT count(*) FROM follows WHERE tenant_id = $1 AND record_id = $2")
            .bind(tx.tenant_param())
            .bind(record)
            .fetch_one(tx.conn())
            .await?;
    if followers >= MAX_FOLLOWERS {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO follows (tenant_id, record_id, user_id, object, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(tx.tenant_param())
    .bind(record)
    .bind(user)
    .bind(object.code.as_str())
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    Ok(true)
}

pub(crate) async fn following(tx: &mut TenantTx, user: UserId, record: RecordId) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM follows WHERE tenant_id = $1 AND record_id = $2 AND user_id = $3",
    )
    .bind(tx.tenant_param())
    .bind(record)
    .bind(user)
    .fetch_optional(tx.conn())
    .await?;
    Ok(found.is_some())
}

/// A notification as its user sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shown {
    pub id: String,
    pub kind: Kind,
    pub object: String,
    pub object_title: String,
    pub record_id: String,
    /// The record's title, as its reader may see it.
    pub title: String,
    /// Where the record is opened (portal or console, by who reads).
    pub path: String,
    pub actor_name: String,
    pub excerpt: Option<String>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    pub read: bool,
}

/// A page of the actor's notifications, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationPage {
    pub data: Vec<Shown>,
    /// Pass as `after` for older ones; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Notifications on a page.
pub const PAGE: i64 = 30;
/// The bell counts unread notifications up to this many, then says "more".
pub const BELL_CAP: usize = 9;

/// The actor's notifications older than `after` (newest first), those about records they may
/// read now; `unread_only` leaves out what they have read.
pub async fn page(
    app: &App,
    actor: &Actor,
    after: Option<&str>,
    unread_only: bool,
) -> Result<NotificationPage> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (rows, more) = newest(&mut tx, actor, after, unread_only, PAGE).await?;
    let next_cursor = more.then(|| rows.last().map(|r| r.id.clone())).flatten();
    let data = readable(&mut tx, actor, rows).await?;
    Ok(NotificationPage { data, next_cursor })
}

/// How many unread notifications the bell shows: exact up to [`BELL_CAP`], and whether there
/// are more.
pub async fn unread(app: &App, actor: &Actor) -> Result<(usize, bool)> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    // Twice the cap is looked at: a few about records no longer readable do not hide the rest.
    let (rows, more) = newest(&mut tx, actor, None, true, 2 * BELL_CAP as i64).await?;
    let shown = readable(&mut tx, actor, rows).await?.len();
    Ok((shown.min(BELL_CAP), shown > BELL_CAP || more))
}

/// Marks the actor's notifications read: the ones named, or all.
pub async fn mark_read(app: &App, actor: &Actor, ids: Option<&[String]>) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let now = app.clock.now();
    let mut sql = crate::store::Sql::new("UPDATE notifications SET read_at = ");
    sql.bind(now)
        .push(" WHERE tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND user_id = ")
        .bind(actor.user)
        .push(" AND read_at IS NULL");
    if let Some(ids) = ids {
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        sql.push(" AND id").one_of(tx.dialect(), &ids);
    }
    sql.execute(tx.conn()).await?;
    prune(app, &mut tx, actor.user).await?;
    tx.commit().await?;
    Ok(())
}

/// How long a read notification is kept.
const KEPT_READ_DAYS: i64 = 90;

/// Forgets the user's notifications read long ago, so that nobody's list grows for ever (done
/// when they read, for them alone: bounded work, and no job to run).
async fn prune(app: &App, tx: &mut TenantTx, user: UserId) -> Result<()> {
    let before = Timestamp(app.clock.now().0 - chrono::Duration::days(KEPT_READ_DAYS));
    sqlx::query(
        "DELETE FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NOT NULL AND read_at < $3",
    )
    .bind(tx.tenant_param())
    .bind(user)
    .bind(before)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Marks one of the actor's notifications read and answers where its record opens; one that is
/// not theirs, or whose record they may not read now, is not found.
pub async fn open(app: &App, actor: &Actor, id: &str) -> Result<String> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let row = sqlx::query(concat!(
        "SELECT ",
        stored_columns!(),
        " FROM notifications WHERE tenant_id = $1 AND id = $2 AND user_id = $3"
    ))
    .bind(tx.tenant_param())
    .bind(id)
    .bind(actor.user)
    .fetch_optional(tx.conn())
    .await?;
    let stored = row.as_ref().map(Stored::from_row).transpose()?.flatten();
    let shown = readable(&mut tx, actor, stored.into_iter().collect()).await?;
    let shown = shown
        .into_iter()
        .next()
        .ok_or(Error::NotFound("notification"))?;
    sqlx::query("UPDATE notifications SET read_at = $3 WHERE tenant_id = $1 AND id = $2 AND read_at IS NULL")
        .bind(tx.tenant_param())
        .bind(&shown.id)
        .bind(app.clock.now())
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(shown.path)
}

macro_rules! stored_columns {
    () => {
        "id, kind, object, record_id, actor_name, excerpt, created_at, read_at"
    };
}
use stored_columns;

struct Stored {
    id: String,
    kind: Kind,
    object: String,
    record_id: String,
    actor_name: String,
    excerpt: Option<String>,
    created_at: Timestamp,
    read: bool,
}

impl Stored {
    /// A stored notification; `None` for a kind this version does not know.
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Option<Self>> {
        let kind: String = row.try_get("kind")?;
        let Some(kind) = Kind::parse(&kind) else {
            return Ok(None);
        };
        Ok(Some(Self {
            id: row.try_get("id")?,
            kind,
            object: row.try_get("object")?,
            record_id: row.try_get("record_id")?,
            actor_name: row.try_get("actor_name")?,
            excerpt: row.try_get("excerpt")?,
            created_at: row.try_get("created_at")?,
            read: row.try_get::<Option<Timestamp>, _>("read_at")?.is_some(),
        }))
    }
}

/// Up to `limit` of the actor's notifications older than `after`, and whether there are more.
async fn newest(
    tx: &mut TenantTx,
    actor: &Actor,
    after: Option<&str>,
    unread_only: bool,
    limit: i64,
) -> Result<(Vec<Stored>, bool)> {
    let mut sql = crate::store::Sql::new(concat!(
        "SELECT ",
        stored_columns!(),
        " FROM notifications WHERE tenant_id = "
    ));
    sql.bind(tx.tenant_param())
        .push(" AND user_id = ")
        .bind(actor.user);
    if unread_only {
        sql.push(" AND read_at IS NULL");
    }
    if let Some(after) = after {
        sql.push(" AND id < ").bind(after.to_owned());
    }
    sql.push(" ORDER BY id DESC LIMIT ").bind(limit + 1);
    let mut rows = Vec::new();
    for row in sql.fetch_all(tx.conn()).await? {
        rows.extend(Stored::from_row(&row)?);
    }
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The notifications about records the actor may read now, with the records' titles as they
/// may see them.
async fn readable(tx: &mut TenantTx, actor: &Actor, rows: Vec<Stored>) -> Result<Vec<Shown>> {
    // Each record is opened once, however many notifications are about it: `None` when the
    // actor may not read it, else its object's title and its own.
    let mut seen: HashMap<String, Option<(String, String)>> = HashMap::new();
    let mut shown = Vec::with_capacity(rows.len());
    for row in rows {
        if !seen.contains_key(&row.record_id) {
            let opened = records::open_for(
                tx,
                actor,
                &row.object,
                &row.record_id,
                Operation::Read,
                Level::Read,
            )
            .await;
            let titles = match opened {
                Ok((object, record)) => {
                    let rendered = records::Columns::of(actor, &object).render(&record);
                    let title = records::title_of(actor, object.code.as_str(), &rendered);
                    Some((object.title_shown(), title))
                }
                Err(Error::NotFound(_) | Error::Forbidden(_)) => None,
                Err(other) => return Err(other),
            };
            seen.insert(row.record_id.clone(), titles);
        }
        let Some(Some((object_title, title))) = seen.get(&row.record_id) else {
            continue;
        };
        shown.push(Shown {
            title: title.clone(),
            object_title: object_title.clone(),
            path: crate::sections::page_path(actor.kind, &row.object, &row.record_id),
            id: row.id,
            kind: row.kind,
            object: row.object,
            record_id: row.record_id,
            actor_name: row.actor_name,
            excerpt: row.excerpt,
            created_at: row.created_at,
            read: row.read,
        });
    }
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_addresses_after_an_at_sign() {
        assert_eq!(
            mentions("Thanks @Ann@Acme.example, and @bob@acme.example. Also @ann@acme.example!"),
            vec!["ann@acme.example", "bob@acme.example"]
        );
        assert!(mentions("mail ann@acme.example or @team").is_empty());
    }
}
