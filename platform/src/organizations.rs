//! Portal organizations: a customer's people grouped under a role linked to their Account. Staff
//! with "Manage portal users" create organizations and their users; the organization's own
//! administrators manage its profile (name, phone, addresses) and members from the portal, and
//! can never reach users, roles or records of another organization. Decisions are made by
//! `access::check`; this module carries them out.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    access::{self, Actor, Capability, RoleId},
    app::App,
    error::{Error, FieldErrors, Result},
    records::{self, ObjectType, Record, RecordId},
    store::{Access, TenantTx, settings},
    users::{self, CreatedUser, Email, NewUser, User, UserKind, contacts},
};

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: RoleId,
    pub name: String,
    pub account: String,
}

/// An organization as its profile page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub organization: Organization,
    pub phone: Option<String>,
    pub addresses: Vec<Value>,
    /// A page of the members, as asked for.
    pub members: Vec<users::UserWithRoles>,
    /// Pass as `after` for the next page of members; absent on the last.
    pub members_next_cursor: Option<String>,
    pub members_count: records::Count,
    /// Roles below the organization that its administrators may give to members.
    pub roles: Vec<users::RoleRef>,
    /// People who register with an address at this domain join the organization.
    pub registration_domain: Option<String>,
    /// The service agreements that serve the organization, with their services.
    pub agreements: Vec<crate::sections::cases::agreements::Serving>,
}

pub(crate) fn organization(actor: &Actor, id: RoleId) -> Result<Organization> {
    match actor.policy.role(id) {
        Some(role) if role.kind == access::RoleKind::Organization => Ok(Organization {
            id,
            name: role.name.clone(),
            account: role.account.clone().unwrap_or_default(),
        }),
        _ => Err(Error::NotFound("organization")),
    }
}

/// Opens an organization the actor may administer; any other does not exist for them.
fn administered(actor: &Actor, id: RoleId) -> Result<Organization> {
    let org = organization(actor, id)?;
    access::check(actor, Capability::AdministerOrganization(id))
        .map_err(|_| Error::NotFound("organization"))?;
    Ok(org)
}

pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Organization>> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let _ = app;
    let mut all: Vec<Organization> = actor
        .policy
        .roles()
        .filter(|r| r.kind == access::RoleKind::Organization)
        .map(|r| Organization {
            id: r.id,
            name: r.name.clone(),
            account: r.account.clone().unwrap_or_default(),
        })
        .collect();
    all.sort_by_key(|o| o.name.to_lowercase());
    Ok(all)
}

/// The organizations whose name holds `search` (any case), `limit` of them from the `start`th
/// (by name), with how many there are in all. (Organizations are roles: the tenant's policy, in
/// memory, holds them all.)
pub async fn page(
    app: &App,
    actor: &Actor,
    search: &str,
    start: usize,
    limit: usize,
) -> Result<(Vec<Organization>, usize)> {
    let search = search.trim().to_lowercase();
    let matching: Vec<Organization> = list(app, actor)
        .await?
        .into_iter()
        .filter(|o| o.name.to_lowercase().contains(&search))
        .collect();
    let total = matching.len();
    Ok((
        matching.into_iter().skip(start).take(limit).collect(),
        total,
    ))
}

