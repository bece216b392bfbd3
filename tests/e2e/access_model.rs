//! Property test of the permission engine: random role trees, memberships, operation grants,
//! default-rights rules, records and shares. For every (user, record, operation), the engine's
//! decision, the SQL-filtered list and `explain` must all agree with a small reference model
//! written here, independently of the engine.

use std::{collections::BTreeSet, sync::Arc};

use portico::{
    access::{self, Actor, Audience, Level, Operation, RoleId, RoleKind, config, explain},
    records::{self, ListRequest, RecordId},
    store::Access,
    tenancy,
    users::{self, NewUser, UserId},
};
use proptest::{prelude::*, test_runner::TestRunner};
use serde_json::json;

use crate::harness::{Backend, TestApp};

const OBJECT: &str = "knowledge_article";
/// Operations on existing records, in the order of the `grants` arrays.
const OPS: [Operation; 3] = [Operation::Read, Operation::Update, Operation::Delete];

/// Who a rule or share names: the root role, a role, or a user.
#[derive(Debug, Clone, Copy)]
enum Target {
    Root,
    Role(usize),
    User(usize),
}

#[derive(Debug, Clone)]
struct Scenario {
    /// Role i's parent: `None` is "All external users", `Some(j)` is role j (< i).
    parents: Vec<Option<usize>>,
    /// Direct memberships: users × roles.
    members: Vec<Vec<bool>>,
    /// Grants of read/update/delete for the root, then each role, then each user.
    grants: Vec<[bool; 3]>,
    /// (author role: `None` = root, grantee, level)
    rules: Vec<(Option<usize>, Target, Level)>,
    /// Each record's author.
    records: Vec<usize>,
    shares: Vec<(usize, Target, Level)>,
    on_portal: bool,
}

fn level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::Read), Just(Level::Edit), Just(Level::Delete)]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=4, 2usize..=4, 1usize..=5).prop_flat_map(|(roles, users, records)| {
        let parents = (0..roles)
            .map(|i| proptest::option::of(0..i.max(1)).prop_map(move |p| p.filter(|_| i > 0)))
            .collect::<Vec<_>>();
        let target = prop_oneof![
            Just(Target::Root),
            (0..roles).prop_map(Target::Role),
            (0..users).prop_map(Target::User),
        ];
        (
            parents,
            proptest::collection::vec(proptest::collection::vec(any::<bool>(), roles), users),
            proptest::collection::vec(any::<[bool; 3]>(), 1 + roles + users),
            proptest::collection::vec(
                (proptest::option::of(0..roles), target.clone(), level()),
                0..3,
            ),
            proptest::collection::vec(0..users, records),
            proptest::collection::vec((0..records, target, level()), 0..3),
            any::<bool>(),
        )
            .prop_map(
                |(parents, members, grants, rules, records, shares, on_portal)| Scenario {
                    parents,
                    members,
                    grants,
                    rules,
                    records,
                    shares,
                    on_portal,
                },
            )
    })
}

/// The reference model: plain sets, no database, no engine code.
struct Model<'a> {
    s: &'a Scenario,
}

impl Model<'_> {
    /// Role indexes the user belongs to, with every ancestor (the root is implicit).
    fn roles_of(&self, user: usize) -> BTreeSet<usize> {
        let mut roles = BTreeSet::new();
        for (role, member) in self.s.members[user].iter().enumerate() {
            let mut next = member.then_some(role);
            while let Some(r) = next {
                roles.insert(r);
                next = self.s.parents[r];
            }
        }
        roles
    }

    fn names(&self, user: usize, target: Target) -> bool {
        match target {
            Target::Root => true,
            Target::Role(r) => self.roles_of(user).contains(&r),
            Target::User(u) => u == user,
        }
    }

    fn holds_operation(&self, user: usize, op: usize) -> bool {
        let roles = self.s.parents.len();
        self.s.grants[0][op]
            || self.roles_of(user).iter().any(|r| self.s.grants[1 + r][op])
            || self.s.grants[1 + roles + user][op]
    }

    fn level(&self, user: usize, record: usize) -> Option<Level> {
        let author = self.s.records[record];
        let mut levels = Vec::new();
        if author == user {
            levels.push(Level::Delete);
        }
        // A second rule for the same author role and grantee is refused: the first one counts.
        let mut seen: Vec<(Option<usize>, Target)> = Vec::new();
        for (author_role, grantee, level) in &self.s.rules {
            if seen
                .iter()
                .any(|(a, t)| a == author_role && same_target(*t, *grantee))
            {
                continue;
            }
            seen.push((*author_role, *grantee));
            let applies = match author_role {
                None => true,
                Some(r) => self.roles_of(author).contains(r),
            };
            if applies && self.names(user, *grantee) {
                levels.push(*level);
            }
        }
        // Sharing a record with the same grantee again sets a new level: the last share counts.
        let mut shares: Vec<(Target, Level)> = Vec::new();
        for (shared, grantee, level) in &self.s.shares {
            if *shared == record {
                shares.retain(|(t, _)| !same_target(*t, *grantee));
                shares.push((*grantee, *level));
            }
        }
        levels.extend(
            shares
                .into_iter()
                .filter(|(t, _)| self.names(user, *t))
                .map(|(_, l)| l),
        );
        levels.into_iter().max()
    }

    fn allowed(&self, user: usize, record: usize, op: usize) -> bool {
        self.s.on_portal
            && self.holds_operation(user, op)
            && self
                .level(user, record)
                .is_some_and(|l| l >= OPS[op].needed_level().unwrap())
    }
}

