//! Portal configurations a tenant runs and the limits they bring (DESIGN.md section 6). A tenant
//! running several configurations gets the largest limits among them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Configuration {
    SelfService,
    Customer,
    Partner,
}

/// What a tenant may install.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub custom_sections: usize,
    pub portal_objects: usize,
    pub objects_per_page: usize,
}

impl Configuration {
    pub const ALL: [Self; 3] = [Self::SelfService, Self::Customer, Self::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfService => "self-service",
            Self::Customer => "customer",
            Self::Partner => "partner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn limits(self) -> Limits {
        match self {
            Self::SelfService => Limits {
                custom_sections: 0,
                portal_objects: 300,
                objects_per_page: 25,
            },
            Self::Customer => Limits {
                custom_sections: 3,
                portal_objects: 1_500,
                objects_per_page: 125,
            },
            Self::Partner => Limits {
                custom_sections: 3,
                portal_objects: 3_000,
                objects_per_page: 125,
            },
        }
    }
}

/// Why a section may not be installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "This tenant runs the self-service configuration, which has no custom sections. \
         Ask for the customer or partner configuration."
    )]
    NoCustomSections,
    #[error(
        "This tenant has {installed} custom sections already, the most its configuration allows \
         ({allowed}). Uninstall one first."
    )]
    TooManySections { installed: usize, allowed: usize },
    #[error(
        "With this section the portal would have {total} objects; the configuration allows {allowed}."
    )]
    TooManyObjects { total: usize, allowed: usize },
}

impl Limits {
    /// Whether one more custom section fits beside `other_sections`, with `portal_objects` objects
    /// on the portal in all once it is installed.
    pub fn admit(&self, other_sections: usize, portal_objects: usize) -> Result<(), Refusal> {
        if self.custom_sections == 0 {
            return Err(Refusal::NoCustomSections);
        }
        if other_sections >= self.custom_sections {
            return Err(Refusal::TooManySections {
                installed: other_sections,
                allowed: self.custom_sections,
            });
        }
        if portal_objects > self.portal_objects {
            return Err(Refusal::TooManyObjects {
                total: portal_objects,
                allowed: self.portal_objects,
            });
        }
        Ok(())
    }

    /// Why a record page showing `on_page` objects must be read-only, if it must.
    pub fn page_refusal(&self, page: &str, on_page: usize) -> Option<String> {
        (on_page > self.objects_per_page).then(|| {
            format!(
                "the page of {page} shows {on_page} objects; the configuration allows {} on one page",
                self.objects_per_page
            )
        })
    }
}

impl Limits {
    /// Which of a tenant's custom sections are beyond its limits, given the objects the portal
    /// has without them and each section's object count, in the order they were installed.
    /// Sections are kept in that order while they fit; each one beyond gets the reason it is
    /// read-only (a tenant moved to a smaller configuration keeps its data, but cannot change it
    /// until it is within its limits again).
    pub fn sections_over(&self, base_objects: usize, sections: &[usize]) -> Vec<Option<String>> {
        let mut kept = 0;
        let mut objects = base_objects;
        sections
            .iter()
            .map(|&count| {
                if kept >= self.custom_sections {
                    return Some(format!(
                        "the tenant's configuration allows {} custom section{}, and this one is \
                         beyond them",
                        self.custom_sections,
                        if self.custom_sections == 1 { "" } else { "s" }
                    ));
                }
                if objects + count > self.portal_objects {
                    return Some(format!(
                        "with it the portal would have {} objects; the tenant's configuration \
                         allows {}",
                        objects + count,
                        self.portal_objects
                    ));
                }
                kept += 1;
                objects += count;
                None
            })
            .collect()
    }
}

/// The limits of a tenant running `configurations` (self-service when it names none).
pub fn limits_of(configurations: &[Configuration]) -> Limits {
    let mut limits = Configuration::SelfService.limits();
    for c in configurations.iter().map(|c| c.limits()) {
        limits = Limits {
            custom_sections: limits.custom_sections.max(c.custom_sections),
            portal_objects: limits.portal_objects.max(c.portal_objects),
            objects_per_page: limits.objects_per_page.max(c.objects_per_page),
        };
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_configurations_give_the_largest_limits() {
        assert_eq!(limits_of(&[]).custom_sections, 0);
        let both = limits_of(&[Configuration::Customer, Configuration::Partner]);
        assert_eq!(
            (
                both.custom_sections,
                both.portal_objects,
                both.objects_per_page
            ),
            (3, 3_000, 125)
        );
        assert_eq!(
            Configuration::parse("customer"),
            Some(Configuration::Customer)
        );
        assert_eq!(Configuration::parse("gold"), None);
    }

    #[test]
    fn sections_beyond_a_smaller_configuration_are_named_in_install_order() {
        let customer = Configuration::Customer.limits();
        let over = customer.sections_over(10, &[2, 3, 4, 5]);
        assert_eq!(over[..3], [None, None, None]);
        assert!(
            over[3]
                .as_deref()
                .unwrap()
                .contains("allows 3 custom sections")
        );
        let self_service = Configuration::SelfService.limits();
        assert!(
            self_service
                .sections_over(10, &[2])
                .iter()
                .all(Option::is_some)
        );
        // The second section would push the portal past its objects; the third still fits.
        let over = customer.sections_over(1_000, &[400, 200, 50]);
        assert_eq!(over[0], None);
        assert!(over[1].as_deref().unwrap().contains("1600 objects"));
        assert_eq!(over[2], None);
    }

    #[test]
    fn each_configuration_admits_what_it_allows() {
        let self_service = Configuration::SelfService.limits();
        assert_eq!(self_service.admit(0, 10), Err(Refusal::NoCustomSections));
        for configuration in [Configuration::Customer, Configuration::Partner] {
            let limits = configuration.limits();
            assert_eq!(limits.admit(2, 100), Ok(()));
            assert_eq!(
                limits.admit(3, 100),
                Err(Refusal::TooManySections {
                    installed: 3,
                    allowed: 3
                })
            );
            let allowed = limits.portal_objects;
            assert_eq!(limits.admit(0, allowed), Ok(()));
            assert_eq!(
                limits.admit(0, allowed + 1),
                Err(Refusal::TooManyObjects {
                    total: allowed + 1,
                    allowed
                })
            );
            assert_eq!(limits.page_refusal("order", 125), None);
            assert!(
                limits
                    .page_refusal("order", 126)
                    .unwrap()
                    .contains("allows 125")
            );
        }
        assert!(
            self_service
                .page_refusal("case", 26)
                .unwrap()
                .contains("allows 25")
        );
    }
}
