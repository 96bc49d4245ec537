//! What `GET /metrics` reports (OpenMetrics text, which Prometheus reads):
//! exports by format, status and source, bytes stored and deleted, upload
//! and render latency, storage errors, rate-limited requests and what the
//! retention sweeper removed. Each instance counts its own work; Prometheus
//! sums over instances.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of an export count.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ExportLabels {
    /// `pdf`, `docx`, `xlsx`.
    pub format: String,
    /// `completed`, `failed` (storage), `rejected` (bad bytes), `replayed`.
    pub status: String,
    /// `upload` (made in the browser) or `server` (rendered here).
    pub source: String,
}

/// A format label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FormatLabel {
    /// `pdf`, `docx`, `xlsx`.
    pub format: String,
}

/// A storage operation label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OpLabel {
    /// `put`, `delete`, `url`.
    pub op: String,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    exports: Family<ExportLabels, Counter>,
    stored_bytes: Family<FormatLabel, Counter>,
    deleted_bytes: Counter,
    upload_seconds: Family<FormatLabel, Histogram>,
    render_seconds: Family<FormatLabel, Histogram>,
    storage_errors: Family<OpLabel, Counter>,
    rate_limited: Counter,
    retention_deleted: Counter,
    stale_processing: Counter,
}

fn latency() -> Histogram {
    // 5 ms to about 20 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("rowpress");
        let exports = Family::<ExportLabels, Counter>::default();
        registry.register(
            "exports",
            "Exports handled, by format, status and source",
            exports.clone(),
        );
        let stored_bytes = Family::<FormatLabel, Counter>::default();
        registry.register(
            "stored_bytes",
            "Bytes of files stored, by format",
            stored_bytes.clone(),
        );
        let deleted_bytes = Counter::default();
        registry.register(
            "deleted_bytes",
            "Bytes of files deleted (by users and by retention)",
            deleted_bytes.clone(),
        );
        let upload_seconds =
            Family::<FormatLabel, Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "upload_duration_seconds",
            "Time to receive, check and store an upload",
            upload_seconds.clone(),
        );
        let render_seconds =
            Family::<FormatLabel, Histogram>::new_with_constructor(latency as fn() -> Histogram);
        registry.register(
            "render_duration_seconds",
            "Time to render an export on the server (exporter-core)",
            render_seconds.clone(),
        );
        let storage_errors = Family::<OpLabel, Counter>::default();
        registry.register(
            "storage_errors",
            "Failed storage operations, by operation",
            storage_errors.clone(),
        );
        let rate_limited = Counter::default();
        registry.register(
            "rate_limited",
            "Export requests refused by the per-user rate limit",
            rate_limited.clone(),
        );
        let retention_deleted = Counter::default();
        registry.register(
            "retention_deleted_exports",
            "Exports deleted by the retention sweeper",
            retention_deleted.clone(),
        );
        let stale_processing = Counter::default();
        registry.register(
            "stale_processing_exports",
            "Exports left processing past the timeout, settled by the sweeper",
            stale_processing.clone(),
        );
        Metrics {
            registry,
            exports,
            stored_bytes,
            deleted_bytes,
            upload_seconds,
            render_seconds,
            storage_errors,
            rate_limited,
            retention_deleted,
            stale_processing,
        }
    }

    /// Counts an export.
    pub fn export(&self, format: &str, status: &str, source: &str) {
        self.exports
            .get_or_create(&ExportLabels {
                format: format.to_owned(),
                status: status.to_owned(),
                source: source.to_owned(),
            })
            .inc();
    }

    /// Counts a stored file and the time it took (upload or render).
    pub fn stored(&self, format: &str, bytes: u64, took: Duration, source: &str) {
        let label = FormatLabel {
            format: format.to_owned(),
        };
        self.stored_bytes.get_or_create(&label).inc_by(bytes);
        let h = if source == "server" {
            &self.render_seconds
        } else {
            &self.upload_seconds
        };
        h.get_or_create(&label).observe(took.as_secs_f64());
    }

    /// Counts a deleted file.
    pub fn deleted(&self, bytes: u64) {
        self.deleted_bytes.inc_by(bytes);
    }

    /// Counts a failed storage operation.
    pub fn storage_error(&self, op: &str) {
        self.storage_errors
            .get_or_create(&OpLabel { op: op.to_owned() })
            .inc();
    }

    /// Counts a request refused by the rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Counts what a retention sweep removed.
    pub fn retention(&self, deleted: u64, stale: u64) {
        self.retention_deleted.inc_by(deleted);
        self.stale_processing.inc_by(stale);
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
