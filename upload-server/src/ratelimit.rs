//! Per-user rate limit on export creation, shared by every instance: the
//! bucket lives in the database (`rate_limits`), so N instances behind a
//! load balancer still allow `RATE_LIMIT_PER_MINUTE` exports a minute per
//! user, not N times that. It holds up to that many tokens and refills
//! continuously (the generic cell rate algorithm: one timestamp per user,
//! updated by one atomic statement; see `Db::take_rate_token`).

use std::time::Duration;

use crate::db::Db;
use crate::error::ApiError;

/// One minute, in microseconds: the bucket's size in time.
const WINDOW_MICROS: i64 = 60_000_000;

/// The limiter's setting; its state is in the database.
#[derive(Clone, Copy, Debug)]
pub struct RateLimiter {
    per_minute: u32,
}

impl RateLimiter {
    /// `per_minute` exports per user; 0 allows everything.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter { per_minute }
    }

    /// Takes a token from `bucket` (a user id for exports; `artifacts:` or
    /// `events:` and a user id for the others: user ids have no `:`), or
    /// says how long until one is available.
    ///
    /// # Errors
    ///
    /// The database's error when it cannot be asked.
    pub async fn check(&self, db: &Db, bucket: &str) -> sqlx::Result<Result<(), Duration>> {
        let Some(interval) = self.interval() else {
            return Ok(Ok(()));
        };
        let now = now_micros();
        Ok(
            match db
                .take_rate_token(bucket, now, interval, WINDOW_MICROS)
                .await?
            {
                None => Ok(()),
                Some(tat) => Err(wait(tat, now, interval)),
            },
        )
    }

    /// [`RateLimiter::check`] as a request's answer: `Ok` with a token
    /// taken, else 429 with `Retry-After` (counted in the metrics).
    ///
    /// # Errors
    ///
    /// [`ApiError::TooManyRequests`], or the database's error.
    pub async fn enforce(&self, state: &crate::AppState, bucket: &str) -> Result<(), ApiError> {
        self.check(&state.db, bucket).await?.map_err(|wait| {
            state.metrics.rate_limited();
            ApiError::TooManyRequests(wait.as_secs())
        })
    }

    /// Microseconds one export costs; `None` when the limit is off.
    fn interval(&self) -> Option<i64> {
        (self.per_minute > 0).then(|| (WINDOW_MICROS / i64::from(self.per_minute)).max(1))
    }
}

/// How long until a bucket whose arrival time is `tat` grants a token:
/// until `tat + interval - window` is `now`, in whole seconds, at least 1.
fn wait(tat: i64, now: i64, interval: i64) -> Duration {
    let micros = tat.saturating_add(interval) - WINDOW_MICROS - now;
    let secs = u64::try_from(micros).unwrap_or(0).div_ceil(1_000_000);
    Duration::from_secs(secs.max(1))
}

/// Microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_until_the_next_token_in_whole_seconds() {
        let limiter = RateLimiter::new(3);
        let interval = limiter.interval().unwrap();
        assert_eq!(interval, 20_000_000);
        // Three taken at once: the arrival time is a minute ahead, and the
        // next token comes when it is only 40 s ahead.
        let now = 1_000_000_000;
        assert_eq!(
            wait(now + WINDOW_MICROS, now, interval),
            Duration::from_secs(20)
        );
        assert_eq!(
            wait(now + WINDOW_MICROS, now + 19_500_000, interval),
            Duration::from_secs(1)
        );
        // Never 0: a client told to wait 0 s would retry at once.
        assert_eq!(
            wait(now + WINDOW_MICROS, now + 20_000_000, interval),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn zero_is_off() {
        assert_eq!(RateLimiter::new(0).interval(), None);
    }
}
