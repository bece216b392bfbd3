//! The list engine: filters, sorting and keyset pagination over any object's records, restricted
//! in SQL to what the actor may read. Field names come from the catalog (never from the request),
//! values are bound. Two plans:
//! - the default order (newest first, no filters) for someone who is not an administrator walks
//!   the record-rights index once per grantee and merges: a page costs the same whatever the
//!   tenant's size;
//! - anything else filters the record table and semi-joins the rights.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{FieldKind, ObjectType, Record, view::Columns};
use crate::{
    access::records::Visibility,
    error::{Error, Result},
    store::{Dialect, Sql},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Data(FieldKind),
    System,
}

/// A sortable, filterable column: a field of the object or a system column.
#[derive(Debug, Clone)]
struct ColumnRef {
    name: String,
    column: Column,
}

impl ColumnRef {
    fn resolve(object: &ObjectType, columns: &Columns, name: &str) -> Result<Self> {
        let unknown = || {
            unlistable(crate::tr!(
                "records-not-filterable",
                name = format!("{name:?}")
            ))
        };
        if !columns.visible(name) {
            return Err(unknown());
        }
        if let Some(field) = object.field(name) {
            return Ok(Self {
                name: field.name.clone(),
                column: Column::Data(field.kind()),
            });
        }
        match name {
            "number" | "created_at" | "modified_at" | "created_by" | "modified_by" | "owner" => {
                Ok(Self {
                    name: name.to_owned(),
                    column: Column::System,
                })
            }
            _ => Err(unknown()),
        }
    }

    /// Appends the SQL expression of this column on the `records` row `r`.
    fn push_expr(&self, sql: &mut Sql, dialect: Dialect) {
        match self.column {
            Column::System => {
                let column = match self.name.as_str() {
                    "number" => "r.number",
                    "created_at" => "r.created_at",
                    "modified_at" => "r.modified_at",
                    "created_by" => "r.created_by",
                    "modified_by" => "r.modified_by",
                    _ => "r.owner_id",
                };
                sql.push_built(column);
            }
            Column::Data(kind) => {
                let (open, close) = dialect.json_field(kind);
                sql.push_built(open).push_name(&self.name).push_built(close);
            }
        }
    }

    /// Appends the expression lists sort by: text case-insensitively and byte-wise, so both
    /// databases order alike (PostgreSQL's locale collations would not).
    fn push_sort_expr(&self, sql: &mut Sql, dialect: Dialect) {
        if self.is_text() {
            sql.push("LOWER(");
            self.push_expr(sql, dialect);
            sql.push(")").push_built(dialect.byte_order());
        } else {
            self.push_expr(sql, dialect);
        }
    }

    /// Binds the value a sort key is compared with (lowercased like the key, for text).
    fn bind_sort_value(&self, sql: &mut Sql, dialect: Dialect, value: &Value) -> Result<()> {
        if self.is_text() {
            sql.push("LOWER(");
            self.bind(sql, dialect, value)?;
            sql.push(")");
            Ok(())
        } else {
            self.bind(sql, dialect, value)
        }
    }

    fn is_text(&self) -> bool {
        matches!(self.column, Column::Data(FieldKind::Text) | Column::System)
    }

    /// Binds a value to compare with this column.
    fn bind(&self, sql: &mut Sql, dialect: Dialect, value: &Value) -> Result<()> {
        let bad = || {
            unlistable(crate::tr!(
                "records-cannot-compare",
                value = value.to_string(),
                column = format!("{:?}", self.name)
            ))
        };
        match self.column {
            Column::Data(FieldKind::Number) => {
                let n = match value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                };
                sql.bind(n.ok_or_else(bad)?);
            }
            Column::Data(FieldKind::Boolean) => {
                let b = match value {
                    Value::Bool(b) => Some(*b),
                    Value::String(s) if s == "true" => Some(true),
                    Value::String(s) if s == "false" => Some(false),
                    _ => None,
                }
                .ok_or_else(bad)?;
                match dialect {
                    Dialect::Postgres => sql.bind(b),
                    Dialect::Sqlite => sql.bind(i64::from(b)),
                };
            }
            Column::Data(FieldKind::Text) | Column::System => {
                let text = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return Err(bad()),
                };
                sql.bind(text);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    Contains,
    Empty,
    NotEmpty,
}

impl FilterOp {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "lt" => Self::Lt,
            "lte" => Self::Lte,
            "gt" => Self::Gt,
            "gte" => Self::Gte,
            "contains" => Self::Contains,
            "empty" => Self::Empty,
            "notempty" => Self::NotEmpty,
            _ => return None,
        })
    }
}

