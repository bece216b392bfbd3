//! Folders of a list, as the reference describes them: static (records people put in) or dynamic
//! (filter conditions in AND/OR groups, nested), in a tree, private to their owner or shared with
//! a role. A folder only narrows a list: what it shows still passes the four gates, so a folder
//! never reveals a record, or a column, its viewer may not read.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

use super::{Columns, Condition, FolderScope, ObjectType, RecordId};
use crate::{
    access::{self, Actor, Capability, Level, Operation, SystemOperation},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx},
};

/// A folder's name is at most this long.
const MAX_NAME: usize = 100;
/// Folders one list may have (every user's, together): a list's folder tree stays readable.
const MAX_FOLDERS: i64 = 500;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Folder {
    pub id: String,
    pub object: String,
    pub name: String,
    pub parent: Option<String>,
    pub owner: String,
    /// The role the folder is shared with; none: only its owner sees it.
    pub shared_with: Option<String>,
    /// A dynamic folder's conditions; none: a static folder.
    #[schema(value_type = Option<serde_json::Value>)]
    pub condition: Option<Condition>,
    /// How deep in the tree: 0 for a folder at the top.
    pub depth: usize,
}

impl Folder {
    /// What the folder keeps, for a list request.
    pub fn scope(&self) -> FolderScope {
        match &self.condition {
            Some(condition) => FolderScope::Matching(condition.clone()),
            None => FolderScope::Records(self.id.clone()),
        }
    }

    pub fn is_static(&self) -> bool {
        self.condition.is_none()
    }
}

/// A folder as its creator describes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFolder {
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub shared_with: Option<String>,
    /// Conditions for a dynamic folder (a filter `field:op:value`, or `{"all": [...]}` /
    /// `{"any": [...]}` of conditions); leave out for a static one.
    #[serde(default)]
    pub condition: Option<serde_json::Value>,
}

/// Folders are a system operation ("Use folders") on a list the actor may read.
fn open(actor: &Actor, object: &str) -> Result<(std::sync::Arc<ObjectType>, Columns)> {
    access::check(actor, Capability::System(SystemOperation::UseFolders))?;
    super::open(actor, object, Operation::Read)
}

/// Whether the actor sees the folder: theirs, or shared with a role they are in.
fn sees(actor: &Actor, folder: &Folder) -> bool {
    folder.owner == actor.user.to_string()
        || folder
            .shared_with
            .as_ref()
            .is_some_and(|role| actor.is(role))
}

/// Whether the actor may share a folder with `role`: one they are in (an administrator: any).
pub fn may_share_with(actor: &Actor, role: &str) -> bool {
    actor.is_admin() || actor.is(role)
}

/// The folders of the list of `object` the actor sees, parents before their children.
pub async fn list(app: &App, actor: &Actor, object: &str) -> Result<Vec<Folder>> {
    let (object, _) = open(actor, object)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let all = load(&mut tx, object.code.as_str()).await?;
    Ok(all.into_iter().filter(|f| sees(actor, f)).collect())
}

/// One folder the actor sees.
pub async fn get(app: &App, actor: &Actor, object: &str, id: &str) -> Result<Folder> {
    let (object, _) = open(actor, object)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    find(&mut tx, actor, &object, id).await
}

/// What the folder `id` keeps, for a list request.
pub async fn scope(app: &App, actor: &Actor, object: &str, id: &str) -> Result<FolderScope> {
    Ok(get(app, actor, object, id).await?.scope())
}

/// For a list page, in its transaction: the folders of the list the actor sees (none without
/// "Use folders") and, when the page is of the folder `chosen`, what it keeps.
pub(crate) async fn for_list(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    chosen: Option<&str>,
) -> Result<(Vec<Folder>, Option<FolderScope>)> {
    if let Err(refused) = access::check(actor, Capability::System(SystemOperation::UseFolders)) {
        return match chosen {
            Some(_) => Err(refused),
            None => Ok((Vec::new(), None)),
        };
    }
    let seen: Vec<Folder> = load(tx, object.code.as_str())
        .await?
        .into_iter()
        .filter(|f| sees(actor, f))
        .collect();
    let scope = chosen
        .map(|id| {
            seen.iter()
                .find(|f| f.id == id)
                .map(Folder::scope)
                .ok_or(Error::NotFound("folder"))
        })
        .transpose()?;
    Ok((seen, scope))
}

