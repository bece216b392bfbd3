//! Password hashing (argon2id with the crate's recommended parameters) and the password policy.
//! Hashing is deliberately slow and takes 19 MiB a time, so it runs on a few threads of its own
//! (one per core), never on a request's task or the shared blocking pool: at most that many hashes
//! run at once, a short queue waits for them, and beyond the queue a request is told at once to
//! come back later. Memory for hashing is therefore bounded by the cores, whatever the load.

use std::{
    sync::{
        Arc, Mutex, OnceLock,
        mpsc::{self, Receiver, SyncSender, TrySendError},
    },
    time::Duration,
};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use tokio::sync::oneshot;

use crate::error::{Error, Result};

const MIN_LEN: usize = 10;
const MAX_LEN: usize = 1024;

/// Hashes that may wait for a free hashing thread, per thread.
const QUEUE_PER_THREAD: usize = 4;

/// A password that satisfies the policy for the account it is meant for.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// At least ten characters, not the login itself.
    pub fn parse(password: &str, login: &str) -> Result<Self> {
        let length = password.chars().count();
        if length < MIN_LEN {
            return Err(Error::invalid_field(
                "password",
                crate::tr!("auth-password-too-short", min = MIN_LEN),
            ));
        }
        if length > MAX_LEN {
            return Err(Error::invalid_field(
                "password",
                crate::tr!("auth-password-too-long", max = MAX_LEN),
            ));
        }
        if password.trim().eq_ignore_ascii_case(login.trim()) {
            return Err(Error::invalid_field(
                "password",
                crate::tr!("auth-password-same-as-login"),
            ));
        }
        Ok(Self(password.to_owned()))
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash and check passwords, with their bounded queue. Dropping it lets the
/// threads finish their work and end.
#[derive(Debug)]
pub struct Hasher {
    jobs: SyncSender<Job>,
}

impl Hasher {
    /// Starts one hashing thread per core the process may use.
    pub fn start() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(2, usize::from);
        Self::with_threads(threads)
    }

    pub fn with_threads(threads: usize) -> std::io::Result<Self> {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&queue))?;
        }
        Ok(Self { jobs })
    }

    /// Runs `job` on a hashing thread, or refuses at once when every thread and queue place is
    /// taken.
    async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(job());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                metrics::counter!("password_hashes_refused_total").increment(1);
                return Err(Error::Unavailable {
                    message: crate::tr!("auth-too-many-sign-ins"),
                    retry_after: Duration::from_secs(1),
                });
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "the password hashing threads have stopped"
                )));
            }
        }
        answer
            .await
            .map_err(|_| Error::Internal(anyhow::anyhow!("a password hashing job was lost")))
    }

    /// The stored form of a new password.
    pub async fn hash(&self, password: NewPassword) -> Result<String> {
        self.run(move || hash_now(&password.0)).await?
    }

    /// Checks `password` against a stored hash. With no hash (unknown login, or an account that
    /// has not set a password) it still spends the same time, so timing does not tell which logins
    /// exist.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool> {
        let password = password.to_owned();
        self.run(move || {
            let known = stored.is_some();
            let hash = stored.unwrap_or_else(|| decoy_hash().to_owned());
            let matches = PasswordHash::new(&hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false);
            known && matches
        })
        .await
    }
}

/// A hashing thread: takes the next job until the hasher is dropped.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let next = queue.lock().map(|queue| queue.recv());
        match next {
            Ok(Ok(job)) => {
                job();
                // Each hash took 19 MiB for a moment: give them back, so a flood of sign-ins
                // leaves no lasting mark on the process's size.
                crate::allocator::give_back();
            }
            _ => return,
        }
    }
}

fn hash_now(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password that matches nothing").expect("argon2 works"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_requires_ten_characters_other_than_the_login() {
        assert!(NewPassword::parse("short", "a@b.test").is_err());
        assert!(NewPassword::parse("a@b.test.x", "a@b.test.x").is_err());
        assert!(NewPassword::parse("A@B.TEST.X", "a@b.test.x").is_err());
        assert!(NewPassword::parse(&"x".repeat(1025), "a@b.test").is_err());
        assert!(NewPassword::parse("long enough", "a@b.test").is_ok());
        // Characters, not bytes: ten accented letters are ten characters.
        assert!(NewPassword::parse("ééééééééé", "a@b.test").is_err());
        assert!(NewPassword::parse("éééééééééé", "a@b.test").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let hasher = Hasher::with_threads(1).unwrap();
        let new = NewPassword::parse("correct horse", "x@y.test").unwrap();
        let hash = hasher.hash(new).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            hasher
                .verify("correct horse", Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("wrong horse!!", Some(hash)).await.unwrap());
        assert!(
            !hasher
                .verify("decoy password that matches nothing", None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn beyond_the_threads_and_their_queue_a_hash_is_refused_at_once() {
        let hasher = Arc::new(Hasher::with_threads(1).unwrap());
        // One hash running and four queued fill a one-thread hasher; the sixth is refused.
        let (release, hold) = mpsc::channel::<()>();
        let hold = Arc::new(Mutex::new(hold));
        let mut waiting = Vec::new();
        for n in 0..5 {
            let (hasher, hold) = (hasher.clone(), hold.clone());
            waiting.push(tokio::spawn(async move {
                hasher
                    .run(move || {
                        let _ = hold.lock().unwrap().recv();
                    })
                    .await
            }));
            if n == 0 {
                // The first job leaves the queue for the thread before the others fill it.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = hasher.verify("anything at all", None).await;
        assert!(
            matches!(refused, Err(Error::Unavailable { .. })),
            "{refused:?}"
        );
        for _ in 0..5 {
            release.send(()).unwrap();
        }
        for job in waiting {
            assert!(job.await.unwrap().is_ok());
        }
    }
}
