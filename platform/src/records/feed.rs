//! The feed of a record (the reference's "Feed"): comments with likes under any record people may
//! read (cases, articles, section records), who follows it, and @mentions of people who may read
//! it. Commenting and liking are the "Feed comments" and "Feed likes" system operations; the
//! record's own gates decide who sees its feed.

use serde::Serialize;
use sqlx::Row;

use super::{ObjectType, Record, RecordId};
use crate::{
    access::{self, Actor, Capability, Level, Operation, SystemOperation},
    app::App,
    error::{Error, Result},
    notifications::{self, Kind, Notice},
    store::{Access, TenantTx, Timestamp},
};

/// A comment is at most this long.
pub const MAX_COMMENT: usize = 5000;
/// A feed shows this many comments at most, the newest (oldest first).
const SHOWN: i64 = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub id: String,
    pub author_name: String,
    /// The reader wrote it (and may change or delete it).
    pub mine: bool,
    pub body: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub modified_at: Option<Timestamp>,
    pub likes: i64,
    pub liked: bool,
}

/// A record's feed as its reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Feed {
    pub comments: Vec<Comment>,
    /// Likes of the record itself.
    pub likes: i64,
    pub liked: bool,
    /// The reader follows the record (hears of its replies and comments).
    pub following: bool,
    pub can_comment: bool,
    pub can_like: bool,
}

/// The feed of a record the actor may read.
pub async fn of_record(app: &App, actor: &Actor, object: &str, record: &str) -> Result<Feed> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (_, record) =
        super::open_for(&mut tx, actor, object, record, Operation::Read, Level::Read).await?;
    load(&mut tx, actor, record.id).await
}

/// The feed of a record the caller has opened for `actor`.
pub(crate) async fn load(tx: &mut TenantTx, actor: &Actor, record: RecordId) -> Result<Feed> {
    let tenant = tx.tenant_param();
    let (likes, liked) = likes(tx, "record", &record.to_string(), actor).await?;
    let rows = sqlx::query(
        "SELECT c.id, c.author_id, c.author_name, c.body, c.created_at, c.modified_at,
                (SELECT count(*) FROM reactions x WHERE x.tenant_id = c.tenant_id AND x.target = 'comment' AND x.target_id = c.id) AS likes,
                (SELECT count(*) FROM reactions x WHERE x.tenant_id = c.tenant_id AND x.target = 'comment' AND x.target_id = c.id AND x.user_id = $3) AS liked
         FROM comments c WHERE c.tenant_id = $1 AND c.record_id = $2 AND c.deleted_at IS NULL
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4",
    )
    .bind(tenant)
    .bind(record)
    .bind(actor.user)
    .bind(SHOWN)
    .fetch_all(tx.conn())
    .await?;
    let mut comments = Vec::with_capacity(rows.len());
    for row in rows.iter().rev() {
        let author: String = row.try_get("author_id")?;
        comments.push(Comment {
            id: row.try_get("id")?,
            mine: author == actor.user.to_string(),
            author_name: row.try_get("author_name")?,
            body: row.try_get("body")?,
            created_at: row.try_get("created_at")?,
            modified_at: row.try_get("modified_at")?,
            likes: row.try_get("likes")?,
            liked: row.try_get::<i64, _>("liked")? > 0,
        });
    }
    Ok(Feed {
        comments,
        likes,
        liked,
        following: notifications::following(tx, actor.user, record).await?,
        can_comment: may(actor, SystemOperation::FeedComments),
        can_like: may(actor, SystemOperation::FeedLikes),
    })
}

fn may(actor: &Actor, operation: SystemOperation) -> bool {
    access::check(actor, Capability::System(operation)).is_ok()
}

async fn likes(tx: &mut TenantTx, target: &str, id: &str, actor: &Actor) -> Result<(i64, bool)> {
    let row = sqlx::query(
        "SELECT count(*) AS n, COALESCE(SUM(CASE WHEN user_id = $4 THEN 1 ELSE 0 END), 0) AS mine
         FROM reactions WHERE tenant_id = $1 AND target = $2 AND target_id = $3",
    )
    .bind(tx.tenant_param())
    .bind(target)
    .bind(id)
    .bind(actor.user)
    .fetch_one(tx.conn())
    .await?;
    Ok((row.try_get("n")?, row.try_get::<i64, _>("mine")? > 0))
}