pub async fn create(app: &App, actor: &Actor, object: &str, new: NewFolder) -> Result<Folder> {
    let (object, columns) = open(actor, object)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(Error::invalid_field(
            "name",
            crate::tr!("folders-name-length", max = MAX_NAME),
        ));
    }
    let condition = new
        .condition
        .map(|c| {
            let condition: Condition = serde_json::from_value(c).map_err(|_| {
                Error::invalid_field("condition", crate::tr!("folders-condition-malformed"))
            })?;
            condition
                .check(&object, &columns)
                .map_err(|e| Error::invalid_field("condition", e.to_string()))?;
            Ok::<_, Error>(condition)
        })
        .transpose()?;
    if let Some(role) = &new.shared_with
        && !may_share_with(actor, role)
    {
        return Err(Error::invalid_field(
            "shared_with",
            crate::tr!("folders-share-own-roles"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    if let Some(parent) = &new.parent {
        find(&mut tx, actor, &object, parent)
            .await
            .map_err(|_| Error::invalid_field("parent", crate::tr!("folders-no-parent")))?;
    }
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM folders WHERE tenant_id = $1 AND object = $2")
            .bind(tx.tenant_param())
            .bind(object.code.as_str())
            .fetch_one(tx.conn())
            .await?;
    if count >= MAX_FOLDERS {
        return Err(Error::Conflict(crate::tr!(
            "folders-too-many",
            max = MAX_FOLDERS
        )));
    }
    let folder = Folder {
        id: Uuid::now_v7().to_string(),
        object: object.code.as_str().to_owned(),
        name: name.to_owned(),
        parent: new.parent,
        owner: actor.user.to_string(),
        shared_with: new.shared_with,
        condition,
        depth: 0,
    };
    let condition = folder
        .condition
        .as_ref()
        .map(|c| serde_json::to_string(c).expect("conditions serialise"));
    sqlx::query(
        "INSERT INTO folders (tenant_id, id, object, name, parent_id, owner_id, shared_with, condition, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tx.tenant_param())
    .bind(&folder.id)
    .bind(&folder.object)
    .bind(&folder.name)
    .bind(&folder.parent)
    .bind(&folder.owner)
    .bind(&folder.shared_with)
    .bind(condition)
    .bind(app.clock.now().to_db())
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(folder)
}

/// Deletes a folder (never its records); its subfolders move up to its parent. Only its owner
/// or an administrator may.
pub async fn delete(app: &App, actor: &Actor, object: &str, id: &str) -> Result<()> {
    let (object, _) = open(actor, object)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let folder = find(&mut tx, actor, &object, id).await?;
    require_owner(actor, &folder)?;
    sqlx::query("UPDATE folders SET parent_id = $1 WHERE tenant_id = $2 AND parent_id = $3")
        .bind(&folder.parent)
        .bind(tx.tenant_param())
        .bind(&folder.id)
        .execute(tx.conn())
        .await?;
    sqlx::query("DELETE FROM folders WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(&folder.id)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts a record the actor may read into a static folder they see (or takes it out).
pub async fn file(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    record: &str,
    put: bool,
) -> Result<()> {
    let (object, _) = open(actor, object)?;
    let record = RecordId::parse(record)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let folder = find(&mut tx, actor, &object, id).await?;
    if !folder.is_static() {
        return Err(Error::Conflict(crate::tr!(
            "folders-dynamic-not-filed",
            name = &folder.name
        )));
    }
    super::read(&mut tx, actor, &object, record, Level::Read).await?;
    let sql = if put {
        "INSERT INTO folder_records (tenant_id, folder_id, record_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM folder_records WHERE tenant_id = $1 AND folder_id = $2 AND record_id = $3"
    };
    sqlx::query(sql)
        .bind(tx.tenant_param())
        .bind(&folder.id)
        .bind(record.to_string())
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The static folders the actor sees that hold `record`.
pub async fn holding(app: &App, actor: &Actor, object: &str, record: &str) -> Result<Vec<String>> {
    let (object, _) = open(actor, object)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT folder_id FROM folder_records WHERE tenant_id = $1 AND record_id = $2",
    )
    .bind(tx.tenant_param())
    .bind(record)
    .fetch_all(tx.conn())
    .await?;
    let visible = load(&mut tx, object.code.as_str()).await?;
    Ok(visible
        .into_iter()
        .filter(|f| sees(actor, f) && ids.contains(&f.id))
        .map(|f| f.id)
        .collect())
}

fn require_owner(actor: &Actor, folder: &Folder) -> Result<()> {
    if folder.owner == actor.user.to_string() || actor.is_admin() {
        Ok(())
    } else {
        Err(Error::Forbidden(crate::tr!(
            "folders-only-owner",
            name = &folder.name
        )))
    }
}

/// A folder of the object that the actor sees; any other is simply not there.
async fn find(tx: &mut TenantTx, actor: &Actor, object: &ObjectType, id: &str) -> Result<Folder> {
    load(tx, object.code.as_str())
        .await?
        .into_iter()
        .find(|f| f.id == id && sees(actor, f))
        .ok_or(Error::NotFound("folder"))
}

/// Every folder of the object's list, parents before children, each level by name.
async fn load(tx: &mut TenantTx, object: &str) -> Result<Vec<Folder>> {
    let rows = sqlx::query(
        "SELECT id, object, name, parent_id, owner_id, shared_with, condition FROM folders
         WHERE tenant_id = $1 AND object = $2 ORDER BY name, id",
    )
    .bind(tx.tenant_param())
    .bind(object)
    .fetch_all(tx.conn())
    .await?;
    let mut folders = Vec::with_capacity(rows.len());
    for row in rows {
        let condition: Option<String> = row.try_get("condition")?;
        folders.push(Folder {
            id: row.try_get("id")?,
            object: row.try_get("object")?,
            name: row.try_get("name")?,
            parent: row.try_get("parent_id")?,
            owner: row.try_get("owner_id")?,
            shared_with: row.try_get("shared_with")?,
            condition: condition
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| Error::Internal(e.into()))?,
            depth: 0,
        });
    }
    Ok(tree_order(folders))
}

/// Folders in tree order: each followed by its subfolders (orphans, whose parent went, at the
/// top).
fn tree_order(folders: Vec<Folder>) -> Vec<Folder> {
    fn visit(parent: Option<&str>, all: &[Folder], out: &mut Vec<Folder>, depth: usize) {
        if depth > 16 {
            return;
        }
        for folder in all.iter().filter(|f| f.parent.as_deref() == parent) {
            out.push(Folder {
                depth,
                ..folder.clone()
            });
            visit(Some(&folder.id), all, out, depth + 1);
        }
    }
    let ids: Vec<&str> = folders.iter().map(|f| f.id.as_str()).collect();
    let mut out = Vec::with_capacity(folders.len());
    let roots: Vec<Folder> = folders
        .iter()
        .filter(|f| f.parent.as_deref().is_none_or(|p| !ids.contains(&p)))
        .cloned()
        .collect();
    for root in roots {
        out.push(root.clone());
        visit(Some(&root.id), &folders, &mut out, 1);
    }
    out
}
