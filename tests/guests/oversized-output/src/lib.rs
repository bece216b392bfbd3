//! Answers `validate` with 1 MiB of messages: over the host's output cap.
use portico_sdk::{Context, Issue, Record, Section, export_section};

struct Chatty;

impl Section for Chatty {
    fn validate(_ctx: &Context, _record: &Record) -> Vec<Issue> {
        (0..64)
            .map(|i| Issue::field("name", format!("{i}:{}", "x".repeat(16 << 10))))
            .collect()
    }
}

export_section!(Chatty);
