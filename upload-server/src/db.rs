//! The database: SQLite or PostgreSQL through sqlx's Any driver, one SQL
//! text for both (`$1` placeholders work in each), migrations per database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, when scaled out.
    Postgres,
}

/// Every SQLite connection's settings (see [`Db::connect`]).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// A pool and what it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    /// The connections.
    pub pool: AnyPool,
    /// The database behind them.
    pub kind: Kind,
    /// SQLite's write-ahead log, synced to make a commit durable.
    wal: Option<std::path::PathBuf>,
}

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects (creating a SQLite file and its directory if missing) and
    /// runs the embedded migrations.
    ///
    /// # Errors
    ///
    /// A one-line reason.
    pub async fn connect(url: &str) -> Result<Db, String> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") {
            Kind::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Kind::Postgres
        } else {
            return Err(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, not {:?}",
                redact(url)
            ));
        };
        let (url, wal) = if kind == Kind::Sqlite {
            sqlite_url(url)?
        } else {
            (url.to_owned(), None)
        };
        let options =
            AnyConnectOptions::from_str(&url).map_err(|e| format!("bad DATABASE_URL: {e}"))?;
        // Migrations run on a connection of their own, closed before the
        // pool opens: a SQLite connection that was open while a migration
        // changed a table's schema in place (0008) could keep checking
        // against the old one.
        let mut conn = AnyConnection::connect_with(&options)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", redact(&url)))?;
        if kind == Kind::Sqlite {
            conn.execute(SQLITE_PRAGMAS)
                .await
                .map_err(|e| format!("cannot set up {}: {e}", redact(&url)))?;
        }
        let migrator = match kind {
            Kind::Sqlite => &SQLITE,
            Kind::Postgres => &POSTGRES,
        };
        migrator
            .run(&mut conn)
            .await
            .map_err(|e| format!("migrations failed: {e}"))?;
        conn.close()
            .await
            .map_err(|e| format!("cannot close the migration connection: {e}"))?;
        let mut pool = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        if kind == Kind::Sqlite {
            // WAL lets readers run beside the one writer; busy_timeout makes
            // writers queue instead of failing with "database is locked".
            // synchronous=NORMAL does not sync at commit; the commits a
            // client is answered on are synced explicitly (`transition`).
            pool = pool.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(drop) })
            });
        } else {
            pool = pool.max_connections(16);
        }
        let pool = pool
            .connect_with(options)
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", redact(&url)))?;
        Ok(Db { pool, kind, wal })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// `sqlite://./data/x.db` with its directory made and `mode=rwc` added.
/// The URL with `mode=rwc`, and the path of the write-ahead log (none for
/// an in-memory database).
fn sqlite_url(url: &str) -> Result<(String, Option<std::path::PathBuf>), String> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let file = path.split('?').next().unwrap_or(path);
    if file != ":memory:"
        && let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let url = if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    };
    let wal = (file != ":memory:" && !file.is_empty()).then(|| format!("{file}-wal").into());
    Ok((url, wal))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A row of `artifacts`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ArtifactRow {
    /// UUID (v7, time-ordered).
    pub id: String,
    /// Owner (the token's subject).
    pub user_id: String,
    #[sqlx(rename = "type")]
    /// Artifact type: `table`.
    pub kind: String,
    /// Title, from the request or the table.
    pub title: Option<String>,
    /// The table as JSON text, for artifacts made before tables were kept
    /// in storage; empty when `data_key` names it.
    pub data: String,
    /// The storage key of the table's JSON text.
    pub data_key: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// Where an export is in its life. Every change of it goes through
/// [`Db::transition`], a compare-and-set: a writer that lost a race (a
/// request against the sweeper, two sweepers) learns it and acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportStatus {
    /// The row exists, the file is being stored.
    Processing,
    /// Stored whole (size and SHA-256 checked); `url` downloads it.
    Completed,
    /// Storing failed, or the export is being deleted; no file is served.
    Failed,
}

impl ExportStatus {
    /// The database and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportStatus::Processing => "processing",
            ExportStatus::Completed => "completed",
            ExportStatus::Failed => "failed",
        }
    }
}

impl TryFrom<String> for ExportStatus {
    type Error = String;

