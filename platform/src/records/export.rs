//! "Export to file": the records a list shows (its filters, its order, its columns, as the actor
//! may see them) as CSV or XLSX. The file is made page by page on a thread of its own and sent as
//! it is made: CSV row by row, XLSX rows into a temporary file (constant memory mode) and then
//! zipped straight into the response. Memory stays flat whatever the number of rows, and each page
//! is read in a short transaction of its own, so a slow download holds no connection.

use std::{
    collections::{BTreeMap, HashMap},
    io::{self, Write},
    sync::{Arc, Mutex},
    time::Duration,
};

use portico_tenants::TenantId;
use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::{ListColumn, ListRequest, MAX_PAGE, ObjectType, Page};
use crate::{
    access::{self, Actor, Capability, Operation, SystemOperation},
    app::App,
    error::{Error, Result},
    i18n,
    store::Timestamp,
};

/// More rows than this are not exported (an XLSX sheet holds 1,048,576 with its header).
pub const MAX_ROWS: usize = 1_000_000;
/// Exports one tenant may run at once; one more is refused until one ends.
const PER_TENANT: usize = 2;
/// How much of the file is gathered before it is sent.
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(Error::BadRequest(crate::tr!(
                "records-export-format",
                format = format!("{text:?}")
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The exports running, per tenant: one tenant's exports cannot take every thread.
#[derive(Debug, Default)]
pub struct Turns {
    per_tenant: Mutex<HashMap<TenantId, Arc<Semaphore>>>,
}

impl Turns {
    fn take(&self, tenant: TenantId) -> Result<OwnedSemaphorePermit> {
        let turns = self
            .per_tenant
            .lock()
            .expect("export turns lock")
            .entry(tenant)
            .or_insert_with(|| Arc::new(Semaphore::new(PER_TENANT)))
            .clone();
        turns
            .try_acquire_owned()
            .map_err(|_| Error::TooManyRequests {
                message: crate::tr!("records-export-busy"),
                retry_after: Duration::from_secs(30),
            })
    }
}

/// An export under way: its file name and the file's bytes as they are made. The stream ends
/// with an error if the export fails half-way (the download is then incomplete, never passed
/// off as whole).
#[derive(Debug)]
pub struct Export {
    pub file_name: String,
    pub format: Format,
    pub bytes: mpsc::Receiver<io::Result<Vec<u8>>>,
}

/// Starts exporting the records of `object` that `request` lists (its filters and sort; not its
/// cursor or page size), in the columns the actor's list shows. Refusals (no "Export to file", no
/// read right, a bad filter) and a first page that cannot be read (a list cut off for its time)
/// are answered here, before any byte is sent.
pub async fn start(
    app: Arc<App>,
    actor: Actor,
    object: &str,
    mut request: ListRequest,
    format: Format,
) -> Result<Export> {
    access::check(&actor, Capability::System(SystemOperation::ExportToFile))?;
    let (object, columns) = super::open(&actor, object, Operation::Read)?;
    request.cursor = None;
    request.limit = Some(MAX_PAGE);
    // The request as a whole is checked as the list would check it.
    super::query::ListPlan::parse(&object, &columns, &request)?;
    let turn = app.exports.take(actor.tenant.id)?;
    let columns = super::list_view::columns(&app, &actor, object.code.as_str()).await?;
    let first = super::list(&app, &actor, object.code.as_str(), &request).await?;

    let today = app.clock.now().0.date_naive();
    let file_name = format!(
        "{}-{today}.{}",
        object.code.as_str().replace('_', "-"),
        format.extension()
    );
    let (sender, bytes) = mpsc::channel(4);
    let locale = i18n::current();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let mut sink = Sink {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        };
        let rows = Rows {
            app: &app,
            actor: &actor,
            object: &object,
            columns: &columns,
            request,
            first: Some(first),
            runtime: &runtime,
        };
        let written = i18n::sync_scope(locale, || match format {
            Format::Csv => write_csv(rows, &mut sink),
            Format::Xlsx => write_xlsx(rows, &mut sink),
        });
        match written.and_then(|()| sink.flush()) {
            Ok(()) => metrics::counter!("record_exports_total").increment(1),
            Err(e) => {
                // A client that went away is no failure of ours.
                if !sink.sender.is_closed() {
                    tracing::warn!(error = %e, "export failed");
                    let _ = sink.sender.blocking_send(Err(e));
                }
            }
        }
    });
    Ok(Export {
        file_name,
        format,
        bytes,
    })
}

/// The export's rows, read page by page through the list engine (so with its four gates).
struct Rows<'a> {
    app: &'a App,
    actor: &'a Actor,
    object: &'a ObjectType,
    columns: &'a [ListColumn],
    request: ListRequest,
    /// The first page, read before the answer began.
    first: Option<Page>,
    runtime: &'a tokio::runtime::Handle,
}

