//! Tags on records ("How to tag records on the portal"): words people put on a record they may
//! edit, seen by everyone who may read it, and filtered on like a column (`tag:eq:urgent`, in a
//! list, a dynamic folder or an export).

use super::RecordId;
use crate::{
    access::{Actor, Level, Operation},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx},
};

/// A tag is at most this long.
const MAX_LENGTH: usize = 50;
/// A record holds at most this many tags.
const MAX_TAGS: i64 = 20;

/// The tags of a record the actor may read, in alphabetical order.
pub async fn of_record(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
) -> Result<Vec<String>> {
    let (object, record) = open(actor, object, record)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    super::read(&mut tx, actor, &object, record, Level::Read).await?;
    load(&mut tx, object.code.as_str(), record).await
}

/// Puts `tag` on a record the actor may edit (`on`), or takes it off.
pub async fn set(
    app: &App,
    actor: &Actor,
    object: &str,
    record: &str,
    tag: &str,
    on: bool,
) -> Result<Vec<String>> {
    let (object, record) = open(actor, object, record)?;
    let tag = tag.split_whitespace().collect::<Vec<_>>().join(" ");
    if on && (tag.is_empty() || tag.chars().count() > MAX_LENGTH || tag.contains(':')) {
        return Err(Error::invalid_field(
            "tag",
            crate::tr!("records-tag-invalid", max = MAX_LENGTH),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    super::read(&mut tx, actor, &object, record, Level::Edit).await?;
    let code = object.code.as_str();
    if on {
        let held = load(&mut tx, code, record).await?;
        if !held.contains(&tag) && held.len() as i64 >= MAX_TAGS {
            return Err(Error::Conflict(crate::tr!(
                "records-too-many-tags",
                max = MAX_TAGS
            )));
        }
        sqlx::query(
            "INSERT INTO record_tags (tenant_id, object, record_id, tag) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(tx.tenant_param())
        .bind(code)
        .bind(record.to_string())
        .bind(&tag)
        .execute(tx.conn())
        .await?;
    } else {
        sqlx::query(
            "DELETE FROM record_tags WHERE tenant_id = $1 AND object = $2 AND record_id = $3 AND tag = $4",
        )
        .bind(tx.tenant_param())
        .bind(code)
        .bind(record.to_string())
        .bind(&tag)
        .execute(tx.conn())
        .await?;
    }
    let tags = load(&mut tx, code, record).await?;
    tx.commit().await?;
    Ok(tags)
}

fn open(
    actor: &Actor,
    object: &str,
    record: &str,
) -> Result<(std::sync::Arc<super::ObjectType>, RecordId)> {
    let (object, _) = super::open(actor, object, Operation::Read)?;
    Ok((object, RecordId::parse(record)?))
}

async fn load(tx: &mut TenantTx, object: &str, record: RecordId) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT tag FROM record_tags WHERE tenant_id = $1 AND object = $2 AND record_id = $3
         ORDER BY tag",
    )
    .bind(tx.tenant_param())
    .bind(object)
    .bind(record.to_string())
    .fetch_all(tx.conn())
    .await?)
}
