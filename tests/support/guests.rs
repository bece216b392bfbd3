//! Builds the wasm guests once per test or bench process: the first-party plugins (`plugins/`) and
//! the hostile test guests (`tests/guests/`), into `target/wasm`, then reads them as packages.
//! Needs `rustup target add wasm32-wasip2`; cargo's own locking makes concurrent builds safe.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use portico::plugin_host::{PluginPackage, tooling};

/// The repository's root (the platform crate is one level down).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the platform crate lives inside the repository")
}

/// Where the built components are, after building them all if this process has not yet.
pub fn wasm_dir() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = root().join("target/wasm");
        // Inside each workspace, as a developer would build it (its cargo config applies).
        let build = |workspace: &str| {
            tooling::build(env!("CARGO").as_ref(), &root().join(workspace), &target)
                .unwrap_or_else(|e| panic!("{e:#}"))
        };
        build("plugins");
        build("tests/guests")
    })
}

/// The package of a section folder (`plugins/leave-request`, `tests/guests/panics`): its manifest
/// and icon from the folder, its component from the build.
pub fn package(folder: &str) -> PluginPackage {
    let crate_name = Path::new(folder)
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a folder name")
        .replace('-', "_");
    let component = wasm_dir().join(format!("{crate_name}.wasm"));
    PluginPackage::read(&root().join(folder), Some(&component))
        .unwrap_or_else(|e| panic!("cannot read the package in {folder}: {e}"))
}