/// One list request, as the client wrote it.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// `field` (ascending) or `-field` (descending).
    pub sort: Option<String>,
    /// `field:op:value`, e.g. `status:eq:New`, `created_at:gte:2026-01-01`, `email:empty`.
    pub filters: Vec<String>,
    /// Words to find in any of the visible text columns (or the number).
    pub search: Option<String>,
    /// The folder the list is in.
    pub folder: Option<FolderScope>,
}

/// What a folder keeps, as the list engine applies it.
#[derive(Debug, Clone)]
pub enum FolderScope {
    /// A static folder: the records put in it (by the folder's id).
    Records(String),
    /// A dynamic folder: the records matching its conditions.
    Matching(Condition),
}

/// Filter conditions in AND/OR groups, nested: `{"any": [{"all": ["status:eq:New",
/// "priority:eq:High"]}, "status:eq:Escalated"]}`. Each filter is written as a list's `filter`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Condition {
    Filter(String),
    All { all: Vec<Condition> },
    Any { any: Vec<Condition> },
}

/// Bounds on a condition, so that one folder cannot become a query of any size.
pub const MAX_CONDITIONS: usize = 50;
const MAX_DEPTH: usize = 4;

impl Condition {
    /// Checks the condition against the object and the actor's columns, as a list would.
    pub fn check(&self, object: &ObjectType, columns: &Columns) -> Result<()> {
        Tree::of(self, object, columns).map(drop)
    }
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

#[derive(Debug)]
struct Filter {
    column: ColumnRef,
    op: FilterOp,
    value: Value,
}

impl Filter {
    /// `field:op:value` (or `field:op` for the operators that take no value).
    fn parse(object: &ObjectType, columns: &Columns, text: &str) -> Result<Self> {
        let mut parts = text.splitn(3, ':');
        let (Some(field), Some(op)) = (parts.next(), parts.next()) else {
            return Err(unlistable(crate::tr!(
                "records-filter-malformed",
                filter = format!("{text:?}")
            )));
        };
        let op = FilterOp::parse(op).ok_or_else(|| {
            unlistable(crate::tr!(
                "records-filter-unknown-operator",
                op = format!("{op:?}")
            ))
        })?;
        let value = parts.next().map(|v| Value::String(v.to_owned()));
        let needs_value = !matches!(op, FilterOp::Empty | FilterOp::NotEmpty);
        if needs_value && value.is_none() {
            return Err(unlistable(crate::tr!(
                "records-filter-needs-value",
                filter = format!("{text:?}")
            )));
        }
        Ok(Self {
            column: ColumnRef::resolve(object, columns, field)?,
            op,
            value: value.unwrap_or(Value::Null),
        })
    }
}

/// A checked condition.
#[derive(Debug)]
enum Tree {
    Filter(Filter),
    /// `tag:eq:name`: the records tagged so.
    Tagged(String),
    All(Vec<Tree>),
    Any(Vec<Tree>),
}

impl Tree {
    fn of(condition: &Condition, object: &ObjectType, columns: &Columns) -> Result<Self> {
        let mut count = 0;
        Self::build(condition, object, columns, 1, &mut count)
    }

    fn build(
        condition: &Condition,
        object: &ObjectType,
        columns: &Columns,
        depth: usize,
        count: &mut usize,
    ) -> Result<Self> {
        let too_big = || {
            unlistable(crate::tr!(
                "records-condition-too-big",
                conditions = MAX_CONDITIONS,
                depth = MAX_DEPTH
            ))
        };
        if depth > MAX_DEPTH {
            return Err(too_big());
        }
        let mut children = |list: &[Condition]| {
            list.iter()
                .map(|c| Self::build(c, object, columns, depth + 1, count))
                .collect::<Result<Vec<_>>>()
        };
        Ok(match condition {
            Condition::Filter(text) => {
                *count += 1;
                if *count > MAX_CONDITIONS {
                    return Err(too_big());
                }
                Self::leaf(object, columns, text)?
            }
            Condition::All { all } => Self::All(children(all)?),
            Condition::Any { any } => Self::Any(children(any)?),
        })
    }

