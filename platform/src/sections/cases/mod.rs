//! Support cases: what happens when one is created (status, contact, service agreement by
//! priority, category and deadlines from the service, subject), the statuses and which moves
//! between them are allowed, the portal's actions (cancel, close, reopen), the conversation with
//! complaints, and feedback.

pub mod agreements;
pub mod conversation;

pub use agreements::AgreementChoice;
pub use conversation::{Message, MessageKind, Via};

use chrono::Duration;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    access::{Actor, Level, Operation},
    app::App,
    error::{Error, Result},
    records::{self, ObjectType, Record, Save, SectionHooks, Widget},
    sla,
    store::{Access, TenantTx, Timestamp},
    users::{self, UserKind},
};

pub const OBJECT: &str = "case";

pub mod status {
    pub const NEW: &str = "New";
    pub const IN_PROGRESS: &str = "In progress";
    pub const WAITING: &str = "Waiting for response";
    pub const RESOLVED: &str = "Resolved";
    pub const CLOSED: &str = "Closed";
    pub const CANCELED: &str = "Canceled";
    pub const REOPENED: &str = "Re-opened";
    /// In the order of the workflow bar.
    pub const ALL: [&str; 7] = [
        NEW,
        IN_PROGRESS,
        WAITING,
        RESOLVED,
        CLOSED,
        CANCELED,
        REOPENED,
    ];
}
use status::*;

/// Fields only the case's own rules set; what a client sends for them is ignored.
const MANAGED: [&str; 13] = [
    "status",
    "category",
    "service_agreement",
    "response_deadline",
    "resolution_deadline",
    "responded_on",
    "first_resolution_on",
    "actual_resolution_on",
    "closed_on",
    "closure_reason",
    "has_complaint",
    "satisfaction",
    "feedback_notes",
];

/// Where the support team may move a case from each status.
pub fn support_moves(from: &str) -> &'static [&'static str] {
    match from {
        NEW => &[IN_PROGRESS, WAITING, RESOLVED, CANCELED],
        IN_PROGRESS => &[WAITING, RESOLVED, CANCELED],
        WAITING => &[IN_PROGRESS, RESOLVED, CANCELED],
        RESOLVED => &[CLOSED, REOPENED, IN_PROGRESS],
        REOPENED => &[IN_PROGRESS, WAITING, RESOLVED, CANCELED],
        _ => &[],
    }
}

/// Whether a case in `status` is finished (no more ordinary messages or moves).
pub fn is_final(status: &str) -> bool {
    matches!(status, CLOSED | CANCELED)
}

fn text<'a>(data: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    data.get(field).and_then(Value::as_str)
}

/// Fills a new case, or keeps the managed fields of an existing one and applies a status move.
/// Support's rules: what happens when a case is created or changed; on the main page, the
/// actor's latest cases.
#[derive(Debug)]
pub struct Support;

#[async_trait::async_trait]
impl SectionHooks for Support {
    async fn before_save(
        &self,
        save: Save<'_>,
        tx: &mut TenantTx,
        data: &mut Map<String, Value>,
    ) -> Result<()> {
        match save.object.code.as_str() {
            OBJECT => before_save(save.app, tx, save.actor, data, save.previous).await,
            _ => Ok(()),
        }
    }

    async fn after_save(&self, save: Save<'_>, tx: &mut TenantTx, record: &Record) -> Result<()> {
        match save.object.code.as_str() {
            OBJECT => after_save(save.app, tx, record, save.previous).await,
            _ => Ok(()),
        }
    }

    /// A case's agreement is chosen among those that cover its contact, which the contact may
    /// not otherwise read.
    fn checks_own_reference(&self, object: &str, field: &str) -> bool {
        (object, field) == (OBJECT, "service_agreement")
    }

    async fn main_page(&self, app: &App, actor: &Actor) -> Vec<Widget> {
        use crate::access::{Capability, check};
        let may = |operation| {
            records::built_in(app, OBJECT)
                .is_ok_and(|object| check(actor, Capability::Records(&object, operation)).is_ok())
        };
        if !may(Operation::Read) {
            return Vec::new();
        }
        let request = records::ListRequest {
            limit: Some(5),
            sort: Some("-created_at".into()),
            ..Default::default()
        };
        let Ok(cases) = records::list(app, actor, OBJECT, &request).await else {
            return Vec::new();
        };
        vec![Widget::new(
            "my_cases",
            json!({ "cases": cases, "can_create": may(Operation::Create) }),
        )]
    }
}

