//! Random secrets handed to clients (session ids, API tokens, one-time links) and the digests we
//! keep instead of them. The secrets carry 256 bits of entropy, so a plain SHA-256 digest is enough:
//! a stolen table cannot be turned back into working credentials.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// A fresh URL-safe secret, optionally with a recognisable prefix (`pt_` for API tokens).
pub fn generate(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The digest stored in the database in place of `secret`.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in constant time.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Seals a secret kept in the database (an identity provider's client secret) with the server's
/// key: ChaCha20-Poly1305 under a fresh random nonce, stored as base64 of nonce and ciphertext.
pub fn seal(key: &crate::config::SecretsKey, plain: &str) -> String {
    use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
    let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key.0).expect("32-byte key"));
    let nonce: [u8; 12] = rand::random();
    let mut sealed = plain.as_bytes().to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::empty(),
        &mut sealed,
    )
    .expect("a secret shorter than ChaCha20's limit");
    URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())
}

/// Opens what `seal` made; `None` if it was sealed with another key or altered.
pub fn open(key: &crate::config::SecretsKey, sealed: &str) -> Option<String> {
    use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
    let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &key.0).ok()?);
    let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    let (nonce, sealed) = bytes.split_at_checked(12)?;
    let mut sealed = sealed.to_vec();
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let plain = key.open_in_place(nonce, Aad::empty(), &mut sealed).ok()?;
    String::from_utf8(plain.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_unaltered() {
        let key = crate::config::SecretsKey([7; 32]);
        let sealed = seal(&key, "client-secret");
        assert!(!sealed.contains("client-secret"));
        assert_ne!(
            sealed,
            seal(&key, "client-secret"),
            "a fresh nonce each time"
        );
        assert_eq!(open(&key, &sealed).as_deref(), Some("client-secret"));
        assert_eq!(open(&crate::config::SecretsKey([8; 32]), &sealed), None);
        let mut altered = sealed.into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(open(&key, &String::from_utf8(altered).unwrap()), None);
        assert_eq!(open(&key, "short"), None);
    }

    #[test]
    fn secrets_are_unique_and_digests_stable() {
        let (a, b) = (generate("pt_"), generate("pt_"));
        assert_ne!(a, b);
        assert!(a.starts_with("pt_") && a.len() == 3 + 43);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(digest("abc").len(), 64);
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same("a", "ab"));
    }
}
