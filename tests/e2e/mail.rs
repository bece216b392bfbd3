//! E-mail around cases: a whole conversation delivered to a real SMTP server the test runs, the
//! development mailbox when no server is configured, the tenant's own templates, and working-time
//! calendars that the deadlines follow.

use portico::{
    clock::Clock,
    sla::{Calendar, Hours},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Backend, Options, TestApp, location, on_both_databases},
    smtp::{Received, SmtpServer},
    support::{Desk, open_case, post_message, standard_terms},
};

/// The message's text, with quoted-printable soft breaks and escapes undone.
/// A message as a reader sees it: the headers as sent, the body decoded from quoted-printable.
pub fn text(mail: &Received) -> String {
    let data = mail.data.replace("\r\n", "\n");
    let (headers, body) = data.split_once("\n\n").unwrap_or((&data, ""));
    let body = body.replace("=\n", "");
    let mut bytes = Vec::with_capacity(body.len());
    let mut rest = body.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        let hex = tail
            .get(..2)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (first, hex) {
            (b'=', Some(byte)) => {
                bytes.push(byte);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(first);
                rest = tail;
            }
        }
    }
    format!("{headers}\n\n{}", String::from_utf8_lossy(&bytes))
}

async fn conversation_by_mail(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(
        backend,
        Options {
            smtp_url: Some(smtp.url.clone()),
            ..Options::default()
        },
    )
    .await;
    let desk = Desk::open(&app, "acme").await;
    let (service, _) = standard_terms(&desk).await;
    let customer = desk.customer("ann@client.test", json!({})).await;

    // The customer opens a case from the portal form, with a file.
    let response = customer
        .submit_multipart(
            "/cases/new",
            "/cases/new",
            &[
                ("service", &service),
                ("subject", "Printer jams"),
                ("description", "Every second page"),
            ],
            vec![("log.txt", "text/plain", b"error log".to_vec())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let case_page = location(&response);
    let case_id = case_page.trim_start_matches("/cases/").to_owned();
    let (_, html) = customer.get_text(&case_page).await;
    assert!(
        html.contains("log.txt") && html.contains("Printer jams"),
        "{html}"
    );

    // Support replies: the customer gets an e-mail with the message and a link to the case.
    let console_page = format!("/console/cases/{case_id}");
    post_message(
        &desk.admin,
        &console_page,
        &format!("{console_page}/messages"),
        "message",
        "A technician comes at 3 pm.",
        vec![],
    )
    .await;
    let mails = smtp.wait_for(1).await;
    let reply = &mails[0];
    assert_eq!(reply.to, ["ann@client.test"]);
    assert_eq!(reply.from, "support@portico.test");
    // A Message-ID made from the outbox id, so a receiver can drop a redelivered copy.
    let message_id = reply
        .data
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap_or_else(|| panic!("no Message-ID: {}", reply.data));
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@portico.test>"),
        "{message_id}"
    );
    assert_eq!(
        reply.subject(),
        "New message on your case SR-00001: Printer jams"
    );
    let body = text(reply);
    assert!(body.contains("A technician comes at 3 pm."), "{body}");
    assert!(
        body.contains(&format!("{}/cases/{case_id}", desk.tenant.origin)),
        "{body}"
    );

    // The customer answers on the portal; support does not e-mail the customer about it.
    post_message(
        &customer,
        &case_page,
        &format!("{case_page}/messages"),
        "message",
        "Thanks, I will be there.",
        vec![],
    )
    .await;

    // Cancelling asks first.
    let (_, html) = customer.get_text(&case_page).await;
    assert!(html.contains("hx-confirm=\"Cancel this case?"), "{html}");

    // Resolved: a status e-mail and a feedback invitation.
    desk.move_case(&case_id, "Resolved").await;
    let mails = smtp.wait_for(3).await;
    let subjects: Vec<&str> = mails.iter().map(Received::subject).collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(
        subjects.contains(&"Your case SR-00001 is now Resolved"),
        "{subjects:?}"
    );
    let invitation = mails
        .iter()
        .find(|m| m.subject() == "How did we do on case SR-00001?")
        .unwrap();
    assert!(text(invitation).contains(&format!("/cases/{case_id}#feedback")));

    // The customer follows the invitation and rates the case; the history is in order.
    let (_, html) = customer.get_text(&case_page).await;
    assert!(html.contains("id=\"feedback\""), "{html}");
    let response = customer
        .submit_form(
            &case_page,
            &format!("{case_page}/feedback"),
            &[("satisfaction", "5"), ("notes", "Fast")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = customer.get_text(&case_page).await;
    // Messages and the e-mails they caused, in order.
    let at = |text: &str| {
        html.find(text)
            .unwrap_or_else(|| panic!("{text} not in {html}"))
    };
    let order = [
        at("A technician comes"),
        at("New message on your case SR-00001"),
        at("Thanks, I will be there"),
        at("Your case SR-00001 is now Resolved"),
        at("How did we do on case SR-00001?"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(html.contains("E-mail to ann@client.test"));
    // Each e-mail is one line of the history, its text folded away.
    assert_eq!(
        html.matches("<li class=\"message email\">\n        <details><summary")
            .count(),
        3,
        "{html}"
    );
    assert!(html.contains("5 / 5"), "{html}");

    // Closed after being resolved: a status e-mail, but no second request for feedback.
    desk.move_case(&case_id, "Closed").await;
    let mails = smtp.wait_for(4).await;
    assert_eq!(mails[3].subject(), "Your case SR-00001 is now Closed");

    // The outbox shows them as sent, in the console.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (_, mailbox) = desk.admin.get_text("/console/mail").await;
    assert_eq!(mailbox.matches(">sent<").count(), 4, "{mailbox}");
    assert_eq!(smtp.received().len(), 4, "a message was sent twice");
    let ids: std::collections::BTreeSet<&str> = smtp_ids(&mails);
    assert_eq!(ids.len(), 4, "every message has its own Message-ID");
}

fn smtp_ids(mails: &[Received]) -> std::collections::BTreeSet<&str> {
    mails
        .iter()
        .filter_map(|m| m.data.lines().find_map(|l| l.strip_prefix("Message-ID: ")))
        .collect()
}

/// A relay that takes forty seconds (of the test's clock) for each message, and notes which
/// messages it was given, by their outbox id.
#[derive(Debug)]
struct SlowRelay {
    clock: portico::clock::ManualClock,
    delivered: std::sync::Mutex<Vec<String>>,
}

impl portico::mail::worker::Transport for SlowRelay {
    fn send<'a>(
        &'a self,
        envelope: &'a portico::mail::worker::Envelope,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            self.clock.advance(chrono::Duration::seconds(40));
            self.delivered.lock().unwrap().push(envelope.id.clone());
            Ok(())
        })
    }
}

on_both_databases! {
    async fn two_nodes_with_a_slow_relay_deliver_every_message_once(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let (_, created) = open_case(&customer, json!({ "service": service, "description": "d" })).await;
        let case_id = created["id"].as_str().unwrap().to_owned();
        let console_page = format!("/console/cases/{case_id}");
        for n in 0..20 {
            post_message(&desk.admin, &console_page, &format!("{console_page}/messages"), "message", &format!("Reply {n}"), vec![]).await;
        }
        // Two nodes deliver at once; twenty messages at forty seconds each outlast any batch's
        // five-minute lease.
        let relay = SlowRelay { clock: app.clock.clone(), delivered: Default::default() };
        let (a, b) = tokio::join!(
            portico::mail::worker::deliver_due(&app.app, &relay),
            portico::mail::worker::deliver_due(&app.app, &relay),
        );
        let sent = a.unwrap() + b.unwrap();
        let delivered = relay.delivered.into_inner().unwrap();
        let distinct: std::collections::BTreeSet<&String> = delivered.iter().collect();
        assert!(sent >= 20, "{sent}");
        assert_eq!((delivered.len(), distinct.len()), (sent, sent), "a message was delivered twice: {delivered:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_reaches_the_customer_by_email_on_sqlite() {
    conversation_by_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_reaches_the_customer_by_email_on_postgres() {
    conversation_by_mail(Backend::Postgres).await;
}

on_both_databases! {
    async fn tenants_word_their_own_mail_and_set_working_hours(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, agreement) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;

        // A custom status template; a broken one is refused and the saved one stays.
        let page = "/console/mail/templates/case_status";
        let response = desk.admin.submit_form(page, page, &[
            ("subject", "[Acme] {{ number }} -> {{ status }}"),
            ("text_body", "Dear {{ name }}, case {{ number }} is {{ status }}."),
            ("html_body", "<p>Dear {{ name }}, case {{ number }} is {{ status }}.</p>"),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = desk.admin.submit_form(page, page, &[
            ("subject", "{{ number"), ("text_body", "x"), ("html_body", "x"),
        ]).await;
        let (_, html) = desk.admin.get_text(&location(&response)).await;
        assert!(html.contains("alert error") && html.contains("[Acme] {{ number }}"), "{html}");
        // Only administrators edit templates.
        let (_, agent) = desk.tenant.create_user(&desk.admin, "agent@acme.test", "employee", "agent password 1").await;
        let agent_browser = desk.tenant.browser();
        agent_browser.sign_in_console(&agent).await;
        let response = agent_browser.get(page).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        // Without SMTP, mail waits in the development mailbox, rendered with the tenant's wording.
        let (_, created) = open_case(&customer, json!({ "service": service, "description": "d" })).await;
        let case_id = created["id"].as_str().unwrap().to_owned();
        desk.move_case(&case_id, "In progress").await;
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        assert!(mailbox.contains("[Acme] SR-00001 -&gt; In progress"), "{mailbox}");
        assert!(mailbox.contains("Dear ann@client.test, case SR-00001 is In progress."), "{mailbox}");

        // A working-time calendar: Monday to Friday 9 to 17 in Berlin; the agreement names it.
        let mut fields = vec![
            ("name".to_owned(), "Berlin office".to_owned()),
            ("time_zone".to_owned(), "Europe/Berlin".to_owned()),
            ("holidays".to_owned(), "2026-12-25, 2026-12-26".to_owned()),
        ];
        for day in 0..5 {
            fields.push((format!("start_{day}"), "09:00".to_owned()));
            fields.push((format!("end_{day}"), "17:00".to_owned()));
        }
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let response = desk.admin.submit_form("/console/calendars", "/console/calendars", &borrowed).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // Bad calendars are refused with the reason.
        for bad in [
            vec![("name", "X"), ("time_zone", "Mars/Olympus")],
            vec![("name", "X"), ("time_zone", "UTC"), ("start_0", "09:00")],
            vec![("name", "X"), ("time_zone", "UTC"), ("start_0", "17:00"), ("end_0", "09:00")],
            vec![("name", "X"), ("time_zone", "UTC"), ("holidays", "someday")],
        ] {
            let response = desk.admin.submit_form("/console/calendars", "/console/calendars", &bad).await;
            let (_, html) = desk.admin.get_text(&location(&response)).await;
            assert!(html.contains("alert error"), "{bad:?}: {html}");
        }
        let (_, html) = desk.admin.get_text("/console/calendars").await;
        assert_eq!(html.matches("Id: <code>").count(), 1, "{html}");
        let calendar_id = html.split("Id: <code>").nth(1).unwrap().split('<').next().unwrap().to_owned();
        let nine_to_five = Some(Hours {
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        });
        let calendar = Calendar {
            time_zone: chrono_tz::Europe::Berlin,
            week: [nine_to_five, nine_to_five, nine_to_five, nine_to_five, nine_to_five, None, None],
            holidays: vec![
                chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 12, 26).unwrap(),
            ],
        };
        let record: Value = desk.admin.get(&format!("/api/v1/objects/service_agreement/records/{agreement}")).await.json().await.unwrap();
        let response = desk.admin.patch_json(
            &format!("/api/v1/objects/service_agreement/records/{agreement}"),
            &json!({ "version": record["version"], "data": { "calendar": calendar_id } }),
        ).await;
        assert_eq!(response.status(), StatusCode::OK);
        let (_, created) = open_case(&customer, json!({ "service": service, "description": "d" })).await;
        let now = app.clock.now().0;
        let expected = |minutes| portico::store::Timestamp(portico::sla::deadline(now, minutes, Some(&calendar)).unwrap()).to_db();
        assert_eq!(created["data"]["response_deadline"], expected(60));
        assert_eq!(created["data"]["resolution_deadline"], expected(480));
    }
}

on_both_databases! {
    async fn mail_goes_out_in_the_recipients_language_and_only_sound_wording_is_saved(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        // Greta's contact reads German; Ann's names no language.
        desk.create("contact", json!({ "full_name": "Greta Weiss", "email": "greta@client.test", "language": "Deutsch" })).await;
        for login in ["greta@client.test", "ann@client.test"] {
            desk.tenant.create_user(&desk.admin, login, "external", "a password 123").await;
        }
        let anonymous = desk.tenant.browser();
        for login in ["greta@client.test", "ann@client.test"] {
            let response = anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": login })).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED);
        }
        let mailbox = wait_for_mailbox(&desk, 2).await;
        assert!(mailbox.contains("Ihr Passwort für acme Inc. zurücksetzen"), "{mailbox}");
        assert!(mailbox.contains("innerhalb von 1 Stunde"), "{mailbox}");
        assert!(mailbox.contains("Reset your acme Inc. password"), "{mailbox}");

        // The tenant's German wording wins for German readers; English readers keep the built-in text.
        let page = "/console/mail/templates/password_recovery?language=de";
        let (status, html) = desk.admin.get_text(page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Ihr Passwort"), "the built-in German wording is shown: {html}");
        let saved = desk.admin.submit_form(page, "/console/mail/templates/password_recovery", &[
            ("language", "de"),
            ("subject", "Neues Passwort bei {{ tenant }}"),
            ("text_body", "Hallo {{ name }}: {{ link }}"),
            ("html_body", "<p>Hallo {{ name }}: <a href=\"{{ link }}\">Link</a></p>"),
        ]).await;
        assert_eq!(location(&saved), "/console/mail/templates/password_recovery?language=de");
        // Each refusal names the problem; nothing of it is saved.
        for (subject, text, html, problem) in [
            ("Hi {{ tenant }}", "Hallo {{ nmae }} {{ link }}", "<p>{{ link }}</p>", "uses {{ nmae }}"),
            ("Hi", "Hallo {{ name }}", "<p>{{ link }}</p>", "must contain {{ link }}"),
            ("{{ tenant", "{{ link }}", "<p>{{ link }}</p>", "does not render"),
            ("Hi", "{{ link.missing }}", "<p>{{ link }}</p>", "does not render"),
        ] {
            let response = desk.admin.submit_form(page, "/console/mail/templates/password_recovery", &[
                ("language", "de"), ("subject", subject), ("text_body", text), ("html_body", html),
            ]).await;
            let (_, shown) = desk.admin.get_text(&location(&response)).await;
            assert!(shown.contains(problem), "{problem}: {shown}");
            assert!(shown.contains("Neues Passwort bei"), "the saved wording stays: {shown}");
        }
        // The live preview renders the sample, or says what is wrong.
        let (_, form_page) = desk.admin.get_text(page).await;
        let csrf = crate::harness::csrf_token_in(&form_page).unwrap();
        let preview = |text: &'static str| {
            let csrf = csrf.clone();
            let admin = &desk.admin;
            async move {
                admin.client.post(admin.url("/console/mail/templates/password_recovery/preview"))
                    .form(&[("csrf_token", csrf.as_str()), ("language", "de"), ("subject", "Hallo {{ name }}"), ("text_body", text), ("html_body", "<p>{{ link }}</p>")])
                    .send().await.unwrap().text().await.unwrap()
            }
        };
        let good = preview("Hallo {{ name }}, hier: {{ link }}").await;
        assert!(good.contains("Hallo Ann Lee, hier: https:&#x2f;&#x2f;acme.example&#x2f;x") || good.contains("Hallo Ann Lee, hier: https://acme.example/x"), "{good}");
        let bad = preview("Hallo {{ name }}").await;
        assert!(bad.contains("must contain"), "{bad}");

        // A German reader now gets the tenant's wording; the tenant's default language reaches
        // readers whose contact names none.
        anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": "greta@client.test" })).await;
        let mailbox = wait_for_mailbox(&desk, 3).await;
        assert!(mailbox.contains("Neues Passwort bei acme Inc."), "{mailbox}");
        let response = desk.admin.submit_form("/console/mail", "/console/mail/language", &[("language", "de")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = desk.admin.submit_form("/console/mail", "/console/mail/language", &[("language", "xx")]).await;
        let (_, shown) = desk.admin.get_text(&location(&response)).await;
        // German is now the tenant's default: its console speaks German too.
        assert!(shown.contains("muss eine der folgenden sein: en, de"), "{shown}");
        anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": "ann@client.test" })).await;
        let mailbox = wait_for_mailbox(&desk, 4).await;
        assert_eq!(mailbox.matches("Neues Passwort bei acme Inc.").count(), 2, "{mailbox}");

        // Back to the built-in wording.
        let response = desk.admin.submit_form(page, "/console/mail/templates/password_recovery", &[("language", "de"), ("reset", "true")]).await;
        let (_, shown) = desk.admin.get_text(&location(&response)).await;
        assert!(shown.contains("Der eingebaute Wortlaut gilt wieder") && shown.contains("Ihr Passwort"), "{shown}");
    }
}

/// The console's mailbox once it holds `count` password recovery messages (they are written just
/// after the request is answered).
async fn wait_for_mailbox(desk: &Desk, count: usize) -> String {
    for _ in 0..100 {
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        if mailbox.matches("<li class=\"message\">").count() >= count {
            return mailbox;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the mailbox never held {count} messages");
}

async fn mail_comes_from_the_tenants_own_sender(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(
        backend,
        Options {
            smtp_url: Some(smtp.url.clone()),
            settings: vec![("PORTICO_MAIL_SENDER_DOMAINS", "acme-mail.test".to_owned())],
            ..Options::default()
        },
    )
    .await;
    let desk = Desk::open(&app, "acme").await;
    desk.tenant
        .create_user(&desk.admin, "ann@client.test", "external", "a password 123")
        .await;

    // An address outside the allowed domains is refused, and nothing changes.
    let settings: Value = desk
        .admin
        .get("/api/v1/settings/mail")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        settings,
        json!({ "language": "en", "sender_name": "", "sender_address": "" })
    );
    let response = desk
        .admin
        .put_json(
            "/api/v1/settings/mail",
            &json!({ "language": "en", "sender_name": "Acme Help", "sender_address": "ceo@bank.test" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(body.to_string().contains("acme-mail.test"), "{body}");
    let response = desk
        .admin
        .submit_form(
            "/console/mail",
            "/console/mail/sender",
            &[("name", "Acme <Help>"), ("address", "help@acme-mail.test")],
        )
        .await;
    let (_, page) = desk.admin.get_text(&location(&response)).await;
    assert!(page.contains("without &lt; &gt; or quotes"), "{page}");
    let unchanged: Value = desk
        .admin
        .get("/api/v1/settings/mail")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged, settings);

    // The console sets the tenant's sender; its mail then comes from it.
    let response = desk
        .admin
        .submit_form(
            "/console/mail",
            "/console/mail/sender",
            &[("name", "Acme Help"), ("address", "Help@Acme-Mail.test")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let anonymous = desk.tenant.browser();
    let response = anonymous
        .post_json(
            "/api/v1/auth/recovery",
            &json!({ "login": "ann@client.test" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp.wait_for(1).await.remove(0);
    assert_eq!(mail.from, "help@acme-mail.test");
    let from = mail.data.lines().find(|l| l.starts_with("From: ")).unwrap();
    assert!(
        from.contains("Acme Help") && from.contains("<help@acme-mail.test>"),
        "{from}"
    );
    let message_id = mail
        .data
        .lines()
        .find(|l| l.starts_with("Message-ID: "))
        .unwrap();
    assert!(message_id.ends_with("@acme-mail.test>"), "{message_id}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_comes_from_the_tenants_own_sender_sqlite() {
    mail_comes_from_the_tenants_own_sender(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_comes_from_the_tenants_own_sender_postgres() {
    mail_comes_from_the_tenants_own_sender(Backend::Postgres).await;
}
