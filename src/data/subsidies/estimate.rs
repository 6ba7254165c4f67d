//! The licence-fee estimate: what an operator with `n` office numbers pays in a
//! year after the programmes open on the build date, and, while a
//! first-year-free campaign runs, in its first year.
//!
//! The rules (the theme's `estimate.js` follows them step by step; the browser
//! test holds the two to the same numbers):
//!
//! - The fee is what one office number pays a year, with tax when known; `n`
//!   office numbers pay `n` times it. A first-year-free campaign pays all of it.
//! - Programmes pay in plan order (national, prefecture, municipality: the
//!   order [`super::load`] sorts them in), each on what is left of its own
//!   basis: `basis × n − (campaign + earlier programmes)`, where the basis is
//!   the fee with or without tax (`fee_basis`). A programme pays
//!   `⌊that × rate⌋`, at most its ceiling (`ceiling_yen`, times `n` when it is
//!   per office number, once when per application), rounded down to
//!   `round_down_to`, and never more than what is left to pay.
//! - Programmes are stacked only when each allows the other
//!   ([`Subsidy::stacks_with`]). Of every set of programmes that may be
//!   stacked, the one that pays most is used; on a tie, the one with fewer
//!   programmes, then the first in order of the bit mask of plan indices. With
//!   no combinations allowed this is the best single programme.

use serde::Serialize;

use super::{CeilingPer, Subsidy};
use crate::config::LicenceFee;

/// One programme as the estimate uses it; serialised, it is what `estimate.js` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub numerator: u32,
    pub denominator: u32,
    /// The fee per office number this programme pays on (with or without tax).
    pub basis_yen: u64,
    pub ceiling_yen: Option<u64>,
    pub ceiling_per_application: bool,
    pub round_down_to: Option<u64>,
    /// The programme (or the areas it is shown for) is sample data.
    pub sample: bool,
    /// Indices in the plan of the programmes it may be stacked with.
    pub stacks_with: Vec<usize>,
}

impl Programme {
    /// What the programme pays for `n` office numbers when `already` yen of
    /// `total` have been paid by the campaign and earlier programmes.
    pub fn pays(&self, n: u64, already: u64, total: u64) -> u64 {
        let eligible = self.basis_yen.saturating_mul(n).saturating_sub(already);
        let amount =
            u128::from(eligible) * u128::from(self.numerator) / u128::from(self.denominator.max(1));
        let mut amount = u64::try_from(amount).unwrap_or(u64::MAX);
        if let Some(ceiling) = self.ceiling_yen {
            let cap = if self.ceiling_per_application {
                ceiling
            } else {
                ceiling.saturating_mul(n)
            };
            amount = amount.min(cap);
        }
        if let Some(unit) = self.round_down_to.filter(|&u| u > 0) {
            amount = amount / unit * unit;
        }
        amount.min(total.saturating_sub(already))
    }
}

/// The programmes an estimate may use, in order, and the fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// What one office number pays a year (with tax when known).
    pub fee_yen: u64,
    pub programmes: Vec<Programme>,
}

/// What `n` office numbers pay in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub offices: u64,
    /// The licence fee for all of them.
    pub fee: u64,
    /// Paid by the first-year-free campaign.
    pub campaign: u64,
    /// What each programme of the plan pays; `None` when it is not used.
    pub paid: Vec<Option<u64>>,
    /// What is left to pay.
    pub net: u64,
}

impl Outcome {
    /// Indices of the programmes used.
    pub fn used(&self) -> Vec<usize> {
        (0..self.paid.len())
            .filter(|&i| self.paid[i].is_some())
            .collect()
    }
}

