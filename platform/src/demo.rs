//! `portico demo`: a ready tenant on whatever database is configured, with fixed, documented
//! logins. Running it again leaves the same state. Fixed passwords exist only here.

use anyhow::Context;
use portico_tenants::{Configuration, Slug, Tenant, TenantStatus, licenses::Purchased};
use serde_json::json;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Arc,
};

use crate::{
    access::{self, Actor, Level, Operation, RoleId, RoleKind},
    app::App,
    auth::passwords::NewPassword,
    config::Config,
    organizations,
    plugin_host::{PluginPackage, tooling},
    records::{self, ListRequest},
    store::Access,
    store::TenantTx,
    users::{self, NewUser, User, UserId, UserKind},
};

pub const SLUG: &str = "demo";
pub const ADMIN: (&str, &str) = ("admin@demo.test", "demo-admin");
pub const CUSTOMER: (&str, &str) = ("customer@demo.test", "demo-customer");
/// A portal user who approves equipment orders and documents.
pub const APPROVER: (&str, &str) = ("approver@demo.test", "demo-approver");
/// A partner's employee: sees the partner program, registers leads and deals.
pub const PARTNER: (&str, &str) = ("partner@demo.test", "demo-partner");
/// The approver roles the first-party sections' manifests name.
const APPROVER_ROLES: [&str; 2] = ["Purchasing", "document_approvers"];

/// A second company beside the first, to see two portals side by side: its own brand, German by
/// default, on Berlin time.
pub const SECOND_SLUG: &str = "nordwind";
pub const SECOND_ADMIN: (&str, &str) = ("admin@nordwind.test", "demo-admin");
pub const SECOND_CUSTOMER: (&str, &str) = ("kunde@nordwind.test", "demo-kunde");
const SECOND_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 40"><path d="M4 32 L18 6 L32 32 Z" fill="#0f5257"/><path d="M14 32 L24 14 L34 32 Z" fill="#3f8f8f"/><text x="42" y="28" font-family="sans-serif" font-size="21" font-weight="700" fill="#0f5257">Nordwind</text></svg>"##;

#[derive(Debug)]
pub struct Demo {
    pub tenant: Tenant,
    pub second: Tenant,
    /// The titles of the first-party sections installed from `plugins/`, or why there are none.
    pub sections: Result<Vec<String>, String>,
}

impl Demo {
    pub fn instructions(&self, config: &Config) -> String {
        let origin = config.tenant_origin(self.tenant.slug.as_str());
        format!(
            "\nPortico demo is running.\n\n  \
             Portal   {origin}/\n           sign in as {} / {}\n           \
             or, to approve, as {} / {}\n           \
             or, as a partner, as {} / {}\n           \
             or register as someone new at {origin}/register\n\n  \
             Console  {origin}/console\n           sign in as {} / {}\n\n  \
             API      {origin}/api/v1/openapi.json\n\n  \
             Sections {}\n\n  \
             A second company, in German: {second}/ ({} / {}, console {} / {})\n\n\
             Press Ctrl-C to stop.\n",
            CUSTOMER.0,
            CUSTOMER.1,
            APPROVER.0,
            APPROVER.1,
            PARTNER.0,
            PARTNER.1,
            ADMIN.0,
            ADMIN.1,
            match &self.sections {
                Ok(titles) => titles.join(", "),
                Err(why) => format!("none from plugins/: {why}"),
            },
            SECOND_CUSTOMER.0,
            SECOND_CUSTOMER.1,
            SECOND_ADMIN.0,
            SECOND_ADMIN.1,
            second = config.tenant_origin(self.second.slug.as_str()),
        )
    }
}

