//! Actions on records of objects with statuses (a section's manifest declares them): who may take
//! which action in which status, the section's `on-action` hook, the status move, approvals (who
//! approves, their access to the record, the e-mails) and the record's history.

use serde::Serialize;
use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::{
    access::{self, Actor, Capability, Level, Operation},
    app::App,
    error::{Error, Result},
    mail::{self, Outgoing, Template},
    notifications,
    records::{self, ObjectType, Record, manifest::ActionManifest},
    store::{Access, TenantTx, Timestamp},
    users::{self, UserId},
};

/// The process that gives approvers read access to what they approve.
const APPROVAL: &str = "approval";

/// An action the actor may take now.
#[derive(Debug, Clone, Serialize)]
pub struct Available {
    pub code: String,
    pub label: String,
    pub needs_comment: bool,
}

/// One entry of a record's history.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub action: String,
    /// The action's label, as its button says it.
    pub action_label: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// The status moved to, as the reader sees it.
    pub to_status_title: Option<String>,
    pub comment: Option<String>,
    pub user_name: String,
    pub at: Timestamp,
}

fn status_of<'a>(object: &'a ObjectType, data: &'a Map<String, Value>) -> Option<&'a str> {
    data.get("status")
        .and_then(Value::as_str)
        .or_else(|| object.initial_status())
}

/// Whether the actor approves this record: the contact its approver field names, or a member of
/// an approver role.
fn approves(actor: &Actor, object: &ObjectType, record: &Record) -> bool {
    let Some(approvals) = object.approvals.as_ref().filter(|a| a.enabled) else {
        return false;
    };
    let contact = actor.contact.as_deref();
    approvals.approvers.iter().any(|approver| {
        let by_field = approver.field.as_ref().is_some_and(|field| {
            contact.is_some() && record.data.get(field).and_then(Value::as_str) == contact
        });
        let by_role = approver
            .role
            .as_ref()
            .is_some_and(|name| in_role_named(actor, name));
        by_field || by_role
    })
}

/// Whether the actor is a member (directly or through a child role) of a role named `name`, as
/// a manifest names approver roles.
fn in_role_named(actor: &Actor, name: &str) -> bool {
    actor.membership.roles.iter().any(|id| {
        actor
            .policy
            .role(*id)
            .is_some_and(|r| r.name.eq_ignore_ascii_case(name))
    })
}

/// Whether the actor may take `action` on the record now.
async fn may(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
    action: &ActionManifest,
) -> Result<bool> {
    if let Some(status) = status_of(object, &record.data)
        && !action.statuses.is_empty()
        && !action.statuses.iter().any(|s| s == status)
    {
        return Ok(false);
    }
    if let Some(by) = action.by
        && actor.kind.audience() != Some(by)
    {
        return Ok(false);
    }
    if action.permission.as_deref() == Some("approve") {
        return Ok(approves(actor, object, record));
    }
    let can_update = access::check(actor, Capability::Records(object, Operation::Update)).is_ok();
    Ok(can_update
        && access::records::level(tx, actor, &object.code, record.id)
            .await?
            .is_some_and(|(level, _)| level >= Level::Edit))
}

/// A record the actor may read, with a transaction to go on reading; `None` for an object
/// without actions (it has neither actions nor history, so its record need not be read).
async fn open_with_actions(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
) -> Result<Option<(TenantTx, std::sync::Arc<ObjectType>, Record)>> {
    if records::object_type(actor, object)?.actions.is_empty() {
        return Ok(None);
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, object, id, Operation::Read, Level::Read).await?;
    Ok(Some((tx, object, record)))
}

/// The actions the actor may take on a record now.
pub async fn available(app: &App, actor: &Actor, object: &str, id: &str) -> Result<Vec<Available>> {
    let Some((mut tx, object, record)) = open_with_actions(app, actor, object, id).await? else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for action in &object.actions {
        if may(&mut tx, actor, &object, &record, action).await? {
            found.push(Available {
                code: action.code.clone(),
                label: action.label.clone(),
                needs_comment: action.needs_comment,
            });
        }
    }
    Ok(found)
}

