//! The tier rule of a partner program, as one pure function: a partner earns the points of every
//! obligation of the next tier its figures fulfil; when they reach that tier's threshold it moves
//! up and its points start again from the following tier's obligations.

use serde::Serialize;

/// What a parameter category measures in the partner's own records of the partnership's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Leads registered.
    Leads,
    /// The amount of won opportunities.
    WonAmount,
    /// The number of won opportunities.
    WonCount,
    /// People with a certification.
    CertifiedExperts,
    /// Nothing Portico counts (a benefit such as a margin).
    None,
}

impl Measure {
    pub fn parse(text: &str) -> Self {
        match text {
            "leads" => Self::Leads,
            "won_amount" => Self::WonAmount,
            "won_count" => Self::WonCount,
            "certified_experts" => Self::CertifiedExperts,
            _ => Self::None,
        }
    }
}

/// A partner's figures for the partnership's period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figures {
    pub leads: f64,
    pub won_amount: f64,
    pub won_count: f64,
    pub certified_experts: f64,
}

impl Figures {
    pub fn of(&self, measure: Measure) -> Option<f64> {
        match measure {
            Measure::Leads => Some(self.leads),
            Measure::WonAmount => Some(self.won_amount),
            Measure::WonCount => Some(self.won_count),
            Measure::CertifiedExperts => Some(self.certified_experts),
            Measure::None => None,
        }
    }
}

/// A condition for reaching a tier: a figure to reach, and the points reaching it earns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligation {
    pub category: String,
    pub measure: Measure,
    pub target: f64,
    pub points: i64,
}

impl Obligation {
    pub fn fulfilled(&self, figures: &Figures) -> bool {
        figures.of(self.measure).is_some_and(|v| v >= self.target)
    }
}

/// A tier of a partner type, with the points that reach it and its obligations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tier {
    pub id: String,
    pub rank: i64,
    pub points_needed: i64,
    pub obligations: Vec<Obligation>,
}

impl Tier {
    /// The points the figures earn toward this tier.
    pub fn earned(&self, figures: &Figures) -> i64 {
        self.obligations
            .iter()
            .filter(|o| o.fulfilled(figures))
            .map(|o| o.points)
            .sum()
    }
}

/// Where a partnership stands: its tier (none below the first) and its points toward the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub tier: Option<String>,
    pub points: i64,
}

/// One move up, with the points that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub from: Option<String>,
    pub to: String,
    pub earned: i64,
}

/// The tier after `tier` (the lowest when there is none, or when `tier` is not one of `tiers`).
pub fn next_tier<'a>(tiers: &'a [Tier], tier: Option<&str>) -> Option<&'a Tier> {
    let rank = tier
        .and_then(|id| tiers.iter().find(|t| t.id == id))
        .map(|t| t.rank);
    tiers
        .iter()
        .filter(|t| rank.is_none_or(|r| t.rank > r))
        .min_by_key(|t| t.rank)
}

