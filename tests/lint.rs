//! The public-web lint as an editor meets it in `outreach check`: warnings
//! with file, line and column, and the project still builds.

mod common;

use std::process::Command;

use common::Fixture;

#[test]
fn public_web_writing_is_warned_with_file_line_and_column() {
    let fx = Fixture::new("basic");
    // A campaign that has ended (the build date is 2026-11-29).
    fx.write(
        "content/news/ended.md",
        "---\ntitle: 終わった説明会\ndate: 2026-01-10\nkind: お知らせ\ndescription: 終わりました。\nexpires: 2026-03-31\n---\n説明会は終わりました。\n",
    );
    fx.write(
        "content/guides/writing.md",
        "---\ntitle: 書き方の悪い例\ndescription: 公開前に直すべき書き方です。\n---\n## 申込み\n\n申込書は[こちら](@/guides/flow.md)から。\n\n#### 細目\n\n![](flow.png)\n\n[説明会のお知らせ](@/news/ended.md)と[キャンペーン](@/news/campaign.md)を見てください。\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args([
            "check",
            "--project",
            fx.project().to_str().unwrap(),
            "--date",
            "2026-11-29",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json:#}");
    let mut found: Vec<(u64, u64, String)> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["file"]
                .as_str()
                .unwrap()
                .ends_with("content/guides/writing.md")
        })
        .map(|p| {
            assert_eq!(p["severity"], "warning");
            assert!(!p["hint"].as_str().unwrap().is_empty());
            (
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let places: Vec<(u64, u64)> = found.iter().map(|f| (f.0, f.1)).collect();
    // こちら at 7:5, the skipped heading at 9:1, the image at 11:1, the
    // expired news at 13:1; the campaign (expires 2027-05-31) is fine.
    assert_eq!(places, vec![(7, 5), (9, 1), (11, 1), (13, 1)], "{found:#?}");
    assert!(found[0].2.contains("こちら"));
    assert!(found[1].2.contains("見出し2の次が見出し4"));
    assert!(found[2].2.contains("alt"));
    assert!(found[3].2.contains("news/ended.md") && found[3].2.contains("2026-03-31"));
    // Warnings do not stop the build.
    assert!(out.status.success());
}
