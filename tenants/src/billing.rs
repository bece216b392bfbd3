//! Billing (DESIGN.md section 6): a tenant that pays through Stripe is one Stripe customer with
//! one subscription; its state decides what the tenant's people may do. These are the rules; the
//! platform talks to Stripe and enforces them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A tenant's account with the payment provider, as last heard from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Billing {
    /// The Stripe customer (`cus_...`), made when the tenant first buys.
    pub customer: Option<String>,
    /// The tenant's subscription (`sub_...`), once it has one.
    pub subscription: Option<String>,
    /// The subscription's status as Stripe names it (`active`, `past_due`, `canceled`, ...).
    pub status: Option<String>,
    /// When payment first failed, while it still fails.
    pub past_due_since: Option<DateTime<Utc>>,
    /// How many times Stripe's state was recorded: a recording keeps what it read from Stripe
    /// only if no other was recorded after it asked (a late webhook must not undo a purchase).
    pub revision: u64,
}

/// What the subscription's state lets the tenant's people do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Paid, or nothing bought (free licenses only): everything works.
    Good,
    /// Payment failed; everything works until `grace_ends`, administrators are warned.
    PastDue { grace_ends: DateTime<Utc> },
    /// Payment failed and the grace period is over (or Stripe gave up: `unpaid`): nobody new may
    /// be activated until it is paid.
    Blocked,
    /// The subscription ended: the portal is read-only for external users; nothing is deleted.
    Canceled,
}

impl Standing {
    /// Whether new portal users may be activated.
    pub fn allows_activations(self) -> bool {
        !matches!(self, Self::Blocked | Self::Canceled)
    }

    /// Whether external users may change anything.
    pub fn portal_writable(self) -> bool {
        self != Self::Canceled
    }
}

impl Billing {
    /// The standing at `now`, with `grace` after a payment first failed.
    pub fn standing(&self, now: DateTime<Utc>, grace: Duration) -> Standing {
        match self.status.as_deref() {
            Some("past_due") => {
                let grace_ends = self.past_due_since.unwrap_or(now) + grace;
                if now < grace_ends {
                    Standing::PastDue { grace_ends }
                } else {
                    Standing::Blocked
                }
            }
            Some("unpaid") => Standing::Blocked,
            Some("canceled" | "paused") => Standing::Canceled,
            // Active, trialing; or incomplete: a first purchase not paid bought nothing yet.
            _ => Standing::Good,
        }
    }

    /// Takes the subscription's status as Stripe now reports it, keeping when payment first
    /// failed across repeated failures.
    pub fn observe(&mut self, status: &str, now: DateTime<Utc>) {
        self.past_due_since = match status {
            "past_due" => Some(self.past_due_since.unwrap_or(now)),
            _ => None,
        };
        self.status = Some(status.to_owned());
    }

    /// Whether the subscription's seats are what the tenant has (a first payment that never
    /// went through bought nothing).
    pub fn subscription_counts(status: &str) -> bool {
        matches!(status, "active" | "trialing" | "past_due" | "unpaid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + hours * 3600, 0).unwrap()
    }

    fn billing(status: &str, since: Option<i64>) -> Billing {
        Billing {
            status: Some(status.to_owned()),
            past_due_since: since.map(at),
            ..Billing::default()
        }
    }

    #[test]
    fn past_due_is_a_grace_period_then_blocks_activations() {
        let grace = Duration::days(14);
        let late = billing("past_due", Some(0));
        assert_eq!(
            late.standing(at(1), grace),
            Standing::PastDue {
                grace_ends: at(14 * 24)
            }
        );
        assert!(late.standing(at(1), grace).allows_activations());
        assert_eq!(late.standing(at(14 * 24), grace), Standing::Blocked);
        assert!(!Standing::Blocked.allows_activations());
        assert!(Standing::Blocked.portal_writable());
        assert_eq!(
            billing("unpaid", None).standing(at(0), grace),
            Standing::Blocked
        );
    }

    #[test]
    fn canceled_makes_the_portal_read_only_and_nothing_bought_is_good() {
        let grace = Duration::days(14);
        let canceled = billing("canceled", None).standing(at(0), grace);
        assert_eq!(canceled, Standing::Canceled);
        assert!(!canceled.portal_writable() && !canceled.allows_activations());
        assert_eq!(Billing::default().standing(at(0), grace), Standing::Good);
        assert_eq!(
            billing("active", None).standing(at(0), grace),
            Standing::Good
        );
        assert_eq!(
            billing("incomplete", None).standing(at(0), grace),
            Standing::Good
        );
    }

    #[test]
    fn repeated_failures_keep_the_first_failure_and_payment_clears_it() {
        let mut billing = Billing::default();
        billing.observe("past_due", at(0));
        billing.observe("past_due", at(5));
        assert_eq!(billing.past_due_since, Some(at(0)));
        billing.observe("active", at(6));
        assert_eq!(billing.past_due_since, None);
        assert_eq!(billing.status.as_deref(), Some("active"));
    }
}
