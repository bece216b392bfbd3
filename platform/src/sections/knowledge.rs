//! The knowledge base. A published article is readable by every external user at once (the
//! publication grants "All external users" a read right); a draft is visible to its authors and
//! employees only, and unpublishing takes the right back. Articles are Markdown, shown as
//! sanitized HTML, indexed for search, commented on, liked and counted when viewed ("popular"
//! = most viewed and liked in the last 30 days).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use chrono::Duration;
use portico_tenants::TenantId;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::Row;

use crate::{
    access::{self, Actor, Audience, Capability, Level, Operation, records::Visibility},
    app::App,
    error::{Error, Result},
    records::{self, Record, Save, SectionHooks, Widget},
    search,
    store::{Access, Sql, TenantTx},
};

pub const OBJECT: &str = "knowledge_article";
/// The article types: a tree (each may have a parent).
pub const TYPE_OBJECT: &str = "knowledge_type";
/// How deep the tree of types goes.
const MAX_TYPE_DEPTH: usize = 5;
const PUBLICATION: &str = "publication";
const POPULAR_WINDOW: Duration = Duration::days(30);

fn published(data: &Map<String, Value>) -> bool {
    data.get("state").and_then(Value::as_str) == Some("Published")
}

fn text<'a>(data: &'a Map<String, Value>, field: &str) -> &'a str {
    data.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// The knowledge base's rules: an article's state and publication date, its search index, the
/// tree of article types; on the main page, the search box and the popular articles.
#[derive(Debug)]
pub struct Knowledge;

#[async_trait::async_trait]
impl SectionHooks for Knowledge {
    async fn before_save(
        &self,
        save: Save<'_>,
        tx: &mut TenantTx,
        data: &mut Map<String, Value>,
    ) -> Result<()> {
        match save.object.code.as_str() {
            OBJECT => before_save(save.app, data, save.previous),
            TYPE_OBJECT => before_save_type(save.app, tx, data, save.previous).await,
            _ => Ok(()),
        }
    }

    async fn after_save(&self, save: Save<'_>, tx: &mut TenantTx, record: &Record) -> Result<()> {
        match save.object.code.as_str() {
            OBJECT => after_save(tx, save.actor, record, save.previous).await,
            _ => Ok(()),
        }
    }

    async fn after_delete(
        &self,
        save: Save<'_>,
        tx: &mut TenantTx,
        deleted: &Record,
    ) -> Result<()> {
        match save.object.code.as_str() {
            OBJECT => search::remove(tx, OBJECT, &deleted.id.to_string()).await,
            _ => Ok(()),
        }
    }

    async fn main_page(&self, app: &App, actor: &Actor) -> Vec<Widget> {
        let readable = records::built_in(app, OBJECT).is_ok_and(|object| {
            access::check(actor, Capability::Records(&object, Operation::Read)).is_ok()
        });
        if !readable {
            return Vec::new();
        }
        let popular = popular(app, actor, 5).await.unwrap_or_default();
        vec![
            Widget::new("knowledge_search", ()),
            Widget::new("popular_articles", popular),
        ]
    }
}

fn before_save(app: &App, data: &mut Map<String, Value>, previous: Option<&Record>) -> Result<()> {
    if !data.contains_key("state") {
        data.insert("state".into(), Value::String("Draft".into()));
    }
    let was_published = previous.is_some_and(|p| published(&p.data));
    if published(data) && !was_published {
        data.insert(
            "published_on".into(),
            Value::String(app.clock.now().to_db()),
        );
    }
    Ok(())
}

