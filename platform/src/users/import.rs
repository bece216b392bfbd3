//! Bulk import of portal users from a spreadsheet (CSV or XLSX). The file is read into a table
//! and kept; its columns are mapped to a user's fields (guessed from the header, changeable);
//! every row is checked and shown before anything is written; then the valid rows become portal
//! users (optionally invited) and a report says what became of each row.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    io::{Cursor, Read},
};

use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    access::{self, Actor, Audience, Capability, RoleId, RoleKind},
    app::App,
    error::{Error, Result},
    i18n::Language,
    records::RecordId,
    store::{Access, TenantTx},
};

use super::{Email, NewUser, UserKind, contacts, storage};

/// Rows a file may hold below its header.
pub const MAX_ROWS: usize = 10_000;
pub const MAX_COLUMNS: usize = 50;
const MAX_CELL_CHARS: usize = 1_000;
/// What an XLSX may hold once unpacked: a small file that unpacks to gigabytes is refused
/// before the spreadsheet reader sees it.
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;
/// Rows written per transaction, so that other writers get their turn during a large import.
const BATCH: usize = 250;
/// An upload nobody imported is removed after this long; an import's report is kept longer.
const UPLOAD_KEPT_HOURS: i64 = 24;
const REPORT_KEPT_DAYS: i64 = 30;

/// A user's field a column may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Email,
    Name,
    Organization,
    Roles,
    Language,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Email,
        Field::Name,
        Field::Organization,
        Field::Roles,
        Field::Language,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Name => "name",
            Self::Organization => "organization",
            Self::Roles => "roles",
            Self::Language => "language",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The field's name, in the reader's language.
    pub fn title(self) -> String {
        match self {
            Self::Email => crate::tr!("import-field-email"),
            Self::Name => crate::tr!("import-field-name"),
            Self::Organization => crate::tr!("import-field-organization"),
            Self::Roles => crate::tr!("import-field-roles"),
            Self::Language => crate::tr!("import-field-language"),
        }
    }

    /// Headers (any case) that name this field, in the languages people write them in.
    fn headers(self) -> &'static [&'static str] {
        match self {
            Self::Email => &[
                "email",
                "e-mail",
                "email address",
                "e-mail address",
                "e-mail-adresse",
                "mail",
                "login",
            ],
            Self::Name => &["name", "full name", "full_name", "vollständiger name"],
            Self::Organization => &[
                "organization",
                "organisation",
                "company",
                "account",
                "firma",
                "unternehmen",
            ],
            Self::Roles => &["roles", "role", "rollen", "rolle"],
            Self::Language => &["language", "sprache"],
        }
    }
}

/// A file as read: its header and its rows (each as long as the header), all text, and where
/// each row is in the file (empty rows are left out, but people count them).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<usize>,
}

/// A row of a file: where it is (from 1) and its cells.
type FileRow = (usize, Vec<String>);

/// Which column (from 0) holds each field; the e-mail address must be one of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping(pub BTreeMap<Field, usize>);

impl Mapping {
    /// The columns whose headers name a field.
    pub fn guess(columns: &[String]) -> Self {
        let mut mapping = BTreeMap::new();
        for field in Field::ALL {
            let found = columns
                .iter()
                .position(|c| field.headers().contains(&c.trim().to_lowercase().as_str()));
            if let Some(column) = found {
                mapping.entry(field).or_insert(column);
            }
        }
        Self(mapping)
    }

    /// Refused, saying why, unless the e-mail address has a column and each field its own one of
    /// the file's `columns`.
    pub fn check(&self, columns: usize) -> Result<()> {
        if !self.0.contains_key(&Field::Email) {
            return Err(Error::invalid_field(
                "mapping",
                crate::tr!("import-email-column-needed"),
            ));
        }
        let mut used = BTreeSet::new();
        for (field, column) in &self.0 {
            if *column >= columns || !used.insert(*column) {
                return Err(Error::invalid_field(
                    "mapping",
                    crate::tr!("import-column-once", field = field.title()),
                ));
            }
        }
        Ok(())
    }

    fn cell<'a>(&self, row: &'a [String], field: Field) -> &'a str {
        self.0
            .get(&field)
            .and_then(|c| row.get(*c))
            .map_or("", |s| s.as_str())
    }
}

