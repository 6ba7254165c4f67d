//! Each site's accessibility policy (アクセシビリティ方針) and test results
//! (試験結果) pages: what the templates see, worked out from `config.yaml`'s
//! policy, the site's newest test record (`data/accessibility/`), the site
//! itself (its URL, its contact) and the files it publishes. No claim is
//! written into a template: the degree of conformance is derived here from the
//! results, the exceptions from the files.

use std::io::Read;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::AccessibilityPolicy;
use crate::config::Level;
use crate::data::accessibility::{Outcome, Record};
use crate::dates::format_both;
use crate::model::Site;

/// The results page of a site that has a test record.
pub const RESULTS_PAGE: &str = "accessibility-results.html";

/// The standard every claim is made against (the record's checklist is its
/// criteria; WCAG 2.0 has the same ones).
pub const STANDARD: &str = "JIS X 8341-3:2016";

/// 対応度: how far the pages meet the level, in WAIC's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Degree {
    /// 準拠
    Conforms,
    /// 一部準拠
    Partial,
    /// 配慮
    Considered,
}

impl Degree {
    pub fn label(self) -> &'static str {
        match self {
            Degree::Conforms => "準拠",
            Degree::Partial => "一部準拠",
            Degree::Considered => "配慮",
        }
    }
}

/// The claim a results page makes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub level: Level,
    pub degree: Degree,
    /// 「JIS X 8341-3:2016 の適合レベル A に一部準拠」
    pub text: String,
    /// Why this degree, from the counts of the results.
    pub reason: String,
}

/// Counts of one level's criteria by outcome (that level and those below it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: usize,
    pub met: usize,
    pub not_met: usize,
    pub not_applicable: usize,
    pub unverified: usize,
}

impl Counts {
    fn of(record: &Record, level: Level) -> Counts {
        let mut counts = Counts::default();
        for r in record.results.iter().filter(|r| r.criterion.level <= level) {
            counts.total += 1;
            match r.outcome {
                Outcome::Met => counts.met += 1,
                Outcome::NotMet => counts.not_met += 1,
                Outcome::NotApplicable => counts.not_applicable += 1,
                Outcome::Unverified => counts.unverified += 1,
            }
        }
        counts
    }

    /// Every criterion is met or does not apply.
    fn satisfied(&self) -> bool {
        self.not_met == 0 && self.unverified == 0
    }

    /// 「不適合 1・未確認 30」
    fn unmet_text(&self) -> String {
        let mut parts = Vec::new();
        if self.not_met > 0 {
            parts.push(format!("不適合 {}", self.not_met));
        }
        if self.unverified > 0 {
            parts.push(format!("未確認 {}", self.unverified));
        }
        parts.join("・")
    }
}

