//! `outreach bench`: builds a generated national-scale project and prints
//! per-phase times, pages per second and peak memory. Figures are printed,
//! never asserted: the machine is noisy, so compare runs side by side.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::civil::Date;

use crate::build::{BuildError, BuildOptions, Selection, build};
use crate::output::OutputError;

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
            .chain(master.prefectures.iter().map(|p| p.code.clone()))
            .chain(master.municipalities.iter().map(|m| m.code.clone()))
            .take(n)
            .collect();
    }
    let out = work.join("public");
    let options = BuildOptions {
        project: generated,
        out: out.clone(),
        selection,
        build_date: date,
        progress: true,
        posters: shape.posters,
        ogp_images: shape.posters,
        print_marks: None,
    };
    let mut report = String::new();
    let started = Instant::now();
    let result = build(&options)?;
    let wall = started.elapsed().as_secs_f64();
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
