//! The reference pages under `docs/` cannot drift from the code:
//!
//! - the keys of `config.yaml`, of each kind of front matter, of a subsidy
//!   file and of `data/sites.yaml` that the loaders accept (asked of the
//!   loaders themselves: an unknown key at each place makes them list the keys
//!   they accept there) are exactly the keys in the page's key table;
//! - the variables each page template receives (the sample project built with
//!   a theme whose templates print the names in their own context) are exactly
//!   the ones `docs/templates.md` lists for it, with the fields of every
//!   structured one; and every template file of the theme has its section;
//! - the variables a poster template receives (a poster rendered from a probe
//!   template) are exactly the ones `docs/theme.md` lists;
//! - every page under `docs/` is linked from the README's Reference section.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use outreach::build::{BuildOptions, Selection, build};
use outreach::data::jis::MasterList;
use outreach::problems::Problems;

fn docs_dir() -> PathBuf {
    common::repo_root().join("docs")
}

fn read_doc(name: &str) -> String {
    fs::read_to_string(docs_dir().join(name)).unwrap_or_else(|e| panic!("docs/{name}: {e}"))
}

/// The keys in the first column of the table after `<!-- keys: NAME -->`
/// (`<!-- keys -->` when `name` is empty): one key in backticks per row.
fn documented(page: &str, doc: &str, name: &str) -> BTreeSet<String> {
    let marker = if name.is_empty() {
        "<!-- keys -->".to_string()
    } else {
        format!("<!-- keys: {name} -->")
    };
    let mut found = doc.match_indices(&marker);
    let (at, _) = found
        .next()
        .unwrap_or_else(|| panic!("docs/{page} has no {marker} before a key table"));
    assert!(found.next().is_none(), "docs/{page}: {marker} twice");
    let mut keys = BTreeSet::new();
    let rows = doc[at + marker.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with('|'))
        .skip(2);
    for row in rows {
        let cell = row.split('|').nth(1).unwrap().trim();
        let key = cell
            .strip_prefix('`')
            .and_then(|c| c.strip_suffix('`'))
            .unwrap_or_else(|| {
                panic!("docs/{page} {marker}: first cell {cell:?} is not one `key`")
            });
        assert!(
            keys.insert(key.to_string()),
            "docs/{page} {marker}: `{key}` twice"
        );
    }
    keys
}

/// A key no loader accepts.
const PROBE: &str = "zz_docs_probe";

/// YAML with the probe key at `path` (`a`, then `b[]`: inside the items of list `b`).
fn probe_yaml(path: &[String]) -> String {
    let mut inner = format!("{{{PROBE}: 1}}");
    for seg in path.iter().rev() {
        inner = match seg.strip_suffix("[]") {
            Some(list) => format!("{{\"{list}\": [{inner}]}}"),
            None => format!("{{\"{seg}\": {inner}}}"),
        };
    }
    inner
}

/// The keys the loader accepts at `path`, as its unknown-key message lists
/// them; `None` when there is no mapping there (a text, a number, a list of texts).
fn accepted_at(load: &dyn Fn(&str) -> Vec<String>, path: &[String]) -> Option<Vec<String>> {
    let needle = format!("不明な項目「{PROBE}」があります。使える項目: ");
    let messages = load(&probe_yaml(path));
    let message = messages.iter().find(|m| m.contains(&needle))?;
    let list = message.split(&needle).nth(1).unwrap();
    Some(list.split(", ").map(|k| k.trim().to_string()).collect())
}

/// Every key path the loader accepts below `root`, found by probing every
/// mapping it accepts and the items of every list it accepts. The first
/// `skip` segments of `root` are left out of the paths (a site's code).
fn accepted_paths(
    load: &dyn Fn(&str) -> Vec<String>,
    root: &[String],
    skip: usize,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let keys = accepted_at(load, root).unwrap_or_else(|| {
        panic!(
            "no unknown-key message at {root:?}: {:?}",
            load(&probe_yaml(root))
        )
    });
    for key in keys {
        let mut path = root.to_vec();
        path.push(key);
        out.insert(dotted(&path[skip..]));
        if accepted_at(load, &path).is_some() {
            out.extend(accepted_paths(load, &path, skip));
        }
        let mut items = root.to_vec();
        items.push(format!("{}[]", path.last().unwrap()));
        if accepted_at(load, &items).is_some() {
            out.extend(accepted_paths(load, &items, skip));
        }
    }
    out
}

fn dotted(path: &[String]) -> String {
    path.join(".")
}

fn messages(problems: &Problems) -> Vec<String> {
    problems.sorted().into_iter().map(|p| p.message).collect()
}

