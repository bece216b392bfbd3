//! Citus sends a statement to one shard only when it filters every tenant table it touches by
//! `tenant_id` equality (DESIGN.md section 3, issue 17). `tests/run` writes down every distinct
//! statement the end-to-end suite sends to PostgreSQL and SQLite (`PORTICO_STATEMENT_LOG`, see
//! tests/e2e/statement_log.rs), then runs the check here on that log: in every SELECT (nested
//! ones too), UPDATE and DELETE, each tenant table has a `tenant_id = ...` condition among the
//! AND-ed conditions of its WHERE or of its JOIN's ON; every INSERT into one names `tenant_id`.
//! Tenant tables are every table the migrations create except the global ones. Left out: the
//! migrations, and the statements a test sends itself through the server's pool to probe it
//! (marked `/* probe */`: row-level security must answer them, not a filter).

use std::{collections::BTreeSet, ops::ControlFlow};

use sqlparser::{
    ast::{
        BinaryOperator, Expr, FromTable, JoinConstraint, JoinOperator, Select, Statement,
        TableFactor, TableObject, TableWithJoins, Visit, Visitor,
    },
    dialect::{Dialect, PostgreSqlDialect, SQLiteDialect},
    parser::Parser,
};

/// How a test marks a statement it sends itself, to probe the server's database.
const PROBE: &str = "/* probe */";

/// The tables every tenant shares (Citus reference tables).
const GLOBAL: [&str; 3] = ["_sqlx_migrations", "stripe_events", "tenants"];

/// Every table the PostgreSQL migrations create, but the global ones.
fn tenant_tables() -> BTreeSet<String> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut tables = BTreeSet::new();
    for entry in std::fs::read_dir(&folder).expect("the migrations") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in text.split("CREATE TABLE ").skip(1) {
            let part = part.trim_start_matches("IF NOT EXISTS ");
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !GLOBAL.contains(&name.as_str()) {
                tables.insert(name);
            }
        }
    }
    assert!(
        tables.len() > 20,
        "the migrations create the tenant tables: {tables:?}"
    );
    tables
}

/// The AND-ed parts of a condition.
fn conjuncts<'a>(condition: &'a Expr, into: &mut Vec<&'a Expr>) {
    match condition {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(left, into);
            conjuncts(right, into);
        }
        Expr::Nested(inner) => conjuncts(inner, into),
        other => into.push(other),
    }
}

/// A tenant table as a statement names it: its name and the name its columns go by.
struct Reference {
    table: String,
    called: String,
}

/// Whether `expr` is the `tenant_id` column of `reference` (unqualified only when it is the
/// scope's one tenant table).
fn is_tenant_column(expr: &Expr, reference: &Reference, alone: bool) -> bool {
    match expr {
        Expr::CompoundIdentifier(parts) => {
            parts.len() == 2
                && parts[0].value.eq_ignore_ascii_case(&reference.called)
                && parts[1].value.eq_ignore_ascii_case("tenant_id")
        }
        Expr::Identifier(column) => alone && column.value.eq_ignore_ascii_case("tenant_id"),
        Expr::Nested(inner) => is_tenant_column(inner, reference, alone),
        _ => false,
    }
}

fn filtered(reference: &Reference, conditions: &[&Expr], alone: bool) -> bool {
    conditions.iter().any(|condition| {
        matches!(condition, Expr::BinaryOp { left, op: BinaryOperator::Eq, right }
            if is_tenant_column(left, reference, alone) || is_tenant_column(right, reference, alone))
    })
}

fn join_condition(operator: &JoinOperator) -> Option<&Expr> {
    let constraint = match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::Anti(c)
        | JoinOperator::LeftAnti(c)
        | JoinOperator::RightAnti(c) => c,
        _ => return None,
    };
    match constraint {
        JoinConstraint::On(condition) => Some(condition),
        _ => None,
    }
}

/// Checks the tenant tables of one scope (a SELECT's FROM, an UPDATE's or DELETE's table)
/// against its conditions.
struct Scope<'a> {
    tenant_tables: &'a BTreeSet<String>,
    references: Vec<Reference>,
    conditions: Vec<&'a Expr>,
}

