//! Password hashing (argon2id with the crate's recommended parameters) and the password policy.
//! Hashing is deliberately slow, so it runs on the blocking pool, never on a request's task.

use std::sync::OnceLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::{Error, Result};

const MIN_LEN: usize = 10;
const MAX_LEN: usize = 1024;

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
                format!("must be at least {MIN_LEN} characters long"),
            ));
        }
        if length > MAX_LEN {
            return Err(Error::invalid_field(
                "password",
                format!("must be at most {MAX_LEN} characters long"),
            ));
        }
        if password.trim().eq_ignore_ascii_case(login.trim()) {
            return Err(Error::invalid_field(
                "password",
                "must not be the same as the login",
            ));
        }
        Ok(Self(password.to_owned()))
    }

    pub async fn hash(self) -> Result<String> {
        tokio::task::spawn_blocking(move || hash_now(&self.0))
            .await
            .map_err(|e| Error::Internal(e.into()))?
    }
}

fn hash_now(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Checks `password` against a stored hash. With no hash (unknown login, or an account that has
/// not set a password) it still spends the same time, so timing does not tell which logins exist.
pub async fn verify(password: &str, stored: Option<String>) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
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
    .unwrap_or(false)
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
        let hash = NewPassword::parse("correct horse", "x@y.test")
            .unwrap()
            .hash()
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse", Some(hash.clone())).await);
        assert!(!verify("wrong horse!!", Some(hash)).await);
        assert!(!verify("decoy password that matches nothing", None).await);
    }
}
