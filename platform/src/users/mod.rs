//! People who sign in: employees (console), external users (portal) and system users (jobs,
//! plugins). A login is an e-mail address, unique per tenant.

pub(crate) mod contacts;
mod email;
pub mod import;
pub(crate) mod storage;

pub use email::Email;

use std::{fmt, str::FromStr};

use portico_tenants::{Configuration, Tenant};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    access::{self, Actor, Audience, Capability, RoleId},
    app::App,
    auth::{
        one_time::{self, Purpose},
        password_links, security,
    },
    error::{Error, FieldErrors, Result},
    mail::Template,
    records::Count,
    store::{Access, TenantTx, Timestamp, uuid_text_column},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(Uuid);
uuid_text_column!(UserId);

impl UserId {
    fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for UserId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    /// Works in the console.
    Employee,
    /// Uses the portal: a customer, partner or contractor.
    External,
    /// Acts for the platform itself (jobs, plugins); never signs in.
    System,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::External => "external",
            Self::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "employee" => Some(Self::Employee),
            "external" => Some(Self::External),
            "system" => Some(Self::System),
            _ => None,
        }
    }

    /// The side of the role trees the user belongs to (none for the platform's own users).
    pub fn audience(self) -> Option<Audience> {
        match self {
            Self::Employee => Some(Audience::Employee),
            Self::External => Some(Audience::External),
            Self::System => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub login: Email,
    pub full_name: String,
    pub kind: UserKind,
    pub created_at: Timestamp,
    pub deactivated_at: Option<Timestamp>,
    /// The Contact record an external user is.
    pub contact: Option<String>,
    /// The portal organization (a role) of an external user.
    pub organization: Option<RoleId>,
    pub organization_admin: bool,
    /// When the latest invitation went out.
    pub invited_at: Option<Timestamp>,
    /// When the user chose a password through an invitation.
    pub invitation_accepted_at: Option<Timestamp>,
    /// The language the user chose (`None`: the tenant's, then the browser's).
    pub language: Option<String>,
    /// The time zone the user chose (`None`: the tenant's).
    pub time_zone: Option<String>,
    /// The name their profile photo is stored under, if they have one.
    pub photo: Option<String>,
    /// The configuration whose portal license an external user holds (while active).
    pub license: Option<Configuration>,
    /// The portal section a user lands on after signing in, by its menu code (`None`: the
    /// main page).
    pub start_page: Option<String>,
}

/// A user to create, checked field by field.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: Email,
    pub full_name: String,
    pub kind: UserKind,
}

impl NewUser {
    /// Checks every field and reports all problems at once. Only employees and external users can
    /// be created by people; system users belong to the platform.
    pub fn parse(login: &str, full_name: &str, kind: &str) -> Result<Self> {
        let mut errors = FieldErrors::new();
        let login = Email::parse(login)
            .map_err(|e| errors.entry("login".into()).or_default().push(e))
            .ok();
        let full_name = crate::text::name("full_name", full_name, 250)
            .map_err(|e| {
                if let Error::Invalid { fields, .. } = e {
                    errors.extend(fields);
                }
            })
            .unwrap_or_default();
        let kind = UserKind::parse(kind).filter(|k| *k != UserKind::System);
        if kind.is_none() {
            errors
                .entry("kind".into())
                .or_default()
                .push(crate::tr!("auth-user-kind-invalid"));
        }
        match (login, kind) {
            (Some(login), Some(kind)) if errors.is_empty() => Ok(Self {
                login,
                full_name,
                kind,
            }),
            _ => Err(Error::invalid_fields(errors)),
        }
    }
}

/// A new user and the single-use link with which they choose their password.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedUser {
    pub user: User,
    pub setup_link: String,
}

