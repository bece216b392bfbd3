//! A plugin package (manifest, component, icon) and the one check that both upload and
//! `portico plugin check` run on it before a plugin version may exist.

use std::{
    collections::BTreeSet,
    fmt, fs,
    path::{Path, PathBuf},
    sync::Arc,
};

use base64::Engine as _;
use serde_json::Value;
use wasmtime::component::{InstancePre, types::ComponentItem};

use super::{
    Capabilities, Capability, LoadedPlugin, PluginLabel, PluginRuntime,
    cache::CacheError,
    imports::CallState,
    manifest,
    wit_v1::{HookIndices, INTERFACE, SectionPre},
};

/// The manifest file name in a section's folder.
pub const MANIFEST_FILE: &str = "section.json";

/// Icons are drawn at this size in the portal workplace.
const ICON_SIZE: u32 = 38;
const MAX_ICON_BYTES: usize = 64 << 10;

/// The WASI interface sections may import (at any 0.2.x version), for hash map keys.
const HASH_SEED: &str = "wasi:random/insecure-seed@0.2.";

/// What is uploaded: the manifest, the component, and the icon file when the manifest names one.
#[derive(Debug, Clone)]
pub struct PluginPackage {
    pub manifest: Value,
    pub component: Vec<u8>,
    pub icon: Option<Vec<u8>>,
}

/// One thing wrong with a package: at a JSON pointer in the manifest, or in the component.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackageProblem {
    /// JSON pointer into the manifest; `None` for a problem with the component itself.
    pub pointer: Option<String>,
    pub message: String,
}

impl fmt::Display for PackageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pointer.as_deref() {
            Some("") => write!(f, "manifest /: {}", self.message),
            Some(pointer) => write!(f, "manifest {pointer}: {}", self.message),
            None => write!(f, "component: {}", self.message),
        }
    }
}

/// Why a package was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The package is wrong; the developer can fix every listed problem.
    #[error("the package has {} problem(s):\n{}", .0.len(), list(.0))]
    Invalid(Vec<PackageProblem>),
    /// The host could not store the compiled component.
    #[error(transparent)]
    Cache(CacheError),
}