    /// One filter as written (`field:op:value`); tags are a filter too (`tag:eq:name`).
    fn leaf(object: &ObjectType, columns: &Columns, text: &str) -> Result<Self> {
        match text.strip_prefix("tag:") {
            Some(rest) => match rest.strip_prefix("eq:") {
                Some(tag) => Ok(Self::Tagged(tag.trim().to_owned())),
                None => Err(unlistable(crate::tr!("records-tag-filter"))),
            },
            None => Filter::parse(object, columns, text).map(Self::Filter),
        }
    }

    /// The search of `words` in every visible text column that is not a reference, and the
    /// number.
    fn search(object: &ObjectType, columns: &Columns, words: &str) -> Result<Self> {
        let texts = object
            .fields
            .iter()
            .filter(|f| f.kind() == FieldKind::Text && f.reference.is_none())
            .map(|f| f.name.as_str());
        let any = std::iter::once("number")
            .chain(texts)
            .filter(|name| columns.visible(name))
            .map(|name| {
                Ok(Self::Filter(Filter {
                    column: ColumnRef::resolve(object, columns, name)?,
                    op: FilterOp::Contains,
                    value: Value::String(words.to_owned()),
                }))
            })
            .collect::<Result<_>>()?;
        Ok(Self::Any(any))
    }

    fn push(&self, sql: &mut Sql, dialect: Dialect) -> Result<()> {
        let (children, joiner, empty) = match self {
            Self::Filter(filter) => return push_filter(sql, dialect, filter),
            Self::Tagged(tag) => {
                sql.push(
                    "EXISTS (SELECT 1 FROM record_tags rt WHERE rt.tenant_id = r.tenant_id \
                     AND rt.object = r.object AND rt.record_id = r.id AND rt.tag = ",
                )
                .bind(tag.clone())
                .push(")");
                return Ok(());
            }
            Self::All(children) => (children, " AND ", "1 = 1"),
            Self::Any(children) => (children, " OR ", "1 = 0"),
        };
        if children.is_empty() {
            sql.push_built(empty);
            return Ok(());
        }
        sql.push("(");
        for (i, child) in children.iter().enumerate() {
            if i > 0 {
                sql.push_built(joiner);
            }
            child.push(sql, dialect)?;
        }
        sql.push(")");
        Ok(())
    }
}

#[derive(Debug)]
struct Sort {
    column: ColumnRef,
    descending: bool,
}

/// Where the previous page ended.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    /// The sort column's value on the last row (absent for the default order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<Value>,
    id: String,
}

/// A checked list request, ready to become SQL.
#[derive(Debug)]
pub struct ListPlan {
    pub limit: u32,
    filters: Vec<Tree>,
    /// A static folder's id: only the records put in it.
    folder: Option<String>,
    sort: Option<Sort>,
    cursor: Option<Cursor>,
}

impl ListPlan {
    /// The list's first page, not one that goes on after a cursor.
    pub fn is_first_page(&self) -> bool {
        self.cursor.is_none()
    }

    /// The newest records first, nothing narrowing them: a page and its count read at most a
    /// page (or the count's cap) of index entries per grantee, whatever the list holds. Any
    /// filter, search, folder or other order may read every record the reader can see.
    pub fn is_newest_first(&self) -> bool {
        self.filters.is_empty() && self.folder.is_none() && self.sort.is_none()
    }

