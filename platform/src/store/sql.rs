//! A small builder for dynamic SQL that runs on both backends: values are always bound (as `$n`,
//! which SQLite and PostgreSQL both accept), and text enters the statement only from code —
//! `&'static str` fragments, or identifiers checked against the catalog ([`Sql::push_name`]).
//! (sqlx's own `QueryBuilder<Any>` writes `?`, which PostgreSQL does not accept.)

use std::fmt::Write;

use sqlx::{
    Any, Arguments, AssertSqlSafe, Encode, Type,
    any::{AnyArguments, AnyRow},
    query::Query,
};

#[derive(Default)]
pub struct Sql {
    text: String,
    args: AnyArguments,
    bound: usize,
    error: Option<String>,
}

impl std::fmt::Debug for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sql")
            .field("text", &self.text)
            .field("bound", &self.bound)
            .finish()
    }
}

impl Sql {
    pub fn new(fragment: &'static str) -> Self {
        Self {
            text: fragment.to_owned(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends text built by code from constants (dialect fragments). Never user input.
    pub fn push_built(&mut self, fragment: &str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a field name as a SQL string literal (for JSON paths). Names come from manifests,
    /// whose schema allows only `[a-z][a-z0-9_]*`; anything else is refused here too.
    pub fn push_name(&mut self, name: &str) -> &mut Self {
        if is_name(name) {
            let _ = write!(self.text, "'{name}'");
        } else {
            self.error = Some(format!("not a field name: {name:?}"));
            self.text.push_str("NULL");
        }
        self
    }

    /// Binds a value and writes its placeholder.
    pub fn bind<'a, T>(&mut self, value: T) -> &mut Self
    where
        T: Encode<'a, Any> + Type<Any> + 'a,
    {
        self.bound += 1;
        let _ = write!(self.text, "${}", self.bound);
        if let Err(e) = self.args.add(value) {
            self.error = Some(e.to_string());
        }
        self
    }

    /// Binds each value, separated by commas (for `IN (...)`).
    pub fn bind_list<'a, T, I>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = T>,
        T: Encode<'a, Any> + Type<Any> + 'a,
    {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(value);
        }
        self
    }

    /// Binds the values as one JSON array and writes it as a set for `IN`: the statement's
    /// text stays the same whatever their number, so it is prepared once.
    pub fn bind_set<S: serde::Serialize>(
        &mut self,
        dialect: super::Dialect,
        values: &[S],
    ) -> &mut Self {
        let (open, close) = dialect.text_set();
        match serde_json::to_string(values) {
            Ok(json) => self.push(open).bind(json).push(close),
            Err(e) => {
                self.error = Some(e.to_string());
                self
            }
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The finished query; a bad identifier or value is an error here, never a wrong query.
    pub fn build(self) -> Result<Query<'static, Any, AnyArguments>, sqlx::Error> {
        match self.error {
            None => Ok(sqlx::query_with(AssertSqlSafe(self.text), self.args)),
            Some(error) => Err(sqlx::Error::Protocol(format!(
                "refused to build query: {error}"
            ))),
        }
    }

    pub async fn fetch_all(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        self.build()?.fetch_all(conn).await
    }

    pub async fn fetch_optional(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        self.build()?.fetch_optional(conn).await
    }
}

fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && name.len() <= 63
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_numbered_placeholders() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = ");
        sql.bind(1_i64)
            .push(" AND b IN (")
            .bind_list(["x", "y"])
            .push(")");
        assert_eq!(sql.text(), "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
    }

    #[test]
    fn only_plain_names_enter_the_text() {
        let mut sql = Sql::new("SELECT data->>");
        sql.push_name("full_name");
        assert_eq!(sql.text(), "SELECT data->>'full_name'");
        let mut bad = Sql::new("SELECT data->>");
        bad.push_name("x'; DROP TABLE users; --");
        assert!(!bad.text().contains("DROP"));
        assert!(bad.error.is_some());
    }
}
