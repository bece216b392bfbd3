//! Attachments: files on records and case messages. Bytes go to an object store (a local
//! directory by default) under a path of our own making; metadata to the database. Every upload
//! is checked — size, count, an allowed type, and bytes that really are that type (no renamed
//! executables) — and file names are made safe. Who may read a file is decided by its owner's
//! rules (the case it belongs to), in `access`, via the owner's service.

use std::{path::Path as FsPath, sync::Arc};

use axum::body::Bytes;
use object_store::{
    GetOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload, local::LocalFileSystem,
    path::Path,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    access::Actor,
    app::App,
    error::{Error, FieldErrors, Result},
    store::{TenantTx, Timestamp},
};

/// At most this many files in one upload.
pub const MAX_FILES: usize = 10;

/// Types people attach to support conversations and articles, by extension-free MIME type.
const ALLOWED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/zip",
];

pub fn local_store(data_dir: &FsPath) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let dir = data_dir.join("files");
    std::fs::create_dir_all(&dir)
        .map_err(|e| anyhow::anyhow!("cannot create the file store {}: {e}", dir.display()))?;
    Ok(Arc::new(LocalFileSystem::new_with_prefix(&dir)?))
}

/// The owner kind of files attached to records of `object`.
pub fn record_owner(object: &str) -> String {
    format!("record:{object}")
}

/// A file as uploaded, before it is checked.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Bytes,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: String,
    pub owner_kind: String,
    pub owner_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: Timestamp,
}

/// A file name without directories, control characters, direction overrides or quotes, at most
/// 200 characters.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = crate::text::without_bidi_controls(base)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// The type the bytes really have, if it is one we accept and agrees with what was declared.
fn checked_type(upload: &Upload) -> std::result::Result<&'static str, String> {
    let declared = upload
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let sniffed = infer::get(&upload.bytes).map(|kind| kind.mime_type());
    let kind = match sniffed {
        Some(mime) => ALLOWED
            .iter()
            .find(|a| **a == mime)
            .copied()
            .ok_or_else(|| format!("files of type {mime} are not accepted"))?,
        // No magic number: only plain text (UTF-8, no NULs) passes, as declared text or CSV.
        None => {
            let text = std::str::from_utf8(&upload.bytes)
                .ok()
                .filter(|t| !t.contains('\0'));
            match (text, declared.as_str()) {
                (Some(_), "text/csv") => "text/csv",
                (Some(_), _) => "text/plain",
                (None, _) => return Err("the file's type could not be recognised".into()),
            }
        }
    };
    // Office files are zip archives: a declared .docx sniffed as zip (or the reverse) is fine.
    fn family(t: &str) -> &str {
        if t.contains("officedocument") || t.contains("opendocument") || t == "application/zip" {
            "zip"
        } else {
            t
        }
    }
    let agrees = declared.is_empty()
        || declared == "application/octet-stream"
        || family(&declared) == family(kind)
        || (kind.starts_with("text/") && declared.starts_with("text/"));
    if agrees {
        Ok(kind)
    } else {
        Err(format!("the file says it is {declared} but is {kind}"))
    }
}

/// Checks every upload and reports every problem at once, by file name.
pub fn check(uploads: &[Upload], max_bytes: u64) -> Result<Vec<&'static str>> {
    if uploads.len() > MAX_FILES {
        return Err(Error::invalid_field(
            "files",
            format!("attach at most {MAX_FILES} files at a time"),
        ));
    }
    let mut errors = FieldErrors::new();
    let mut kinds = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let name = safe_name(&upload.file_name);
        let problem = if upload.bytes.is_empty() {
            Some("is empty".to_owned())
        } else if upload.bytes.len() as u64 > max_bytes {
            Some(format!("is larger than {} MB", max_bytes / (1024 * 1024)))
        } else {
            match checked_type(upload) {
                Ok(kind) => {
                    kinds.push(kind);
                    None
                }
                Err(problem) => Some(problem),
            }
        };
        if let Some(problem) = problem {
            errors
                .entry("files".into())
                .or_default()
                .push(format!("{name}: {problem}"));
        }
    }
    if errors.is_empty() {
        Ok(kinds)
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// Bytes written to the file store for a transaction that has not committed yet. Unless the
/// caller [`keep`](Staged::keep)s them once the transaction committed, they are removed again:
/// a change that fails leaves no files behind.
#[must_use = "call keep() after the transaction commits, or the files are removed"]
pub struct Staged {
    store: Arc<dyn ObjectStore>,
    paths: Vec<Path>,
}

impl std::fmt::Debug for Staged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Staged")
            .field("paths", &self.paths)
            .finish()
    }
}