fn master() -> MasterList {
    let mut problems = Problems::new();
    let list = MasterList::load(
        &common::repo_root().join("data/municipalities.csv"),
        &mut problems,
    );
    assert!(problems.is_empty());
    list
}

/// What differs between the keys in the code and in the docs, if anything.
fn difference(
    page: &str,
    what: &str,
    code: &BTreeSet<String>,
    docs: &BTreeSet<String>,
) -> Option<String> {
    let undocumented: Vec<_> = code.difference(docs).collect();
    let unknown: Vec<_> = docs.difference(code).collect();
    (!undocumented.is_empty() || !unknown.is_empty()).then(|| {
        format!(
            "docs/{page} ({what}) is out of date.\n  in the code but not documented: {undocumented:?}\n  documented but not in the code: {unknown:?}"
        )
    })
}

fn assert_same(page: &str, what: &str, code: &BTreeSet<String>, docs: &BTreeSet<String>) {
    if let Some(message) = difference(page, what, code, docs) {
        panic!("{message}");
    }
}

#[test]
fn config_keys_are_the_documented_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.yaml");
    let load = |yaml: &str| {
        fs::write(&path, yaml).unwrap();
        let mut problems = Problems::new();
        outreach::config::Config::load(&path, &mut problems);
        messages(&problems)
    };
    let code = accepted_paths(&load, &[], 0);
    assert!(
        code.contains("licence_fee.campaigns[].first_year_free"),
        "{code:?}"
    );
    assert_same(
        "config.md",
        "config.yaml",
        &code,
        &documented("config.md", &read_doc("config.md"), ""),
    );
}

