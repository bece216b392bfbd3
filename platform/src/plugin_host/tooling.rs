//! What `portico plugin` does for section developers: check a package offline with exactly the code
//! an upload runs, scaffold a new section crate from the SDK, and build section crates.

use std::{
    ffi::OsStr,
    fmt, fs, io,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Context;

use super::{LoadError, PackageProblem, PluginPackage, PluginRuntime, RuntimeConfig};

/// The outcome of `portico plugin check`.
#[derive(Debug)]
pub struct CheckReport {
    pub path: PathBuf,
    /// `code version (interface)` when the package loaded.
    pub summary: Option<String>,
    pub problems: Vec<PackageProblem>,
    pub warnings: Vec<String>,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.path.display())?;
        for problem in &self.problems {
            writeln!(f, "  error: {problem}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "  warning: {warning}")?;
        }
        match &self.summary {
            Some(summary) => write!(f, "  ok: {summary}, ready to upload"),
            None => write!(
                f,
                "  {} problem(s); nothing was uploaded",
                self.problems.len()
            ),
        }
    }
}

/// Reads the package at `path` (a section folder or its manifest) and loads it as an upload would,
/// compiling in memory. Errors only when the package cannot be read or the host cannot compile.
pub fn check(path: &Path, component: Option<&Path>) -> anyhow::Result<CheckReport> {
    let package = PluginPackage::read(path, component)?;
    let runtime = PluginRuntime::new(RuntimeConfig {
        max_instances: 1,
        ..RuntimeConfig::default()
    })?;
    let mut report = CheckReport {
        path: path.to_owned(),
        summary: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    match runtime.load(&package) {
        Ok(plugin) => {
            let manifest = plugin.manifest();
            let capabilities: Vec<&str> = plugin
                .requested_capabilities()
                .iter()
                .map(|c| c.name())
                .collect();
            report.summary = Some(format!(
                "section \"{}\" {} for {}, capabilities: [{}]",
                manifest.code,
                plugin.label().version,
                manifest.interface.as_deref().unwrap_or_default(),
                capabilities.join(", ")
            ));
            report.warnings = plugin.warnings().to_vec();
        }
        Err(LoadError::Invalid(problems)) => report.problems = problems,
        Err(error @ LoadError::Cache(_)) => return Err(error.into()),
    }
    Ok(report)
}

/// Builds the section crate (or workspace of them) in `dir` with `cargo build --release --target
/// wasm32-wasip2` into `target_dir`, as its developer would, and returns where the components are.
/// The settings of an outer build that runs us (its target dir and flags) are for the host, so they
/// are left out.
pub fn build(cargo: &OsStr, dir: &Path, target_dir: &Path) -> anyhow::Result<PathBuf> {
    let status = Command::new(cargo)
        .current_dir(dir)
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .arg("--target-dir")
        .arg(target_dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .status()
        .with_context(|| format!("cannot run {}", cargo.to_string_lossy()))?;
    anyhow::ensure!(
        status.success(),
        "building the sections in {} failed (is the target installed? \
         `rustup target add wasm32-wasip2`)",
        dir.display()
    );
    Ok(target_dir.join("wasm32-wasip2/release"))
}

/// Creates `parent/name/`: a section crate built on the SDK at `sdk`, with a manifest that passes
/// `check` once built. `name` is the crate name (kebab-case); the section code is its snake_case.
pub fn scaffold(name: &str, parent: &Path, sdk: &Path) -> io::Result<PathBuf> {
    let valid = name.len() >= 2
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a section name is 2-40 lowercase letters, digits and hyphens, starting with a letter",
        ));
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", dir.display()),
        ));
    }
    let code = name.replace('-', "_");
    let type_name: String = name
        .split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect();
    let sdk = fs::canonicalize(sdk)?;
    fs::create_dir_all(dir.join("src"))?;
    let files = [
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", LIB_RS),
        ("section.json", SECTION_JSON),
        ("icon.svg", ICON_SVG),
        (".gitignore", "/target\n"),
    ];
    for (file, template) in files {
        let text = template
            .replace("{name}", name)
            .replace("{code}", &code)
            .replace("{type}", &type_name)
            .replace("{sdk}", &sdk.display().to_string());
        fs::write(dir.join(file), text)?;
    }
    Ok(dir)
}

