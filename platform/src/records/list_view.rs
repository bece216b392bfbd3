//! The columns each user chose for a list (the reference's "column setup"), kept per user and
//! object; a list and its export show them. Only columns the user may see are ever shown, whatever
//! was chosen before a permission changed.

use super::{Columns, ListColumn, ObjectType};
use crate::{
    access::{Actor, Operation},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx},
};

/// A list shows at most this many columns besides the number.
pub const MAX_COLUMNS: usize = 12;

/// The columns the actor's list of `object` shows: their choice, else the object's default.
pub async fn columns(app: &App, actor: &Actor, object: &str) -> Result<Vec<ListColumn>> {
    let (object, columns) = super::open(actor, object, Operation::Read)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    columns_in(&mut tx, actor, &object, &columns).await
}

/// [`columns`] in the caller's transaction, with the actor's column access already worked out.
pub(crate) async fn columns_in(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    columns: &Columns,
) -> Result<Vec<ListColumn>> {
    Ok(match chosen(tx, actor, object.code.as_str()).await? {
        Some(names) => columns.chosen(object, &names),
        None => columns.listed(object),
    })
}

/// Keeps the actor's choice of columns for `object` (`None`: back to the default). Every name
/// must be a column they may see.
pub async fn choose(
    app: &App,
    actor: &Actor,
    object: &str,
    names: Option<Vec<String>>,
) -> Result<()> {
    let (object, columns) = super::open(actor, object, Operation::Read)?;
    let choosable = columns.choosable(&object);
    if let Some(names) = &names {
        if names.is_empty() || names.len() > MAX_COLUMNS {
            return Err(Error::invalid_field(
                "columns",
                crate::tr!("records-columns-count", max = MAX_COLUMNS),
            ));
        }
        if let Some(unknown) = names
            .iter()
            .find(|n| !choosable.iter().any(|c| &c.name == *n))
        {
            return Err(Error::invalid_field(
                "columns",
                crate::tr!("records-not-filterable", name = format!("{unknown:?}")),
            ));
        }
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let user = actor.user.to_string();
    match names {
        Some(names) => {
            sqlx::query(
                "INSERT INTO list_columns (tenant_id, user_id, object, columns) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, user_id, object) DO UPDATE SET columns = excluded.columns",
            )
            .bind(tx.tenant_param())
            .bind(&user)
            .bind(object.code.as_str())
            .bind(serde_json::to_string(&names).expect("names serialise"))
            .execute(tx.conn())
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM list_columns WHERE tenant_id = $1 AND user_id = $2 AND object = $3",
            )
            .bind(tx.tenant_param())
            .bind(&user)
            .bind(object.code.as_str())
            .execute(tx.conn())
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn chosen(tx: &mut TenantTx, actor: &Actor, object: &str) -> Result<Option<Vec<String>>> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT columns FROM list_columns WHERE tenant_id = $1 AND user_id = $2 AND object = $3",
    )
    .bind(tx.tenant_param())
    .bind(actor.user.to_string())
    .bind(object)
    .fetch_optional(tx.conn())
    .await?;
    stored
        .map(|s| serde_json::from_str(&s).map_err(|e| Error::Internal(e.into())))
        .transpose()
}