#[test]
fn front_matter_keys_are_the_documented_ones() {
    let master = master();
    let doc = read_doc("content.md");
    for (kind, file) in [
        ("page", "guides/probe.md"),
        ("section", "guides/_index.md"),
        ("faq", "faq/probe.md"),
        ("news", "news/probe.md"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let load = |yaml: &str| {
            fs::write(&path, format!("---\n{yaml}\n---\n本文\n")).unwrap();
            let mut problems = Problems::new();
            outreach::content::load(
                dir.path(),
                &master,
                "2026-11-29".parse().unwrap(),
                Default::default(),
                &mut problems,
            );
            messages(&problems)
        };
        let code = accepted_paths(&load, &[], 0);
        assert_same(
            "content.md",
            kind,
            &code,
            &documented("content.md", &doc, kind),
        );
    }
}

#[test]
fn subsidy_keys_are_the_documented_ones() {
    let master = master();
    let dir = tempfile::tempdir().unwrap();
    let load = |yaml: &str| {
        fs::write(dir.path().join("probe.yaml"), yaml).unwrap();
        let mut problems = Problems::new();
        outreach::data::subsidies::load(dir.path(), &master, None, &mut problems);
        messages(&problems)
    };
    let code = accepted_paths(&load, &[], 0);
    assert!(code.contains("window.end"), "{code:?}");
    assert_same(
        "subsidies.md",
        "data/subsidies/*.yaml",
        &code,
        &documented("subsidies.md", &read_doc("subsidies.md"), ""),
    );
}

#[test]
fn site_settings_keys_are_the_documented_ones() {
    let master = master();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sites.yaml");
    let load = |yaml: &str| {
        fs::write(&path, yaml).unwrap();
        let mut problems = Problems::new();
        outreach::data::sites::load(&path, &master, &mut problems);
        messages(&problems)
    };
    let code = accepted_paths(&load, &["221007".to_string()], 1);
    assert_same(
        "sites.md",
        "data/sites.yaml",
        &code,
        &documented("sites.md", &read_doc("sites.md"), ""),
    );
}

/// Marks the names a probed template prints.
const MARK: &str = "@@DOCS-KEY ";

/// Tera markup that prints, for the context it runs in, every top-level
/// name and, two levels down, the fields of every mapping (`name.field`) and
/// of the mappings in every list (`name[].field`), each as
/// `<!--@@DOCS-KEY TEMPLATE name-->`.
fn probe_markup(template: &str) -> String {
    let mark = |name: &str| format!("<!--{MARK}{template} {name}-->");
    // The fields of `var`, named below `prefix`, `depth` levels down.
    fn fields(mark: &dyn Fn(&str) -> String, prefix: &str, var: &str, depth: usize) -> String {
        if depth == 0 {
            return String::new();
        }
        let (f, v, item) = (
            format!("f{depth}"),
            format!("v{depth}"),
            format!("i{depth}"),
        );
        let in_map = format!("{prefix}.{{{{ {f} }}}}");
        let in_list = format!("{prefix}[].{{{{ {f} }}}}");
        format!(
            "{{% if {var} is map %}}{{% for {f}, {v} in {var} %}}{}{}{{% endfor %}}\
             {{% elif {var} is array %}}{{% for {item} in {var} %}}{{% if {item} is map %}}\
             {{% for {f}, {v} in {item} %}}{}{}{{% endfor %}}{{% endif %}}{{% endfor %}}{{% endif %}}",
            mark(&in_map),
            fields(mark, &in_map, &v, depth - 1),
            mark(&in_list),
            fields(mark, &in_list, &v, depth - 1),
        )
    }
    format!(
        "{{% for key, value in __tera_context %}}{}{}{{% endfor %}}",
        mark("{{ key }}"),
        fields(&mark, "{{ key }}", "value", 2)
    )
}

/// Names down to `name.field` (or `name[].field`): what the key tables list.
fn two_levels(names: &BTreeSet<String>) -> BTreeSet<String> {
    names
        .iter()
        .filter(|n| n.matches('.').count() <= 1)
        .cloned()
        .collect()
}

/// The names each page template received, over every page of the sample's
/// national, 静岡県 and 静岡市 sites: the theme's templates are given the
/// probe at the start of their `main` block, and the pages built.
fn rendered_names() -> BTreeMap<String, BTreeSet<String>> {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    fs::create_dir_all(&project).unwrap();
    let root = common::repo_root();
    fs::copy(root.join("config.yaml"), project.join("config.yaml")).unwrap();
    for folder in ["content", "data", "themes"] {
        common::copy_dir(&root.join(folder), &project.join(folder));
    }
    // Every site gets an address (so the lists of links to other sites have
    // items), and the posters are few (so that the downloads page lists them).
    let config = fs::read_to_string(project.join("config.yaml")).unwrap();
    let posters = "posters:\n  designs: [standard, simple]\n  sizes: [A4, A3]\n";
    assert!(
        config.contains(posters),
        "the sample's posters block changed"
    );
    let config = config.replace(posters, "posters:\n  designs: [simple]\n  sizes: [A4]\n")
        + "\nhosting:\n  national: https://www.example.jp/careplan/\n  prefecture: https://www.example.jp/careplan/p/{code}/\n  municipality: https://www.example.jp/careplan/m/{code}/\n";
    fs::write(project.join("config.yaml"), config).unwrap();
    let templates = project.join("themes/default/templates");
    let mut probed = 0;
    for entry in fs::read_dir(&templates).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = fs::read_to_string(&path).unwrap();
        if name == "base.html" || !text.contains("{% block main %}") {
            continue;
        }
        let probe = format!("{{% block main %}}{}", probe_markup(&name));
        fs::write(&path, text.replacen("{% block main %}", &probe, 1)).unwrap();
        probed += 1;
    }
    assert!(probed >= 10, "only {probed} page templates found");
    // Posters for the national site and 静岡市 (a prefecture's print pack
    // would render all its municipalities' posters), then 静岡県 without.
    let out = dir.path().join("public");
    for (sites, posters) in [(vec!["000000", "221007"], true), (vec!["220001"], false)] {
        let options = BuildOptions {
            project: project.clone(),
            out: out.clone(),
            selection: Selection {
                only: sites.iter().map(|s| s.to_string()).collect(),
                ..Selection::default()
            },
            build_date: "2026-11-29".parse().unwrap(),
            progress: false,
            posters,
            ogp_images: false,
            print_marks: None,
        };
        if let Err(e) = build(&options) {
            panic!("the sample project did not build: {e:?}");
        }
    }
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, bytes) in common::tree(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        for piece in text.split(MARK).skip(1) {
            let line = piece.split("-->").next().unwrap();
            let (template, name) = line.trim().split_once(' ').unwrap();
            names
                .entry(template.to_string())
                .or_default()
                .insert(name.to_string());
        }
    }
    names
}