/// Creates the portal organization of an Account, under "All external users". Its name is the
/// account's unless given.
pub async fn create(app: &App, actor: &Actor, account: &str, name: Option<&str>) -> Result<RoleId> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let account_type = records::built_in(app, "account")?;
    let account_id = RecordId::parse(account)
        .map_err(|_| Error::invalid_field("account", crate::tr!("portal-org-no-account")))?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let record = records::find_unchecked(&mut tx, &account_type, account_id)
        .await?
        .ok_or_else(|| Error::invalid_field("account", crate::tr!("portal-org-no-account")))?;
    if actor
        .policy
        .roles()
        .any(|r| r.account.as_deref() == Some(account))
    {
        return Err(Error::Conflict(crate::tr!(
            "portal-org-account-has-organization"
        )));
    }
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => crate::text::name("name", name, 250)?,
        None => record
            .data
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("Organization")
            .to_owned(),
    };
    let partner = record.data.get("type").and_then(Value::as_str) == Some("Partner");
    let id = access::config::create_organization_role(
        &mut tx,
        actor,
        &name,
        &record.id.to_string(),
        partner,
        app.clock.now(),
    )
    .await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "organization.create",
        format!("role:{id}"),
        None,
        Some(json!({ "name": name, "account": account })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// An organization's profile with a page of its members (`members`: a search and where the
/// previous page ended).
pub async fn profile(
    app: &App,
    actor: &Actor,
    id: RoleId,
    members: &users::UserQuery,
) -> Result<Profile> {
    let organization = administered(actor, id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let account = account_record(app, &mut tx, &organization).await?;
    let address_type = records::built_in(app, "address")?;
    let addresses =
        records::find_by_field_unchecked(&mut tx, &address_type, "account", &organization.account)
            .await?
            .into_iter()
            .map(|r| json!({ "id": r.id, "version": r.version, "data": r.data }))
            .collect();
    let roles = assignable_roles(actor, id);
    let users::UserPage {
        data: members,
        next_cursor: members_next_cursor,
        count: members_count,
    } = users::page_in(&mut tx, actor, members, |filter| {
        filter.organization = Some(id);
    })
    .await?;
    let account_id = Some(organization.account.as_str()).filter(|a| !a.is_empty());
    let agreements =
        crate::sections::cases::agreements::serving(app, &mut tx, None, account_id).await?;
    Ok(Profile {
        agreements,
        phone: account
            .data
            .get("phone")
            .and_then(Value::as_str)
            .map(str::to_owned),
        organization: Organization {
            name: account
                .data
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&organization.name)
                .to_owned(),
            ..organization
        },
        addresses,
        members,
        members_next_cursor,
        members_count,
        roles,
        registration_domain: settings::get(&mut tx, &domain_of_organization(id)).await?,
    })
}

fn domain_of_organization(org: RoleId) -> String {
    format!("registration:organization:{org}")
}

fn organization_of_domain(domain: &str) -> String {
    format!("registration:domain:{domain}")
}

/// A domain name as people type it ("client.com"), lowercased; refused unless plain.
fn parse_domain(text: &str) -> Result<String> {
    let domain = text.trim().trim_start_matches('@').to_lowercase();
    let plain = domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if plain {
        Ok(domain)
    } else {
        Err(Error::invalid_field(
            "domain",
            crate::tr!("portal-org-domain-invalid"),
        ))
    }
}

/// Sets (or, with an empty domain, clears) the e-mail domain whose registrants join the
/// organization. Staff only: the tenant vouches that the domain is the organization's. A domain
/// belongs to one organization at most.
pub async fn set_registration_domain(
    app: &App,
    actor: &Actor,
    id: RoleId,
    domain: &str,
) -> Result<Option<String>> {
    access::check(actor, Capability::ManagePortalUsers)?;
    organization(actor, id)?;
    let domain = match domain.trim() {
        "" => None,
        typed => Some(parse_domain(typed)?),
    };
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    if let Some(domain) = &domain
        && let Some(owner) = settings::get(&mut tx, &organization_of_domain(domain)).await?
        && owner != id.to_string()
    {
        return Err(Error::Conflict(crate::tr!(
            "portal-org-domain-taken",
            domain = domain.as_str()
        )));
    }
    let old = settings::get(&mut tx, &domain_of_organization(id)).await?;
    if let Some(old) = &old {
        settings::delete(&mut tx, &organization_of_domain(old)).await?;
    }
    match &domain {
        Some(domain) => {
            settings::put(&mut tx, &organization_of_domain(domain), &id.to_string()).await?;
            settings::put(&mut tx, &domain_of_organization(id), domain).await?;
        }
        None => settings::delete(&mut tx, &domain_of_organization(id)).await?,
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "organization.registration_domain",
        format!("role:{id}"),
        Some(json!({ "domain": old })),
        Some(json!({ "domain": domain })),
    )
    .await?;
    tx.commit().await?;
    Ok(domain)
}

/// The e-mail domain staff vouched for as the organization's, if any.
pub(crate) async fn verified_domain(tx: &mut TenantTx, org: RoleId) -> Result<Option<String>> {
    Ok(settings::get(tx, &domain_of_organization(org)).await?)
}

/// The organization (and its account) that people registering with `email` join, if its domain
/// is an organization's.
pub(crate) async fn for_registrant(
    actor: &Actor,
    tx: &mut TenantTx,
    email: &Email,
) -> Result<Option<Organization>> {
    let domain = email.as_str().rsplit('@').next().unwrap_or_default();
    let Some(id) = settings::get(tx, &organization_of_domain(domain)).await? else {
        return Ok(None);
    };
    Ok(id.parse().ok().and_then(|id| organization(actor, id).ok()))
}

fn assignable_roles(actor: &Actor, org: RoleId) -> Vec<users::RoleRef> {
    let mut roles: Vec<users::RoleRef> = actor
        .policy
        .descendants(org)
        .into_iter()
        .map(|r| users::RoleRef {
            id: r.id,
            name: r.name.clone(),
        })
        .collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    roles
}

async fn account_record(app: &App, tx: &mut TenantTx, org: &Organization) -> Result<Record> {
    let account_type = records::built_in(app, "account")?;
    let id = RecordId::parse(&org.account)?;
    records::find_unchecked(tx, &account_type, id)
        .await?
        .ok_or(Error::NotFound("account"))
}

/// Changes the organization's name and phone (on its Account record).
pub async fn update_profile(
    app: &App,
    actor: &Actor,
    id: RoleId,
    name: &str,
    phone: &str,
) -> Result<()> {
    let organization = administered(actor, id)?;
    let name = crate::text::name("name", name, 250)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let account = account_record(app, &mut tx, &organization).await?;
    let account_type = records::built_in(app, "account")?;
    let mut changes = Map::new();
    changes.insert("name".into(), json!(name));
    changes.insert(
        "phone".into(),
        if phone.trim().is_empty() {
            Value::Null
        } else {
            json!(phone.trim())
        },
    );
    records::patch_unchecked(app, &mut tx, actor, &account_type, account.id, changes).await?;
    tx.commit().await?;
    Ok(())
}

/// Address fields an organization administrator may set.
const ADDRESS_FIELDS: [&str; 5] = ["type", "address", "city", "zip", "country"];

fn address_changes(fields: &Map<String, Value>) -> Result<Map<String, Value>> {
    let mut changes = Map::new();
    for (key, value) in fields {
        if !ADDRESS_FIELDS.contains(&key.as_str()) {
            return Err(Error::invalid_field(
                key,
                crate::tr!("portal-org-not-address-field"),
            ));
        }
        let blank = value.as_str().is_some_and(|s| s.trim().is_empty());
        changes.insert(key.clone(), if blank { Value::Null } else { value.clone() });
    }
    Ok(changes)
}

pub async fn add_address(
    app: &App,
    actor: &Actor,
    id: RoleId,
    fields: &Map<String, Value>,
) -> Result<()> {
    let organization = administered(actor, id)?;
    let address_type = records::built_in(app, "address")?;
    let mut data = address_changes(fields)?;
    data.retain(|_, v| !v.is_null());
    data.insert("account".into(), json!(organization.account));
    address_type
        .validate(&data)
        .map_err(Error::invalid_fields)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    records::insert(app, &mut tx, actor, &address_type, &data).await?;
    tx.commit().await?;
    Ok(())
}

/// Loads one of the organization's addresses; another organization's is not found.
async fn own_address(
    app: &App,
    tx: &mut TenantTx,
    org: &Organization,
    address: &str,
) -> Result<(std::sync::Arc<ObjectType>, Record)> {
    let address_type = records::built_in(app, "address")?;
    let id = RecordId::parse(address)?;
    let record = records::find_unchecked(tx, &address_type, id)
        .await?
        .ok_or(Error::NotFound("address"))?;
    if record.data.get("account").and_then(Value::as_str) != Some(org.account.as_str()) {
        return Err(Error::NotFound("address"));
    }
    Ok((address_type, record))
}

pub async fn update_address(
    app: &App,
    actor: &Actor,
    id: RoleId,
    address: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let organization = administered(actor, id)?;
    let changes = address_changes(fields)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (address_type, record) = own_address(app, &mut tx, &organization, address).await?;
    records::patch_unchecked(app, &mut tx, actor, &address_type, record.id, changes).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_address(app: &App, actor: &Actor, id: RoleId, address: &str) -> Result<()> {
    let organization = administered(actor, id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let (address_type, record) = own_address(app, &mut tx, &organization, address).await?;
    records::delete_unchecked(app, &mut tx, actor, &address_type, record.id).await?;
    tx.commit().await?;
    Ok(())
}

/// What became of one address in a request to add members.
#[derive(Debug, Clone, Serialize)]
pub struct Addition {
    pub address: String,
    pub outcome: Outcome,
    /// What to tell the person who asked, in words.
    pub message: String,
    /// The new user and their setup link, for staff who manage portal users (an organization's
    /// administrator gets neither: the invitation goes to the new user alone).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub created: Option<CreatedUser>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An invitation was sent. To an organization's administrator, also what an address that
    /// may not be added gets: they must not learn who has an account.
    Invited,
    Invalid,
    /// The address came earlier in the same list.
    Duplicate,
    /// Already a member of this organization (which its administrators see anyway).
    AlreadyMember,
    /// Staff only: the address belongs to someone the organization may not take in.
    Refused,
}

fn invited() -> String {
    crate::tr!("portal-org-invited")
}
const MAX_ADDITIONS: usize = 100;

impl Addition {
    fn new(address: &str, outcome: Outcome, message: impl Into<String>) -> Self {
        Self {
            address: address.to_owned(),
            outcome,
            message: message.into(),
            created: None,
        }
    }
}

/// Why an address may not join the organization, if it may not: someone with an account
/// elsewhere, or a Contact of another account (or of none). Only new people and Contacts of the
/// organization's own account may join.
async fn claimed_elsewhere(
    tx: &mut TenantTx,
    org: RoleId,
    account: &str,
    email: &Email,
) -> Result<Option<Addition>> {
    // Someone with an account: a member of this organization already, or someone else's.
    let has_account = |user: User| {
        Some(if user.organization == Some(org) {
            Addition::new(
                email.as_str(),
                Outcome::AlreadyMember,
                crate::tr!("portal-org-already-member"),
            )
        } else {
            Addition::new(
                email.as_str(),
                Outcome::Refused,
                crate::tr!("portal-org-already-has-account"),
            )
        })
    };
    if let Some(user) = users::storage::find_by_login(tx, email.as_str()).await? {
        return Ok(has_account(user));
    }
    let contacts = contacts::with_email(tx, email).await?;
    if contacts
        .iter()
        .any(|c| c.account.as_deref() != Some(account))
    {
        return Ok(Some(Addition::new(
            email.as_str(),
            Outcome::Refused,
            crate::tr!("portal-org-contact-of-other-account"),
        )));
    }
    for contact in &contacts {
        if let Some(user) = users::storage::by_contact(tx, &contact.id).await? {
            return Ok(has_account(user));
        }
    }
    Ok(None)
}

/// Adds portal users to the organization by e-mail ("a@x.com, b@y.com c@z.com"), reporting each
/// address: new people and Contacts of the organization's account are invited (a Contact is
/// created for a new address, full name from its local part) and get an invitation with their
/// single-use setup link by e-mail; bad and repeated addresses are named; the rest of the list
/// is still added. To an organization's administrator an address that may not be added looks
/// invited, so that adding people cannot tell them who has an account.
pub async fn add_members_by_email(
    app: &App,
    actor: &Actor,
    id: RoleId,
    emails: &str,
    roles: &[RoleId],
) -> Result<Vec<Addition>> {
    let organization = administered(actor, id)?;
    check_assignable(actor, id, roles)?;
    let staff = access::check(actor, Capability::ManagePortalUsers).is_ok();
    let addresses: Vec<&str> = emails
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if addresses.is_empty() {
        return Err(Error::invalid_field(
            "emails",
            crate::tr!("portal-org-enter-an-email"),
        ));
    }
    if addresses.len() > MAX_ADDITIONS {
        return Err(Error::invalid_field(
            "emails",
            crate::tr!("portal-org-add-at-most", max = MAX_ADDITIONS),
        ));
    }
    let account = RecordId::parse(&organization.account)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let mut seen = BTreeSet::new();
    let mut additions = Vec::with_capacity(addresses.len());
    let mut created_logins = Vec::new();
    for address in addresses {
        let email = match Email::parse(address) {
            Ok(email) => email,
            Err(message) => {
                additions.push(Addition::new(address, Outcome::Invalid, message));
                continue;
            }
        };
        if !seen.insert(email.clone()) {
            additions.push(Addition::new(
                address,
                Outcome::Duplicate,
                crate::tr!("portal-org-duplicate-address"),
            ));
            continue;
        }
        if let Some(refused) = claimed_elsewhere(&mut tx, id, &organization.account, &email).await?
        {
            additions.push(match refused.outcome {
                Outcome::Refused if !staff => Addition::new(address, Outcome::Invited, invited()),
                _ => refused,
            });
            continue;
        }
        let contact =
            contacts::find_or_create(app, &mut tx, actor, &email, "", Some(account)).await?;
        let full_name = contact_name(app, &mut tx, &contact)
            .await?
            .unwrap_or_else(|| contacts::local_part(&email).to_owned());
        let new = NewUser {
            login: email,
            full_name,
            kind: UserKind::External,
        };
        let mut created = users::insert_with_setup_link(app, &mut tx, &actor.tenant, new).await?;
        users::storage::set_contact(&mut tx, created.user.id, &contact).await?;
        users::storage::set_organization(&mut tx, created.user.id, Some(id), false).await?;
        crate::licenses::grant_to(app, &mut tx, created.user.id, None).await?;
        for role in roles {
            access::config::add_member_unchecked(&mut tx, *role, created.user.id).await?;
        }
        users::invite(app, &mut tx, &actor.tenant, &mut created).await?;
        created_logins.push(created.user.login.to_string());
        let mut addition = Addition::new(address, Outcome::Invited, invited());
        addition.created = staff.then_some(created);
        additions.push(addition);
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "organization.members.add",
        format!("role:{id}"),
        None,
        Some(json!({ "users": created_logins, "roles": roles })),
    )
    .await?;
    tx.commit().await?;
    Ok(additions)
}

async fn contact_name(app: &App, tx: &mut TenantTx, contact: &str) -> Result<Option<String>> {
    let contact_type = records::built_in(app, "contact")?;
    let record = records::find_unchecked(tx, &contact_type, RecordId::parse(contact)?).await?;
    Ok(record.and_then(|r| {
        r.data
            .get("full_name")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }))
}

/// Adds portal users for existing Contacts (from the console), all or nothing; each gets an
/// invitation by e-mail.
pub async fn add_members_from_contacts(
    app: &App,
    actor: &Actor,
    id: RoleId,
    contact_ids: &[String],
) -> Result<Vec<Addition>> {
    access::check(actor, Capability::ManagePortalUsers)?;
    organization(actor, id)?;
    let contact_type = records::built_in(app, "contact")?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let mut created = Vec::new();
    let mut problems = Vec::new();
    for contact in contact_ids {
        let record = match RecordId::parse(contact) {
            Ok(rid) => records::find_unchecked(&mut tx, &contact_type, rid).await?,
            Err(_) => None,
        };
        let Some(record) = record else {
            problems.push(crate::tr!(
                "portal-org-no-contact",
                contact = contact.as_str()
            ));
            continue;
        };
        let email = record
            .data
            .get("email")
            .and_then(Value::as_str)
            .map(Email::parse);
        let Some(Ok(email)) = email else {
            problems.push(crate::tr!(
                "portal-org-contact-without-email",
                contact = record.number.as_str()
            ));
            continue;
        };
        if users::storage::by_contact(&mut tx, contact)
            .await?
            .is_some()
            || users::storage::find_by_login(&mut tx, email.as_str())
                .await?
                .is_some()
        {
            problems.push(crate::tr!(
                "portal-org-email-has-account",
                email = email.as_str()
            ));
            continue;
        }
        let full_name = record
            .data
            .get("full_name")
            .and_then(Value::as_str)
            .unwrap_or(contacts::local_part(&email))
            .to_owned();
        let mut user = users::insert_with_setup_link(
            app,
            &mut tx,
            &actor.tenant,
            NewUser {
                login: email,
                full_name,
                kind: UserKind::External,
            },
        )
        .await?;
        users::storage::set_contact(&mut tx, user.user.id, contact).await?;
        users::storage::set_organization(&mut tx, user.user.id, Some(id), false).await?;
        crate::licenses::grant_to(app, &mut tx, user.user.id, None).await?;
        users::invite(app, &mut tx, &actor.tenant, &mut user).await?;
        created.push(user);
    }
    if !problems.is_empty() {
        return Err(Error::invalid_fields(FieldErrors::from([(
            "contacts".to_owned(),
            problems,
        )])));
    }
    let logins: Vec<&str> = created.iter().map(|c| c.user.login.as_str()).collect();
    access::audit(
        app,
        &mut tx,
        actor,
        "organization.members.add",
        format!("role:{id}"),
        None,
        Some(json!({ "users": logins })),
    )
    .await?;
    tx.commit().await?;
    Ok(created
        .into_iter()
        .map(|user| Addition {
            created: Some(user.clone()),
            ..Addition::new(user.user.login.as_str(), Outcome::Invited, invited())
        })
        .collect())
}

fn check_assignable(actor: &Actor, org: RoleId, roles: &[RoleId]) -> Result<()> {
    for role in roles {
        if *role == org || !actor.policy.is_within(*role, org) {
            return Err(Error::invalid_field(
                "roles",
                crate::tr!("portal-org-roles-below-only"),
            ));
        }
    }
    Ok(())
}

/// A member of the organization; members of other organizations are not found.
async fn member(tx: &mut TenantTx, org: RoleId, user: users::UserId) -> Result<User> {
    match users::storage::find(tx, user).await? {
        Some(user) if user.organization == Some(org) && user.kind == UserKind::External => Ok(user),
        _ => Err(Error::NotFound("user")),
    }
}

/// Promotes a member to administrator of the organization, or demotes them.
pub async fn set_admin(
    app: &App,
    actor: &Actor,
    id: RoleId,
    user: users::UserId,
    admin: bool,
) -> Result<()> {
    administered(actor, id)?;
    if user == actor.user && !admin {
        return Err(Error::Conflict(crate::tr!(
            "portal-org-cannot-remove-own-admin"
        )));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let target = member(&mut tx, id, user).await?;
    users::storage::set_organization(&mut tx, user, Some(id), admin).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "organization.admin.set",
        format!("user:{user}"),
        Some(json!({ "admin": target.organization_admin })),
        Some(json!({ "admin": admin })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates or reactivates a member.
pub async fn set_member_active(
    app: &App,
    actor: &Actor,
    id: RoleId,
    user: users::UserId,
    active: bool,
) -> Result<()> {
    administered(actor, id)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    member(&mut tx, id, user).await?;
    drop(tx);
    users::set_active(app, actor, user, active).await.map(drop)
}

/// Gives a member a role below the organization, or takes it away.
pub async fn set_member_role(
    app: &App,
    actor: &Actor,
    id: RoleId,
    user: users::UserId,
    role: RoleId,
    member_of: bool,
) -> Result<()> {
    administered(actor, id)?;
    check_assignable(actor, id, &[role])?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    member(&mut tx, id, user).await?;
    drop(tx);
    access::config::set_membership(app, actor, role, user, member_of).await
}
