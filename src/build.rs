//! The pipeline: load → model → render → write, with per-phase timings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content};
use crate::data::adoption::{self, Adoption};
use crate::data::jis::MasterList;
use crate::data::offices::{self, Office};
use crate::data::sites::{self, SiteSettings};
use crate::data::subsidies::{self, Subsidy};
use crate::model::{Model, Site, SiteKind};
use crate::output::{
    CarryStats, FolderKind, Manifest, OutputError, Scope, Staging, Target, write_atomic,
};
use crate::problems::{Code, Location, Problems};
use crate::render::{RenderError, Renderer, SiteError};
use crate::theme::Theme;

/// Everything read from a project folder.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub master: MasterList,
    pub adoption: Adoption,
    pub settings: BTreeMap<String, SiteSettings>,
    pub subsidies: Vec<Subsidy>,
    pub offices: Vec<Office>,
    /// Accessibility test records (`data/accessibility/`).
    pub accessibility: crate::data::accessibility::Records,
    pub content: Content,
    pub theme: Theme,
    pub fonts: std::sync::Arc<crate::fonts::Fonts>,
    pub posters: Option<crate::posters::PosterSet>,
    /// Time spent reading and rendering the Markdown content.
    pub markdown_time: Duration,
}

impl Project {
    /// Read and check every input; all problems go into `problems`. Returns
    /// `None` when a part needed to go on could not be read at all.
    pub fn load(root: &Path, build_date: Date, problems: &mut Problems) -> Option<Project> {
        let config = Config::read(&root.join("config.yaml"), problems);
        let (config, config_keys) = match config {
            Some((config, keys)) => (Some(config), Some(keys)),
            None => (None, None),
        };
        let master = MasterList::load(&root.join("data/municipalities.csv"), problems);
        let adoption = adoption::load(&root.join("data/adoption"), &master, build_date, problems);
        let settings = sites::load(&root.join("data/sites.yaml"), &master, problems);
        let subsidies = subsidies::load(
            &root.join("data/subsidies"),
            &master,
            config.as_ref().map(|c| &c.licence_fee),
            problems,
        );
        let offices = offices::load_as_of(
            &root.join("data/offices.csv"),
            &master,
            Some(build_date),
            problems,
        );
        let accessibility = crate::data::accessibility::load(
            &root.join("data/accessibility"),
            &master,
            build_date,
            problems,
        );
        // Links to sites without a public URL are left out: say which, once,
        // at `hosting:` (or at the commented-out example of it).
        if let Some(config) = &config
            && let Some(keys) = &config_keys
            && let Some((message, hint)) =
                crate::model::unlinked_sites_warning(&master, config, &settings)
        {
            let hosting = keys.get("hosting");
            let location = match keys.commented("hosting") {
                Some(commented) if !hosting.exists() => commented,
                _ => hosting.key_location(),
            };
            problems.warning(Code::ConfigUnlinkedSites, location, message, hint);
        }
        let theme_name = config
            .as_ref()
            .map(|c| c.theme.as_str())
            .unwrap_or("default");
        let theme_dir = root.join("themes").join(theme_name);
        let theme = Theme::load(&theme_dir, problems);
        // Content links to the theme's assets show their type and size.
        let asset_sizes = theme
            .iter()
            .flat_map(|t| &t.assets)
            .map(|(rel, bytes)| (format!("assets/{rel}"), bytes.len() as u64))
            .collect();
        let markdown_started = Instant::now();
        let content = content::load(
            &root.join("content"),
            &master,
            build_date,
            asset_sizes,
            problems,
        );
        let markdown_time = markdown_started.elapsed();
        let fonts = std::sync::Arc::new(crate::fonts::Fonts::load(
            &theme_dir.join("fonts"),
            problems,
        ));
        let posters = if theme_dir.join("posters").is_dir() {
            crate::posters::PosterSet::load(&theme_dir, fonts.clone(), problems)
        } else {
            None
        };
        if let Some(config) = &config {
            check_poster_designs(
                config,
                posters.as_ref(),
                &theme_dir,
                &root.join("config.yaml"),
                problems,
            );
        }
        Some(Project {
            root: root.to_path_buf(),
            config: config?,
            master,
            adoption,
            settings,
            subsidies,
            offices,
            accessibility,
            content,
            theme: theme?,
            fonts,
            posters,
            markdown_time,
        })
    }
}