#[test]
fn template_variables_are_the_documented_ones() {
    let doc = read_doc("templates.md");
    let every_page = documented("templates.md", &doc, "every page");
    let names = rendered_names();
    // Every difference of every template at once.
    let mut out_of_date = Vec::new();
    for (template, seen) in &names {
        let mut documented = documented("templates.md", &doc, template);
        documented.extend(every_page.iter().cloned());
        out_of_date.extend(difference(
            "templates.md",
            template,
            &two_levels(seen),
            &documented,
        ));
    }
    // The fields of every variable the tables give a shared type
    // (`[Figure](#figure)`, `list of [PageLink](#pagelink)`) are that type's.
    let all_seen: BTreeSet<&String> = names.values().flatten().collect();
    let mut by_type: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in doc.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        let (list, kind) = match cells[2].strip_prefix("list of ") {
            Some(rest) => (true, rest),
            None => (false, cells[2]),
        };
        let Some(kind) = kind
            .strip_prefix('[')
            .and_then(|k| k.split_once("](#"))
            .map(|(k, _)| k)
        else {
            continue;
        };
        let prefix = format!("{name}{}.", if list { "[]" } else { "" });
        let fields = by_type.entry(kind.to_string()).or_default();
        for seen in &all_seen {
            if let Some(field) = seen.strip_prefix(&prefix)
                && !field.contains('.')
            {
                fields.insert(field.to_string());
            }
        }
    }
    assert!(by_type.len() >= 5, "{by_type:?}");
    for (kind, seen) in &by_type {
        assert!(
            !seen.is_empty(),
            "no variable of type {kind} had fields in the sample"
        );
        let documented = documented("templates.md", &doc, &format!("type {kind}"));
        out_of_date.extend(difference(
            "templates.md",
            &format!("type {kind}"),
            seen,
            &documented,
        ));
    }
    assert!(out_of_date.is_empty(), "{}", out_of_date.join("\n"));
    // Every template of the theme has its section, and every page template was seen.
    let dir = common::repo_root().join("themes/default/templates");
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            doc.lines()
                .any(|l| l.starts_with('#') && l.contains(&format!("`{name}`"))
                    || l.starts_with("- `") && l.contains(&format!("`{name}`:"))),
            "docs/templates.md has no section for {name}"
        );
        let text = fs::read_to_string(dir.join(&name)).unwrap();
        if name != "base.html" && text.contains("{% block main %}") {
            assert!(
                names.contains_key(&name),
                "the sample rendered no page with {name}"
            );
        }
    }
}

/// What a site's poster says, with every optional value present.
fn poster_input() -> outreach::posters::PosterInput {
    let some = |s: &str| Some(s.to_string());
    let bar = |label: &str, rate: f64| outreach::posters::PosterBar {
        label: label.into(),
        rate,
        illustrative: true,
    };
    outreach::posters::PosterInput {
        site_kind: "municipality".into(),
        name: "静岡市".into(),
        full_name: "静岡県静岡市".into(),
        headline_rate: Some(0.078),
        offices: Some(5055),
        using: Some(392),
        date: Some("2023-11-06".parse().unwrap()),
        illustrative: true,
        sample_notice: some("※このポスターの数値は、説明用の架空データ（サンプル）です。"),
        target: 0.3,
        target_label: "市区町村の目標".into(),
        goal_text: "市区町村の目標は利用率30%".into(),
        kpi_text: some("市区町村の目標（30%）まで、あと1,125事業所"),
        comparison: vec![bar("静岡市", 0.078), bar("全国", 0.046)],
        helpdesk_name: "ケアプランデータ連携システム ヘルプデスク".into(),
        helpdesk_phone: "0120-584-708".into(),
        helpdesk_hours: "平日 9:00〜17:00".into(),
        local_department: some("介護保険課"),
        local_phone: some("054-000-0001"),
        local_email: some("kaigo@city.shizuoka.example"),
        local_address: some("静岡市葵区"),
        local_hours: some("平日 8:30〜17:15"),
        url: some("https://www.city.shizuoka.example/careplan/"),
        national_url: some("https://www.example.jp/careplan/"),
        national_title: "ケアプランデータ連携システム 普及支援サイト".into(),
    }
}

