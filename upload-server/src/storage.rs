//! Where exported files live: a `Storage` trait and its local-disk
//! implementation (S3 follows the same key scheme).
//!
//! Keys are made by the server only, `exports/{userId}/{exportId}.{format}`,
//! from a checked user id and a UUID; a client never names a path.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use crate::auth::{Keys, unix_now};

/// An object store for exported files.
#[async_trait]
pub trait Storage: Send + Sync {
    /// Stores `bytes` under `key`, atomically: the object is either all
    /// there or not there.
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        file_name: &str,
    ) -> io::Result<()>;
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
    /// Whether the store answers.
    async fn ready(&self) -> bool;
    /// The local store, for serving files through signed URLs.
    fn as_local(&self) -> Option<&LocalStorage> {
        None
    }
}

/// The storage key of an export.
pub fn key_for(user: &str, export_id: &str, format: &str) -> String {
    format!("exports/{user}/{export_id}.{format}")
}

/// Files under a root directory.
pub struct LocalStorage {
    root: PathBuf,
    base_url: String,
    keys: Keys,
}

impl LocalStorage {
    /// A store under `root`, whose download URLs start with `base_url`.
    ///
    /// # Errors
    ///
    /// When `root` cannot be created.
    pub fn new(root: &Path, base_url: &str, keys: Keys) -> io::Result<LocalStorage> {
        std::fs::create_dir_all(root)?;
        Ok(LocalStorage {
            root: root.to_path_buf(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            keys,
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

    /// Removes temporary files left by a crash mid-write, and objects no row
    /// names (`is_known` answers for a key). Returns how many were removed.
    pub async fn sweep<F, Fut>(&self, is_known: F) -> io::Result<usize>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let mut removed = 0;
        let exports = self.root.join("exports");
        let Ok(mut users) = tokio::fs::read_dir(&exports).await else {
            return Ok(0);
        };
        while let Some(user) = users.next_entry().await? {
            if !user.file_type().await?.is_dir() {
                continue;
            }
            let mut files = tokio::fs::read_dir(user.path()).await?;
            while let Some(file) = files.next_entry().await? {
                let name = file.file_name().to_string_lossy().into_owned();
                let key = format!("exports/{}/{name}", user.file_name().to_string_lossy());
                if name.ends_with(".tmp") || !is_known(key).await {
                    tokio::fs::remove_file(file.path()).await?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

#[async_trait]
impl Storage for LocalStorage {
    async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        _content_type: &str,
        _file_name: &str,
    ) -> io::Result<()> {
        let path = self.path(key)?;
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::other("key without a directory"))?
            .to_path_buf();
        tokio::fs::create_dir_all(&dir).await?;
        // Write a temporary file beside the target, make it durable, then
        // rename: readers see the whole file or none (and a crash leaves a
        // .tmp file that the start-up sweep removes).
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            uuid::Uuid::new_v4().simple()
        ));
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
            file.write_all(&bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, &path).await?;
            // fsync the directory so the rename itself survives a crash.
            tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
                .await
                .map_err(io::Error::other)?
        }
        .await;
        if result.is_err() {
            // The temporary file is garbage whatever happened; the error that
            // matters is the write's.
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
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

    async fn ready(&self) -> bool {
        tokio::fs::metadata(&self.root)
            .await
            .is_ok_and(|m| m.is_dir())
    }

    fn as_local(&self) -> Option<&LocalStorage> {
        Some(self)
    }
}