/// A type's parent must not be the type itself or one of its own subtypes, and the tree stays
/// at most [`MAX_TYPE_DEPTH`] deep.
async fn before_save_type(
    app: &App,
    tx: &mut TenantTx,
    data: &Map<String, Value>,
    previous: Option<&Record>,
) -> Result<()> {
    let Some(mut parent) = data
        .get("parent")
        .and_then(Value::as_str)
        .and_then(|p| records::RecordId::parse(p).ok())
    else {
        return Ok(());
    };
    let types = records::built_in(app, TYPE_OBJECT)?;
    let own = previous.map(|p| p.id);
    for depth in 1.. {
        if Some(parent) == own {
            return Err(Error::invalid_field(
                "parent",
                crate::tr!("knowledge-type-cycle"),
            ));
        }
        if depth >= MAX_TYPE_DEPTH {
            return Err(Error::invalid_field(
                "parent",
                crate::tr!("knowledge-type-too-deep", max = MAX_TYPE_DEPTH),
            ));
        }
        let Some(above) = records::find_unchecked(tx, &types, parent).await? else {
            return Ok(());
        };
        match above
            .data
            .get("parent")
            .and_then(Value::as_str)
            .and_then(|p| records::RecordId::parse(p).ok())
        {
            Some(next) => parent = next,
            None => return Ok(()),
        }
    }
    Ok(())
}

/// An article type in the tree, as the type filter lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// 0 for a type without a parent.
    pub depth: usize,
    /// Itself and every type below it: what choosing it finds.
    pub within: Vec<String>,
}

/// The article types the reader may read, as a tree in depth-first order, by name at each level
/// (a type whose parent they may not read stands at the top).
pub async fn categories(app: &App, actor: &Actor) -> Vec<Category> {
    let request = records::ListRequest {
        limit: Some(records::MAX_PAGE),
        sort: Some("name".into()),
        ..Default::default()
    };
    let Ok(page) = records::list(app, actor, TYPE_OBJECT, &request).await else {
        return Vec::new();
    };
    let types: Vec<(String, String, Option<String>)> = page
        .data
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap_or_default().to_owned(),
                t["data"]["name"].as_str().unwrap_or_default().to_owned(),
                t["data"]["parent"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let known = |id: &Option<String>| id.as_ref().is_some_and(|p| types.iter().any(|t| &t.0 == p));
    let mut tree = Vec::new();
    fn walk(
        types: &[(String, String, Option<String>)],
        id: &str,
        name: &str,
        depth: usize,
        tree: &mut Vec<Category>,
    ) {
        let at = tree.len();
        tree.push(Category {
            id: id.to_owned(),
            name: name.to_owned(),
            depth,
            within: vec![id.to_owned()],
        });
        if depth < MAX_TYPE_DEPTH {
            for (child, child_name, _) in types.iter().filter(|t| t.2.as_deref() == Some(id)) {
                walk(types, child, child_name, depth + 1, tree);
            }
        }
        let below: Vec<String> = tree[at + 1..].iter().map(|c| c.id.clone()).collect();
        tree[at].within.extend(below);
    }
    for (id, name, _) in types.iter().filter(|t| !known(&t.2)) {
        walk(&types, id, name, 0, &mut tree);
    }
    tree
}

/// The type and the types below it, as the reader may read them: what filtering on it finds (at
/// most as many as a list's conditions, in the tree's order).
pub async fn within(app: &App, actor: &Actor, type_id: &str) -> Vec<String> {
    let mut within = categories(app, actor)
        .await
        .into_iter()
        .find(|c| c.id == type_id)
        .map_or_else(|| vec![type_id.to_owned()], |c| c.within);
    within.truncate(records::MAX_CONDITIONS);
    within
}

async fn after_save(
    tx: &mut TenantTx,
    actor: &Actor,
    record: &Record,
    previous: Option<&Record>,
) -> Result<()> {
    let body = format!(
        "{}\n{}",
        plain_text(text(&record.data, "body")),
        text(&record.data, "tags")
    );
    search::index(
        tx,
        OBJECT,
        &record.id.to_string(),
        text(&record.data, "title"),
        &body,
    )
    .await?;
    let now = published(&record.data);
    if previous.is_some_and(|p| published(&p.data) == now) {
        return Ok(());
    }
    let Some(external) = actor.policy.root_of(Audience::External) else {
        return Ok(());
    };
    let external = external.id.to_string();
    if now {
        access::records::grant_by_process(
            tx,
            &record.object,
            record.id,
            &external,
            Level::Read,
            PUBLICATION,
        )
        .await
    } else {
        access::records::revoke_by_process(tx, &record.object, record.id, &external, PUBLICATION)
            .await
    }
}

/// Markdown without its markup, for the search index.
fn plain_text(source: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut text = String::new();
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                text.push_str(&t);
                text.push(' ');
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text
}

#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// The record as the reader may see it.
    pub record: Value,
    pub html: String,
    pub type_name: Option<String>,
    pub tags: Vec<String>,
    pub views: i64,
    pub helpful: Helpful,
    pub related: Vec<Related>,
    /// Its comments and likes.
    #[serde(flatten)]
    pub feed: records::feed::Feed,
}

