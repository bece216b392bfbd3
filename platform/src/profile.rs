//! A person's own profile: the details of their contact record the tenant puts on the profile
//! page (and which of them people may change there, as far as column permissions let them),
//! their name and their photo. The tenant's choice is one setting, made by those who configure
//! access (the reference's "Set up the profile page").

use std::collections::BTreeMap;

use axum::body::Bytes;
use object_store::{ObjectStoreExt, PutPayload, path::Path as StorePath};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, FieldErrors, Result},
    records::{self, Columns, ObjectType, RecordId},
    sections::cases::agreements::{self, Serving},
    store::{Access, TenantTx, settings},
    users::{self, UserId},
};

const SETTING: &str = "profile:fields";
/// The contact object whose fields a profile shows.
const CONTACT: &str = "contact";
/// Chosen on the profile's own card (language and time zone), or not a person's to change.
const NOT_OFFERED: [&str; 2] = ["language", "notes"];
/// The sign-in address: shown at most (changing it is not a profile edit).
const LOGIN_FIELD: &str = "email";
/// A photo is at most this large.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// Nor wider or higher than this, in pixels.
const MAX_PHOTO_SIDE: u32 = 4096;

/// How a contact field appears on people's profile pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnProfile {
    Hidden,
    /// Shown, not changed there.
    Shown,
    /// Shown, and people change it there (if column permissions let them write it).
    Editable,
}

/// One contact field and how profiles show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldSetting {
    pub field: String,
    pub title: String,
    pub shown: OnProfile,
}

/// How profiles are to show one contact field.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct FieldChoice {
    pub field: String,
    pub shown: OnProfile,
}

/// The fields a profile may show, in the contact object's order: its text fields.
fn offered(contact: &ObjectType) -> impl Iterator<Item = &records::Field> {
    contact.fields.iter().filter(|f| {
        f.schema.get("type").and_then(Value::as_str) == Some("string")
            && f.reference.is_none()
            && !f.is_file()
            && !NOT_OFFERED.contains(&f.name.as_str())
    })
}

/// What profiles show while the tenant has not chosen.
fn default_shown(field: &str) -> OnProfile {
    match field {
        "full_name" | "phone" | "job_title" => OnProfile::Editable,
        LOGIN_FIELD => OnProfile::Shown,
        _ => OnProfile::Hidden,
    }
}

async fn chosen(tx: &mut TenantTx) -> Result<Option<BTreeMap<String, OnProfile>>> {
    Ok(match settings::get(tx, SETTING).await? {
        Some(text) => Some(serde_json::from_str(&text).map_err(anyhow::Error::from)?),
        None => None,
    })
}

fn settings_of(
    contact: &ObjectType,
    chosen: Option<&BTreeMap<String, OnProfile>>,
) -> Vec<FieldSetting> {
    offered(contact)
        .map(|f| FieldSetting {
            field: f.name.clone(),
            title: contact.field_title_shown(f),
            shown: match chosen {
                Some(chosen) => chosen.get(&f.name).copied().unwrap_or(OnProfile::Hidden),
                None => default_shown(&f.name),
            },
        })
        .collect()
}

/// How the tenant's profile pages show each contact field.
pub async fn settings(app: &App, actor: &Actor) -> Result<Vec<FieldSetting>> {
    access::check(actor, Capability::ConfigureAccess)?;
    let contact = records::built_in(app, CONTACT)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let chosen = chosen(&mut tx).await?;
    Ok(settings_of(&contact, chosen.as_ref()))
}

/// Sets how profile pages show the fields named; fields not named are hidden.
pub async fn set_settings(
    app: &App,
    actor: &Actor,
    wanted: &[FieldChoice],
) -> Result<Vec<FieldSetting>> {
    access::check(actor, Capability::ConfigureAccess)?;
    let contact = records::built_in(app, CONTACT)?;
    let mut errors = FieldErrors::new();
    let mut new = BTreeMap::new();
    for setting in wanted {
        let known = offered(&contact).any(|f| f.name == setting.field);
        let refusal = if !known {
            Some(crate::tr!(
                "profile-field-unknown",
                field = setting.field.as_str()
            ))
        } else if setting.field == LOGIN_FIELD && setting.shown == OnProfile::Editable {
            Some(crate::tr!("profile-login-not-editable"))
        } else if new.insert(setting.field.clone(), setting.shown).is_some() {
            Some(crate::tr!(
                "profile-field-twice",
                field = setting.field.as_str()
            ))
        } else {
            None
        };
        if let Some(message) = refusal {
            errors
                .entry(setting.field.clone())
                .or_default()
                .push(message);
        }
    }
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    new.retain(|_, shown| *shown != OnProfile::Hidden);
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = chosen(&mut tx).await?;
    let text = serde_json::to_string(&new).map_err(anyhow::Error::from)?;
    settings::put(&mut tx, SETTING, &text).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "profile.settings",
        "tenant".to_owned(),
        old.map(|o| json!(o)),
        Some(json!(new)),
    )
    .await?;
    tx.commit().await?;
    Ok(settings_of(&contact, Some(&new)))
}

