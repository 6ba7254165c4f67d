//! `outreach bench`: builds a generated national-scale project and prints
//! per-phase times, pages per second and peak memory. Figures are printed,
//! never asserted: the machine is noisy, so compare runs side by side.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::Date;

use crate::build::{BuildError, BuildOptions, Selection, build};
use crate::data::jis::Code as JisCode;
use crate::output::OutputError;
use crate::problems::{Code, Location};

/// The shape of the generated project.
#[derive(Debug, Clone)]
pub struct BenchShape {
    /// Pages of Markdown shared by every site (the guides).
    pub pages_per_site: usize,
    /// Build only the first N sites (national, prefectures, municipalities in code order).
    pub sites: Option<usize>,
    /// Render posters too (the Hugo comparison is without posters).
    pub posters: bool,
}

/// One generated guide page: about 1,800 Japanese characters with a heading,
/// a list, a table and links to its neighbours, like the Hugo comparison pages.
pub fn generated_page(index: usize, total: usize) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "---\ntitle: ガイド {index:02}：ケアプランの連携\ndescription: 生成した比較用のページ {index} です。\norder: {index}\n---"
    );
    let _ = writeln!(body, "## 第{index}章 データ連携のあらまし\n");
    for paragraph in 0..6 {
        let _ = writeln!(
            body,
            "居宅介護支援事業所とサービス事業所は、毎月のサービス提供票や計画書をやり取りしています。\
             紙やFAXでのやり取りは、印刷、送信、受け取ったあとの転記に時間がかかります。\
             ケアプランデータ連携システムを使うと、標準仕様のCSVファイルをそのまま送受信でき、\
             転記の手間と誤りを減らせます。段落{paragraph}では、その流れを順に説明します。\
             導入の前に、介護ソフトの対応状況、電子証明書、連携先の事業所を確認しておきましょう。\n"
        );
    }
    body.push_str("- 介護ソフトの対応を確認する\n- 利用申請をする\n- 電子証明書を用意する\n- 連携先と試しにやり取りする\n\n");
    body.push_str("| 項目 | 紙・FAX | データ連携 |\n| --- | --- | --- |\n| 送付 | 印刷して送信 | ファイルを送信 |\n| 受け取り | 手で転記 | ソフトに取り込み |\n| 費用 | 紙・通信費 | ライセンス料 |\n\n");
    let prev = if index > 1 { index - 1 } else { total };
    let next = if index < total { index + 1 } else { 1 };
    let _ = writeln!(
        body,
        "前のページは[ガイド {prev:02}](@/guides/page-{prev:02}.md)、次のページは[ガイド {next:02}](@/guides/page-{next:02}.md)です。"
    );
    body
}