/// Opens an article to read: counts the view (once per reader and day), and the opening of a
/// suggestion made while the reader wrote a case; gathers its comments, likes, votes and related
/// articles.
pub async fn read(app: &App, actor: &Actor, id: &str, from_suggestion: bool) -> Result<Article> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (object, record) =
        records::open_for(&mut tx, actor, OBJECT, id, Operation::Read, Level::Read).await?;
    let tenant = tx.tenant_param();
    let article_id = record.id.to_string();
    let counted = sqlx::query("INSERT INTO article_views (tenant_id, article_id, user_id, day) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(tenant)
        .bind(&article_id)
        .bind(actor.user)
        .bind(app.clock.now().to_db()[..10].to_owned())
        .execute(tx.conn())
        .await?
        .rows_affected()
        > 0;
    let views: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM article_views WHERE tenant_id = $1 AND article_id = $2",
    )
    .bind(tenant)
    .bind(&article_id)
    .fetch_one(tx.conn())
    .await?;
    let feed = records::feed::load(&mut tx, actor, record.id).await?;
    let helpful = helpful(&mut tx, actor, record.id).await?;
    if from_suggestion && actor.kind == crate::users::UserKind::External {
        opened_from_suggestion(app, &mut tx, actor, record.id).await?;
    }
    // Gate 4: a hidden column names no type and shows no tags.
    let columns = records::Columns::of(actor, &object);
    let type_id =
        Some(text(&record.data, "type")).filter(|t| !t.is_empty() && columns.visible("type"));
    let tags: Vec<String> = if columns.visible("tags") {
        text(&record.data, "tags")
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
    let type_name = match type_id.and_then(|t| records::RecordId::parse(t).ok()) {
        Some(type_id) => {
            let type_object = records::built_in(app, "knowledge_type")?;
            records::find_unchecked(&mut tx, &type_object, type_id)
                .await?
                .map(|t| text(&t.data, "name").to_owned())
        }
        None => None,
    };
    tx.commit().await?;
    if counted {
        app.popular.forget(actor.tenant.id);
    }
    let related = related(app, actor, &record, &tags, type_id).await;
    Ok(Article {
        html: if columns.visible("body") {
            crate::text::render_markdown(text(&record.data, "body"))
        } else {
            String::new()
        },
        tags,
        record: columns.render(&record),
        type_name,
        views,
        helpful,
        related,
        feed,
    })
}