/// Reads a CSV (UTF-8; comma, semicolon or tab) or XLSX file (its first sheet) into a table: the
/// first non-empty row is the header, empty rows are left out. Refused, saying why: a file of
/// another kind, one that cannot be read, more than [`MAX_ROWS`] rows, more than 50 columns, a
/// cell longer than 1,000 characters, an XLSX that unpacks to more than 64 MiB.
pub fn read(bytes: &[u8]) -> Result<Table> {
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    let mut rows = rows.into_iter();
    let Some((header_line, columns)) = rows.next() else {
        return Err(refused(crate::tr!("import-file-empty")));
    };
    let mut table = Table {
        columns: columns.into_iter().map(|c| c.trim().to_owned()).collect(),
        ..Table::default()
    };
    for (line, row) in rows {
        if table.rows.len() == MAX_ROWS {
            return Err(refused(crate::tr!("import-too-many-rows", max = MAX_ROWS)));
        }
        table.rows.push(row);
        table.lines.push(line);
    }
    let width = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    if width.max(table.columns.len()) > MAX_COLUMNS {
        return Err(refused(crate::tr!(
            "import-too-many-columns",
            max = MAX_COLUMNS
        )));
    }
    table
        .columns
        .resize(width.max(table.columns.len()), String::new());
    for row in &mut table.rows {
        row.resize(table.columns.len(), String::new());
    }
    let long = std::iter::once((&table.columns, &header_line))
        .chain(table.rows.iter().zip(&table.lines))
        .find(|(r, _)| r.iter().any(|c| c.chars().count() > MAX_CELL_CHARS));
    if let Some((_, line)) = long {
        return Err(refused(crate::tr!(
            "import-cell-too-long",
            row = *line,
            max = MAX_CELL_CHARS
        )));
    }
    if table.rows.is_empty() {
        return Err(refused(crate::tr!("import-file-empty")));
    }
    Ok(table)
}

fn refused(message: String) -> Error {
    Error::invalid_field("file", message)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<FileRow>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| refused(crate::tr!("import-not-utf8")))?;
    if text.contains('\0') {
        return Err(refused(crate::tr!("import-unreadable")));
    }
    // The header line's most frequent separator (spreadsheets in German write semicolons).
    let header = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| refused(crate::tr!("import-unreadable")))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_owned).collect()));
        if beyond_the_limit(&mut rows) {
            break;
        }
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<FileRow>> {
    use calamine::Reader;
    check_unpacked_size(bytes)?;
    let unreadable = |_| refused(crate::tr!("import-unreadable"));
    let mut workbook = calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| refused(crate::tr!("import-file-empty")))?
        .map_err(unreadable)?;
    let first = sheet.start().map_or(0, |(row, _)| row as usize);
    let mut rows = Vec::new();
    for (i, row) in sheet.rows().enumerate() {
        rows.push((first + i + 1, row.iter().map(xlsx_text).collect()));
        if beyond_the_limit(&mut rows) {
            break;
        }
    }
    Ok(rows)
}

/// Drops the row just read if it is empty; true once the header and one row more than the
/// limit are read, which is enough to refuse the file.
fn beyond_the_limit(rows: &mut Vec<FileRow>) -> bool {
    if rows
        .last()
        .is_some_and(|(_, cells)| cells.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    rows.len() > MAX_ROWS + 1
}

/// A cell as text: numbers as written (a whole number without ".0").
fn xlsx_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Unpacks every part of the workbook into nothing, counting: what it really unpacks to, not
/// what its directory claims.
fn check_unpacked_size(bytes: &[u8]) -> Result<()> {
    let unreadable = |_| refused(crate::tr!("import-unreadable"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(unreadable)?;
        let room = MAX_UNPACKED - total;
        let unpacked = std::io::copy(&mut part.take(room + 1), &mut std::io::sink())
            .map_err(|_| refused(crate::tr!("import-unreadable")))?;
        total += unpacked;
        if total > MAX_UNPACKED {
            return Err(refused(crate::tr!("import-unpacks-too-large")));
        }
    }
    Ok(())
}

/// One row of the file as the import sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// Where the row is in the file (the header is row 1).
    pub line: usize,
    pub email: String,
    pub name: String,
    pub organization: String,
    pub roles: String,
    pub language: String,
    /// Why the row cannot be imported; empty when it can.
    pub problems: Vec<String>,
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Refused,
}

/// A row of the report: the row, what became of it, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reported {
    pub line: usize,
    pub email: String,
    pub name: String,
    pub outcome: Outcome,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub created: usize,
    pub refused: usize,
    pub invited: bool,
    pub rows: Vec<Reported>,
}