    pub fn parse(object: &ObjectType, columns: &Columns, request: &ListRequest) -> Result<Self> {
        let limit = request.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::BadRequest(crate::tr!(
                "records-limit-range",
                max = MAX_PAGE
            )));
        }
        if request.filters.len() > MAX_CONDITIONS {
            return Err(unlistable(crate::tr!(
                "records-too-many-filters",
                max = MAX_CONDITIONS
            )));
        }
        let mut filters: Vec<Tree> = request
            .filters
            .iter()
            .map(|text| Tree::leaf(object, columns, text))
            .collect::<Result<_>>()?;
        if let Some(words) = request.search.as_deref().map(str::trim)
            && !words.is_empty()
        {
            filters.push(Tree::search(object, columns, words)?);
        }
        let mut folder = None;
        match &request.folder {
            Some(FolderScope::Matching(condition)) => {
                filters.push(Tree::of(condition, object, columns)?);
            }
            Some(FolderScope::Records(id)) => folder = Some(id.clone()),
            None => {}
        }
        let sort = request
            .sort
            .as_deref()
            .map(|s| {
                let (descending, name) = match s.strip_prefix('-') {
                    Some(name) => (true, name),
                    None => (false, s),
                };
                Ok::<_, Error>(Sort {
                    column: ColumnRef::resolve(object, columns, name)?,
                    descending,
                })
            })
            .transpose()?;
        let cursor = request.cursor.as_deref().map(decode_cursor).transpose()?;
        if cursor
            .as_ref()
            .is_some_and(|c| c.v.is_some() != sort.is_some())
        {
            return Err(bad_cursor());
        }
        Ok(Self {
            limit,
            filters,
            folder,
            sort,
            cursor,
        })
    }

    /// The cursor that continues after `last`.
    pub fn cursor_after(&self, last: &Record) -> String {
        let v = self.sort.as_ref().map(|s| match s.column.column {
            Column::Data(_) => last
                .data
                .get(&s.column.name)
                .cloned()
                .unwrap_or(Value::Null),
            Column::System => match s.column.name.as_str() {
                "number" => Value::String(last.number.clone()),
                "created_at" => Value::String(last.created_at.to_db()),
                "modified_at" => Value::String(last.modified_at.to_db()),
                "created_by" => Value::String(last.created_by.to_string()),
                "modified_by" => Value::String(last.modified_by.to_string()),
                _ => last
                    .owner
                    .map_or(Value::Null, |o| Value::String(o.to_string())),
            },
        });
        let cursor = Cursor {
            v,
            id: last.id.to_string(),
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&cursor).expect("cursor serialises"))
    }

    /// How many of the newest records a reader may see [`ListPlan::newest_visible_sql`] looks
    /// through for a filtered page: enough for a filter that keeps one record in eight.
    const NEWEST_VISIBLE: i64 = 8;

    /// A filtered list of the newest records first, looked for only among the
    /// `NEWEST_VISIBLE × page` newest records the reader may see: each grantee's rights index
    /// read backwards, each record then read in that order until the page is full. When it
    /// finds a full page (one row more than the page), that page is the list's; otherwise the
    /// caller runs [`ListPlan::sql`]. `None` when the list is not of that kind. Without it, a
    /// filter reads every record the reader may see before it can order them (a portal user's
    /// thousands), where the newest ones most often fill the page.
    pub fn newest_visible_sql(
        &self,
        dialect: Dialect,
        select: &str,
        tenant: i64,
        object: &str,
        visibility: &Visibility,
    ) -> Option<Result<Sql>> {
        let Visibility::Grantees(grantees) = visibility else {
            return None;
        };
        if self.sort.is_some() || (self.filters.is_empty() && self.folder.is_none()) {
            return None;
        }
        let fetch = i64::from(self.limit) + 1;
        let mut sql = Sql::new("SELECT ");
        sql.push_built(select).push(" FROM (");
        let after = self.cursor.as_ref().map(|c| c.id.as_str());
        let n = fetch * Self::NEWEST_VISIBLE;
        push_newest_visible(&mut sql, tenant, object, grantees, n, after);
        sql.push(") w JOIN records r ON r.tenant_id = ")
            .bind(tenant)
            .push(" AND r.object = ")
            .push_name(object)
            .push(" AND r.id = w.record_id WHERE r.deleted_at IS NULL");
        Some(
            self.push_page(&mut sql, dialect, tenant, fetch)
                .map(|()| sql),
        )
    }

    /// The list's conditions, its order and ` LIMIT fetch`.
    fn push_page(&self, sql: &mut Sql, dialect: Dialect, tenant: i64, fetch: i64) -> Result<()> {
        self.push_conditions(sql, dialect, tenant)?;
        self.push_order(sql, dialect)?;
        sql.push(" LIMIT ").bind(fetch);
        Ok(())
    }

    /// The list query: `select` is the column list; one row more than the page is fetched so the
    /// caller knows whether there is a next page.
    pub fn sql(
        &self,
        dialect: Dialect,
        select: &str,
        tenant: i64,
        object: &str,
        visibility: &Visibility,
    ) -> Result<Sql> {
        let fetch = i64::from(self.limit) + 1;
        let mut sql = Sql::new("SELECT ");
        sql.push_built(select)
            .push(" FROM records r WHERE r.tenant_id = ")
            .bind(tenant)
            .push(" AND r.object = ")
            .push_name(object)
            .push(" AND r.deleted_at IS NULL");
        match (visibility, self.is_newest_first()) {
            // The newest records first: one plan fits every tenant.
            (Visibility::Grantees(grantees), true) => {
                self.push_rights_walk(&mut sql, tenant, object, grantees, fetch);
            }
            _ => {
                visibility.push_condition(&mut sql, tenant, object);
                // How many records a filter leaves depends on the tenant, and so does the plan.
                if !self.filters.is_empty() {
                    sql.planned_each_time();
                }
            }
        }
        self.push_page(&mut sql, dialect, tenant, fetch)?;
        Ok(sql)
    }

    /// How many records the list holds, counting at most `cap + 1` (so a count costs the same
    /// in any tenant): `SELECT COUNT(*)`.
    pub fn count_sql(
        &self,
        dialect: Dialect,
        tenant: i64,
        object: &str,
        visibility: &Visibility,
        cap: i64,
    ) -> Result<Sql> {
        // Everything a reader may see: the rights they hold, read from the index alone (a
        // deleted record's rights go with it).
        if let Visibility::Grantees(grantees) = visibility
            && self.filters.is_empty()
            && self.folder.is_none()
        {
            let mut sql = Sql::new("SELECT COUNT(*) AS n FROM (");
            push_newest_visible(&mut sql, tenant, object, grantees, cap + 1, None);
            sql.push(") c");
            return Ok(sql);
        }
        let mut sql =
            Sql::new("SELECT COUNT(*) AS n FROM (SELECT 1 FROM records r WHERE r.tenant_id = ");
        sql.bind(tenant)
            .push(" AND r.object = ")
            .push_name(object)
            .push(" AND r.deleted_at IS NULL");
        visibility.push_condition(&mut sql, tenant, object);
        if !self.filters.is_empty() {
            sql.planned_each_time();
        }
        self.push_conditions(&mut sql, dialect, tenant)?;
        sql.push(" LIMIT ").bind(cap + 1).push(") c");
        Ok(sql)
    }

    /// The list's filters, search and folder, each ` AND ...`.
    fn push_conditions(&self, sql: &mut Sql, dialect: Dialect, tenant: i64) -> Result<()> {
        if let Some(folder) = &self.folder {
            sql.push(
                " AND r.id IN (SELECT fr.record_id FROM folder_records fr WHERE fr.tenant_id = ",
            )
            .bind(tenant)
            .push(" AND fr.folder_id = ")
            .bind(folder.clone())
            .push(")");
        }
        for filter in &self.filters {
            sql.push(" AND ");
            filter.push(sql, dialect)?;
        }
        Ok(())
    }

    /// ` AND r.id IN (...)`: the newest `fetch` record ids any of the grantees holds a right on.
    fn push_rights_walk(
        &self,
        sql: &mut Sql,
        tenant: i64,
        object: &str,
        grantees: &[String],
        fetch: i64,
    ) {
        sql.push(" AND r.id IN (");
        let after = self.cursor.as_ref().map(|c| c.id.as_str());
        push_newest_visible(sql, tenant, object, grantees, fetch, after);
        sql.push(")");
    }

    fn push_order(&self, sql: &mut Sql, dialect: Dialect) -> Result<()> {
        let Some(sort) = &self.sort else {
            if let Some(cursor) = &self.cursor {
                sql.push(" AND r.id < ").bind(cursor.id.clone());
            }
            sql.push(" ORDER BY r.id DESC");
            return Ok(());
        };
        let (cmp, id_cmp, direction) = if sort.descending {
            (" < ", " < ", " DESC")
        } else {
            (" > ", " > ", " ASC")
        };
        // Nulls come last in both directions, on both backends.
        if let Some(cursor) = &self.cursor {
            let value = cursor.v.as_ref().ok_or_else(bad_cursor)?;
            if value.is_null() {
                sql.push(" AND (");
                sort.column.push_expr(sql, dialect);
                sql.push(" IS NULL AND r.id")
                    .push_built(id_cmp)
                    .bind(cursor.id.clone())
                    .push(")");
            } else {
                sql.push(" AND (");
                sort.column.push_expr(sql, dialect);
                sql.push(" IS NULL OR ");
                sort.column.push_sort_expr(sql, dialect);
                sql.push_built(cmp);
                sort.column.bind_sort_value(sql, dialect, value)?;
                sql.push(" OR (");
                sort.column.push_sort_expr(sql, dialect);
                sql.push(" = ");
                sort.column.bind_sort_value(sql, dialect, value)?;
                sql.push(" AND r.id")
                    .push_built(id_cmp)
                    .bind(cursor.id.clone())
                    .push("))");
            }
        }
        sql.push(" ORDER BY (");
        sort.column.push_expr(sql, dialect);
        sql.push(" IS NULL), ");
        sort.column.push_sort_expr(sql, dialect);
        sql.push_built(direction)
            .push(", r.id")
            .push_built(direction);
        Ok(())
    }
}

