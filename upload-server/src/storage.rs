//! Where exported files live: a `Storage` trait and its local-disk
//! implementation (S3 follows the same key scheme).
//!
//! Keys are made by the server only, `exports/{userId}/{exportId}.{format}`,
//! from a checked user id and a UUID; a client never names a path.
//!
//! A store never reports success for bytes it does not hold whole: `put`
//! checks every write, then compares the stored size and SHA-256 with what
//! it was given before the object becomes visible (issue #11: a full disk
//! used to acknowledge truncated files).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::auth::{Keys, unix_now};

/// An object to store, with the digest its bytes must have when stored.
pub struct Object<'a> {
    /// The storage key.
    pub key: &'a str,
    /// The file.
    pub bytes: Bytes,
    /// SHA-256 of `bytes`, as received.
    pub sha256: [u8; 32],
    /// Its media type (S3 serves it with this).
    pub content_type: &'a str,
    /// Its download name (S3 serves it with this).
    pub file_name: &'a str,
}

/// An object store for exported files.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Stores `object` atomically and verified: the object is either all
    /// there, with the given size and SHA-256, or not there. A full store
    /// is an error of kind [`io::ErrorKind::StorageFull`].
    async fn put(&self, object: Object<'_>) -> io::Result<()>;
    /// The bytes of `key`, if it exists (artifacts' tables: exports are
    /// downloaded through [`Storage::download_url`]).
    async fn get(&self, key: &str) -> io::Result<Option<Bytes>>;
    /// Removes `key`; removing what is not there is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
    /// The size of `key`, if it exists.
    async fn size(&self, key: &str) -> io::Result<Option<u64>>;
    /// A URL that downloads `key` (export `export_id`) as `file_name` until `ttl` from now.
    async fn download_url(
        &self,
        export_id: &str,
        key: &str,
        file_name: &str,
        ttl: Duration,
    ) -> io::Result<String>;
    /// Whether the store can take a write now.
    async fn ready(&self) -> bool;
    /// The local store, for serving files through signed URLs.
    fn as_local(&self) -> Option<&LocalStorage> {
        None
    }
}

/// Whether `e` means the store is full (no space, or over quota): such a
/// write is answered 507, not 503.
pub fn is_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    )
}

/// The storage key of an export.
pub fn key_for(user: &str, export_id: &str, format: &str) -> String {
    format!("exports/{user}/{export_id}.{format}")
}

/// The storage key of an artifact's table (its JSON text).
pub fn artifact_key(user: &str, artifact_id: &str) -> String {
    format!("artifacts/{user}/{artifact_id}.json")
}

/// The top-level folders of keys, which the sweep walks.
const PREFIXES: [&str; 2] = ["exports", "artifacts"];

/// Files under a root directory.
pub struct LocalStorage {
    root: PathBuf,
    base_url: String,
    keys: Keys,
    /// Free bytes below which the store says it is not ready.
    min_free: u64,
    /// Set when a write fails; cleared by the next write (or readiness
    /// probe) that succeeds.
    write_failed: AtomicBool,
}

/// Bytes read and hashed at a time when checking a stored file.
const CHUNK: usize = 256 * 1024;

