//! Configuration: every flag is also an environment variable; the defaults
//! run the server with nothing set up (SQLite and files under ./data).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// Where exported files are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StorageBackend {
    /// Files under EXPORT_STORAGE_PATH, served through signed URLs.
    Local,
    /// An S3 bucket (AWS or any S3-compatible store), presigned URLs.
    S3,
}

/// Server settings.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Database: `sqlite://FILE` (created if missing) or `postgres://...`
    /// [default: sqlite://DATA_DIR/rowpress.db, so sqlite://./data/rowpress.db]
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Where exported files go.
    #[arg(long, env = "STORAGE_BACKEND", value_enum, default_value = "local")]
    pub storage_backend: StorageBackend,

    /// Directory of the local backend [default: DATA_DIR/exports, so
    /// ./data/exports]
    #[arg(long, env = "EXPORT_STORAGE_PATH")]
    pub export_storage_path: Option<PathBuf>,

    /// Public base URL of this server, for the download links it returns.
    #[arg(long, env = "EXPORT_BASE_URL", default_value = "http://localhost:3000")]
    pub export_base_url: String,

    /// S3 bucket (STORAGE_BACKEND=s3).
    #[arg(long, env = "AWS_S3_BUCKET")]
    pub aws_s3_bucket: Option<String>,

    /// S3 region (STORAGE_BACKEND=s3); credentials come from the standard
    /// AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...).
    #[arg(long, env = "AWS_REGION")]
    pub aws_region: Option<String>,

    /// S3 access key id; unset, the standard AWS chain finds credentials
    /// (environment, profile, instance role).
    #[arg(long, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
    pub aws_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub aws_secret_access_key: Option<String>,

    /// Endpoint of an S3-compatible server (MinIO, Ceph, Garage, R2).
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// Address buckets by path (`endpoint/bucket/key`), as most S3-compatible servers need.
    #[arg(long, env = "S3_FORCE_PATH_STYLE", default_value_t = false)]
    pub s3_force_path_style: bool,

    /// Largest table artifact accepted, in bytes of JSON (413 as soon as a
    /// body passes it).
    #[arg(long, env = "MAX_ARTIFACT_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub max_artifact_bytes: u64,

    /// Most cells a table artifact may hold (413 as soon as the table
    /// being read passes it).
    #[arg(long, env = "MAX_ARTIFACT_CELLS", default_value_t = 2_000_000)]
    pub max_artifact_cells: usize,

    /// Local storage reports not ready (`/readyz` 503) while fewer bytes
    /// than this are free on its file system.
    #[arg(long, env = "STORAGE_MIN_FREE", default_value_t = 64 * 1024 * 1024)]
    pub storage_min_free: u64,

    /// Largest upload accepted, in bytes.
    #[arg(long, env = "MAX_UPLOAD_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_upload_bytes: u64,

    /// How long download URLs stay valid (`1h`, `15m`; at most 7 days).
    #[arg(long, env = "URL_TTL", default_value = "1h", value_parser = parse_ttl)]
    pub url_ttl: Duration,

    /// Secret that signs tokens and download URLs (separate derived keys).
    /// Unset: a random one is made once and kept in DATA_DIR/auth_secret.
    #[arg(long, env = "AUTH_SECRET", hide_env_values = true)]
    pub auth_secret: Option<String>,

    /// Directory for the generated secret, and for the database and files
    /// when DATABASE_URL and EXPORT_STORAGE_PATH are not set.
    #[arg(long, env = "DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Enable POST /api/dev/login, which hands out tokens without a
    /// password. Refused unless BIND is a loopback address.
    #[arg(long, env = "DEV_LOGIN", default_value_t = false)]
    pub dev_login: bool,

    /// Static front end to serve at / (the built www/).
    #[arg(long, env = "STATIC_DIR", default_value = "www/dist")]
    pub static_dir: PathBuf,

    /// Where the Unicode fonts PDFs embed (the web app's and the server's
    /// own renders) are looked up first, before Debian's
    /// fonts-dejavu-core, fonts-noto-core and fonts-noto-cjk locations:
    /// DejaVuSans.ttf, NotoSansArabic-Regular.ttf,
    /// NotoSansHebrew-Regular.ttf, NotoSansDevanagari-Regular.ttf,
    /// NotoSansThai-Regular.ttf, NotoSansCJK-Regular.ttc, and each one's
    /// bold (DejaVuSans-Bold.ttf, NotoSans*-Bold.ttf|.ttc). Served at
    /// /fonts/.
    #[arg(long, env = "FONTS_DIR")]
    pub fonts_dir: Option<PathBuf>,

    /// Delete exports older than this many days, object first, then row
    /// (off when unset). Every instance may run the sweeper at once.
    #[arg(long, env = "EXPORT_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub export_retention_days: Option<u32>,

    /// An export still `processing` after this long (its request died with
    /// an instance) is settled by the sweeper: `completed` if its object is
    /// whole, else `failed` and its object removed.
    #[arg(long, env = "PROCESSING_TIMEOUT", default_value = "15m", value_parser = parse_duration)]
    pub processing_timeout: Duration,

    /// How often the sweeper runs (retention and stale `processing` rows).
    #[arg(long, env = "SWEEP_INTERVAL", default_value = "5m", value_parser = parse_duration)]
    pub sweep_interval: Duration,

    /// Exports a user may create per minute (uploads and server renders;
    /// a replayed Idempotency-Key does not count), and artifacts likewise
    /// (a bucket of their own); 0 turns the limit off. Shared by all
    /// instances (kept in the database). Off with --dev-login.
    #[arg(long, env = "RATE_LIMIT_PER_MINUTE", default_value_t = 60)]
    pub rate_limit_per_minute: u32,

    /// Telemetry events (`POST /api/events`) a user may send per minute;
    /// 0 turns the limit off.
    #[arg(long, env = "EVENTS_RATE_LIMIT_PER_MINUTE", default_value_t = 120)]
    pub events_rate_limit_per_minute: u32,

    /// When set, `GET /metrics` needs `Authorization: Bearer METRICS_TOKEN`.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Longest a request may take, body included (then 408).
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "120s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Longest a client may take to send its request headers, counted from
    /// the connection's start (then the connection is closed). Headers are
    /// limited to 64 KiB.
    #[arg(long, env = "HEADER_READ_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_read_timeout: Duration,

    /// Longest a connection may stay open with no request in flight
    /// (HTTP/1.1 keep-alive and HTTP/2 alike; then it is closed).
    #[arg(long, env = "KEEPALIVE_TIMEOUT", default_value = "75s", value_parser = parse_duration)]
    pub keepalive_timeout: Duration,

    /// Longest a response may wait for the client to read (a download to
    /// a client that stopped reading; then the connection is closed).
    #[arg(long, env = "WRITE_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub write_timeout: Duration,

    /// Most connections open at once [default: three quarters of the
    /// descriptors left after 64, at most 10,000]. At the cap a new
    /// connection closes the oldest one that has not sent a byte, else the
    /// oldest idle one; when all are busy it is refused.
    #[arg(long, env = "MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Longest a client may pause while sending a body (then 408).
    #[arg(long, env = "BODY_IDLE_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub body_idle_timeout: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s)
        .map_err(|e| format!("{s:?} is not a duration like 30s or 5m ({e})"))?;
    if d.is_zero() {
        return Err(format!("{s:?} must be more than 0"));
    }
    Ok(d)
}

