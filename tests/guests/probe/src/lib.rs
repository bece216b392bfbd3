//! Exercises every hook and, through `on_action`, every import: the action names the import, the
//! comment carries its argument, and the outcome's message reports what the host answered.
use portico_sdk::{
    ActionOutcome, Context, Fields, HookError, Issue, Record, Section, Value, email,
    export_section, json, log, records, settings,
};

struct Probe;

impl Section for Probe {
    fn validate(ctx: &Context, record: &Record) -> Vec<Issue> {
        match record.field::<String>("name").as_deref() {
            Some("bad") => vec![Issue::field("name", "bad name")],
            Some("whoami") => vec![Issue::record(format!(
                "{}|{}|{}|{}|{}",
                ctx.tenant, ctx.user, ctx.user_name, ctx.language, ctx.now
            ))],
            _ => Vec::new(),
        }
    }

    fn before_save(
        _ctx: &Context,
        record: &Record,
        previous: Option<&Record>,
    ) -> Result<Option<Fields>, HookError> {
        let name: String = record.field("name").unwrap_or_default();
        if name == "reject" {
            return Err(Issue::field("name", "rejected by before-save").into());
        }
        Ok(Some(Fields::from_iter([
            ("name_upper".into(), json!(name.to_uppercase())),
            (
                "previous_version".into(),
                json!(previous.map(|p| p.version)),
            ),
        ])))
    }

    fn after_save(
        _ctx: &Context,
        record: &Record,
        _previous: Option<&Record>,
    ) -> Result<(), String> {
        match record.field::<String>("name").as_deref() {
            Some("fail") => Err(format!("after-save failed for {}", record.id)),
            _ => Ok(()),
        }
    }

    fn on_action(
        _ctx: &Context,
        action: &str,
        record: &Record,
        comment: Option<&str>,
    ) -> Result<ActionOutcome, HookError> {
        let argument = comment.unwrap_or_default();
        let answer = match action {
            "records.get" => format!(
                "{:?}",
                records::get("contact", argument).map(|r| r.data_json().to_owned())
            ),
            "records.query" => format!(
                "{:?}",
                records::query("contact", &json!({ "name": argument }), 10, 0)
                    .map(|found| found.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
            ),
            "records.create" => format!(
                "{:?}",
                records::create("contact", &json!({ "name": argument })).map(|r| r.id)
            ),
            "records.update" => format!(
                "{:?}",
                records::update(record, &json!({ "name": argument })).map(|r| r.version)
            ),
            "email" => format!("{:?}", email::send("welcome", argument, &json!({ "n": 1 }))),
            "settings" => format!("{:?}", settings::read::<Value>()),
            "log" => format!("{:?}", log::warn(argument)),
            "many-logs" => {
                let count = argument.parse().unwrap_or(1);
                let results: Vec<_> = (0..count).map(|i| log::debug(&i.to_string())).collect();
                format!("{:?}", results.last())
            }
            other => return Err(HookError::Failed(format!("no action {other}"))),
        };
        Ok(ActionOutcome::to_status("done").with_message(answer))
    }

    fn widget_data(ctx: &Context, widget: &str) -> Result<Value, String> {
        match widget {
            "summary" => Ok(json!({ "widget": widget, "tenant": ctx.tenant })),
            other => Err(format!("no widget {other}")),
        }
    }
}

export_section!(Probe);