/// Every design named in `posters.designs` must be a poster of the theme;
/// an unknown one is reported at its place in config.yaml.
fn check_poster_designs(
    config: &Config,
    posters: Option<&crate::posters::PosterSet>,
    theme_dir: &Path,
    config_path: &Path,
    problems: &mut Problems,
) {
    let available = match posters {
        Some(set) => set.designs(),
        // The theme's posters failed to load: that problem is reported already.
        None if theme_dir.join("posters").is_dir() => return,
        None => Vec::new(),
    };
    for design in &config.posters.designs {
        if available.contains(&design.value) {
            continue;
        }
        let hint = if available.is_empty() {
            format!(
                "テーマ {} にはポスターがありません。posters.designs を消すか、posters/ のあるテーマを使ってください",
                theme_dir.display()
            )
        } else {
            format!("使えるデザイン: {}", available.join("、"))
        };
        problems.error(
            Code::PosterUnknownDesign,
            crate::yaml::location(config_path, 0, design.referenced),
            format!("ポスターのデザイン「{}」がテーマにありません", design.value),
            hint,
        );
    }
}

/// Which sites to build.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Build only these sites (6-digit codes; `000000` is the national site).
    pub only: Vec<String>,
    /// Build this prefecture's site and all its municipalities' sites.
    pub prefecture: Option<String>,
    /// Build only shard `index` (0-based) of `count`, balanced by page count.
    pub shard: Option<Shard>,
}

/// One of N deterministic parts of a build, for splitting it across machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N` with 1 ≤ I ≤ N, as people number CI jobs.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("「{s}」は I/N の形ではありません（例: 1/3）"))?;
        let (i, n): (usize, usize) = (
            i.trim()
                .parse()
                .map_err(|_| format!("「{i}」は数ではありません"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("「{n}」は数ではありません"))?,
        );
        if n == 0 || i == 0 || i > n {
            return Err(format!("「{s}」: 1 ≤ I ≤ N である必要があります"));
        }
        Ok(Shard {
            index: i - 1,
            count: n,
        })
    }
}

/// Assign sites to shards: heaviest first, each to the lightest shard so far
/// (ties to the lower shard). Deterministic for the same sites and weights.
pub fn assign_shards(
    weights: &[(String, usize)],
    count: usize,
) -> std::collections::BTreeMap<String, usize> {
    let mut order: Vec<&(String, usize)> = weights.iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut load = vec![0usize; count];
    let mut assignment = std::collections::BTreeMap::new();
    for (code, weight) in order {
        let shard = (0..count).min_by_key(|&i| (load[i], i)).expect("count ≥ 1");
        load[shard] += weight;
        assignment.insert(code.clone(), shard);
    }
    assignment
}