/// S3 presigned URLs live at most 7 days (SigV4).
const MAX_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

fn parse_ttl(s: &str) -> Result<Duration, String> {
    let ttl = humantime::parse_duration(s)
        .map_err(|e| format!("{s:?} is not a duration like 1h or 15m ({e})"))?;
    if ttl.is_zero() || ttl > MAX_TTL {
        return Err(format!("{s:?} must be more than 0 and at most 7 days"));
    }
    Ok(ttl)
}

impl Config {
    /// DATABASE_URL, else the SQLite file under DATA_DIR.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("rowpress.db").display()))
    }

    /// EXPORT_STORAGE_PATH, else `exports` under DATA_DIR.
    pub fn export_storage_path(&self) -> PathBuf {
        self.export_storage_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("exports"))
    }

    /// Checks what clap cannot: the dev login only on loopback.
    ///
    /// # Errors
    ///
    /// A one-line reason.
    pub fn check(&self) -> Result<(), String> {
        if self.dev_login && !self.bind.ip().is_loopback() {
            return Err(format!(
                "--dev-login hands out tokens without a password and is only allowed on a loopback address, not {}",
                self.bind
            ));
        }
        if self.storage_backend == StorageBackend::S3 && self.aws_s3_bucket.is_none() {
            return Err("STORAGE_BACKEND=s3 needs AWS_S3_BUCKET".into());
        }
        Ok(())
    }

    /// The secret: AUTH_SECRET, else the one kept in DATA_DIR/auth_secret
    /// (made on first use, readable by its owner only).
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written.
    pub fn secret(&self) -> Result<Vec<u8>, String> {
        if let Some(secret) = &self.auth_secret {
            if secret.len() < 16 {
                return Err("AUTH_SECRET must be at least 16 characters".into());
            }
            return Ok(secret.as_bytes().to_vec());
        }
        let path = self.data_dir.join("auth_secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return Ok(existing.trim().as_bytes().to_vec());
        }
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.data_dir.display()))?;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a secret: {e}"))?;
        let secret = hex::encode(bytes);
        write_private(&path, &secret)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(secret.into_bytes())
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    fn parse(args: &[&str]) -> Config {
        Cli::try_parse_from(std::iter::once("upload-server").chain(args.iter().copied()))
            .unwrap()
            .config
    }

    #[test]
    fn the_database_and_files_follow_data_dir_unless_set() {
        let c = parse(&[]);
        assert_eq!(c.database_url(), "sqlite://./data/rowpress.db");
        assert_eq!(c.export_storage_path(), PathBuf::from("./data/exports"));
        let c = parse(&["--data-dir", "/srv/rowpress"]);
        assert_eq!(c.database_url(), "sqlite:///srv/rowpress/rowpress.db");
        assert_eq!(
            c.export_storage_path(),
            PathBuf::from("/srv/rowpress/exports")
        );
        let c = parse(&[
            "--data-dir",
            "/srv/rowpress",
            "--database-url",
            "postgres://db/rowpress",
            "--export-storage-path",
            "/mnt/files",
        ]);
        assert_eq!(c.database_url(), "postgres://db/rowpress");
        assert_eq!(c.export_storage_path(), PathBuf::from("/mnt/files"));
    }

    #[test]
    fn url_ttl_is_capped_at_s3s_seven_days() {
        assert!(parse(&["--url-ttl", "7d"]).url_ttl == MAX_TTL);
        assert!(Cli::try_parse_from(["upload-server", "--url-ttl", "8d"]).is_err());
        assert!(Cli::try_parse_from(["upload-server", "--url-ttl", "0s"]).is_err());
    }
}