/// One detail on a person's profile.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Detail {
    pub field: String,
    pub title: String,
    /// `text`, `email`, `tel` or `date`: how a form asks for it.
    pub input: &'static str,
    pub value: Option<String>,
    pub editable: bool,
    /// For text, the longest value taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
}

/// A person's profile as they see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub full_name: String,
    pub login: String,
    /// Whether the name is theirs to change here.
    pub name_editable: bool,
    pub details: Vec<Detail>,
    /// Whether they have a photo (`GET /api/v1/me/photo`).
    pub photo: bool,
}

fn input_of(field: &records::Field) -> &'static str {
    match field.schema.get("format").and_then(Value::as_str) {
        Some("email") => "email",
        Some("date") => "date",
        _ if field.name == "phone" => "tel",
        _ => "text",
    }
}

/// The profile of `actor`, read in `tx`.
async fn read(app: &App, tx: &mut TenantTx, actor: &Actor) -> Result<Profile> {
    let user = users::storage::find(tx, actor.user)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let contact = records::built_in(app, CONTACT)?;
    let columns = Columns::of(actor, &contact);
    let settings = settings_of(&contact, chosen(tx).await?.as_ref());
    let record = match user.contact.as_deref().map(RecordId::parse) {
        Some(Ok(id)) => records::find_unchecked(tx, &contact, id).await?,
        _ => None,
    };
    let shown = |name: &str| {
        settings
            .iter()
            .find(|s| s.field == name)
            .map_or(OnProfile::Hidden, |s| s.shown)
    };
    let mut details = Vec::new();
    if let Some(record) = &record {
        for field in offered(&contact) {
            let shown = shown(&field.name);
            // The name is the profile's heading, not one of its details.
            if shown == OnProfile::Hidden
                || field.name == "full_name"
                || !columns.visible(&field.name)
            {
                continue;
            }
            details.push(Detail {
                field: field.name.clone(),
                title: contact.field_title_shown(field),
                input: input_of(field),
                value: record
                    .data
                    .get(&field.name)
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                editable: shown == OnProfile::Editable && columns.writable(&field.name),
                max_length: field.schema.get("maxLength").and_then(Value::as_u64),
            });
        }
    }
    let name_editable = shown("full_name") == OnProfile::Editable
        && (record.is_none() || columns.writable("full_name"));
    Ok(Profile {
        full_name: user.full_name,
        login: user.login.to_string(),
        name_editable,
        details,
        photo: user.photo.is_some(),
    })
}

/// The actor's own profile.
pub async fn own(app: &App, actor: &Actor) -> Result<Profile> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read(app, &mut tx, actor).await
}

/// The service agreements that serve the actor (their profile's "Service" tab): those a new
/// case of theirs would get, each with its services. None for people without a contact.
pub async fn services(app: &App, actor: &Actor) -> Result<Vec<Serving>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    services_in(app, &mut tx, actor).await
}

async fn services_in(app: &App, tx: &mut TenantTx, actor: &Actor) -> Result<Vec<Serving>> {
    match actor.contact.as_deref() {
        Some(contact) => agreements::serving(app, tx, Some(contact), None).await,
        None => Ok(Vec::new()),
    }
}

/// What the profile page shows of the actor: [`own`] and [`services`], read together.
pub async fn page(app: &App, actor: &Actor) -> Result<(Profile, Vec<Serving>)> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let profile = read(app, &mut tx, actor).await?;
    Ok((profile, services_in(app, &mut tx, actor).await?))
}