impl Selection {
    pub fn includes(&self, site: &Site) -> bool {
        if self.only.is_empty() && self.prefecture.is_none() {
            return true;
        }
        self.only.iter().any(|c| site.code == *c)
            || self.prefecture.as_ref().is_some_and(|p| {
                site.kind != SiteKind::National && site.prefecture_code.is_some_and(|c| c == *p)
            })
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub project: PathBuf,
    pub out: PathBuf,
    pub selection: Selection,
    pub build_date: Date,
    pub progress: bool,
    /// Render posters (PDF and PNG) and print packs.
    pub posters: bool,
    /// Render each site's OGP image (ogp.png).
    pub ogp_images: bool,
    /// Override config.yaml's `posters.print_marks`.
    pub print_marks: Option<bool>,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub sites: usize,
    pub files: u64,
    /// Files written with new bytes (and how many bytes).
    pub written: u64,
    pub bytes: u64,
    /// Files whose bytes did not change: kept as they were (same mtime).
    pub unchanged: u64,
    /// Files whose inputs did not change: reused without rendering.
    pub reused: u64,
    /// Files of the previous output read back before being kept or reused.
    pub verified: u64,
    pub verified_bytes: u64,
    /// Folders created in the new output.
    pub dirs: u64,
    /// What the output held that this build kept: other sites' files (a
    /// partial build) and files the generator did not make.
    pub carried: CarryStats,
    /// Templates by total rendering time: (name, pages, CPU time).
    pub slowest_templates: Vec<(String, u64, Duration)>,
    /// The sites this build made, in code order.
    pub built: Vec<BuiltSite>,
    /// The folder of every site in the master list (`""`, `p/220001`,
    /// `m/221007`), built or not: which files belong to which site.
    pub all_site_dirs: std::collections::HashSet<String>,
    /// Whether only some sites were built (`--only`, `--prefecture`, `--shard`).
    pub partial: bool,
    pub phases: Vec<(&'static str, Duration)>,
    pub problems: Problems,
}

/// A site a build made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltSite {
    pub code: String,
    /// 静岡県静岡市, for messages.
    pub full_name: String,
    /// Its folder relative to the output (`""`, `p/220001`, `m/221007`).
    pub dir: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("入力に {} 件のエラーがあります", .0.error_count())]
    Problems(Problems),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Run `f` as the build step `name`, recording how long it took.
fn step<T>(
    phases: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    let started = Instant::now();
    let value = f();
    phases.push((name, started.elapsed()));
    value
}

/// Build the selected sites into `out`, replacing it only when everything
/// succeeded. Everything that can be refused is refused before the first
/// page is rendered: the arguments, the output folder, every input.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut problems = Problems::new();
    let mut phases = Vec::new();

    check_arguments(&options.selection, &mut problems);
    let (staging, cache) = step(&mut phases, "output check", || {
        open_output(options, &mut problems)
    })?;
    let project = step(&mut phases, "load", || load(options, &mut problems));
    let Some(project) = project.filter(|_| !problems.has_errors()) else {
        return Err(BuildError::Problems(problems));
    };
    phases.push(("  Markdown (in load)", project.markdown_time));
    let model = step(&mut phases, "model", || {
        Model::build(
            &project.master,
            &project.config,
            &project.adoption,
            &project.settings,
            &project.offices,
        )
    });
    let plan = step(&mut phases, "plan", || plan(options, &project, &model));
    let mut rendered = step(&mut phases, "render+write (wall)", || {
        render(options, &project, &model, &plan, &staging, &mut problems)
    })?;
    phases.append(&mut rendered.cpu);
    let (manifest, carried) = step(&mut phases, "swap", || staging.commit(&plan.scope))?;
    phases.push(("  carry over (in swap)", carried.carry_time));
    phases.push(("  change times (in swap)", carried.change_times));
    step(&mut phases, "cache", || {
        cache.save(&manifest, &mut problems)
    });
    let mut built: Vec<BuiltSite> = plan
        .sites
        .iter()
        .map(|s| BuiltSite {
            code: s.code.to_string(),
            full_name: s.full_name.clone(),
            dir: s.dir.clone(),
        })
        .collect();
    built.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(BuildReport {
        sites: plan.sites.len(),
        built,
        all_site_dirs: model.sites.iter().map(|s| s.dir.clone()).collect(),
        partial: !matches!(plan.scope, Scope::Everything),
        carried,
        phases,
        problems,
        ..rendered.into_report()
    })
}

/// The shape of `--only` and `--prefecture` codes (6 digits and the check
/// digit), before anything is read; whether they exist is checked against
/// the master list in [`load`].
fn check_arguments(selection: &Selection, problems: &mut Problems) {
    let only = selection.only.iter().map(|c| ("--only", c));
    for (option, code) in only.chain(selection.prefecture.iter().map(|c| ("--prefecture", c))) {
        if code == crate::model::NATIONAL_CODE {
            continue;
        }
        if let Err(e) = crate::data::jis::validate_code(code) {
            problems.error(
                Code::CliBadCode,
                Location::command_line(),
                format!("{option} の{e}"),
                "data/municipalities.csv にある6桁の団体コードを指定してください（全国サイトは 000000）",
            );
        }
    }
}