/// Copy the project's settings, data and theme, and replace its content with
/// generated pages.
pub fn generate(project: &Path, dest: &Path, shape: &BenchShape) -> std::io::Result<()> {
    fs::create_dir_all(dest.join("content/guides"))?;
    fs::copy(project.join("config.yaml"), dest.join("config.yaml"))?;
    copy_tree(&project.join("data"), &dest.join("data"))?;
    copy_tree(&project.join("themes"), &dest.join("themes"))?;
    fs::write(
        dest.join("content/guides/_index.md"),
        "---\ntitle: ガイド\ndescription: 生成したガイドの一覧です。\n---\n",
    )?;
    for i in 1..=shape.pages_per_site {
        fs::write(
            dest.join(format!("content/guides/page-{i:02}.md")),
            generated_page(i, shape.pages_per_site),
        )?;
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(std::io::Error::other)?;
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Build a generated project into `out`; the report and the wall time in seconds.
fn timed_build(
    project: PathBuf,
    out: &Path,
    selection: Selection,
    date: Date,
    posters: bool,
) -> Result<(crate::build::BuildReport, f64), BuildError> {
    let options = BuildOptions {
        project,
        out: out.to_path_buf(),
        selection,
        build_date: date,
        progress: true,
        posters,
        ogp_images: posters,
        print_marks: None,
    };
    let started = Instant::now();
    let result = build(&options)?;
    Ok((result, started.elapsed().as_secs_f64()))
}

/// The generated project could not be written.
fn work_error(work: &Path, e: std::io::Error) -> BuildError {
    let mut problems = crate::problems::Problems::new();
    problems.error(
        Code::BenchUnwritable,
        Location::file(work),
        format!("ベンチマーク用のプロジェクトを作れません: {e}"),
        "",
    );
    BuildError::Problems(problems)
}

/// Peak resident memory of this process in MiB (Linux), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Empty the bench folder `work` and generate the project in `work/project`.
/// `work` must be new, empty or an earlier bench folder (checked first; a
/// folder that is not one is refused and left as it is).
pub fn prepare(project: &Path, work: &Path, shape: &BenchShape) -> Result<PathBuf, OutputError> {
    crate::output::claim_bench_folder(work, project)?;
    crate::output::reset_bench_folder(work)?;
    let generated = work.join("project");
    generate(project, &generated, shape).map_err(|source| OutputError::Write {
        path: generated.clone(),
        source,
    })?;
    Ok(generated)
}

/// Generate, build and report. Returns the printed report.
pub fn run(
    project: &Path,
    work: &Path,
    shape: &BenchShape,
    date: Date,
) -> Result<String, BuildError> {
    let generated = prepare(project, work, shape)?;
    let mut selection = Selection::default();
    if let Some(n) = shape.sites {
        let mut problems = crate::problems::Problems::new();
        let master = crate::data::jis::MasterList::load(
            &generated.join("data/municipalities.csv"),
            &mut problems,
        );
        selection.only = std::iter::once(crate::model::NATIONAL_CODE.to_string())
            .chain(master.prefectures.iter().map(|p| p.code.to_string()))
            .chain(master.municipalities.iter().map(|m| m.code.to_string()))
            .take(n)
            .collect();
    }
    let out = work.join("public");
    let mut report = String::new();
    let (result, wall) = timed_build(generated, &out, selection, date, shape.posters)?;
    let html_pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    let _ = writeln!(
        report,
        "outreach bench: {} sites, {} pages of Markdown shared per site",
        result.sites, shape.pages_per_site
    );
    let _ = writeln!(report, "  files written   {:>10}", result.files);
    let _ = writeln!(report, "  HTML pages      {:>10}", html_pages);
    let _ = writeln!(
        report,
        "  bytes written   {:>10.1} MB",
        result.bytes as f64 / 1e6
    );
    for (phase, d) in &result.phases {
        let _ = writeln!(report, "  {phase:<26} {:>8.3} s", d.as_secs_f64());
    }
    let _ = writeln!(report, "  wall            {:>10.3} s", wall);
    let _ = writeln!(
        report,
        "  pages/s         {:>10.0}",
        html_pages as f64 / wall
    );
    let _ = writeln!(report, "  slowest templates (CPU):");
    for (name, pages, d) in result.slowest_templates.iter().take(5) {
        let _ = writeln!(
            report,
            "    {name:<20} {pages:>7} pages {:>8.3} s",
            d.as_secs_f64()
        );
    }
    if let Some(rss) = peak_rss_mib() {
        let _ = writeln!(report, "  peak RSS        {:>10.0} MiB", rss);
    }
    Ok(report)
}

/// Write a Hugo site with the same pages, for a side-by-side comparison: one
/// section per site, each with the same generated pages (Hugo renders every
/// page's Markdown; outreach renders shared Markdown once), and a minimal
/// theme with a nav over the sibling pages. `dest` is a bench folder (see
/// [`prepare`]): checked with [`crate::output::claim_bench_folder`] first.
pub fn generate_hugo(dest: &Path, sites: usize, pages: usize) -> Result<(), OutputError> {
    crate::output::reset_bench_folder(dest)?;
    write_hugo(dest, sites, pages).map_err(|source| OutputError::Write {
        path: dest.to_path_buf(),
        source,
    })
}

fn write_hugo(dest: &Path, sites: usize, pages: usize) -> std::io::Result<()> {
    fs::create_dir_all(dest.join("layouts/_default"))?;
    fs::write(
        dest.join("hugo.toml"),
        "baseURL = \"/\"\nlanguageCode = \"ja\"\ntitle = \"比較用サイト\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\nrelativeURLs = true\n[markup.goldmark.renderer]\nunsafe = false\n",
    )?;
    fs::write(
        dest.join("layouts/_default/baseof.html"),
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    )?;
    fs::write(
        dest.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<nav><ul>{{ range .CurrentSection.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></nav><main><h1>{{ .Title }}</h1>{{ .Content }}</main>{{ end }}\n",
    )?;
    fs::write(
        dest.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></main>{{ end }}\n",
    )?;
    for site in 1..=sites {
        let dir = dest.join(format!("content/s{site:04}"));
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: サイト {site}\n---\n"),
        )?;
        for i in 1..=pages {
            // Hugo has no @/ links: point them at the sibling page's URL.
            let page = generated_page(i, pages)
                .replace("](@/guides/page-", "](../page-")
                .replace(".md)", "/)")
                .replace("order:", "weight:");
            fs::write(dir.join(format!("page-{i:02}.md")), page)?;
        }
    }
    Ok(())
}

/// Default work folder for `outreach bench`.
pub fn default_work_dir() -> PathBuf {
    std::env::temp_dir().join("outreach-bench")
}

/// The offices `outreach bench --finder` generates: about the national count of
/// offices using the system in 2026, with one prefecture holding many.
#[derive(Debug, Clone)]
pub struct FinderShape {
    /// Offices in the whole country (the national site's finder).
    pub offices: usize,
    /// The prefecture that holds `prefecture_offices` of them.
    pub prefecture: JisCode,
    pub prefecture_offices: usize,
    /// Build only the first N sites (default: all).
    pub sites: Option<usize>,
}

/// A 64-bit mix of a number (splitmix64's finaliser): deterministic variety.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// How many of `n` offices each municipality gets, in proportion to its
/// weight: office `i` goes where the running total of weights passes
/// `(i + ½) / n` of the whole.
fn spread(n: usize, weights: &[(JisCode, f64)]) -> Vec<(JisCode, usize)> {
    let total: f64 = weights.iter().map(|(_, w)| w).sum();
    let mut counts = vec![0usize; weights.len()];
    let mut at = 0usize;
    let mut passed = weights.first().map_or(0.0, |(_, w)| *w);
    for i in 0..n {
        let target = (i as f64 + 0.5) / n as f64 * total;
        while passed < target && at + 1 < weights.len() {
            at += 1;
            passed += weights[at].1;
        }
        counts[at] += 1;
    }
    weights
        .iter()
        .zip(counts)
        .map(|((code, _), c)| (*code, c))
        .collect()
}

/// Service types with the commoner ones more often, as among real offices.
const SERVICE_WEIGHTS: &[(usize, u64)] = &[
    (0, 6),
    (1, 5),
    (2, 3),
    (3, 1),
    (4, 1),
    (5, 4),
    (6, 3),
    (7, 1),
    (8, 2),
    (9, 1),
    (10, 2),
    (11, 1),
    (12, 1),
    (13, 1),
    (14, 1),
    (15, 1),
];

/// `data/offices.csv` with `shape.offices` invented offices (every column
/// filled, see [`crate::sample`]), `shape.prefecture_offices` of them in
/// `shape.prefecture`, the rest over the other prefectures; within each, in
/// proportion to each municipality's offices using the system in the newest
/// snapshot (1 where it has none).
pub fn generate_offices(
    master: &crate::data::jis::MasterList,
    adoption: &crate::data::adoption::Adoption,
    shape: &FinderShape,
    before: Date,
) -> String {
    let latest = adoption.snapshots.last();
    let weight = |code: &str| {
        latest
            .and_then(|s| s.municipalities.get(code))
            .map_or(1.0, |f| f.using.max(1) as f64)
    };
    let (inside, outside): (Vec<_>, Vec<_>) = master
        .municipalities
        .iter()
        .map(|m| (m.code, weight(&m.code)))
        .partition(|(code, _)| code.is_in(&shape.prefecture));
    let mut counts = spread(shape.prefecture_offices, &inside);
    counts.extend(spread(
        shape.offices.saturating_sub(shape.prefecture_offices),
        &outside,
    ));
    counts.sort();
    let start: Date = "2023-04-01".parse().expect("a date");
    let days = start.until(before).map_or(1, |s| s.get_days().max(1)) as u64;
    let service_total: u64 = SERVICE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut serials: std::collections::BTreeMap<String, u64> = Default::default();
    let mut out = String::from(
        "office_number,name,reading,service_type,municipality_code,address,phone,corporate_number,since,illustrative\n",
    );
    for (code, count) in counts {
        let place = crate::fingerprint::of(code.as_bytes());
        let Some(m) = master.municipality(&code) else {
            continue;
        };
        let Some(p) = master.prefecture_of(&m.code) else {
            continue;
        };
        for _ in 0..count {
            let serial = serials.entry(p.number().to_string()).or_default();
            *serial += 1;
            let seed = mix(place ^ *serial);
            let mut pick = seed % service_total;
            let service = SERVICE_WEIGHTS
                .iter()
                .find(|(_, w)| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                })
                .map_or(crate::data::offices::SERVICE_TYPES[0], |(i, _)| {
                    crate::data::offices::SERVICE_TYPES[*i]
                });
            let flower = crate::sample::FLOWERS[(mix(seed) % 16) as usize];
            let district = crate::sample::DISTRICTS
                .get((mix(seed ^ 1) % 16) as usize)
                .copied();
            let (name, reading) = crate::sample::office_name(service, flower, district);
            let body = format!("{}7{:06}", p.number(), *serial % 1_000_000);
            let check = crate::data::offices::office_check_digit(&body).expect("digits") as char;
            let corporate = if seed.is_multiple_of(4) {
                String::new()
            } else {
                crate::sample::corporate_number(mix(seed ^ 2))
            };
            let since = start
                .checked_add(jiff::Span::new().days((mix(seed ^ 3) % days) as i64))
                .expect("a date in range");
            let _ = writeln!(
                out,
                "{body}{check},{name},{reading},{service},{code},{},{},{corporate},{since},true",
                crate::sample::address(&p.name, &m.name, mix(seed ^ 4)),
                crate::sample::phone(&code, place, *serial),
            );
        }
    }
    out
}

/// Bytes of `data` gzip-compressed (level 6, as web servers commonly send).
pub fn gzip_len(data: &[u8]) -> usize {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(data).expect("writing to memory");
    encoder.finish().expect("writing to memory").len()
}

fn kib(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.2} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} KB", bytes as f64 / 1e3)
    }
}

