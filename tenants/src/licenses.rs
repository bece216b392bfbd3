//! Portal licenses (DESIGN.md section 6): every active external user holds one license of a
//! configuration the tenant runs. These are the rules; the platform counts and enforces them.

use serde::{Deserialize, Serialize};

use crate::Configuration;

/// Free self-service licenses per active employee user.
pub const FREE_PER_EMPLOYEE: u64 = 100;
/// Free self-service licenses never exceed this many, whatever the number of employees.
pub const FREE_CAP: u64 = 10_000;
/// Self-service licenses beyond the free quota are bought in packs of this many.
pub const SELF_SERVICE_PACK: u64 = 1_000;
/// A portal user's API calls a day on licensed objects unless the tenant sets another number.
pub const DEFAULT_API_CALLS_A_DAY: u64 = 1_000;

/// The free self-service licenses of a tenant with `active_employees`:
/// min(10,000, 100 × active employee users).
pub fn free_self_service(active_employees: u64) -> u64 {
    active_employees
        .saturating_mul(FREE_PER_EMPLOYEE)
        .min(FREE_CAP)
}

/// The list price of one license for a year, in US dollars (self-service: free).
pub fn list_price_usd(configuration: Configuration) -> u64 {
    match configuration {
        Configuration::SelfService => 0,
        Configuration::Customer => 70,
        Configuration::Partner => 150,
    }
}

/// What a tenant has bought: customer and partner licenses (`None`: not metered, the operator
/// set no number while billing is off) and packs of self-service licenses beyond the free ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Purchased {
    pub customer: Option<u64>,
    pub partner: Option<u64>,
    pub self_service_packs: u64,
}

impl Purchased {
    /// The same, with licenses not bought counted as none instead of unmetered (billing on).
    pub fn metered(self) -> Self {
        Self {
            customer: Some(self.customer.unwrap_or(0)),
            partner: Some(self.partner.unwrap_or(0)),
            ..self
        }
    }

    /// The licenses of `configuration` a tenant with `active_employees` may hand out (`None`:
    /// as many as it likes).
    pub fn available(&self, configuration: Configuration, active_employees: u64) -> Option<u64> {
        match configuration {
            Configuration::SelfService => Some(
                free_self_service(active_employees)
                    .saturating_add(self.self_service_packs.saturating_mul(SELF_SERVICE_PACK)),
            ),
            Configuration::Customer => self.customer,
            Configuration::Partner => self.partner,
        }
    }
}

/// Why a user cannot be given a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseRefusal {
    /// The tenant does not run that configuration.
    NotRun(Configuration),
    /// Every license of the configuration is held: `used` of `available`.
    Exhausted {
        configuration: Configuration,
        used: u64,
        available: u64,
    },
}

/// Whether `wanted` more users may take a license of `configuration`, of which `used` are held
/// and `available` may be (see [`Purchased::available`]), in a tenant running `runs`.
pub fn admit(
    configuration: Configuration,
    runs: &[Configuration],
    used: u64,
    available: Option<u64>,
    wanted: u64,
) -> Result<(), LicenseRefusal> {
    if !runs.contains(&configuration) {
        return Err(LicenseRefusal::NotRun(configuration));
    }
    match available {
        Some(available) if used.saturating_add(wanted) > available => {
            Err(LicenseRefusal::Exhausted {
                configuration,
                used,
                available,
            })
        }
        _ => Ok(()),
    }
}

/// The license a new external user takes unless someone chooses: members of a partner
/// organization the partner license; others the free self-service license, or the customer
/// license where the tenant runs no self-service portal.
pub fn default_license(runs: &[Configuration], partner_member: bool) -> Configuration {
    if partner_member && runs.contains(&Configuration::Partner) {
        return Configuration::Partner;
    }
    [
        Configuration::SelfService,
        Configuration::Customer,
        Configuration::Partner,
    ]
    .into_iter()
    .find(|c| runs.contains(c))
    .unwrap_or(Configuration::SelfService)
}

/// The license a person registering on the portal takes: the free self-service license, or the
/// default where the tenant runs no self-service portal.
pub fn registrant_license(runs: &[Configuration]) -> Configuration {
    if runs.contains(&Configuration::SelfService) {
        Configuration::SelfService
    } else {
        default_license(runs, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_quota_is_a_hundred_per_employee_up_to_ten_thousand() {
        assert_eq!(free_self_service(0), 0);
        assert_eq!(free_self_service(1), 100);
        assert_eq!(free_self_service(15), 1_500);
        assert_eq!(free_self_service(99), 9_900);
        assert_eq!(free_self_service(100), 10_000);
        assert_eq!(free_self_service(101), 10_000);
        assert_eq!(free_self_service(u64::MAX), 10_000);
    }

    #[test]
    fn packs_add_to_the_free_quota_and_unset_seats_are_not_metered() {
        let bought = Purchased {
            customer: Some(5),
            partner: None,
            self_service_packs: 2,
        };
        assert_eq!(bought.available(Configuration::SelfService, 3), Some(2_300));
        assert_eq!(bought.available(Configuration::Customer, 3), Some(5));
        assert_eq!(bought.available(Configuration::Partner, 3), None);
    }

    #[test]
    fn admission_counts_what_is_held() {
        let runs = [Configuration::SelfService, Configuration::Customer];
        let customer = Configuration::Customer;
        assert_eq!(admit(customer, &runs, 4, Some(5), 1), Ok(()));
        assert_eq!(
            admit(customer, &runs, 5, Some(5), 1),
            Err(LicenseRefusal::Exhausted {
                configuration: customer,
                used: 5,
                available: 5
            })
        );
        // Several at once fit only together.
        assert!(admit(customer, &runs, 3, Some(5), 3).is_err());
        assert_eq!(admit(customer, &runs, 1_000_000, None, 1), Ok(()));
        assert_eq!(
            admit(Configuration::Partner, &runs, 0, None, 1),
            Err(LicenseRefusal::NotRun(Configuration::Partner))
        );
    }

    #[test]
    fn the_default_license_is_the_cheapest_the_tenant_runs() {
        use Configuration::*;
        assert_eq!(default_license(&[SelfService, Partner], true), Partner);
        assert_eq!(default_license(&[SelfService, Partner], false), SelfService);
        assert_eq!(default_license(&[Customer, Partner], false), Customer);
        assert_eq!(default_license(&[Customer], true), Customer);
        assert_eq!(default_license(&[Partner], false), Partner);
        assert_eq!(registrant_license(&[Customer, SelfService]), SelfService);
        assert_eq!(registrant_license(&[Customer, Partner]), Customer);
    }
}
