//! The background sweeper every instance runs: deletes exports past
//! `EXPORT_RETENTION_DAYS` (the row is first marked `failed` so no URL is
//! handed out for it, then the object is deleted, then the row; an object
//! that cannot be deleted leaves its row, claimed for 10 minutes, to be
//! retried after that by any instance), and settles
//! exports left `processing` past `PROCESSING_TIMEOUT` by an instance that
//! died mid-request, and forgets rate-limit buckets that have refilled.
//! Safe with every instance sweeping at once: claims are
//! disjoint on PostgreSQL (`FOR UPDATE SKIP LOCKED`), and every step is
//! idempotent (deleting a missing object or row is not an error).

use std::time::Duration;

use crate::AppState;
use crate::db::{ExportRow, ExportStatus, now_millis};

/// Rows handled per batch.
const BATCH: i64 = 100;

/// A claimed expired row is another sweeper's for this long (ms).
const CLAIM_LEASE: i64 = 10 * 60 * 1000;

/// What one sweep did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Exports deleted by retention.
    pub deleted: u64,
    /// Expired exports whose object could not be deleted (retried next time).
    pub retry: u64,
    /// Stale `processing` exports settled.
    pub settled: u64,
    /// Stray temporary files and objects without a row removed.
    pub strays: u64,
}

/// Sweeps every `SWEEP_INTERVAL` until the task is dropped.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(state.config.sweep_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match sweep_once(&state).await {
            Ok(r) if r != SweepReport::default() => {
                tracing::info!(
                    event = "sweep",
                    deleted = r.deleted,
                    retry = r.retry,
                    settled = r.settled,
                    strays = r.strays
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed; retrying at the next interval"),
        }
    }
}

/// One sweep: stale `processing` rows, then retention.
///
/// # Errors
///
/// When the database cannot be reached (storage errors only defer rows).
pub async fn sweep_once(state: &AppState) -> Result<SweepReport, String> {
    let mut report = SweepReport::default();
    let timeout = i64::try_from(state.config.processing_timeout.as_millis()).unwrap_or(i64::MAX);
    let stale = state
        .db
        .stale_processing(now_millis().saturating_sub(timeout), BATCH)
        .await
        .map_err(|e| format!("cannot read exports: {e}"))?;
    for row in stale {
        match settle(state, &row).await {
            Ok(Some(_)) => report.settled += 1,
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, export_id = %row.id, "cannot settle a stale export")
            }
        }
    }

    if let Some(days) = state.config.export_retention_days {
        let cutoff = now_millis().saturating_sub(i64::from(days) * 86_400_000);
        loop {
            let claimed = state
                .db
                .claim_expired(cutoff, CLAIM_LEASE, BATCH)
                .await
                .map_err(|e| format!("cannot claim expired exports: {e}"))?;
            let n = claimed.len();
            let mut deleted_this_batch = 0;
            for row in claimed {
                if let Err(e) = state.storage.delete(&row.storage_key).await {
                    tracing::warn!(error = %e, export_id = %row.id, "retention: object delete failed; retrying next sweep");
                    state.metrics.storage_error("delete");
                    report.retry += 1;
                    continue;
                }
                if state
                    .db
                    .delete_export(&row.id)
                    .await
                    .map_err(|e| format!("cannot delete an export row: {e}"))?
                {
                    state
                        .metrics
                        .deleted(u64::try_from(row.size_bytes).unwrap_or(0));
                    report.deleted += 1;
                    deleted_this_batch += 1;
                }
            }
            // A short batch was the last; a batch of only failures would
            // be claimed again at once, so stop and let the next sweep retry.
            if n < usize::try_from(BATCH).unwrap_or(usize::MAX) || deleted_this_batch == 0 {
                break;
            }
        }
    }
    // Rate-limit buckets that have refilled hold nothing worth keeping.
    state
        .db
        .forget_full_rate_buckets(crate::ratelimit::now_micros())
        .await
        .map_err(|e| format!("cannot delete full rate-limit buckets: {e}"))?;
    // Temporary files of writes that died with their process, and objects
    // whose row is gone, once they are older than any write in flight.
    if let Some(local) = state.storage.as_local() {
        let db = state.db.clone();
        match local
            .sweep(stray_age(state), |key| {
                let db = db.clone();
                // On a database error keep the file: better an orphan than a lost object.
                async move { db.key_exists(&key).await.unwrap_or(true) }
            })
            .await
        {
            Ok(n) => report.strays += n as u64,
            Err(e) => tracing::warn!(error = %e, "cannot sweep storage for stray files"),
        }
    }
    state.metrics.retention(report.deleted, report.settled);
    Ok(report)
}

/// How old a temporary file or object without a row must be before the
/// sweeper removes it: older than any request can be (a write in flight
/// is younger).
fn stray_age(state: &AppState) -> Duration {
    (state.config.request_timeout * 2).max(Duration::from_secs(60))
}

/// Settles one export left `processing` (its request died): `completed` if
/// its object is whole, else `failed` with the object removed. Returns the
/// new status, or `None` when another writer settled it first.
///
/// # Errors
///
/// When storage or the database cannot be asked.
pub async fn settle(state: &AppState, row: &ExportRow) -> Result<Option<ExportStatus>, String> {
    let size = state.storage.size(&row.storage_key).await.map_err(|e| {
        state.metrics.storage_error("size");
        format!("cannot check the object: {e}")
    })?;
    let whole = size == u64::try_from(row.size_bytes).ok();
    let to = if whole {
        ExportStatus::Completed
    } else {
        ExportStatus::Failed
    };
    if !state
        .db
        .transition(&row.id, ExportStatus::Processing, to)
        .await
        .map_err(|e| format!("cannot update exports: {e}"))?
    {
        return Ok(None);
    }
    if !whole && let Err(e) = state.storage.delete(&row.storage_key).await {
        tracing::warn!(error = %e, export_id = %row.id, "cannot remove a partial object");
        state.metrics.storage_error("delete");
    }
    tracing::warn!(export_id = %row.id, status = to.as_str(), "settled an export left processing");
    Ok(Some(to))
}

/// At start: settle rows left `processing` by a crash, then remove
/// temporary files and objects no row names. Nothing else runs yet, so
/// every temporary file is garbage, whatever its age.
///
/// # Errors
///
/// When the database or storage cannot be read.
pub async fn recover(state: &AppState) -> Result<(), String> {
    let rows = state
        .db
        .processing()
        .await
        .map_err(|e| format!("cannot read exports: {e}"))?;
    for row in rows {
        settle(state, &row).await?;
    }
    if let Some(local) = state.storage.as_local() {
        let db = state.db.clone();
        let removed = local
            .sweep(Duration::ZERO, |key| {
                let db = db.clone();
                async move { db.key_exists(&key).await.unwrap_or(true) }
            })
            .await
            .map_err(|e| format!("cannot sweep storage: {e}"))?;
        if removed > 0 {
            tracing::warn!(removed, "removed temporary and orphaned files");
        }
    }
    Ok(())
}
