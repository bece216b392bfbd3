//! Capabilities: the host imports a section may use. A section gets one only when its manifest
//! requests it and the tenant admin granted it at install; the host checks both on every call.

use std::fmt;

/// One host capability, named as in the manifest's `capabilities` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    Records,
    Email,
    Settings,
    Log,
}

impl Capability {
    pub const ALL: [Capability; 4] = [Self::Records, Self::Email, Self::Settings, Self::Log];

    pub fn name(self) -> &'static str {
        match self {
            Self::Records => "records",
            Self::Email => "email",
            Self::Settings => "settings",
            Self::Log => "log",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The WIT interface whose functions this capability gates.
    pub(crate) fn interface(self) -> &'static str {
        match self {
            Self::Records => "portico:section/records@1.0.0",
            Self::Email => "portico:section/email@1.0.0",
            Self::Settings => "portico:section/settings@1.0.0",
            Self::Log => "portico:section/log@1.0.0",
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of capabilities (what a manifest requests, what an admin granted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities(u8);

impl Capabilities {
    pub const NONE: Capabilities = Capabilities(0);

    pub fn all() -> Self {
        Self::from_iter(Capability::ALL)
    }

    pub fn contains(self, capability: Capability) -> bool {
        self.0 & capability.bit() != 0
    }

    #[must_use]
    pub fn with(self, capability: Capability) -> Self {
        Self(self.0 | capability.bit())
    }

    #[must_use]
    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Capability> for Capabilities {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_intersect() {
        for capability in Capability::ALL {
            assert_eq!(Capability::parse(capability.name()), Some(capability));
        }
        assert_eq!(Capability::parse("network"), None);
        let requested = Capabilities::from_iter([Capability::Records, Capability::Email]);
        let granted = Capabilities::from_iter([Capability::Email, Capability::Log]);
        let effective = requested.intersection(granted);
        assert_eq!(effective.iter().collect::<Vec<_>>(), [Capability::Email]);
        assert!(!effective.contains(Capability::Records));
    }
}
