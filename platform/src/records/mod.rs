//! The record store: every business entity (contact, account, case, a plugin's request) is an
//! object declared in a section manifest, and its rows are records with JSON field data plus the
//! system columns every object has. One set of rules (the four access gates, validation,
//! numbering, optimistic concurrency) serves all objects.

pub mod export;
pub mod feed;
pub mod folders;
pub mod hooks;
pub mod list_view;
pub mod manifest;
mod object_type;
mod query;
mod storage;
pub mod tags;
mod view;

pub use hooks::{Decision, NoRules, Save, SectionHooks, Widget};
pub use manifest::{AccessDefaults, LayoutManifest, RuleDefault, SectionManifest};
pub use object_type::{Catalog, Field, FieldKind, NumberTemplate, ObjectCode, ObjectType};
pub use query::{
    Condition, DEFAULT_PAGE, FolderScope, ListRequest, MAX_CONDITIONS, MAX_PAGE, TotalsRequest,
};
pub use view::{Columns, ListColumn, SYSTEM_FIELDS};

use std::{collections::BTreeMap, fmt, sync::Arc};

use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    access::{self, Actor, Capability, Level, Operation, records::Visibility},
    app::App,
    error::{Error, FieldErrors, Result},
    store::{Access, TenantTx, Timestamp, uuid_text_column},
    users::UserId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RecordId(Uuid);
uuid_text_column!(RecordId);

impl RecordId {
    fn new() -> Self {
        Self(Uuid::now_v7())
    }

    /// Parses an id from a URL; anything malformed is simply a record that does not exist.
    pub fn parse(s: &str) -> Result<Self> {
        Uuid::parse_str(s)
            .map(Self)
            .map_err(|_| Error::NotFound("record"))
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: RecordId,
    pub object: ObjectCode,
    pub number: String,
    pub version: i64,
    pub data: Map<String, Value>,
    pub owner: Option<UserId>,
    pub organization: Option<String>,
    pub created_by: UserId,
    pub created_at: Timestamp,
    pub modified_by: UserId,
    pub modified_at: Timestamp,
}

/// A page of records as the actor may see them (hidden columns removed).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page {
    pub data: Vec<Value>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Titles of the records the page's reference fields point to (those the actor may read).
    pub titles: BTreeMap<String, String>,
    /// How many records the whole list holds, when asked for (`count=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<Count>,
}

/// One of the tenant's objects, in its catalog as the actor's request found it.
pub fn object_type(actor: &Actor, object: &str) -> Result<Arc<ObjectType>> {
    actor
        .catalog
        .get(object)
        .cloned()
        .ok_or(Error::NotFound("object"))
}

/// A built-in object (every tenant has it), for the platform's own rules.
pub fn built_in(app: &App, object: &str) -> Result<Arc<ObjectType>> {
    app.catalog
        .get(object)
        .cloned()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("built-in object {object} is missing")))
}

/// Opens the object for `operation` (gates 1 and 2) and works out the actor's columns (gate 4).
fn open(actor: &Actor, object: &str, operation: Operation) -> Result<(Arc<ObjectType>, Columns)> {
    let object = object_type(actor, object)?;
    access::check(actor, Capability::Records(&object, operation))?;
    if operation != Operation::Read
        && let Some(reason) = actor.catalog.read_only_reason(object.code.as_str())
    {
        return Err(Error::Conflict(crate::tr!(
            "records-object-read-only",
            object = &object.plural,
            reason = reason
        )));
    }
    let columns = Columns::of(actor, &object);
    Ok((object, columns))
}

pub async fn list(app: &App, actor: &Actor, object: &str, request: &ListRequest) -> Result<Page> {
    // Refused and malformed requests are answered before a connection is taken.
    let listing = Listing::of(actor, object, request)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let page = listing.fetch(&mut tx, actor).await?;
    tx.finish_reading().await?;
    Ok(page)
}

/// How many records a list holds (its filters, search and folder; not its page): exact up to
/// [`COUNT_CAP`], else "more than".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub records: u64,
    pub more: bool,
}

/// Lists longer than this are counted as "more than 1,000": counting further costs time (a
/// filter is checked on every record counted) and tells a person nothing more.
pub const COUNT_CAP: u64 = 1_000;

impl Count {
    /// The count SQL answers when asked to count at most [`Count::SQL_CAP`] rows.
    pub const SQL_CAP: i64 = COUNT_CAP as i64;

    pub fn of(counted: i64) -> Self {
        let n = u64::try_from(counted).unwrap_or_default();
        Self {
            records: n.min(COUNT_CAP),
            more: n > COUNT_CAP,
        }
    }

    /// The count a page tells by itself, without counting: a first page with no next one holds
    /// the whole list.
    pub fn of_whole_page(first_page: bool, rows: usize, more_pages: bool) -> Option<Self> {
        (first_page && !more_pages).then(|| Self::of(i64::try_from(rows).unwrap_or(i64::MAX)))
    }
}

/// [`list`] with how many records the whole list holds, read in the same transaction.
pub async fn list_counted(
    app: &App,
    actor: &Actor,
    object: &str,
    request: &ListRequest,
) -> Result<(Page, Count)> {
    let listing = Listing::of(actor, object, request)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let counted = counted(&mut tx, actor, listing).await?;
    tx.finish_reading().await?;
    Ok(counted)
}

/// What a list page shows, read in one transaction.
#[derive(Debug)]
pub struct ListPage {
    /// The page and how many records the list holds, or why the request lists nothing.
    pub listed: Result<(Page, Count)>,
    /// The columns the reader chose for this list, else the object's default ones.
    pub columns: Vec<ListColumn>,
    /// The list's folders the reader sees.
    pub folders: Vec<folders::Folder>,
}

