//! `outreach new`: a new project, or a new local folder for one site.
//!
//! `new DIR` writes a small project that checks clean and builds: a
//! commented `config.yaml`, one guide, one FAQ entry, one (illustrative)
//! event, the JIS master list, the real 2023-11-06 prefecture figures, an
//! empty partner list with its header, `data/sites.yaml` with its comments,
//! and the default theme with its fonts (embedded in the program).
//!
//! `new --site CODE` adds a municipality's or prefecture's local folder with
//! commented example pages (marked illustrative until they are rewritten) and
//! its entry in `data/sites.yaml`, after checking the code against the
//! project's master list.
//!
//! Files are written through [`crate::output::create_files`]: nothing that
//! exists is overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::ToSpan as _;
use jiff::civil::Date;

use crate::data::jis::{MasterList, validate_code};
use crate::output::{OutputError, create_files, replace_file};
use crate::problems::Problems;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// The JIS X 0402 master list shipped with the sample project.
const MASTER_LIST: &[u8] = include_bytes!("../data/municipalities.csv");
/// The prefecture figures of 2023-11-06 as the federation published them.
const PREFECTURE_FIGURES: &[u8] = include_bytes!("../data/adoption/2023-11-06.csv");

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "{path} は空のフォルダではありません。中のファイルを消さないよう、何も書き込みません（対処: 新しいフォルダの名前を指定してください）"
    )]
    NotEmpty { path: PathBuf },
    #[error("{path}: 読めません: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Code(String),
    #[error(
        "{path} に問題があるため追加しません: {problems}（対処: 先に outreach check で示された問題を直してください）"
    )]
    Project { path: PathBuf, problems: String },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Write a new project into `dir` (a new or empty folder). `today` dates the
/// example event. Returns the files written, relative to `dir`.
pub fn new_project(dir: &Path, today: Date) -> Result<Vec<String>, ScaffoldError> {
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(ScaffoldError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("config.yaml".into(), CONFIG.as_bytes().to_vec()),
        (
            "content/guides/_index.md".into(),
            GUIDES_INDEX.as_bytes().to_vec(),
        ),
        (
            "content/guides/getting-started.md".into(),
            GUIDE.as_bytes().to_vec(),
        ),
        ("content/faq/helpdesk.md".into(), FAQ.as_bytes().to_vec()),
        (
            "content/news/online-briefing.md".into(),
            event(today).into_bytes(),
        ),
        ("data/municipalities.csv".into(), MASTER_LIST.to_vec()),
        (
            "data/adoption/2023-11-06.csv".into(),
            PREFECTURE_FIGURES.to_vec(),
        ),
        ("data/offices.csv".into(), OFFICES.as_bytes().to_vec()),
        ("data/sites.yaml".into(), SITES.as_bytes().to_vec()),
        (
            "data/subsidies/README.txt".into(),
            SUBSIDIES_README.as_bytes().to_vec(),
        ),
        (".gitignore".into(), GITIGNORE.as_bytes().to_vec()),
    ];
    for (rel, bytes) in DEFAULT_THEME {
        files.push((format!("themes/default/{rel}"), bytes.to_vec()));
    }
    create_files(dir, &files)?;
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// What `new --site` added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAdded {
    /// 静岡県静岡市.
    pub full_name: String,
    /// The local folder, relative to the project (`content/municipalities/221007`).
    pub folder: String,
    pub files: Vec<String>,
}