/// An upload, its mapping and every row checked; with the report once it was imported.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub id: String,
    pub file_name: String,
    pub columns: Vec<String>,
    pub mapping: Mapping,
    pub rows: Vec<Row>,
    /// Rows that would be imported.
    pub valid: usize,
    /// Rows that would not, each saying why.
    pub refused: usize,
    pub report: Option<Report>,
}

/// Whether the actor may import portal users: those who manage them.
pub fn may_import(actor: &Actor) -> Result<()> {
    access::check(actor, Capability::ManagePortalUsers)
}

/// Keeps an uploaded file for its preview and import.
pub async fn upload(app: &App, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<String> {
    may_import(actor)?;
    let table = read(bytes)?;
    let file_name: String = crate::text::without_bidi_controls(file_name.trim())
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let id = Uuid::now_v7().to_string();
    let now = app.clock.now();
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    // Old uploads go when new ones come: nothing else needs to remember them.
    sqlx::query(
        "DELETE FROM user_imports WHERE tenant_id = $1
         AND ((imported_at IS NULL AND created_at < $2) OR created_at < $3)",
    )
    .bind(tx.tenant_param())
    .bind(now - chrono::Duration::hours(UPLOAD_KEPT_HOURS))
    .bind(now - chrono::Duration::days(REPORT_KEPT_DAYS))
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO user_imports (tenant_id, id, created_by, created_at, file_name, table_data)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tx.tenant_param())
    .bind(&id)
    .bind(actor.user.to_string())
    .bind(now)
    .bind(if file_name.is_empty() {
        "import".to_owned()
    } else {
        file_name
    })
    .bind(serde_json::to_string(&table).map_err(anyhow::Error::from)?)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(id)
}

struct Stored {
    file_name: String,
    table: Table,
    report: Option<Report>,
}