#[test]
fn poster_variables_are_the_documented_ones() {
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("theme");
    common::copy_dir(
        &common::repo_root().join("themes/default/fonts"),
        &theme.join("fonts"),
    );
    // A design that prints the names in its context and calls every
    // function the page documents (an unknown function fails to load).
    let doc = read_doc("theme.md");
    let functions: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next()?.split_once('('))
        .map(|(f, _)| f)
        .collect();
    assert!(functions.len() >= 3, "{functions:?}");
    let calls: String = functions
        .iter()
        .map(|f| format!("{{% set probe_call = {f}(text=name, width=50, size=5, max=9) %}}"))
        .collect();
    let probe = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{{{{ page.sheet_width_mm }}}}mm\" \
         height=\"{{{{ page.sheet_height_mm }}}}mm\" viewBox=\"{{{{ page.viewbox }}}}\">\n\
         <text data-tag=\"P\" x=\"10\" y=\"10\" font-family=\"BIZ UDPGothic\" font-size=\"5\">{{{{ name }}}}</text>\n\
         {}\n{calls}\n</svg>\n",
        probe_markup("poster")
    );
    fs::create_dir_all(theme.join("posters")).unwrap();
    fs::write(theme.join("posters/probe.svg"), probe).unwrap();
    let mut problems = Problems::new();
    let fonts = std::sync::Arc::new(outreach::fonts::Fonts::load(
        &theme.join("fonts"),
        &mut problems,
    ));
    let set = outreach::posters::PosterSet::load(&theme, fonts, &mut problems)
        .unwrap_or_else(|| panic!("{:#?}", problems.sorted()));
    let poster = set
        .render(
            "probe",
            &poster_input(),
            outreach::config::A4,
            &outreach::posters::PrintOptions::default(),
            "2026-11-29".parse().unwrap(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let seen: BTreeSet<String> = poster
        .svg
        .split(MARK)
        .skip(1)
        .map(|piece| {
            let line = piece.split("-->").next().unwrap();
            line.trim().split_once(' ').unwrap().1.to_string()
        })
        .collect();
    assert_same(
        "theme.md",
        "poster templates",
        &two_levels(&seen),
        &documented("theme.md", &doc, "poster"),
    );
}

#[test]
fn every_reference_page_is_linked_from_the_readme() {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let start = readme
        .find("\n## Reference\n")
        .expect("README has a Reference section");
    let section = &readme[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let mut pages = 0;
    for entry in fs::read_dir(docs_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !name.ends_with(".md") || name == "problems.md" {
            continue;
        }
        pages += 1;
        assert!(
            section.contains(&format!("](docs/{name})")),
            "README's Reference section does not link docs/{name}"
        );
    }
    assert!(pages >= 10, "{pages} pages");
}

/// The header aliases of each column a table loader declares (the
/// `aliases: &[…]` lists of its schema), as the loader's source states them.
fn declared_columns(source: &str) -> BTreeSet<Vec<String>> {
    let text = fs::read_to_string(common::repo_root().join(source)).unwrap();
    let mut columns = BTreeSet::new();
    for piece in text.split("aliases: &[").skip(1) {
        let list = &piece[..piece.find(']').unwrap()];
        let mut aliases: Vec<String> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        aliases.sort();
        columns.insert(aliases);
    }
    assert!(columns.len() >= 5, "{source}: {columns:?}");
    columns
}

/// The header aliases of each row of the table after `<!-- columns -->`:
/// the first cell, `a`, 別名… separated by commas, as the reader compares
/// them (lower case).
fn documented_columns(page: &str) -> BTreeSet<Vec<String>> {
    let doc = read_doc(page);
    let at = doc
        .find("<!-- columns -->")
        .unwrap_or_else(|| panic!("docs/{page}: no <!-- columns -->"));
    doc[at..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|row| {
            let mut aliases: Vec<String> = row
                .split('|')
                .nth(1)
                .unwrap()
                .split(',')
                .map(|a| a.trim().trim_matches('`').to_lowercase())
                .collect();
            aliases.sort();
            aliases
        })
        .collect()
}

#[test]
fn table_columns_are_the_documented_ones() {
    for (page, source) in [
        ("municipalities.md", "src/data/jis.rs"),
        ("adoption.md", "src/data/adoption/file.rs"),
        ("offices.md", "src/data/offices.rs"),
    ] {
        let code = declared_columns(source);
        let docs = documented_columns(page);
        let undocumented: Vec<_> = code.difference(&docs).collect();
        let unknown: Vec<_> = docs.difference(&code).collect();
        assert!(
            undocumented.is_empty() && unknown.is_empty(),
            "docs/{page} is out of date with {source}.\n  columns in the code: {undocumented:?}\n  columns in the docs: {unknown:?}"
        );
    }
}

#[test]
fn accessibility_record_keys_are_the_documented_ones() {
    let master = master();
    let dir = tempfile::tempdir().unwrap();
    let load = |yaml: &str| {
        fs::write(dir.path().join("2026-11-29.yaml"), yaml).unwrap();
        let mut problems = Problems::new();
        outreach::data::accessibility::load(
            dir.path(),
            &master,
            "2026-11-29".parse().unwrap(),
            &mut problems,
        );
        messages(&problems)
    };
    let mut code = accepted_paths(&load, &[], 0);
    // The keys of one criterion's result, under its number.
    let criterion = ["criteria".to_string(), "1.1.1".to_string()];
    for key in accepted_paths(&load, &criterion, 2) {
        code.insert(format!("criteria.<number>.{key}"));
    }
    assert!(code.contains("criteria.<number>.result"), "{code:?}");
    assert_same(
        "accessibility.md",
        "data/accessibility/*.yaml",
        &code,
        &documented("accessibility.md", &read_doc("accessibility.md"), ""),
    );
}