/// Likes (or unlikes) an article; a new like counts for popularity at once on this node.
pub async fn like(app: &App, actor: &Actor, article: &str, on: bool) -> Result<()> {
    let changed = records::feed::like(app, actor, OBJECT, article, None, on).await?;
    if changed {
        app.popular.forget(actor.tenant.id);
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Popular {
    pub id: String,
    pub title: String,
    pub score: i64,
}

/// How many of the tenant's most popular articles are kept between requests, and for how long:
/// counting a month of views and likes of every published article on every page would cost more
/// than the page. Who may read which of them is decided afresh on every request.
const POPULAR_KEPT: usize = 100;
const POPULAR_RECOUNT: std::time::Duration = std::time::Duration::from_secs(60);

/// Each tenant's published articles by popularity (ids and scores, best first), as last counted.
/// A new view or like on this node has it counted again at the next request; other nodes count
/// again within [`POPULAR_RECOUNT`].
#[derive(Debug, Default)]
pub struct PopularCache(Mutex<HashMap<TenantId, (Instant, Arc<Ranking>)>>);

/// Article ids and their scores, best first.
type Ranking = Vec<(String, i64)>;

impl PopularCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, (Instant, Arc<Ranking>)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn forget(&self, tenant: TenantId) {
        self.lock().remove(&tenant);
    }
}

/// The articles the actor may read that were most viewed and liked in the last 30 days (up to a
/// minute ago).
pub async fn popular(app: &App, actor: &Actor, limit: i64) -> Result<Vec<Popular>> {
    let object = records::built_in(app, OBJECT)?;
    access::check(actor, Capability::Records(&object, Operation::Read))?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let ranking = ranking(app, &mut tx).await?;
    let limit = usize::try_from(limit).unwrap_or(0);
    // Most readers may read most articles: the first few of the ranking usually suffice.
    let mut popular = readable_of(&mut tx, actor, &ranking[..ranking.len().min(limit * 4)]).await?;
    if popular.len() < limit && ranking.len() > limit * 4 {
        popular = readable_of(&mut tx, actor, &ranking).await?;
    }
    popular.truncate(limit);
    tx.finish_reading().await?;
    Ok(popular)
}

/// The articles of `ranking` the actor may read, in its order, with their titles.
async fn readable_of(
    tx: &mut TenantTx,
    actor: &Actor,
    ranking: &[(String, i64)],
) -> Result<Vec<Popular>> {
    let ids: Vec<&str> = ranking.iter().map(|(id, _)| id.as_str()).collect();
    let tenant = tx.tenant_param();
    let mut sql =
        Sql::new("SELECT r.id, r.data->>'title' AS title FROM records r WHERE r.tenant_id = ");
    sql.bind(tenant)
        .push(" AND r.object = ")
        .push_name(OBJECT)
        .push(" AND r.deleted_at IS NULL AND r.data->>'state' = 'Published' AND r.id")
        .one_of(tx.dialect(), &ids);
    Visibility::of(actor).push_probe(&mut sql);
    let mut titles: HashMap<String, String> = sql
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| {
            let title: Option<String> = r.try_get("title")?;
            Ok((r.try_get("id")?, title.unwrap_or_default()))
        })
        .collect::<Result<_>>()?;
    Ok(ranking
        .iter()
        .filter_map(|(id, score)| {
            Some(Popular {
                title: titles.remove(id)?,
                id: id.clone(),
                score: *score,
            })
        })
        .collect())
}

/// The tenant's published articles by popularity, counted at most once every [`POPULAR_RECOUNT`].
async fn ranking(app: &App, tx: &mut TenantTx) -> Result<Arc<Ranking>> {
    let tenant = tx.tenant();
    if let Some((at, ranking)) = app.popular.lock().get(&tenant)
        && at.elapsed() < POPULAR_RECOUNT
    {
        return Ok(ranking.clone());
    }
    let since = app.clock.now() - POPULAR_WINDOW;
    let mut sql = Sql::new(
        "SELECT r.id, (SELECT count(*) FROM article_views v WHERE v.tenant_id = r.tenant_id AND v.article_id = r.id AND v.day >= ",
    );
    sql.bind(since.to_db()[..10].to_owned())
        .push(") + 2 * (SELECT count(*) FROM reactions x WHERE x.tenant_id = r.tenant_id AND x.target = 'record' AND x.target_id = r.id AND x.at >= ")
        .bind(since)
        .push(") AS score FROM records r WHERE r.tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND r.object = ")
        .push_name(OBJECT)
        .push(" AND r.deleted_at IS NULL AND r.data->>'state' = 'Published'")
        .push(" ORDER BY score DESC, r.id DESC LIMIT ")
        .bind(POPULAR_KEPT as i64);
    let ranking: Ranking = sql
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("score")?)))
        .collect::<Result<_>>()?;
    let ranking = Arc::new(ranking);
    app.popular
        .lock()
        .insert(tenant, (Instant::now(), ranking.clone()));
    Ok(ranking)
}

/// Full-text search over the articles the actor may read, optionally of one type.
pub async fn search(
    app: &App,
    actor: &Actor,
    query: &str,
    type_id: Option<&str>,
    page: i64,
) -> Result<search::Results> {
    if query.chars().count() > 200 {
        return Err(Error::invalid_field(
            "q",
            crate::tr!("knowledge-query-too-long"),
        ));
    }
    if !(0..=1000).contains(&page) {
        return Err(Error::invalid_field(
            "page",
            crate::tr!("knowledge-page-range"),
        ));
    }
    let words = search::Words {
        text: query,
        every: true,
    };
    search_articles(app, actor, words, type_id, 10, page * 10).await
}

