//! Command line: `outreach build`, `check`, `serve`, `new`, `changes`,
//! `merge` and `bench`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::build::{BuildError, BuildOptions, Project, Selection, build};
use crate::problems::{Problem, Problems};

#[derive(Parser, Debug)]
#[command(
    name = "outreach",
    version,
    about = "ケアプランデータ連携システムの普及サイトを、全国・都道府県・市区町村ごとに作ります"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build every site (or a subset) into the output folder.
    Build(BuildArgs),
    /// Check every input file and report all problems without writing anything.
    Check(CheckArgs),
    /// Build a generated national-scale project and print per-phase times, pages/s and peak memory.
    Bench(BenchArgs),
    /// Combine the output folders of `build --shard I/N` runs into one.
    Merge(MergeArgs),
    /// Preview the sites while you edit: build into a temporary folder, serve
    /// it on 127.0.0.1, rebuild and reload on every save.
    Serve(ServeArgs),
    /// Create a new project (`new DIR`), or add a site's local folder and its
    /// data/sites.yaml entry to a project (`new --site CODE`).
    New(NewArgs),
    /// Compare what the project would build now with a published copy, for
    /// approval: pages, figures, posters and files that change.
    Changes(ChangesArgs),
}

#[derive(clap::Args, Debug)]
pub struct SelectArgs {
    /// Only this site (6-digit code; 000000 = national). Repeatable.
    #[arg(long = "only", value_name = "CODE")]
    pub only: Vec<String>,
    /// This prefecture's site and its municipalities' sites (6-digit code).
    #[arg(long, value_name = "CODE")]
    pub prefecture: Option<String>,
}

