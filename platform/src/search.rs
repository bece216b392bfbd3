//! Full-text search with stemming, ranking and highlighted snippets, on each database's own index
//! (PostgreSQL: weighted `tsvector` with GIN; SQLite: FTS5 with the Porter stemmer). A word that
//! is not in the tenant's vocabulary is also looked for as the known words one letter away, so a
//! one-letter typo still finds the article. Results are restricted in SQL to the records the
//! searcher may read, so counts and pages are right, and to the parts (title, body) whose columns
//! they may see: a hidden column neither matches nor shows in a snippet.

use std::collections::BTreeSet;

use serde::Serialize;
use sqlx::Row;

use crate::{
    access::records::Visibility,
    error::Result,
    store::{Dialect, Sql, TenantTx},
};

/// Marks around highlighted words in snippets before escaping (never in real text).
const START: char = '\u{1}';
const STOP: char = '\u{2}';
const MAX_TERMS: usize = 8;

/// Lowercase words of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() <= 40)
        .map(str::to_lowercase)
        .collect()
}

/// Adds or replaces a record's searchable text.
pub async fn index(
    tx: &mut TenantTx,
    object: &str,
    record: &str,
    title: &str,
    body: &str,
) -> Result<()> {
    let tenant = tx.tenant_param();
    remove(tx, object, record).await?;
    let insert = match tx.dialect() {
        Dialect::Postgres => {
            "INSERT INTO search_documents (tenant_id, object, record_id, title, body, document)
             VALUES ($1, $2, $3, $4, $5,
                     setweight(to_tsvector('english', $4), 'A') || setweight(to_tsvector('english', $5), 'B'))"
        }
        Dialect::Sqlite => {
            "INSERT INTO search_documents (tenant_id, object, record_id, title, body) VALUES ($1, $2, $3, $4, $5)"
        }
    };
    sqlx::query(insert)
        .bind(tenant)
        .bind(object)
        .bind(record)
        .bind(title)
        .bind(body)
        .execute(tx.conn())
        .await?;
    let vocabulary: BTreeSet<String> = words(title).into_iter().chain(words(body)).collect();
    for word in vocabulary {
        sqlx::query(
            "INSERT INTO search_terms (tenant_id, term, documents) VALUES ($1, $2, 1)
             ON CONFLICT (tenant_id, term) DO UPDATE SET documents = search_terms.documents + 1",
        )
        .bind(tenant)
        .bind(word)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

pub async fn remove(tx: &mut TenantTx, object: &str, record: &str) -> Result<()> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "DELETE FROM search_documents WHERE tenant_id = $1 AND object = $2 AND record_id = $3",
    )
    .bind(tenant)
    .bind(object)
    .bind(record)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Edit distance of at most one (one letter inserted, deleted or replaced).
fn within_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    if short.len() == long.len() {
        return short
            .iter()
            .zip(long.iter())
            .filter(|(x, y)| x != y)
            .count()
            <= 1;
    }
    // One letter more in `long`: skip it where the two first differ.
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    short[i..] == long[i + 1..]
}

/// Each query word with the alternatives a typo of it could stand for.
async fn expand(tx: &mut TenantTx, query: &str) -> Result<Vec<Vec<String>>> {
    let tenant = tx.tenant_param();
    let mut groups = Vec::new();
    for word in words(query).into_iter().take(MAX_TERMS) {
        let mut group = vec![word.clone()];
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT documents FROM search_terms WHERE tenant_id = $1 AND term = $2",
        )
        .bind(tenant)
        .bind(&word)
        .fetch_optional(tx.conn())
        .await?;
        // Short words have too many neighbours to guess from.
        let length = word.chars().count() as i64;
        if known.is_none() && length >= 4 {
            let near: Vec<String> = sqlx::query_scalar(
                "SELECT term FROM search_terms WHERE tenant_id = $1 AND length(term) BETWEEN $2 AND $3",
            )
            .bind(tenant)
            .bind(length - 1)
            .bind(length + 1)
            .fetch_all(tx.conn())
            .await?;
            group.extend(near.into_iter().filter(|t| within_one(t, &word)).take(5));
        }
        groups.push(group);
    }
    Ok(groups)
}

/// Which parts of a document the searcher may see, as the caller's column permissions say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub title: bool,
    pub body: bool,
}

/// What a search looks for: documents with every word (a search box), or with any of them,
/// those with more first (suggestions from a sentence being written).
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    pub text: &'a str,
    pub every: bool,
}

