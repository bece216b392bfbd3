//! A tenant's working-time calendars, which service agreements name. Employees manage them.

use serde::Serialize;
use sqlx::Row;

use super::Calendar;
use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx},
};

#[derive(Debug, Clone, Serialize)]
pub struct StoredCalendar {
    pub id: String,
    pub name: String,
    pub calendar: Calendar,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<StoredCalendar> {
    let definition: String = row.try_get("definition")?;
    Ok(StoredCalendar {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        calendar: serde_json::from_str(&definition).map_err(|e| Error::Internal(e.into()))?,
    })
}

pub async fn list(app: &App, actor: &Actor) -> Result<Vec<StoredCalendar>> {
    access::check(actor, Capability::UseConsole)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let tenant = tx.tenant_param();
    let rows = sqlx::query(
        "SELECT id, name, definition FROM calendars WHERE tenant_id = $1 ORDER BY name",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Creates a calendar, or replaces the one with `id`.
pub async fn save(
    app: &App,
    actor: &Actor,
    id: Option<&str>,
    name: &str,
    calendar: &Calendar,
) -> Result<String> {
    access::check(actor, Capability::UseConsole)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::invalid_field(
            "name",
            crate::tr!("cases-calendar-name-length"),
        ));
    }
    if calendar.week.iter().flatten().any(|h| h.end <= h.start) {
        return Err(Error::invalid_field(
            "week",
            crate::tr!("cases-calendar-day-order"),
        ));
    }
    let definition = serde_json::to_string(calendar).map_err(|e| Error::Internal(e.into()))?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let tenant = tx.tenant_param();
    let id = match id {
        Some(id) => {
            let done = sqlx::query(
                "UPDATE calendars SET name = $3, definition = $4 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant)
            .bind(id)
            .bind(name)
            .bind(&definition)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound("calendar"));
            }
            id.to_owned()
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            sqlx::query("INSERT INTO calendars (tenant_id, id, name, definition, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(tenant)
                .bind(&id)
                .bind(name)
                .bind(&definition)
                .bind(app.clock.now())
                .execute(tx.conn())
                .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// The calendar with `id` (for deadlines, inside the caller's transaction).
pub(crate) async fn load(tx: &mut TenantTx, id: &str) -> Result<Option<StoredCalendar>> {
    let tenant = tx.tenant_param();
    let row =
        sqlx::query("SELECT id, name, definition FROM calendars WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(tx.conn())
            .await?;
    row.as_ref().map(from_row).transpose()
}