/// Articles that may answer a case being written, from its subject so far: those with most of
/// its longer words first, a few.
pub async fn suggest(app: &App, actor: &Actor, subject: &str) -> Result<Vec<search::Hit>> {
    if subject.chars().count() > 250 {
        return Err(Error::invalid_field(
            "subject",
            crate::tr!("knowledge-subject-too-long"),
        ));
    }
    // Short words ("on", "the") would suggest everything.
    let words: Vec<&str> = subject
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .take(8)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let text = words.join(" ");
    let words = search::Words {
        text: &text,
        every: false,
    };
    Ok(search_articles(app, actor, words, None, 5, 0).await?.hits)
}

async fn search_articles(
    app: &App,
    actor: &Actor,
    words: search::Words<'_>,
    type_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<search::Results> {
    let object = records::built_in(app, OBJECT)?;
    access::check(actor, Capability::Records(&object, Operation::Read))?;
    // Gate 4: only the parts of an article whose columns the reader sees are searched and shown.
    let columns = records::Columns::of(actor, &object);
    let parts = search::Parts {
        title: columns.visible("title"),
        body: columns.visible("body") && columns.visible("tags"),
    };
    let types = match type_id.filter(|t| !t.is_empty() && columns.visible("type")) {
        Some(type_id) => within(app, actor, type_id).await,
        None => Vec::new(),
    };
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let dialect = tx.dialect();
    let results = search::search(
        &mut tx,
        OBJECT,
        words,
        &Visibility::of(actor),
        parts,
        |sql| {
            if !types.is_empty() {
                let types: Vec<&str> = types.iter().map(String::as_str).collect();
                sql.push(" AND r.data->>'type'").one_of(dialect, &types);
            }
        },
        limit,
        offset,
    )
    .await?;
    tx.finish_reading().await?;
    Ok(results)
}

/// How readers rated an article.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Helpful {
    pub yes: i64,
    pub no: i64,
    /// The reader's own answer.
    pub mine: Option<bool>,
}

/// Answers "Was this helpful?" for an article the actor may read (again: the answer changes).
pub async fn vote(app: &App, actor: &Actor, article: &str, helpful: bool) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (_, record) = records::open_for(
        &mut tx,
        actor,
        OBJECT,
        article,
        Operation::Read,
        Level::Read,
    )
    .await?;
    sqlx::query(
        "INSERT INTO article_votes (tenant_id, article_id, user_id, helpful, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, article_id, user_id) DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
    )
    .bind(tx.tenant_param())
    .bind(record.id)
    .bind(actor.user)
    .bind(i64::from(helpful))
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn helpful(tx: &mut TenantTx, actor: &Actor, article: records::RecordId) -> Result<Helpful> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(helpful), 0) AS yes, COALESCE(SUM(1 - helpful), 0) AS no,
                CAST(MAX(CASE WHEN user_id = $3 THEN helpful + 1 ELSE 0 END) AS BIGINT) AS mine
         FROM article_votes WHERE tenant_id = $1 AND article_id = $2",
    )
    .bind(tx.tenant_param())
    .bind(article)
    .bind(actor.user)
    .fetch_one(tx.conn())
    .await?;
    let mine: Option<i64> = row.try_get("mine")?;
    Ok(Helpful {
        yes: row.try_get("yes")?,
        no: row.try_get("no")?,
        mine: match mine {
            Some(2) => Some(true),
            Some(1) => Some(false),
            _ => None,
        },
    })
}

/// A published article linked from another.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub id: String,
    pub title: String,
}