/// Creates the demo tenant, its two users and a little sample data, or brings them back to the
/// documented state.
pub async fn ensure(app: &App) -> anyhow::Result<Demo> {
    let slug = Slug::parse(SLUG).expect("demo is a valid slug");
    let mut global = app.db.begin_global().await?;
    let tenant = ensure_tenant(app, &mut global, &slug, "Demo Company").await?;
    let mut tx = global.enter(tenant.id).await?;
    let roles = access::defaults::apply(app, &mut tx).await?;
    let admin = ensure_user(
        app,
        &mut tx,
        ADMIN,
        "Demo Administrator",
        UserKind::Employee,
    )
    .await?;
    access::defaults::make_administrator(&mut tx, roles, admin.id).await?;
    ensure_user(app, &mut tx, CUSTOMER, "Demo Customer", UserKind::External).await?;
    let approver = ensure_user(app, &mut tx, APPROVER, "Demo Approver", UserKind::External).await?;
    ensure_user(app, &mut tx, PARTNER, "Demo Partner", UserKind::External).await?;
    let admin_user = admin.clone();
    let admin = access::actor(app, &mut tx, Arc::new(tenant.clone()), admin).await?;
    tx.commit().await?;
    seed_records(app, &admin, roles.all_external).await?;
    crate::sections::seed_lookups(app, &admin).await?;
    seed_self_service(app, &admin).await?;
    // New people may register on the demo portal (confirmation mails land in the console's
    // mailbox when no SMTP server is configured).
    let mut security = crate::auth::security::get(app, &admin).await?;
    if !security.self_registration {
        security.self_registration = true;
        crate::auth::security::set(app, &admin, security).await?;
    }
    // Room for custom sections, and partners: the demo runs every configuration.
    let configurations = Configuration::ALL;
    crate::sections::installed::set_configurations(app, tenant.id, &configurations).await?;
    license_demo_users(app, &tenant).await?;
    seed_partners(app, &fresh_tenant(app, &tenant.slug).await?).await?;
    let sections = match build_sample_sections().await {
        Ok(components) => {
            install_sample_sections(app, &admin, &components, &roles.all_external.to_string()).await
        }
        Err(why) => Err(why),
    };
    if let Err(why) = &sections {
        tracing::warn!("the demo runs without the sections in plugins/: {why}");
    }
    for role in APPROVER_ROLES {
        ensure_member(
            app,
            &tenant,
            &admin_user,
            role,
            roles.all_external,
            approver.id,
        )
        .await?;
    }
    let second = ensure_second(app).await?;
    // The work the sample data queued (partners' figures) is done before anyone signs in.
    crate::jobs::run_due(app).await?;
    Ok(Demo {
        tenant,
        second,
        sections,
    })
}

