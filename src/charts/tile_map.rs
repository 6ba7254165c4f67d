//! A tile-grid map of Japan: one square per prefecture in its usual place,
//! coloured by rate band and labelled with its short name and value.

use plotters::element::{Polygon, Rectangle};
use plotters::style::text_anchor::HPos;

use super::canvas::{Font, INK, Paint, Sketch, WHITE, filled, stroked};
use super::palette::{self, BANDS, NO_DATA};
use super::{Chart, DataTable, Target, Tile, pct, tenths, tenths_str};
use crate::fonts::Fonts;

/// (JIS prefecture number, full name, short name, column, row) of the 47-tile layout:
/// Hokkaido at the top right, Tohoku down the right edge, Kanto below it, then
/// Chubu, Kinki and Chugoku westwards, Shikoku and Kyushu below, Okinawa at the bottom left.
pub const TILE_LAYOUT: [(u8, &str, &str, u8, u8); 47] = [
    (1, "北海道", "北海道", 12, 0),
    (2, "青森県", "青森", 12, 1),
    (3, "岩手県", "岩手", 12, 2),
    (4, "宮城県", "宮城", 12, 3),
    (5, "秋田県", "秋田", 11, 2),
    (6, "山形県", "山形", 11, 3),
    (7, "福島県", "福島", 12, 4),
    (8, "茨城県", "茨城", 12, 5),
    (9, "栃木県", "栃木", 11, 4),
    (10, "群馬県", "群馬", 10, 4),
    (11, "埼玉県", "埼玉", 10, 5),
    (12, "千葉県", "千葉", 11, 6),
    (13, "東京都", "東京", 11, 5),
    (14, "神奈川県", "神奈川", 10, 6),
    (15, "新潟県", "新潟", 10, 3),
    (16, "富山県", "富山", 9, 3),
    (17, "石川県", "石川", 8, 3),
    (18, "福井県", "福井", 7, 4),
    (19, "山梨県", "山梨", 9, 5),
    (20, "長野県", "長野", 9, 4),
    (21, "岐阜県", "岐阜", 8, 4),
    (22, "静岡県", "静岡", 9, 6),
    (23, "愛知県", "愛知", 8, 5),
    (24, "三重県", "三重", 7, 6),
    (25, "滋賀県", "滋賀", 7, 5),
    (26, "京都府", "京都", 6, 5),
    (27, "大阪府", "大阪", 5, 6),
    (28, "兵庫県", "兵庫", 5, 5),
    (29, "奈良県", "奈良", 6, 6),
    (30, "和歌山県", "和歌山", 6, 7),
    (31, "鳥取県", "鳥取", 4, 5),
    (32, "島根県", "島根", 3, 5),
    (33, "岡山県", "岡山", 4, 6),
    (34, "広島県", "広島", 3, 6),
    (35, "山口県", "山口", 2, 5),
    (36, "徳島県", "徳島", 4, 8),
    (37, "香川県", "香川", 4, 7),
    (38, "愛媛県", "愛媛", 3, 7),
    (39, "高知県", "高知", 3, 8),
    (40, "福岡県", "福岡", 2, 6),
    (41, "佐賀県", "佐賀", 1, 6),
    (42, "長崎県", "長崎", 0, 6),
    (43, "熊本県", "熊本", 1, 7),
    (44, "大分県", "大分", 2, 7),
    (45, "宮崎県", "宮崎", 2, 8),
    (46, "鹿児島県", "鹿児島", 1, 8),
    (47, "沖縄県", "沖縄", 0, 9),
];

const MARGIN: f64 = 16.0;
const PITCH: f64 = 56.0;
const TILE: f64 = 52.0;
const COLS: f64 = 13.0;
const ROWS: f64 = 10.0;

/// Rate bands: upper edges (tenths of a percent) below the target, then the target band.
pub(crate) struct Bands {
    edges: Vec<i64>,
    target: i64,
}

impl Bands {
    pub fn new(target: f64) -> Bands {
        let target = tenths(target).max(1);
        let edges = [30, 50, 100, 200]
            .into_iter()
            .filter(|e| *e < target)
            .collect();
        Bands { edges, target }
    }

    /// How many bands, the target band included.
    pub fn len(&self) -> usize {
        self.edges.len() + 2
    }

    /// The band of a rate, by its shown value.
    pub fn index(&self, rate: f64) -> usize {
        let t = tenths(rate);
        if t >= self.target {
            return self.len() - 1;
        }
        self.edges
            .iter()
            .position(|e| t < *e)
            .unwrap_or(self.edges.len())
    }

    pub fn label(&self, i: usize) -> String {
        let trim = |t: i64| {
            if t % 10 == 0 {
                format!("{}", t / 10)
            } else {
                tenths_str(t)
            }
        };
        if i == self.len() - 1 {
            return format!("{}%以上", trim(self.target));
        }
        let upper = self.edges.get(i).copied().unwrap_or(self.target);
        if i == 0 {
            format!("{}%未満", trim(upper))
        } else {
            format!("{}〜{}%", trim(self.edges[i - 1]), trim(upper))
        }
    }

