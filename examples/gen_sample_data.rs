//! Generate the illustrative (サンプル・架空) data of the sample project.
//!
//! ```text
//! cargo run --example gen_sample_data -- <project dir>
//! ```
//!
//! Reads the real master list (`data/municipalities.csv`) and the real
//! prefecture figures of 2023-11-06 (`data/adoption/2023-11-06.csv`), and writes:
//!
//! - `data/adoption/2023-11-06-municipalities-sample.csv`: every municipality,
//!   its prefecture's real figures split so that the rows add up exactly;
//! - `data/adoption/2024-11-05-sample.csv` and `2025-11-04-sample.csv`: invented
//!   later snapshots (prefecture and municipality rows, consistent), growing
//!   from about 4.6% nationally to about 9% and 15%;
//! - `data/offices.csv`: invented partner offices, never more in a municipality
//!   than its sample count of offices using the system at each date, with a
//!   reading, an address in a 架空町, a phone number that reaches no one and
//!   (for most) an invented 法人番号 (see `outreach::sample`).
//!
//! Deterministic: all variation comes from an FNV-1a hash of the code
//! (finished with the splitmix64 mixer).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use outreach::data::adoption;
use outreach::data::jis::{Code, MasterList, Municipality};
use outreach::data::offices::{self, office_check_digit};
use outreach::data::table::{self, parse_count};
use outreach::problems::Problems;
use outreach::sample::{self, FLOWERS};