/// Changes the actor's own name and details: each one named must be theirs to change on the
/// profile (a value sent as it is changes nothing); the contact record's rules check the values.
pub async fn update_own(app: &App, actor: &Actor, changes: Map<String, Value>) -> Result<Profile> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let before = read(app, &mut tx, actor).await?;
    let mut errors = FieldErrors::new();
    let mut changed = Map::new();
    let mut previous = Map::new();
    for (field, value) in changes {
        let value = match value {
            Value::String(text) if text.trim().is_empty() => Value::Null,
            Value::String(text) => Value::String(text.trim().to_owned()),
            other => other,
        };
        let (editable, was) = if field == "full_name" {
            (
                before.name_editable,
                Value::String(before.full_name.clone()),
            )
        } else {
            let detail = before.details.iter().find(|d| d.field == field);
            let value = detail.and_then(|d| d.value.clone());
            (
                detail.is_some_and(|d| d.editable),
                value.map_or(Value::Null, Value::String),
            )
        };
        if value == was {
            continue;
        }
        if !editable {
            errors
                .entry(field.clone())
                .or_default()
                .push(crate::tr!("profile-not-editable"));
            continue;
        }
        previous.insert(field.clone(), was);
        changed.insert(field, value);
    }
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    if changed.is_empty() {
        return Ok(before);
    }
    if let Some(name) = changed.get("full_name") {
        let name = crate::text::name("full_name", name.as_str().unwrap_or_default(), 250)?;
        users::storage::set_full_name(&mut tx, actor.user, &name).await?;
        changed.insert("full_name".into(), Value::String(name));
    }
    if let Some(Ok(id)) = actor.contact.as_deref().map(RecordId::parse) {
        let contact = records::built_in(app, CONTACT)?;
        records::patch_unchecked(app, &mut tx, actor, &contact, id, changed.clone()).await?;
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "profile.update",
        format!("user:{}", actor.user),
        Some(Value::Object(previous)),
        Some(Value::Object(changed)),
    )
    .await?;
    let after = read(app, &mut tx, actor).await?;
    tx.commit().await?;
    Ok(after)
}

/// Where a user's photo is stored: each new photo under a new name, so a cached one is never
/// shown for another.
fn photo_location(actor: &Actor, user: UserId, photo: &str) -> StorePath {
    StorePath::from(format!("photos/{}/{user}/{photo}", actor.tenant.id.get()))
}

/// The photo's type if it is one a profile shows: a PNG or JPEG of sensible size. Not SVG,
/// which can carry script.
fn checked_photo(bytes: &[u8]) -> std::result::Result<&'static str, String> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(crate::tr!(
            "profile-photo-too-large",
            kb = MAX_PHOTO_BYTES / 1024
        ));
    }
    let (content_type, size) = match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some("image/png") => ("image/png", crate::branding::png_size(bytes)),
        Some("image/jpeg") => ("image/jpeg", crate::branding::jpeg_size(bytes)),
        _ => return Err(crate::tr!("profile-photo-kind")),
    };
    match size {
        Some((w, h)) if (1..=MAX_PHOTO_SIDE).contains(&w) && (1..=MAX_PHOTO_SIDE).contains(&h) => {
            Ok(content_type)
        }
        _ => Err(crate::tr!(
            "profile-photo-unreadable",
            side = MAX_PHOTO_SIDE
        )),
    }
}

/// Replaces the actor's photo (`None`: removes it).
pub async fn set_photo(app: &App, actor: &Actor, bytes: Option<Bytes>) -> Result<Profile> {
    let new = match &bytes {
        Some(bytes) => {
            checked_photo(bytes).map_err(|message| Error::invalid_field("photo", message))?;
            let name = uuid::Uuid::now_v7().simple().to_string();
            app.files
                .put(
                    &photo_location(actor, actor.user, &name),
                    PutPayload::from(bytes.clone()),
                )
                .await
                .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
            Some(name)
        }
        None => None,
    };
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = users::storage::find(&mut tx, actor.user)
        .await?
        .ok_or(Error::NotFound("user"))?
        .photo;
    users::storage::set_photo(&mut tx, actor.user, new.as_deref()).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "profile.photo",
        format!("user:{}", actor.user),
        Some(json!({ "photo": old.is_some() })),
        Some(json!({ "photo": new.is_some() })),
    )
    .await?;
    let profile = read(app, &mut tx, actor).await?;
    tx.commit().await?;
    // The old photo is no longer named: best effort.
    if let Some(old) = old {
        let _ = app
            .files
            .delete(&photo_location(actor, actor.user, &old))
            .await;
    }
    Ok(profile)
}

/// The actor's own photo and its type, if they have one.
pub async fn photo(app: &App, actor: &Actor) -> Result<(&'static str, Bytes)> {
    // The request read the user: their photo's name comes with them.
    let name = actor.photo.as_deref().ok_or(Error::NotFound("photo"))?;
    let bytes = crate::files::read(app, photo_location(actor, actor.user, name).as_ref()).await?;
    let content_type = match infer::get(&bytes).map(|kind| kind.mime_type()) {
        Some("image/png") => "image/png",
        _ => "image/jpeg",
    };
    Ok((content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_a_png_or_jpeg_of_sensible_size() {
        let png = |w: u32, h: u32| {
            let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            bytes.extend(w.to_be_bytes());
            bytes.extend(h.to_be_bytes());
            bytes.extend([8, 6, 0, 0, 0]);
            bytes
        };
        assert_eq!(checked_photo(&png(64, 64)), Ok("image/png"));
        assert!(checked_photo(&png(0, 64)).is_err());
        assert!(checked_photo(&png(5000, 64)).is_err());
        assert!(checked_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>").is_err());
        let mut large = png(64, 64);
        large.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(checked_photo(&large).is_err());
    }
}
