use serde::Serialize;

/// Names a tenant may not take: they are, or may one day be, the platform's own hosts.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "cdn",
    "console",
    "dashboard",
    "demo-admin",
    "docs",
    "ftp",
    "help",
    "imap",
    "login",
    "mail",
    "metrics",
    "ns1",
    "ns2",
    "pop",
    "portal",
    "portico",
    "root",
    "smtp",
    "sso",
    "static",
    "status",
    "support",
    "system",
    "test",
    "www",
];

const MAX_LEN: usize = 63; // one DNS label

/// A tenant's subdomain label: lowercase letters, digits and inner hyphens, 2 to 63 characters,
/// not a reserved name. Created only by [`Slug::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a tenant slug must be 2 to 63 characters long")]
    Length,
    #[error("a tenant slug may contain only lowercase letters, digits and hyphens")]
    Characters,
    #[error("a tenant slug must start and end with a letter or digit")]
    Hyphen,
    #[error("\"{0}\" is reserved and cannot be used as a tenant slug")]
    Reserved(String),
}

impl Slug {
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        if input.len() < 2 || input.len() > MAX_LEN {
            return Err(SlugError::Length);
        }
        if !input
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(SlugError::Characters);
        }
        if input.starts_with('-') || input.ends_with('-') {
            return Err(SlugError::Hyphen);
        }
        if RESERVED.contains(&input) {
            return Err(SlugError::Reserved(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    /// A slug read back from the registry: it was checked when stored, and a later addition to
    /// the reserved list must not make an existing tenant unreadable.
    pub(crate) fn from_registry(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dns_labels() {
        for ok in ["demo", "acme-corp", "a1", "42", &"x".repeat(63)] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_bad_slugs_with_the_reason() {
        assert_eq!(Slug::parse("a"), Err(SlugError::Length));
        assert_eq!(Slug::parse(&"x".repeat(64)), Err(SlugError::Length));
        assert_eq!(Slug::parse("Acme"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme.corp"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("acme_corp"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("café"), Err(SlugError::Characters));
        assert_eq!(Slug::parse("-acme"), Err(SlugError::Hyphen));
        assert_eq!(Slug::parse("acme-"), Err(SlugError::Hyphen));
        for reserved in ["www", "admin", "api"] {
            assert_eq!(
                Slug::parse(reserved),
                Err(SlugError::Reserved(reserved.into()))
            );
        }
    }
}