/// Add the local folder of the site `code` to the project at `project`, and
/// its entry to `data/sites.yaml` (made when missing).
pub fn new_site(project: &Path, code: &str) -> Result<SiteAdded, ScaffoldError> {
    validate_code(code).map_err(|e| {
        ScaffoldError::Code(format!(
            "--site の{e}（対処: data/municipalities.csv にある6桁の団体コードを指定してください）"
        ))
    })?;
    if code == crate::model::NATIONAL_CODE {
        return Err(ScaffoldError::Code(
            "000000 は全国サイトです。全国サイトのページは content/ の直下（content/guides/ など）に置きます（対処: 都道府県か市区町村のコードを指定してください）".into(),
        ));
    }
    let mut problems = Problems::new();
    let master_path = project.join("data/municipalities.csv");
    let master = MasterList::load(&master_path, &mut problems);
    if problems.has_errors() {
        return Err(ScaffoldError::Project {
            path: master_path,
            problems: first_error(&problems),
        });
    }
    let (kind_dir, name, full_name, local_of) = if let Some(p) = master.prefecture(code) {
        (
            "prefectures",
            p.name.clone(),
            p.name.clone(),
            format!("{}のサイトと、{}の市区町村のサイトすべて", p.name, p.name),
        )
    } else if let Some(m) = master.municipality(code) {
        let prefecture = master
            .prefecture_of(&m.code)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        (
            "municipalities",
            m.name.clone(),
            format!("{prefecture}{}", m.name),
            format!("{}のサイトだけ", m.name),
        )
    } else {
        return Err(ScaffoldError::Code(format!(
            "団体コード「{code}」は {} にありません（対処: 都道府県か市区町村の6桁のコードを指定してください）",
            master_path.display()
        )));
    };
    let folder = format!("content/{kind_dir}/{code}");
    if std::fs::read_dir(project.join(&folder)).is_ok_and(|mut e| e.next().is_some()) {
        return Err(ScaffoldError::Code(format!(
            "{folder} はすでにあり、ページがあります（対処: そのフォルダにページを足してください。new --site は新しいサイトのフォルダを作るときに使います）"
        )));
    }

    // data/sites.yaml: the new entry appended to the present text.
    let sites_path = project.join("data/sites.yaml");
    let present = match std::fs::read_to_string(&sites_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(ScaffoldError::Read {
                path: sites_path,
                source,
            });
        }
    };
    let settings = crate::data::sites::load(&sites_path, &master, &mut problems);
    if problems.has_errors() {
        return Err(ScaffoldError::Project {
            path: sites_path,
            problems: first_error(&problems),
        });
    }
    if settings.contains_key(code) {
        return Err(ScaffoldError::Code(format!(
            "{} には「{code}」（{name}）の設定がすでにあります（対処: その設定を書き換えてください。ページのフォルダだけ作るなら {folder} を自分で作ってください）",
            sites_path.display()
        )));
    }
    let mut text = present.clone().unwrap_or_else(|| SITES.to_string());
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&site_entry(code, &name));
    // The new text must read back with the entry (a file written in flow
    // style, `{}`, cannot take a block entry after it).
    check_sites_text(&text, &sites_path, &master, code)?;

    let files = vec![
        (
            format!("{folder}/guides/local-support.md"),
            local_guide(&name, &local_of).into_bytes(),
        ),
        (
            format!("{folder}/faq/local-contact.md"),
            local_faq(&name, &local_of).into_bytes(),
        ),
    ];
    create_files(project, &files)?;
    if let Err(e) = replace_file(&sites_path, text.as_bytes()) {
        for (rel, _) in &files {
            let _ = std::fs::remove_file(project.join(rel));
        }
        return Err(e.into());
    }
    let mut written: Vec<String> = files.into_iter().map(|(rel, _)| rel).collect();
    written.push("data/sites.yaml".into());
    Ok(SiteAdded {
        full_name,
        folder,
        files: written,
    })
}

