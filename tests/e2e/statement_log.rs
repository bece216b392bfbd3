//! Every distinct SQL statement the servers under test send, written to the file named by
//! `PORTICO_STATEMENT_LOG` (one JSON string a line) for `tests/statements.rs` to check after the
//! run: sqlx reports each statement it runs as a `sqlx::query` event, the server's at TRACE
//! (the tests' own probes of a database, at sqlx's DEBUG, are not the server's and are left out).

use std::{collections::HashSet, fs::File, io::Write, sync::Mutex};

use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::layer::{Context, Layer};

pub struct StatementLog {
    seen: Mutex<(HashSet<String>, File)>,
}

impl StatementLog {
    /// The log named by `PORTICO_STATEMENT_LOG`, if the variable is set (appended to: the
    /// check reads the whole run's).
    pub fn from_env() -> Option<Self> {
        let path = std::env::var_os("PORTICO_STATEMENT_LOG")?;
        let file = File::options()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("the statement log {path:?}: {e}"));
        Some(Self {
            seen: Mutex::new((HashSet::new(), file)),
        })
    }
}

/// sqlx's fields: `summary` (the first words, or the whole of a short statement) and
/// `db.statement` (a longer statement in full).
#[derive(Default)]
struct Statement {
    summary: String,
    full: String,
}

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.full = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: Subscriber> Layer<S> for StatementLog {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        if metadata.target() != "sqlx::query" || *metadata.level() != tracing::Level::TRACE {
            return;
        }
        let mut statement = Statement::default();
        event.record(&mut statement);
        let sql = match statement.full.trim() {
            "" => statement.summary,
            full => full.to_owned(),
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let (known, file) = &mut *seen;
        if known.insert(sql.clone()) {
            let line = serde_json::to_string(&sql).expect("a string serializes");
            writeln!(file, "{line}").expect("the statement log is writable");
        }
    }
}