/// FNV-1a, 64-bit.
fn fnv(text: &str, salt: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in salt.bytes().chain([0]).chain(text.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // FNV's high bits barely change with the last bytes (codes differ there),
    // so finish with the splitmix64 mixer.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// A deterministic number in [0, 1).
fn unit(text: &str, salt: &str) -> f64 {
    (fnv(text, salt) >> 11) as f64 / (1u64 << 53) as f64
}

/// Split `total` into parts proportional to `weights` (largest remainder),
/// each part at least `floor[i]` and at most `cap[i]`.
fn apportion(total: u64, weights: &[f64], floor: &[u64], cap: &[u64]) -> Vec<u64> {
    let mut parts: Vec<u64> = floor.to_vec();
    let mut left = total - parts.iter().sum::<u64>();
    while left > 0 {
        let open: Vec<usize> = (0..weights.len())
            .filter(|&i| parts[i] < cap[i] && weights[i] > 0.0)
            .collect();
        assert!(!open.is_empty(), "cannot place {left} more");
        let sum: f64 = open.iter().map(|&i| weights[i]).sum();
        let shares: Vec<(usize, f64)> = open
            .iter()
            .map(|&i| (i, left as f64 * weights[i] / sum))
            .collect();
        let mut placed = 0;
        for &(i, share) in &shares {
            let add = (share.floor() as u64).min(cap[i] - parts[i]);
            parts[i] += add;
            placed += add;
        }
        if placed == 0 {
            // Hand out the remainders one by one, largest first.
            let mut order = shares.clone();
            order.sort_by(|a, b| {
                (b.1 - b.1.floor())
                    .partial_cmp(&(a.1 - a.1.floor()))
                    .unwrap()
                    .then(a.0.cmp(&b.0))
            });
            for (i, _) in order {
                if placed == left {
                    break;
                }
                if parts[i] < cap[i] {
                    parts[i] += 1;
                    placed += 1;
                }
            }
        }
        left -= placed;
    }
    parts
}

/// How large a municipality's share of its prefecture's offices is.
fn office_weight(m: &Municipality) -> f64 {
    let body = &m.code[2..5];
    let base = if m.name.ends_with('市') && body.starts_with('1') {
        60.0 // designated city
    } else if body == "201" {
        25.0 // usually the prefectural capital
    } else if m.name.ends_with('区') {
        14.0 // Tokyo's special wards
    } else if m.name.ends_with('市') {
        8.0
    } else if m.name.ends_with('町') {
        1.6
    } else {
        0.5
    };
    let u = unit(&m.code, "size");
    base * (0.25 + 2.5 * u * u)
}

/// How a municipality's adoption compares with its prefecture's (1.0 = same).
fn rate_factor(m: &Municipality, year: i32) -> f64 {
    // The three cities the sample pages feature always have some users.
    let featured = ["011002", "221007", "221309"].contains(&m.code.as_str());
    let u = if featured { 0.5 } else { unit(&m.code, "rate") };
    let zero_below = match year {
        2023 => 0.06,
        2024 => 0.035,
        _ => 0.015,
    };
    if u < zero_below {
        return 0.0;
    }
    let base = if u > 0.965 {
        9.0 + 4.0 * unit(&m.code, "high") // the pioneers: above 30%
    } else {
        0.3 + 1.4 * unit(&m.code, "mid")
    };
    base * (0.85 + 0.3 * unit(&m.code, &format!("year{year}")))
}

#[derive(Clone, Copy, Default)]
struct Counts {
    offices: u64,
    using: u64,
}

struct Year {
    date: &'static str,
    year: i32,
    prefectures: BTreeMap<Code, Counts>,
    municipalities: BTreeMap<Code, Counts>,
}

fn split_municipalities(
    master: &MasterList,
    prefectures: &BTreeMap<Code, Counts>,
    year: i32,
) -> BTreeMap<Code, Counts> {
    let mut out = BTreeMap::new();
    for p in &master.prefectures {
        let total = prefectures[&p.code];
        let munis: Vec<&Municipality> = master.municipalities_of(p.number()).collect();
        let weights: Vec<f64> = munis.iter().map(|m| office_weight(m)).collect();
        let ones = vec![1; munis.len()];
        let offices = apportion(total.offices, &weights, &ones, &vec![u64::MAX; munis.len()]);
        let using_weights: Vec<f64> = munis
            .iter()
            .zip(&offices)
            .map(|(m, &o)| o as f64 * rate_factor(m, year))
            .collect();
        // Leave the pioneers room to exceed 30%, everyone else at most 60%.
        let caps: Vec<u64> = offices.iter().map(|&o| o * 3 / 5 + 1).collect();
        let caps: Vec<u64> = caps.iter().zip(&offices).map(|(&c, &o)| c.min(o)).collect();
        // Most municipalities with a fair number of offices have at least one
        // user: only a few (the zero-factor ones and tiny villages) stay at 0.
        let mut floors: Vec<u64> = vec![0; munis.len()];
        let mut by_size: Vec<usize> = (0..munis.len())
            .filter(|&i| using_weights[i] > 0.0 && offices[i] >= 4)
            .collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(offices[i]));
        for i in by_size.into_iter().take((total.using as usize * 3) / 5) {
            floors[i] = 1;
        }
        let using = apportion(total.using, &using_weights, &floors, &caps);
        for ((m, o), u) in munis.iter().zip(offices).zip(using) {
            out.insert(
                m.code,
                Counts {
                    offices: o,
                    using: u,
                },
            );
        }
    }
    out
}

fn later_prefectures(
    master: &MasterList,
    base: &BTreeMap<Code, Counts>,
    years_after: u32,
    national_rate: f64,
) -> BTreeMap<Code, Counts> {
    let mut offices = BTreeMap::new();
    let mut raw = BTreeMap::new();
    for p in &master.prefectures {
        let b = base[&p.code];
        let growth = 1.004 + 0.018 * unit(&p.code, "growth");
        let o = (b.offices as f64 * growth.powi(years_after as i32)).round() as u64;
        let momentum = 0.55 + 0.9 * unit(&p.code, &format!("momentum{years_after}"));
        let r = b.using as f64 / b.offices as f64;
        offices.insert(p.code, o);
        raw.insert(p.code, o as f64 * (r + 0.02) * momentum);
    }
    let total_offices: u64 = offices.values().sum();
    let k = national_rate * total_offices as f64 / raw.values().sum::<f64>();
    master
        .prefectures
        .iter()
        .map(|p| {
            let o = offices[&p.code];
            let u = ((raw[&p.code] * k).round() as u64).min(o * 3 / 5);
            (
                p.code,
                Counts {
                    offices: o,
                    using: u,
                },
            )
        })
        .collect()
}

fn write_csv(path: &Path, master: &MasterList, rows: &BTreeMap<Code, Counts>) {
    let mut text = String::from("code,name,offices,using_offices\n");
    for (code, c) in rows {
        let name = master
            .prefecture(code)
            .map(|p| p.name.clone())
            .or_else(|| master.municipality(code).map(|m| m.name.clone()))
            .expect("code from the master list");
        writeln!(text, "{code},{name},{},{}", c.offices, c.using).unwrap();
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("wrote {}", path.display());
}

const SERVICE_MIX: &[&str] = &[
    "居宅介護支援",
    "居宅介護支援",
    "訪問介護",
    "居宅介護支援",
    "通所介護",
    "訪問看護",
    "福祉用具貸与",
    "居宅介護支援",
    "地域密着型通所介護",
    "短期入所生活介護",
    "小規模多機能型居宅介護",
    "訪問リハビリテーション",
];

/// A day in `(after, until]`, deterministic.
fn day_between(after: jiff::civil::Date, until: jiff::civil::Date, key: &str) -> jiff::civil::Date {
    let span = after.until(until).expect("dates").get_days().max(1);
    let offset = 1 + (fnv(key, "since") % span as u64) as i64;
    after
        .checked_add(jiff::Span::new().days(offset))
        .expect("date in range")
}

fn main() {
    let project = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut problems = Problems::new();
    let master = MasterList::load(&project.join("data/municipalities.csv"), &mut problems);
    assert!(!problems.has_errors(), "{:?}", problems.sorted());

    // The real prefecture figures.
    let real_path = project.join("data/adoption/2023-11-06.csv");
    let table = table::read(&real_path).expect("the real 2023-11-06 figures");
    let mut real = BTreeMap::new();
    for row in &table.rows[1..] {
        let number = format!("{:0>2}", row.cell(0));
        let p = master
            .prefecture_by_number(&number)
            .expect("prefecture number");
        real.insert(
            p.code,
            Counts {
                offices: parse_count(row.cell(2)).unwrap(),
                using: parse_count(row.cell(3)).unwrap(),
            },
        );
    }
    assert_eq!(real.len(), 47);

    let mut years = vec![Year {
        date: "2023-11-06",
        year: 2023,
        municipalities: split_municipalities(&master, &real, 2023),
        prefectures: real.clone(),
    }];
    for (date, year, after, rate) in [("2024-11-05", 2024, 1, 0.09), ("2025-11-04", 2025, 2, 0.15)]
    {
        let prefectures = later_prefectures(&master, &real, after, rate);
        years.push(Year {
            date,
            year,
            municipalities: split_municipalities(&master, &prefectures, year),
            prefectures,
        });
    }

    let dir = project.join("data/adoption");
    for y in &years {
        if y.year == 2023 {
            write_csv(
                &dir.join("2023-11-06-municipalities-sample.csv"),
                &master,
                &y.municipalities,
            );
        } else {
            let mut all = y.prefectures.clone();
            all.extend(y.municipalities.clone());
            write_csv(&dir.join(format!("{}-sample.csv", y.date)), &master, &all);
        }
        let o: u64 = y.prefectures.values().map(|c| c.offices).sum();
        let u: u64 = y.prefectures.values().map(|c| c.using).sum();
        let m = &y.municipalities;
        let zero = m.values().filter(|c| c.using == 0).count();
        let over30 = m
            .values()
            .filter(|c| c.using as f64 >= 0.3 * c.offices as f64)
            .count();
        println!(
            "{}: national {u}/{o} = {:.1}%, municipalities: {} at 0, {} at 30% or more, of {}",
            y.date,
            100.0 * u as f64 / o as f64,
            zero,
            over30,
            m.len()
        );
    }

    // Partner offices.
    let mut chosen: Vec<(String, usize)> = Vec::new();
    for (pref, name, max) in [
        ("静岡県", "静岡市", 12),
        ("静岡県", "浜松市", 12),
        ("北海道", "札幌市", 12),
        ("静岡県", "沼津市", 3),
        ("静岡県", "富士市", 2),
        ("宮城県", "仙台市", 3),
        ("東京都", "千代田区", 2),
        ("石川県", "金沢市", 3),
        ("沖縄県", "那覇市", 1),
    ] {
        let p = master
            .prefectures
            .iter()
            .find(|p| p.name == pref)
            .expect("prefecture");
        let m = master
            .municipalities_of(p.number())
            .find(|m| m.name == name)
            .expect("municipality");
        chosen.push((m.code.to_string(), max));
    }
    for m in &master.municipalities {
        if unit(&m.code, "partner") < 0.005 && !chosen.iter().any(|(c, _)| *c == m.code) {
            chosen.push((m.code.to_string(), (fnv(&m.code, "partners") % 4) as usize));
        }
    }
    chosen.sort();

    let dates: Vec<jiff::civil::Date> = years.iter().map(|y| y.date.parse().unwrap()).collect();
    let start: jiff::civil::Date = "2023-04-02".parse().unwrap();
    let mut text = String::from(
        "office_number,name,reading,service_type,municipality_code,address,phone,corporate_number,since,illustrative\n",
    );
    let mut total = 0;
    for (code, max) in &chosen {
        let using: Vec<usize> = years
            .iter()
            .map(|y| y.municipalities[code.as_str()].using as usize)
            .collect();
        let n = (*max).min(*using.iter().max().unwrap());
        // How many may already be using at each snapshot date (never more
        // than the sample count of that date).
        let mut limit = vec![0; years.len()];
        for i in (0..years.len()).rev() {
            let later = limit.get(i + 1).copied().unwrap_or(n);
            limit[i] = using[i].min(later);
        }
        for k in 0..n {
            let key = format!("{code}-{k}");
            let period = limit.iter().position(|&l| k < l).unwrap_or(years.len() - 1);
            let (after, until) = if period == 0 {
                (start, dates[0])
            } else {
                (dates[period - 1], dates[period])
            };
            let since = day_between(after, until, &key);
            let service = SERVICE_MIX[(fnv(&key, "service") % SERVICE_MIX.len() as u64) as usize];
            let flower = FLOWERS[(fnv(&key, "flower") % FLOWERS.len() as u64) as usize];
            let body = format!("{}7{}9{:02}", &code[..2], &code[2..5], k + 1);
            let check = office_check_digit(&body).expect("digits") as char;
            let (name, reading) = sample::office_name(service, flower, None);
            let m = master
                .municipality(code)
                .expect("code from the master list");
            let p = master.prefecture_of(&m.code).expect("its prefecture");
            let address = sample::address(&p.name, &m.name, fnv(&key, "address"));
            let phone = sample::phone(code, fnv(code, "area"), fnv(&key, "phone"));
            // Most offices give their corporation's number; some leave it out.
            let corporate = if fnv(&key, "corporate").is_multiple_of(4) {
                String::new()
            } else {
                sample::corporate_number(fnv(&key, "corporate-number"))
            };
            writeln!(
                text,
                "{body}{check},{name},{reading},{service},{code},{address},{phone},{corporate},{since},true",
            )
            .unwrap();
            total += 1;
        }
    }
    let offices_path = project.join("data/offices.csv");
    std::fs::write(&offices_path, text).expect("write offices.csv");
    println!(
        "wrote {} ({total} offices in {} municipalities)",
        offices_path.display(),
        chosen.len()
    );

    // Self-check: everything loads without a single problem.
    let today: jiff::civil::Date = "2026-01-01".parse().unwrap();
    let adoption = adoption::load(&dir, &master, today, &mut problems);
    let loaded = offices::load(&offices_path, &master, &mut problems);
    for p in problems.sorted() {
        println!("{p}");
    }
    assert!(problems.is_empty(), "the sample data has problems");
    println!(
        "check: {} snapshots, {} offices, no problems",
        adoption.snapshots.len(),
        loaded.len()
    );
}