impl Staged {
    /// The transaction committed: the files stay.
    pub fn keep(mut self) {
        self.paths.clear();
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.paths.is_empty() {
            return;
        }
        let (store, paths) = (self.store.clone(), std::mem::take(&mut self.paths));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                for path in paths {
                    if let Err(error) = store.delete(&path).await {
                        tracing::warn!(%path, %error, "could not remove a file of a failed change");
                    }
                }
            });
        }
    }
}

/// Stores checked uploads for an owner, in the caller's transaction (metadata) and the store
/// (bytes). The bytes are [`Staged`] until the caller's transaction commits.
pub async fn attach(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    owner_kind: &str,
    owner_id: &str,
    uploads: Vec<Upload>,
) -> Result<(Vec<Attachment>, Staged)> {
    let named = uploads.into_iter().map(|u| (new_id(), u)).collect();
    attach_as(app, tx, actor, owner_kind, owner_id, named).await
}

/// An attachment's id, made before it is stored when a record's field must name it.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// [`attach`] with the ids the attachments get.
pub async fn attach_as(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    owner_kind: &str,
    owner_id: &str,
    named: Vec<(String, Upload)>,
) -> Result<(Vec<Attachment>, Staged)> {
    let (ids, uploads): (Vec<String>, Vec<Upload>) = named.into_iter().unzip();
    let kinds = check(&uploads, app.config.max_attachment_bytes)?;
    let now = app.clock.now();
    let mut staged = Staged {
        store: app.files.clone(),
        paths: Vec::with_capacity(uploads.len()),
    };
    let mut stored = Vec::with_capacity(uploads.len());
    for ((upload, kind), id) in uploads.into_iter().zip(kinds).zip(ids) {
        let location = format!("{}/{id}", tx.tenant_param());
        let size = upload.bytes.len() as i64;
        let sha256: String = Sha256::digest(&upload.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let file_name = safe_name(&upload.file_name);
        let path = Path::from(location.as_str());
        app.files
            .put_opts(&path, PutPayload::from(upload.bytes), PutOptions::default())
            .await
            .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
        staged.paths.push(path);
        sqlx::query(
            "INSERT INTO attachments (tenant_id, id, owner_kind, owner_id, file_name, content_type, size,
                                      sha256, location, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(tx.tenant_param())
        .bind(&id)
        .bind(owner_kind)
        .bind(owner_id)
        .bind(&file_name)
        .bind(kind)
        .bind(size)
        .bind(&sha256)
        .bind(&location)
        .bind(actor.user)
        .bind(now)
        .execute(tx.conn())
        .await?;
        stored.push(Attachment {
            id,
            owner_kind: owner_kind.to_owned(),
            owner_id: owner_id.to_owned(),
            file_name,
            content_type: kind.to_owned(),
            size,
            created_at: now,
        });
    }
    Ok((stored, staged))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Attachment> {
    Ok(Attachment {
        id: row.try_get("id")?,
        owner_kind: row.try_get("owner_kind")?,
        owner_id: row.try_get("owner_id")?,
        file_name: row.try_get("file_name")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The attachments of several owners of one kind.
pub async fn of_owners(
    tx: &mut TenantTx,
    owner_kind: &str,
    owners: &[String],
) -> Result<Vec<Attachment>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::store::Sql::new(
        "SELECT id, owner_kind, owner_id, file_name, content_type, size, created_at FROM attachments WHERE tenant_id = ",
    );
    sql.bind(tx.tenant_param())
        .push(" AND owner_kind = ")
        .bind(owner_kind.to_owned())
        .push(" AND owner_id IN (")
        .bind_list(owners.iter().cloned())
        .push(") ORDER BY id");
    sql.fetch_all(tx.conn())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// An attachment's metadata by id (this tenant's only).
pub async fn find(tx: &mut TenantTx, id: &str) -> Result<Option<(Attachment, String)>> {
    let row = sqlx::query(
        "SELECT id, owner_kind, owner_id, file_name, content_type, size, created_at, location
         FROM attachments WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tx.tenant_param())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("location")?)))
        .transpose()
}

/// The bytes of a stored file.
pub async fn read(app: &App, location: &str) -> Result<Bytes> {
    let got = app
        .files
        .get_opts(&Path::from(location), GetOptions::default())
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
    got.bytes()
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))
}

/// A file for someone who may read what it is attached to; to anyone else it does not exist.
pub async fn download(app: &App, actor: &Actor, id: &str) -> Result<(Attachment, Bytes)> {
    let mut tx = app
        .db
        .begin(actor.tenant.id, crate::store::Access::Read)
        .await?;
    let (attachment, location) = find(&mut tx, id).await?.ok_or(Error::NotFound("file"))?;
    match attachment.owner_kind.strip_prefix("record:") {
        Some(object) => {
            crate::records::open_for(
                &mut tx,
                actor,
                object,
                &attachment.owner_id,
                crate::access::Operation::Read,
                crate::access::Level::Read,
            )
            .await
            .map_err(|_| Error::NotFound("file"))?;
        }
        None => {
            drop(tx);
            return crate::sections::cases::conversation::attachment(app, actor, id).await;
        }
    }
    drop(tx);
    let bytes = read(app, &location).await?;
    Ok((attachment, bytes))
}

/// Attaches files to a record the actor may edit.
pub async fn attach_to_record(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
    uploads: Vec<Upload>,
) -> Result<Vec<Attachment>> {
    let mut tx = app
        .db
        .begin(actor.tenant.id, crate::store::Access::Write)
        .await?;
    let (_, record) = crate::records::open_for(
        &mut tx,
        actor,
        object,
        id,
        crate::access::Operation::Update,
        crate::access::Level::Edit,
    )
    .await?;
    let (stored, staged) = attach(
        app,
        &mut tx,
        actor,
        &record_owner(object),
        &record.id.to_string(),
        uploads,
    )
    .await?;
    tx.commit().await?;
    staged.keep();
    Ok(stored)
}

/// The files of a record the actor may read.
pub async fn of_record(
    app: &App,
    actor: &Actor,
    object: &str,
    id: &str,
) -> Result<Vec<Attachment>> {
    let mut tx = app
        .db
        .begin(actor.tenant.id, crate::store::Access::Read)
        .await?;
    let (_, record) = crate::records::open_for(
        &mut tx,
        actor,
        object,
        id,
        crate::access::Operation::Read,
        crate::access::Level::Read,
    )
    .await?;
    of_owners(&mut tx, &record_owner(object), &[record.id.to_string()]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, content_type: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            content_type: content_type.into(),
            bytes: Bytes::copy_from_slice(bytes),
        }
    }

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn names_lose_directories_and_tricks() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\a\\report.pdf"), "report.pdf");
        assert_eq!(safe_name("..hidden"), "hidden");
        assert_eq!(safe_name("a\"b<c>.txt"), "abc.txt");
        assert_eq!(safe_name(""), "file");
        assert_eq!(safe_name(&"x".repeat(300)).len(), 200);
        assert_eq!(safe_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
    }

    #[test]
    fn types_are_checked_against_the_bytes() {
        assert_eq!(
            check(&[upload("a.png", "image/png", PNG)], 1000).unwrap(),
            ["image/png"]
        );
        assert_eq!(
            check(&[upload("a.txt", "text/plain", b"hello")], 1000).unwrap(),
            ["text/plain"]
        );
        assert_eq!(
            check(&[upload("a.csv", "text/csv", b"a,b\n1,2")], 1000).unwrap(),
            ["text/csv"]
        );
        // An executable renamed to .png, a PNG claiming to be a PDF, binary junk, a big file.
        let elf = [0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        for bad in [
            upload("a.png", "image/png", &elf),
            upload("a.pdf", "application/pdf", PNG),
            upload("a.bin", "application/octet-stream", &[0, 159, 146, 150]),
            upload("empty.txt", "text/plain", b""),
            upload("big.txt", "text/plain", &[b'a'; 2000]),
        ] {
            assert!(
                check(std::slice::from_ref(&bad), 1000).is_err(),
                "{} accepted",
                bad.file_name
            );
        }
        let many: Vec<Upload> = (0..11)
            .map(|i| upload(&format!("{i}.txt"), "text/plain", b"x"))
            .collect();
        assert!(check(&many, 1000).is_err());
    }
}