/// `SELECT record_id ...`: the newest `n` record ids (before `after`, if given) any of the
/// grantees holds a right on, newest first: each grantee's index range read backwards, the
/// results merged in order and each id kept once as they come (`UNION ALL` and `GROUP BY`,
/// where `UNION` would read all `n` of every grantee, then hash and sort them), so that a
/// query reading only the first few rows reads only as many index entries as it needs.
fn push_newest_visible(
    sql: &mut Sql,
    tenant: i64,
    object: &str,
    grantees: &[String],
    n: i64,
    after: Option<&str>,
) {
    sql.push("SELECT record_id FROM (");
    for (i, grantee) in grantees.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT record_id FROM (SELECT ra.record_id FROM record_access ra WHERE ra.tenant_id = ")
            .bind(tenant)
            .push(" AND ra.object = ")
            .push_name(object)
            .push(" AND ra.grantee_id = ")
            .bind(grantee.clone());
        if let Some(after) = after {
            sql.push(" AND ra.record_id < ").bind(after.to_owned());
        }
        sql.push(" ORDER BY ra.record_id DESC LIMIT ")
            .bind(n)
            .push(") g");
        sql.push_built(&i.to_string());
    }
    sql.push(") v GROUP BY record_id ORDER BY record_id DESC LIMIT ")
        .bind(n);
}