/// Check the output folder (see [`crate::output::Target::check`]), read the
/// cache of the previous build into it, and open the staging folder.
fn open_output(
    options: &BuildOptions,
    problems: &mut Problems,
) -> Result<(Staging, BuildCache), BuildError> {
    let target = Target::check(&options.out, FolderKind::Sites, Some(&options.project))?;
    let cache = BuildCache::new(&options.project, &target.dir);
    let previous = cache.load(problems);
    let staging = Staging::new(&target, previous)?;
    for leftover in &staging.kept_leftovers {
        problems.warning(
            Code::OutputLeftover,
            Location::file(leftover),
            "以前の outreach のビルドが途中で止まったときの作業用フォルダが残っています（記録ファイルがないため、自動では消しません）",
            "中を確認して、要らなければ削除してください",
        );
    }
    Ok((staging, cache))
}

/// Read the project and check the selected codes against its master list.
fn load(options: &BuildOptions, problems: &mut Problems) -> Option<Project> {
    let project = Project::load(&options.project, options.build_date, problems)?;
    let selection = &options.selection;
    let master = &project.master;
    for code in &selection.only {
        let valid = crate::data::jis::validate_code(code).is_ok();
        let known = code == crate::model::NATIONAL_CODE
            || master.prefecture(code).is_some()
            || master.municipality(code).is_some();
        if valid && !known {
            problems.error(
                Code::CliUnknownCode,
                Location::command_line(),
                format!("--only の団体コード「{code}」は団体コード一覧にありません"),
                "data/municipalities.csv にある6桁の団体コードを指定してください（全国サイトは 000000）",
            );
        }
    }
    if let Some(code) = &selection.prefecture
        && crate::data::jis::validate_code(code).is_ok()
        && master.prefecture(code).is_none()
    {
        let message = match master.municipality(code) {
            Some(m) => format!(
                "--prefecture の「{code}」は都道府県ではなく市区町村（{}）のコードです",
                m.name
            ),
            None => format!("--prefecture の団体コード「{code}」は団体コード一覧にありません"),
        };
        problems.error(
            Code::CliUnknownCode,
            Location::command_line(),
            message,
            "都道府県の6桁のコード（例: 静岡県は 220001）を指定してください。市区町村だけなら --only を使います",
        );
    }
    Some(project)
}

/// What this build makes: the sites, in which order, what of the previous
/// output it replaces, and the posters.
struct Plan<'a> {
    sites: Vec<&'a Site>,
    scope: Scope,
    posters: Option<crate::posters::PosterJob<'a>>,
}

fn plan<'a>(options: &BuildOptions, project: &'a Project, model: &'a Model<'a>) -> Plan<'a> {
    let selection = &options.selection;
    let shard_of = selection.shard.map(|shard| {
        let weights: Vec<(String, usize)> = model
            .sites
            .iter()
            .filter(|s| selection.includes(s))
            .map(|s| {
                let entries = project
                    .content
                    .for_site(s.prefecture_code.as_ref(), s.municipality_code());
                (s.code.to_string(), entries.len() + 8)
            })
            .collect();
        (shard, assign_shards(&weights, shard.count))
    });
    let mut sites: Vec<&Site> = model
        .sites
        .iter()
        .filter(|s| selection.includes(s))
        .filter(|s| {
            shard_of.as_ref().is_none_or(|(shard, assignment)| {
                assignment.get(s.code.as_str()) == Some(&shard.index)
            })
        })
        .collect();
    // Each prefecture right after its municipalities, so the poster pages they
    // convert are taken by the prefecture's print pack soon after.
    sites.sort_by_key(|s| (s.prefecture_code, s.kind == SiteKind::Prefecture, s.code));
    let partial =
        !selection.only.is_empty() || selection.prefecture.is_some() || selection.shard.is_some();
    let scope = if partial {
        Scope::Sites {
            all: model.sites.iter().map(|s| s.dir.clone()).collect(),
            selected: sites.iter().map(|s| s.dir.clone()).collect(),
        }
    } else {
        Scope::Everything
    };
    let posters = (options.posters)
        .then_some(project.posters.as_ref())
        .flatten()
        .map(|set| {
            let settings = &project.config.posters;
            crate::posters::PosterJob {
                set,
                // Unknown designs were refused in loading.
                designs: if settings.designs.is_empty() {
                    set.designs()
                } else {
                    settings.designs.iter().map(|d| d.value.clone()).collect()
                },
                sizes: settings.paper_sizes(),
                print: crate::posters::PrintOptions {
                    bleed_and_marks: options.print_marks.unwrap_or(settings.print_marks),
                },
                packs_for: sites
                    .iter()
                    .filter(|s| s.kind == SiteKind::Prefecture)
                    .map(|s| s.code.to_string())
                    .collect(),
                memo: Default::default(),
            }
        });
    Plan {
        sites,
        scope,
        posters,
    }
}

