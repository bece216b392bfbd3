//! Stripe's webhook signatures, as Stripe documents them: the `Stripe-Signature` header holds a
//! timestamp `t` and one or more `v1` signatures, each the HMAC-SHA256 of `"{t}.{body}"` under
//! the endpoint's signing secret. An event is taken only if one signature matches and `t` is
//! within the tolerance of now (an old delivery replayed is refused).

use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq;

/// How far a signature's timestamp may be from now (Stripe's libraries use the same).
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, or one without a timestamp or a `v1` signature.
    Malformed,
    /// No signature matches the body.
    Mismatch,
    /// Signed too long ago (or in the future).
    OutsideTolerance,
}

fn sign(secret: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks `header` (the `Stripe-Signature` value) against `body` at `now`.
pub fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Malformed)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = Some(t),
            Some(("v1", signature)) => signatures.extend(hex_decode(signature)),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    let seconds: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let expected = sign(secret, timestamp, body);
    if !signatures
        .iter()
        .any(|s| bool::from(s.as_slice().ct_eq(&expected)))
    {
        return Err(SignatureError::Mismatch);
    }
    if (now.timestamp() - seconds).abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    Ok(())
}

/// A `Stripe-Signature` value for `body` signed at `at` (for tests and the demo's tooling).
pub fn signature_header(secret: &str, body: &[u8], at: DateTime<Utc>) -> String {
    let timestamp = at.timestamp().to_string();
    let signature: String = sign(secret, &timestamp, body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn a_signature_made_with_the_secret_passes_and_any_change_fails() {
        let body = br#"{"id":"evt_1"}"#;
        let header = signature_header(SECRET, body, now());
        assert_eq!(verify(SECRET, Some(&header), body, now()), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&header), br#"{"id":"evt_2"}"#, now()),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", Some(&header), body, now()),
            Err(SignatureError::Mismatch)
        );
        // Stripe may send several v1 signatures while a secret is rolled.
        let rolled = format!("{header},v1=00ff");
        assert_eq!(verify(SECRET, Some(&rolled), body, now()), Ok(()));
    }

    #[test]
    fn old_or_malformed_signatures_are_refused() {
        let body = b"{}";
        let old = signature_header(SECRET, body, now() - chrono::Duration::seconds(301));
        assert_eq!(
            verify(SECRET, Some(&old), body, now()),
            Err(SignatureError::OutsideTolerance)
        );
        let recent = signature_header(SECRET, body, now() - chrono::Duration::seconds(299));
        assert_eq!(verify(SECRET, Some(&recent), body, now()), Ok(()));
        for bad in ["", "t=1", "v1=abcd", "t=x,v1=abcd", "t=1800000000,v1=zz"] {
            assert_eq!(
                verify(SECRET, Some(bad), body, now()),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
        assert_eq!(
            verify(SECRET, None, body, now()),
            Err(SignatureError::Malformed)
        );
    }
}