async fn before_save(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    data: &mut Map<String, Value>,
    previous: Option<&Record>,
) -> Result<()> {
    let now = app.clock.now();
    match previous {
        None => fill_new(app, tx, actor, data, now).await,
        Some(previous) => {
            let requested = text(data, "status").map(str::to_owned);
            for field in MANAGED {
                match previous.data.get(field) {
                    Some(value) => data.insert(field.to_owned(), value.clone()),
                    None => data.remove(field),
                };
            }
            // The service and the contact are fixed once the case exists (they set its terms).
            for field in ["service", "contact", "account"] {
                match previous.data.get(field) {
                    Some(value) => data.insert(field.to_owned(), value.clone()),
                    None => data.remove(field),
                };
            }
            let current = text(&previous.data, "status").unwrap_or(NEW).to_owned();
            if let Some(to) = requested.filter(|to| *to != current) {
                if !support_moves(&current).contains(&to.as_str()) {
                    return Err(illegal_move(&current, &to));
                }
                enter(data, &to, now);
                if let Some(reason) = text(&previous.data, "closure_reason") {
                    data.entry("closure_reason").or_insert(json!(reason));
                }
            }
            Ok(())
        }
    }
}

fn illegal_move(from: &str, to: &str) -> Error {
    Error::Conflict(crate::tr!("cases-illegal-move", from = from, to = to))
}

/// The bookkeeping of entering a status: when support first responded, when it was resolved,
/// when it was closed.
fn enter(data: &mut Map<String, Value>, to: &str, now: Timestamp) {
    let stamp = json!(now.to_db());
    data.insert("status".into(), json!(to));
    if to != NEW {
        data.entry("responded_on").or_insert(stamp.clone());
    }
    match to {
        RESOLVED => {
            data.entry("first_resolution_on").or_insert(stamp.clone());
            data.insert("actual_resolution_on".into(), stamp);
        }
        CLOSED => {
            data.insert("closed_on".into(), stamp);
        }
        REOPENED => {
            data.remove("closed_on");
        }
        _ => {}
    }
}

async fn fill_new(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    data: &mut Map<String, Value>,
    now: Timestamp,
) -> Result<()> {
    let chosen_agreement = text(data, "service_agreement").map(str::to_owned);
    for field in MANAGED {
        data.remove(field);
    }
    data.insert("status".into(), json!(NEW));
    // A portal user's case is theirs: their contact, their account.
    if actor.kind == UserKind::External {
        match &actor.contact {
            Some(contact) => data.insert("contact".into(), json!(contact)),
            None => data.remove("contact"),
        };
        data.remove("account");
    }
    let contact = match text(data, "contact") {
        Some(id) => agreements::contact(app, tx, id).await?,
        None => None,
    };
    if let Some(account) = contact.as_ref().and_then(|c| text(&c.data, "account")) {
        data.entry("account").or_insert(json!(account));
    }
    let account = text(data, "account").map(str::to_owned);
    let agreement = agreements::choose(
        app,
        tx,
        contact.as_ref(),
        account.as_deref(),
        chosen_agreement.as_deref(),
    )
    .await?;
    if let Some(agreement) = &agreement {
        data.insert("service_agreement".into(), json!(agreement.id));
    }
    let service = match text(data, "service") {
        Some(id) => Some(agreements::service(app, tx, id, agreement.as_ref()).await?),
        None => None,
    };
    if let Some(service) = &service {
        let category = text(&service.data, "category")
            .unwrap_or("Service request")
            .to_owned();
        data.insert("category".into(), json!(category));
        let calendar = match agreement.as_ref().and_then(|a| text(&a.data, "calendar")) {
            Some(id) => sla::calendars::load(tx, id).await?.map(|c| c.calendar),
            None => None,
        };
        let minutes = |field: &str| service.data.get(field).and_then(Value::as_i64).unwrap_or(0);
        for (field, limit) in [
            ("response_deadline", "response_minutes"),
            ("resolution_deadline", "resolution_minutes"),
        ] {
            let at =
                sla::deadline(now.0, minutes(limit), calendar.as_ref()).map_err(|e| match e {
                    sla::CalendarError::NoWorkingTime => {
                        Error::Conflict(crate::tr!("cases-agreement-calendar-no-working-time"))
                    }
                })?;
            data.insert(field.into(), json!(Timestamp(at).to_db()));
        }
        if text(data, "subject").is_none_or(|s| s.trim().is_empty()) {
            let name = text(&service.data, "name").unwrap_or("Service");
            data.insert("subject".into(), json!(format!("{category}: {name}")));
        }
    }
    if text(data, "subject").is_none_or(|s| s.trim().is_empty()) {
        data.insert("subject".into(), json!("Support case"));
    }
    Ok(())
}