fn push_filter(sql: &mut Sql, dialect: Dialect, filter: &Filter) -> Result<()> {
    let column = &filter.column;
    let comparison = match filter.op {
        FilterOp::Empty | FilterOp::NotEmpty => {
            column.push_expr(sql, dialect);
            sql.push(if filter.op == FilterOp::Empty {
                " IS NULL"
            } else {
                " IS NOT NULL"
            });
            return Ok(());
        }
        FilterOp::Contains => {
            let Value::String(needle) = &filter.value else {
                return Err(unlistable(crate::tr!("records-contains-needs-text")));
            };
            sql.push("LOWER(");
            column.push_expr(sql, dialect);
            sql.push(") LIKE LOWER(")
                .bind(crate::store::like_pattern(needle))
                .push(") ESCAPE '\\'");
            return Ok(());
        }
        FilterOp::Eq => " = ",
        FilterOp::Ne => " <> ",
        FilterOp::Lt => " < ",
        FilterOp::Lte => " <= ",
        FilterOp::Gt => " > ",
        FilterOp::Gte => " >= ",
    };
    column.push_expr(sql, dialect);
    sql.push_built(comparison);
    column.bind(sql, dialect, &filter.value)
}

/// A list request the API's schema allows that names what is not there (a column, an operator,
/// a cursor, a tag) or asks for too much: 422, with what is wrong.
fn unlistable(message: String) -> Error {
    Error::Invalid {
        message,
        fields: Default::default(),
    }
}

fn bad_cursor() -> Error {
    unlistable(crate::tr!("records-bad-cursor"))
}

fn decode_cursor(text: &str) -> Result<Cursor> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
        .filter(|c| uuid::Uuid::parse_str(&c.id).is_ok())
        .ok_or_else(bad_cursor)
}

