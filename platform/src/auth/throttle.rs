//! Sign-in throttling. Failed attempts are counted per subject, both the typed login and the
//! client's address: after a few free failures each further attempt must wait twice as long as
//! the one before, and at a threshold the subject is locked for a while. Subjects are counted
//! whether or not the login exists, so the answers never tell which logins are real.

use std::time::Duration as StdDuration;

use chrono::Duration;
use sqlx::Row;

use crate::store::{TenantTx, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed before delays start.
    free_failures: i64,
    /// Failures that lock the subject.
    lock_at: i64,
    lock_for: Duration,
    max_delay: Duration,
    /// A subject with no failure for this long starts again from zero.
    forget_after: Duration,
}

/// One account (by typed login): people mistype, attackers guess.
pub const PER_LOGIN: Policy = Policy {
    free_failures: 3,
    lock_at: 10,
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// One client address: more generous, since many people may share an address.
pub const PER_ADDRESS: Policy = Policy {
    free_failures: 20,
    lock_at: 100,
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// Why a subject may not try now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Wait(StdDuration),
    Locked(StdDuration),
}

impl Refusal {
    pub fn retry_after(self) -> StdDuration {
        match self {
            Self::Wait(d) | Self::Locked(d) => d,
        }
    }
}

impl Policy {
    fn delay_after(&self, failures: i64) -> Duration {
        let over = failures - self.free_failures;
        if over <= 0 {
            return Duration::zero();
        }
        let seconds = 1i64 << (over - 1).min(20);
        Duration::seconds(seconds).min(self.max_delay)
    }

    /// Whether a subject with this history may attempt a sign-in at `now`.
    pub fn check(&self, history: Option<&History>, now: Timestamp) -> Result<(), Refusal> {
        let Some(h) = history else { return Ok(()) };
        // Whole seconds, rounded up: "try again in 0 seconds" would be a lie.
        let remaining = |until: Timestamp| {
            let micros = (until.0 - now.0)
                .num_microseconds()
                .unwrap_or(i64::MAX)
                .max(1)
                .unsigned_abs();
            StdDuration::from_secs(micros.div_ceil(1_000_000))
        };
        if let Some(until) = h.locked_until.filter(|until| *until > now) {
            return Err(Refusal::Locked(remaining(until)));
        }
        if now - self.forget_after > h.last_failure_at {
            return Ok(());
        }
        let next_allowed = h.last_failure_at + self.delay_after(h.failures);
        if next_allowed > now {
            return Err(Refusal::Wait(remaining(next_allowed)));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    failures: i64,
    last_failure_at: Timestamp,
    locked_until: Option<Timestamp>,
}

pub async fn history(tx: &mut TenantTx, subject: &str) -> Result<Option<History>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let row = sqlx::query(
        "SELECT failures, last_failure_at, locked_until FROM login_failures
         WHERE tenant_id = $1 AND subject = $2",
    )
    .bind(tenant)
    .bind(subject)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| {
        Ok(History {
            failures: row.try_get("failures")?,
            last_failure_at: row.try_get("last_failure_at")?,
            locked_until: row.try_get("locked_until")?,
        })
    })
    .transpose()
}

/// Counts one more failure for `subject`, locking it when the policy says so.
pub async fn record_failure(
    tx: &mut TenantTx,
    policy: &Policy,
    subject: &str,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_failures (tenant_id, subject, failures, last_failure_at)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (tenant_id, subject) DO UPDATE SET
             failures = CASE WHEN login_failures.last_failure_at < $4 THEN 1
                             ELSE login_failures.failures + 1 END,
             last_failure_at = $3
         RETURNING failures",
    )
    .bind(tenant)
    .bind(subject)
    .bind(now)
    .bind(now - policy.forget_after)
    .fetch_one(tx.conn())
    .await?;
    if failures >= policy.lock_at {
        sqlx::query(
            "UPDATE login_failures SET locked_until = $3 WHERE tenant_id = $1 AND subject = $2",
        )
        .bind(tenant)
        .bind(subject)
        .bind(now + policy.lock_for)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Forgets the failures of `subject` after a successful sign-in.
pub async fn clear(tx: &mut TenantTx, subject: &str) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("DELETE FROM login_failures WHERE tenant_id = $1 AND subject = $2")
        .bind(tenant)
        .bind(subject)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp(chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap())
    }

    fn after(failures: i64, last: i64) -> History {
        History {
            failures,
            last_failure_at: at(last),
            locked_until: None,
        }
    }

    #[test]
    fn delays_double_after_the_free_failures() {
        let p = PER_LOGIN;
        assert_eq!(p.check(Some(&after(3, 0)), at(0)), Ok(()));
        assert_eq!(
            p.check(Some(&after(4, 0)), at(0)),
            Err(Refusal::Wait(StdDuration::from_secs(1)))
        );
        assert_eq!(p.check(Some(&after(4, 0)), at(1)), Ok(()));
        assert_eq!(
            p.check(Some(&after(6, 0)), at(2)),
            Err(Refusal::Wait(StdDuration::from_secs(2)))
        );
        // Nine failures: 2^5 = 32 seconds after the last one.
        assert_eq!(
            p.check(Some(&after(9, 0)), at(30)),
            Err(Refusal::Wait(StdDuration::from_secs(2)))
        );
        assert_eq!(p.check(Some(&after(9, 0)), at(32)), Ok(()));
        // The delay never exceeds a minute.
        assert_eq!(
            p.check(Some(&after(30, 0)), at(0)),
            Err(Refusal::Wait(StdDuration::from_secs(60)))
        );
    }

    #[test]
    fn a_lock_holds_until_it_ends_and_old_failures_are_forgotten() {
        let locked = History {
            locked_until: Some(at(900)),
            ..after(10, 0)
        };
        assert_eq!(
            PER_LOGIN.check(Some(&locked), at(899)),
            Err(Refusal::Locked(StdDuration::from_secs(1)))
        );
        assert_eq!(PER_LOGIN.check(Some(&locked), at(900)), Ok(()));
        assert_eq!(PER_LOGIN.check(Some(&after(9, 0)), at(3601)), Ok(()));
    }
}
