//! Per-user rate limit on export creation: a token bucket per user holding
//! up to `RATE_LIMIT_PER_MINUTE` tokens, refilled continuously. In memory,
//! per instance (behind a load balancer the effective limit is N times the
//! setting; docs/deploy.md says so).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets idle this long are forgotten (they would be full anyway).
const IDLE: Duration = Duration::from_secs(600);

/// The limiter.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_minute` exports per user; 0 allows everything.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `user`, or says how long until one is available.
    ///
    /// # Errors
    ///
    /// The wait, rounded up to whole seconds, when the bucket is empty.
    pub fn check(&self, user: &str) -> Result<(), Duration> {
        self.check_at(user, Instant::now())
    }

    fn check_at(&self, user: &str, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > 10_000 {
            buckets.retain(|_, (_, last)| now.duration_since(*last) < IDLE);
        }
        let (tokens, last) = buckets.entry(user.to_owned()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * per_second).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / per_second;
            Err(Duration::from_secs(wait.ceil().max(1.0) as u64))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_refills_per_user() {
        let limiter = RateLimiter::new(3);
        let t = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("alice", t).is_ok());
        }
        // 3 a minute: the next token comes in 20 s.
        assert_eq!(limiter.check_at("alice", t), Err(Duration::from_secs(20)));
        assert!(limiter.check_at("bob", t).is_ok(), "users are separate");
        assert!(
            limiter
                .check_at("alice", t + Duration::from_secs(20))
                .is_ok()
        );
        assert!(
            limiter
                .check_at("alice", t + Duration::from_secs(21))
                .is_err()
        );
    }

    #[test]
    fn zero_is_off() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1000 {
            assert!(limiter.check("alice").is_ok());
        }
    }
}
