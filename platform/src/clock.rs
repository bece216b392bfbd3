//! The time source. Services ask the clock held in the app state, never the system directly, so
//! tests can move time forward (throttling delays, token expiry, deadlines).

use std::sync::{Arc, Mutex};

use chrono::{Duration, SubsecRound, Utc};

use crate::store::Timestamp;

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// Microsecond precision: what the database stores, so a time read back equals the one written.
    fn now(&self) -> Timestamp {
        Timestamp(Utc::now().trunc_subsecs(6))
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Timestamp>>);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(Arc::new(Mutex::new(SystemClock.now())))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock poisoned");
        *now = *now + by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock lock poisoned")
    }
}
