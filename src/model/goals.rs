//! The national KPI's two goals, under the names every page, chart, chart
//! description, poster and the README use, so that no number can be read
//! against the wrong definition:
//!
//! - **市区町村の目標** (the municipal target): a municipality meets it when
//!   `kpi.municipality_target` (30%) of the offices in its area use the system;
//! - **都道府県の目標** (the prefectural goal): a prefecture meets it when
//!   `kpi.prefecture_target` (50%) of its municipalities meet theirs.
//!
//! Any other count has a name of its own: the prefectures whose own office
//! rate reaches the municipal target's level are 「利用率が30%以上の都道府県」,
//! never 「目標を達成した都道府県」. The nation has no goal of its own.
//! Thresholds come from `config.yaml`, never from code.

use crate::config::Config;
use crate::format::{target_percent, tenths};

/// Which goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalKind {
    /// 市区町村の目標: a share of a municipality's offices using the system.
    Municipal,
    /// 都道府県の目標: a share of a prefecture's municipalities meeting theirs.
    Prefectural,
}

/// One goal: its name and its threshold.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Goal {
    pub kind: GoalKind,
    /// The threshold as a share, 0–1 (`config.yaml`).
    pub share: f64,
}

impl Goal {
    /// 市区町村の目標 / 都道府県の目標.
    pub fn name(&self) -> &'static str {
        match self.kind {
            GoalKind::Municipal => "市区町村の目標",
            GoalKind::Prefectural => "都道府県の目標",
        }
    }

    /// The threshold in parts per million, for exact comparisons.
    pub fn ppm(&self) -> u64 {
        (self.share * 1_000_000.0).round() as u64
    }

    /// `30%`.
    pub fn threshold(&self) -> String {
        target_percent(self.share)
    }

    /// `市区町村の目標 30%`: how a chart labels the goal's line.
    pub fn label(&self) -> String {
        format!("{} {}", self.name(), self.threshold())
    }

    /// Whether `numerator / denominator` meets the goal (integer arithmetic,
    /// so exactly 30.0% meets a 30% goal).
    pub fn met(&self, numerator: u64, denominator: u64) -> bool {
        meets(numerator, denominator, self.ppm())
    }

    /// How many more of `denominator` are needed to meet the goal (0 when met).
    pub fn shortfall(&self, numerator: u64, denominator: u64) -> u64 {
        shortfall(numerator, denominator, self.ppm())
    }
}

/// Both goals of a project.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Goals {
    pub municipal: Goal,
    pub prefectural: Goal,
}

impl Goals {
    pub fn from_config(config: &Config) -> Goals {
        Goals {
            municipal: Goal {
                kind: GoalKind::Municipal,
                share: config.kpi.municipality_target,
            },
            prefectural: Goal {
                kind: GoalKind::Prefectural,
                share: config.kpi.prefecture_target,
            },
        }
    }

    /// 市区町村の目標は、市区町村内の事業所の30%が利用すること
    pub fn municipal_definition(&self) -> String {
        format!(
            "{}は、市区町村内の事業所の{}が利用すること",
            self.municipal.name(),
            self.municipal.threshold()
        )
    }

    /// 都道府県の目標は、都道府県内の市区町村の50%が市区町村の目標を達成すること
    pub fn prefectural_definition(&self) -> String {
        format!(
            "{}は、都道府県内の市区町村の{}が{}を達成すること",
            self.prefectural.name(),
            self.prefectural.threshold(),
            self.municipal.name()
        )
    }

    /// The name of the count of prefectures (or other places without a goal
    /// of their own) whose office rate reaches the municipal target's level:
    /// `利用率が30%以上の都道府県`.
    pub fn rate_level_name(&self, unit: &str) -> String {
        format!("利用率が{}以上の{unit}", self.municipal.threshold())
    }

    /// Whether an office rate, as shown (one decimal), reaches the municipal
    /// target's level. For places that have no office-rate goal (prefectures,
    /// the nation): a level, not a goal met.
    pub fn rate_reaches_level(&self, rate: f64) -> bool {
        tenths(rate) >= tenths(self.municipal.share)
    }

    /// `23.0%` and the text for how a share compares with a goal, for
    /// descriptions: 「市区町村の目標（30%）まであと7.0ポイント」.
    pub fn gap_text(goal: &Goal, share: f64) -> String {
        let gap = tenths(goal.share) - tenths(share);
        if gap > 0 {
            format!(
                "{}（{}）まであと{}ポイント",
                goal.name(),
                goal.threshold(),
                crate::format::tenths_text(gap)
            )
        } else {
            format!("{}（{}）を達成", goal.name(), goal.threshold())
        }
    }
}

/// Whether `numerator / denominator` reaches a target given in parts per million.
/// Integer arithmetic, so exactly 30.0% meets a 30% target.
pub fn meets(numerator: u64, denominator: u64, target_ppm: u64) -> bool {
    denominator > 0
        && u128::from(numerator) * 1_000_000 >= u128::from(target_ppm) * u128::from(denominator)
}

/// How many more of `denominator` are needed to reach the target (0 when met).
pub fn shortfall(numerator: u64, denominator: u64, target_ppm: u64) -> u64 {
    let needed = (u128::from(target_ppm) * u128::from(denominator)).div_ceil(1_000_000) as u64;
    needed.saturating_sub(numerator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_thirty_percent_meets_the_target() {
        assert!(meets(30, 100, 300_000));
        assert!(meets(3, 10, 300_000));
        assert!(!meets(29, 100, 300_000));
        assert!(!meets(2_999_999, 10_000_000, 300_000));
        assert!(!meets(0, 0, 300_000));
    }

    #[test]
    fn shortfall_counts_what_is_missing() {
        assert_eq!(shortfall(297, 7416, 300_000), 2225 - 297);
        assert_eq!(shortfall(30, 100, 300_000), 0);
        assert_eq!(shortfall(0, 35, 500_000), 18);
    }

    #[test]
    fn each_goal_has_its_own_name_and_definition() {
        let goals = Goals {
            municipal: Goal {
                kind: GoalKind::Municipal,
                share: 0.3,
            },
            prefectural: Goal {
                kind: GoalKind::Prefectural,
                share: 0.5,
            },
        };
        assert_eq!(goals.municipal.label(), "市区町村の目標 30%");
        assert_eq!(goals.prefectural.label(), "都道府県の目標 50%");
        assert_eq!(
            goals.prefectural_definition(),
            "都道府県の目標は、都道府県内の市区町村の50%が市区町村の目標を達成すること"
        );
        assert_eq!(
            goals.rate_level_name("都道府県"),
            "利用率が30%以上の都道府県"
        );
        assert!(goals.rate_reaches_level(0.2996));
        assert!(!goals.rate_reaches_level(0.2994));
        assert_eq!(
            Goals::gap_text(&goals.municipal, 0.23),
            "市区町村の目標（30%）まであと7.0ポイント"
        );
    }
}