/// A user with their direct roles, as the user pages and `/users` show them.
#[derive(Debug, Clone, Serialize)]
pub struct UserWithRoles {
    #[serde(flatten)]
    pub user: User,
    pub roles: Vec<RoleRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleRef {
    pub id: RoleId,
    pub name: String,
}

/// Which users the actor may manage: everyone for administrators (`None`), external users for
/// holders of "Manage portal users"; nobody otherwise.
fn managed_kind(actor: &Actor) -> Result<Option<UserKind>> {
    if access::check(actor, Capability::ManageEmployees).is_ok() {
        return Ok(None);
    }
    access::check(actor, Capability::ManagePortalUsers)?;
    Ok(Some(UserKind::External))
}

/// A page of the users list: a search, and where the previous page ended.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

/// Users on a page unless asked for fewer (and never more than [`records::MAX_PAGE`]).
pub const USERS_PAGE: u32 = 50;

#[derive(Debug, Clone, Serialize)]
pub struct UserPage {
    pub data: Vec<UserWithRoles>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_cursor: Option<String>,
    pub count: Count,
}

/// A page of the users the actor may manage (see [`managed_kind`]), by login, searched by login
/// or name.
pub async fn page(app: &App, actor: &Actor, query: &UserQuery) -> Result<UserPage> {
    let kind = managed_kind(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    page_in(&mut tx, actor, query, |filter| filter.kind = kind).await
}

/// Whom a picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choosing {
    /// Active employees, to give work to: every employee may choose among them.
    Assignee,
    /// Users the actor may manage (see [`managed_kind`]), of one kind if given.
    Managed(Option<UserKind>),
}

/// What a picker shows as one types: at most this many people.
pub const CHOICES: usize = 10;

/// The users `choosing` offers the actor whose login or name contains `typed`, by login: at most
/// [`CHOICES`]. With `exact`, those whose login or name is `typed` (any case): a form sent
/// without choosing from the list names its person that way.
pub async fn choosable(
    app: &App,
    actor: &Actor,
    choosing: Choosing,
    typed: &str,
    exact: bool,
) -> Result<Vec<User>> {
    let kind = match choosing {
        Choosing::Assignee => {
            access::check(actor, Capability::UseConsole)?;
            Some(UserKind::Employee)
        }
        Choosing::Managed(wanted) => match (managed_kind(actor)?, wanted) {
            (None, wanted) => wanted,
            (Some(managed), Some(wanted)) if managed != wanted => return Ok(Vec::new()),
            (managed, _) => managed,
        },
    };
    // A login or a name is short; a longer search finds nobody anyway.
    let typed: String = typed.trim().chars().take(100).collect();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let filter = storage::UserFilter {
        kind,
        active_only: choosing == Choosing::Assignee,
        search: Some(&typed),
        ..Default::default()
    };
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let fetched = if exact { 5 * CHOICES } else { CHOICES };
    let mut found = storage::page(&mut tx, &filter, fetched as i64).await?;
    if exact {
        let typed = typed.to_lowercase();
        found.retain(|u| {
            u.login.as_str().eq_ignore_ascii_case(&typed) || u.full_name.to_lowercase() == typed
        });
    }
    Ok(found)
}

/// A page of users as `query` asks, of those `narrow` leaves (the caller has checked the actor
/// may see them), with their direct roles.
pub(crate) async fn page_in(
    tx: &mut TenantTx,
    actor: &Actor,
    query: &UserQuery,
    narrow: impl FnOnce(&mut storage::UserFilter<'_>),
) -> Result<UserPage> {
    let limit = query.limit.unwrap_or(USERS_PAGE);
    if !(1..=crate::records::MAX_PAGE).contains(&limit) {
        return Err(Error::BadRequest(crate::tr!(
            "records-limit-range",
            max = crate::records::MAX_PAGE
        )));
    }
    let mut filter = storage::UserFilter {
        search: query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        after: query.after.as_deref(),
        ..Default::default()
    };
    narrow(&mut filter);
    let mut users = storage::page(tx, &filter, i64::from(limit) + 1).await?;
    let next_cursor = if users.len() > limit as usize {
        users.truncate(limit as usize);
        users.last().map(|u| u.login.to_string())
    } else {
        None
    };
    let whole = Count::of_whole_page(filter.after.is_none(), users.len(), next_cursor.is_some());
    let count = match whole {
        Some(count) => count,
        None => Count::of(storage::count(tx, &filter, Count::SQL_CAP).await?),
    };
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let memberships = access::direct_roles_of(tx, &ids).await?;
    Ok(UserPage {
        data: users
            .into_iter()
            .map(|user| with_roles(actor, user, &memberships))
            .collect(),
        next_cursor,
        count,
    })
}

fn with_roles(
    actor: &Actor,
    user: User,
    memberships: &std::collections::HashMap<UserId, Vec<RoleId>>,
) -> UserWithRoles {
    let roles = memberships
        .get(&user.id)
        .into_iter()
        .flatten()
        .chain(user.organization.iter())
        .filter_map(|id| actor.policy.role(*id))
        .map(|r| RoleRef {
            id: r.id,
            name: r.name.clone(),
        })
        .collect();
    UserWithRoles { user, roles }
}

/// One user, if the actor may manage them (others do not exist for them).
pub async fn get(app: &App, actor: &Actor, id: UserId) -> Result<UserWithRoles> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let user = manageable(&mut tx, actor, id).await?;
    let memberships = access::direct_roles(&mut tx).await?;
    Ok(with_roles(actor, user, &memberships))
}

/// Loads a user the actor may manage: administrators anyone; "Manage portal users" external
/// users; an organization's administrator the members of their organization.
async fn manageable(tx: &mut TenantTx, actor: &Actor, id: UserId) -> Result<User> {
    let user = storage::find(tx, id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let allowed = match (user.kind, user.organization) {
        (UserKind::Employee, _) => access::check(actor, Capability::ManageEmployees).is_ok(),
        (UserKind::External, Some(org)) => {
            access::check(actor, Capability::AdministerOrganization(org)).is_ok()
        }
        (UserKind::External, None) => access::check(actor, Capability::ManagePortalUsers).is_ok(),
        (UserKind::System, _) => false,
    };
    if allowed {
        Ok(user)
    } else {
        Err(Error::NotFound("user"))
    }
}

/// Creates a user with a setup link; with `invite`, the link goes to them by e-mail at once. An
/// external user takes a portal license: of `license`, or the one they take by default.
pub async fn create(
    app: &App,
    actor: &Actor,
    new: NewUser,
    invite: bool,
    license: Option<Configuration>,
) -> Result<CreatedUser> {
    access::check(
        actor,
        match new.kind {
            UserKind::Employee => Capability::ManageEmployees,
            _ => Capability::ManagePortalUsers,
        },
    )?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let mut created = match new.kind {
        UserKind::External => {
            let mut seats = crate::licenses::Seats::lock(app, &mut tx).await?;
            add_external(app, &mut tx, actor, new, None, &mut seats, license).await?
        }
        _ => insert_with_setup_link(app, &mut tx, &actor.tenant, new).await?,
    };
    if invite {
        self::invite(app, &mut tx, &actor.tenant, &mut created).await?;
    }
    tx.commit().await?;
    tracing::info!(user = %created.user.id, kind = created.user.kind.as_str(), "user created");
    Ok(created)
}

/// Sets the portal section a user lands on after signing in (blank: the main page).
pub async fn set_start_page(app: &App, actor: &Actor, id: UserId, typed: &str) -> Result<User> {
    let chosen = crate::branding::start_page(actor, typed)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let before = manageable(&mut tx, actor, id).await?;
    storage::set_start_page(&mut tx, id, chosen.as_deref()).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "user.start_page",
        id.to_string(),
        Some(serde_json::json!({ "start_page": before.start_page })),
        Some(serde_json::json!({ "start_page": chosen })),
    )
    .await?;
    tx.commit().await?;
    Ok(User {
        start_page: chosen,
        ..before
    })
}

/// Deactivates or reactivates a user. Deactivation ends the user's sessions and revokes their API
/// tokens, so reactivating them later does not bring old credentials back to life.
pub async fn set_active(app: &App, actor: &Actor, id: UserId, active: bool) -> Result<User> {
    if id == actor.user {
        return Err(Error::Conflict(crate::tr!(
            "auth-cannot-deactivate-yourself"
        )));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let user = manageable(&mut tx, actor, id).await?;
    if active && user.kind == UserKind::External && user.deactivated_at.is_some() {
        crate::licenses::grant(app, &mut tx, &user, user.license).await?;
    }
    let at = (!active).then(|| app.clock.now());
    storage::set_deactivated(&mut tx, id, at).await?;
    if !active {
        crate::auth::sessions::revoke_others(&mut tx, id, None).await?;
        crate::auth::api_tokens::revoke_all(&mut tx, id, app.clock.now()).await?;
    }
    access::audit(
        app,
        &mut tx,
        actor,
        if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        },
        format!("user:{id}"),
        Some(serde_json::json!({ "active": user.deactivated_at.is_none() })),
        Some(serde_json::json!({ "active": active })),
    )
    .await?;
    let user = storage::find(&mut tx, id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    tx.commit().await?;
    Ok(user)
}

/// An external user's portal organization and its Account.
pub(crate) type Membership = (RoleId, crate::records::RecordId);

/// Adds an external user with their setup link in the caller's transaction: their Contact (the
/// one with their address, or a new one on the organization's account), their organization
/// and a portal license (of `license`, or the one they take by default, which the organization
/// decides). The caller has checked the actor may add portal users.
pub(crate) async fn add_external(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    new: NewUser,
    organization: Option<Membership>,
    seats: &mut crate::licenses::Seats,
    license: Option<Configuration>,
) -> Result<CreatedUser> {
    let mut created = insert_with_setup_link(app, tx, &actor.tenant, new).await?;
    let user = &created.user;
    let account = organization.as_ref().map(|(_, account)| *account);
    let contact =
        contacts::find_or_create(app, tx, actor, &user.login, &user.full_name, account).await?;
    storage::set_contact(tx, user.id, &contact).await?;
    if let Some((role, _)) = organization {
        storage::set_organization(tx, user.id, Some(role), false).await?;
        created.user.organization = Some(role);
    }
    // No license free: the license field says why.
    let granted = seats
        .grant(app, tx, &created.user, license)
        .await
        .map_err(|e| match e {
            Error::Conflict(why) => Error::invalid_field("license", why),
            other => other,
        })?;
    created.user.license = Some(granted);
    Ok(created)
}

/// Inserts a user without a password and issues their setup link. Used by the console, the API
/// and tenant provisioning.
pub(crate) async fn insert_with_setup_link(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    new: NewUser,
) -> Result<CreatedUser> {
    let now = app.clock.now();
    let user = storage::insert(tx, &new, None, now).await?.ok_or_else(|| {
        Error::Conflict(crate::tr!("auth-user-exists", login = new.login.as_str()))
    })?;
    let lifetime = security::link_lifetime(tx, Purpose::Setup).await?;
    let setup_link =
        one_time::issue_link(app, tx, tenant, user.id, Purpose::Setup, lifetime).await?;
    Ok(CreatedUser { user, setup_link })
}

/// Sends a new user their invitation, with their setup link, in the caller's transaction.
pub(crate) async fn invite(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    created: &mut CreatedUser,
) -> Result<()> {
    let lifetime = security::link_lifetime(tx, Purpose::Setup).await?;
    password_links::mail_link(
        app,
        tx,
        tenant,
        &created.user,
        Template::Invitation,
        &created.setup_link,
        lifetime,
    )
    .await?;
    let now = app.clock.now();
    storage::set_invited(tx, created.user.id, now).await?;
    created.user.invited_at = Some(now);
    Ok(())
}

/// Why a user cannot be sent a link of this purpose, if they cannot: a deactivated user gets
/// nothing; an invitation is for someone who has no password yet, a recovery for someone who has.
async fn link_refusal(tx: &mut TenantTx, user: &User, purpose: Purpose) -> Result<Option<String>> {
    if user.deactivated_at.is_some() {
        return Ok(Some(crate::tr!(
            "auth-link-refused-deactivated",
            name = user.full_name.as_str()
        )));
    }
    let has_password = storage::password_hash(tx, user.id).await?.is_some();
    Ok(match purpose {
        Purpose::Setup if has_password => Some(crate::tr!(
            "auth-link-refused-has-password",
            name = user.full_name.as_str()
        )),
        Purpose::Recovery if !has_password => Some(crate::tr!(
            "auth-link-refused-no-password",
            name = user.full_name.as_str()
        )),
        _ => None,
    })
}

/// What became of a request to send invitations to several users.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Invitations {
    pub sent: Vec<UserId>,
    /// Users who got none, with the reason.
    pub refused: Vec<(UserId, String)>,
}

impl Invitations {
    /// What became of the request, in words.
    pub fn summary(&self) -> String {
        let mut text = crate::tr!("auth-invitations-sent", count = self.sent.len());
        for (_, reason) in &self.refused {
            text.push(' ');
            text.push_str(&crate::tr!(
                "auth-invitation-not-sent",
                reason = reason.as_str()
            ));
        }
        text
    }
}

/// At most this many invitations in one request.
pub const MAX_INVITATIONS: usize = 500;

/// Sends each user a new invitation (their earlier link stops working), to users the actor may
/// manage: administrators anyone, "Manage portal users" external users, an organization's
/// administrator the members of their organization. A user the actor may not manage is refused
/// as unknown, and nothing is sent to anyone; a user who may not be invited (deactivated,
/// already has a password) is reported and skipped.
pub async fn send_invitations(app: &App, actor: &Actor, ids: &[UserId]) -> Result<Invitations> {
    if ids.is_empty() {
        return Err(Error::invalid_field(
            "users",
            crate::tr!("auth-choose-at-least-one-user"),
        ));
    }
    if ids.len() > MAX_INVITATIONS {
        return Err(Error::invalid_field(
            "users",
            crate::tr!("auth-invite-at-most", max = MAX_INVITATIONS),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let mut outcome = Invitations::default();
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        if !seen.insert(*id) {
            continue;
        }
        let user = manageable(&mut tx, actor, *id).await?;
        if let Some(reason) = link_refusal(&mut tx, &user, Purpose::Setup).await? {
            outcome.refused.push((user.id, reason));
            continue;
        }
        let lifetime = security::link_lifetime(&mut tx, Purpose::Setup).await?;
        let setup_link = one_time::issue_link(
            app,
            &mut tx,
            &actor.tenant,
            user.id,
            Purpose::Setup,
            lifetime,
        )
        .await?;
        let mut created = CreatedUser { user, setup_link };
        invite(app, &mut tx, &actor.tenant, &mut created).await?;
        outcome.sent.push(created.user.id);
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "user.invite",
        "users".to_owned(),
        None,
        Some(serde_json::json!({ "sent": outcome.sent, "refused": outcome.refused })),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Sends a user the actor may manage a password recovery link by e-mail; the link itself is never
/// shown to the actor.
pub async fn send_recovery_link(app: &App, actor: &Actor, id: UserId) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let user = manageable(&mut tx, actor, id).await?;
    if let Some(reason) = link_refusal(&mut tx, &user, Purpose::Recovery).await? {
        return Err(Error::Conflict(reason));
    }
    password_links::send(
        app,
        &mut tx,
        &actor.tenant,
        &user,
        Purpose::Recovery,
        Template::PasswordRecovery,
    )
    .await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "user.recovery_link",
        format!("user:{id}"),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_reports_every_bad_field() {
        let Err(Error::Invalid { fields, .. }) = NewUser::parse("nope", " ", "system") else {
            panic!("accepted")
        };
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["full_name", "kind", "login"]
        );
        let ok = NewUser::parse(" Ann@Example.com", " Ann Lee ", "external").unwrap();
        assert_eq!(
            (ok.login.as_str(), ok.full_name.as_str()),
            ("ann@example.com", "Ann Lee")
        );
    }
}
