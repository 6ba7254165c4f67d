//! Number and date formatting shared by every page, poster and file.

/// `7416` → `7,416`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal: `0.04` → `4.0%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A KPI target such as 0.3 → `30%` (no decimals when whole).
pub fn target_percent(share: f64) -> String {
    let pct = share * 100.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("{}%", pct.round() as i64)
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(7416), "7,416");
        assert_eq!(thousands(181566), "181,566");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(297.0 / 7416.0), "4.0%");
        assert_eq!(percent(0.3), "30.0%");
        assert_eq!(target_percent(0.3), "30%");
        assert_eq!(target_percent(0.5), "50%");
        assert_eq!(target_percent(0.375), "37.5%");
    }
}