fn same_target(a: Target, b: Target) -> bool {
    match (a, b) {
        (Target::Root, Target::Root) => true,
        (Target::Role(x), Target::Role(y)) | (Target::User(x), Target::User(y)) => x == y,
        _ => false,
    }
}

struct Built {
    users: Vec<UserId>,
    records: Vec<String>,
}

async fn actor_for(
    app: &TestApp,
    tenant: &Arc<portico_tenants::Tenant>,
    admin: &Actor,
    user: UserId,
) -> Actor {
    let user = users::get(&app.app, admin, user).await.unwrap().user;
    let mut tx = app.app.db.begin(tenant.id, Access::Read).await.unwrap();
    access::actor(&app.app, &mut tx, tenant.clone(), user)
        .await
        .unwrap()
}

/// Builds the scenario through the engine's own services, as an administrator would.
async fn build(
    app: &TestApp,
    case: usize,
    s: &Scenario,
) -> (Arc<portico_tenants::Tenant>, Actor, Built) {
    let slug = portico_tenants::Slug::parse(&format!("case{case}")).unwrap();
    let provisioned =
        tenancy::provision(&app.app, &slug, "Case", &format!("admin@case{case}.test"))
            .await
            .unwrap();
    let tenant = Arc::new(provisioned.tenant);
    let mut admin = {
        let mut tx = app.app.db.begin(tenant.id, Access::Read).await.unwrap();
        access::actor(&app.app, &mut tx, tenant.clone(), provisioned.admin.user)
            .await
            .unwrap()
    };
    let refresh = |admin: Actor| async move {
        let user = admin.user;
        actor_for(app, &admin.tenant.clone(), &admin, user).await
    };
    let root = admin.policy.root_of(Audience::External).unwrap().id;

    let mut roles: Vec<RoleId> = Vec::new();
    for (i, parent) in s.parents.iter().enumerate() {
        let parent = parent.map_or(root, |p| roles[p]);
        let input = config::NewRoleInput {
            name: format!("Role {i}"),
            kind: RoleKind::Organizational,
            parent,
        };
        roles.push(config::create_role(&app.app, &admin, input).await.unwrap());
        admin = refresh(admin).await;
    }
    let mut people = Vec::new();
    for (u, memberships) in s.members.iter().enumerate() {
        let new = NewUser::parse(
            &format!("user{u}@case{case}.test"),
            &format!("User {u}"),
            "external",
        )
        .unwrap();
        let user = users::create(&app.app, &admin, new, false, None)
            .await
            .unwrap()
            .user
            .id;
        for (r, member) in memberships.iter().enumerate() {
            if *member {
                config::set_membership(&app.app, &admin, roles[r], user, true)
                    .await
                    .unwrap();
            }
        }
        people.push(user);
    }
    let target = |t: Target| match t {
        Target::Root => root.to_string(),
        Target::Role(r) => roles[r].to_string(),
        Target::User(u) => people[u].to_string(),
    };
    // Everyone may create (so the authors can write the records); the rest is the scenario's.
    config::set_portal_object(&app.app, &admin, OBJECT, true)
        .await
        .unwrap();
    config::set_object_grant(
        &app.app,
        &admin,
        OBJECT,
        Operation::Create,
        &root.to_string(),
        true,
    )
    .await
    .unwrap();
    let grantees: Vec<String> = std::iter::once(root.to_string())
        .chain(roles.iter().map(ToString::to_string))
        .chain(people.iter().map(ToString::to_string))
        .collect();
    for (grantee, grants) in grantees.iter().zip(&s.grants) {
        for (op, granted) in OPS.iter().zip(grants) {
            config::set_object_grant(&app.app, &admin, OBJECT, *op, grantee, *granted)
                .await
                .unwrap();
        }
    }
    admin = refresh(admin).await;
    for (author_role, grantee, level) in &s.rules {
        let author = author_role.map_or(root, |r| roles[r]);
        // A rule for an author role and grantee that already have one is refused as a conflict.
        let _ = config::add_rule(&app.app, &admin, OBJECT, author, &target(*grantee), *level).await;
        admin = refresh(admin).await;
    }
    let mut records_created = Vec::new();
    for (i, author) in s.records.iter().enumerate() {
        let author = actor_for(app, &tenant, &admin, people[*author]).await;
        let record = records::create(
            &app.app,
            &author,
            OBJECT,
            json!({ "title": format!("Record {i}") }),
        )
        .await
        .unwrap();
        records_created.push(record["id"].as_str().unwrap().to_owned());
    }
    for (record, grantee, level) in &s.shares {
        records::share(
            &app.app,
            &admin,
            OBJECT,
            &records_created[*record],
            &target(*grantee),
            *level,
        )
        .await
        .unwrap();
    }
    config::set_portal_object(&app.app, &admin, OBJECT, s.on_portal)
        .await
        .unwrap();
    let admin = refresh(admin).await;
    (
        tenant,
        admin,
        Built {
            users: people,
            records: records_created,
        },
    )
}

