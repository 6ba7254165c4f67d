//! Japanese date formatting (interim; replaced by the era helper).
use jiff::civil::Date;

pub fn parse_iso(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    s.parse().ok()
}

pub fn format_western(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

pub fn format_era(d: Date) -> String {
    format_western(d)
}

pub fn format_both(d: Date) -> String {
    format!("{}（{}）", format_western(d), format_era(d))
}