impl Rows<'_> {
    /// Calls `row` with the cells of every record, in the list's order, at most [`MAX_ROWS`].
    fn each(mut self, mut row: impl FnMut(&[Cell]) -> io::Result<()>) -> io::Result<()> {
        let mut count = 0;
        let mut cells = Vec::with_capacity(self.columns.len());
        loop {
            let page = match self.first.take() {
                Some(first) => first,
                None => self
                    .runtime
                    .block_on(super::list(
                        self.app,
                        self.actor,
                        self.object.code.as_str(),
                        &self.request,
                    ))
                    .map_err(io::Error::other)?,
            };
            for record in &page.data {
                if count == MAX_ROWS {
                    return Ok(());
                }
                cells.clear();
                cells.extend(
                    self.columns
                        .iter()
                        .map(|c| Cell::of(self.object, c, record, &page.titles)),
                );
                row(&cells)?;
                count += 1;
            }
            match page.next_cursor {
                Some(cursor) => self.request.cursor = Some(cursor),
                None => return Ok(()),
            }
        }
    }
}

/// One value of an exported row, as the list shows it.
#[derive(Debug, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    fn of(
        object: &ObjectType,
        column: &ListColumn,
        record: &Value,
        titles: &BTreeMap<String, String>,
    ) -> Self {
        let value = if column.system {
            &record[&column.name]
        } else {
            &record["data"][&column.name]
        };
        match value {
            Value::Null => Self::Empty,
            Value::Number(n) => n.as_f64().map_or(Self::Empty, Self::Number),
            Value::Bool(true) => Self::Text(crate::tr!("common-yes")),
            Value::Bool(false) => Self::Text(crate::tr!("common-no")),
            Value::String(text) if column.system => Self::Text(
                Timestamp::parse(text)
                    .map_or_else(|_| text.clone(), |t| i18n::current().date_time(t.0)),
            ),
            Value::String(text) => Self::Text(match titles.get(text) {
                Some(title) => title.clone(),
                None => i18n::value_label(object.code.as_str(), &column.name, text),
            }),
            other => Self::Text(other.to_string()),
        }
    }
}

fn write_csv(rows: Rows<'_>, out: &mut Sink) -> io::Result<()> {
    // The byte-order mark tells spreadsheets the file is UTF-8.
    out.write_all("\u{feff}".as_bytes())?;
    let header: Vec<Cell> = rows
        .columns
        .iter()
        .map(|c| Cell::Text(c.title.clone()))
        .collect();
    write_csv_row(out, &header)?;
    rows.each(|cells| write_csv_row(out, cells))
}

fn write_csv_row(out: &mut impl Write, cells: &[Cell]) -> io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        match cell {
            Cell::Empty => {}
            Cell::Number(n) => write!(out, "{n}")?,
            Cell::Text(text) => write_csv_text(out, text)?,
        }
    }
    out.write_all(b"\r\n")
}