async fn check(app: &TestApp, case: usize, s: Scenario) -> Result<(), TestCaseError> {
    let model = Model { s: &s };
    let (tenant, admin, built) = build(app, case, &s).await;
    let object = records::object_type(&admin, OBJECT).unwrap();
    for (u, user) in built.users.iter().enumerate() {
        let actor = actor_for(app, &tenant, &admin, *user).await;
        // The SQL-filtered list.
        let listed: BTreeSet<String> = match records::list(
            &app.app,
            &actor,
            OBJECT,
            &ListRequest {
                limit: Some(200),
                ..ListRequest::default()
            },
        )
        .await
        {
            Ok(page) => page
                .data
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect(),
            Err(_) => BTreeSet::new(),
        };
        let expected: BTreeSet<String> = (0..s.records.len())
            .filter(|r| model.allowed(u, *r, 0))
            .map(|r| built.records[r].clone())
            .collect();
        prop_assert_eq!(&listed, &expected, "list of user {}", u);

        for (r, record) in built.records.iter().enumerate() {
            for (o, op) in OPS.iter().enumerate() {
                let expected = model.allowed(u, r, o);
                // The engine, as services ask it.
                let engine = access::object_gates(&actor, &object, *op).is_ok() && {
                    let mut tx = app.app.db.begin(tenant.id, Access::Read).await.unwrap();
                    let id = RecordId::parse(record).unwrap();
                    access::records::level(&mut tx, &actor, &object.code, id)
                        .await
                        .unwrap()
                        .is_some_and(|(held, _)| held >= op.needed_level().unwrap())
                };
                prop_assert_eq!(engine, expected, "engine: user {} record {} {:?}", u, r, op);
                let explained =
                    explain::explain(&app.app, &admin, *user, OBJECT, *op, Some(record))
                        .await
                        .unwrap();
                prop_assert_eq!(
                    explained.allowed,
                    expected,
                    "explain: user {} record {} {:?}",
                    u,
                    r,
                    op
                );
            }
            // Reading a single record agrees too.
            let got = records::get(&app.app, &actor, OBJECT, record).await.is_ok();
            prop_assert_eq!(got, model.allowed(u, r, 0), "get: user {} record {}", u, r);
        }
    }
    Ok(())
}

fn run(backend: Backend, cases: u32) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(TestApp::spawn(backend));
    let mut runner = TestRunner::new(proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..Default::default()
    });
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&scenario(), |s| {
        let case = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        runtime.block_on(check(&app, case, s))
    });
    drop(app);
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn the_engine_lists_and_explain_agree_with_the_model_on_sqlite() {
    run(Backend::Sqlite, 24);
}

#[test]
fn the_engine_lists_and_explain_agree_with_the_model_on_postgres() {
    run(Backend::Postgres, 12);
}
