use serde::Serialize;

/// An e-mail address used as a login: trimmed, lowercased, `local@domain.tld`. Created only by
/// [`Email::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let address = input.trim().to_lowercase();
        let options = email_address::Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
        };
        if address.len() > 254
            || address.contains(['<', '>', ' '])
            || email_address::EmailAddress::parse_with_options(&address, options).is_err()
        {
            return Err(crate::tr!(
                "auth-email-invalid",
                address = format!("{:?}", input.trim())
            ));
        }
        Ok(Self(address))
    }

    /// A login read back from storage, where only parsed logins are written.
    pub(crate) fn from_db(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_validates() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@localhost",
            "Ann <ann@example.com>",
            "a b@c.de",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