/// The degree of conformance a record supports for the `target` level.
///
/// The wording follows WAIC's 「ウェブコンテンツの JIS X 8341-3:2016 対応度表記
/// ガイドライン」 (2016年3月版 §2–3, kept in the 2021年4月版). Checked on
/// 2026-12-01 against pages that quote it: weblab.co.jp/blog/staff/other/14242.html
/// (quotes the 準拠 and 一部準拠 rules word for word), a11yc.com's 「適合、準拠、
/// 一部準拠、配慮」 (準拠 and 一部準拠 need a test, 配慮 needs none but a policy),
/// chirashiya.com/web-accessibility/5487 (the guideline's table: policy, results,
/// what must be added), and WAIC's own 「ウェブアクセシビリティ方針策定ガイドライン」
/// (waic.jp/docs/jis2016/accessibility-plan-guidelines/202112: a 対応度 claim
/// needs a published policy first):
///
/// - 「準拠」: the pages were tested following 附属書JB and every success criterion
///   of the target level is met (§3.1); the policy and the results are published.
/// - 「一部準拠」: tested following 附属書JB, but not every criterion of the target
///   level is met; it may be claimed only together with a plan for the rest
///   (今後の対応方針, §3.2), and the results are published.
/// - 「配慮」: what falls short of both (§3.3), e.g. no test, no plan.
///
/// A level includes the levels below it (JIS X 8341-3:2016 5.1 適合要件 / WCAG
/// 2.0 conformance requirement 1): pages with a Level A criterion unmet do not
/// partly conform to AA either, so the claim then names Level A, as public
/// results pages do (「A 一部準拠」); otherwise one criterion tested would let a
/// site claim 「AA に一部準拠」 (see the WAIC members' discussion in Mitsue-Links'
/// 「『一部準拠』というWebアクセシビリティの対応度の位置づけについて」, 2020-02-21).
///
/// 未確認 is not 適合: a criterion nobody confirmed never counts as met, so a
/// record with one 未確認 criterion never yields 準拠. And a record in which no
/// criterion was confirmed met shows no test result at all: 配慮.
pub fn claim(record: &Record, target: Level) -> Claim {
    let at_target = Counts::of(record, target);
    let at_a = Counts::of(record, Level::A);
    let text = |level: Level, degree: Degree| {
        format!(
            "{STANDARD} の適合レベル {} に{}",
            level.label(),
            degree.label()
        )
    };
    if at_target.satisfied() && at_target.met > 0 {
        return Claim {
            level: target,
            degree: Degree::Conforms,
            text: text(target, Degree::Conforms),
            reason: format!(
                "レベル {} までの {} の達成基準はすべて、適合 か 適用なし でした。",
                target.label(),
                at_target.total
            ),
        };
    }
    // The level a partial claim can name: the target, unless a lower level
    // is itself not met.
    let (level, counts) = if target > Level::A && !at_a.satisfied() {
        (Level::A, at_a)
    } else {
        (target, at_target)
    };
    let considered = |reason: String| Claim {
        level: target,
        degree: Degree::Considered,
        text: text(target, Degree::Considered),
        reason,
    };
    if counts.met == 0 {
        return considered(format!(
            "レベル {} までの達成基準に、試験で適合を確かめたものがありません。",
            level.label()
        ));
    }
    if record.plan.is_none() {
        return considered(format!(
            "レベル {} までの達成基準に {} がありますが、今後の対応方針が記録にないため「一部準拠」とは表記しません。",
            level.label(),
            at_target.unmet_text()
        ));
    }
    let reason = if level < target {
        format!(
            "目標はレベル {} ですが、レベル A の達成基準に {} があります。上のレベルは下のレベルの達成基準をすべて含むため、レベル A への一部準拠と表記します。",
            target.label(),
            at_a.unmet_text()
        )
    } else {
        format!(
            "レベル {} までの {} の達成基準のうち、{} があります。",
            level.label(),
            counts.total,
            counts.unmet_text()
        )
    };
    Claim {
        level,
        degree: Degree::Partial,
        text: text(level, Degree::Partial),
        reason,
    }
}