/// The demo's licenses as a tenant without billing has them (set by the operator; with billing
/// on, given until the administrator buys some), and the customer portal's licenses for its
/// customer and approver.
async fn license_demo_users(app: &App, tenant: &Tenant) -> anyhow::Result<()> {
    let purchased = crate::licenses::of_tenant(app, tenant).await?.purchased;
    if purchased == Purchased::default() || purchased == Purchased::default().metered() {
        let bought = Purchased {
            customer: Some(25),
            partner: Some(10),
            self_service_packs: 0,
        };
        crate::licenses::give(app, tenant, bought).await?;
    }
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    for login in [CUSTOMER.0, APPROVER.0] {
        if let Some((user, _)) = users::storage::find_active_by_login(&mut tx, login).await? {
            crate::licenses::grant(app, &mut tx, &user, Some(Configuration::Customer)).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The second demo company: Nordwind Logistik, German by default, its own logo and colours, a
/// customer with a German contact, a service and a case.
async fn ensure_second(app: &App) -> anyhow::Result<Tenant> {
    let slug = Slug::parse(SECOND_SLUG).expect("a valid slug");
    let mut global = app.db.begin_global().await?;
    let tenant = ensure_tenant(app, &mut global, &slug, "Nordwind Logistik GmbH").await?;
    portico_tenants::set_regional(global.conn(), tenant.id, Some("de"), Some("Europe/Berlin"))
        .await?;
    let mut tx = global.enter(tenant.id).await?;
    let roles = access::defaults::apply(app, &mut tx).await?;
    let admin = ensure_user(
        app,
        &mut tx,
        SECOND_ADMIN,
        "Nordwind Admin",
        UserKind::Employee,
    )
    .await?;
    access::defaults::make_administrator(&mut tx, roles, admin.id).await?;
    let customer = ensure_user(
        app,
        &mut tx,
        SECOND_CUSTOMER,
        "Karla Kunde",
        UserKind::External,
    )
    .await?;
    crate::licenses::grant(app, &mut tx, &customer, None).await?;
    tx.commit().await?;
    let admin_actor = || async {
        let tenant = fresh_tenant(app, &slug).await?;
        actor_of(app, &tenant, SECOND_ADMIN.0).await
    };
    let admin = admin_actor().await?;
    crate::sections::seed_lookups(app, &admin).await?;
    seed_second(app, &admin).await?;
    if admin.tenant.branding.logo.is_none() {
        let logo = crate::files::Upload {
            file_name: "nordwind.svg".into(),
            content_type: "image/svg+xml".into(),
            bytes: SECOND_LOGO.as_bytes().to_vec().into(),
        };
        crate::branding::set_image(app, &admin, crate::branding::Asset::Logo, Some(logo)).await?;
        let look = crate::branding::Look {
            title: "Nordwind Kundenportal".into(),
            primary: "#0f5257".into(),
            accent: "#8a3b12".into(),
        };
        crate::branding::set_look(app, &admin_actor().await?, look).await?;
        let contacts = vec![("Kundenservice".into(), "+49 30 555 0199".into())];
        let links = vec![(
            "Sendungsverfolgung".into(),
            "https://nordwind.example/verfolgung".into(),
        )];
        crate::branding::set_login_page(app, &admin_actor().await?, contacts, links).await?;
        let admin = admin_actor().await?;
        crate::main_page::save_draft(app, &admin, second_main_page()?).await?;
        crate::main_page::publish(app, &admin).await?;
    }
    fresh_tenant(app, &slug).await
}

/// Nordwind's own main page: a welcome, the search, the customer's cases and two charts of
/// them, and a tab of their cases over time.
fn second_main_page() -> anyhow::Result<crate::main_page::Design> {
    Ok(serde_json::from_value(serde_json::json!({ "pages": [{
        "name": "Alle Kunden",
        "tabs": [
            { "title": "Übersicht", "widgets": [
                { "kind": "banner", "title": "Willkommen bei Nordwind",
                  "text": "Wir bringen Ihre Sendungen ans Ziel – und helfen, wenn es hakt." },
                { "kind": "knowledge_search" },
                { "kind": "chart", "title": "Meine Fälle nach Status", "object": "case",
                  "group": "status", "style": "doughnut" },
                { "kind": "metric", "title": "Offene Fälle", "object": "case",
                  "filters": ["status:ne:Closed", "status:ne:Canceled"] },
                { "kind": "my_cases" },
                { "kind": "popular_articles" },
                { "kind": "link", "title": "Sendungsverfolgung",
                  "url": "https://nordwind.example/verfolgung",
                  "text": "Wo ist meine Sendung gerade?" }
            ]},
            { "title": "Statistik", "widgets": [
                { "kind": "chart", "title": "Fälle pro Monat", "object": "case",
                  "group": "created_at", "style": "line" }
            ]}
        ]
    }]}))?)
}

/// The tenant of `slug`, created or made active again.
async fn ensure_tenant(
    app: &App,
    global: &mut crate::store::GlobalTx,
    slug: &Slug,
    name: &str,
) -> anyhow::Result<Tenant> {
    let found = portico_tenants::find_by_slug(global.conn(), slug).await?;
    Ok(match found {
        Some(tenant) if tenant.status == TenantStatus::Active => tenant,
        Some(_) => portico_tenants::set_status(global.conn(), slug, TenantStatus::Active).await?,
        None => portico_tenants::create(global.conn(), slug, name, app.clock.now().0).await?,
    })
}

async fn fresh_tenant(app: &App, slug: &Slug) -> anyhow::Result<Tenant> {
    let mut conn = app.db.global().await?;
    portico_tenants::find_by_slug(&mut conn, slug)
        .await?
        .context("the demo tenant exists")
}

/// The second company's customer (a German contact), its service and one case.
async fn seed_second(app: &App, admin: &Actor) -> anyhow::Result<()> {
    let first = ListRequest {
        limit: Some(1),
        ..ListRequest::default()
    };
    if !records::list(app, admin, "service", &first)
        .await?
        .data
        .is_empty()
    {
        return Ok(());
    }
    let account = records::create(
        app,
        admin,
        "account",
        json!({ "name": "Brauhaus am See", "type": "Customer", "city": "Potsdam", "country": "Deutschland" }),
    )
    .await?;
    let contact = records::create(
        app,
        admin,
        "contact",
        json!({ "full_name": "Karla Kunde", "email": SECOND_CUSTOMER.0, "language": "Deutsch",
                "account": account["id"] }),
    )
    .await?;
    let service = records::create(
        app,
        admin,
        "service",
        json!({ "name": "Sendungsverfolgung", "category": "Incident", "response_minutes": 60,
                "resolution_minutes": 480 }),
    )
    .await?;
    records::create(
        app,
        admin,
        "service_agreement",
        json!({ "name": "Standard", "is_default": true, "state": "Active" }),
    )
    .await?;
    records::create(
        app,
        admin,
        "knowledge_article",
        json!({ "title": "Wie verfolge ich meine Sendung?", "tags": "sendung, tracking",
                "body": "Öffnen Sie **Fälle**, wählen Sie den Service *Sendungsverfolgung* und geben Sie die Sendungsnummer an.",
                "state": "Published" }),
    )
    .await?;
    let mut tx = app.db.begin(admin.tenant.id, Access::Write).await?;
    let Some((customer, _)) =
        users::storage::find_active_by_login(&mut tx, SECOND_CUSTOMER.0).await?
    else {
        return Ok(());
    };
    users::storage::set_contact(
        &mut tx,
        customer.id,
        contact["id"].as_str().unwrap_or_default(),
    )
    .await?;
    let customer = access::actor(app, &mut tx, admin.tenant.clone(), customer).await?;
    tx.commit().await?;
    crate::sections::cases::open_case(
        app,
        &customer,
        json!({ "service": service["id"], "subject": "Sendung 4711 seit drei Tagen unterwegs",
                "description": "Die Sendungsverfolgung zeigt seit Montag keinen neuen Status." }),
        Vec::new(),
    )
    .await?;
    Ok(())
}

/// The first-party sections, by folder under `plugins/`.
const SAMPLE_SECTIONS: [&str; 3] = ["leave-request", "document-approval", "equipment-order"];

/// The repository this binary was built from, when it is still there.
fn source_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    root.join("plugins/Cargo.toml")
        .is_file()
        .then(|| root.to_owned())
}

/// Builds `plugins/` for wasm32-wasip2 (adding that target with rustup when the first build
/// fails) into `target/wasm`, where the tests build them too; returns where the components are.
async fn build_sample_sections() -> Result<PathBuf, String> {
    let root = source_root().ok_or("their sources are not beside this binary")?;
    tokio::task::spawn_blocking(move || {
        // `cargo run` names the cargo that runs us.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let build = || tooling::build(&cargo, &root.join("plugins"), &root.join("target/wasm"));
        eprintln!("Building the sections in plugins/ for wasm32-wasip2 ...");
        build()
            .or_else(|_| {
                eprintln!(
                    "That failed; adding the wasm32-wasip2 target with rustup and trying again."
                );
                Command::new("rustup")
                    .args(["target", "add", "wasm32-wasip2"])
                    .status()?;
                build()
            })
            .map_err(|e| format!("{e:#}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Installs (or upgrades) each first-party section from its folder's manifest and the component
/// built into `components`, as the demo administrator would upload it (one already installed at
/// the same version is left alone), and opens its objects to `portal_users` for creating, reading
/// and updating their records. Returns their titles.
async fn install_sample_sections(
    app: &App,
    admin: &Actor,
    components: &Path,
    portal_users: &str,
) -> Result<Vec<String>, String> {
    let root = source_root().ok_or("their sources are not beside this binary")?;
    let installed = crate::sections::installed::list(app, admin)
        .await
        .map_err(|e| e.to_string())?;
    let mut titles = Vec::new();
    for folder in SAMPLE_SECTIONS {
        let component = components.join(format!("{}.wasm", folder.replace('-', "_")));
        let package = PluginPackage::read(&root.join("plugins").join(folder), Some(&component))
            .map_err(|e| format!("{folder}: {e}"))?;
        let title = package.manifest["title"]
            .as_str()
            .unwrap_or(folder)
            .to_owned();
        let is_installed = |section: &&crate::sections::installed::Installed| {
            package.manifest["code"] == section.code.as_str()
                && package.manifest["version"] == section.version.as_str()
        };
        let objects = match installed.iter().find(is_installed) {
            Some(section) => section.objects.clone(),
            None => {
                crate::sections::installed::install(app, admin, package, None)
                    .await
                    .map_err(|e| format!("{folder}: {e}"))?
                    .objects
            }
        };
        // The administrator as of now, whose catalog has the section's objects.
        let admin = actor_of(app, &admin.tenant, admin.login.as_str())
            .await
            .map_err(|e| format!("{folder}: {e:#}"))?;
        for object in &objects {
            open_to_portal(app, &admin, object, portal_users)
                .await
                .map_err(|e| format!("{folder}: {e}"))?;
        }
        titles.push(title);
    }
    Ok(titles)
}

async fn ensure_user(
    app: &App,
    tx: &mut TenantTx,
    (login, password): (&str, &str),
    full_name: &str,
    kind: UserKind,
) -> anyhow::Result<User> {
    let found = users::storage::find_active_by_login(tx, login).await?;
    if let Some((user, hash)) = found {
        if !app.passwords.verify(password, hash).await? {
            let hash = app
                .passwords
                .hash(NewPassword::parse(password, login)?)
                .await?;
            users::storage::set_password_hash(tx, user.id, &hash).await?;
        }
        return Ok(user);
    }
    let new = NewUser::parse(login, full_name, kind.as_str())?;
    let hash = app
        .passwords
        .hash(NewPassword::parse(password, login)?)
        .await?;
    users::storage::insert(tx, &new, Some(hash), app.clock.now())
        .await?
        .with_context(|| format!("{login} exists but is deactivated"))
}

async fn seed_records(app: &App, admin: &Actor, portal_users: RoleId) -> anyhow::Result<()> {
    let first = ListRequest {
        limit: Some(1),
        ..ListRequest::default()
    };
    let existing = records::list(app, admin, "account", &first).await?;
    if !existing.data.is_empty() {
        return Ok(());
    }
    let account = records::create(
        app,
        admin,
        "account",
        json!({ "name": "Acme Corporation", "type": "Customer", "city": "Boston",
                "country": "United States", "phone": "+1 617 555 0100" }),
    )
    .await?;
    let contact = records::create(
        app,
        admin,
        "contact",
        json!({ "full_name": "Demo Customer", "email": CUSTOMER.0, "job_title": "IT manager",
                "account": account["id"] }),
    )
    .await?;
    // The customer is Acme's contact and administers Acme's portal organization.
    let account_id = account["id"].as_str().unwrap_or_default();
    // The approver works at Acme too: the customer's manager, chosen on leave requests.
    let approver_contact = records::create(
        app,
        admin,
        "contact",
        json!({ "full_name": "Demo Approver", "email": APPROVER.0, "job_title": "Head of IT",
                "account": account["id"] }),
    )
    .await?;
    let organization = organizations::create(app, admin, account_id, None).await?;
    let mut tx = app.db.begin(admin.tenant.id, Access::Write).await?;
    if let Some((customer, _)) = users::storage::find_active_by_login(&mut tx, CUSTOMER.0).await? {
        let contact_id = contact["id"].as_str().unwrap_or_default();
        users::storage::set_contact(&mut tx, customer.id, contact_id).await?;
        users::storage::set_organization(&mut tx, customer.id, Some(organization), true).await?;
        access::audit(
            app,
            &mut tx,
            admin,
            "organization.members.add",
            format!("role:{organization}"),
            None,
            Some(json!({ "users": [CUSTOMER.0], "admin": true })),
        )
        .await?;
    }
    if let Some((approver, _)) = users::storage::find_active_by_login(&mut tx, APPROVER.0).await? {
        let contact_id = approver_contact["id"].as_str().unwrap_or_default();
        users::storage::set_contact(&mut tx, approver.id, contact_id).await?;
        users::storage::set_organization(&mut tx, approver.id, Some(organization), false).await?;
    }
    tx.commit().await?;
    // Colleagues see each other: portal users may read contacts, and Acme's people's contacts
    // are shared with Acme's organization (so its members can pick one another in forms).
    access::config::set_portal_object(app, admin, "contact", true).await?;
    let portal_users = portal_users.to_string();
    access::config::set_object_grant(app, admin, "contact", Operation::Read, &portal_users, true)
        .await?;
    // The administrator as of now, whose roles include the new organization.
    let admin = actor_of(app, &admin.tenant, admin.login.as_str()).await?;
    for person in [&contact, &approver_contact] {
        let id = person["id"].as_str().unwrap_or_default();
        records::share(
            app,
            &admin,
            "contact",
            id,
            &organization.to_string(),
            Level::Read,
        )
        .await?;
    }
    Ok(())
}

/// Published articles (Markdown), by type.
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    (
        "FAQ",
        "How do I reset my password?",
        "password, account",
        "Open **Profile**, enter your current password and choose a new one of at least 10 characters.\n\nForgot it? Ask your organization's administrator to send you a new setup link.",
    ),
    (
        "FAQ",
        "Printer shows \"paper jam\" but no paper is stuck",
        "printer, hardware",
        "1. Switch the printer off and unplug it for 30 seconds.\n2. Open the rear tray and check the rollers for scraps of paper.\n3. Switch it back on. If the message returns, open a case with the printer's serial number.",
    ),
    (
        "FAQ",
        "Connecting to the office VPN",
        "vpn, network, remote",
        "Install the VPN client from the software centre, sign in with your company account and choose the nearest gateway. Connections drop after 12 hours; reconnect to continue.",
    ),
    (
        "FAQ",
        "Why is my e-mail not syncing on my phone?",
        "email, mobile",
        "Check that the phone's date and time are set automatically, then remove and add the account again. Shared mailboxes sync only on the desktop client.",
    ),
    (
        "FAQ",
        "How long does support take to answer?",
        "support, sla",
        "Incidents get a first response within **1 hour** and are resolved within 8 working hours under the standard agreement. Service requests get a response within 4 hours.",
    ),
    (
        "FAQ",
        "Adding a colleague to the portal",
        "portal, users",
        "Organization administrators open **Organization**, type the colleague's e-mail address and choose *Add*. The colleague receives an invitation with a one-time link.",
    ),
    (
        "Rules and regulations",
        "Acceptable use of company equipment",
        "policy, equipment",
        "Company laptops and phones are for business use. Do not install unlicensed software, and report a lost or stolen device to support **at once**.",
    ),
    (
        "Rules and regulations",
        "Password and account policy",
        "policy, security, password",
        "Passwords have at least 10 characters and are never shared. Accounts are locked for a few minutes after repeated failed sign-ins.",
    ),
    (
        "Rules and regulations",
        "Data retention for support cases",
        "policy, privacy",
        "Closed cases and their files are kept for two years, then deleted. Ask support to delete personal data earlier.",
    ),
    (
        "Templates",
        "Template: reporting an incident",
        "template, incident",
        "When you open an incident, include:\n\n- what happened and when,\n- what you expected instead,\n- the device or service affected,\n- screenshots or logs as files.",
    ),
    (
        "Templates",
        "Template: requesting new equipment",
        "template, equipment",
        "Name the item, the quantity, who will use it, and the cost centre that pays for it.",
    ),
    (
        "Templates",
        "Template: access request for a shared folder",
        "template, access",
        "Give the folder's path, the people who need access, read or write, and until when.",
    ),
];

/// Services, a default agreement, published articles and two cases of the demo customer.
async fn seed_self_service(app: &App, admin: &Actor) -> anyhow::Result<()> {
    let first = ListRequest {
        limit: Some(1),
        ..ListRequest::default()
    };
    if !records::list(app, admin, "service", &first)
        .await?
        .data
        .is_empty()
    {
        return Ok(());
    }
    let mut services = Vec::new();
    for (name, category, response, resolution) in [
        ("Hardware repair", "Incident", 60, 480),
        ("Software installation", "Service request", 240, 2880),
        ("Account and access", "Service request", 120, 960),
    ] {
        let service = records::create(
            app,
            admin,
            "service",
            json!({ "name": name, "category": category, "response_minutes": response,
                    "resolution_minutes": resolution }),
        )
        .await?;
        services.push(service["id"].as_str().unwrap_or_default().to_owned());
    }
    records::create(
        app,
        admin,
        "service_agreement",
        json!({ "name": "Standard support", "is_default": true, "state": "Active" }),
    )
    .await?;
    let types = records::list(
        app,
        admin,
        "knowledge_type",
        &ListRequest {
            limit: Some(50),
            ..ListRequest::default()
        },
    )
    .await?;
    let type_id = |name: &str| {
        types
            .data
            .iter()
            .find(|t| t["data"]["name"] == name)
            .map(|t| t["id"].clone())
    };
    for (kind, title, tags, body) in ARTICLES {
        records::create(
            app,
            admin,
            "knowledge_article",
            json!({ "title": title, "type": type_id(kind), "tags": tags, "body": body,
                    "state": "Published" }),
        )
        .await?;
    }
    let mut tx = app.db.begin(admin.tenant.id, Access::Read).await?;
    let Some((customer, _)) = users::storage::find_active_by_login(&mut tx, CUSTOMER.0).await?
    else {
        return Ok(());
    };
    let customer = access::actor(app, &mut tx, admin.tenant.clone(), customer).await?;
    drop(tx);
    let case = crate::sections::cases::open_case(
        app,
        &customer,
        json!({ "service": services[0], "subject": "Printer on the 3rd floor jams",
                "description": "The printer reports a paper jam every few pages." }),
        Vec::new(),
    )
    .await?;
    let case_id = case["id"].as_str().unwrap_or_default();
    crate::sections::cases::conversation::post(
        app,
        admin,
        case_id,
        crate::sections::cases::conversation::MessageKind::Message,
        "Thanks for reporting it. A technician will come by this afternoon.",
        Vec::new(),
    )
    .await?;
    crate::sections::cases::open_case(
        app,
        &customer,
        json!({ "service": services[1], "description": "Please install the diagram editor on my laptop." }),
        Vec::new(),
    )
    .await?;
    Ok(())
}

async fn open_to_portal(
    app: &App,
    admin: &Actor,
    object: &str,
    portal_users: &str,
) -> crate::error::Result<()> {
    access::config::set_portal_object(app, admin, object, true).await?;
    for operation in [Operation::Create, Operation::Read, Operation::Update] {
        access::config::set_object_grant(app, admin, object, operation, portal_users, true).await?;
    }
    Ok(())
}

/// Makes `member` a member of the functional role `name` under `parent`, creating the role if the
/// tenant has none of that name. Acts as the administrator `admin`, whose view of the roles is
/// read afresh for each step.
async fn ensure_member(
    app: &App,
    tenant: &Tenant,
    admin: &User,
    name: &str,
    parent: RoleId,
    member: UserId,
) -> anyhow::Result<()> {
    let actor = fresh_actor(app, tenant, admin).await?;
    let named = |actor: &Actor| {
        actor
            .policy
            .roles()
            .find(|role| role.name.eq_ignore_ascii_case(name))
            .map(|role| role.id)
    };
    let role = match named(&actor) {
        Some(role) => role,
        None => {
            let input = access::config::NewRoleInput {
                name: name.to_owned(),
                kind: RoleKind::Functional,
                parent,
            };
            access::config::create_role(app, &actor, input).await?
        }
    };
    let actor = fresh_actor(app, tenant, admin).await?;
    access::config::set_membership(app, &actor, role, member, true).await?;
    Ok(())
}

/// The partner portal: the starting lookups, a reseller program of three levels, a partner
/// organization with the demo partner as its administrator, its partnership, and leads and
/// opportunities enough to have reached Bronze and be on the way to Silver, a deal registration
/// waiting for a decision, and a lead of the pool offered to the partner.
async fn seed_partners(app: &App, tenant: &Tenant) -> anyhow::Result<()> {
    use crate::sections::partners;
    let admin = actor_of(app, tenant, ADMIN.0).await?;
    crate::sections::seed_lookups(app, &admin).await?;
    let first = ListRequest {
        limit: Some(1),
        ..ListRequest::default()
    };
    if !records::list(app, &admin, partners::TIER, &first)
        .await?
        .data
        .is_empty()
    {
        return Ok(());
    }
    let id_of = |record: &serde_json::Value| record["id"].as_str().unwrap_or_default().to_owned();
    let named = |object: &'static str, name: &'static str| {
        let admin = admin.clone();
        async move {
            let request = ListRequest {
                filters: vec![format!("name:eq:{name}")],
                limit: Some(1),
                ..ListRequest::default()
            };
            let page = records::list(app, &admin, object, &request).await?;
            let found = page
                .data
                .first()
                .and_then(|r| r["id"].as_str().map(str::to_owned));
            found.with_context(|| format!("no {object} {name}"))
        }
    };
    let reseller = named("partner_type", "Reseller").await?;
    let leads = named(partners::CATEGORY, "Number of leads").await?;
    let amount = named(partners::CATEGORY, "Amount of won opportunities").await?;
    let margin = named(partners::CATEGORY, "Margin").await?;
    for (rank, name, lead_target, amount_target, benefit) in [
        (1, "Bronze", 5, 50_000, "10%"),
        (2, "Silver", 15, 150_000, "15%"),
        (3, "Platinum", 40, 500_000, "20%"),
    ] {
        let tier = records::create(
            app,
            &admin,
            partners::TIER,
            json!({ "name": name, "partner_type": reseller, "rank": rank, "points_needed": 80 }),
        )
        .await?;
        for (category, target) in [(&leads, lead_target), (&amount, amount_target)] {
            let obligation = json!({ "tier": id_of(&tier), "category": category, "kind": "Obligation",
                                     "target": target, "points": 40 });
            records::create(app, &admin, partners::PARAMETER, obligation).await?;
        }
        let benefit = json!({ "tier": id_of(&tier), "category": margin, "kind": "Benefit", "value": benefit });
        records::create(app, &admin, partners::PARAMETER, benefit).await?;
    }
    let account = records::create(
        app,
        &admin,
        "account",
        json!({ "name": "Northwind Resellers", "type": "Partner", "city": "Chicago",
                "country": "United States", "phone": "+1 312 555 0140" }),
    )
    .await?;
    let organization = organizations::create(app, &admin, &id_of(&account), None).await?;
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    if let Some((partner, _)) = users::storage::find_active_by_login(&mut tx, PARTNER.0).await? {
        users::storage::set_organization(&mut tx, partner.id, Some(organization), true).await?;
        crate::licenses::grant_to(app, &mut tx, partner.id, Some(Configuration::Partner)).await?;
    }
    tx.commit().await?;
    let admin = actor_of(app, tenant, ADMIN.0).await?;
    let start = app.clock.now().0.date_naive() - chrono::Duration::days(60);
    records::create(
        app,
        &admin,
        partners::PARTNERSHIP,
        json!({ "account": id_of(&account), "partner_type": reseller, "start_date": start.to_string() }),
    )
    .await?;
    let partner = actor_of(app, tenant, PARTNER.0).await?;
    for (company, contact) in [
        ("Blue Harbor Foods", "Maria Lopez"),
        ("Crestline Dental", "Owen Park"),
        ("Delta Freight", "Priya Nair"),
        ("Evergreen Schools", "Tom Becker"),
        ("Fjord Analytics", "Ingrid Dahl"),
        ("Granite Legal", "Sam Ortiz"),
    ] {
        let lead = json!({ "company": company, "contact_name": contact, "budget": 20_000 });
        records::create(app, &partner, partners::LEAD, lead).await?;
    }
    for (title, prospect, amount, won) in [
        ("CRM rollout", "Blue Harbor Foods", 30_000, true),
        ("Support contract", "Crestline Dental", 32_000, true),
        ("Analytics pilot", "Fjord Analytics", 45_000, false),
    ] {
        let deal = json!({ "title": title, "prospect": prospect, "amount": amount });
        let deal = records::create(app, &partner, partners::OPPORTUNITY, deal).await?;
        if won {
            crate::sections::actions::perform(
                app,
                &partner,
                partners::OPPORTUNITY,
                &id_of(&deal),
                "win",
                None,
            )
            .await?;
        }
    }
    // A deal waiting for the channel manager, and a lead of the pool offered to the partner.
    let deal = json!({ "prospect": "Harbor Logistics", "website": "https://harbor-logistics.example",
                       "contact_name": "Lena Fischer", "amount": 48_000,
                       "description": "Service desk for 120 agents, decision this quarter." });
    records::create(app, &partner, partners::DEAL, deal).await?;
    let lead = json!({ "company": "Ironwood Hotels", "contact_name": "Chris Lane", "budget": 15_000,
                       "partner": id_of(&account) });
    let lead = records::create(app, &admin, partners::LEAD, lead).await?;
    crate::sections::actions::perform(app, &admin, partners::LEAD, &id_of(&lead), "offer", None)
        .await?;
    // An order with its lines, a sales document, a marketing activity, and a competitor met.
    let order = json!({ "customer": "Blue Harbor Foods", "order_date": start.to_string() });
    let order = id_of(&records::create(app, &partner, partners::ORDER, order).await?);
    for (product, quantity, price, discount) in [
        ("Service desk licence, 1 year", 25, 600, 10),
        ("Onboarding workshop", 2, 1_500, 0),
    ] {
        let line = json!({ "order": order, "product": product, "quantity": quantity,
                           "unit_price": price, "discount": discount });
        records::create(app, &partner, partners::ORDER_LINE, line).await?;
    }
    let document =
        json!({ "title": "Blue Harbor Foods: signed order", "kind": "Contract", "order": order });
    records::create(app, &partner, partners::DOCUMENT, document).await?;
    let webinar = json!({ "name": "Spring service webinar", "kind": "Webinar", "budget": 2_500,
                          "leads_expected": 20, "start_date": (start + chrono::Duration::days(75)).to_string() });
    records::create(app, &partner, partners::ACTIVITY, webinar).await?;
    let rival = json!({ "name": "RivalDesk Inc.", "type": "Competitor", "web": "https://rivaldesk.example" });
    let rival = id_of(&records::create(app, &partner, "account", rival).await?);
    let product = json!({ "name": "RivalDesk Cloud", "maker": rival, "price": 39 });
    records::create(app, &partner, "competitor_product", product).await?;
    Ok(())
}

/// The active user `login` of `tenant` as an actor, with their roles as they are now.
pub async fn actor_of(app: &App, tenant: &Tenant, login: &str) -> anyhow::Result<Actor> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let (user, _) = users::storage::find_active_by_login(&mut tx, login)
        .await?
        .with_context(|| format!("no active user {login}"))?;
    let actor = access::actor(app, &mut tx, Arc::new(tenant.clone()), user).await?;
    tx.commit().await?;
    Ok(actor)
}

async fn fresh_actor(app: &App, tenant: &Tenant, user: &User) -> anyhow::Result<Actor> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let actor = access::actor(app, &mut tx, Arc::new(tenant.clone()), user.clone()).await?;
    tx.commit().await?;
    Ok(actor)
}