impl Plan {
    /// A plan of `candidates` (in the order given) for `fee`. A programme that
    /// does not cover the licence fee, has no rate, or whose fee basis is not
    /// known is left out.
    pub fn new(candidates: &[&Subsidy], fee: &LicenceFee) -> Plan {
        let fee_yen = fee.tax_included_yen().unwrap_or(fee.yen_per_year);
        let usable: Vec<&Subsidy> = candidates
            .iter()
            .copied()
            .filter(|s| {
                s.covers_licence_fee() && s.rate.is_some() && s.fee_basis.fee_yen(fee).is_some()
            })
            .collect();
        let programmes = usable
            .iter()
            .map(|s| {
                let rate = s.rate.expect("filtered");
                Programme {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    numerator: rate.numerator,
                    denominator: rate.denominator,
                    basis_yen: s.fee_basis.fee_yen(fee).expect("filtered"),
                    ceiling_yen: s.ceiling_yen,
                    ceiling_per_application: s.ceiling_per == CeilingPer::Application,
                    round_down_to: s.round_down_to,
                    sample: s.shown_as_sample(),
                    stacks_with: usable
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.id != s.id && s.stacks_with(o))
                        .map(|(i, _)| i)
                        .collect(),
                }
            })
            .collect();
        Plan {
            fee_yen,
            programmes,
        }
    }

    /// The estimate for `offices` office numbers, with or without a
    /// first-year-free campaign.
    pub fn outcome(&self, offices: u64, with_campaign: bool) -> Outcome {
        let total = self.fee_yen.saturating_mul(offices);
        let campaign = if with_campaign { total } else { 0 };
        let k = self.programmes.len();
        let mut best: (u64, u32, Vec<(usize, u64)>) = (0, 0, Vec::new());
        for mask in 1u64..(1u64 << k) {
            let members: Vec<usize> = (0..k).filter(|i| mask & (1 << i) != 0).collect();
            let allowed = members.iter().enumerate().all(|(a, &i)| {
                members[a + 1..]
                    .iter()
                    .all(|j| self.programmes[i].stacks_with.contains(j))
            });
            if !allowed {
                continue;
            }
            let mut already = campaign;
            let mut pays = Vec::with_capacity(members.len());
            for &i in &members {
                let amount = self.programmes[i].pays(offices, already, total);
                already += amount;
                pays.push((i, amount));
            }
            let sum = already - campaign;
            let count = mask.count_ones();
            if sum > best.0 || (sum == best.0 && sum > 0 && count < best.1) {
                best = (sum, count, pays);
            }
        }
        let mut paid = vec![None; k];
        for (i, amount) in &best.2 {
            paid[*i] = Some(*amount);
        }
        Outcome {
            offices,
            fee: total,
            campaign,
            paid,
            net: total - campaign - best.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme(num: u32, den: u32, ceiling: Option<u64>, per_app: bool) -> Programme {
        Programme {
            id: "p".into(),
            name: "p".into(),
            numerator: num,
            denominator: den,
            basis_yen: 21_000,
            ceiling_yen: ceiling,
            ceiling_per_application: per_app,
            round_down_to: None,
            sample: false,
            stacks_with: Vec::new(),
        }
    }

    fn plan(programmes: Vec<Programme>) -> Plan {
        Plan {
            fee_yen: 21_000,
            programmes,
        }
    }

    #[test]
    fn a_programme_pays_rate_then_ceiling_then_rounding_and_never_more_than_is_left() {
        let p = programme(3, 4, Some(50_000), true);
        assert_eq!(p.pays(1, 0, 21_000), 15_750);
        assert_eq!(p.pays(3, 0, 63_000), 47_250);
        assert_eq!(p.pays(4, 0, 84_000), 50_000, "one ceiling per application");
        let per_office = programme(3, 4, Some(10_000), false);
        assert_eq!(per_office.pays(1, 0, 21_000), 10_000);
        assert_eq!(
            per_office.pays(4, 0, 84_000),
            40_000,
            "a ceiling per office"
        );
        // On the tax-exclusive fee, rounded down to thousands: 19,091 × 3/4 = 14,318 → 14,000.
        let mut excl = programme(3, 4, None, false);
        excl.basis_yen = 19_091;
        excl.round_down_to = Some(1_000);
        assert_eq!(excl.pays(1, 0, 21_000), 14_000);
        // What is left of its basis after others paid.
        assert_eq!(excl.pays(1, 10_000, 21_000), 6_000); // 9,091 × 3/4 = 6,818 → 6,000
        assert_eq!(excl.pays(1, 21_000, 21_000), 0);
        // Never more than is left to pay.
        let full = programme(1, 1, None, false);
        assert_eq!(full.pays(2, 40_000, 42_000), 2_000);
    }

    #[test]
    fn two_programmes_that_may_not_be_stacked_give_the_better_one() {
        let p = plan(vec![
            programme(3, 4, Some(50_000), true),
            programme(1, 2, None, false),
        ]);
        let one = p.outcome(1, false);
        assert_eq!(one.paid, [Some(15_750), None]);
        assert_eq!(one.net, 5_250);
        // With 10 office numbers the per-application ceiling makes the other better.
        let ten = p.outcome(10, false);
        assert_eq!(ten.paid, [None, Some(105_000)]);
        assert_eq!(ten.net, 105_000);
    }

    #[test]
    fn stackable_programmes_pay_in_order_on_what_is_left() {
        let mut a = programme(3, 4, Some(50_000), true);
        let mut b = programme(1, 2, None, false);
        a.stacks_with = vec![1];
        b.stacks_with = vec![0];
        let p = plan(vec![a, b]);
        let one = p.outcome(1, false);
        // 15,750, then half of the 5,250 left.
        assert_eq!(one.paid, [Some(15_750), Some(2_625)]);
        assert_eq!(one.net, 2_625);
    }

    #[test]
    fn a_first_year_free_campaign_leaves_nothing_for_programmes() {
        let p = plan(vec![programme(1, 2, None, false)]);
        let first = p.outcome(2, true);
        assert_eq!((first.fee, first.campaign, first.net), (42_000, 42_000, 0));
        assert_eq!(first.paid, [None]);
        let later = p.outcome(2, false);
        assert_eq!((later.campaign, later.net), (0, 21_000));
    }

    #[test]
    fn nothing_to_use_leaves_the_fee() {
        let o = plan(Vec::new()).outcome(3, false);
        assert_eq!((o.fee, o.net), (63_000, 63_000));
        assert!(o.used().is_empty());
    }
}