/// What a case's author may do from the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalAction {
    Cancel,
    Close,
    Reopen,
}

impl PortalAction {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "cancel" => Some(Self::Cancel),
            "close" => Some(Self::Close),
            "reopen" => Some(Self::Reopen),
            _ => None,
        }
    }

    /// Whether the action is possible in `status`.
    pub fn allowed_in(self, status: &str) -> bool {
        match self {
            Self::Cancel => !is_final(status),
            Self::Close | Self::Reopen => matches!(status, RESOLVED | WAITING),
        }
    }

    /// Why the action is refused to a case in `status`.
    fn refusal(self, status: &str) -> String {
        let status = crate::i18n::value_label("case", "status", status);
        match self {
            Self::Cancel => crate::tr!("cases-cannot-cancel", status = status),
            Self::Close => crate::tr!("cases-cannot-close", status = status),
            Self::Reopen => crate::tr!("cases-cannot-reopen", status = status),
        }
    }
}

/// Opens a case for one of the author's actions: they may read it and hold edit rights on it.
async fn open_own(
    tx: &mut TenantTx,
    actor: &Actor,
    id: &str,
) -> Result<(std::sync::Arc<ObjectType>, Record)> {
    records::open_for(tx, actor, OBJECT, id, Operation::Read, Level::Edit).await
}

/// Cancels, closes or reopens a case, with exactly the field changes the reference describes.
pub async fn act(app: &App, actor: &Actor, id: &str, action: PortalAction) -> Result<Record> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, case) = open_own(&mut tx, actor, id).await?;
    let status = text(&case.data, "status").unwrap_or(NEW).to_owned();
    if !action.allowed_in(&status) {
        return Err(Error::Conflict(action.refusal(&status)));
    }
    let now = json!(app.clock.now().to_db());
    let mut changes = Map::new();
    match action {
        PortalAction::Cancel => {
            changes.insert("status".into(), json!(CANCELED));
            changes.insert("closure_reason".into(), json!("Canceled by user"));
            for field in ["first_resolution_on", "actual_resolution_on", "closed_on"] {
                changes.insert(field.into(), now.clone());
            }
        }
        PortalAction::Close => {
            changes.insert("status".into(), json!(CLOSED));
            changes.insert("closure_reason".into(), json!("Closed by user"));
            changes.insert("closed_on".into(), now);
        }
        PortalAction::Reopen => {
            changes.insert("status".into(), json!(REOPENED));
            changes.insert("closed_on".into(), Value::Null);
        }
    }
    let updated = records::patch_unchecked(app, &mut tx, actor, &object, case.id, changes).await?;
    notify_status(app, &mut tx, &case, &updated).await?;
    tx.commit().await?;
    Ok(updated)
}