fn comment_text(body: &str) -> Result<&str> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_COMMENT {
        return Err(Error::invalid_field(
            "body",
            crate::tr!("knowledge-comment-length"),
        ));
    }
    Ok(body)
}

/// Opens a record the actor may read for a feed change, after the operation's own check.
async fn open(
    app: &App,
    actor: &Actor,
    operation: SystemOperation,
    object: &str,
    record: &str,
) -> Result<(TenantTx, std::sync::Arc<ObjectType>, Record)> {
    access::check(actor, Capability::System(operation))?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, record) =
        super::open_for(&mut tx, actor, object, record, Operation::Read, Level::Read).await?;
    Ok((tx, object, record))
}

/// Publishes a comment on a record: its author follows the record from then on, the people it
/// mentions who may read the record are told, and so are the record's other followers.
pub async fn comment(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
    body: &str,
) -> Result<()> {
    let body = comment_text(body)?;
    let (mut tx, object, record) =
        open(app, actor, SystemOperation::FeedComments, object, record).await?;
    sqlx::query(
        "INSERT INTO comments (tenant_id, id, object, record_id, author_id, author_name, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tx.tenant_param())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(object.code.as_str())
    .bind(record.id)
    .bind(actor.user)
    .bind(&actor.full_name)
    .bind(body)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    notifications::follow_unchecked(app, &mut tx, actor.user, &object, record.id).await?;
    let mut notice = Notice {
        kind: Kind::Mention,
        object: &object,
        record: &record,
        by: actor,
        excerpt: Some(body),
    };
    let mentioned = notifications::tell_mentioned(app, &mut tx, &notice, body).await?;
    notice.kind = Kind::Activity;
    notifications::queue_for_followers(app, &mut tx, &notice, &mentioned).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes or deletes (`None`) one's own comment on a record one may read.
pub async fn change_comment(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
    comment: &str,
    body: Option<&str>,
) -> Result<()> {
    let body = body.map(comment_text).transpose()?;
    let (mut tx, _, record) =
        open(app, actor, SystemOperation::FeedComments, object, record).await?;
    let sql = match body {
        Some(_) => "UPDATE comments SET body = $5, modified_at = $6
                    WHERE tenant_id = $1 AND id = $2 AND record_id = $3 AND author_id = $4 AND deleted_at IS NULL",
        None => "UPDATE comments SET deleted_at = $6
                 WHERE tenant_id = $1 AND id = $2 AND record_id = $3 AND author_id = $4 AND deleted_at IS NULL AND $5 IS NULL",
    };
    let done = sqlx::query(sql)
        .bind(tx.tenant_param())
        .bind(comment)
        .bind(record.id)
        .bind(actor.user)
        .bind(body)
        .bind(app.clock.now())
        .execute(tx.conn())
        .await?;
    // Someone else's comment, or none: the same answer.
    if done.rows_affected() == 0 {
        return Err(Error::NotFound("comment"));
    }
    tx.commit().await?;
    Ok(())
}

/// Likes (or unlikes) a record the actor may read, or one of its comments; answers whether
/// anything changed.
pub async fn like(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
    comment: Option<&str>,
    on: bool,
) -> Result<bool> {
    let (mut tx, _, record) = open(app, actor, SystemOperation::FeedLikes, object, record).await?;
    let tenant = tx.tenant_param();
    let (target, id) = match comment {
        Some(comment) => {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM comments WHERE tenant_id = $1 AND id = $2 AND record_id = $3 AND deleted_at IS NULL",
            )
            .bind(tenant)
            .bind(comment)
            .bind(record.id)
            .fetch_optional(tx.conn())
            .await?;
            exists.ok_or(Error::NotFound("comment"))?;
            ("comment", comment.to_owned())
        }
        None => ("record", record.id.to_string()),
    };
    let sql = if on {
        "INSERT INTO reactions (tenant_id, target, target_id, user_id, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM reactions WHERE tenant_id = $1 AND target = $2 AND target_id = $3 AND user_id = $4 AND $5 IS NOT NULL"
    };
    let changed = sqlx::query(sql)
        .bind(tenant)
        .bind(target)
        .bind(id)
        .bind(actor.user)
        .bind(app.clock.now())
        .execute(tx.conn())
        .await?
        .rows_affected()
        > 0;
    tx.commit().await?;
    Ok(changed)
}