const CARGO_TOML: &str = r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

# A section is a WebAssembly component: build it with
#   cargo build --release --target wasm32-wasip2
[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
portico-sdk = { path = "{sdk}" }
serde = { version = "1", features = ["derive"] }

[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
strip = true

# Not part of any enclosing workspace.
[workspace]
"#;

const LIB_RS: &str = r#"//! The {code} section: its hooks. See the SDK's README for the whole guide.

use portico_sdk::{ActionOutcome, Context, HookError, Issue, Record, Section, export_section};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Request {
    title: Option<String>,
    quantity: Option<i64>,
}

struct {type};

impl Section for {type} {
    fn validate(_ctx: &Context, record: &Record) -> Vec<Issue> {
        let request: Request = match record.fields() {
            Ok(request) => request,
            Err(e) => return vec![Issue::record(format!("unreadable record: {e}"))],
        };
        let mut issues = Vec::new();
        if request.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            issues.push(Issue::field("title", "Give the request a title."));
        }
        if !(1..=10).contains(&request.quantity.unwrap_or(0)) {
            issues.push(Issue::field("quantity", "Between 1 and 10."));
        }
        issues
    }

    fn on_action(
        _ctx: &Context,
        action: &str,
        _record: &Record,
        _comment: Option<&str>,
    ) -> Result<ActionOutcome, HookError> {
        match action {
            "submit" => Ok(ActionOutcome::to_status("submitted").with_message("Submitted.")),
            other => Err(HookError::Failed(format!("unknown action \"{other}\""))),
        }
    }
}

export_section!({type});
"#;

const SECTION_JSON: &str = r#"{
  "code": "{code}",
  "title": "{name}",
  "version": "0.1.0",
  "icon": "icon.svg",
  "interface": "portico:section@1.0.0",
  "configurations": ["customer"],
  "capabilities": [],
  "objects": [
    {
      "code": "{code}_request",
      "title": "Request",
      "plural": "Requests",
      "title_field": "title",
      "fields": {
        "title": { "title": "Title", "type": "string", "maxLength": 200 },
        "quantity": { "title": "Quantity", "type": "integer", "minimum": 1 }
      },
      "required": ["title"],
      "statuses": [
        { "code": "draft", "title": "Draft", "initial": true, "transitions": ["submitted"] },
        { "code": "submitted", "title": "Submitted", "final": true }
      ],
      "actions": [
        { "code": "submit", "label": "Submit", "statuses": ["draft"], "permission": "update", "to_status": "submitted" }
      ],
      "layouts": { "portal": { "sections": [{ "fields": ["title", "quantity", "status"] }] } },
      "list": { "columns": ["number", "title", "status"] }
    }
  ]
}
"#;

const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="38" height="38" viewBox="0 0 38 38"><rect x="6" y="6" width="26" height="26" rx="4" fill="none" stroke="#2b6cb0" stroke-width="2.5"/></svg>
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn a_scaffolded_manifest_passes_the_checks() {
        let parent = std::env::temp_dir().join(format!("portico-scaffold-{}", std::process::id()));
        fs::create_dir_all(&parent).unwrap();
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
        let dir = scaffold("travel-claims", &parent, &sdk).unwrap();
        let manifest = fs::read_to_string(dir.join("section.json")).unwrap();
        let manifest = serde_json::from_str(&manifest).unwrap();
        let checked = super::super::manifest::check(&manifest, &BTreeSet::new()).unwrap();
        assert_eq!(checked.code, "travel_claims");
        assert!(
            fs::read_to_string(dir.join("src/lib.rs"))
                .unwrap()
                .contains("impl Section for TravelClaims")
        );
        assert!(
            scaffold("travel-claims", &parent, &sdk).is_err(),
            "never overwrites"
        );
        assert!(scaffold("Bad Name", &parent, &sdk).is_err());
        fs::remove_dir_all(parent).unwrap();
    }
}