fn first_error(problems: &Problems) -> String {
    problems
        .sorted()
        .into_iter()
        .find(|p| p.severity == crate::problems::Severity::Error)
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// Read the new `data/sites.yaml` text back (in memory) before it is written.
fn check_sites_text(
    text: &str,
    path: &Path,
    master: &MasterList,
    code: &str,
) -> Result<(), ScaffoldError> {
    let dir = tempfile::tempdir().map_err(|source| ScaffoldError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let probe = dir.path().join("sites.yaml");
    std::fs::write(&probe, text).map_err(|source| ScaffoldError::Read {
        path: probe.clone(),
        source,
    })?;
    let mut problems = Problems::new();
    let read: BTreeMap<_, _> = crate::data::sites::load(&probe, master, &mut problems);
    if problems.has_errors() || !read.contains_key(code) {
        return Err(ScaffoldError::Project {
            path: path.to_path_buf(),
            problems: "設定を書き足すと YAML として読めなくなります（{} のような一行の書き方をしていませんか）".into(),
        });
    }
    Ok(())
}

fn site_entry(code: &str, name: &str) -> String {
    format!(
        r#"
# {name}（{code}）のサイトの設定（outreach new --site で追加しました）。
# 実際の問い合わせ先に書き換え、使う項目の行頭の # を消してください。
"{code}":
  department: {name} 介護保険担当課（記入例）
  # phone: 000-000-0000
  # email: kaigo@example.jp
  # address: （庁舎の住所）
  # hours: 平日 8:30〜17:15
  # 公開先の URL。書くとポスターに QR コードが入り、ほかのサイトからのリンクもこの URL を使います。
  # url: https://www.example.jp/careplan/
  # 実際の連絡先に書き換えたら、次の行を消してください。消すまで「サンプル・架空」と表示します。
  illustrative: true
"#
    )
}

fn local_guide(name: &str, local_of: &str) -> String {
    format!(
        r#"---
# {name}の地域のページの記入例です（outreach new --site で作りました）。
# このページは{local_of}に載ります。共通のページと同じパス（例: guides/introduction-flow.md）の
# ファイルを置くと、共通のページの代わりにそのページが載ります。
# 内容を書き換えたら、illustrative の行を消してください。消すまで「サンプル・架空」と表示されます。
title: {name}での導入の相談（記入例）
description: {name}の事業所がケアプランデータ連携システムを始めるときに相談できることの記入例です。
order: 50
illustrative: true
---

<!-- ここから本文です。見出しは ## から始めます（# はページの題名に使われています）。 -->
<!-- リンクの文字は「こちら」ではなく、行き先が分かる言葉にします。 -->

このページは記入例です。{name}の取組に合わせて書き換えてください。

## 相談できること

- ケアプランデータ連携システムを始める手順
- {name}の事業所のうち、すでに使っている事業所
- 使える補助金
"#
    )
}

fn local_faq(name: &str, local_of: &str) -> String {
    format!(
        r#"---
# {name}の FAQ の記入例です。このページは{local_of}の「よくある質問」に載ります。
# 1つの質問に1つのファイルを使います。書き換えたら illustrative の行を消してください。
question: {name}では、どこに相談すればよいですか？（記入例）
category: 導入手続き
audience: [居宅介護支援事業所, サービス事業所]
order: 90
illustrative: true
---

<!-- 答えを書きます。問い合わせ先は data/sites.yaml に書くと、問い合わせのページに載ります。 -->

{name}の介護保険の担当課が相談を受け付けます（記入例）。連絡先は問い合わせのページに載せています。
"#
    )
}

/// The example event: an online briefing a month after `today`, marked
/// illustrative, listed until its day.
fn event(today: Date) -> String {
    let day = today.checked_add(30.days()).unwrap_or(today);
    format!(
        r#"---
# イベント（説明会・研修会など）の記入例です。日付はこのプロジェクトを作った日の30日後にしています。
# 実際の催しに書き換えたら illustrative の行を消してください。消すまで「サンプル・架空」と表示されます。
title: （記入例）オンライン説明会
date: {today}
kind: イベント
description: ケアプランデータ連携システムの説明会の案内の記入例です。
event_date: {day}
start_time: "14:00"
end_time: "15:00"
online: true
capacity: 100
fee: 0
# 一覧に載せる最後の日。過ぎると一覧から外れ、ページには「掲載終了」と表示されます。
expires: {day}
illustrative: true
---

このお知らせは記入例です。実際には開かれません。

## 内容

ケアプランデータ連携システムのしくみと、使い始めるまでの手順を説明します。
"#
    )
}

const CONFIG: &str = r#"# outreach の設定ファイル（outreach new で作りました）。
# 時間とともに変わる事実（料金、目標値、公開先）はここに書きます。日付は YYYY-MM-DD で書きます。

# 全国サイトの題名。都道府県・市区町村のサイトは前に団体名が付きます。
title: ケアプランデータ連携システム 普及支援サイト
# サイトの発行者（フッターに表示）。実際の発行者の名前に書き換えてください。
publisher: outreach で作ったプロジェクト（発行者名は config.yaml の publisher に書きます）
theme: default

# ヘルプデスク（すべてのサイトに載ります）。
helpdesk:
  name: ケアプランデータ連携システム ヘルプデスク
  phone: 0120-584-708
  hours: 平日 9:00〜17:00

# 目標（KPI）。割合で書きます（30% = 0.30）。
kpi:
  # 市区町村: 管内の事業所のこの割合が利用していれば達成
  municipality_target: 0.30
  # 都道府県: 管内の市区町村のこの割合が目標を達成していれば達成
  prefecture_target: 0.50

# ライセンス料。変わることがあるため、確かめた日付（as_of）と出典（note）を添えます。
licence_fee:
  yen_per_year: 21000
  tax_included: true
  as_of: 2025-04-01
  note: 事業所番号ごとの年額。2024〜2025年に複数の自治体が案内した額です。
  # 消費税率（整数の%）。税抜の額に補助する制度の試算に使います。
  consumption_tax:
    percent: 10
    as_of: 2025-04-01
  campaigns:
    - name: 初年度無料キャンペーン
      from: 2025-06-01
      # 利用を始めた初年度のライセンス料が無料になる。費用の試算に初年度の行として入ります。
      first_year_free: true
      note: 2025年6月1日から、利用開始の初年度のライセンス料が無料になるキャンペーンが行われています。対象や期間は国民健康保険中央会の最新の案内で確認してください。

# 利用率の数値が何を数えているか。すべての数値の横に表示します。
adoption:
  denominator: 国民健康保険中央会が把握している事業所数（居宅介護支援事業所とサービス事業所）を分母、ケアプランデータ連携システムを利用している事業所数を分子としています。厚生労働省は、介護保険を請求し居宅介護支援事業所が給付管理しているサービスを分母とする考え方を示しており、数え方によって率は変わります。
  # 各時点のファイル（data/adoption/）の出典。ページ・ポスター・ダウンロードが、載せる数値のファイルごとに示します。
  sources:
    2023-11-06.csv: 国民健康保険中央会がセミナー（2023年12月6日）で示した2023年11月6日時点の都道府県別の表

# 各サイトの公開先 URL（任意）。{code} は団体コードに置き換わります。
# 設定すると、サイト間のリンクと QR コードがこの URL を使います。
# hosting:
#   national: https://www.example.jp/careplan/
#   prefecture: https://www.example.jp/careplan/p/{code}/
#   municipality: https://www.example.jp/careplan/m/{code}/

# 補助金の「締切間近」を何日前から表示するか。
subsidies:
  closing_soon_days: 14

# ポスター。designs を省くとテーマのすべてのデザインを作ります。sizes は A4, A3, B3, B2。
posters:
  sizes: [A4, A3]
  print_marks: false
"#;

const GUIDES_INDEX: &str = r#"---
title: ガイド
description: ケアプランデータ連携システムの始め方の案内です。
---
ケアプランデータ連携システムを始めるための案内です。
"#;

const GUIDE: &str = r#"---
# ガイドのページ。content/guides/ に1つのページを1つのファイルで置きます。
# title と description は必ず書きます。order は一覧の並び順（小さい順）です。
title: 始める前に確かめること
description: ケアプランデータ連携システムを使い始める前に、事業所で確かめておくことです。
order: 10
---

<!-- 見出しは ## から始めます（# はページの題名に使われています）。 -->

ケアプランデータ連携システムは、居宅介護支援事業所とサービス事業所が、ケアプランのデータをファックスや紙の代わりにインターネットでやり取りするしくみです。

## 確かめること

- [ ] 使っている介護ソフトが、ケアプランデータ連携の標準仕様に対応している
- [ ] データを送り合う相手の事業所が、すでに使っているか、これから使うか
- [ ] 事業所番号ごとのライセンス料と、使える補助金

## 分からないとき

ケアプランデータ連携システム ヘルプデスク（0120-584-708、平日9:00〜17:00）に相談できます。
"#;

const FAQ: &str = r#"---
# FAQ は1つの質問に1つのファイルを使います。本文が答えです。
# audience: 居宅介護支援事業所 / サービス事業所 / 地域包括支援センター / 自治体 から選びます。
question: 困ったときは、どこに問い合わせればよいですか？
category: 導入手続き
audience: [居宅介護支援事業所, サービス事業所, 地域包括支援センター, 自治体]
order: 10
---
ケアプランデータ連携システムのヘルプデスクに電話で相談できます。

- 電話：0120-584-708（通話無料）
- 受付：平日9:00〜17:00

介護ソフトの操作は、介護ソフトの会社に聞いてください。
"#;

const OFFICES: &str = "# すでにケアプランデータ連携システムを使っている事業所の一覧（連携先の一覧に載ります）。1行に1事業所を書きます。\r\noffice_number,name,service_type,municipality_code,since,illustrative\r\n";

const SITES: &str = r#"# サイトごとの設定: 問い合わせ先と公開先 URL。キーは6桁の団体コード（引用符で囲む）。
# outreach new --site 団体コード で、そのサイトの設定とページの記入例を追加できます。
# 例:
# "221007":
#   department: 静岡市 介護保険課
#   phone: 054-000-0000
#   email: kaigo@example.jp
#   address: （庁舎の住所）
#   hours: 平日 8:30〜17:15
#   url: https://www.example.jp/careplan/
"#;

const SUBSIDIES_README: &str = "補助金の制度は、1つの制度を1つの YAML ファイル（例: data/subsidies/pref-example.yaml）で書きます。\n書き方は outreach の README の「Subsidy programmes」を見てください。\n";

const GITIGNORE: &str = "/public/\n/.outreach-cache/\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_is_embedded_with_its_fonts_and_templates() {
        let names: Vec<&str> = DEFAULT_THEME.iter().map(|(n, _)| *n).collect();
        for needed in [
            "templates/base.html",
            "static/style.css",
            "posters/standard.svg",
            "fonts/BIZUDPGothic-Regular.ttf",
        ] {
            assert!(names.contains(&needed), "{needed}: {names:?}");
        }
        let on_disk = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default"))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .count();
        assert_eq!(names.len(), on_disk);
    }

    #[test]
    fn a_new_project_refuses_a_folder_with_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let date: Date = "2026-11-29".parse().unwrap();
        assert!(matches!(
            new_project(dir.path(), date),
            Err(ScaffoldError::NotEmpty { .. })
        ));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }
}