impl LocalStorage {
    /// A store under `root`, whose download URLs start with `base_url`, not
    /// ready while fewer than `min_free` bytes are free.
    ///
    /// # Errors
    ///
    /// When `root` cannot be created.
    pub fn new(root: &Path, base_url: &str, keys: Keys, min_free: u64) -> io::Result<LocalStorage> {
        std::fs::create_dir_all(root)?;
        Ok(LocalStorage {
            root: root.to_path_buf(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            keys,
            min_free,
            write_failed: AtomicBool::new(false),
        })
    }

    /// The file of `key`. Keys come from our database, and are checked again
    /// here: plain components only, so no key can leave the root.
    pub fn path(&self, key: &str) -> io::Result<PathBuf> {
        let ok = !key.is_empty()
            && key.len() <= 200
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        if ok {
            Ok(self.root.join(key))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "invalid storage key",
            ))
        }
    }

    /// Verifies a download signature for `key`.
    pub fn check_signature(&self, key: &str, expires: u64, signature: &str) -> bool {
        self.keys.check_download(key, expires, signature)
    }

    /// Bytes free for us under the root.
    pub fn free_bytes(&self) -> io::Result<u64> {
        free_bytes(&self.root)
    }

    /// Removes temporary files left by a crash or a killed write that are
    /// older than `min_age` (a write in flight is younger), and objects no
    /// row names (`is_known` answers for a key; only asked for files older
    /// than `min_age` too, so an object whose row is being written is never
    /// taken for an orphan). Returns how many files were removed.
    pub async fn sweep<F, Fut>(&self, min_age: Duration, is_known: F) -> io::Result<usize>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let mut removed = 0;
        for prefix in PREFIXES {
            removed += self.sweep_under(prefix, min_age, &is_known).await?;
        }
        Ok(removed)
    }

    /// [`LocalStorage::sweep`] of the keys under `prefix`.
    async fn sweep_under<F, Fut>(
        &self,
        prefix: &str,
        min_age: Duration,
        is_known: &F,
    ) -> io::Result<usize>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let mut removed = 0;
        let Ok(mut users) = tokio::fs::read_dir(self.root.join(prefix)).await else {
            return Ok(0);
        };
        let now = SystemTime::now();
        while let Some(user) = users.next_entry().await? {
            if !user.file_type().await?.is_dir() {
                continue;
            }
            let mut files = tokio::fs::read_dir(user.path()).await?;
            while let Some(file) = files.next_entry().await? {
                let Ok(meta) = file.metadata().await else {
                    continue; // removed meanwhile
                };
                let age = meta
                    .modified()
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .unwrap_or_default();
                if age < min_age {
                    continue;
                }
                let name = file.file_name().to_string_lossy().into_owned();
                let key = format!("{prefix}/{}/{name}", user.file_name().to_string_lossy());
                if name.ends_with(".tmp") || !is_known(key).await {
                    match tokio::fs::remove_file(file.path()).await {
                        Ok(()) => removed += 1,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(removed)
    }
}

/// Writes a small file under `root`, syncs and removes it: whether a write
/// works now.
fn probe(root: &Path) -> io::Result<()> {
    let path = root.join(format!(".probe.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut f = std::fs::File::create_new(&path)?;
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    })();
    let removed = std::fs::remove_file(&path);
    result.and(removed)
}

/// Free bytes (for an unprivileged writer) on the file system of `path`.
fn free_bytes(path: &Path) -> io::Result<u64> {
    let st = rustix::fs::statvfs(path).map_err(io::Error::from)?;
    Ok(st.f_bavail.saturating_mul(st.f_frsize))
}

/// The blocking part of [`LocalStorage::put`]: write beside the target,
/// sync, read back and compare, rename, sync the directory. Readers see
/// the whole file or none; a crash leaves a `.tmp` file that the sweep
/// removes.
fn write_verified(path: &Path, bytes: &[u8], sha256: &[u8; 32]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("key without a directory"))?;
    std::fs::create_dir_all(dir)?;
    // Refuse at once what cannot fit, rather than fill the disk to fail.
    let needed = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if free_bytes(dir)? < needed {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("{needed} bytes do not fit in the space left"),
        ));
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        // std's write_all reports every failed write (ENOSPC included);
        // tokio's File hands writes to a background task and a failure can
        // go unseen by a later sync_all, which is how truncated files were
        // acknowledged.
        let mut file = std::fs::File::create_new(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        let (size, digest) = digest_file(&tmp)?;
        if size != needed || digest != *sha256 {
            return Err(io::Error::other(format!(
                "the stored copy differs from the upload ({size} of {needed} bytes, SHA-256 {})",
                if digest == *sha256 {
                    "equal"
                } else {
                    "different"
                }
            )));
        }
        std::fs::rename(&tmp, path)?;
        // fsync the directory so the rename itself survives a crash.
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        // The temporary file is garbage whatever happened (it may not
        // exist); the error that matters is the write's.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Size and SHA-256 of the file at `path`, as read back from it.
fn digest_file(path: &Path) -> io::Result<(u64, [u8; 32])> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hasher.finalize().into()))
}

