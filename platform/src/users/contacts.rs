//! Every external user is a Contact. Adding portal users by e-mail reuses the Contact with that
//! address or creates one (its full name is the address's local part, as people expect from the
//! reference product).

use serde_json::{Map, Value, json};

use crate::{
    access::Actor,
    app::App,
    error::{Error, Result},
    records::{self, RecordId},
    store::TenantTx,
};

use super::Email;

/// The id of the live Contact with this e-mail address, creating it if there is none. The
/// caller has already been authorised to add portal users; the Contact is part of that action.
pub async fn find_or_create(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    email: &Email,
    full_name: &str,
    account: Option<RecordId>,
) -> Result<String> {
    if let Some(existing) = with_email(tx, email).await?.into_iter().next() {
        return Ok(existing.id);
    }
    let object = records::built_in(app, "contact")?;
    let name = if full_name.trim().is_empty() {
        local_part(email)
    } else {
        full_name.trim()
    };
    let mut data = Map::new();
    data.insert("full_name".into(), json!(name));
    data.insert("email".into(), json!(email.as_str()));
    if let Some(account) = account {
        data.insert("account".into(), Value::String(account.to_string()));
    }
    object.validate(&data).map_err(Error::invalid_fields)?;
    let contact = records::insert(app, tx, actor, &object, &data).await?;
    Ok(contact.id.to_string())
}

/// The part of an address before the "@".
pub fn local_part(email: &Email) -> &str {
    email.as_str().split('@').next().unwrap_or_default()
}

/// A live Contact with some e-mail address: its id, the account it belongs to and the language
/// it names, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactOf {
    pub id: String,
    pub account: Option<String>,
    pub language: Option<String>,
}

/// Every live Contact with this e-mail address (any letter case), oldest first.
pub async fn with_email(tx: &mut TenantTx, email: &Email) -> Result<Vec<ContactOf>> {
    // Ordered here, not by the statement: an ORDER BY id would lead SQLite to walk every
    // Contact in id order instead of looking the address up in its index.
    let rows = sqlx::query(
        "SELECT id, data->>'account' AS account, data->>'language' AS language FROM records
         WHERE tenant_id = $1 AND object = 'contact' AND deleted_at IS NULL
           AND lower(data->>'email') = $2",
    )
    .bind(tx.tenant_param())
    .bind(email.as_str())
    .fetch_all(tx.conn())
    .await?;
    let mut contacts = rows
        .iter()
        .map(|row| {
            use sqlx::Row;
            Ok(ContactOf {
                id: row.try_get("id")?,
                account: row.try_get("account")?,
                language: row.try_get("language")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    contacts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(contacts)
}