/// What rendering produced, besides the files in the staging folder.
struct Rendered {
    /// The counts of the report.
    counts: BuildReport,
    /// CPU time per kind of work, summed over threads.
    cpu: Vec<(&'static str, Duration)>,
}

impl Rendered {
    fn into_report(self) -> BuildReport {
        self.counts
    }
}

/// Render every selected site into the staging folder, in parallel; template
/// and poster failures become located problems.
fn render(
    options: &BuildOptions,
    project: &Project,
    model: &Model,
    plan: &Plan,
    staging: &Staging,
    problems: &mut Problems,
) -> Result<Rendered, BuildError> {
    let timers = crate::render::Timers::default();
    let untagged_pdfs = crate::render::accessibility::untagged_pdfs(&project.theme.assets);
    let search_indexes = crate::render::SearchIndexes::default();
    let renderer = Renderer {
        accessibility: &project.accessibility,
        untagged_pdfs: &untagged_pdfs,
        search_indexes: &search_indexes,
        timers: &timers,
        ogp_images: options.ogp_images,
        posters: plan.posters.as_ref(),
        model,
        content: &project.content,
        subsidies: &project.subsidies,
        theme: &project.theme,
        fonts: &project.fonts,
        build_date: options.build_date,
    };
    let files = AtomicU64::new(0);
    let render_nanos = AtomicU64::new(0);
    let progress = crate::progress::Progress::new(
        if options.progress {
            crate::progress::Mode::detect()
        } else {
            crate::progress::Mode::Off
        },
        plan.sites.len() as u64,
        "サイト",
    );
    let results: Vec<Result<(), SiteFailure>> = plan
        .sites
        .par_iter()
        .map(|site| {
            let t = Instant::now();
            let count = renderer.render_site(site, staging).map_err(|e| match e {
                SiteError::Template(e) => SiteFailure::Render(e),
                SiteError::Poster(e) => SiteFailure::Poster(e),
                SiteError::Output(e) => SiteFailure::Output(e),
            })?;
            render_nanos.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            files.fetch_add(count, Ordering::Relaxed);
            progress.inc();
            Ok(())
        })
        .collect();
    progress.finish();
    let mut render_errors: Vec<RenderError> = Vec::new();
    let mut poster_errors: Vec<String> = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(SiteFailure::Render(e)) => render_errors.push(e),
            Err(SiteFailure::Poster(e)) => {
                let message = e.to_string();
                if !poster_errors.contains(&message) {
                    poster_errors.push(message);
                }
            }
            Err(SiteFailure::Output(e)) => return Err(e.into()),
        }
    }
    for message in &poster_errors {
        problems.error(
            Code::PosterFailed,
            Location::file(project.theme.dir.join("posters")),
            format!("ポスターを作れませんでした: {message}"),
            "ポスターのテンプレートを確認してください",
        );
    }
    if !render_errors.is_empty() || !poster_errors.is_empty() {
        // One message per template location, naming the first page it broke.
        render_errors.sort();
        render_errors.dedup_by(|a, b| {
            (&a.template, a.line, a.column, &a.message)
                == (&b.template, b.line, b.column, &b.message)
        });
        for e in render_errors {
            problems.error(
                Code::ThemeTemplateRender,
                Location::new(
                    project.theme.dir.join("templates").join(&e.template),
                    e.line,
                    e.column,
                ),
                format!(
                    "テンプレートの表示に失敗しました（{}）: {}",
                    e.page, e.message
                ),
                "テンプレートで使っている変数名を確認してください",
            );
        }
        return Err(BuildError::Problems(std::mem::take(problems)));
    }
    let nanos = |c: &AtomicU64| Duration::from_nanos(c.load(Ordering::Relaxed));
    let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let stats = &staging.stats;
    Ok(Rendered {
        counts: BuildReport {
            files: files.into_inner(),
            written: count(&stats.written),
            unchanged: count(&stats.unchanged),
            reused: count(&stats.reused),
            bytes: count(&stats.bytes),
            verified: count(&stats.verified),
            verified_bytes: count(&stats.verified_bytes),
            dirs: count(&stats.dirs),
            slowest_templates: timers.slowest_templates(),
            ..BuildReport::default()
        },
        cpu: vec![
            ("  sites, CPU total", nanos(&render_nanos)),
            ("  templates, CPU", nanos(&timers.templates)),
            ("  charts, CPU", nanos(&timers.charts)),
            ("  fragment images, CPU", nanos(&timers.embed_images)),
            ("  posters, CPU", nanos(&timers.posters)),
            ("  OGP images, CPU", nanos(&timers.ogp)),
            ("  write pages, CPU", nanos(&timers.write)),
            ("  verify previous, CPU", nanos(&stats.verify_nanos)),
        ],
    })
}