/// The author's rating of a finished case.
pub async fn give_feedback(
    app: &App,
    actor: &Actor,
    id: &str,
    satisfaction: i64,
    notes: &str,
) -> Result<Record> {
    if !(1..=5).contains(&satisfaction) {
        return Err(Error::invalid_field(
            "satisfaction",
            crate::tr!("cases-satisfaction-range"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, case) = open_own(&mut tx, actor, id).await?;
    let status = text(&case.data, "status").unwrap_or(NEW);
    if !matches!(status, RESOLVED | CLOSED | CANCELED) {
        return Err(Error::Conflict(crate::tr!("cases-feedback-not-yet")));
    }
    let mut changes = Map::new();
    changes.insert("satisfaction".into(), json!(satisfaction));
    let notes = notes.trim();
    changes.insert(
        "feedback_notes".into(),
        if notes.is_empty() {
            Value::Null
        } else {
            json!(notes)
        },
    );
    let updated = records::patch_unchecked(app, &mut tx, actor, &object, case.id, changes).await?;
    tx.commit().await?;
    Ok(updated)
}

/// Tells the case's contact that its status changed and, when it becomes finished (resolved,
/// closed or canceled from an open status), asks once for feedback: a resolved case that is then
/// closed is not asked about twice.
pub(crate) async fn notify_status(
    app: &App,
    tx: &mut TenantTx,
    before: &Record,
    after: &Record,
) -> Result<()> {
    let (from, to) = (text(&before.data, "status"), text(&after.data, "status"));
    if from == to {
        return Ok(());
    }
    conversation::notify_contact(app, tx, after, conversation::Notice::StatusChanged).await?;
    let finished = |status: Option<&str>| matches!(status, Some(RESOLVED | CLOSED | CANCELED));
    if finished(to) && !finished(from) && after.data.get("satisfaction").is_none() {
        conversation::notify_contact(app, tx, after, conversation::Notice::FeedbackRequest).await?;
    }
    Ok(())
}

async fn after_save(
    app: &App,
    tx: &mut TenantTx,
    record: &Record,
    previous: Option<&Record>,
) -> Result<()> {
    match previous {
        Some(previous) => notify_status(app, tx, previous, record).await,
        None => super::knowledge::case_filed(app, tx, record.created_by).await,
    }
}

/// Remaining or overdue time of a case's response and resolution deadlines, for pages and lists.
#[derive(Debug, Clone, Serialize)]
pub struct Indicators {
    pub response: Option<sla::Standing>,
    pub resolution: Option<sla::Standing>,
}

pub fn indicators(data: &Map<String, Value>, now: Timestamp) -> Indicators {
    let time = |field: &str| {
        text(data, field)
            .and_then(|t| Timestamp::parse(t).ok())
            .map(|t| t.0)
    };
    let standing = |deadline: &str, done: &[&str]| {
        time(deadline).map(|d| sla::standing(d, done.iter().find_map(|f| time(f)), now.0))
    };
    Indicators {
        response: standing("response_deadline", &["responded_on"]),
        resolution: standing("resolution_deadline", &["first_resolution_on", "closed_on"]),
    }
}

/// Minutes of an indicator as "2 h 5 min".
pub fn human_minutes(minutes: i64) -> String {
    let d = Duration::minutes(minutes.abs());
    match (d.num_days(), d.num_hours() % 24, d.num_minutes() % 60) {
        (0, 0, m) => crate::tr!("cases-duration-minutes", minutes = m),
        (0, h, m) => crate::tr!("cases-duration-hours-minutes", hours = h, minutes = m),
        (days, h, _) => crate::tr!("cases-duration-days-hours", days = days, hours = h),
    }
}

/// Everything a case page shows, as the actor may see it and act on it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub record: Value,
    pub status: String,
    pub service: Option<String>,
    pub agreement: Option<String>,
    /// The name of the employee the case is assigned to.
    pub assignee: Option<String>,
    pub indicators: Indicators,
    pub messages: Vec<Message>,
    pub files: Vec<crate::files::Attachment>,
    /// Portal actions possible now (for the case's author).
    pub actions: Vec<&'static str>,
    /// Statuses support may move the case to now.
    pub moves: Vec<&'static str>,
    pub can_post: bool,
    pub can_feedback: bool,
    pub workflow: Vec<&'static str>,
    /// Comments and likes beside the conversation, and whether the reader follows the case.
    pub feed: records::feed::Feed,
}

/// Opens a case page.
pub async fn view(app: &App, actor: &Actor, id: &str) -> Result<CaseView> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, OBJECT, id, Operation::Read, Level::Read).await?;
    let level = crate::access::records::level(&mut tx, actor, &object.code, record.id)
        .await?
        .map(|(l, _)| l);
    let messages = conversation::for_case(&mut tx, &record).await?;
    let feed = records::feed::load(&mut tx, actor, record.id).await?;
    let files = crate::files::of_owners(
        &mut tx,
        &crate::files::record_owner(OBJECT),
        &[record.id.to_string()],
    )
    .await?;
    let name_of = async |tx: &mut TenantTx, object: &str, field: &str| -> Result<Option<String>> {
        let Some(id) = text(&record.data, field).and_then(|i| records::RecordId::parse(i).ok())
        else {
            return Ok(None);
        };
        let object = records::built_in(app, object)?;
        Ok(records::find_unchecked(tx, &object, id)
            .await?
            .and_then(|r| text(&r.data, "name").map(str::to_owned)))
    };
    let service = name_of(&mut tx, "service", "service").await?;
    let agreement = name_of(&mut tx, "service_agreement", "service_agreement").await?;
    let assignee = match record.owner {
        Some(owner) => users::storage::find(&mut tx, owner)
            .await?
            .map(|u| u.full_name),
        None => None,
    };
    tx.finish_reading().await?;
    let status = text(&record.data, "status").unwrap_or(NEW).to_owned();
    let may_edit = level.is_some_and(|l| l >= Level::Edit);
    let support = actor.kind == UserKind::Employee
        && crate::access::object_gates(actor, &object, Operation::Update).is_ok()
        && may_edit;
    let actions = if actor.kind == UserKind::External && may_edit {
        [
            ("cancel", PortalAction::Cancel),
            ("close", PortalAction::Close),
            ("reopen", PortalAction::Reopen),
        ]
        .into_iter()
        .filter(|(_, a)| a.allowed_in(&status))
        .map(|(code, _)| code)
        .collect()
    } else {
        Vec::new()
    };
    let columns = records::Columns::of(actor, &object);
    Ok(CaseView {
        indicators: indicators(&record.data, app.clock.now()),
        record: columns.render(&record),
        service,
        agreement,
        assignee,
        messages,
        files,
        actions,
        moves: if support {
            support_moves(&status).to_vec()
        } else {
            Vec::new()
        },
        can_post: status != CLOSED,
        can_feedback: actor.kind == UserKind::External
            && may_edit
            && matches!(status.as_str(), RESOLVED | CLOSED | CANCELED),
        workflow: workflow(&status),
        status,
        feed,
    })
}