impl<'a> Scope<'a> {
    fn new(tenant_tables: &'a BTreeSet<String>) -> Self {
        Self {
            tenant_tables,
            references: Vec::new(),
            conditions: Vec::new(),
        }
    }

    fn table(&mut self, factor: &TableFactor) {
        if let TableFactor::Table { name, alias, .. } = factor {
            let table = name.to_string().to_lowercase();
            if self.tenant_tables.contains(&table) {
                let called = alias
                    .as_ref()
                    .map_or_else(|| table.clone(), |a| a.name.value.to_lowercase());
                self.references.push(Reference { table, called });
            }
        }
    }

    fn from(&mut self, from: &'a [TableWithJoins]) {
        for item in from {
            self.table(&item.relation);
            for join in &item.joins {
                self.table(&join.relation);
                if let Some(condition) = join_condition(&join.join_operator) {
                    conjuncts(condition, &mut self.conditions);
                }
            }
        }
    }

    fn condition(&mut self, condition: Option<&'a Expr>) {
        if let Some(condition) = condition {
            conjuncts(condition, &mut self.conditions);
        }
    }

    /// The tenant tables not filtered by tenant.
    fn unfiltered(&self) -> Vec<String> {
        let alone = self.references.len() == 1;
        self.references
            .iter()
            .filter(|r| !filtered(r, &self.conditions, alone))
            .map(|r| r.table.clone())
            .collect()
    }
}

/// Visits every SELECT and every INSERT, UPDATE and DELETE of a statement.
struct Check<'a> {
    tenant_tables: &'a BTreeSet<String>,
    unfiltered: Vec<String>,
}

impl Visitor for Check<'_> {
    type Break = ();

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let mut scope = Scope::new(self.tenant_tables);
        scope.from(&select.from);
        scope.condition(select.selection.as_ref());
        self.unfiltered.extend(scope.unfiltered());
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        let mut scope = Scope::new(self.tenant_tables);
        match statement {
            Statement::Insert(insert) => {
                if let TableObject::TableName(name) = &insert.table {
                    let table = name.to_string().to_lowercase();
                    let names_tenant = insert
                        .columns
                        .iter()
                        .any(|c| c.to_string().eq_ignore_ascii_case("tenant_id"));
                    if self.tenant_tables.contains(&table) && !names_tenant {
                        self.unfiltered.push(table);
                    }
                }
            }
            Statement::Update(update) => {
                scope.from(std::slice::from_ref(&update.table));
                scope.condition(update.selection.as_ref());
            }
            Statement::Delete(delete) => {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                scope.from(from);
                scope.condition(delete.selection.as_ref());
            }
            _ => {}
        }
        self.unfiltered.extend(scope.unfiltered());
        ControlFlow::Continue(())
    }
}

/// The migrations' texts, for both databases: run once by `portico migrate`, not on a tenant's
/// behalf.
fn migrations() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    ["postgres", "sqlite"]
        .iter()
        .flat_map(|db| std::fs::read_dir(root.join(db)).expect("the migrations"))
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .map(|text| text.trim().to_owned())
        .collect()
}

/// What is wrong with `sql`: the tenant tables it does not filter by tenant, or why it could not
/// be read (only a problem when it names a tenant table). A statement PostgreSQL's grammar does
/// not read is read as SQLite's (its full-text search), and checked all the same.
fn problems(sql: &str, tenant_tables: &BTreeSet<String>) -> Option<String> {
    // SQLite's `CROSS JOIN ... ON` (a join whose order SQLite keeps) is read as a join.
    let sqlite = sql.replace("CROSS JOIN", "JOIN");
    let readings: [(&dyn Dialect, &str); 2] =
        [(&PostgreSqlDialect {}, sql), (&SQLiteDialect {}, &sqlite)];
    let parsed = readings
        .iter()
        .map(|(dialect, text)| Parser::parse_sql(*dialect, text))
        .find(Result::is_ok)
        .unwrap_or_else(|| Parser::parse_sql(&PostgreSqlDialect {}, sql));
    let statements = match parsed {
        Ok(statements) => statements,
        Err(error) => {
            let words: BTreeSet<String> = sql
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map(str::to_lowercase)
                .collect();
            return words
                .iter()
                .any(|w| tenant_tables.contains(w))
                .then(|| format!("unreadable ({error})"));
        }
    };
    let mut check = Check {
        tenant_tables,
        unfiltered: Vec::new(),
    };
    let _ = statements.visit(&mut check);
    (!check.unfiltered.is_empty())
        .then(|| format!("not filtered by tenant_id: {}", check.unfiltered.join(", ")))
}

