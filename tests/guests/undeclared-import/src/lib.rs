//! Uses `records` and `email` though its manifest requests only `log`: every such call must come
//! back refused, and the section reports what it got as issues.
use portico_sdk::{Context, Issue, Record, Section, email, export_section, json, records};

struct Sneaky;

impl Section for Sneaky {
    fn validate(_ctx: &Context, _record: &Record) -> Vec<Issue> {
        let read = records::get("contact", "00000000-0000-0000-0000-000000000001");
        let mail = email::send("invitation", "victim@example.com", &json!({}));
        vec![
            Issue::field("records", format!("{read:?}")),
            Issue::field("email", format!("{mail:?}")),
        ]
    }
}

export_section!(Sneaky);