/// The stages the workflow bar shows for a case in `status`: the usual path, with the end the
/// case actually reached.
fn workflow(status: &str) -> Vec<&'static str> {
    match status {
        CANCELED => vec![NEW, IN_PROGRESS, CANCELED],
        REOPENED => vec![NEW, IN_PROGRESS, RESOLVED, REOPENED, CLOSED],
        _ => vec![NEW, IN_PROGRESS, WAITING, RESOLVED, CLOSED],
    }
}

/// Creates a case from the portal or the console, with files attached to it.
pub async fn open_case(
    app: &App,
    actor: &Actor,
    data: Value,
    uploads: Vec<crate::files::Upload>,
) -> Result<Value> {
    records::create_with_files(app, actor, OBJECT, data, uploads, Vec::new()).await
}

/// What the new-case form offers the actor: services, and the agreements to choose from.
pub async fn form_options(
    app: &App,
    actor: &Actor,
) -> Result<(Vec<(String, String)>, AgreementChoice)> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let services = records::list_in(
        &mut tx,
        actor,
        "service",
        &records::ListRequest {
            limit: Some(200),
            sort: Some("name".into()),
            ..Default::default()
        },
    )
    .await
    .map(|page| {
        page.data
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or_default().to_owned(),
                    s["data"]["name"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    })
    .unwrap_or_default();
    let choice = agreements::options_for(app, &mut tx, actor.contact.as_deref()).await?;
    tx.finish_reading().await?;
    Ok((services, choice))
}

/// Assigns a case to an employee (who then owns it). Needs edit rights on the case.
pub async fn assign(app: &App, actor: &Actor, id: &str, assignee: users::UserId) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, case) =
        records::open_for(&mut tx, actor, OBJECT, id, Operation::Update, Level::Edit).await?;
    match users::storage::find(&mut tx, assignee).await? {
        Some(user) if user.kind == UserKind::Employee && user.deactivated_at.is_none() => {}
        _ => {
            return Err(Error::invalid_field(
                "assignee",
                crate::tr!("cases-assignee-not-active"),
            ));
        }
    }
    records::set_owner_unchecked(app, &mut tx, actor, &object, case.id, assignee).await?;
    tx.commit().await?;
    Ok(())
}