/// A record's history, for those who may read it.
pub async fn history(app: &App, actor: &Actor, object: &str, id: &str) -> Result<Vec<Event>> {
    let Some((mut tx, object, record)) = open_with_actions(app, actor, object, id).await? else {
        return Ok(Vec::new());
    };
    let rows = sqlx::query(
        "SELECT action, from_status, to_status, comment, user_name, at FROM record_events
         WHERE tenant_id = $1 AND object = $2 AND record_id = $3 ORDER BY at, id",
    )
    .bind(tx.tenant_param())
    .bind(object.code.as_str())
    .bind(record.id)
    .fetch_all(tx.conn())
    .await?;
    let status_title = |code: &str| {
        object
            .statuses
            .iter()
            .find(|s| s.code == code)
            .map_or_else(|| code.to_owned(), |s| object.status_shown(s))
    };
    rows.iter()
        .map(|r| {
            let action: String = r.try_get("action")?;
            let to_status: Option<String> = r.try_get("to_status")?;
            Ok(Event {
                action_label: object
                    .actions
                    .iter()
                    .find(|a| a.code == action)
                    .map_or_else(|| action.clone(), |a| a.label.clone()),
                action,
                from_status: r.try_get("from_status")?,
                to_status_title: to_status.as_deref().map(status_title),
                to_status,
                comment: r.try_get("comment")?,
                user_name: r.try_get("user_name")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// Takes an action on a record: checks it may be taken, lets the section decide (its `on-action`),
/// moves the status, records it in the history, and handles the approval that follows.
pub async fn perform(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    code: &str,
    comment: Option<&str>,
) -> Result<Value> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 2000) {
        return Err(Error::invalid_field(
            "comment",
            crate::tr!("records-at-most-characters", limit = 2000),
        ));
    }
    // Checked on a snapshot; the section's hook runs outside the write (its imports open their
    // own transactions); the write then insists on the same version.
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, object, id, Operation::Read, Level::Read).await?;
    let action = object
        .actions
        .iter()
        .find(|a| a.code == code)
        .ok_or(Error::NotFound("action"))?
        .clone();
    let catalog = actor.catalog.clone();
    if let Some(reason) = catalog.read_only_reason(object.code.as_str()) {
        return Err(Error::Conflict(crate::tr!(
            "records-object-read-only",
            object = &object.plural,
            reason = reason
        )));
    }
    let current = status_of(&object, &record.data).map(str::to_owned);
    if !may(&mut tx, actor, &object, &record, &action).await? {
        return Err(Error::Forbidden(match current.as_deref() {
            Some(status) => crate::tr!(
                "records-action-not-allowed-in-status",
                action = action.label.to_lowercase(),
                label = &action.label,
                status = status
            ),
            None => crate::tr!(
                "records-action-not-allowed",
                action = action.label.to_lowercase(),
                label = &action.label
            ),
        }));
    }
    drop(tx);
    if action.needs_comment && comment.is_none() {
        return Err(Error::invalid_field(
            "comment",
            crate::tr!("records-say-why"),
        ));
    }
    let outcome = catalog
        .hooks(&object)
        .on_action(app, actor, (&object, &record), code, comment)
        .await?;
    let mut changes = outcome.changes.unwrap_or_default();
    let to = outcome.status.or_else(|| action.to_status.clone());
    if let Some(to) = &to
        && Some(to) != current.as_ref()
    {
        let allowed = current
            .as_deref()
            .and_then(|c| object.statuses.iter().find(|s| s.code == c))
            .is_none_or(|s| s.transitions.is_empty() || s.transitions.contains(to));
        if !allowed || !object.statuses.iter().any(|s| &s.code == to) {
            return Err(Error::Conflict(crate::tr!(
                "records-cannot-move",
                from = current.as_deref().unwrap_or_default(),
                to = to.as_str()
            )));
        }
        changes.insert("status".into(), json!(to));
    }

    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let fresh = records::find_unchecked(&mut tx, &object, record.id)
        .await?
        .ok_or(Error::NotFound("record"))?;
    if fresh.version != record.version {
        return Err(Error::Conflict(crate::tr!("records-changed-meantime")));
    }
    let moved = Moved {
        action: code,
        from: current.as_deref(),
        to: to.as_deref(),
        comment,
    };
    let updated = apply(app, &mut tx, actor, (&object, fresh), changes, moved).await?;
    follow_approval(
        app,
        &mut tx,
        actor,
        &object,
        &updated,
        to.as_deref(),
        comment,
    )
    .await?;
    tx.commit().await?;
    let columns = records::Columns::of(actor, &object);
    Ok(columns.render(&updated))
}

/// One step of a record's history: an action, the status it moved from and to, and why.
#[derive(Debug, Clone, Copy)]
pub struct Moved<'a> {
    pub action: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub comment: Option<&'a str>,
}

/// Applies an action's changes to a record (read in `tx`), lets its section learn of them like
/// of any save, and writes the step into the record's history; the caller checked the action
/// may be taken.
pub(crate) async fn apply(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    (object, fresh): (&ObjectType, Record),
    changes: Map<String, Value>,
    moved: Moved<'_>,
) -> Result<Record> {
    let updated = if changes.is_empty() {
        fresh
    } else {
        let updated = records::patch_read(app, tx, actor, object, fresh.clone(), changes).await?;
        // A won opportunity counts, an offered lead is shared: as for any save.
        let save = records::Save {
            app,
            actor,
            object,
            previous: Some(&fresh),
        };
        actor
            .catalog
            .hooks(object)
            .after_save(save, tx, &updated)
            .await?;
        // As the section left it (approving a deal names the opportunity it opened).
        records::find_unchecked(tx, object, updated.id)
            .await?
            .unwrap_or(updated)
    };
    record_event(app, tx, actor, object, updated.id, moved).await?;
    Ok(updated)
}

/// Writes a step into the record's history, as the actor's, in the caller's transaction.
pub(crate) async fn record_event(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: records::RecordId,
    moved: Moved<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO record_events (tenant_id, id, object, record_id, action, from_status, to_status, comment, user_id, user_name, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tx.tenant_param())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(object.code.as_str())
    .bind(record)
    .bind(moved.action)
    .bind(moved.from)
    .bind(moved.to)
    .bind(moved.comment)
    .bind(actor.user)
    .bind(&actor.full_name)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A record listed on someone's main page: waiting for their approval, or their own still open.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub object: String,
    pub object_title: String,
    pub id: String,
    pub number: String,
    pub title: String,
    pub status: String,
}

/// How many records each main-page list shows.
const MAIN_PAGE_LIMIT: u32 = 10;

/// The records waiting for the actor's decision: in their object's approval status, with the
/// actor as an approver (the contact a field names, or a member of an approving role), and not
/// their own.
pub async fn awaiting_approval(app: &App, actor: &Actor) -> Vec<Waiting> {
    let mut found = Vec::new();
    for object in actor.catalog.objects() {
        let Some(approvals) = object.approvals.as_ref().filter(|a| a.enabled) else {
            continue;
        };
        let Some(status) = &approvals.status else {
            continue;
        };
        let by_role = approvals.approvers.iter().any(|a| {
            a.role
                .as_ref()
                .is_some_and(|name| in_role_named(actor, name))
        });
        let mut filters = vec![
            format!("status:eq:{status}"),
            format!("created_by:ne:{}", actor.user),
        ];
        if !by_role {
            let field = approvals.approvers.iter().find_map(|a| a.field.as_ref());
            match (field, &actor.contact) {
                (Some(field), Some(contact)) => filters.push(format!("{field}:eq:{contact}")),
                _ => continue,
            }
        }
        found.extend(listed(app, actor, object, filters).await);
    }
    found.truncate(MAIN_PAGE_LIMIT as usize);
    found
}

/// The actor's own records of objects with statuses that have not reached a final one.
pub async fn open_requests(app: &App, actor: &Actor) -> Vec<Waiting> {
    let mut found = Vec::new();
    for object in actor.catalog.browsable() {
        if object.statuses.is_empty() || crate::sections::is_built_in(&object.section) {
            continue;
        }
        let mut filters = vec![format!("created_by:eq:{}", actor.user)];
        filters.extend(
            object
                .statuses
                .iter()
                .filter(|s| s.is_final)
                .map(|s| format!("status:ne:{}", s.code)),
        );
        found.extend(listed(app, actor, object, filters).await);
    }
    found.truncate(MAIN_PAGE_LIMIT as usize);
    found
}

/// The newest records of `object` matching `filters` that the actor may read (none when they
/// may not read the object at all).
async fn listed(
    app: &App,
    actor: &Actor,
    object: &ObjectType,
    filters: Vec<String>,
) -> Vec<Waiting> {
    if access::check(actor, Capability::Records(object, Operation::Read)).is_err() {
        return Vec::new();
    }
    let request = records::ListRequest {
        limit: Some(MAIN_PAGE_LIMIT),
        sort: Some("-created_at".into()),
        filters,
        cursor: None,
        ..Default::default()
    };
    let Ok(page) = records::list(app, actor, object.code.as_str(), &request).await else {
        return Vec::new();
    };
    page.data
        .iter()
        .map(|r| {
            let status = r["data"]["status"].as_str().unwrap_or_default();
            Waiting {
                object: object.code.to_string(),
                object_title: object.title_shown(),
                id: r["id"].as_str().unwrap_or_default().to_owned(),
                number: r["number"].as_str().unwrap_or_default().to_owned(),
                title: records::title_of(actor, object.code.as_str(), r),
                status: object
                    .statuses
                    .iter()
                    .find(|s| s.code == status)
                    .and_then(|s| s.title.clone())
                    .unwrap_or_else(|| status.to_owned()),
            }
        })
        .collect()
}

/// After a status move: a record entering approval is opened to its approvers and they are asked
/// by e-mail; an approved or rejected record's author is told.
async fn follow_approval(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
    to: Option<&str>,
    comment: Option<&str>,
) -> Result<()> {
    let (Some(approvals), Some(to)) = (object.approvals.as_ref().filter(|a| a.enabled), to) else {
        return Ok(());
    };
    if approvals.status.as_deref() == Some(to) {
        ask_approvers(app, tx, actor, object, record).await?;
    } else if [&approvals.approved_status, &approvals.rejected_status]
        .iter()
        .any(|s| s.as_deref() == Some(to))
    {
        let notice = (record.created_by, Template::ApprovalDecision, comment);
        notify(app, tx, actor, object, record, notice).await?;
    }
    Ok(())
}

/// Opens a record awaiting approval to its approvers and asks them, under their bell and by
/// e-mail (a record that starts in its approval status asks as it is created).
pub(crate) async fn ask_approvers(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
) -> Result<()> {
    let Some(approvals) = object.approvals.as_ref().filter(|a| a.enabled) else {
        return Ok(());
    };
    for approver in &approvals.approvers {
        let mut people: Vec<UserId> = Vec::new();
        if let Some(contact) = approver
            .field
            .as_ref()
            .and_then(|f| record.data.get(f))
            .and_then(Value::as_str)
            && let Some(user) = users::storage::by_contact(tx, contact).await?
        {
            access::records::grant_by_process(
                tx,
                &object.code,
                record.id,
                &user.id.to_string(),
                Level::Read,
                APPROVAL,
            )
            .await?;
            people.push(user.id);
        }
        if let Some(name) = &approver.role
            && let Some(role) = actor
                .policy
                .roles()
                .find(|r| r.name.eq_ignore_ascii_case(name))
        {
            access::records::grant_by_process(
                tx,
                &object.code,
                record.id,
                &role.id.to_string(),
                Level::Read,
                APPROVAL,
            )
            .await?;
            let members: Vec<String> = sqlx::query_scalar(
                "SELECT user_id FROM role_members WHERE tenant_id = $1 AND role_id = $2",
            )
            .bind(tx.tenant_param())
            .bind(role.id.to_string())
            .fetch_all(tx.conn())
            .await?;
            people.extend(members.iter().filter_map(|m| m.parse::<UserId>().ok()));
        }
        for person in people {
            let notice = (person, Template::ApprovalRequest, None);
            notify(app, tx, actor, object, record, notice).await?;
        }
    }
    Ok(())
}

/// Asks the active members of a portal organization to answer a record (a lead offered to
/// their partner), under their bell and by e-mail.
pub(crate) async fn ask_organization(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
    organization: access::RoleId,
) -> Result<()> {
    for member in users::storage::active_members_of(tx, organization).await? {
        let notice = (member, Template::ApprovalRequest, None);
        notify(app, tx, actor, object, record, notice).await?;
    }
    Ok(())
}

/// Tells a user about a record under their bell, and by e-mail when they want it: `(whom, which
/// template, the decision's comment)`.
async fn notify(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
    (to, template, comment): (UserId, Template, Option<&str>),
) -> Result<()> {
    let Some(user) = users::storage::find(tx, to).await? else {
        return Ok(());
    };
    if user.deactivated_at.is_some() {
        return Ok(());
    }
    let kind = match template {
        Template::ApprovalRequest => notifications::Kind::Approval,
        _ => notifications::Kind::Decision,
    };
    let notice = notifications::Notice {
        kind,
        object,
        record,
        by: actor,
        excerpt: comment,
    };
    if !notifications::tell(app, tx, to, &notice).await? {
        return Ok(());
    }
    let link = format!(
        "{}{}",
        crate::domains::origin(&app.config, &actor.tenant),
        crate::sections::page_path(user.kind, object.code.as_str(), record.id)
    );
    let decision = record
        .data
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default();
    mail::enqueue(
        app,
        tx,
        &actor.tenant.name,
        Outgoing {
            template,
            to: user.login,
            to_name: user.full_name,
            language: None,
            context: json!({
                "object": object.title, "number": record.number, "author": actor.full_name,
                "decision": decision, "comment": comment, "link": link,
            }),
        },
    )
    .await?;
    Ok(())
}