/// Whether a PDF is tagged: its catalog has a structure tree (`/StructTreeRoot`)
/// and says its content is marked (`/MarkInfo << /Marked true >>`). The
/// catalog may sit in a compressed object stream (`/Type /ObjStm`, Flate), so
/// those are read too. A file this cannot read counts as untagged, so the
/// policy never claims more than is known.
pub fn pdf_is_tagged(bytes: &[u8]) -> bool {
    let mut texts: Vec<std::borrow::Cow<[u8]>> = vec![bytes.into()];
    let mut rest = bytes;
    while let Some(at) = find(rest, b"stream") {
        let (dict, after) = rest.split_at(at);
        let after = &after[b"stream".len()..];
        rest = after;
        if dict.ends_with(b"end") {
            continue;
        }
        // The stream's dictionary: from its object's `N 0 obj` to the keyword.
        let dict = dict
            .windows(3)
            .rposition(|w| w == b"obj")
            .map_or(dict, |i| &dict[i..]);
        if !(find(dict, b"/ObjStm").is_some() && find(dict, b"/FlateDecode").is_some()) {
            continue;
        }
        let body = after
            .strip_prefix(b"\r\n")
            .or_else(|| after.strip_prefix(b"\n"))
            .unwrap_or(after);
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        let mut inflated = Vec::new();
        // At most 64 MB unpacked from one stream.
        if flate2::read::ZlibDecoder::new(&body[..end])
            .take(64 << 20)
            .read_to_end(&mut inflated)
            .is_ok()
        {
            texts.push(inflated.into());
        }
    }
    let has = |needle: &dyn Fn(&[u8]) -> bool| texts.iter().any(|t| needle(t));
    has(&|t| find(t, b"/StructTreeRoot").is_some()) && has(&marked_true)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `/Marked true`, with any white space between the key and the value.
fn marked_true(text: &[u8]) -> bool {
    let mut rest = text;
    while let Some(at) = find(rest, b"/Marked") {
        rest = &rest[at + b"/Marked".len()..];
        let value = rest.trim_ascii_start();
        if value.starts_with(b"true") {
            return true;
        }
    }
    false
}

/// The theme's PDFs (copied into every site's `assets/`) that are not tagged,
/// as site-relative paths: the policy names them as exceptions.
pub fn untagged_pdfs(assets: &[(String, Vec<u8>)]) -> Vec<String> {
    assets
        .iter()
        .filter(|(rel, _)| rel.to_ascii_lowercase().ends_with(".pdf"))
        .filter(|(_, bytes)| !pdf_is_tagged(bytes))
        .map(|(rel, _)| format!("assets/{rel}"))
        .collect()
}

/// What this build publishes beside the pages that the policy speaks of.
#[derive(Debug, Clone, Default)]
pub struct PublishedFiles {
    /// The site has poster PDFs (tagged: PDF/UA-1 and PDF/A-2a).
    pub tagged_posters: bool,
    /// Site-relative PDFs that are not tagged.
    pub untagged: Vec<String>,
}

/// The policy page's values.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    pub standard: &'static str,
    pub target_level: Option<&'static str>,
    /// The policy's dates (templates write them with `date_era`).
    pub policy_date: Option<Date>,
    pub target_date: Option<Date>,
    pub revised: Option<Date>,
    pub additional: Option<String>,
    /// Where the scope starts: the site's URL, when it is known.
    pub scope_url: Option<String>,
    pub tagged_posters: bool,
    pub exceptions: Vec<String>,
    /// The site's newest results, when there are any.
    pub results: Option<ResultsSummary>,
    /// The degree the site can state without results: 配慮.
    pub without_results: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultsSummary {
    pub href: String,
    /// The declaration date (表明日).
    pub date: Date,
    pub claim: Claim,
}

/// One tested page: its URL (or site-relative path) and a link while the page exists.
#[derive(Debug, Clone, Serialize)]
pub struct TestedPage {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    pub number: &'static str,
    pub name: &'static str,
    pub level: &'static str,
    /// 適用: はい / いいえ
    pub applies: &'static str,
    pub result: &'static str,
    pub css: &'static str,
    pub note: Option<String>,
}

/// The results page's values (JIS X 8341-3:2016 附属書JB, JB.3 試験結果の表示).
#[derive(Debug, Clone, Serialize)]
pub struct ResultsView {
    pub standard: &'static str,
    /// The declaration date (表明日).
    pub date: Date,
    pub target_level: &'static str,
    pub claim: Claim,
    pub counts: Counts,
    pub scope_url: Option<String>,
    pub technologies: Vec<String>,
    /// How the pages were chosen, one paragraph per line of the record.
    pub method: Vec<String>,
    pub pages: Vec<TestedPage>,
    /// Tested pages this site no longer has.
    pub pages_gone: usize,
    pub period_start: Date,
    pub period_end: Date,
    pub period_display: String,
    pub tester: String,
    pub tools: Vec<String>,
    /// The plan for what is not met, one paragraph per line; empty without one.
    pub plan: Vec<String>,
    pub file: String,
    pub rows: Vec<ResultRow>,
}

/// The non-empty lines of a text written over several lines.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn target(policy: Option<&AccessibilityPolicy>) -> Level {
    policy.map_or(Level::AA, AccessibilityPolicy::level)
}

