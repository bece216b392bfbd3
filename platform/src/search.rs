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
/// ranks the matches, counts them and brings the page's text; its snippets are made here.
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
    // The page's rows, then the text of their snippets joined to them (not carried through
    // the ranking of every match).
    let mut page = Sql::new("SELECT p.record_id, p.title, p.total, ");
    page.push(if parts.body { "s.body" } else { "s.title" })
        .push(" AS text FROM (SELECT record_id, title, rank, count(*) OVER () AS total FROM (");
    matches(&mut page);
    page.push(" ORDER BY rank DESC, record_id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset)
        .push(") p JOIN search_documents s ON s.tenant_id = ")
        .bind(tenant)
        .push(" AND s.object = ")
        .push_name(object)
        .push(" AND s.record_id = p.record_id ORDER BY p.rank DESC, p.record_id DESC");
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
    let matching = Matching::of(&groups);
    let hits = rows
        .iter()
        .map(|r| {
            let text: String = r.try_get("text")?;
            Ok(Hit {
                record_id: r.try_get("record_id")?,
                title: if parts.title {
                    r.try_get("title")?
                } else {
                    String::new()
                },
                snippet: highlight(&matching.snippet(&text)),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Results { hits, total })
}

/// Words a snippet shows at most.
const SNIPPET_WORDS: usize = 24;

/// Which words of a text match a query: those with the English stem of one of its words or their
/// alternatives, as the databases' indexes (PostgreSQL's `english`, SQLite's Porter) match them.
/// Snippets are made here rather than by the database: `ts_headline` cost PostgreSQL about
/// 1.7 ms for a page of ten, and FTS5's `snippet` ran the query's match a second time.
struct Matching {
    stemmer: rust_stemmers::Stemmer,
    stems: BTreeSet<String>,
    /// The stems' first letters.
    leads: BTreeSet<char>,
}

impl Matching {
    fn of(groups: &[Vec<String>]) -> Self {
        let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
        let stems: BTreeSet<String> = groups
            .iter()
            .flatten()
            .map(|w| stemmer.stem(w).into_owned())
            .collect();
        let leads = stems.iter().filter_map(|s| s.chars().next()).collect();
        Self {
            stemmer,
            stems,
            leads,
        }
    }

    fn matches(&self, word: &str) -> bool {
        // Stemming changes a word's ending only, never its first letter ("dying" becomes "die"),
        // so the other words need no stemming: stemming every word of a page's ten texts took a
        // fifth of the search page's time.
        let lead = word.chars().next().and_then(|c| c.to_lowercase().next());
        lead.is_some_and(|c| self.leads.contains(&c))
            && word.chars().count() <= 40
            && self
                .stems
                .contains(&*self.stemmer.stem(&word.to_lowercase()))
    }

    /// The stretch of `text` of at most [`SNIPPET_WORDS`] words with the most matching words,
    /// those centred, each between the highlight marks, with "…" where the text goes on;
    /// whitespace runs become one space.
    fn snippet(&self, text: &str) -> String {
        // Words as `words` splits them, by their byte range in `text`.
        let mut spans = Vec::new();
        let mut start = None;
        for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    spans.push((from, at));
                    start = None;
                }
                _ => {}
            }
        }
        let matched: Vec<bool> = spans
            .iter()
            .map(|&(from, to)| self.matches(&text[from..to]))
            .collect();
        let width = SNIPPET_WORDS.min(spans.len());
        // The first window with the most matches, then moved to centre them.
        let mut best = (0, 0);
        let mut inside = matched[..width].iter().filter(|m| **m).count();
        for first in 0..=spans.len() - width {
            if first > 0 {
                inside = inside + usize::from(matched[first + width - 1])
                    - usize::from(matched[first - 1]);
            }
            if inside > best.1 {
                best = (first, inside);
            }
        }
        let mut first = best.0;
        if let (Some(a), Some(b)) = (
            matched[first..first + width].iter().position(|m| *m),
            matched[first..first + width].iter().rposition(|m| *m),
        ) {
            let slack = width - (b - a + 1);
            first = (first + a)
                .saturating_sub(slack / 2)
                .min(spans.len() - width);
        }
        let last = first + width;
        let mut out = String::new();
        let from = if first == 0 {
            0
        } else {
            out.push('…');
            spans[first].0
        };
        let to = if last == spans.len() {
            text.len()
        } else {
            spans[last - 1].1
        };
        let mut at = from;
        for (&(word_from, word_to), &matched) in
            spans[first..last].iter().zip(&matched[first..last])
        {
            push_separator(&mut out, &text[at..word_from]);
            if matched {
                out.push(START);
                out.push_str(&text[word_from..word_to]);
                out.push(STOP);
            } else {
                out.push_str(&text[word_from..word_to]);
            }
            at = word_to;
        }
        push_separator(&mut out, &text[at..to]);
        out.truncate(out.trim_end().len());
        if last < spans.len() {
            out.push('…');
        }
        out
    }
}

/// Text between two words of a snippet, with its whitespace runs as one space (none at the
/// snippet's start).
fn push_separator(out: &mut String, between: &str) {
    let mut space = false;
    for c in between.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
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
    fn snippets_mark_words_by_their_stem_around_the_most_matches() {
        let matching = Matching::of(&[vec!["password".to_owned()], vec!["resets".to_owned()]]);
        let marked = |s: &str| s.replace(START, "[").replace(STOP, "]");
        // A short text whole, its whitespace runs as one space, matches by stem and any case.
        assert_eq!(
            marked(&matching.snippet("  Passwords\n\n reset  after a RESET, password-less. ")),
            "[Passwords] [reset] after a [RESET], [password]-less."
        );
        // A long text: the stretch with the most matches, centred, "…" where the text goes on.
        let filler = |n: usize| {
            (0..n)
                .map(|i| format!("w{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let text = format!(
            "{} password once. {} reset the password here. {}",
            filler(10),
            filler(30),
            filler(30)
        );
        let snippet = marked(&matching.snippet(&text));
        assert!(
            snippet.starts_with('…') && snippet.ends_with('…'),
            "{snippet}"
        );
        assert!(
            snippet.contains("[reset] the [password] here."),
            "{snippet}"
        );
        assert!(!snippet.contains("once"), "{snippet}");
        let words = snippet.trim_matches('…').split_whitespace().count();
        assert_eq!(words, SNIPPET_WORDS, "{snippet}");
        // Nothing matches: the text's start; no words at all: nothing.
        let none = marked(&Matching::of(&[vec!["zebra".to_owned()]]).snippet(&text));
        assert!(
            none.starts_with("w0 w1 ") && none.ends_with('…') && !none.contains('['),
            "{none}"
        );
        // A stem may change a word's ending, never its first letter.
        let dies = Matching::of(&[vec!["dies".to_owned()]]);
        assert_eq!(marked(&dies.snippet("Dying plants")), "[Dying] plants");
        assert_eq!(matching.snippet(" -- "), "--");
        assert_eq!(matching.snippet(""), "");
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
