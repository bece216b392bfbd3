//! The SQL dialect seam: the few places where SQLite and PostgreSQL spell a thing differently.
//! Everything else is written once in portable SQL (`$n` parameters, `ON CONFLICT`, `RETURNING`).

use anyhow::bail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            bail!("unsupported database URL (expected sqlite://... or postgres://...)")
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// A JSON column read as text (PostgreSQL's `jsonb` has no portable driver type).
    pub fn json_out(self, column: &str) -> String {
        match self {
            Self::Sqlite => column.to_owned(),
            Self::Postgres => format!("{column}::text"),
        }
    }

    /// The two halves around a quoted field name that read a record field (`r.data`) as a value
    /// that compares as `kind` does.
    pub fn json_field(self, kind: crate::records::FieldKind) -> (&'static str, &'static str) {
        use crate::records::FieldKind;
        match (self, kind) {
            (Self::Postgres, FieldKind::Number) => ("((r.data->>", ")::numeric)"),
            (Self::Postgres, FieldKind::Boolean) => ("((r.data->>", ")::boolean)"),
            // SQLite's ->> returns SQL values of the JSON's own type.
            _ => ("(r.data->>", ")"),
        }
    }

    /// Appended to a text expression to compare it byte by byte (SQLite's default already).
    pub fn byte_order(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " COLLATE \"C\"",
        }
    }

    /// Appended to a row-selecting query so the rows stay locked until the transaction ends.
    pub fn for_update(self) -> &'static str {
        match self {
            // SQLite's writers hold the database's one write lock from `BEGIN IMMEDIATE` on.
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }

    /// The two halves around a parameter that make "is one of these texts" of the expression
    /// before them, and the parameter's value: one statement text for any number of values. On
    /// PostgreSQL an array (its planner keeps an index lookup per value, even in a generic plan),
    /// on SQLite a JSON array.
    pub fn one_of(self, values: &[&str]) -> (&'static str, String, &'static str) {
        match self {
            Self::Sqlite => (
                " IN (SELECT value FROM json_each(",
                serde_json::Value::from(values).to_string(),
                "))",
            ),
            Self::Postgres => {
                let quoted: Vec<String> = values
                    .iter()
                    .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                    .collect();
                (" = ANY(", format!("{{{}}}", quoted.join(",")), "::text[])")
            }
        }
    }

    /// A text parameter stored into a JSON column.
    pub fn json_in(self, param: &str) -> String {
        match self {
            Self::Sqlite => param.to_owned(),
            Self::Postgres => format!("{param}::jsonb"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_texts_is_one_parameter_whatever_it_holds() {
        let values = ["a", "b\"c", "d\\e", "{f,g}"];
        let (open, list, close) = Dialect::Sqlite.one_of(&values);
        assert_eq!((open, close), (" IN (SELECT value FROM json_each(", "))"));
        assert_eq!(serde_json::from_str::<Vec<String>>(&list).unwrap(), values);
        let (open, list, close) = Dialect::Postgres.one_of(&values);
        assert_eq!((open, close), (" = ANY(", "::text[])"));
        assert_eq!(list, r#"{"a","b\"c","d\\e","{f,g}"}"#);
        assert_eq!(Dialect::Postgres.one_of(&[]).1, "{}");
    }
}
