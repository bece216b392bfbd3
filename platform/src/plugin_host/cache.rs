//! Compiled components, cached on disk by the component's SHA-256 and the engine's compatibility
//! hash, so a component is compiled once (at upload) and later loads only deserialize it. This is
//! the only place that turns bytes into native code: it must never run on a request's path.

use std::{
    fs,
    hash::{Hash, Hasher},
    io,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, component::Component};

/// Where compiled components live, and the engine they were compiled for.
#[derive(Debug)]
pub(crate) struct CompileCache {
    dir: Option<PathBuf>,
    engine_hash: String,
}

/// What went wrong turning a component into native code.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the component does not compile: {0}")]
    Compile(String),
    #[error("the compile cache at {path} cannot be used: {source}")]
    Io { path: PathBuf, source: io::Error },
}

impl CompileCache {
    /// `dir` None: compile in memory every time (the offline checker and tests).
    pub(crate) fn new(engine: &Engine, dir: Option<PathBuf>) -> Result<Self, CacheError> {
        if let Some(dir) = &dir {
            fs::create_dir_all(dir).map_err(|source| CacheError::Io {
                path: dir.clone(),
                source,
            })?;
        }
        let mut hasher = Sha256Hasher::default();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Ok(Self {
            dir,
            engine_hash: hex(&hasher.0.finalize()),
        })
    }

    /// The component ready to instantiate: from the cache when this engine compiled it before,
    /// otherwise compiled now and stored.
    pub(crate) fn component(&self, engine: &Engine, wasm: &[u8]) -> Result<Component, CacheError> {
        let Some(dir) = &self.dir else {
            return compile(engine, wasm).and_then(|artifact| deserialize(engine, &artifact));
        };
        let path = dir.join(format!(
            "{}-{}.cwasm",
            hex(&Sha256::digest(wasm)),
            &self.engine_hash[..16]
        ));
        if let Some(artifact) = read_verified(&path)
            && let Ok(component) = deserialize(engine, &artifact)
        {
            return Ok(component);
        }
        let artifact = compile(engine, wasm)?;
        write_verified(&path, &artifact).map_err(|source| CacheError::Io { path, source })?;
        deserialize(engine, &artifact)
    }
}

fn compile(engine: &Engine, wasm: &[u8]) -> Result<Vec<u8>, CacheError> {
    engine
        .precompile_component(wasm)
        .map_err(|e| CacheError::Compile(format!("{e:#}")))
}

/// Turns a precompiled artifact back into a component.
#[expect(
    unsafe_code,
    reason = "wasmtime can only load precompiled native code through an unsafe constructor"
)]
fn deserialize(engine: &Engine, artifact: &[u8]) -> Result<Component, CacheError> {
    // SAFETY: `Component::deserialize` trusts its input to be native code wasmtime produced. Every
    // artifact reaching here is ours: either `compile` just made it from the component in hand,
    // or `read_verified` read it from our own cache directory under the data dir and checked the
    // SHA-256 written beside it by `write_verified` (catching torn writes and corruption). Plugin
    // authors only ever upload wasm, never artifacts. Wasmtime also checks the artifact's engine
    // compatibility itself and errors, rather than misbehaves, on a mismatch.
    unsafe { Component::deserialize(engine, artifact) }
        .map_err(|e| CacheError::Compile(format!("cannot load the compiled component: {e:#}")))
}

/// The artifact, if its file exists and its checksum (first 32 bytes) matches the rest.
fn read_verified(path: &Path) -> Option<Vec<u8>> {
    let mut bytes = fs::read(path).ok()?;
    if bytes.len() < 32 {
        return None;
    }
    let artifact = bytes.split_off(32);
    (Sha256::digest(&artifact).as_slice() == bytes.as_slice()).then_some(artifact)
}

/// Writes checksum + artifact to a temporary file, then renames it into place, so a reader never
/// sees half a file.
fn write_verified(path: &Path, artifact: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut bytes = Vec::with_capacity(32 + artifact.len());
    bytes.extend_from_slice(&Sha256::digest(artifact));
    bytes.extend_from_slice(artifact);
    fs::write(&temporary, &bytes)?;
    fs::rename(&temporary, path)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds `Hash` output into SHA-256, so the engine hash is stable across processes and builds
/// (std's `DefaultHasher` promises neither).
#[derive(Default)]
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(
            digest[..8]
                .try_into()
                .expect("a SHA-256 digest has 32 bytes"),
        )
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupted_artifact_is_not_read() {
        let dir = std::env::temp_dir().join(format!("portico-cache-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.cwasm");
        write_verified(&path, b"artifact bytes").unwrap();
        assert_eq!(
            read_verified(&path).as_deref(),
            Some(&b"artifact bytes"[..])
        );
        let mut bytes = fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        fs::write(&path, bytes).unwrap();
        assert_eq!(read_verified(&path), None);
        fs::remove_dir_all(dir).unwrap();
    }
}