    /// Fill colour: lighter for lower bands, the darkest for the target band.
    pub fn colour(&self, i: usize) -> &'static str {
        if i == self.len() - 1 {
            BANDS[BANDS.len() - 1]
        } else {
            BANDS[i.min(BANDS.len() - 2)]
        }
    }
}

/// `target`: the level the top band starts at. Prefectures have no office-rate
/// goal of their own, so the national page passes a level (see [`Target`]),
/// and the description counts 「利用率が30%以上の都道府県」.
pub fn tile_map(tiles: &[Tile], target: &Target, fonts: &Fonts) -> Chart {
    let id = "chart-tile-map";
    let title = "都道府県別の利用率（タイル地図）".to_string();
    let bands = Bands::new(target.share);
    // One entry per prefecture in code order; the first tile given for a code wins.
    let rates: Vec<(u8, &str, &str, Option<f64>, String)> = TILE_LAYOUT
        .iter()
        .map(|&(n, full, short, _, _)| {
            let tile = tiles.iter().find(|t| t.prefecture == n);
            let name = tile
                .map(|t| t.name.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or(full.to_string());
            (
                n,
                full,
                short,
                tile.and_then(|t| t.rate).filter(|r| r.is_finite()),
                name,
            )
        })
        .collect();
    // Which prefectures' values are samples (illustrative): marked on the tile, in the legend,
    // the description and the table.
    let samples: Vec<bool> = TILE_LAYOUT
        .iter()
        .map(|&(n, ..)| {
            tiles
                .iter()
                .find(|t| t.prefecture == n)
                .is_some_and(|t| t.illustrative && t.rate.is_some_and(f64::is_finite))
        })
        .collect();
    let sample_count = samples.iter().filter(|s| **s).count();
    let mut description = describe(&rates, &bands, target);
    if sample_count == rates.iter().filter(|r| r.3.is_some()).count() && sample_count > 0 {
        description.push_str("値はすべてサンプル（架空）です。");
    } else if sample_count > 0 {
        description.push_str(&format!(
            "{sample_count}都道府県の値はサンプル（架空）です（右上に三角の印）。"
        ));
    }

    let width = 2.0 * MARGIN + COLS * PITCH - (PITCH - TILE);
    let height = 2.0 * MARGIN + ROWS * PITCH - (PITCH - TILE);
    let sketch = Sketch::new(fonts, width, height);
    // Grid cells (column, row) mapped by plotters onto the page; a tile fills TILE of a PITCH.
    let plot = sketch.plot(
        0.0..COLS,
        0.0..ROWS,
        (MARGIN, MARGIN + COLS * PITCH),
        (MARGIN, MARGIN + ROWS * PITCH),
    );
    let fill_of = TILE / PITCH;
    let unit = |v: i32| f64::from(v) / super::canvas::SCALE;
    let no_data = Paint::none().dash("4 3");

    // Legend in the open sea at the top left.
    let legend_font = Font::new(13.0);
    sketch.text(
        MARGIN,
        MARGIN + 11.0,
        "利用率の区分",
        Font::new(14.0).bold(),
        Paint::none(),
    );
    let swatch = |y: f64, fill: &str, dashed: bool| {
        let rect = Rectangle::new(
            [
                super::canvas::at(MARGIN, y),
                super::canvas::at(MARGIN + 22.0, y + 22.0),
            ],
            filled(fill),
        );
        let (outline, paint) = if dashed {
            ("#767676", no_data.clone())
        } else {
            ("#333333", Paint::none())
        };
        sketch.with(paint.stroke(outline, 1.0), |root| root.draw(&rect));
    };
    let mut y = MARGIN + 30.0;
    for i in 0..bands.len() {
        swatch(y, bands.colour(i), false);
        sketch.text(
            MARGIN + 30.0,
            y + 11.0,
            &bands.label(i),
            legend_font,
            Paint::none(),
        );
        y += 28.0;
    }
    swatch(y, NO_DATA, true);
    sketch.text(
        MARGIN + 30.0,
        y + 11.0,
        "データなし",
        legend_font,
        Paint::none(),
    );
    // A triangle in the top right corner marks a sample (illustrative) value.
    let corner = |x: f64, y: f64, ink: &str| {
        let mark = Polygon::new(
            vec![
                super::canvas::at(x - 12.0, y),
                super::canvas::at(x, y),
                super::canvas::at(x, y + 12.0),
            ],
            filled(ink),
        );
        sketch.with(Paint::class("sample"), |root| root.draw(&mark));
    };
    if sample_count > 0 {
        y += 28.0;
        swatch(y, WHITE, false);
        corner(MARGIN + 22.0, y, INK);
        sketch.text(
            MARGIN + 30.0,
            y + 11.0,
            "サンプル（架空）の値",
            legend_font,
            Paint::none(),
        );
    }

    let name_font = Font::new(14.0).bold().h(HPos::Center);
    let value_font = Font::new(13.0).h(HPos::Center);
    let none_font = Font::new(13.0).h(HPos::Center);
    let none_fits = none_font.measure(fonts, "データなし") <= TILE - 4.0;
    for (i, &(n, _, short, rate, ref name)) in rates.iter().enumerate() {
        let (_, _, _, col, row) = TILE_LAYOUT[i];
        let (col, row) = (f64::from(col), f64::from(row));
        let (x, y) = plot.map_coordinate(&(col, row));
        let (x, y) = (unit(x), unit(y));
        let cx = x + TILE / 2.0;
        // Shrink a long short name only if it would not fit (never below 13px).
        let mut nf = name_font;
        while nf.size > 13.0 && nf.measure(fonts, short) > TILE - 4.0 {
            nf.size -= 1.0;
        }
        let shown = rate.map(pct).unwrap_or("データなし".to_string());
        sketch.group(
            &Paint::class("tile")
                .data("code", format!("{n:02}"))
                .data("col", col)
                .data("row", row),
            Some(&format!(
                "{name} {shown}{}",
                if samples[i] { "（サンプル）" } else { "" }
            )),
        );
        let tile = [(col, row), (col + fill_of, row + fill_of)];
        match rate {
            Some(r) => {
                let fill = bands.colour(bands.index(r));
                let ink = palette::text_on(fill);
                sketch.with(Paint::none().stroke("#333333", 1.0), |_| {
                    plot.draw(&Rectangle::new(tile, filled(fill)))
                });
                if samples[i] {
                    corner(x + TILE, y, ink);
                }
                sketch.text(cx, y + 16.0, short, nf.fill(ink), Paint::none());
                sketch.text(cx, y + 37.0, &shown, value_font.fill(ink), Paint::none());
            }
            None => {
                sketch.with(no_data.clone().fill(NO_DATA), |_| {
                    plot.draw(&Rectangle::new(tile, stroked("#767676", 1.0)))
                });
                if none_fits {
                    sketch.text(cx, y + 16.0, short, nf.fill(INK), Paint::none());
                    sketch.text(
                        cx,
                        y + 37.0,
                        "データなし",
                        none_font.fill(INK),
                        Paint::none(),
                    );
                } else {
                    sketch.text(cx, y + 12.0, short, nf.fill(INK), Paint::none());
                    sketch.text(cx, y + 28.0, "データ", none_font.fill(INK), Paint::none());
                    sketch.text(cx, y + 42.0, "なし", none_font.fill(INK), Paint::none());
                }
            }
        }
        sketch.end_group();
    }
    let svg = sketch.finish(id, &title, &description, width);

    let rows = rates
        .iter()
        .zip(&samples)
        .map(|((_, _, _, rate, name), sample)| {
            let mut shown = rate.map(pct).unwrap_or_else(|| "データなし".to_string());
            if *sample {
                shown.push_str("（サンプル）");
            }
            vec![
                name.clone(),
                shown,
                rate.map(|r| bands.label(bands.index(r)))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Chart {
        id: id.to_string(),
        title: title.clone(),
        description,
        svg,
        table: DataTable {
            caption: title,
            columns: vec![
                "都道府県".to_string(),
                "利用率".to_string(),
                "区分".to_string(),
            ],
            rows,
        },
        small_svg: None,
        small_table: true,
    }
}

fn describe(
    rates: &[(u8, &str, &str, Option<f64>, String)],
    bands: &Bands,
    target: &Target,
) -> String {
    let with: Vec<(&str, f64)> = rates
        .iter()
        .filter_map(|(_, _, _, r, name)| r.map(|r| (name.as_str(), r)))
        .collect();
    let mut out = "47都道府県の利用率を、日本地図の形に並べたタイルで示しています。".to_string();
    if with.is_empty() {
        out.push_str("利用率のデータはまだありません。");
        return out;
    }
    let max = with.iter().map(|(_, r)| tenths(*r)).max().unwrap_or(0);
    let min = with.iter().map(|(_, r)| tenths(*r)).min().unwrap_or(0);
    let names_at = |t: i64| -> String {
        with.iter()
            .filter(|(_, r)| tenths(*r) == t)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join("、")
    };
    out.push_str(&format!(
        "最も高いのは{}の{}%、最も低いのは{}の{}%です。",
        names_at(max),
        tenths_str(max),
        names_at(min),
        tenths_str(min)
    ));
    let met = with
        .iter()
        .filter(|(_, r)| bands.index(*r) == bands.len() - 1)
        .count();
    out.push_str(&target.count_sentence(met, "都道府県"));
    let counts: Vec<String> = (0..bands.len())
        .map(|i| {
            let c = with.iter().filter(|(_, r)| bands.index(*r) == i).count();
            format!("{}が{c}", bands.label(i))
        })
        .collect();
    out.push_str(&format!("区分ごとの数は、{}です。", counts.join("、")));
    let missing: Vec<&str> = rates
        .iter()
        .filter(|(_, _, _, r, _)| r.is_none())
        .map(|(_, _, _, _, n)| n.as_str())
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!("{}はデータがありません。", missing.join("、")));
    }
    out
}