/// One CSV line of text fields (a report's, say), kept from running as formulas.
pub(crate) fn write_csv_line(out: &mut impl Write, fields: &[String]) -> io::Result<()> {
    let cells: Vec<Cell> = fields.iter().map(|f| Cell::Text(f.clone())).collect();
    write_csv_row(out, &cells)
}

/// A text field, quoted when it must be; text a spreadsheet would take for a formula is kept
/// text by a leading apostrophe (CSV injection).
fn write_csv_text(out: &mut impl Write, text: &str) -> io::Result<()> {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula || text.contains([',', '"', '\n', '\r']);
    if quoted {
        out.write_all(b"\"")?;
    }
    if formula {
        out.write_all(b"'")?;
    }
    out.write_all(text.replace('"', "\"\"").as_bytes())?;
    if quoted {
        out.write_all(b"\"")?;
    }
    Ok(())
}

fn write_xlsx(rows: Rows<'_>, out: &mut Sink) -> io::Result<()> {
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet
        .set_name(sheet_name(&rows.object.plural_shown()))
        .map_err(xlsx_error)?;
    let bold = CellFormat::new().set_bold();
    for (col, column) in rows.columns.iter().enumerate() {
        let col = col_index(col)?;
        sheet
            .write_string_with_format(0, col, &column.title, &bold)
            .map_err(xlsx_error)?;
        sheet.set_column_width(col, 20).map_err(xlsx_error)?;
    }
    let mut row = 0;
    rows.each(|cells| {
        row += 1;
        write_xlsx_row(sheet, row, cells).map_err(xlsx_error)
    })?;
    workbook.save_to_writer(out).map_err(xlsx_error)
}

fn write_xlsx_row(sheet: &mut Worksheet, row: u32, cells: &[Cell]) -> Result<(), XlsxError> {
    for (col, cell) in cells.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)?;
        match cell {
            Cell::Empty => {}
            Cell::Number(n) => {
                sheet.write_number(row, col, *n)?;
            }
            Cell::Text(text) => {
                sheet.write_string(row, col, text)?;
            }
        }
    }
    Ok(())
}

fn col_index(col: usize) -> io::Result<u16> {
    u16::try_from(col).map_err(io::Error::other)
}

fn xlsx_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) => e,
        other => io::Error::other(other),
    }
}

/// A worksheet's name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if name.trim().is_empty() {
        "Export".to_owned()
    } else {
        name
    }
}

/// Where the file goes: gathered into chunks and handed to the response. A write fails once
/// the client has gone, which ends the export.
struct Sink {
    sender: mpsc::Sender<io::Result<Vec<u8>>>,
    buffer: Vec<u8>,
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(cells: &[Cell]) -> String {
        let mut out = Vec::new();
        write_csv_row(&mut out, cells).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_quotes_what_it_must_and_keeps_formulas_text() {
        let row = csv(&[
            Cell::Text("plain".into()),
            Cell::Text("a, \"b\"\nc".into()),
            Cell::Empty,
            Cell::Number(1200.5),
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Text("-1".into()),
        ]);
        assert_eq!(
            row,
            "plain,\"a, \"\"b\"\"\nc\",,1200.5,\"'=HYPERLINK(\"\"x\"\")\",\"'-1\"\r\n"
        );
    }

    #[test]
    fn a_tenant_runs_two_exports_at_once_and_others_are_not_held_up() {
        let turns = Turns::default();
        let acme = TenantId::from_db(1);
        let first = turns.take(acme).unwrap();
        let _second = turns.take(acme).unwrap();
        assert!(matches!(
            turns.take(acme),
            Err(Error::TooManyRequests { .. })
        ));
        assert!(turns.take(TenantId::from_db(2)).is_ok(), "another tenant");
        drop(first);
        assert!(
            turns.take(acme).is_ok(),
            "a turn comes back when an export ends"
        );
    }

    #[test]
    fn sheet_names_follow_the_spreadsheet_rules() {
        assert_eq!(sheet_name("Orders [2026]: Q1/Q2?"), "Orders 2026 Q1Q2");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("[]"), "Export");
    }
}