/// A list page: [`list_counted`] of `request` (in the folder `folder`, if given), with the
/// reader's columns and folders, in one transaction.
pub async fn list_page(
    app: &App,
    actor: &Actor,
    object: &str,
    mut request: ListRequest,
    folder: Option<&str>,
) -> Result<ListPage> {
    let (object_type, columns) = open(actor, object, Operation::Read)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let (folders, scope) = folders::for_list(&mut tx, actor, &object_type, folder).await?;
    request.folder = scope.or(request.folder);
    let columns = list_view::columns_in(&mut tx, actor, &object_type, &columns).await?;
    let listed = match Listing::of(actor, object, &request) {
        Ok(listing) => counted(&mut tx, actor, listing).await,
        Err(refused) => Err(refused),
    };
    // A list cut off for its time leaves the transaction aborted: it ends here, unused again.
    if listed.is_ok() {
        tx.finish_reading().await?;
    }
    Ok(ListPage {
        listed,
        columns,
        folders,
    })
}

/// A page of `listing` and how many records the whole list holds.
async fn counted(tx: &mut TenantTx, actor: &Actor, listing: Listing) -> Result<(Page, Count)> {
    let page = listing.fetch(tx, actor).await?;
    let whole = Count::of_whole_page(
        listing.plan.is_first_page(),
        page.data.len(),
        page.next_cursor.is_some(),
    );
    let count = match whole {
        Some(count) => count,
        None => listing.count(tx, actor).await?,
    };
    Ok((page, count))
}

/// How many records the list `request` describes holds (as far as [`COUNT_CAP`]), in the
/// caller's transaction.
pub(crate) async fn count_in(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &str,
    request: &ListRequest,
) -> Result<Count> {
    Listing::of(actor, object, request)?.count(tx, actor).await
}

/// [`list`] inside a transaction the caller reads more in.
pub(crate) async fn list_in(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &str,
    request: &ListRequest,
) -> Result<Page> {
    Listing::of(actor, object, request)?.fetch(tx, actor).await
}

/// One group of [`Totals`]: the field's value (a date's month; none: the records without one, or
/// all records when nothing groups them), as the reader sees it, how many and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Total {
    pub key: Option<String>,
    pub shown: Option<String>,
    pub count: u64,
    pub sum: Option<f64>,
}

/// What [`totals`] found, biggest group first (months in order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub groups: Vec<Total>,
    /// The list holds more than [`TOTALS_CAP`] records: the totals are of the first that many.
    pub capped: bool,
    pub by_month: bool,
}

/// How many records a chart or metric adds up at most: each is read, so a widget costs the
/// same in a tenant of any size.
pub const TOTALS_CAP: i64 = 10_000;

/// Checks a list request as [`list`] would, without reading anything.
pub fn check_list(actor: &Actor, object: &str, request: &ListRequest) -> Result<()> {
    Listing::of(actor, object, request).map(drop)
}

/// Checks a totals request as [`totals`] would, without reading anything.
pub fn check_totals(actor: &Actor, object: &str, request: &TotalsRequest) -> Result<()> {
    let (object, columns) = open(actor, object, Operation::Read)?;
    query::TotalsPlan::parse(&object, &columns, request).map(drop)
}

/// Counts (or sums a number field of) the records of `object` the actor may read that match
/// the request's filters, per value of its group field.
pub async fn totals(
    app: &App,
    actor: &Actor,
    object: &str,
    request: &TotalsRequest,
) -> Result<Totals> {
    let (object, columns) = open(actor, object, Operation::Read)?;
    let plan = query::TotalsPlan::parse(&object, &columns, request)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    // Totals read every record the reader may see that the filters keep.
    tx.bound_list_reads().await?;
    let sql = plan.sql(
        tx.dialect(),
        tx.tenant_param(),
        object.code.as_str(),
        &Visibility::of(actor),
        TOTALS_CAP,
    )?;
    let mut groups = Vec::new();
    let mut counted: i64 = 0;
    for row in sql.fetch_all(tx.conn()).await? {
        use sqlx::Row;
        let key: Option<String> = row.try_get("g")?;
        let count: i64 = row.try_get("n")?;
        counted += count;
        groups.push(Total {
            key: key.filter(|k| !k.is_empty()),
            shown: None,
            count: u64::try_from(count).unwrap_or_default(),
            sum: match plan.has_sum() {
                true => Some(row.try_get::<Option<f64>, _>("s")?.unwrap_or_default()),
                false => None,
            },
        });
    }
    // A reference is shown by its record's title, if the reader may read that record.
    if let Some(target) = request
        .group
        .as_deref()
        .and_then(|g| object.field(g))
        .and_then(|f| f.reference.as_ref())
        .and_then(|t| object_type(actor, t.as_str()).ok())
    {
        let wanted = groups
            .iter()
            .filter_map(|g| g.key.as_deref())
            .map(|k| (k, target.clone()))
            .collect();
        let titles = titles_of(&mut tx, actor, wanted).await?;
        for group in &mut groups {
            group.shown = group.key.as_ref().and_then(|k| titles.get(k).cloned());
        }
    } else if let Some(field) = request.group.as_deref().filter(|_| !plan.by_month) {
        for group in &mut groups {
            group.shown = group
                .key
                .as_deref()
                .map(|k| crate::i18n::value_label(object.code.as_str(), field, k));
        }
    } else {
        for group in &mut groups {
            group.shown = group.key.clone();
        }
    }
    if plan.by_month {
        groups.sort_by(|a, b| a.key.cmp(&b.key));
    } else {
        let size = |t: &Total| t.sum.unwrap_or(t.count as f64);
        groups.sort_by(|a, b| size(b).total_cmp(&size(a)).then(a.key.cmp(&b.key)));
    }
    Ok(Totals {
        groups,
        capped: counted > TOTALS_CAP,
        by_month: plan.by_month,
    })
}