/// Up to five published articles of the same type or with one of the same tags, that the reader
/// may read, newest first.
async fn related(
    app: &App,
    actor: &Actor,
    article: &Record,
    tags: &[String],
    type_id: Option<&str>,
) -> Vec<Related> {
    let mut any: Vec<records::Condition> = tags
        .iter()
        .take(5)
        .map(|tag| records::Condition::Filter(format!("tags:contains:{tag}")))
        .collect();
    if let Some(type_id) = type_id {
        any.push(records::Condition::Filter(format!("type:eq:{type_id}")));
    }
    if any.is_empty() {
        return Vec::new();
    }
    let request = records::ListRequest {
        limit: Some(6),
        sort: Some("-published_on".into()),
        filters: vec!["state:eq:Published".into()],
        folder: Some(records::FolderScope::Matching(records::Condition::Any {
            any,
        })),
        ..Default::default()
    };
    let Ok(page) = records::list(app, actor, OBJECT, &request).await else {
        return Vec::new();
    };
    let own = article.id.to_string();
    page.data
        .iter()
        .filter(|r| r["id"].as_str() != Some(own.as_str()))
        .take(5)
        .map(|r| Related {
            id: r["id"].as_str().unwrap_or_default().to_owned(),
            title: records::title_of(actor, OBJECT, r),
        })
        .collect()
}

/// Counts who opened an article suggested while writing a case (a deflection, unless they file a
/// case within a day after).
async fn opened_from_suggestion(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    article: records::RecordId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO deflections (tenant_id, id, user_id, article_id, opened_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tx.tenant_param())
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(actor.user)
    .bind(article)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// How long after opening a suggested article filing a case still counts as "not deflected".
const DEFLECTION_WINDOW_HOURS: i64 = 24;

/// A case was filed: the suggestions its author opened in the day before did not deflect it.
pub(crate) async fn case_filed(
    app: &App,
    tx: &mut TenantTx,
    author: crate::users::UserId,
) -> Result<()> {
    let now = app.clock.now();
    let since = crate::store::Timestamp(now.0 - Duration::hours(DEFLECTION_WINDOW_HOURS));
    sqlx::query(
        "UPDATE deflections SET case_filed_at = $3 WHERE tenant_id = $1 AND user_id = $2 AND case_filed_at IS NULL AND opened_at >= $4",
    )
    .bind(tx.tenant_param())
    .bind(author)
    .bind(now)
    .bind(since)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// What readers made of the knowledge base in the last 30 days, for the console.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Insights {
    pub helpful: i64,
    pub not_helpful: i64,
    /// Suggested articles opened while writing a case.
    pub suggestions_opened: i64,
    /// Of those, how many were followed by no case (within a day).
    pub cases_not_filed: i64,
}

pub async fn insights(app: &App, actor: &Actor) -> Result<Insights> {
    let object = records::built_in(app, OBJECT)?;
    access::check(actor, Capability::Records(&object, Operation::Update))?;
    let since = crate::store::Timestamp(app.clock.now().0 - Duration::days(30));
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let votes = sqlx::query(
        "SELECT COALESCE(SUM(helpful), 0) AS yes, COALESCE(SUM(1 - helpful), 0) AS no
         FROM article_votes WHERE tenant_id = $1 AND at >= $2",
    )
    .bind(tx.tenant_param())
    .bind(since)
    .fetch_one(tx.conn())
    .await?;
    let opened = sqlx::query(
        "SELECT count(*) AS opened, COALESCE(SUM(CASE WHEN case_filed_at IS NULL THEN 1 ELSE 0 END), 0) AS not_filed
         FROM deflections WHERE tenant_id = $1 AND opened_at >= $2",
    )
    .bind(tx.tenant_param())
    .bind(since)
    .fetch_one(tx.conn())
    .await?;
    Ok(Insights {
        helpful: votes.try_get("yes")?,
        not_helpful: votes.try_get("no")?,
        suggestions_opened: opened.try_get("opened")?,
        cases_not_filed: opened.try_get("not_filed")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_without_scripts() {
        let html = crate::text::render_markdown(
            "# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h1>Title</h1>") && html.contains("<strong>bold</strong>"));
        assert!(
            !html.contains("<script") && !html.contains("javascript:") && !html.contains("onerror"),
            "{html}"
        );
        assert_eq!(
            plain_text("# Reset\n\nHold **the** button")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Reset", "Hold", "the", "button"]
        );
    }
}