    fn try_from(s: String) -> Result<ExportStatus, String> {
        match s.as_str() {
            "processing" => Ok(ExportStatus::Processing),
            "completed" => Ok(ExportStatus::Completed),
            "failed" => Ok(ExportStatus::Failed),
            other => Err(format!("unknown export status {other:?}")),
        }
    }
}

/// Who made an export's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportSource {
    /// Made in the browser (or by any client) and uploaded.
    Upload,
    /// Rendered by the server from the artifact.
    Server,
}

impl ExportSource {
    /// The database and JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportSource::Upload => "upload",
            ExportSource::Server => "server",
        }
    }
}

impl TryFrom<String> for ExportSource {
    type Error = String;

    fn try_from(s: String) -> Result<ExportSource, String> {
        match s.as_str() {
            "upload" => Ok(ExportSource::Upload),
            "server" => Ok(ExportSource::Server),
            other => Err(format!("unknown export source {other:?}")),
        }
    }
}

/// A row of `exports`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    /// UUID (v7, time-ordered).
    pub id: String,
    /// The artifact exported.
    pub artifact_id: String,
    /// Owner (the token's subject).
    pub user_id: String,
    /// `pdf`, `docx` or `xlsx`.
    pub format: String,
    /// The API location of this export (download URLs are made per request).
    pub url: String,
    /// Where it is in its life.
    #[sqlx(try_from = "String")]
    pub status: ExportStatus,
    /// `exports/{userId}/{exportId}.{format}`.
    pub storage_key: String,
    /// Size of the file.
    pub size_bytes: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// The client's Idempotency-Key, if sent.
    pub idempotency_key: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the last status change.
    pub updated_at: i64,
    /// Uploaded, or rendered here.
    #[sqlx(try_from = "String")]
    pub source: ExportSource,
    /// A render's warnings (values kept another way), as a JSON array of
    /// strings; `None` when there were none.
    pub warnings: Option<String>,
}

const EXPORT_COLUMNS: &str = "id, artifact_id, user_id, format, url, status, storage_key, size_bytes, sha256, idempotency_key, created_at, updated_at, source, warnings";