fn list(problems: &[PackageProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why a package could not be read from disk.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    // The causes are named `error`, not `source`: shown in the message, not again as a cause.
    #[error("cannot read {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} is not JSON: {error}")]
    Json {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error(
        "no component found: build it with `cargo build --release --target wasm32-wasip2`, or name it with --component"
    )]
    NoComponent,
    #[error("several components found ({0}); name one with --component")]
    SeveralComponents(String),
}

impl PluginPackage {
    /// Reads a package from a section's folder (with `section.json`) or from a manifest file. The
    /// component is `component` if given, else `section.wasm` beside the manifest, else the one
    /// `.wasm` file under `target/wasm32-wasip2/release/` there.
    pub fn read(path: &Path, component: Option<&Path>) -> Result<Self, ReadError> {
        let manifest_path = if path.is_dir() {
            path.join(MANIFEST_FILE)
        } else {
            path.to_owned()
        };
        let folder = manifest_path.parent().unwrap_or(Path::new("."));
        let text = read(&manifest_path)?;
        let manifest: Value = serde_json::from_slice(&text).map_err(|error| ReadError::Json {
            path: manifest_path.clone(),
            error,
        })?;
        let component_path = match component {
            Some(path) => path.to_owned(),
            None => find_component(folder)?,
        };
        // A missing icon file is one of the package's problems, reported by the check.
        let icon = manifest["icon"]
            .as_str()
            .filter(|icon| !icon.starts_with("data:") && is_relative_inside(icon))
            .and_then(|icon| fs::read(folder.join(icon)).ok());
        Ok(Self {
            manifest,
            component: read(&component_path)?,
            icon,
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ReadError> {
    fs::read(path).map_err(|error| ReadError::Io {
        path: path.to_owned(),
        error,
    })
}

fn find_component(folder: &Path) -> Result<PathBuf, ReadError> {
    let beside = folder.join("section.wasm");
    if beside.is_file() {
        return Ok(beside);
    }
    let built = folder.join("target/wasm32-wasip2/release");
    let mut found: Vec<PathBuf> = fs::read_dir(&built)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "wasm"))
        .collect();
    match found.len() {
        0 => Err(ReadError::NoComponent),
        1 => Ok(found.remove(0)),
        _ => Err(ReadError::SeveralComponents(
            found
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

fn is_relative_inside(path: &str) -> bool {
    Path::new(path)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The check behind [`PluginRuntime::load`]: manifest, icon, size, compile, link, exports.
pub(super) fn load(
    runtime: &PluginRuntime,
    package: &PluginPackage,
    known_objects: &BTreeSet<String>,
) -> Result<LoadedPlugin, LoadError> {
    let mut problems = Vec::new();
    let manifest = match manifest::check(&package.manifest, known_objects) {
        Ok(manifest) => Some(manifest),
        Err(found) => {
            problems.extend(found.into_iter().map(|p| PackageProblem {
                pointer: Some(p.pointer),
                message: p.message,
            }));
            None
        }
    };
    if let Some(interface) = manifest
        .as_ref()
        .and_then(|m| m.interface.as_deref())
        .filter(|i| *i != INTERFACE)
    {
        problems.push(PackageProblem {
            pointer: Some("/interface".into()),
            message: crate::tr!(
                "console-package-wrong-interface",
                expected = INTERFACE,
                interface = interface
            ),
        });
    }
    // The icon is checked even when the rest of the manifest is not right yet.
    let icon_ok_in_schema = !problems
        .iter()
        .any(|p| p.pointer.as_deref() == Some("/icon"));
    if let Some(icon) = package.manifest["icon"]
        .as_str()
        .filter(|_| icon_ok_in_schema)
        && let Err(message) = check_icon(icon, package.icon.as_deref())
    {
        problems.push(PackageProblem {
            pointer: Some("/icon".into()),
            message,
        });
    }
    let component = match link(runtime, &package.component) {
        Ok(linked) => Some(linked),
        Err(Linked::Problem(message)) => {
            problems.push(PackageProblem {
                pointer: None,
                message,
            });
            None
        }
        Err(Linked::Cache(error)) => return Err(LoadError::Cache(error)),
    };
    match (manifest, component) {
        (Some(manifest), Some((pre, hooks, imports))) if problems.is_empty() => {
            let requested: Capabilities = manifest.capabilities().collect();
            let warnings = import_warnings(&imports, requested);
            Ok(LoadedPlugin {
                label: Arc::new(PluginLabel {
                    code: manifest.code.clone(),
                    version: manifest.version.clone().unwrap_or_default(),
                }),
                manifest: Arc::new(manifest),
                requested,
                warnings: warnings.into(),
                pre,
                hooks,
                limit_caps: runtime.config.limit_caps,
                _ticker: runtime.ticker.clone(),
            })
        }
        _ => Err(LoadError::Invalid(problems)),
    }
}

enum Linked {
    Problem(String),
    Cache(CacheError),
}

/// A component ready to instantiate, where its hooks are, and the names of its imports.
type Ready = (InstancePre<CallState>, HookIndices, Vec<String>);

/// Compiles (or fetches from the cache) and pre-links a component.
fn link(runtime: &PluginRuntime, wasm: &[u8]) -> Result<Ready, Linked> {
    let limit = runtime.config.max_component_bytes;
    if wasm.len() > limit {
        return Err(Linked::Problem(crate::tr!(
            "console-component-too-large",
            size = wasm.len(),
            limit = limit
        )));
    }
    if !wasm.starts_with(b"\0asm") {
        return Err(Linked::Problem(crate::tr!("console-component-not-wasm")));
    }
    if wasm.get(4..8) == Some(&[1, 0, 0, 0]) {
        return Err(Linked::Problem(crate::tr!("console-component-core-module")));
    }
    let component =
        runtime
            .cache
            .component(&runtime.engine, wasm)
            .map_err(|error| match error {
                // Wasmtime's messages can span lines; a problem is one line.
                CacheError::Compile(message) => {
                    Linked::Problem(message.split_whitespace().collect::<Vec<_>>().join(" "))
                }
                error @ CacheError::Io { .. } => Linked::Cache(error),
            })?;
    let imports: Vec<String> = component
        .component_type()
        .imports(&runtime.engine)
        .filter(|(_, item)| matches!(item.ty, ComponentItem::ComponentInstance(_)))
        .map(|(name, _)| name.to_owned())
        .collect();
    // WASI and anything else outside `portico:section` is linked to traps: a section gets no
    // filesystem, network, clock or randomness, and calling any of them fails only that call.
    let mut linker = runtime.linker.clone();
    let not_a_section = |e: wasmtime::Error| {
        Linked::Problem(crate::tr!(
            "console-component-not-a-section",
            interface = INTERFACE,
            error = format!("{e:#}")
        ))
    };
    for seed in imports.iter().filter(|name| name.starts_with(HASH_SEED)) {
        super::imports::add_hash_seed(&mut linker, seed).map_err(not_a_section)?;
    }
    linker
        .define_unknown_imports_as_traps(&component)
        .map_err(not_a_section)?;
    let pre = linker.instantiate_pre(&component).map_err(not_a_section)?;
    // The generated check names any hook that is missing or of the wrong type.
    let pre = SectionPre::new(pre).map_err(not_a_section)?;
    let hooks = HookIndices::find(&component).ok_or_else(|| {
        Linked::Problem(crate::tr!(
            "console-component-no-hooks",
            interface = INTERFACE
        ))
    })?;
    Ok((pre.instance_pre().clone(), hooks, imports))
}

/// Capability imports the manifest does not request: every call to them will be refused. (WASI
/// imports are not mentioned: the standard library brings them into every component, and they trap
/// only if called, which the SDK never does.)
fn import_warnings(imports: &[String], requested: Capabilities) -> Vec<String> {
    Capability::ALL
        .into_iter()
        .filter(|c| !requested.contains(*c) && imports.iter().any(|name| name == c.interface()))
        .map(|c| {
            format!(
                "the component imports {}, but the manifest does not request \"{c}\": every \
                 call to it will be refused",
                c.interface()
            )
        })
        .collect()
}

/// A PNG must be 38×38; an SVG must be an SVG document. Either may be a data URI.
fn check_icon(icon: &str, file: Option<&[u8]>) -> Result<(), String> {
    let (bytes, is_png) = if let Some(data) = icon.strip_prefix("data:") {
        let (kind, encoded) = data
            .split_once(";base64,")
            .ok_or_else(|| crate::tr!("console-icon-data-uri-not-base64"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| crate::tr!("console-icon-data-uri-invalid", error = e.to_string()))?;
        (bytes, kind == "image/png")
    } else if !is_relative_inside(icon) {
        return Err(crate::tr!("console-icon-path-outside"));
    } else {
        let bytes = file.ok_or_else(|| crate::tr!("console-icon-missing"))?;
        (bytes.to_vec(), icon.ends_with(".png"))
    };
    if bytes.len() > MAX_ICON_BYTES {
        return Err(crate::tr!("console-icon-too-large", limit = MAX_ICON_BYTES));
    }
    if is_png {
        let size = png_size(&bytes).ok_or_else(|| crate::tr!("console-icon-not-png"))?;
        if size != (ICON_SIZE, ICON_SIZE) {
            return Err(crate::tr!(
                "console-icon-wrong-size",
                width = size.0,
                height = size.1,
                size = ICON_SIZE
            ));
        }
    } else {
        let text = std::str::from_utf8(&bytes).map_err(|_| crate::tr!("console-icon-not-svg"))?;
        if !text.contains("<svg") {
            return Err(crate::tr!("console-icon-not-svg"));
        }
    }
    Ok(())
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || !bytes.starts_with(SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number =
        |at: usize| -> Option<u32> { Some(u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?)) };
    Some((number(16)?, number(20)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes.extend([8, 6, 0, 0, 0]);
        bytes
    }

    #[test]
    fn icons_are_38_pixel_pngs_or_svgs() {
        assert_eq!(check_icon("icon.png", Some(&png(38, 38))), Ok(()));
        assert!(
            check_icon("icon.png", Some(&png(64, 38)))
                .unwrap_err()
                .contains("64×38")
        );
        assert!(
            check_icon("icon.png", None)
                .unwrap_err()
                .contains("missing")
        );
        assert!(check_icon("../icon.svg", Some(b"<svg/>")).is_err());
        assert_eq!(
            check_icon("icon.svg", Some(b"<svg viewBox='0 0 38 38'/>")),
            Ok(())
        );
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png(38, 38))
        );
        assert_eq!(check_icon(&uri, None), Ok(()));
        assert!(check_icon("data:image/svg+xml;base64,bm90IHN2Zw==", None).is_err());
    }
}