/// A list page the actor may ask for, checked and planned.
struct Listing {
    object: Arc<ObjectType>,
    columns: Columns,
    plan: query::ListPlan,
}

impl Listing {
    async fn count(&self, tx: &mut TenantTx, actor: &Actor) -> Result<Count> {
        self.bound(tx).await?;
        let sql = self.plan.count_sql(
            tx.dialect(),
            tx.tenant_param(),
            self.object.code.as_str(),
            &Visibility::of(actor),
            Count::SQL_CAP,
        )?;
        let row = sql
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("COUNT answered no row")))?;
        Ok(Count::of(sqlx::Row::try_get(&row, "n")?))
    }

    /// Bounds the time of the list's further statements when they may read every record the
    /// reader can see (those of a newest-first list read no more than a page, or the count's
    /// cap, of index entries, and are left without the round trip).
    async fn bound(&self, tx: &mut TenantTx) -> Result<()> {
        if !self.plan.is_newest_first() {
            tx.bound_list_reads().await?;
        }
        Ok(())
    }

    fn of(actor: &Actor, object: &str, request: &ListRequest) -> Result<Self> {
        let (object, columns) = open(actor, object, Operation::Read)?;
        let plan = query::ListPlan::parse(&object, &columns, request)?;
        Ok(Self {
            object,
            columns,
            plan,
        })
    }

    async fn fetch(&self, tx: &mut TenantTx, actor: &Actor) -> Result<Page> {
        let Self {
            object,
            columns,
            plan,
        } = self;
        let select = storage::select_columns(tx.dialect());
        let visibility = Visibility::of(actor);
        let (dialect, tenant, code) = (tx.dialect(), tx.tenant_param(), object.code.as_str());
        let full_page = |records: &Vec<Record>| records.len() > plan.limit as usize;
        // Looked for among the reader's newest records first: at most a few pages read.
        let mut records = match plan.newest_visible_sql(dialect, &select, tenant, code, &visibility)
        {
            Some(sql) => storage::fetch(tx, sql?).await?,
            None => Vec::new(),
        };
        if !full_page(&records) {
            self.bound(tx).await?;
            let sql = plan.sql(dialect, &select, tenant, code, &visibility)?;
            records = storage::fetch(tx, sql).await?;
        }
        let next_cursor = if full_page(&records) {
            records.truncate(plan.limit as usize);
            records.last().map(|r| plan.cursor_after(r))
        } else {
            None
        };
        let titles = reference_titles(tx, actor, object, columns, &records).await?;
        Ok(Page {
            data: records
                .into_iter()
                .map(|r| columns.render_owned(r))
                .collect(),
            next_cursor,
            titles,
            count: None,
        })
    }
}

/// A record the actor may read, as they may see it.
/// Records a reference field may be set to, as (id, title): those of the target the actor may
/// read, as [`list`] finds them. `more`: the request's page was not the last.
#[derive(Debug, Default)]
pub struct Pickable {
    pub choices: Vec<(String, String)>,
    pub more: bool,
}

pub async fn pickable(
    app: &App,
    actor: &Actor,
    object: &str,
    request: &ListRequest,
) -> Result<Pickable> {
    let target = object_type(actor, object)?;
    let page = list(app, actor, object, request).await?;
    let choices = page
        .data
        .iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap_or_default().to_owned();
            (id, title_in(&target, r))
        })
        .collect();
    Ok(Pickable {
        choices,
        more: page.next_cursor.is_some(),
    })
}