async fn stored(tx: &mut TenantTx, id: &str) -> Result<Stored> {
    Uuid::parse_str(id).map_err(|_| Error::NotFound("import"))?;
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT file_name, table_data, report FROM user_imports WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tx.tenant_param())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let (file_name, table, report) = row.ok_or(Error::NotFound("import"))?;
    Ok(Stored {
        file_name,
        table: from_json(&table)?,
        report: report.as_deref().map(from_json).transpose()?,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    Ok(serde_json::from_str(text).map_err(anyhow::Error::from)?)
}

/// The upload with every row checked under `mapping` (or the guessed one).
pub async fn preview(
    app: &App,
    actor: &Actor,
    id: &str,
    mapping: Option<Mapping>,
) -> Result<Preview> {
    may_import(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let stored = stored(&mut tx, id).await?;
    let mapping = mapping.unwrap_or_else(|| Mapping::guess(&stored.table.columns));
    let rows: Vec<Row> = match mapping.check(stored.table.columns.len()) {
        Ok(()) => {
            let names = Names::of(actor);
            let mut seen = HashSet::new();
            let table = &stored.table;
            check_rows(
                &mut tx,
                &names,
                &table.rows,
                &table.lines,
                &mapping,
                &mut seen,
            )
            .await?
            .into_iter()
            .map(|c| c.row)
            .collect()
        }
        // Nothing can be checked without the addresses: the page asks for the mapping.
        Err(_) => Vec::new(),
    };
    let valid = rows.iter().filter(|r| r.problems.is_empty()).count();
    Ok(Preview {
        id: id.to_owned(),
        file_name: stored.file_name,
        columns: stored.table.columns,
        refused: rows.len() - valid,
        valid,
        rows,
        mapping,
        report: stored.report,
    })
}

/// Whom the rows may name: the portal organizations and the roles the actor may give.
struct Names {
    organizations: HashMap<String, Vec<(RoleId, String)>>,
    roles: HashMap<String, Vec<RoleId>>,
}

impl Names {
    fn of(actor: &Actor) -> Self {
        let mut organizations: HashMap<String, Vec<(RoleId, String)>> = HashMap::new();
        let mut roles: HashMap<String, Vec<RoleId>> = HashMap::new();
        for role in actor.policy.roles() {
            let key = role.name.trim().to_lowercase();
            match (role.kind, &role.account) {
                (RoleKind::Organization, Some(account)) => organizations
                    .entry(key)
                    .or_default()
                    .push((role.id, account.clone())),
                (RoleKind::Root | RoleKind::Organization, _) => {}
                _ if role.audience == Audience::External
                    && access::config::may_assign(actor, role) =>
                {
                    roles.entry(key).or_default().push(role.id)
                }
                _ => {}
            }
        }
        Self {
            organizations,
            roles,
        }
    }
}

/// What a valid row becomes.
struct Person {
    new: NewUser,
    organization: Option<(RoleId, String)>,
    roles: Vec<RoleId>,
    language: Option<&'static str>,
}

/// Checks a row on its own and against the names; `Err` holds its problems.
fn person(row: &Row, names: &Names) -> std::result::Result<Person, Vec<String>> {
    let mut problems = Vec::new();
    let email = Email::parse(&row.email).map_err(|e| problems.push(e)).ok();
    let cells = [&row.email, &row.name, &row.organization, &row.roles];
    // A cell a spreadsheet would run as a formula is refused, not stored for later exports.
    if cells
        .iter()
        .chain([&&row.language])
        .any(|c| c.starts_with(['=', '+', '-', '@']))
    {
        problems.push(crate::tr!("import-formula"));
    }
    let name = match row.name.trim() {
        "" => email
            .as_ref()
            .map(|e| contacts::local_part(e).to_owned())
            .unwrap_or_default(),
        typed => match crate::text::name("name", typed, 250) {
            Ok(name) => name,
            Err(_) => {
                problems.push(crate::tr!("import-name-invalid"));
                String::new()
            }
        },
    };
    let organization = match row.organization.trim() {
        "" => None,
        typed => match names
            .organizations
            .get(&typed.to_lowercase())
            .map(Vec::as_slice)
        {
            Some([one]) => Some(one.clone()),
            Some(_) => {
                problems.push(crate::tr!("import-organization-ambiguous", name = typed));
                None
            }
            None => {
                problems.push(crate::tr!("import-organization-unknown", name = typed));
                None
            }
        },
    };
    let mut roles = Vec::new();
    for typed in row
        .roles
        .split([';', ','])
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        match names.roles.get(&typed.to_lowercase()).map(Vec::as_slice) {
            Some([one]) => roles.push(*one),
            _ => problems.push(crate::tr!("import-role-unknown", name = typed)),
        }
    }
    let language = match row.language.trim() {
        "" => None,
        typed => {
            let found = Language::all().find(|l| {
                l.code().eq_ignore_ascii_case(typed) || l.name().eq_ignore_ascii_case(typed)
            });
            if found.is_none() {
                problems.push(crate::tr!("import-language-unknown", name = typed));
            }
            found.map(Language::code)
        }
    };
    match email {
        Some(login) if problems.is_empty() => Ok(Person {
            new: NewUser {
                login,
                full_name: name,
                kind: UserKind::External,
            },
            organization,
            roles,
            language,
        }),
        _ => Err(problems),
    }
}

/// A row as checked, with what it becomes when it has no problem.
struct Checked {
    row: Row,
    person: Option<Person>,
}

/// Every row with its problems: its own, an address met before in the file (`seen`, which it
/// extends), an address that already has an account, or (with an organization) that is a
/// Contact of another account. `lines` are where the rows are in the file.
async fn check_rows(
    tx: &mut TenantTx,
    names: &Names,
    rows: &[Vec<String>],
    lines: &[usize],
    mapping: &Mapping,
    seen: &mut HashSet<Email>,
) -> Result<Vec<Checked>> {
    let mut checked = Vec::with_capacity(rows.len());
    for (cells, line) in rows.iter().zip(lines) {
        let mut row = Row {
            line: *line,
            email: mapping.cell(cells, Field::Email).trim().to_owned(),
            name: mapping.cell(cells, Field::Name).trim().to_owned(),
            organization: mapping.cell(cells, Field::Organization).trim().to_owned(),
            roles: mapping.cell(cells, Field::Roles).trim().to_owned(),
            language: mapping.cell(cells, Field::Language).trim().to_owned(),
            problems: Vec::new(),
        };
        // A repeated address is named as such whether or not its first row can be imported.
        let repeated = Email::parse(&row.email).is_ok_and(|email| !seen.insert(email));
        let person = match person(&row, names) {
            Ok(_) if repeated => {
                row.problems.push(crate::tr!("import-duplicate"));
                None
            }
            Ok(person) => Some(person),
            Err(mut problems) => {
                if repeated {
                    problems.push(crate::tr!("import-duplicate"));
                }
                row.problems = problems;
                None
            }
        };
        checked.push(Checked { row, person });
    }
    let logins: Vec<&str> = checked
        .iter()
        .filter_map(|c| c.person.as_ref())
        .map(|p| p.new.login.as_str())
        .collect();
    let taken = storage::existing_logins(tx, &logins).await?;
    for checked in &mut checked {
        let Some(person) = &checked.person else {
            continue;
        };
        let problem = if taken.contains(person.new.login.as_str()) {
            Some(crate::tr!("import-has-account"))
        } else if let Some((_, account)) = &person.organization
            && contacts::with_email(tx, &person.new.login)
                .await?
                .iter()
                .any(|c| c.account.as_deref() != Some(account.as_str()))
        {
            Some(crate::tr!("portal-org-contact-of-other-account"))
        } else {
            None
        };
        if let Some(problem) = problem {
            checked.row.problems.push(problem);
            checked.person = None;
        }
    }
    Ok(checked)
}

/// Imports the valid rows under `mapping` (or the one guessed from the header), checked again as
/// they are written (in batches, so other writers get their turn); with `invite`, each new user
/// gets their invitation by e-mail. An upload is imported once.
pub async fn run(
    app: &App,
    actor: &Actor,
    id: &str,
    mapping: Option<Mapping>,
    invite: bool,
) -> Result<Report> {
    may_import(actor)?;
    let stored = {
        let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
        stored(&mut tx, id).await?
    };
    if stored.report.is_some() {
        return Err(Error::Conflict(crate::tr!("import-already-done")));
    }
    let mapping = mapping.unwrap_or_else(|| Mapping::guess(&stored.table.columns));
    mapping.check(stored.table.columns.len())?;
    let names = Names::of(actor);
    let mut seen = HashSet::new();
    let mut report = Report {
        created: 0,
        refused: 0,
        invited: invite,
        rows: Vec::with_capacity(stored.table.rows.len()),
    };
    for (n, batch) in stored.table.rows.chunks(BATCH).enumerate() {
        let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
        let lines = &stored.table.lines[n * BATCH..];
        let checked = check_rows(&mut tx, &names, batch, lines, &mapping, &mut seen).await?;
        let mut seats = crate::licenses::Seats::lock(app, &mut tx).await?;
        for Checked { row, person } in checked {
            let outcome = match (person, row.problems.first()) {
                (Some(person), _) => {
                    write_row(app, &mut tx, actor, &mut seats, person, invite).await?
                }
                (None, problem) => Err(problem.cloned().unwrap_or_default()),
            };
            let (outcome, message) = match outcome {
                Ok(()) => {
                    report.created += 1;
                    (Outcome::Created, crate::tr!("import-created"))
                }
                Err(message) => {
                    report.refused += 1;
                    (Outcome::Refused, message)
                }
            };
            report.rows.push(Reported {
                line: row.line,
                email: row.email,
                name: row.name,
                outcome,
                message,
            });
        }
        tx.commit().await?;
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let done = sqlx::query(
        "UPDATE user_imports SET report = $1, imported_at = $2
         WHERE tenant_id = $3 AND id = $4 AND report IS NULL",
    )
    .bind(serde_json::to_string(&report).map_err(anyhow::Error::from)?)
    .bind(app.clock.now())
    .bind(tx.tenant_param())
    .bind(id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict(crate::tr!("import-already-done")));
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "users.import",
        format!("import:{id}"),
        None,
        Some(json!({
            "file": stored.file_name, "created": report.created, "refused": report.refused,
            "invited": invite,
        })),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        created = report.created,
        refused = report.refused,
        "users imported"
    );
    Ok(report)
}

/// Creates one user in a savepoint of the batch's transaction: a row refused while written
/// (no license free, say) leaves nothing behind, not even in the count of `seats`, and the
/// batch goes on. `Err` says why.
async fn write_row(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    seats: &mut crate::licenses::Seats,
    person: Person,
    invite: bool,
) -> Result<std::result::Result<(), String>> {
    sqlx::query("SAVEPOINT import_row")
        .execute(tx.conn())
        .await?;
    let counted = seats.clone();
    let written = async {
        let organization = match person.organization {
            Some((role, account)) => Some((role, RecordId::parse(&account)?)),
            None => None,
        };
        let mut created =
            super::add_external(app, tx, actor, person.new, organization, seats, None).await?;
        let user = created.user.id;
        for role in person.roles {
            access::config::add_member_unchecked(tx, role, user).await?;
        }
        if let Some(language) = person.language {
            storage::set_language(tx, user, language).await?;
        }
        if invite {
            super::invite(app, tx, &actor.tenant, &mut created).await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    match written {
        Ok(()) => {
            sqlx::query("RELEASE SAVEPOINT import_row")
                .execute(tx.conn())
                .await?;
            Ok(Ok(()))
        }
        Err(refused @ (Error::Conflict(_) | Error::Invalid { .. })) => {
            sqlx::query("ROLLBACK TO SAVEPOINT import_row")
                .execute(tx.conn())
                .await?;
            *seats = counted;
            Ok(Err(refused.in_words()))
        }
        Err(other) => Err(other),
    }
}

/// The report as CSV: row, e-mail, name, outcome, message (text a spreadsheet would run as a
/// formula kept text).
pub async fn report_csv(app: &App, actor: &Actor, id: &str) -> Result<(String, Vec<u8>)> {
    may_import(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let stored = stored(&mut tx, id).await?;
    let report = stored.report.ok_or(Error::NotFound("report"))?;
    let mut out = Vec::new();
    let header = [
        crate::tr!("import-report-row"),
        Field::Email.title(),
        Field::Name.title(),
        crate::tr!("import-report-outcome"),
        crate::tr!("import-report-message"),
    ];
    crate::records::export::write_csv_line(&mut out, &header).map_err(anyhow::Error::from)?;
    for row in &report.rows {
        let outcome = match row.outcome {
            Outcome::Created => crate::tr!("import-outcome-created"),
            Outcome::Refused => crate::tr!("import-outcome-refused"),
        };
        let line = [
            row.line.to_string(),
            row.email.clone(),
            row.name.clone(),
            outcome,
            row.message.clone(),
        ];
        crate::records::export::write_csv_line(&mut out, &line).map_err(anyhow::Error::from)?;
    }
    let stem = stored
        .file_name
        .rsplit_once('.')
        .map_or(stored.file_name.as_str(), |(stem, _)| stem)
        .to_owned();
    Ok((format!("{stem}-report.csv"), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_read_with_its_separator_and_quotes() {
        let table = read(
            "\u{feff}E-Mail;Name\r\nann@x.test;\"Ann; A.\"\r\n\r\nbob@x.test;Bob\r\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(table.columns, ["E-Mail", "Name"]);
        assert_eq!(
            table.rows,
            [["ann@x.test", "Ann; A."], ["bob@x.test", "Bob"]]
        );
        let mapping = Mapping::guess(&table.columns);
        assert_eq!(mapping.0.get(&Field::Email), Some(&0));
        assert_eq!(mapping.0.get(&Field::Name), Some(&1));
    }

    #[test]
    fn files_beyond_the_limits_are_refused() {
        let many = format!("email\n{}", "a@x.test\n".repeat(MAX_ROWS + 1));
        assert!(read(many.as_bytes()).is_err());
        assert!(read(format!("email\n{}", "a@x.test\n".repeat(MAX_ROWS)).as_bytes()).is_ok());
        let wide = format!("{}\nx", vec!["c"; MAX_COLUMNS + 1].join(","));
        assert!(read(wide.as_bytes()).is_err());
        let long = format!("email\n{}", "x".repeat(MAX_CELL_CHARS + 1));
        assert!(read(long.as_bytes()).is_err());
        assert!(read(b"email\n\xff\xfe").is_err());
        assert!(read(b"email\n").is_err());
        assert!(read(b"PK\x03\x04 not a workbook").is_err());
    }

    #[test]
    fn a_mapping_needs_the_address_and_each_column_once() {
        assert!(Mapping::default().check(2).is_err());
        let twice = Mapping(BTreeMap::from([(Field::Email, 0), (Field::Name, 0)]));
        assert!(twice.check(2).is_err());
        let outside = Mapping(BTreeMap::from([(Field::Email, 2)]));
        assert!(outside.check(2).is_err());
        assert!(
            Mapping(BTreeMap::from([(Field::Email, 1)]))
                .check(2)
                .is_ok()
        );
    }
}