#[test]
fn the_check_finds_a_tenant_table_read_or_written_without_its_tenant() {
    let tables = tenant_tables();
    let fine = [
        "SELECT r.id FROM records r WHERE r.tenant_id = $1 AND r.object = $2",
        "SELECT value FROM settings WHERE tenant_id = $1 AND key = $2",
        "SELECT r.id FROM records r JOIN record_access ra ON ra.tenant_id = r.tenant_id AND ra.record_id = r.id WHERE r.tenant_id = $1",
        "SELECT id FROM tenants WHERE slug = $1",
        "UPDATE users SET full_name = $3 WHERE tenant_id = $1 AND id = $2",
        "DELETE FROM settings WHERE tenant_id = $1 AND key = $2",
        "INSERT INTO settings (tenant_id, key, value) VALUES ($1, $2, $3)",
        "SELECT n FROM (SELECT COUNT(*) AS n FROM records r WHERE (r.tenant_id = $1)) c",
    ];
    for sql in fine {
        assert_eq!(problems(sql, &tables), None, "{sql}");
    }
    let wrong = [
        ("SELECT r.id FROM records r WHERE r.id = $1", "records"),
        (
            "SELECT r.id FROM records r WHERE r.tenant_id = $1 OR r.id = $2",
            "records",
        ),
        (
            "SELECT r.id FROM records r JOIN record_access ra ON ra.record_id = r.id WHERE r.tenant_id = $1",
            "record_access",
        ),
        (
            "SELECT id FROM records r WHERE r.tenant_id = $1 AND r.id IN (SELECT record_id FROM folder_records WHERE folder_id = $2)",
            "folder_records",
        ),
        ("UPDATE users SET full_name = $2 WHERE id = $1", "users"),
        ("DELETE FROM sessions WHERE expires_at < $1", "sessions"),
        (
            "INSERT INTO settings (key, value) VALUES ($1, $2)",
            "settings",
        ),
        (
            "SELECT tenant_id FROM users WHERE login = $1 AND tenant_id > 0",
            "users",
        ),
    ];
    for (sql, table) in wrong {
        let found = problems(sql, &tables).unwrap_or_default();
        assert!(found.contains(table), "{sql}: {found}");
    }
}

#[test]
#[ignore = "tests/run runs it after the suite, on the statements the suite sent"]
fn every_statement_the_suite_sent_filters_tenant_tables_by_tenant_id() {
    let path = std::env::var("PORTICO_STATEMENT_LOG")
        .expect("PORTICO_STATEMENT_LOG names the log the suite wrote (tests/run sets it)");
    let log = std::fs::read_to_string(&path).expect("the statement log");
    let statements: BTreeSet<String> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON string a line"))
        .collect();
    // A log of a whole run holds hundreds: fewer means the suite did not write it.
    assert!(
        statements.len() > 300,
        "{path} holds {} statements",
        statements.len()
    );
    let tables = tenant_tables();
    let migrations = migrations();
    let found: Vec<String> = statements
        .iter()
        .filter(|sql| !migrations.contains(sql.trim()) && !sql.starts_with(PROBE))
        .filter_map(|sql| problems(sql, &tables).map(|p| format!("{p}:\n    {sql}")))
        .collect();
    assert!(
        found.is_empty(),
        "{} of {} statements break the rule:\n{}",
        found.len(),
        statements.len(),
        found.join("\n")
    );
}
