//! Panics in `validate`: the call must fail with the panic's message.
use portico_sdk::{Context, Issue, Record, Section, export_section};

struct Fragile;

impl Section for Fragile {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        panic!("cannot handle {} records", record.object)
    }
}

export_section!(Fragile);