enum SiteFailure {
    Render(RenderError),
    Poster(crate::posters::PosterError),
    Output(OutputError),
}

/// The build cache: a manifest of the output folder's files, kept in
/// `<project>/.outreach-cache/` (never inside the output), so the next build
/// can keep unchanged files and reuse pages whose inputs did not change.
/// Deleting the folder only makes the next build a full one.
pub struct BuildCache {
    path: PathBuf,
    generator: u64,
}

impl BuildCache {
    pub fn new(project: &Path, out: &Path) -> BuildCache {
        let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let name = format!(
            "{:016x}.manifest",
            crate::fingerprint::of(out.to_string_lossy().as_bytes())
        );
        BuildCache {
            path: project.join(".outreach-cache").join(name),
            generator: generator_fingerprint(),
        }
    }

    /// The manifest of the previous build into the same output, if usable.
    pub fn load(&self, problems: &mut Problems) -> Option<Manifest> {
        let text = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                problems.warning(
                    Code::CacheUnusable,
                    Location::file(&self.path),
                    format!("ビルドのキャッシュを読めません: {e}"),
                    "すべてを作り直します。続く場合は .outreach-cache フォルダを削除してください",
                );
                return None;
            }
        };
        match String::from_utf8(text)
            .map_err(|_| "UTF-8 ではありません".to_string())
            .and_then(|t| Manifest::parse(&t, self.generator))
        {
            Ok(m) => Some(m),
            Err(why) => {
                problems.warning(
                    Code::CacheUnusable,
                    Location::file(&self.path),
                    format!("ビルドのキャッシュが壊れています（{why}）"),
                    "すべてを作り直します。.outreach-cache フォルダは削除してかまいません",
                );
                None
            }
        }
    }

    /// Where the manifest is kept (`serve` and `changes` remove the one of
    /// their temporary output when they end).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn save(&self, manifest: &Manifest, problems: &mut Problems) {
        if let Err(e) = write_atomic(&self.path, manifest.to_text(self.generator).as_bytes()) {
            problems.warning(
                Code::CacheNotSaved,
                Location::file(&self.path),
                format!("ビルドのキャッシュを書けません: {e}"),
                "次のビルドはすべてを作り直します",
            );
        }
    }
}

/// Identifies the running outreach binary: pages rendered by another build of
/// the program are never reused by input key (their bytes may differ).
fn generator_fingerprint() -> u64 {
    // The executable does not change while it runs: hash it once per process.
    static FINGERPRINT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read(exe).ok())
            .map(|bytes| crate::fingerprint::of(&bytes))
            .unwrap_or(0)
    })
}
