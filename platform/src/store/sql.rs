//! A small builder for dynamic SQL that runs on both backends: values are always bound (as `$n`,
//! which SQLite and PostgreSQL both accept), and text enters the statement only from code —
//! `&'static str` fragments, or identifiers checked against the catalog ([`Sql::push_name`]).
//! (sqlx's own `QueryBuilder<Any>` writes `?`, which PostgreSQL does not accept.)

use std::fmt::Write;

use sqlx::{
    Any, Arguments, AssertSqlSafe, Encode, Executor, Type,
    any::{AnyArguments, AnyRow},
    query::Query,
};

#[derive(Default)]
pub struct Sql {
    text: String,
    args: AnyArguments,
    bound: usize,
    error: Option<String>,
    /// Planned for its own parameters each time it runs (see [`Sql::planned_each_time`]).
    planned_each_time: bool,
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

    /// Appends a field name (for JSON paths) or an object's code as a SQL string literal. Names
    /// come from manifests, whose schema allows only `[a-z][a-z0-9_]*`; anything else is refused
    /// here too. An object's code is written, not bound, so that each object's statements get a
    /// plan of their own: a lookup of three services and a list of a million cases must not share
    /// one.
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

    /// Appends "is one of `values`" to the expression before it, with the values bound as one
    /// parameter: the statement's text stays the same whatever their number, so it is prepared
    /// once.
    pub fn one_of(&mut self, dialect: super::Dialect, values: &[&str]) -> &mut Self {
        let (open, list, close) = dialect.one_of(values);
        self.push(open).bind(list).push(close)
    }

    /// Has PostgreSQL plan the statement for its parameters every time it runs, instead of
    /// using one plan for all (two more round trips, inside the transaction, and a plan): for
    /// statements whose best plan depends on how much the tenant has, such as a filtered list
    /// (with one plan for all, an employee's filtered page took 40-50 ms at 10,000 cases).
    /// SQLite plans once either way.
    pub fn planned_each_time(&mut self) -> &mut Self {
        self.planned_each_time = true;
        self
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
        let each_time = self.planned_each_time && conn.backend_name() == "PostgreSQL";
        let query = self.build()?;
        if !each_time {
            return query.fetch_all(conn).await;
        }
        conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            .await?;
        let rows = query.fetch_all(&mut *conn).await?;
        conn.execute(
            "SELECT set_config('plan_cache_mode',
                    coalesce(nullif(current_setting('portico.plan_cache_mode', true), ''), 'auto'), true)",
        )
        .await?;
        Ok(rows)
    }

    /// Runs a statement that answers no rows; answers how many it changed.
    pub async fn execute(self, conn: &mut sqlx::AnyConnection) -> Result<u64, sqlx::Error> {
        Ok(self.build()?.execute(conn).await?.rows_affected())
    }

    pub async fn fetch_optional(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        let mut rows = self.fetch_all(conn).await?;
        Ok((!rows.is_empty()).then(|| rows.swap_remove(0)))
    }
}

/// `%needle%` for `LIKE ... ESCAPE '\\'`, with the needle's own `%`, `_` and `\\` taken
/// literally.
pub fn like_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
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
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

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