impl SelectArgs {
    fn selection(self) -> Selection {
        Selection {
            only: self.only,
            prefecture: self.prefecture,
            shard: None,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The port on 127.0.0.1 (the next free one is used when it is taken; 0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Skip posters (PDF/PNG) and print packs: faster rebuilds.
    #[arg(long)]
    pub no_posters: bool,
    /// Skip posters and OGP images: pages, charts and data only (the fastest).
    #[arg(long)]
    pub no_images: bool,
    /// Posters with 3 mm bleed and crop marks (トンボ).
    #[arg(long)]
    pub print_marks: bool,
}

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The folder of the new project (new or empty).
    #[arg(value_name = "DIR", conflicts_with = "site")]
    pub dir: Option<PathBuf>,
    /// Add this site's local folder (content/municipalities/CODE or
    /// content/prefectures/CODE) with example pages, and its data/sites.yaml entry.
    #[arg(long, value_name = "CODE")]
    pub site: Option<String>,
    /// The project to add the site to (with --site).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The day the example event is dated from, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ChangesArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The published copy: an output folder (the last public/, the server's copy)
    /// or, with one --only, that site's folder.
    #[arg(long, value_name = "DIR")]
    pub against: PathBuf,
    /// Write a printable HTML report here (and a CSV beside it, FILE.csv).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Do not build or compare posters (faster).
    #[arg(long)]
    pub no_posters: bool,
}

#[derive(clap::Args, Debug)]
pub struct ProjectArgs {
    /// The project folder (with config.yaml, content/, data/, themes/).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The build date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH when set, else today).
    #[arg(long)]
    pub date: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The output folder; replaced only when the build succeeds.
    #[arg(long, default_value = "public")]
    pub out: PathBuf,
    /// Build only this site (6-digit code; 000000 = national). Repeatable.
    #[arg(long = "only", value_name = "CODE")]
    pub only: Vec<String>,
    /// Build this prefecture's site and its municipalities' sites (6-digit code).
    #[arg(long, value_name = "CODE")]
    pub prefecture: Option<String>,
    /// Build only part I of N (e.g. 2/3), balanced by page count, for CI matrices.
    /// Merge the parts with `outreach merge` or by copying the folders together.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::build::Shard>,
    /// Print the time each phase took.
    #[arg(long)]
    pub timings: bool,
    /// Skip posters (PDF/PNG) and print packs, e.g. to preview pages quickly.
    #[arg(long)]
    pub no_posters: bool,
    /// Skip posters and OGP images: pages, charts and data only (the fastest preview).
    #[arg(long)]
    pub no_images: bool,
    /// Posters with 3 mm bleed and crop marks (トンボ) for print shops.
    #[arg(long)]
    pub print_marks: bool,
    /// Also write one zip per built site into this folder (m-221007.zip,
    /// p-220001.zip, national.zip): deterministic, unzips to the site folder.
    #[arg(long, value_name = "DIR")]
    pub zip: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// The project whose settings, data and theme the generated project copies.
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Guide pages of generated Markdown shared by every site (~1,800 characters each).
    #[arg(long, default_value_t = 16)]
    pub pages: usize,
    /// Build only the first N sites (default: all 1,789).
    #[arg(long)]
    pub sites: Option<usize>,
    /// Render posters as well (default: pages only, as in the Hugo comparison).
    #[arg(long)]
    pub posters: bool,
    /// Where to generate the project and its output.
    #[arg(long)]
    pub work: Option<PathBuf>,
    /// The build date (YYYY-MM-DD).
    #[arg(long, default_value = "2026-11-29")]
    pub date: String,
    /// Only write a Hugo site with the same number of pages into this folder
    /// (for benches/hugo_compare.sh), and the outreach project beside it.
    #[arg(long)]
    pub hugo_site: Option<PathBuf>,
    /// Benchmark the office finder and the site search instead: the sample
    /// project with generated offices, pages only; prints what each partner
    /// page loads and every site's search index size.
    #[arg(long)]
    pub finder: bool,
    /// Offices in the country (with --finder).
    #[arg(long, default_value_t = 20_000)]
    pub offices: usize,
    /// The prefecture that holds --prefecture-offices of them (with --finder).
    #[arg(long, default_value = "220001", value_parser = prefecture_code)]
    pub prefecture: crate::data::jis::Code,
    /// Offices in --prefecture (with --finder).
    #[arg(long, default_value_t = 2_000)]
    pub prefecture_offices: usize,
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The combined output folder (replaced only when the merge succeeds).
    #[arg(long, default_value = "public")]
    pub out: PathBuf,
    /// The shard output folders.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format: human (default) or json (stable, for scripts).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// The build date: `--date`, else SOURCE_DATE_EPOCH, else today (local).
pub fn build_date(arg: Option<&str>) -> Result<Date> {
    if let Some(s) = arg {
        return crate::dates::parse_iso(s)
            .with_context(|| format!("--date「{s}」を読めません。YYYY-MM-DD で指定してください"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH「{epoch}」が整数ではありません"))?;
        let ts = jiff::Timestamp::from_second(secs).context("SOURCE_DATE_EPOCH が範囲外です")?;
        return Ok(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    Ok(jiff::ZonedDateTime::now().date())
}

fn print_problems(problems: &Problems) {
    for p in problems.sorted() {
        eprintln!("{p}");
    }
}

/// Print a benchmark's report, or the problems that stopped it.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Bench(args) => run_bench(args),
        Command::Serve(args) => run_serve(args),
        Command::New(args) => run_new(args),
        Command::Changes(args) => run_changes(args),
        Command::Merge(args) => match crate::output::merge(&args.inputs, &args.out) {
            Ok(files) => {
                eprintln!("{} ファイルを {} にまとめました", files, args.out.display());
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("エラー: {e}");
                eprintln!(
                    "まとめを中止しました。{} は変更していません。",
                    args.out.display()
                );
                Ok(ExitCode::from(1))
            }
        },
    }
}

/// Print why the output folder was refused (or could not be written).
fn output_refused(e: &crate::output::OutputError, out: &std::path::Path) -> ExitCode {
    eprintln!("エラー: {e}");
    eprintln!(
        "何も書き込んでいません。{} は変更していません。",
        out.display()
    );
    ExitCode::from(1)
}

/// Print a bench report, or why the bench could not run.
fn print_report(
    result: std::result::Result<String, BuildError>,
    work: &std::path::Path,
) -> ExitCode {
    match result {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(BuildError::Problems(p)) => {
            print_problems(&p);
            ExitCode::from(1)
        }
        Err(BuildError::Output(e)) => output_refused(&e, work),
    }
}

/// A prefecture's 6-digit code on the command line (`--prefecture 220001`).
fn prefecture_code(text: &str) -> std::result::Result<crate::data::jis::Code, String> {
    let code = crate::data::jis::Code::parse(text).map_err(|e| e.to_string())?;
    if code.is_prefecture() && code.prefecture_number().is_some() {
        Ok(code)
    } else {
        Err(format!(
            "「{text}」は都道府県の団体コードではありません（例: 静岡県は 220001）"
        ))
    }
}

fn run_bench(args: BenchArgs) -> Result<ExitCode> {
    let date = build_date(Some(&args.date))?;
    let work = args.work.unwrap_or_else(crate::bench::default_work_dir);
    let shape = crate::bench::BenchShape {
        pages_per_site: args.pages,
        sites: args.sites,
        posters: args.posters,
    };
    if args.finder {
        let shape = crate::bench::FinderShape {
            offices: args.offices,
            prefecture: args.prefecture,
            prefecture_offices: args.prefecture_offices.min(args.offices),
            sites: args.sites,
        };
        return Ok(print_report(
            crate::bench::run_finder(&args.project, &work, &shape, date),
            &work,
        ));
    }
    // Both folders are checked before either is touched.
    for dir in std::iter::once(&work).chain(&args.hugo_site) {
        if let Err(e) = crate::output::claim_bench_folder(dir, &args.project) {
            return Ok(output_refused(&e, dir));
        }
    }
    if let Some(hugo) = &args.hugo_site {
        let sites = args.sites.unwrap_or(1789);
        let prepared = crate::bench::generate_hugo(hugo, sites, args.pages)
            .and_then(|()| crate::bench::prepare(&args.project, &work, &shape));
        if let Err(e) = prepared {
            return Ok(output_refused(&e, &work));
        }
        println!(
            "Hugo site: {} ({} sections × {} pages); outreach project: {}",
            hugo.display(),
            sites,
            args.pages,
            work.join("project").display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    Ok(print_report(
        crate::bench::run(&args.project, &work, &shape, date),
        &work,
    ))
}

/// Refuse a folder that is not a project, before anything is done.
fn require_project(project: &std::path::Path) -> Result<()> {
    if !project.join("config.yaml").exists() {
        bail!(
            "{} に config.yaml がありません。プロジェクトのフォルダで実行するか --project で指定してください（新しく始めるなら outreach new フォルダ名）",
            project.display()
        );
    }
    Ok(())
}

fn run_build(args: BuildArgs) -> Result<ExitCode> {
    let date = build_date(args.project.date.as_deref())?;
    require_project(&args.project.project)?;
    // The zip folder is checked with the output, before anything is built.
    let zip_target = match &args.zip {
        Some(dir) => match crate::output::check_zip_folder(dir, &args.out, &args.project.project) {
            Ok(target) => Some(target),
            Err(e) => return Ok(output_refused(&e, dir)),
        },
        None => None,
    };
    let started = Instant::now();
    let options = BuildOptions {
        project: args.project.project,
        out: args.out.clone(),
        selection: Selection {
            only: args.only,
            prefecture: args.prefecture,
            shard: args.shard,
        },
        build_date: date,
        progress: true,
        posters: !args.no_posters && !args.no_images,
        ogp_images: !args.no_images,
        print_marks: args.print_marks.then_some(true),
    };
    match build(&options) {
        Ok(report) => {
            print_problems(&report.problems);
            eprintln!(
                "{} サイト、{} ファイルを {} に作りました（{:.2} 秒、基準日 {date}）。書き込み {} ファイル（{:.1} MB）、変更なし {} ファイル、前回から再利用 {} ファイル",
                report.sites,
                report.files,
                args.out.display(),
                started.elapsed().as_secs_f64(),
                report.written,
                report.bytes as f64 / 1_000_000.0,
                report.unchanged,
                report.reused,
            );
            let carried = &report.carried;
            if carried.other_sites + carried.foreign > 0 {
                eprintln!(
                    "残したファイル: ほかのサイトの {} ファイル、outreach が作ったものではない {} ファイル（フォルダ {}）",
                    carried.other_sites, carried.foreign, carried.foreign_dirs
                );
            }
            if let (Some(target), Some(zip_dir)) = (&zip_target, &args.zip) {
                let zips: Vec<crate::output::SiteZip> = report
                    .built
                    .iter()
                    .map(|s| crate::output::SiteZip::for_site_dir(&s.dir))
                    .collect();
                let stamp = (
                    u16::try_from(date.year()).unwrap_or(1980),
                    u8::try_from(date.month()).unwrap_or(1),
                    u8::try_from(date.day()).unwrap_or(1),
                );
                let zip_started = Instant::now();
                match crate::output::write_zips(
                    target,
                    &args.out,
                    &zips,
                    &report.all_site_dirs,
                    stamp,
                    report.partial,
                    true,
                ) {
                    Ok(made) => eprintln!(
                        "{} サイトの zip を {} に作りました（{} ファイル、{:.1} MB、{:.2} 秒）",
                        made.zips,
                        zip_dir.display(),
                        made.files,
                        made.bytes as f64 / 1_000_000.0,
                        zip_started.elapsed().as_secs_f64()
                    ),
                    Err(e) => {
                        eprintln!("エラー: {e}");
                        eprintln!(
                            "zip を作れませんでした。{} は変更していません（サイトは {} にできています）。",
                            zip_dir.display(),
                            args.out.display()
                        );
                        return Ok(ExitCode::from(1));
                    }
                }
            }
            if args.timings {
                eprintln!("段階ごとの時間:");
                for (phase, d) in &report.phases {
                    eprintln!("  {phase:<26} {:>9.3} 秒", d.as_secs_f64());
                }
                eprintln!(
                    "前回の出力から使う前に読み直して確かめたファイル: {}（{:.1} MB）、作ったフォルダ: {}",
                    report.verified,
                    report.verified_bytes as f64 / 1_000_000.0,
                    report.dirs
                );
                eprintln!("時間のかかったテンプレート（CPU 時間の合計）:");
                for (name, pages, d) in report.slowest_templates.iter().take(10) {
                    eprintln!("  {name:<22} {pages:>7} ページ {:>9.3} 秒", d.as_secs_f64());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(BuildError::Problems(problems)) => {
            print_problems(&problems);
            eprintln!(
                "ビルドを中止しました: エラー {} 件、警告 {} 件。{} は変更していません。",
                problems.error_count(),
                problems.warning_count(),
                args.out.display()
            );
            Ok(ExitCode::from(1))
        }
        Err(BuildError::Output(e)) => Ok(output_refused(&e, &args.out)),
    }
}

#[derive(serde::Serialize)]
struct CheckOutput {
    errors: usize,
    warnings: usize,
    problems: Vec<Problem>,
}

fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let date = build_date(args.project.date.as_deref())?;
    let mut problems = Problems::new();
    let _ = Project::load(&args.project.project, date, &mut problems);
    match args.format {
        Format::Human => {
            for p in problems.sorted() {
                println!("{p}");
            }
            println!(
                "エラー {} 件、警告 {} 件",
                problems.error_count(),
                problems.warning_count()
            );
        }
        Format::Json => {
            let out = CheckOutput {
                errors: problems.error_count(),
                warnings: problems.warning_count(),
                problems: problems.sorted(),
            };
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
    }
    Ok(if problems.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    require_project(&args.project.project)?;
    // A fixed date when one is given (or SOURCE_DATE_EPOCH is set); else each
    // rebuild uses the day it runs.
    let date = if args.project.date.is_some() || std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        Some(build_date(args.project.date.as_deref())?)
    } else {
        None
    };
    let options = crate::serve::ServeOptions {
        project: args.project.project,
        selection: args.select.selection(),
        port: args.port,
        date,
        posters: !args.no_posters && !args.no_images,
        ogp_images: !args.no_images,
        print_marks: args.print_marks.then_some(true),
    };
    match crate::serve::serve(&options) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("エラー: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn run_new(args: NewArgs) -> Result<ExitCode> {
    let date = build_date(args.date.as_deref())?;
    match (args.dir, args.site) {
        (Some(dir), _) => match crate::scaffold::new_project(&dir, date) {
            Ok(files) => {
                let shown = dir.display();
                println!(
                    "{shown} に新しいプロジェクトを作りました（{} ファイル）。",
                    files.len()
                );
                println!("次にすること:");
                println!("  1. {shown}/config.yaml の publisher に発行者の名前を書く");
                println!(
                    "  2. 自分のサイトのページを足す: outreach new --project {shown} --site 団体コード"
                );
                println!("  3. 確かめる: outreach check --project {shown}");
                println!("  4. 見ながら書く: outreach serve --project {shown} --only 団体コード");
                println!(
                    "  5. 作る: outreach build --project {shown} --only 団体コード --zip zips"
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("エラー: {e}");
                Ok(ExitCode::from(1))
            }
        },
        (None, Some(code)) => {
            require_project(&args.project)?;
            match crate::scaffold::new_site(&args.project, &code) {
                Ok(added) => {
                    println!(
                        "{}（{code}）のフォルダ {} を作り、data/sites.yaml に設定を足しました:",
                        added.full_name, added.folder
                    );
                    for file in &added.files {
                        println!("  {file}");
                    }
                    println!(
                        "記入例には「サンプル・架空」と表示されます。書き換えたら各ファイルの illustrative の行を消してください。"
                    );
                    println!(
                        "見ながら書く: outreach serve --project {} --only {code}",
                        args.project.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("エラー: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        (None, None) => {
            eprintln!(
                "エラー: 作るものを指定してください。新しいプロジェクトは outreach new フォルダ名、サイトのページの追加は outreach new --site 団体コード です"
            );
            Ok(ExitCode::from(2))
        }
    }
}

fn run_changes(args: ChangesArgs) -> Result<ExitCode> {
    use crate::changes::{ChangesError, ChangesOptions, report};
    let date = build_date(args.project.date.as_deref())?;
    let project = args.project.project;
    require_project(&project)?;
    // Both report files are checked before anything is built.
    let reports = match &args.report {
        Some(html) => {
            if html
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            {
                bail!(
                    "--report には .html のファイル名を指定してください（CSV は同じ名前の .csv で横に作ります）"
                );
            }
            let csv = html.with_extension("csv");
            for (path, marker) in [
                (html.as_path(), report::HTML_MARKER.as_bytes().to_vec()),
                (csv.as_path(), report::csv_marker()),
            ] {
                if let Err(e) = crate::output::check_report_path(path, &marker, &project) {
                    return Ok(output_refused(&e, path));
                }
            }
            Some((html.clone(), csv))
        }
        None => None,
    };
    let options = ChangesOptions {
        project,
        against: args.against,
        selection: args.select.selection(),
        build_date: date,
        posters: !args.no_posters,
        progress: true,
    };
    let changes = match crate::changes::run(&options) {
        Ok(changes) => changes,
        Err(ChangesError::Problems(problems)) => {
            print_problems(&problems);
            eprintln!(
                "比べられませんでした: エラー {} 件、警告 {} 件。先に直してください。",
                problems.error_count(),
                problems.warning_count()
            );
            return Ok(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("エラー: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    print!("{}", report::summary(&changes));
    if let Some((html, csv)) = reports {
        let created = jiff::ZonedDateTime::now().date().to_string();
        let written =
            crate::output::write_report(&html, report::html(&changes, &created).as_bytes())
                .and_then(|()| crate::output::write_report(&csv, &report::csv(&changes)));
        if let Err(e) = written {
            eprintln!("エラー: {e}");
            return Ok(ExitCode::from(1));
        }
        println!("報告書: {}（CSV: {}）", html.display(), csv.display());
    }
    Ok(ExitCode::SUCCESS)
}
