//! Several `portico serve` processes on one PostgreSQL database, as behind a load balancer: the
//! real binary, each node its own process with its own caches, one data directory (the shared
//! file store every node needs), requests of one user sent to the nodes in turn.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection};

use crate::{
    harness::{Backend, Browser, DataDir, Login, TestDatabase},
    plugins::guests,
    sections,
    smtp::SmtpServer,
};

/// The `portico` binary with the installation's settings.
fn portico(database_url: &str, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .args(args)
        .env("PORTICO_DATABASE_URL", database_url)
        .env("PORTICO_DATA_DIR", data)
        .env("PORTICO_LOG", "warn");
    command
}

fn succeeded(output: Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// One `portico serve` process on a free port, killed when dropped.
struct Node {
    child: Child,
    port: u16,
}

impl Node {
    /// Starts node `n`, whose database sessions are named `portico-node-{n}`.
    fn start(n: usize, database_url: &str, data: &Path, smtp: &str) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let database_url = format!("{database_url}?application_name=portico-node-{n}");
        let child = portico(&database_url, data, &["serve"])
            .env("PORTICO_LISTEN", format!("127.0.0.1:{port}"))
            .env("PORTICO_SMTP_URL", smtp)
            .stdout(Stdio::null())
            .spawn()
            .expect("portico serve starts");
        Self { child, port }
    }

    fn origin(&self) -> String {
        format!("http://acme.localhost:{}", self.port)
    }

    async fn ready(&self) {
        let url = format!("http://127.0.0.1:{}/readyz", self.port);
        for _ in 0..300 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the node on port {} did not get ready", self.port);
    }

    /// Kills the process at once (SIGKILL): no shutdown, no goodbye to the database.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_one_postgresql_database() {
    let (database, url) = TestDatabase::create(Backend::Postgres).await;
    let data = DataDir::new();
    let smtp = SmtpServer::start().await;

    // Three nodes migrate the empty database at the same instant (as three start-up scripts
    // would): every migration is applied once, and each node finds it done.
    let migrating: Vec<Child> = (0..3)
        .map(|_| {
            portico(&url, &data.0, &["migrate"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in migrating {
        succeeded(child.wait_with_output().unwrap());
    }
    let files = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres"
    ))
    .unwrap()
    .filter(|f| {
        f.as_ref()
            .unwrap()
            .path()
            .extension()
            .is_some_and(|e| e == "sql")
    })
    .count();
    let mut inspect = AnyConnection::connect(&database.inspection_url(&url))
        .await
        .unwrap();
    let (applied, distinct, failed): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT version), count(*) FILTER (WHERE NOT success) FROM _sqlx_migrations",
    )
    .fetch_one(&mut inspect)
    .await
    .unwrap();
    assert_eq!((applied, distinct, failed), (files as i64, files as i64, 0));

    // Three nodes start at the same instant.
    let mut nodes: Vec<Node> = (0..3)
        .map(|n| Node::start(n, &url, &data.0, &smtp.url))
        .collect();
    for node in &nodes {
        node.ready().await;
    }
    let origins: Vec<String> = nodes.iter().map(Node::origin).collect();
    let created = succeeded(
        portico(
            &url,
            &data.0,
            &[
                "tenant",
                "create",
                "--slug",
                "acme",
                "--name",
                "Acme Corp",
                "--admin-email",
                "admin@acme.test",
            ],
        )
        .output()
        .unwrap(),
    );
    succeeded(
        portico(
            &url,
            &data.0,
            &[
                "tenant",
                "configure",
                "acme",
                "--configurations",
                "customer",
            ],
        )
        .output()
        .unwrap(),
    );
    let setup = created.split("/set-password").nth(1).unwrap().trim();
    let admin = Browser::new(&origins[0]);
    admin
        .set_password(
            &format!("{}/set-password{setup}", origins[0]),
            "admin password 1",
        )
        .await;

    // A session made on one node works on the others.
    admin
        .sign_in_console(&Login::new("admin@acme.test", "admin password 1"))
        .await;
    let on = |i: usize| admin.at(&origins[i]);
    for i in 1..3 {
        let (status, page) = on(i).get_text("/console").await;
        assert_eq!(status, StatusCode::OK, "node {i}");
        assert!(page.contains("Acme Corp"), "node {i}: {page}");
    }

    // A customer made through one node signs in on another and reads on a third.
    let response = on(1)
        .post_json(
            "/api/v1/users",
            &json!({ "login": "cara@client.test", "full_name": "Cara", "kind": "external" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let link = body["setup_link"]
        .as_str()
        .unwrap()
        .replace(&origins[1], &origins[2]);
    let customer = Browser::new(&origins[2]);
    customer.set_password(&link, "customer password 1").await;
    customer
        .sign_in_api(&Login::new("cara@client.test", "customer password 1"))
        .await;
    let cases = "/api/v1/objects/case/records";
    assert_eq!(
        customer.at(&origins[0]).get(cases).await.status(),
        StatusCode::OK
    );

    // An access change made through one node is in force on the others at their next request.
    let off = on(1)
        .put_json(
            "/api/v1/access/portal-objects/case",
            &json!({ "on_portal": false }),
        )
        .await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    for i in [2, 0] {
        let status = customer.at(&origins[i]).get(cases).await.status();
        assert!(
            status.is_client_error(),
            "node {i} still lets the customer read cases: {status}"
        );
    }
    let back = on(2)
        .put_json(
            "/api/v1/access/portal-objects/case",
            &json!({ "on_portal": true }),
        )
        .await;
    assert_eq!(back.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        customer.at(&origins[1]).get(cases).await.status(),
        StatusCode::OK
    );

    // A section installed through one node is there on the others at their next request.
    let orders = "/api/v1/objects/equipment_order/records";
    assert_eq!(on(2).get(orders).await.status(), StatusCode::NOT_FOUND);
    let package = guests::package("plugins/equipment-order");
    let installed = on(0)
        .post_json(
            "/api/v1/sections",
            &sections::body(&package.manifest, &package.component),
        )
        .await;
    assert_eq!(installed.status(), StatusCode::CREATED);
    for i in [1, 2] {
        assert_eq!(on(i).get(orders).await.status(), StatusCode::OK, "node {i}");
    }

    // Invitations made through all three nodes: every node's mail worker delivers, and each
    // message reaches its recipient once.
    let invited = 30;
    for n in 0..invited {
        let response = on(n % 3).post_json("/api/v1/users", &json!({ "login": format!("p{n}@client.test"), "full_name": format!("P {n}"), "kind": "external", "invite": true })).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
    }
    smtp.wait_for(invited).await;
    // Longer than a worker's poll: a second delivery would have come.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let mut recipients: Vec<String> = smtp.received().into_iter().flat_map(|m| m.to).collect();
    recipients.sort();
    let total = recipients.len();
    recipients.dedup();
    assert_eq!(
        (total, recipients.len()),
        (invited, invited),
        "{recipients:?}"
    );

    // A node killed in the middle of a job: the job's claim goes with its transaction, and
    // another node does the work, once. Support follows Cara's case by commenting on it; Cara's
    // answer through node 0 queues the news for support, which node 0 starts telling at once.
    let (status, case) = crate::support::open_case(
        &customer.at(&origins[2]),
        json!({ "subject": "Printer jams", "description": "Every page." }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let comments = format!(
        "/api/v1/objects/case/records/{}/comments",
        case["id"].as_str().unwrap()
    );
    let said = on(1)
        .post_json(&comments, &json!({ "body": "Looking into it." }))
        .await;
    assert_eq!(said.status(), StatusCode::CREATED);
    wait_until_no_jobs(&mut inspect).await;
    let admin_told = || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM notifications n JOIN users u ON u.tenant_id = n.tenant_id AND u.id = n.user_id
             WHERE u.login = 'admin@acme.test' AND n.kind = 'activity'",
        )
    };
    assert_eq!(admin_told().fetch_one(&mut inspect).await.unwrap(), 0);
    // Nobody may write notifications for now: node 0's job stops at its first one, claimed.
    let mut blocker = AnyConnection::connect(&database.inspection_url(&url))
        .await
        .unwrap();
    let mut lock = blocker.begin().await.unwrap();
    sqlx::query("LOCK TABLE notifications IN SHARE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let answered = customer
        .at(&origins[0])
        .post_json(&comments, &json!({ "body": "Thank you!" }))
        .await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let waiting = "SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'
                     AND application_name = 'portico-node-0'
                     AND query LIKE 'INSERT INTO notifications%'";
    let mut stuck = false;
    for _ in 0..100 {
        stuck = sqlx::query_scalar::<_, i64>(waiting)
            .fetch_one(&mut inspect)
            .await
            .unwrap()
            == 1;
        if stuck {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(stuck, "node 0 did not start telling support");
    nodes[0].kill();
    lock.rollback().await.unwrap();
    // The others find the job again at their next pass (every 30 s), and support is told once.
    let mut told = 0;
    for _ in 0..450 {
        told = admin_told().fetch_one(&mut inspect).await.unwrap();
        if told > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(told, 1, "support was not told after node 0 died mid-job");
    wait_until_no_jobs(&mut inspect).await;
    assert_eq!(admin_told().fetch_one(&mut inspect).await.unwrap(), 1);

    // With a node killed outright, the others go on serving the same session.
    for i in [1, 2] {
        assert_eq!(
            on(i).get("/console").await.status(),
            StatusCode::OK,
            "node {i}"
        );
    }
}

/// Waits until every queued job is done (by whichever node).
async fn wait_until_no_jobs(inspect: &mut AnyConnection) {
    for _ in 0..100 {
        let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
            .fetch_one(&mut *inspect)
            .await
            .unwrap();
        if queued == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("queued jobs were not done");
}