/// Moves a partnership up as far as its figures take it. A partnership never moves down: figures
/// that fall cost points toward the next tier, not the tier reached.
pub fn advance(tiers: &[Tier], figures: &Figures, current: &Standing) -> (Standing, Vec<Step>) {
    let mut tier = current.tier.clone();
    let mut steps = Vec::new();
    while let Some(next) = next_tier(tiers, tier.as_deref()) {
        let earned = next.earned(figures);
        if earned < next.points_needed {
            return (
                Standing {
                    tier,
                    points: earned,
                },
                steps,
            );
        }
        steps.push(Step {
            from: tier.take(),
            to: next.id.clone(),
            earned,
        });
        tier = Some(next.id.clone());
    }
    (Standing { tier, points: 0 }, steps)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn obligation(measure: Measure, target: f64, points: i64) -> Obligation {
        Obligation {
            category: format!("{measure:?}"),
            measure,
            target,
            points,
        }
    }

    /// The reference's reseller: Bronze for 10 leads and 100,000 won (40 points each, 80 needed),
    /// Silver and Platinum asking more.
    fn reseller() -> Vec<Tier> {
        let tier = |id: &str, rank, leads, amount| Tier {
            id: id.into(),
            rank,
            points_needed: 80,
            obligations: vec![
                obligation(Measure::Leads, leads, 40),
                obligation(Measure::WonAmount, amount, 40),
                obligation(Measure::None, 0.0, 500),
            ],
        };
        vec![
            tier("platinum", 3, 50.0, 1_000_000.0),
            tier("bronze", 1, 10.0, 100_000.0),
            tier("silver", 2, 25.0, 400_000.0),
        ]
    }

    fn figures(leads: f64, won_amount: f64) -> Figures {
        Figures {
            leads,
            won_amount,
            ..Figures::default()
        }
    }

    fn start() -> Standing {
        Standing {
            tier: None,
            points: 0,
        }
    }

    #[test]
    fn points_come_from_the_next_tiers_fulfilled_obligations() {
        let (standing, steps) = advance(&reseller(), &figures(3.0, 120_000.0), &start());
        assert_eq!(
            standing,
            Standing {
                tier: None,
                points: 40
            }
        );
        assert!(steps.is_empty());
    }

    #[test]
    fn reaching_the_threshold_moves_up_and_resets_the_points() {
        let (standing, steps) = advance(&reseller(), &figures(10.0, 100_000.0), &start());
        assert_eq!(
            standing,
            Standing {
                tier: Some("bronze".into()),
                points: 0
            }
        );
        assert_eq!(
            steps,
            [Step {
                from: None,
                to: "bronze".into(),
                earned: 80
            }]
        );
        // Toward silver, the leads alone count again.
        let (standing, steps) = advance(&reseller(), &figures(30.0, 100_000.0), &standing);
        assert_eq!(
            standing,
            Standing {
                tier: Some("bronze".into()),
                points: 40
            }
        );
        assert!(steps.is_empty());
    }

    #[test]
    fn figures_enough_for_several_tiers_climb_them_all_one_step_each() {
        let (standing, steps) = advance(&reseller(), &figures(60.0, 2_000_000.0), &start());
        assert_eq!(
            standing,
            Standing {
                tier: Some("platinum".into()),
                points: 0
            }
        );
        let path: Vec<&str> = steps.iter().map(|s| s.to.as_str()).collect();
        assert_eq!(path, ["bronze", "silver", "platinum"]);
    }

    #[test]
    fn a_tier_is_never_lost_when_figures_fall() {
        let silver = Standing {
            tier: Some("silver".into()),
            points: 40,
        };
        let (standing, steps) = advance(&reseller(), &Figures::default(), &silver);
        assert_eq!(
            standing,
            Standing {
                tier: Some("silver".into()),
                points: 0
            }
        );
        assert!(steps.is_empty());
    }

    #[test]
    fn an_unknown_tier_starts_from_the_lowest() {
        let lost = Standing {
            tier: Some("deleted".into()),
            points: 10,
        };
        assert_eq!(
            next_tier(&reseller(), lost.tier.as_deref()).unwrap().id,
            "bronze"
        );
    }

    fn any_tiers() -> impl Strategy<Value = Vec<Tier>> {
        let obligation = (0..4usize, 0.0..100.0f64, 0..50i64).prop_map(|(m, target, points)| {
            let measure = [
                Measure::Leads,
                Measure::WonAmount,
                Measure::WonCount,
                Measure::None,
            ][m];
            obligation(measure, target, points)
        });
        prop::collection::vec((0..120i64, prop::collection::vec(obligation, 0..4)), 0..5).prop_map(
            |tiers| {
                tiers
                    .into_iter()
                    .enumerate()
                    .map(|(i, (points_needed, obligations))| Tier {
                        id: format!("t{i}"),
                        rank: i as i64 + 1,
                        points_needed,
                        obligations,
                    })
                    .collect()
            },
        )
    }

    fn any_figures() -> impl Strategy<Value = Figures> {
        (0.0..120.0f64, 0.0..120.0f64, 0.0..120.0f64).prop_map(|(leads, won_amount, won_count)| {
            Figures {
                leads,
                won_amount,
                won_count,
                certified_experts: 0.0,
            }
        })
    }

    fn rank(tiers: &[Tier], standing: &Standing) -> i64 {
        standing
            .tier
            .as_deref()
            .and_then(|id| tiers.iter().find(|t| t.id == id))
            .map_or(0, |t| t.rank)
    }

    proptest! {
        #[test]
        fn the_rule_holds(tiers in any_tiers(), figures in any_figures(), more in any_figures(), from in 0..5usize) {
            let current = Standing { tier: tiers.get(from).map(|t| t.id.clone()), points: 0 };
            let (standing, steps) = advance(&tiers, &figures, &current);
            // Never down; one step per tier passed, each to the tier just above.
            prop_assert!(rank(&tiers, &standing) >= rank(&tiers, &current));
            let mut at = current.tier.clone();
            for step in &steps {
                prop_assert_eq!(&step.from, &at);
                prop_assert_eq!(Some(step.to.as_str()), next_tier(&tiers, at.as_deref()).map(|t| t.id.as_str()));
                at = Some(step.to.clone());
            }
            prop_assert_eq!(&at, &standing.tier);
            // Points are short of the next tier, or zero at the top.
            match next_tier(&tiers, standing.tier.as_deref()) {
                Some(next) => prop_assert!(standing.points < next.points_needed && standing.points == next.earned(&figures)),
                None => prop_assert_eq!(standing.points, 0),
            }
            // Calculating again changes nothing; better figures never reach a lower tier.
            let (again, no_steps) = advance(&tiers, &figures, &standing);
            prop_assert_eq!(&again, &standing);
            prop_assert!(no_steps.is_empty());
            let better = Figures {
                leads: figures.leads + more.leads,
                won_amount: figures.won_amount + more.won_amount,
                won_count: figures.won_count + more.won_count,
                certified_experts: figures.certified_experts,
            };
            let (higher, _) = advance(&tiers, &better, &current);
            prop_assert!(rank(&tiers, &higher) >= rank(&tiers, &standing));
        }
    }
}
