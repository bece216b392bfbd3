//! What the platform gives host imports: records, mail and settings behind one trait. The platform
//! builds one value per call, bound to the calling user, so every record operation runs as that
//! user through `access/`; the plugin host only adds capability checks, size caps and time limits.

use std::{future::Future, pin::Pin};

use super::{HostError, RecordData, RecordQuery};

/// A host service's answer, as a boxed future so the trait stays object-safe.
pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, HostError>> + Send + 'a>>;

/// The platform side of the section imports. Errors are returned to the section as they are
/// (`HostError` is part of the WIT interface); they never trap it. The plugin host has already
/// checked the capability, the argument sizes, and times each call out.
pub trait HostServices: Send + Sync {
    /// `records.get`: one record the calling user may read.
    fn get_record(&self, object: String, id: String) -> HostFuture<'_, RecordData>;
    /// `records.query`: records of an object whose fields equal the filter (a JSON object).
    fn query_records(&self, query: RecordQuery) -> HostFuture<'_, Vec<RecordData>>;
    /// `records.create`: a record from field values (a JSON object), as the calling user.
    fn create_record(&self, object: String, data: String) -> HostFuture<'_, RecordData>;
    /// `records.update`: merges changes (a JSON object) into a record at `version`.
    fn update_record(
        &self,
        object: String,
        id: String,
        version: i64,
        changes: String,
    ) -> HostFuture<'_, RecordData>;
    /// `email.send-email`: queues the tenant's template `template` for `recipient`.
    fn send_email(&self, template: String, recipient: String, data: String) -> HostFuture<'_, ()>;
    /// `settings.read`: the section's settings in this tenant, a JSON object.
    fn read_settings(&self) -> HostFuture<'_, String>;
}