#[async_trait]
impl Storage for LocalStorage {
    async fn put(&self, object: Object<'_>) -> io::Result<()> {
        let path = self.path(object.key)?;
        let Object { bytes, sha256, .. } = object;
        let result = tokio::task::spawn_blocking(move || write_verified(&path, &bytes, &sha256))
            .await
            .map_err(io::Error::other)?;
        self.write_failed.store(result.is_err(), Ordering::Relaxed);
        result
    }

    async fn get(&self, key: &str) -> io::Result<Option<Bytes>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    async fn size(&self, key: &str) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn download_url(
        &self,
        export_id: &str,
        key: &str,
        _file_name: &str,
        ttl: Duration,
    ) -> io::Result<String> {
        let expires = unix_now() + ttl.as_secs();
        let signature = self.keys.sign_download(key, expires);
        Ok(format!(
            "{}/api/exports/{export_id}/file?expires={expires}&sig={signature}",
            self.base_url
        ))
    }

    /// Ready when the root is a directory with at least the configured free
    /// space and, if the last write failed, a probe write now succeeds.
    async fn ready(&self) -> bool {
        let root = self.root.clone();
        let min_free = self.min_free;
        let roomy = tokio::task::spawn_blocking(move || {
            root.is_dir() && free_bytes(&root).is_ok_and(|free| free >= min_free)
        })
        .await
        .unwrap_or(false);
        if !roomy {
            return false;
        }
        if self.write_failed.load(Ordering::Relaxed) {
            let root = self.root.clone();
            let probe = tokio::task::spawn_blocking(move || probe(&root))
                .await
                .map_err(io::Error::other)
                .and_then(|r| r);
            if let Err(e) = probe {
                tracing::warn!(error = %e, "storage is still not writable");
                return false;
            }
            self.write_failed.store(false, Ordering::Relaxed);
        }
        true
    }

    fn as_local(&self) -> Option<&LocalStorage> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(min_free: u64) -> (LocalStorage, PathBuf) {
        let dir = std::env::temp_dir().join(format!("rowpress-storage-{}", uuid::Uuid::new_v4()));
        let s = LocalStorage::new(&dir, "http://x", Keys::from_secret(b"k"), min_free).unwrap();
        (s, dir)
    }

    #[test]
    fn a_write_whose_stored_copy_differs_is_refused_and_leaves_nothing() {
        let (s, dir) = store(0);
        let path = s.path("exports/a/b.pdf").unwrap();
        let bytes = b"%PDF-1.7 whole file";
        let good: [u8; 32] = Sha256::digest(bytes).into();
        write_verified(&path, bytes, &good).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        // The digest of other bytes: what a corrupted write would show.
        let other: [u8; 32] = Sha256::digest(b"something else").into();
        let path2 = s.path("exports/a/c.pdf").unwrap();
        let err = write_verified(&path2, bytes, &other).unwrap_err();
        assert!(err.to_string().contains("differs"), "{err}");
        assert!(!path2.exists());
        let left: Vec<_> = std::fs::read_dir(path2.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["b.pdf"], "no temporary file is left");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readiness_follows_free_space_and_failed_writes() {
        let (s, dir) = store(0);
        assert!(s.ready().await);
        let (too_demanding, dir2) = store(u64::MAX);
        assert!(
            !too_demanding.ready().await,
            "less free space than required"
        );
        s.write_failed.store(true, Ordering::Relaxed);
        assert!(s.ready().await, "a probe write succeeds: ready again");
        assert!(!s.write_failed.load(Ordering::Relaxed));
        std::fs::remove_dir_all(dir).unwrap();
        std::fs::remove_dir_all(dir2).unwrap();
    }
}
