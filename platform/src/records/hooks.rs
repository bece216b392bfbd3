//! One interface for the rules of every section, built-in or installed: the record store asks
//! the catalog for an object's section and calls its hooks around saves, deletions and actions,
//! and the portal's main page asks every section for its widgets. Built-in sections implement it
//! natively; the plugin host adapts an installed section's component to it.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ObjectType, Record};
use crate::{access::Actor, app::App, error::Result, store::TenantTx};

/// What a save is about: who saves which object's record, and the record as it was (`None` for
/// a new one).
#[derive(Debug, Clone, Copy)]
pub struct Save<'a> {
    pub app: &'a App,
    pub actor: &'a Actor,
    pub object: &'a ObjectType,
    pub previous: Option<&'a Record>,
}

/// What a section decided about an action taken on one of its records: a status and field
/// changes (none, for a section that only declares its actions).
#[derive(Debug, Default)]
pub struct Decision {
    pub status: Option<String>,
    pub changes: Option<Map<String, Value>>,
}

/// One thing a section shows on the portal's main page, drawn by the template
/// `partials/widgets/{kind}.html` from `data`. Sections answer only widgets whose data the
/// viewer may read.
#[derive(Debug, Clone, Serialize)]
pub struct Widget {
    pub kind: &'static str,
    pub data: Value,
}

impl Widget {
    pub fn new(kind: &'static str, data: impl Serialize) -> Self {
        Self {
            kind,
            data: serde_json::to_value(data).unwrap_or_default(),
        }
    }
}

/// A section's rules. Every hook has a default that does nothing, so a section implements only
/// what it needs.
#[async_trait]
pub trait SectionHooks: Send + Sync {
    /// Whether [`prepare`](Self::prepare) does anything: only then does an update read its
    /// record once more before its transaction.
    fn prepares(&self) -> bool {
        false
    }

    /// Checks and completes a record about to be saved, before any transaction is open (an
    /// installed section's `validate` and `before-save`, whose imports open their own).
    async fn prepare(&self, _save: Save<'_>, _data: &mut Map<String, Value>) -> Result<()> {
        Ok(())
    }

    /// Fills or corrects a record about to be validated and saved, in the save's transaction
    /// (a read transaction for a new record, the write itself for a change).
    async fn before_save(
        &self,
        _save: Save<'_>,
        _tx: &mut TenantTx,
        _data: &mut Map<String, Value>,
    ) -> Result<()> {
        Ok(())
    }

    /// Runs after a record was written, in the same transaction.
    async fn after_save(
        &self,
        _save: Save<'_>,
        _tx: &mut TenantTx,
        _record: &Record,
    ) -> Result<()> {
        Ok(())
    }

    /// Runs once a save committed; it cannot undo the save.
    async fn after_commit(&self, _save: Save<'_>, _record: &Record) -> Result<()> {
        Ok(())
    }

    /// Runs after a record was deleted (`deleted`, as it was), in the same transaction.
    async fn after_delete(
        &self,
        _save: Save<'_>,
        _tx: &mut TenantTx,
        _deleted: &Record,
    ) -> Result<()> {
        Ok(())
    }

    /// Decides what an action the actor may take does to the record.
    async fn on_action(
        &self,
        _app: &App,
        _actor: &Actor,
        _record: (&ObjectType, &Record),
        _action: &str,
        _comment: Option<&str>,
    ) -> Result<Decision> {
        Ok(Decision::default())
    }

    /// What the section shows the actor on the portal's main page.
    async fn main_page(&self, _app: &App, _actor: &Actor) -> Vec<Widget> {
        Vec::new()
    }

    /// Whether the section checks a reference field of its object itself (the record store then
    /// does not insist the actor may read the record it names).
    fn checks_own_reference(&self, _object: &str, _field: &str) -> bool {
        false
    }
}

/// A section without rules of its own (its records follow the record store's alone).
#[derive(Debug)]
pub struct NoRules;

#[async_trait]
impl SectionHooks for NoRules {}
