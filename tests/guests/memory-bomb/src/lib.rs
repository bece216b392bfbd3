//! Allocates without end in `validate`: the host must stop it at the memory limit.
use portico_sdk::{Context, Issue, Record, Section, export_section};

struct Hog;

impl Section for Hog {
    fn validate(_ctx: &Context, _record: &Record) -> Vec<Issue> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
        }
    }
}

export_section!(Hog);