/// Raw and gzip sizes of the files a site's page loads (`rels` under `site`).
fn page_bytes(out: &Path, site: &str, rels: &[&str]) -> (usize, usize) {
    rels.iter()
        .filter_map(|rel| fs::read(out.join(site).join(rel)).ok())
        .fold((0, 0), |(raw, gz), bytes| {
            (raw + bytes.len(), gz + gzip_len(&bytes))
        })
}

/// `outreach bench --finder`: the sample project with `shape.offices`
/// generated offices, built pages only; reports what each partner page loads
/// (raw and gzip) and the search index of every site. The query time is
/// measured in Chromium by `benches/finder_bench.sh` over the same output.
pub fn run_finder(
    project: &Path,
    work: &Path,
    shape: &FinderShape,
    date: Date,
) -> Result<String, BuildError> {
    // The same claim as `prepare`: only a new, empty or earlier bench folder is emptied.
    crate::output::claim_bench_folder(work, project)?;
    crate::output::reset_bench_folder(work)?;
    let generated = work.join("project");
    let io_error = |e: std::io::Error| work_error(work, e);
    fs::create_dir_all(&generated).map_err(io_error)?;
    fs::copy(project.join("config.yaml"), generated.join("config.yaml")).map_err(io_error)?;
    for folder in ["content", "data", "themes"] {
        copy_tree(&project.join(folder), &generated.join(folder)).map_err(io_error)?;
    }
    let mut problems = crate::problems::Problems::new();
    let master = crate::data::jis::MasterList::load(
        &generated.join("data/municipalities.csv"),
        &mut problems,
    );
    let adoption = crate::data::adoption::load(
        &generated.join("data/adoption"),
        &master,
        date,
        &mut problems,
    );
    let csv = generate_offices(&master, &adoption, shape, date);
    fs::write(generated.join("data/offices.csv"), &csv).map_err(io_error)?;

    let mut selection = Selection::default();
    if let Some(n) = shape.sites {
        selection.only = std::iter::once(crate::model::NATIONAL_CODE.to_string())
            .chain(std::iter::once(shape.prefecture.to_string()))
            .chain(master.municipalities.iter().map(|m| m.code.to_string()))
            .take(n.max(2))
            .collect();
    }
    let out = work.join("public");
    let (result, wall) = timed_build(generated, &out, selection, date, false)?;

    let mut report = String::new();
    let _ = writeln!(
        report,
        "outreach bench --finder: {} offices ({} in {}), {} sites built pages only in {wall:.1} s",
        shape.offices, shape.prefecture_offices, shape.prefecture, result.sites
    );
    let _ = writeln!(
        report,
        "  offices.csv        {:>10} ({} rows)",
        kib(csv.len()),
        csv.lines().count() - 1
    );
    let count_offices = |site: &str| -> usize {
        let text = fs::read_to_string(out.join(site).join("search/offices.js")).unwrap_or_default();
        text.strip_prefix("window.OUTREACH_OFFICES=")
            .and_then(|t| t.trim_end().strip_suffix(';'))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v["offices"].as_array().map(Vec::len))
            .unwrap_or(0)
    };
    let _ = writeln!(
        report,
        "  partner page (raw / gzip): data = search/offices.js; page = partners.html + data + finder.js + textmatch.js"
    );
    let mut rows: Vec<(String, String)> = vec![
        ("national".to_string(), String::new()),
        (
            format!("prefecture {}", shape.prefecture),
            format!("p/{}", shape.prefecture),
        ),
    ];
    // The largest and the median municipality by offices listed.
    let mut municipal: Vec<(usize, String)> = master
        .municipalities
        .iter()
        .map(|m| format!("m/{}", m.code))
        .filter(|dir| out.join(dir).join("search/offices.js").is_file())
        .map(|dir| (count_offices(&dir), dir))
        .collect();
    municipal.sort();
    if let Some((_, dir)) = municipal.last() {
        rows.push((format!("largest municipality {}", &dir[2..]), dir.clone()));
    }
    if !municipal.is_empty() {
        let (_, dir) = &municipal[municipal.len() / 2];
        rows.push((format!("median municipality {}", &dir[2..]), dir.clone()));
    }
    for (label, dir) in &rows {
        let (data_raw, data_gz) = page_bytes(&out, dir, &["search/offices.js"]);
        let (page_raw, page_gz) = page_bytes(
            &out,
            dir,
            &[
                "partners.html",
                "search/offices.js",
                "assets/finder.js",
                "assets/textmatch.js",
            ],
        );
        let _ = writeln!(
            report,
            "    {label:<34} {:>6} offices  data {:>9} / {:>9}  page {:>9} / {:>9}",
            count_offices(dir),
            kib(data_raw),
            kib(data_gz),
            kib(page_raw),
            kib(page_gz)
        );
    }
    let _ = writeln!(
        report,
        "  search index per site (search/index.js, raw / gzip):"
    );
    // (raw bytes, gzip bytes, site) of each index, by kind of site.
    type Sizes = Vec<(usize, usize, String)>;
    let mut groups: Vec<(&str, Sizes)> = vec![
        ("national", vec![]),
        ("prefectures", vec![]),
        ("municipalities", vec![]),
    ];
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().ends_with("search/index.js"))
    {
        let rel = entry
            .path()
            .strip_prefix(&out)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(entry.path()).unwrap_or_default();
        let group = if rel.starts_with("p/") {
            1
        } else if rel.starts_with("m/") {
            2
        } else {
            0
        };
        let site = match rel
            .trim_end_matches("search/index.js")
            .trim_end_matches('/')
        {
            "" => "national".to_string(),
            dir => dir.to_string(),
        };
        groups[group].1.push((bytes.len(), gzip_len(&bytes), site));
    }
    for (label, mut sizes) in groups {
        if sizes.is_empty() {
            continue;
        }
        sizes.sort();
        let (min, median, max) = (&sizes[0], &sizes[sizes.len() / 2], &sizes[sizes.len() - 1]);
        let over = sizes.iter().filter(|s| s.0 >= 200_000).count();
        let _ = writeln!(
            report,
            "    {label:<15} {:>5} sites  min {:>9} / {:>8}  median {:>9} / {:>8}  max {:>9} / {:>8} ({})  200 KB or more: {over}",
            sizes.len(),
            kib(min.0),
            kib(min.1),
            kib(median.0),
            kib(median.1),
            kib(max.0),
            kib(max.1),
            max.2
        );
    }
    let _ = writeln!(
        report,
        "  output: {} (query times in Chromium: benches/finder_bench.sh)",
        out.display()
    );
    Ok(report)
}