/// The query in the database's syntax: the words (all or any), each one of its alternatives,
/// matched only in the visible parts.
fn match_expression(dialect: Dialect, groups: &[Vec<String>], every: bool, parts: Parts) -> String {
    // PostgreSQL: the title is weighted A, the body B; SQLite: FTS5 column filters.
    let (and, or, quote, suffix) = match (dialect, parts.title, parts.body) {
        (Dialect::Postgres, true, false) => (" & ", " | ", "", ":A"),
        (Dialect::Postgres, false, true) => (" & ", " | ", "", ":B"),
        (Dialect::Postgres, _, _) => (" & ", " | ", "", ""),
        (Dialect::Sqlite, _, _) => (" AND ", " OR ", "\"", ""),
    };
    let expression = groups
        .iter()
        .map(|g| {
            format!(
                "({})",
                g.iter()
                    .map(|w| format!("{quote}{w}{quote}{suffix}"))
                    .collect::<Vec<_>>()
                    .join(or)
            )
        })
        .collect::<Vec<_>>()
        .join(if every { and } else { or });
    match (dialect, parts.title, parts.body) {
        (Dialect::Sqlite, true, false) => format!("{{title}} : ({expression})"),
        (Dialect::Sqlite, false, true) => format!("{{body}} : ({expression})"),
        _ => expression,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub record_id: String,
    /// Empty when the searcher may not see titles.
    pub title: String,
    /// Escaped HTML with the matching words in `<mark>`.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: i64,
}

/// Escapes text for HTML and turns the highlight marks into `<mark>`.
fn highlight(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            START => out.push_str("<mark>"),
            STOP => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Searches the visible `parts` of `object`'s records the visibility allows, best first.
/// `condition` may narrow the records further (it is appended to the `WHERE` on `r`, e.g. a type
/// filter). Snippets come from the body if it is visible, else from the title. One statement
/// ranks the matches and counts them; snippets, the costly part, are made for the page alone.
#[expect(
    clippy::too_many_arguments,
    reason = "one search, described by all of them"
)]
pub async fn search(
    tx: &mut TenantTx,
    object: &str,
    query: Words<'_>,
    visibility: &Visibility,
    parts: Parts,
    condition: impl Fn(&mut Sql),
    limit: i64,
    offset: i64,
) -> Result<Results> {
    let groups = expand(tx, query.text).await?;
    if groups.is_empty() || !(parts.title || parts.body) {
        return Ok(Results {
            hits: Vec::new(),
            total: 0,
        });
    }
    let dialect = tx.dialect();
    let expression = match_expression(dialect, &groups, query.every, parts);
    let tenant = tx.tenant_param();

    // The matches with their rank, as a subquery: they are ranked and counted around it, since
    // SQLite's ranking function cannot take part in a window itself.
    let matches = |sql: &mut Sql| {
        match dialect {
            Dialect::Postgres => {
                sql.push("SELECT d.record_id, d.title, ts_rank_cd(d.document, to_tsquery('english', ")
                    .bind(expression.clone())
                    .push(")) AS rank")
                    .push(" FROM search_documents d JOIN records r ON r.tenant_id = d.tenant_id AND r.object = d.object AND r.id = d.record_id")
                    .push(" WHERE d.tenant_id = ")
                    .bind(tenant)
                    .push(" AND d.document @@ to_tsquery('english', ")
                    .bind(expression.clone())
                    .push(")");
            }
            Dialect::Sqlite => {
                // CROSS JOIN keeps SQLite from starting at the reader's rights and matching
                // the index once per readable record: the index's matches come first.
                sql.push("SELECT d.record_id, d.title, -bm25(search_fts, 10.0, 1.0) AS rank")
                    .push(" FROM search_fts CROSS JOIN search_documents d ON d.rowid = search_fts.rowid")
                    .push(" CROSS JOIN records r ON r.tenant_id = d.tenant_id AND r.object = d.object AND r.id = d.record_id")
                    .push(" WHERE search_fts MATCH ")
                    .bind(expression.clone())
                    .push(" AND d.tenant_id = ")
                    .bind(tenant);
            }
        }
        sql.push(" AND d.object = ")
            .push_name(object)
            .push(" AND r.deleted_at IS NULL");
        visibility.push_probe(sql);
        condition(sql);
        sql.push(") m");
    };
    let mut page = Sql::new("SELECT record_id, title, count(*) OVER () AS total FROM (");
    matches(&mut page);
    page.push(" ORDER BY rank DESC, record_id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows = page.fetch_all(tx.conn()).await?;
    let total = match rows.first() {
        Some(row) => row.try_get("total")?,
        None if offset == 0 => 0,
        // Past the last page: the count alone.
        None => {
            let mut count = Sql::new("SELECT count(*) AS total FROM (");
            matches(&mut count);
            count
                .fetch_optional(tx.conn())
                .await?
                .map(|row| row.try_get("total"))
                .transpose()?
                .unwrap_or(0)
        }
    };
    let mut hits = rows
        .iter()
        .map(|r| {
            Ok(Hit {
                record_id: r.try_get("record_id")?,
                title: if parts.title {
                    r.try_get("title")?
                } else {
                    String::new()
                },
                snippet: String::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut snippets = snippets(tx, object, &expression, parts, &hits).await?;
    for hit in &mut hits {
        hit.snippet = snippets.remove(&hit.record_id).unwrap_or_default();
    }
    Ok(Results { hits, total })
}

/// Highlighted snippets of the hits' visible text, by record id.
async fn snippets(
    tx: &mut TenantTx,
    object: &str,
    expression: &str,
    parts: Parts,
    hits: &[Hit],
) -> Result<std::collections::HashMap<String, String>> {
    if hits.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<&str> = hits.iter().map(|h| h.record_id.as_str()).collect();
    let dialect = tx.dialect();
    let mut sql = match dialect {
        Dialect::Postgres => {
            let mut sql = Sql::new("SELECT d.record_id, ts_headline('english', ");
            sql.push(if parts.body { "d.body" } else { "d.title" })
                .push(", to_tsquery('english', ")
                .bind(expression.to_owned())
                .push("), 'StartSel=\u{1}, StopSel=\u{2}, MaxWords=30, MinWords=12, MaxFragments=2') AS snippet")
                .push(" FROM search_documents d WHERE d.tenant_id = ");
            sql
        }
        Dialect::Sqlite => {
            let mut sql = Sql::new("SELECT d.record_id, snippet(search_fts, ");
            sql.push(if parts.body { "1" } else { "0" })
                .push(", char(1), char(2), '…', 24) AS snippet")
                .push(" FROM search_fts JOIN search_documents d ON d.rowid = search_fts.rowid")
                .push(" WHERE search_fts MATCH ")
                .bind(expression.to_owned())
                .push(" AND d.tenant_id = ");
            sql
        }
    };
    sql.bind(tx.tenant_param())
        .push(" AND d.object = ")
        .push_name(object)
        .push(" AND d.record_id")
        .one_of(dialect, &ids);
    sql.fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| {
            let snippet: String = r.try_get("snippet")?;
            Ok((r.try_get("record_id")?, highlight(&snippet)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_letter_apart() {
        for (a, b) in [
            ("printer", "priner"),
            ("printer", "printwr"),
            ("printer", "printers"),
            ("cat", "cat"),
            ("abc", "xbc"),
        ] {
            assert!(within_one(a, b), "{a} {b}");
        }
        for (a, b) in [("printer", "prnter2"), ("printer", "print"), ("abc", "cba")] {
            assert!(!within_one(a, b), "{a} {b}");
        }
    }

    #[test]
    fn queries_quote_only_words_and_snippets_are_escaped() {
        let groups = vec![
            vec!["router".to_owned()],
            vec!["resett".to_owned(), "reset".to_owned()],
        ];
        let all = Parts {
            title: true,
            body: true,
        };
        assert_eq!(
            match_expression(Dialect::Postgres, &groups, true, all),
            "(router) & (resett | reset)"
        );
        assert_eq!(
            match_expression(Dialect::Sqlite, &groups, true, all),
            "(\"router\") AND (\"resett\" OR \"reset\")"
        );
        assert_eq!(
            match_expression(Dialect::Postgres, &groups, false, all),
            "(router) | (resett | reset)"
        );
        let title_only = Parts {
            title: true,
            body: false,
        };
        assert_eq!(
            match_expression(Dialect::Postgres, &groups, true, title_only),
            "(router:A) & (resett:A | reset:A)"
        );
        assert_eq!(
            match_expression(Dialect::Sqlite, &groups, true, title_only),
            "{title} : ((\"router\") AND (\"resett\" OR \"reset\"))"
        );
        assert_eq!(
            words("Reset the <b>Router</b>'s!"),
            ["reset", "the", "b", "router", "b", "s"]
        );
        assert_eq!(
            highlight("a \u{1}<b>\u{2} & 'c'"),
            "a <mark>&lt;b&gt;</mark> &amp; &#x27;c&#x27;"
        );
    }
}