/// How a record (as [`get`] or [`list`] render it) is named: its title field, else its number.
fn title_in(object: &ObjectType, record: &Value) -> String {
    object
        .title_field
        .as_ref()
        .and_then(|t| record["data"][t].as_str())
        .or(record["number"].as_str())
        .or(record["id"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// [`title_in`] for a record of the object `object`.
pub fn title_of(actor: &Actor, object: &str, record: &Value) -> String {
    object_type(actor, object).map_or_else(|_| String::new(), |o| title_in(&o, record))
}

/// The records of `object` whose title (else number) contains `typed`, or is exactly `typed`:
/// ten for a picker's list, two for telling whether a typed title names one record.
pub fn picker_request(
    actor: &Actor,
    object: &str,
    typed: &str,
    exact: bool,
) -> Result<ListRequest> {
    let target = object_type(actor, object)?;
    let by = target.title_field.as_deref().unwrap_or("number");
    let op = if exact { "eq" } else { "contains" };
    Ok(ListRequest {
        limit: Some(if exact { 2 } else { 10 }),
        cursor: None,
        sort: Some(by.to_owned()),
        filters: if typed.is_empty() {
            Vec::new()
        } else {
            vec![format!("{by}:{op}:{typed}")]
        },
        ..Default::default()
    })
}

pub async fn get(app: &App, actor: &Actor, object: &str, id: &str) -> Result<Value> {
    let (object, columns) = open(actor, object, Operation::Read)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let record = read(&mut tx, actor, &object, id, Level::Read).await?;
    tx.finish_reading().await?;
    Ok(columns.render(&record))
}

/// Loads a record the actor holds `needed` on (gate 3); one they cannot read does not exist.
async fn read(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    id: RecordId,
    needed: Level,
) -> Result<Record> {
    let record = storage::find(tx, &object.code, id)
        .await?
        .ok_or(Error::NotFound("record"))?;
    access::records::require(tx, actor, &object.code, id, needed).await?;
    Ok(record)
}

pub async fn create(app: &App, actor: &Actor, object: &str, data: Value) -> Result<Value> {
    create_with_files(app, actor, object, data, Vec::new(), Vec::new()).await
}

/// Files for a record's file fields, by field name.
pub type FieldFiles = Vec<(String, crate::files::Upload)>;

/// Creates a record with files attached (`uploads`) and files in its file fields, all or
/// nothing: the files are checked before anything is written, and the record and its files'
/// metadata are written in one transaction.
pub async fn create_with_files(
    app: &App,
    actor: &Actor,
    object: &str,
    data: Value,
    uploads: Vec<crate::files::Upload>,
    field_files: FieldFiles,
) -> Result<Value> {
    let (object, columns) = open(actor, object, Operation::Create)?;
    crate::files::check(&uploads, app.config.max_attachment_bytes)?;
    let mut data = into_fields(data)?;
    columns.check_writes(&object, data.keys())?;
    let supplied = data.clone();
    let placed = place_field_files(app, &object, &columns, &mut data, field_files)?;
    let hooks = actor.catalog.hooks(&object);
    let save = Save {
        app,
        actor,
        object: &object,
        previous: None,
    };
    hooks.prepare(save, &mut data).await?;
    keep_status(&object, &mut data, None)?;
    // What only reads (sections filling the record from lookups, the references' checks)
    // happens before the write: on SQLite, writers take turns, and each turn stays short.
    let mut read = app.db.begin(actor.tenant.id, Access::Read).await?;
    hooks.before_save(save, &mut read, &mut data).await?;
    object.validate(&data).map_err(Error::invalid_fields)?;
    check_references(&mut read, actor, &object, &data, &supplied).await?;
    check_file_fields(&mut read, &object, None, &supplied).await?;
    let template = number_template(&mut read, &object).await?;
    drop(read);
    let ahead = number_ahead(app, actor, &object).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    check_parents_open(&mut tx, actor, &object, &[&data]).await?;
    let n = match ahead {
        Some(n) => n,
        None => storage::next_counter(&mut tx, &counter_of(&object)).await?,
    };
    let number = number_from(template, &object, n);
    let organization = actor.organization.map(|o| o.to_string());
    let record = insert_numbered(app, &mut tx, actor, &object, &data, organization, number).await?;
    let mut named = placed;
    named.extend(uploads.into_iter().map(|u| (crate::files::new_id(), u)));
    let staged = if named.is_empty() {
        None
    } else {
        let owner = crate::files::record_owner(object.code.as_str());
        let id = record.id.to_string();
        Some(
            crate::files::attach_as(app, &mut tx, actor, &owner, &id, named)
                .await?
                .1,
        )
    };
    tx.commit().await?;
    if let Some(staged) = staged {
        staged.keep();
    }
    hooks.after_commit(save, &record).await?;
    Ok(columns.render(&record))
}

/// Inserts a validated record with its number and initial rights, in the caller's transaction.
pub(crate) async fn insert(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    data: &Map<String, Value>,
) -> Result<Record> {
    let organization = actor.organization.map(|o| o.to_string());
    insert_for(app, tx, actor, object, data, organization).await
}

/// [`insert`] of a record that belongs to `organization` rather than the actor's (what an
/// employee opens for a partner, which counts as the partner's).
pub(crate) async fn insert_for(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    data: &Map<String, Value>,
    organization: Option<String>,
) -> Result<Record> {
    let number = draw_number(tx, object).await?;
    insert_numbered(app, tx, actor, object, data, organization, number).await
}

/// The next number of `object`'s records in the tenant. The counter's row stays locked until
/// `tx` ends: concurrent writers of the tenant wait for it there.
async fn draw_number(tx: &mut TenantTx, object: &ObjectType) -> Result<String> {
    let template = number_template(tx, object).await?;
    let n = storage::next_counter(tx, &counter_of(object)).await?;
    Ok(number_from(template, object, n))
}

fn counter_of(object: &ObjectType) -> String {
    format!("number:{}", object.code)
}

fn number_from(template: Option<NumberTemplate>, object: &ObjectType, n: i64) -> String {
    match template {
        Some(template) => template.format(n),
        None => object.number.format(n),
    }
}

/// On PostgreSQL, the counter of a new record's number, drawn before the record's write and
/// apart from it: drawn in the write, the counter's row stays locked to the end of it, and one
/// tenant's concurrent writers queue there (16 writers of one tenant made a case submission's p99
/// six times its p50). A write that fails afterwards leaves a gap in the numbers. SQLite's
/// writers take turns anyway: there it is drawn in the write (`None`).
async fn number_ahead(app: &App, actor: &Actor, object: &ObjectType) -> Result<Option<i64>> {
    Ok(match app.db.dialect() {
        crate::store::Dialect::Postgres => {
            Some(storage::next_counter_alone(&app.db, actor.tenant.id, &counter_of(object)).await?)
        }
        crate::store::Dialect::Sqlite => None,
    })
}

/// [`insert_for`] with the number drawn already.
async fn insert_numbered(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    data: &Map<String, Value>,
    organization: Option<String>,
    number: String,
) -> Result<Record> {
    let record = storage::insert(
        tx,
        storage::NewRecord {
            object: &object.code,
            number,
            data,
            author: actor.user,
            organization,
            now: app.clock.now(),
        },
    )
    .await?;
    access::records::grant_on_create(tx, actor, &object.code, record.id).await?;
    let save = Save {
        app,
        actor,
        object,
        previous: None,
    };
    actor
        .catalog
        .hooks(object)
        .after_save(save, tx, &record)
        .await?;
    Ok(record)
}

/// Applies `changes` (a JSON merge patch of the fields: `null` clears a field) to the record, if
/// it is still at `version`; otherwise the caller learns someone else changed it first.
pub async fn update(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    version: i64,
    changes: Value,
) -> Result<Value> {
    update_with_files(app, actor, object, id, version, changes, Vec::new()).await
}

/// [`update`] with new files for file fields, stored with the record in the same write.
pub async fn update_with_files(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    version: i64,
    changes: Value,
    field_files: FieldFiles,
) -> Result<Value> {
    let (object, columns) = open(actor, object, Operation::Update)?;
    let id = RecordId::parse(id)?;
    let mut changes = into_fields(changes)?;
    columns.check_writes(&object, changes.keys())?;
    let supplied = changes.clone();
    let placed = place_field_files(app, &object, &columns, &mut changes, field_files)?;
    let merged = |current: &Record| {
        let mut data = current.data.clone();
        for (field, value) in changes.clone() {
            match value {
                Value::Null => data.remove(&field),
                value => data.insert(field, value),
            };
        }
        data
    };
    let hooks = actor.catalog.hooks(&object);
    let save = Save {
        app,
        actor,
        object: &object,
        previous: None,
    };
    // A section that prepares saves outside the transaction does it on the version being
    // changed; the version check below makes sure it is still the current one.
    let prepared = if hooks.prepares() {
        let mut read_tx = app.db.begin(actor.tenant.id, Access::Read).await?;
        let current = read(&mut read_tx, actor, &object, id, Level::Edit).await?;
        drop(read_tx);
        let mut data = merged(&current);
        hooks
            .prepare(
                Save {
                    previous: Some(&current),
                    ..save
                },
                &mut data,
            )
            .await?;
        Some(data)
    } else {
        None
    };
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let current = read(&mut tx, actor, &object, id, Level::Edit).await?;
    // What the record's status lets people change (a new file included); a value sent as it is
    // changes nothing. Checked before the version: a page opened before the record moved on
    // learns what no reload would let it change.
    let changed = changes
        .iter()
        .filter(|(field, value)| current.data.get(*field).unwrap_or(&Value::Null) != *value)
        .map(|(field, _)| field);
    columns
        .in_status(&object, &current.data)
        .check_writes(&object, changed)?;
    if current.version != version {
        return Err(stale(current.version));
    }
    let mut data = prepared.unwrap_or_else(|| merged(&current));
    check_parents_open(&mut tx, actor, &object, &[&current.data, &data]).await?;
    keep_status(&object, &mut data, Some(&current))?;
    let save = Save {
        previous: Some(&current),
        ..save
    };
    hooks.before_save(save, &mut tx, &mut data).await?;
    object.validate(&data).map_err(Error::invalid_fields)?;
    check_references(&mut tx, actor, &object, &data, &supplied).await?;
    check_file_fields(&mut tx, &object, Some(id), &supplied).await?;
    // Nothing changes: no new version, nobody told.
    if data == current.data {
        return Ok(columns.render(&current));
    }
    let staged = if placed.is_empty() {
        None
    } else {
        let owner = crate::files::record_owner(object.code.as_str());
        let (_, staged) =
            crate::files::attach_as(app, &mut tx, actor, &owner, &id.to_string(), placed).await?;
        Some(staged)
    };
    let updated = storage::update(
        &mut tx,
        &object.code,
        id,
        version,
        &data,
        actor.user,
        app.clock.now(),
    )
    .await?
    .ok_or_else(|| stale(version))?;
    hooks.after_save(save, &mut tx, &updated).await?;
    tx.commit().await?;
    if let Some(staged) = staged {
        staged.keep();
    }
    hooks.after_commit(save, &updated).await?;
    Ok(columns.render(&updated))
}

/// Saves keep a record's status: a new record starts in the initial status, and only actions move
/// it afterwards.
fn keep_status(
    object: &ObjectType,
    data: &mut Map<String, Value>,
    previous: Option<&Record>,
) -> Result<()> {
    let Some(initial) = object.initial_status() else {
        return Ok(());
    };
    match previous {
        None => {
            if let Some(asked) = data.get("status").and_then(Value::as_str)
                && asked != initial
            {
                return Err(Error::invalid_field(
                    "status",
                    crate::tr!("records-starts-as", status = initial),
                ));
            }
            data.insert("status".into(), Value::String(initial.to_owned()));
        }
        Some(previous) => {
            if data.get("status") != previous.data.get("status") {
                return Err(Error::Conflict(crate::tr!("records-status-only-actions")));
            }
        }
    }
    Ok(())
}

fn stale(current: i64) -> Error {
    Error::Conflict(crate::tr!("records-stale", version = current))
}

pub async fn delete(app: &App, actor: &Actor, object: &str, id: &str) -> Result<()> {
    let (object, _) = open(actor, object, Operation::Delete)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let record = read(&mut tx, actor, &object, id, Level::Delete).await?;
    check_parents_open(&mut tx, actor, &object, &[&record.data]).await?;
    if !storage::soft_delete(&mut tx, &object.code, id, actor.user, app.clock.now()).await? {
        return Err(Error::NotFound("record"));
    }
    access::records::forget(&mut tx, &object.code, id).await?;
    let save = Save {
        app,
        actor,
        object: &object,
        previous: Some(&record),
    };
    actor
        .catalog
        .hooks(&object)
        .after_delete(save, &mut tx, &record)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts each of `files` in its file field of `data` under the id its attachment will have, and
/// returns them with those ids; every field must be a file field the actor may write, and every
/// file acceptable, before anything else happens.
fn place_field_files(
    app: &App,
    object: &ObjectType,
    columns: &Columns,
    data: &mut Map<String, Value>,
    files: FieldFiles,
) -> Result<Vec<(String, crate::files::Upload)>> {
    let mut placed = Vec::with_capacity(files.len());
    for (field, upload) in files {
        if !object.field(&field).is_some_and(Field::is_file) {
            return Err(Error::invalid_field(
                &field,
                crate::tr!("records-not-a-file-field"),
            ));
        }
        columns.check_writes(object, [&field])?;
        crate::files::check(
            std::slice::from_ref(&upload),
            app.config.max_attachment_bytes,
        )
        .map_err(|e| e.for_field(&field))?;
        let id = crate::files::new_id();
        data.insert(field, Value::String(id.clone()));
        placed.push((id, upload));
    }
    Ok(placed)
}

/// File fields someone set through the API name a file already attached to this record (a new
/// record has none yet: its files come with it, through a form).
async fn check_file_fields(
    tx: &mut TenantTx,
    object: &ObjectType,
    record: Option<RecordId>,
    supplied: &Map<String, Value>,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    for field in object.fields.iter().filter(|f| f.is_file()) {
        let Some(Value::String(id)) = supplied.get(&field.name) else {
            continue;
        };
        let attached = match record {
            Some(record) => crate::files::find(tx, id).await?.is_some_and(|(a, _)| {
                a.owner_kind == crate::files::record_owner(object.code.as_str())
                    && a.owner_id == record.to_string()
            }),
            None => false,
        };
        if !attached {
            errors
                .entry(field.name.clone())
                .or_default()
                .push(crate::tr!("records-file-not-attached"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// A detail (a line of an order) is written by people only while its parent's status lets them
/// change it: an approved order keeps its lines. `versions` of the detail (before and after a
/// change) may name two parents; each is read once.
async fn check_parents_open(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    versions: &[&Map<String, Value>],
) -> Result<()> {
    let Some((parent, field)) = actor.catalog.parent_of(object.code.as_str()) else {
        return Ok(());
    };
    let mut ids: Vec<RecordId> = versions
        .iter()
        .filter_map(|data| data.get(field).and_then(Value::as_str))
        .filter_map(|id| RecordId::parse(id).ok())
        .collect();
    ids.dedup();
    for id in ids {
        let Some(record) = find_unchecked(tx, parent, id).await? else {
            continue;
        };
        if let Some(status) = parent.status_of(&record.data).filter(|s| s.locks_all()) {
            return Err(Error::Forbidden(crate::tr!(
                "records-detail-locked",
                parent = parent.title_shown(),
                number = &record.number,
                status = parent.status_shown(status)
            )));
        }
    }
    Ok(())
}

fn into_fields(data: Value) -> Result<Map<String, Value>> {
    match data {
        Value::Object(map) => Ok(map),
        _ => Err(Error::invalid_field(
            "data",
            crate::tr!("records-must-be-object"),
        )),
    }
}

/// Reference fields the actor supplied must name a live record of their object in this tenant
/// that the actor may read (otherwise one could probe for ids they cannot see). References a
/// section's rules filled in, or that the section checks itself, are its responsibility.
async fn check_references(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    data: &Map<String, Value>,
    supplied: &Map<String, Value>,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    for field in &object.fields {
        let (Some(target), Some(Value::String(id))) = (&field.reference, data.get(&field.name))
        else {
            continue;
        };
        if supplied.get(&field.name) != data.get(&field.name)
            || actor
                .catalog
                .hooks(object)
                .checks_own_reference(object.code.as_str(), &field.name)
        {
            continue;
        }
        let readable = match RecordId::parse(id) {
            Ok(id) => {
                storage::exists(tx, target, id).await?
                    && access::records::level(tx, actor, target, id)
                        .await?
                        .is_some()
            }
            Err(_) => false,
        };
        if !readable {
            errors
                .entry(field.name.clone())
                .or_default()
                .push(crate::tr!(
                    "records-no-target-with-id",
                    object = target.to_string()
                ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// Changes fields of a record in the caller's transaction, without the record gates: for
/// services that authorised the whole action themselves (an organization's administrator
/// editing its profile). Validation and concurrency still apply.
pub(crate) async fn patch_unchecked(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    id: RecordId,
    changes: Map<String, Value>,
) -> Result<Record> {
    let current = storage::find(tx, &object.code, id)
        .await?
        .ok_or(Error::NotFound("record"))?;
    patch_read(app, tx, actor, object, current, changes).await
}

/// [`patch_unchecked`] of the record as the caller read it (and decided on): refused as stale
/// when it changed since, so that two transactions that both read one version cannot both
/// write over it (PostgreSQL lets the second read the first's commit).
pub(crate) async fn patch_read(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    current: Record,
    changes: Map<String, Value>,
) -> Result<Record> {
    let id = current.id;
    let mut data = current.data;
    for (field, value) in changes {
        match value {
            Value::Null => data.remove(&field),
            value => data.insert(field, value),
        };
    }
    object.validate(&data).map_err(Error::invalid_fields)?;
    storage::update(
        tx,
        &object.code,
        id,
        current.version,
        &data,
        actor.user,
        app.clock.now(),
    )
    .await?
    .ok_or_else(|| stale(current.version))
}

/// Deletes a record without the record gates (see [`patch_unchecked`]).
pub(crate) async fn delete_unchecked(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    id: RecordId,
) -> Result<()> {
    if !storage::soft_delete(tx, &object.code, id, actor.user, app.clock.now()).await? {
        return Err(Error::NotFound("record"));
    }
    access::records::forget(tx, &object.code, id).await
}

/// A live record by id, without the record gates (see [`patch_unchecked`]).
pub(crate) async fn find_unchecked(
    tx: &mut TenantTx,
    object: &ObjectType,
    id: RecordId,
) -> Result<Option<Record>> {
    Ok(storage::find(tx, &object.code, id).await?)
}

/// Live records whose `field` equals `value`, without the record gates (an organization's
/// addresses), oldest first.
pub(crate) async fn find_by_field_unchecked(
    tx: &mut TenantTx,
    object: &ObjectType,
    field: &str,
    value: &str,
) -> Result<Vec<Record>> {
    let mut sql = crate::store::Sql::new("SELECT ");
    sql.push_built(&storage::select_columns(tx.dialect()))
        .push(" FROM records r WHERE r.tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND r.object = ")
        .push_name(object.code.as_str())
        .push(" AND r.deleted_at IS NULL AND r.data->>")
        .push_name(field)
        .push(" = ")
        .bind(value.to_owned())
        .push(" ORDER BY r.id");
    Ok(storage::fetch(tx, sql).await?)
}

/// Which records of an organization a tally counts: those of `object` it created from `from`
/// until before `until` (dates or times as stored), in `status` and with `flag` true when given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally<'a> {
    pub object: &'a ObjectType,
    pub organization: &'a str,
    pub from: &'a str,
    pub until: &'a str,
    pub status: Option<&'a str>,
    pub flag: Option<&'a str>,
}

impl Tally<'_> {
    /// How many records match, and the sum of the number field `sum` over them (the tally of an
    /// organization's work, without the record gates: the caller decides who learns it).
    pub(crate) async fn count_and_sum(self, tx: &mut TenantTx, sum: &str) -> Result<(i64, f64)> {
        let dialect = tx.dialect();
        let (open, close) = dialect.json_field(FieldKind::Number);
        let mut sql = crate::store::Sql::new("SELECT COUNT(*), CAST(COALESCE(SUM(");
        sql.push(open)
            .push_name(sum)
            .push(close)
            .push("), 0) AS DOUBLE PRECISION) FROM records r WHERE r.tenant_id = ")
            .bind(tx.tenant_param())
            .push(" AND r.object = ")
            .push_name(self.object.code.as_str())
            .push(" AND r.organization_id = ")
            .bind(self.organization.to_owned())
            .push(" AND r.deleted_at IS NULL AND r.created_at >= ")
            .bind(self.from.to_owned())
            .push(" AND r.created_at < ")
            .bind(self.until.to_owned());
        if let Some(status) = self.status {
            sql.push(" AND r.data->>'status' = ")
                .bind(status.to_owned());
        }
        if let Some(flag) = self.flag {
            let (open, close) = dialect.json_field(FieldKind::Boolean);
            sql.push(" AND ")
                .push(open)
                .push_name(flag)
                .push(close)
                .push(" = TRUE");
        }
        let row = sql.build()?.fetch_one(tx.conn()).await?;
        use sqlx::Row;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}

/// Who holds which right on a record (for people who may edit it).
pub async fn rights(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
) -> Result<Vec<access::records::RecordRight>> {
    let (object, _) = open(actor, object, Operation::Read)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read(&mut tx, actor, &object, id, Level::Read).await?;
    access::records::rights(&mut tx, actor, &object.code, id).await
}

/// Shares a record with a role or user at `level` (the sharer needs edit rights).
pub async fn share(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    grantee: &str,
    level: Level,
) -> Result<()> {
    let (object, _) = open(actor, object, Operation::Update)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    read(&mut tx, actor, &object, id, Level::Read).await?;
    let grantee = access::config::grantee_key(&mut tx, &actor.policy, grantee).await?;
    access::records::share(&mut tx, actor, &object.code, id, &grantee, level).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "record.share",
        format!("record:{}:{id}", object.code),
        None,
        Some(serde_json::json!({ "grantee": grantee, "level": level })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn unshare(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    grantee: &str,
) -> Result<()> {
    let (object, _) = open(actor, object, Operation::Update)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    read(&mut tx, actor, &object, id, Level::Read).await?;
    access::records::unshare(&mut tx, actor, &object.code, id, grantee).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "record.unshare",
        format!("record:{}:{id}", object.code),
        Some(serde_json::json!({ "grantee": grantee })),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A record with what the actor may do to it, for record pages.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    /// The record as the actor may see it.
    pub record: Value,
    /// Titles of the records its reference fields point to.
    pub titles: BTreeMap<String, String>,
    pub can_update: bool,
    pub can_delete: bool,
    /// May see and change who the record is shared with.
    pub can_share: bool,
    /// Why nobody may change records of this object now (the tenant is beyond its limits).
    pub read_only_reason: Option<String>,
}

pub async fn open_record(app: &App, actor: &Actor, object: &str, id: &str) -> Result<Opened> {
    let read_only_reason = read_only_reason(actor, object);
    let (object, columns) = open(actor, object, Operation::Read)?;
    let id = RecordId::parse(id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let record = read(&mut tx, actor, &object, id, Level::Read).await?;
    let level = access::records::level(&mut tx, actor, &object.code, id)
        .await?
        .map(|(l, _)| l);
    let may = |op: Operation, needed: Level| {
        read_only_reason.is_none()
            && access::object_gates(actor, &object, op).is_ok()
            && level.is_some_and(|l| l >= needed)
    };
    let titles = reference_titles(
        &mut tx,
        actor,
        &object,
        &columns,
        std::slice::from_ref(&record),
    )
    .await?;
    tx.finish_reading().await?;
    Ok(Opened {
        titles,
        record: columns.render(&record),
        can_update: may(Operation::Update, Level::Edit),
        can_delete: may(Operation::Delete, Level::Delete),
        can_share: may(Operation::Update, Level::Edit),
        read_only_reason,
    })
}

/// Why records of `object` cannot be changed now, if they cannot (see `Catalog::set_read_only`).
pub fn read_only_reason(actor: &Actor, object: &str) -> Option<String> {
    actor.catalog.read_only_reason(object).map(str::to_owned)
}

/// Titles (the target's title field, else its number) of the records that the visible reference
/// fields of `records` point to, restricted to those the actor may read: one statement for all.
async fn reference_titles(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    columns: &Columns,
    records: &[Record],
) -> Result<BTreeMap<String, String>> {
    // Which object each id must be of: a reference never shows a record of another object.
    let mut wanted: BTreeMap<&str, Arc<ObjectType>> = BTreeMap::new();
    for field in object.fields.iter().filter(|f| columns.visible(&f.name)) {
        let Some(target) = field
            .reference
            .as_ref()
            .and_then(|t| object_type(actor, t.as_str()).ok())
        else {
            continue;
        };
        for record in records {
            if let Some(Value::String(id)) = record.data.get(&field.name) {
                wanted.insert(id, target.clone());
            }
        }
    }
    titles_of(tx, actor, wanted).await
}

/// The titles (else numbers) of the records `wanted` names, each of the object given, that the
/// actor may read.
async fn titles_of(
    tx: &mut TenantTx,
    actor: &Actor,
    wanted: BTreeMap<&str, Arc<ObjectType>>,
) -> Result<BTreeMap<String, String>> {
    if wanted.is_empty() {
        return Ok(BTreeMap::new());
    }
    let targets: BTreeMap<&str, &ObjectType> =
        wanted.values().map(|t| (t.code.as_str(), &**t)).collect();
    let dialect = tx.dialect();
    let mut sql = crate::store::Sql::new("SELECT r.object, r.id, r.number, CASE r.object");
    for (code, target) in &targets {
        sql.push(" WHEN ").bind((*code).to_owned()).push(" THEN ");
        match &target.title_field {
            Some(title) => sql.push("r.data->>").push_name(title),
            None => sql.push("NULL"),
        };
    }
    sql.push(" END AS title FROM records r WHERE r.tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND r.object IN (");
    for (i, code) in targets.keys().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push_name(code);
    }
    sql.push(") AND r.id")
        .one_of(dialect, &wanted.keys().copied().collect::<Vec<_>>())
        .push(" AND r.deleted_at IS NULL");
    Visibility::of(actor).push_probe(&mut sql);
    let mut titles = BTreeMap::new();
    for row in sql.fetch_all(tx.conn()).await? {
        use sqlx::Row;
        let (object, id): (String, String) = (row.try_get("object")?, row.try_get("id")?);
        if wanted
            .get(id.as_str())
            .is_some_and(|t| t.code.as_str() == object)
        {
            let title: Option<String> = row.try_get("title")?;
            titles.insert(id, title.map_or_else(|| row.try_get("number"), Ok)?);
        }
    }
    Ok(titles)
}

/// Opens a record for an action a section defines (cancel a case, post a message): gates 1 and
/// 2 for `operation`, gate 3 for `level`, in the caller's transaction.
pub(crate) async fn open_for(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &str,
    id: &str,
    operation: Operation,
    level: Level,
) -> Result<(Arc<ObjectType>, Record)> {
    let (object, _) = open(actor, object, operation)?;
    let id = RecordId::parse(id)?;
    let record = read(tx, actor, &object, id, level).await?;
    Ok((object, record))
}

/// Every live record of a small object (lookups such as service agreements), without the record
/// gates, oldest first.
pub(crate) async fn list_all_unchecked(
    tx: &mut TenantTx,
    object: &ObjectType,
) -> Result<Vec<Record>> {
    let mut sql = crate::store::Sql::new("SELECT ");
    sql.push_built(&storage::select_columns(tx.dialect()))
        .push(" FROM records r WHERE r.tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND r.object = ")
        .push_name(object.code.as_str())
        .push(" AND r.deleted_at IS NULL ORDER BY r.id LIMIT 1000");
    Ok(storage::fetch(tx, sql).await?)
}

/// Makes `owner` the record's owner (e.g. assigns a case); the caller has checked who may.
pub(crate) async fn set_owner_unchecked(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    id: RecordId,
    owner: UserId,
) -> Result<()> {
    if !storage::set_owner(tx, &object.code, id, owner, actor.user, app.clock.now()).await? {
        return Err(Error::NotFound("record"));
    }
    Ok(())
}

fn number_setting(object: &ObjectType) -> String {
    format!("number:{}", object.code)
}

/// The tenant's own numbering of an object's records, if it set one.
async fn number_template(tx: &mut TenantTx, object: &ObjectType) -> Result<Option<NumberTemplate>> {
    let text = crate::store::settings::get(tx, &number_setting(object)).await?;
    Ok(text.as_deref().and_then(NumberTemplate::parse))
}

/// How new records of an object are numbered in the actor's tenant (e.g. `SR-{00000}`); the
/// counter goes on where it was.
pub async fn numbering(app: &App, actor: &Actor, object: &str) -> Result<String> {
    let object = object_type(actor, object)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let own = crate::store::settings::get(&mut tx, &number_setting(&object)).await?;
    Ok(own.unwrap_or_else(|| object.number.to_string()))
}

/// Sets the tenant's numbering of an object's records (administrators).
pub async fn set_numbering(app: &App, actor: &Actor, object: &str, template: &str) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)?;
    let object = object_type(actor, object)?;
    let template = template.trim();
    if template.chars().count() > 40 || NumberTemplate::parse(template).is_none() {
        return Err(Error::invalid_field(
            "template",
            crate::tr!("records-numbering-invalid"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    crate::store::settings::put(&mut tx, &number_setting(&object), template).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "numbering.set",
        format!("object:{}", object.code),
        None,
        Some(serde_json::json!({ "template": template })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