pub fn policy_view(
    site: &Site,
    policy: Option<&AccessibilityPolicy>,
    record: Option<&Record>,
    files: &PublishedFiles,
) -> PolicyView {
    PolicyView {
        standard: STANDARD,
        target_level: policy.map(|p| p.level().label()),
        policy_date: policy.map(|p| p.policy_date),
        target_date: policy.map(|p| p.target_date),
        revised: policy.and_then(|p| p.revised),
        additional: policy.and_then(|p| p.additional.clone()),
        scope_url: site.url.clone(),
        tagged_posters: files.tagged_posters,
        exceptions: files.untagged.clone(),
        results: record.map(|r| ResultsSummary {
            href: RESULTS_PAGE.to_string(),
            date: r.date,
            claim: claim(r, target(policy)),
        }),
        without_results: Degree::Considered.label(),
    }
}

/// `pages` holds the site-relative paths of every page this build makes for
/// the site: a tested page the site no longer has is named without a link.
pub fn results_view(
    site: &Site,
    code: &str,
    policy: Option<&AccessibilityPolicy>,
    record: &Record,
    pages: &[String],
) -> ResultsView {
    let level = target(policy);
    let tested = record
        .sites
        .get(code)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let pages: Vec<TestedPage> = tested
        .iter()
        .map(|path| TestedPage {
            text: match &site.url {
                Some(url) => format!("{url}{path}"),
                None => path.clone(),
            },
            href: pages.contains(path).then(|| path.clone()),
        })
        .collect();
    let (start, end) = record.period;
    ResultsView {
        standard: STANDARD,
        date: record.date,
        target_level: level.label(),
        claim: claim(record, level),
        counts: Counts::of(record, Level::AA),
        scope_url: site.url.clone(),
        technologies: record.technologies.clone(),
        method: paragraphs(&record.method),
        pages_gone: pages.iter().filter(|p| p.href.is_none()).count(),
        pages,
        period_start: start,
        period_end: end,
        period_display: if start == end {
            format_both(start)
        } else {
            format!("{}から{}まで", format_both(start), format_both(end))
        },
        tester: record.tester.clone(),
        tools: record.tools.clone(),
        plan: record.plan.as_deref().map(paragraphs).unwrap_or_default(),
        file: record.file.clone(),
        rows: record
            .results
            .iter()
            .map(|r| ResultRow {
                number: r.criterion.number,
                name: r.criterion.name,
                level: r.criterion.level.label(),
                applies: if r.outcome.applies() {
                    "はい"
                } else {
                    "いいえ"
                },
                result: if r.outcome.applies() {
                    r.outcome.label()
                } else {
                    "—"
                },
                css: match r.outcome {
                    Outcome::Met => "result-met",
                    Outcome::NotMet => "result-not-met",
                    Outcome::NotApplicable => "result-na",
                    Outcome::Unverified => "result-unverified",
                },
                note: r.note.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::accessibility::{CRITERIA, CriterionResult};

    fn record(outcome: impl Fn(&str) -> Outcome, plan: bool) -> Record {
        Record {
            file: "data/accessibility/2026-11-29.yaml".into(),
            date: "2026-11-29".parse().unwrap(),
            tester: "試験者".into(),
            period: ("2026-11-20".parse().unwrap(), "2026-11-29".parse().unwrap()),
            method: "全ページ".into(),
            technologies: vec!["HTML".into()],
            tools: Vec::new(),
            plan: plan.then(|| "人による確認を行う".into()),
            sites: [("221007".to_string(), vec!["index.html".to_string()])].into(),
            results: CRITERIA
                .iter()
                .map(|c| CriterionResult {
                    criterion: *c,
                    outcome: outcome(c.number),
                    note: None,
                })
                .collect(),
        }
    }

    fn na_for_media(n: &str) -> Outcome {
        if n.starts_with("1.2.") {
            Outcome::NotApplicable
        } else {
            Outcome::Met
        }
    }

    #[test]
    fn all_met_or_not_applicable_conforms() {
        let c = claim(&record(na_for_media, false), Level::AA);
        assert_eq!((c.level, c.degree), (Level::AA, Degree::Conforms));
        assert_eq!(c.text, "JIS X 8341-3:2016 の適合レベル AA に準拠");
    }

    #[test]
    fn one_unmet_aa_criterion_makes_the_claim_partial_at_aa() {
        let r = record(
            |n| {
                if n == "1.4.3" {
                    Outcome::NotMet
                } else {
                    na_for_media(n)
                }
            },
            true,
        );
        let c = claim(&r, Level::AA);
        assert_eq!((c.level, c.degree), (Level::AA, Degree::Partial));
        assert!(c.reason.contains("不適合 1"), "{}", c.reason);
        // Without a plan for it, only 配慮.
        let r = record(
            |n| {
                if n == "1.4.3" {
                    Outcome::NotMet
                } else {
                    na_for_media(n)
                }
            },
            false,
        );
        assert_eq!(claim(&r, Level::AA).degree, Degree::Considered);
        // Targeting A only, an AA criterion does not count.
        assert_eq!(claim(&r, Level::A).degree, Degree::Conforms);
    }

    #[test]
    fn an_unmet_level_a_criterion_lowers_the_claim_to_level_a() {
        let r = record(
            |n| {
                if n == "1.1.1" {
                    Outcome::NotMet
                } else {
                    Outcome::Met
                }
            },
            true,
        );
        let c = claim(&r, Level::AA);
        assert_eq!((c.level, c.degree), (Level::A, Degree::Partial));
        assert_eq!(c.text, "JIS X 8341-3:2016 の適合レベル A に一部準拠");
    }

    #[test]
    fn unverified_criteria_never_yield_conformance() {
        let r = record(
            |n| {
                if n == "2.4.7" {
                    Outcome::Unverified
                } else {
                    Outcome::Met
                }
            },
            true,
        );
        assert_eq!(claim(&r, Level::AA).degree, Degree::Partial);
        // Nothing confirmed: no test result to speak of.
        let r = record(|_| Outcome::Unverified, true);
        assert_eq!(claim(&r, Level::AA).degree, Degree::Considered);
        let r = record(|_| Outcome::NotApplicable, true);
        assert_eq!(claim(&r, Level::AA).degree, Degree::Considered);
    }

    #[test]
    fn tagged_and_untagged_pdfs_are_told_apart() {
        let untagged = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF";
        assert!(!pdf_is_tagged(untagged));
        let tagged = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true >> /StructTreeRoot 3 0 R >> endobj\n%%EOF";
        assert!(pdf_is_tagged(tagged));
        // Marked false: not tagged.
        let unmarked = b"%PDF-1.7\n1 0 obj << /Type /Catalog /MarkInfo << /Marked false >> /StructTreeRoot 3 0 R >> endobj";
        assert!(!pdf_is_tagged(unmarked));
        // The catalog inside a compressed object stream.
        let catalog = b"1 0 << /Type /Catalog /MarkInfo <</Marked\ntrue>> /StructTreeRoot 3 0 R >>";
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, catalog).unwrap();
        let packed = z.finish().unwrap();
        let mut pdf =
            b"%PDF-1.7\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
                .to_vec();
        pdf.extend_from_slice(format!("{} >>\nstream\n", packed.len()).as_bytes());
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF");
        assert!(pdf_is_tagged(&pdf));
        assert_eq!(
            untagged_pdfs(&[
                ("form.pdf".into(), untagged.to_vec()),
                ("tagged.pdf".into(), pdf),
                ("style.css".into(), Vec::new()),
            ]),
            ["assets/form.pdf"]
        );
    }
}
