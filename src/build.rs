//! The pipeline: load → model → render → write, with per-phase timings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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
use crate::output::Manifest;
use crate::output::{OutputError, Staging, write_atomic};
use crate::problems::Problems;
use crate::render::theme::Theme;
use crate::render::{RenderError, Renderer, SiteError};

/// Everything read from a project folder.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub master: MasterList,
    pub adoption: Adoption,
    pub settings: BTreeMap<String, SiteSettings>,
    pub subsidies: Vec<Subsidy>,
    pub offices: Vec<Office>,
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
        let config = Config::load(&root.join("config.yaml"), problems);
        let master = MasterList::load(&root.join("data/municipalities.csv"), problems);
        let adoption = adoption::load(&root.join("data/adoption"), &master, build_date, problems);
        let settings = sites::load(&root.join("data/sites.yaml"), &master, problems);
        let subsidies = subsidies::load(&root.join("data/subsidies"), &master, problems);
        let offices = offices::load_as_of(
            &root.join("data/offices.csv"),
            &master,
            Some(build_date),
            problems,
        );
        // Links to sites without a public URL are left out: say which, once.
        if let Some(config) = &config
            && let Some((message, hint)) =
                crate::model::unlinked_sites_warning(&master, config, &settings)
        {
            let path = root.join("config.yaml");
            let line = std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| {
                    t.lines()
                        .position(|l| l.trim_start_matches(['#', ' ']).starts_with("hosting:"))
                })
                .map_or(0, |i| i + 1);
            problems.warning(&path, line, 0, message, hint);
        }
        let markdown_started = Instant::now();
        let content = content::load(&root.join("content"), &master, problems);
        let markdown_time = markdown_started.elapsed();
        let theme_name = config
            .as_ref()
            .map(|c| c.theme.as_str())
            .unwrap_or("default");
        let theme_dir = root.join("themes").join(theme_name);
        let theme = Theme::load(&theme_dir, problems);
        let fonts = std::sync::Arc::new(crate::fonts::Fonts::load(
            &theme_dir.join("fonts"),
            problems,
        ));
        let posters = if theme_dir.join("posters").is_dir() {
            crate::posters::PosterSet::load(&theme_dir, fonts.clone(), problems)
        } else {
            None
        };
        Some(Project {
            root: root.to_path_buf(),
            config: config?,
            master,
            adoption,
            settings,
            subsidies,
            offices,
            content,
            theme: theme?,
            fonts,
            posters,
            markdown_time,
        })
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
        self.only.contains(&site.code)
            || self.prefecture.as_ref().is_some_and(|p| {
                site.kind != SiteKind::National && site.prefecture_code.as_ref() == Some(p)
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
    /// Templates by total rendering time: (name, pages, CPU time).
    pub slowest_templates: Vec<(String, u64, Duration)>,
    pub phases: Vec<(&'static str, Duration)>,
    pub problems: Problems,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("入力に {} 件のエラーがあります", .0.error_count())]
    Problems(Problems),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Build the selected sites into `out`, replacing it only when everything succeeded.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut report = BuildReport::default();
    let mut problems = Problems::new();

    let started = Instant::now();
    let project = Project::load(&options.project, options.build_date, &mut problems);
    report.phases.push(("load", started.elapsed()));
    if let Some(p) = &project {
        report
            .phases
            .push(("  Markdown (in load)", p.markdown_time));
    }
    let Some(project) = project.filter(|_| !problems.has_errors()) else {
        return Err(BuildError::Problems(problems));
    };
    for code in options
        .selection
        .only
        .iter()
        .chain(&options.selection.prefecture)
    {
        let known = code == crate::model::NATIONAL_CODE
            || project.master.prefecture(code).is_some()
            || project.master.municipality(code).is_some();
        if !known {
            problems.error(
                Path::new("(コマンドライン)"),
                0,
                0,
                format!("団体コード「{code}」は団体コード一覧にありません"),
                "data/municipalities.csv にある6桁の団体コードを指定してください",
            );
        }
    }
    if problems.has_errors() {
        return Err(BuildError::Problems(problems));
    }

    let started = Instant::now();
    let model = Model::build(
        &project.master,
        &project.config,
        &project.adoption,
        &project.settings,
    );
    report.phases.push(("model", started.elapsed()));

    let started = Instant::now();
    let cache = BuildCache::new(&options.project, &options.out);
    let previous = cache.load(&mut problems);
    let staging = Staging::new(&options.out, previous)?;
    let mut office_index: crate::render::OfficeIndex = BTreeMap::new();
    for office in &project.offices {
        office_index
            .entry(office.municipality_code.clone())
            .or_default()
            .push(office);
    }
    let shard_of = options.selection.shard.map(|shard| {
        let weights: Vec<(String, usize)> = model
            .sites
            .iter()
            .filter(|s| options.selection.includes(s))
            .map(|s| {
                let entries = project
                    .content
                    .for_site(s.prefecture_code.as_deref(), s.municipality_code());
                (s.code.clone(), entries.len() + 8)
            })
            .collect();
        (shard, assign_shards(&weights, shard.count))
    });
    let selected: Vec<&Site> = model
        .sites
        .iter()
        .filter(|s| options.selection.includes(s))
        .filter(|s| {
            shard_of
                .as_ref()
                .is_none_or(|(shard, assignment)| assignment.get(&s.code) == Some(&shard.index))
        })
        .collect();
    // Each prefecture right after its municipalities, so the poster pages they
    // convert are taken by the prefecture's print pack soon after.
    let mut selected = selected;
    selected.sort_by_key(|s| {
        let prefecture = s.prefecture_code.clone().unwrap_or_default();
        (prefecture, s.kind == SiteKind::Prefecture, s.code.clone())
    });
    let poster_job = if options.posters
        && let Some(set) = &project.posters
    {
        let settings = &project.config.posters;
        let designs = if settings.designs.is_empty() {
            set.designs()
        } else {
            settings.designs.clone()
        };
        let config_path = options.project.join("config.yaml");
        let designs_line = std::fs::read_to_string(&config_path)
            .ok()
            .and_then(|t| {
                t.lines()
                    .position(|l| l.trim_start().starts_with("designs:"))
            })
            .map_or(0, |i| i + 1);
        for design in &designs {
            if !set.designs().contains(design) {
                problems.error(
                    &config_path,
                    designs_line,
                    0,
                    format!("ポスターのデザイン「{design}」がテーマにありません"),
                    format!("使えるデザイン: {}", set.designs().join("、")),
                );
            }
        }
        if problems.has_errors() {
            return Err(BuildError::Problems(problems));
        }
        Some(crate::render::PosterJob {
            set,
            designs,
            sizes: settings
                .sizes
                .iter()
                .filter_map(|s| crate::posters::paper_size(s))
                .collect(),
            print: crate::posters::PrintOptions {
                bleed_and_marks: options.print_marks.unwrap_or(settings.print_marks),
            },
            packs_for: selected
                .iter()
                .filter(|s| s.kind == SiteKind::Prefecture)
                .map(|s| s.code.clone())
                .collect(),
            memo: Default::default(),
        })
    } else {
        None
    };
    let timers = crate::render::Timers::default();
    let search_indexes = crate::render::SearchIndexes::default();
    let renderer = Renderer {
        search_indexes: &search_indexes,
        timers: &timers,
        ogp_images: options.ogp_images,
        posters: poster_job.as_ref(),
        model: &model,
        content: &project.content,
        subsidies: &project.subsidies,
        offices: &office_index,
        theme: &project.theme,
        fonts: &project.fonts,
        build_date: options.build_date,
    };
    let done = AtomicUsize::new(0);
    let files = AtomicU64::new(0);
    let render_nanos = AtomicU64::new(0);
    let total = selected.len();
    let results: Vec<Result<(), SiteFailure>> = selected
        .par_iter()
        .map(|site| {
            let t = Instant::now();
            let count = renderer.render_site(site, &staging).map_err(|e| match e {
                SiteError::Template(e) => SiteFailure::Render(e),
                SiteError::Poster(e) => SiteFailure::Poster(e),
                SiteError::Output(e) => SiteFailure::Output(e),
            })?;
            render_nanos.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            files.fetch_add(count, Ordering::Relaxed);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if options.progress && total >= 100 && n.is_multiple_of(total / 10) {
                eprintln!("  {n} / {total} サイト");
            }
            Ok(())
        })
        .collect();
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
            &project.theme.dir.join("posters"),
            0,
            0,
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
                &project.theme.dir.join("templates").join(&e.template),
                e.line,
                e.column,
                format!(
                    "テンプレートの表示に失敗しました（{}）: {}",
                    e.page, e.message
                ),
                "テンプレートで使っている変数名を確認してください",
            );
        }
        return Err(BuildError::Problems(problems));
    }
    let elapsed = started.elapsed();
    report.phases.push(("render+write (wall)", elapsed));
    let cpu = |c: &AtomicU64| Duration::from_nanos(c.load(Ordering::Relaxed));
    report
        .phases
        .push(("  sites, CPU total", cpu(&render_nanos)));
    report
        .phases
        .push(("  templates, CPU", cpu(&timers.templates)));
    report.phases.push(("  charts, CPU", cpu(&timers.charts)));
    report.phases.push(("  posters, CPU", cpu(&timers.posters)));
    report.phases.push(("  OGP images, CPU", cpu(&timers.ogp)));
    report
        .phases
        .push(("  write pages, CPU", cpu(&timers.write)));
    report.slowest_templates = timers.slowest_templates();

    let started = Instant::now();
    report.written = staging.stats.written.load(Ordering::Relaxed);
    report.unchanged = staging.stats.unchanged.load(Ordering::Relaxed);
    report.reused = staging.stats.reused.load(Ordering::Relaxed);
    report.bytes = staging.stats.bytes.load(Ordering::Relaxed);
    let manifest = staging.commit()?;
    cache.save(&manifest, &mut problems);
    report.phases.push(("swap", started.elapsed()));
    report.sites = total;
    report.files = files.into_inner();
    report.problems = problems;
    Ok(report)
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
            crate::output::hash_bytes(out.to_string_lossy().as_bytes())
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
                    &self.path,
                    0,
                    0,
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
                    &self.path,
                    0,
                    0,
                    format!("ビルドのキャッシュが壊れています（{why}）"),
                    "すべてを作り直します。.outreach-cache フォルダは削除してかまいません",
                );
                None
            }
        }
    }

    pub fn save(&self, manifest: &Manifest, problems: &mut Problems) {
        if let Err(e) = write_atomic(&self.path, manifest.to_text(self.generator).as_bytes()) {
            problems.warning(
                &self.path,
                0,
                0,
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
            .map(|bytes| crate::output::hash_bytes(&bytes))
            .unwrap_or(0)
    })
}