impl Db {
    /// Inserts an artifact.
    pub async fn insert_artifact(&self, row: &ArtifactRow) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO artifacts (id, user_id, type, title, data, data_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&row.id)
            .bind(&row.user_id)
            .bind(&row.kind)
            .bind(&row.title)
            .bind(&row.data)
            .bind(&row.data_key)
            .bind(row.created_at)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// The user's artifact `id`, if it exists.
    pub async fn artifact(&self, user: &str, id: &str) -> sqlx::Result<Option<ArtifactRow>> {
        sqlx::query_as("SELECT id, user_id, type, title, data, data_key, created_at FROM artifacts WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user)
            .fetch_optional(&self.pool)
            .await
    }

    /// The title of artifact `id` (any user's: for signed downloads).
    pub async fn artifact_title(&self, id: &str) -> sqlx::Result<Option<String>> {
        Ok(
            sqlx::query_scalar::<_, Option<String>>("SELECT title FROM artifacts WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// A page of the user's artifacts, newest first, without their data,
    /// after the cursor `(created_at, id)` of the previous page's last row.
    pub async fn artifacts(
        &self,
        user: &str,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<ArtifactRow>> {
        let (at, id) = after.unwrap_or((i64::MAX, String::new()));
        sqlx::query_as("SELECT id, user_id, type, title, '' AS data, data_key, created_at FROM artifacts WHERE user_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT $4")
            .bind(user)
            .bind(at)
            .bind(id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }

    /// Inserts an export row; `Ok(false)` when the idempotency key is taken.
    pub async fn insert_export(&self, row: &ExportRow) -> sqlx::Result<bool> {
        let result = sqlx::query(&format!("INSERT INTO exports ({EXPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"))
            .bind(&row.id)
            .bind(&row.artifact_id)
            .bind(&row.user_id)
            .bind(&row.format)
            .bind(&row.url)
            .bind(row.status.as_str())
            .bind(&row.storage_key)
            .bind(row.size_bytes)
            .bind(&row.sha256)
            .bind(&row.idempotency_key)
            .bind(row.created_at)
            .bind(row.updated_at)
            .bind(row.source.as_str())
            .bind(&row.warnings)
            .execute(&self.pool)
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(sqlx::Error::Database(e))
                if e.is_unique_violation() && row.idempotency_key.is_some() =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Moves export `id` from `from` to `to`, only if it is still in `from`
    /// (compare-and-set); `false` when another writer changed it first.
    /// Every status change of every writer (uploads, renders, the sweeper,
    /// start-up recovery) goes through here.
    ///
    /// The change is durable when this returns, on SQLite too: after the
    /// commit the WAL file is synced, which makes it and every earlier
    /// commit (the row's insert, made without a sync) durable. Commits a
    /// checkpoint has already moved into the database file were synced by
    /// the checkpoint. The sync runs outside SQLite's write lock, so other
    /// writers go on meanwhile and concurrent syncs coalesce; syncing inside
    /// each commit (`synchronous = FULL`) measured 703 uploads/s, p99 149 ms.
    pub async fn transition(
        &self,
        id: &str,
        from: ExportStatus,
        to: ExportStatus,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE exports SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(now_millis())
        .bind(id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        self.sync_wal().await?;
        Ok(done)
    }

    /// Frees the Idempotency-Key of a `failed` export, so a retry with that
    /// key can start a fresh attempt; `false` when the export is no longer
    /// `failed` with that key (another retry took it first). The failed row
    /// stays, without a key, as history, until retention removes it.
    pub async fn release_key(&self, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE exports SET idempotency_key = NULL, updated_at = $1 WHERE id = $2 AND status = 'failed' AND idempotency_key IS NOT NULL",
        )
        .bind(now_millis())
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        self.sync_wal().await?;
        Ok(done)
    }

    /// Syncs SQLite's WAL file (nothing for PostgreSQL, whose commits are
    /// durable when they return).
    async fn sync_wal(&self) -> sqlx::Result<()> {
        let Some(wal) = self.wal.clone() else {
            return Ok(());
        };
        let synced = tokio::task::spawn_blocking(move || match std::fs::File::open(&wal) {
            Ok(f) => f.sync_data(),
            // No WAL: the last connection checkpointed (with a sync) and removed it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
        synced.map_err(sqlx::Error::Io)
    }

    /// The user's export `id`, if it exists.
    pub async fn export(&self, user: &str, id: &str) -> sqlx::Result<Option<ExportRow>> {
        sqlx::query_as(&format!(
            "SELECT {EXPORT_COLUMNS} FROM exports WHERE id = $1 AND user_id = $2"
        ))
        .bind(id)
        .bind(user)
        .fetch_optional(&self.pool)
        .await
    }

    /// Any user's export `id` (for signed downloads, which carry no user).
    pub async fn export_by_id(&self, id: &str) -> sqlx::Result<Option<ExportRow>> {
        sqlx::query_as(&format!(
            "SELECT {EXPORT_COLUMNS} FROM exports WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// The user's export made with Idempotency-Key `key`.
    pub async fn export_by_idempotency_key(
        &self,
        user: &str,
        key: &str,
    ) -> sqlx::Result<Option<ExportRow>> {
        sqlx::query_as(&format!(
            "SELECT {EXPORT_COLUMNS} FROM exports WHERE user_id = $1 AND idempotency_key = $2"
        ))
        .bind(user)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
    }

    /// A page of the user's exports of an artifact, newest first, after
    /// the cursor `(created_at, id)` of the previous page's last row.
    pub async fn exports(
        &self,
        user: &str,
        artifact: &str,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> sqlx::Result<Vec<ExportRow>> {
        let order = "ORDER BY created_at DESC, id DESC";
        match after {
            None => sqlx::query_as(&format!("SELECT {EXPORT_COLUMNS} FROM exports WHERE user_id = $1 AND artifact_id = $2 {order} LIMIT $3"))
                .bind(user)
                .bind(artifact)
                .bind(limit)
                .fetch_all(&self.pool)
                .await,
            Some((at, id)) => sqlx::query_as(&format!(
                "SELECT {EXPORT_COLUMNS} FROM exports WHERE user_id = $1 AND artifact_id = $2 AND (created_at < $3 OR (created_at = $3 AND id < $4)) {order} LIMIT $5"
            ))
            .bind(user)
            .bind(artifact)
            .bind(at)
            .bind(id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await,
        }
    }

    /// Deletes an export row.
    /// Returns whether it was there.
    pub async fn delete_export(&self, id: &str) -> sqlx::Result<bool> {
        sqlx::query("DELETE FROM exports WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected() == 1)
    }

    /// Rows still `processing` (a crash happened between row and object).
    pub async fn processing(&self) -> sqlx::Result<Vec<ExportRow>> {
        sqlx::query_as(&format!(
            "SELECT {EXPORT_COLUMNS} FROM exports WHERE status = 'processing'"
        ))
        .fetch_all(&self.pool)
        .await
    }

    /// Claims up to `limit` exports created before `cutoff` for deletion
    /// by retention: marks them `failed` (so no URL is handed out for them
    /// again) with `updated_at` now, and returns them. A row claimed less
    /// than `lease` ago is left to its claimer; after that it is claimed
    /// again (its claimer died or could not delete the object). On
    /// PostgreSQL `FOR UPDATE SKIP LOCKED` makes concurrent sweepers of
    /// several instances claim disjoint rows.
    pub async fn claim_expired(
        &self,
        cutoff: i64,
        lease: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<ExportRow>> {
        let lock = if self.kind == Kind::Postgres {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let now = now_millis();
        let rows: Vec<ExportRow> = sqlx::query_as(&format!(
            "UPDATE exports SET status = 'failed', updated_at = $1 WHERE id IN \
             (SELECT id FROM exports WHERE created_at < $2 \
              AND NOT (status = 'failed' AND updated_at > $3) \
              ORDER BY created_at LIMIT $4 {lock}) \
             RETURNING {EXPORT_COLUMNS}"
        ))
        .bind(now)
        .bind(cutoff)
        .bind(now.saturating_sub(lease))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        self.sync_wal().await?;
        Ok(rows)
    }

    /// Exports still `processing` that were created before `cutoff`.
    pub async fn stale_processing(&self, cutoff: i64, limit: i64) -> sqlx::Result<Vec<ExportRow>> {
        sqlx::query_as(&format!(
            "SELECT {EXPORT_COLUMNS} FROM exports WHERE status = 'processing' AND created_at < $1 ORDER BY created_at LIMIT $2"
        ))
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Whether some row names storage key `key`: an export's object, or an
    /// artifact's table.
    pub async fn key_exists(&self, key: &str) -> sqlx::Result<bool> {
        let sql = if key.starts_with("artifacts/") {
            "SELECT id FROM artifacts WHERE data_key = $1"
        } else {
            "SELECT id FROM exports WHERE storage_key = $1"
        };
        let row: Option<(String,)> = sqlx::query_as(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Takes one token of `user`'s rate-limit bucket in one atomic
    /// statement (the generic cell rate algorithm, times in microseconds):
    /// an export moves the user's theoretical arrival time `interval` past
    /// `max(tat, now)`, which may run at most `window` ahead of `now`.
    /// `Ok(None)` when the token was granted, else `Ok(Some(tat))`, the
    /// arrival time that refused it.
    pub async fn take_rate_token(
        &self,
        user: &str,
        now: i64,
        interval: i64,
        window: i64,
    ) -> sqlx::Result<Option<i64>> {
        // The upsert's WHERE leaves the row alone and returns nothing when
        // the bucket is empty. Its row lock (PostgreSQL) or SQLite's single
        // writer makes concurrent requests of one user, on any instance,
        // take their turns: two can never spend the same token.
        const SQL: &str = "INSERT INTO rate_limits (user_id, tat) VALUES ($1, $2 + $3) \
            ON CONFLICT (user_id) DO UPDATE \
            SET tat = (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 \
            WHERE (CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END) + $3 <= $2 + $4 \
            RETURNING tat";
        let granted: Option<(i64,)> = sqlx::query_as(SQL)
            .bind(user)
            .bind(now)
            .bind(interval)
            .bind(window)
            .fetch_optional(&self.pool)
            .await?;
        if granted.is_some() {
            return Ok(None);
        }
        // Gone since (the sweeper forgot it as full): a retry will pass.
        let tat: Option<(i64,)> = sqlx::query_as("SELECT tat FROM rate_limits WHERE user_id = $1")
            .bind(user)
            .fetch_optional(&self.pool)
            .await?;
        Ok(Some(tat.map_or(now, |(t,)| t)))
    }

    /// Forgets buckets that have refilled (their arrival time has passed).
    pub async fn forget_full_rate_buckets(&self, now: i64) -> sqlx::Result<u64> {
        Ok(sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
