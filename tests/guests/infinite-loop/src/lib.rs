//! Never returns from `validate`: the host must stop it at the CPU deadline.
use portico_sdk::{Context, Issue, Record, Section, export_section};

struct Spin;

impl Section for Spin {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        let mut n: u64 = record.version as u64;
        loop {
            n = std::hint::black_box(n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
    }
}

export_section!(Spin);
