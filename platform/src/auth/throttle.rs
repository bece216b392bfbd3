//! Sign-in throttling. Every attempt is counted before its password is checked (a reservation,
//! taken under a row lock, so concurrent attempts cannot all pass one check), and given back
//! when the password was right. Three subjects are counted, whether or not the login exists, so
//! the answers never tell which logins are real:
//! - the login from one address: a few free failures, then doubling delays, then a lock;
//! - the client address: the same, more generous (many people may share an address);
//! - the login from anywhere: only ever slowed down, never locked, so that nobody can lock a user
//!   out by guessing from many addresses; the owner is told by e-mail and can come back in with
//!   a recovery link.

use std::time::Duration as StdDuration;

use chrono::Duration;
use sqlx::Row;

use crate::store::{TenantTx, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed before delays start.
    free_failures: i64,
    /// Failures that lock the subject, if it may be locked at all.
    lock_at: Option<i64>,
    lock_for: Duration,
    max_delay: Duration,
    /// A subject with no failure for this long starts again from zero.
    forget_after: Duration,
}

/// One login from one address: people mistype, attackers guess.
pub const PER_LOGIN_AND_ADDRESS: Policy = Policy {
    free_failures: 3,
    lock_at: Some(10),
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// One client address: more generous, since many people may share an address.
pub const PER_ADDRESS: Policy = Policy {
    free_failures: 20,
    lock_at: Some(100),
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// One login from anywhere: slowed down after many failures, never locked.
pub const PER_LOGIN: Policy = Policy {
    free_failures: 10,
    lock_at: None,
    lock_for: Duration::zero(),
    max_delay: Duration::seconds(30),
    forget_after: Duration::hours(1),
};

/// Requests for a password recovery link for one login: a few, then slower and slower, so that
/// nobody can flood a person's mailbox; never locked, so the owner can always ask.
pub const RECOVERY_PER_LOGIN: Policy = Policy {
    free_failures: 3,
    lock_at: None,
    lock_for: Duration::zero(),
    max_delay: Duration::minutes(10),
    forget_after: Duration::hours(1),
};

/// Requests for recovery links from one client address, whatever the login.
pub const RECOVERY_PER_ADDRESS: Policy = Policy {
    free_failures: 10,
    lock_at: Some(50),
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// Registrations from one client address.
pub const REGISTRATION_PER_ADDRESS: Policy = Policy {
    free_failures: 5,
    lock_at: Some(30),
    lock_for: Duration::minutes(15),
    max_delay: Duration::minutes(1),
    forget_after: Duration::hours(1),
};

/// Registrations on one tenant from anywhere: a burst of a hundred, then one at a time, so that
/// bots spread over many addresses cannot fill a tenant with registrations (or mailboxes).
pub const REGISTRATION_PER_TENANT: Policy = Policy {
    free_failures: 100,
    lock_at: None,
    lock_for: Duration::zero(),
    max_delay: Duration::seconds(10),
    forget_after: Duration::hours(1),
};

/// Single sign-ons started from one client address and not finished: each keeps a little state
/// until it expires, so a client may not start them without end.
pub const SSO_STARTS_PER_ADDRESS: Policy = Policy {
    free_failures: 30,
    lock_at: Some(200),
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

    /// Whether the attempt that makes this the `failures`-th in a row is the first one slowed
    /// down: the moment to tell the owner.
    pub fn first_slowed(&self, failures: i64) -> bool {
        failures == self.free_failures + 1
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
        if self.forgotten(h, now) {
            return Ok(());
        }
        let next_allowed = h.last_failure_at + self.delay_after(h.failures);
        if next_allowed > now {
            return Err(Refusal::Wait(remaining(next_allowed)));
        }
        Ok(())
    }

    fn forgotten(&self, history: &History, now: Timestamp) -> bool {
        now - self.forget_after > history.last_failure_at
    }

    /// The history after one more attempt at `now` that is counted as failed until it succeeds.
    fn after_attempt(&self, history: Option<&History>, now: Timestamp) -> History {
        let failures = match history {
            Some(h) if !self.forgotten(h, now) => h.failures + 1,
            _ => 1,
        };
        let locked_until = self
            .lock_at
            .filter(|lock_at| failures >= *lock_at)
            .map(|_| now + self.lock_for);
        History {
            failures,
            last_failure_at: now,
            locked_until,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    failures: i64,
    last_failure_at: Timestamp,
    locked_until: Option<Timestamp>,
}

/// Takes one attempt for `subject` if the policy allows it now: the attempt counts as a failure
/// until [`clear`] or [`give_back`] says otherwise. Answers the failures counted with it. The
/// subject's row stays locked until the caller's transaction ends, so concurrent attempts are
/// decided one after the other.
pub async fn reserve(
    tx: &mut TenantTx,
    policy: &Policy,
    subject: &str,
    now: Timestamp,
) -> Result<Result<i64, Refusal>, sqlx::Error> {
    let tenant = tx.tenant_param();
    // A row to lock, also for a subject seen for the first time.
    sqlx::query(
        "INSERT INTO login_failures (tenant_id, subject, failures, last_failure_at)
         VALUES ($1, $2, 0, $3) ON CONFLICT (tenant_id, subject) DO NOTHING",
    )
    .bind(tenant)
    .bind(subject)
    .bind(now)
    .execute(tx.conn())
    .await?;
    let sql = format!(
        "SELECT failures, last_failure_at, locked_until FROM login_failures
         WHERE tenant_id = $1 AND subject = $2{}",
        tx.dialect().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant)
        .bind(subject)
        .fetch_one(tx.conn())
        .await?;
    let history = History {
        failures: row.try_get("failures")?,
        last_failure_at: row.try_get("last_failure_at")?,
        locked_until: row.try_get("locked_until")?,
    };
    if let Err(refusal) = policy.check(Some(&history), now) {
        return Ok(Err(refusal));
    }
    let next = policy.after_attempt(Some(&history), now);
    sqlx::query(
        "UPDATE login_failures SET failures = $3, last_failure_at = $4, locked_until = $5
         WHERE tenant_id = $1 AND subject = $2",
    )
    .bind(tenant)
    .bind(subject)
    .bind(next.failures)
    .bind(next.last_failure_at)
    .bind(next.locked_until)
    .execute(tx.conn())
    .await?;
    Ok(Ok(next.failures))
}

/// Gives back the attempt a successful sign-in reserved, keeping the subject's other failures
/// (an address that guessed many logins is not forgiven by one account of its own).
pub async fn give_back(tx: &mut TenantTx, subject: &str) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "UPDATE login_failures SET failures = failures - 1
         WHERE tenant_id = $1 AND subject = $2 AND failures > 0",
    )
    .bind(tenant)
    .bind(subject)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Forgets the failures of `subject` (after a successful sign-in, or a recovery).
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
        let p = PER_LOGIN_AND_ADDRESS;
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
            PER_LOGIN_AND_ADDRESS.check(Some(&locked), at(899)),
            Err(Refusal::Locked(StdDuration::from_secs(1)))
        );
        assert_eq!(PER_LOGIN_AND_ADDRESS.check(Some(&locked), at(900)), Ok(()));
        assert_eq!(
            PER_LOGIN_AND_ADDRESS.check(Some(&after(9, 0)), at(3601)),
            Ok(())
        );
    }

    #[test]
    fn the_login_alone_is_slowed_down_but_never_locked() {
        let mut history = None;
        for n in 1..=200 {
            let next = PER_LOGIN.after_attempt(history.as_ref(), at(n * 60));
            assert_eq!(next.locked_until, None);
            history = Some(next);
        }
        let history = history.unwrap();
        // After the last failure it waits at most half a minute, then may try again.
        assert_eq!(
            PER_LOGIN.check(Some(&history), at(200 * 60 + 1)),
            Err(Refusal::Wait(StdDuration::from_secs(29)))
        );
        assert_eq!(PER_LOGIN.check(Some(&history), at(200 * 60 + 30)), Ok(()));
        assert!(PER_LOGIN.first_slowed(11) && !PER_LOGIN.first_slowed(12));
    }

    #[test]
    fn an_attempt_counts_from_one_after_the_history_is_forgotten() {
        let old = after(9, 0);
        assert_eq!(
            PER_LOGIN_AND_ADDRESS
                .after_attempt(Some(&old), at(60))
                .failures,
            10
        );
        assert!(
            PER_LOGIN_AND_ADDRESS
                .after_attempt(Some(&old), at(60))
                .locked_until
                .is_some()
        );
        assert_eq!(
            PER_LOGIN_AND_ADDRESS
                .after_attempt(Some(&old), at(3601))
                .failures,
            1
        );
    }
}