/// What a chart or a metric adds up over the records a filtered list holds: how many there are,
/// or the sum of a number field; for each value of a field (each month of a date), or in all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TotalsRequest {
    /// As a list's `filter`: `field:op:value`.
    pub filters: Vec<String>,
    /// The field whose values the records are grouped by (a date's by month).
    pub group: Option<String>,
    /// The number field summed (none: the records are counted).
    pub sum: Option<String>,
}

/// A checked [`TotalsRequest`], ready to become SQL.
#[derive(Debug)]
pub struct TotalsPlan {
    list: ListPlan,
    group: Option<ColumnRef>,
    /// The group is a date's: records are grouped by its month (`2026-12`).
    pub by_month: bool,
    sum: Option<ColumnRef>,
}

impl TotalsPlan {
    pub fn parse(object: &ObjectType, columns: &Columns, request: &TotalsRequest) -> Result<Self> {
        let list = ListPlan::parse(
            object,
            columns,
            &ListRequest {
                filters: request.filters.clone(),
                ..Default::default()
            },
        )?;
        let mut by_month = false;
        let group = match request.group.as_deref() {
            None => None,
            Some(name) => {
                let column = ColumnRef::resolve(object, columns, name)?;
                by_month = match column.column {
                    Column::System => matches!(name, "created_at" | "modified_at"),
                    Column::Data(_) => object.field(name).is_some_and(|f| {
                        matches!(
                            f.schema.get("format").and_then(Value::as_str),
                            Some("date" | "date-time")
                        )
                    }),
                };
                let groupable = by_month || column.column == Column::Data(FieldKind::Text);
                if !groupable {
                    return Err(unlistable(crate::tr!(
                        "records-not-groupable",
                        name = format!("{name:?}")
                    )));
                }
                Some(column)
            }
        };
        let sum = match request.sum.as_deref() {
            None => None,
            Some(name) => {
                let column = ColumnRef::resolve(object, columns, name)?;
                if column.column != Column::Data(FieldKind::Number) {
                    return Err(unlistable(crate::tr!(
                        "records-not-summable",
                        name = format!("{name:?}")
                    )));
                }
                Some(column)
            }
        };
        Ok(Self {
            list,
            group,
            by_month,
            sum,
        })
    }

    pub fn has_sum(&self) -> bool {
        self.sum.is_some()
    }

    /// `SELECT g, n[, s]`: per group, how many records and the sum, over the first `cap + 1`
    /// records the list holds (so that a chart costs the same in any tenant; the caller tells
    /// from the counts whether the cap was reached).
    pub fn sql(
        &self,
        dialect: Dialect,
        tenant: i64,
        object: &str,
        visibility: &Visibility,
        cap: i64,
    ) -> Result<Sql> {
        let mut sql = Sql::new("SELECT g, COUNT(*) AS n");
        if self.sum.is_some() {
            // Numeric on PostgreSQL, whatever SQLite holds: both read as a float.
            sql.push(", CAST(SUM(v) AS DOUBLE PRECISION) AS s");
        }
        sql.push(" FROM (SELECT ");
        match (&self.group, self.by_month) {
            (None, _) => sql.push("''"),
            (Some(group), true) => {
                sql.push("SUBSTR(");
                group.push_expr(&mut sql, dialect);
                sql.push(", 1, 7)")
            }
            (Some(group), false) => {
                group.push_expr(&mut sql, dialect);
                &mut sql
            }
        };
        sql.push(" AS g");
        if let Some(sum) = &self.sum {
            sql.push(", ");
            sum.push_expr(&mut sql, dialect);
            sql.push(" AS v");
        }
        sql.push(" FROM records r WHERE r.tenant_id = ")
            .bind(tenant)
            .push(" AND r.object = ")
            .push_name(object)
            .push(" AND r.deleted_at IS NULL");
        visibility.push_condition(&mut sql, tenant, object);
        if !self.list.filters.is_empty() {
            sql.planned_each_time();
        }
        self.list.push_conditions(&mut sql, dialect, tenant)?;
        sql.push(" LIMIT ").bind(cap + 1).push(") t GROUP BY g");
        Ok(sql)
    }
}
