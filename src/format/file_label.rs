//! The type and size a link to a file shows, as public-sector pages write them
//! (「ポスター（PDF・42KB）」): the reader knows before opening it what the file
//! is and how long it takes on a phone. The size is that of the bytes written,
//! so it is computed where the bytes are known and is the same in every build
//! of the same input.

/// The file types whose links carry a type and size.
pub const LABELLED: [&str; 6] = ["pdf", "png", "csv", "json", "ics", "zip"];

/// `PDF・42KB` for a file at `path` of `bytes` bytes.
pub fn label(path: &str, bytes: u64) -> String {
    format!("{}・{}", kind(path), size(bytes))
}

/// The file's type as readers know it: its extension in capitals (`PDF`, `CSV`, `ICS`).
pub fn kind(path: &str) -> String {
    path.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_uppercase())
        .unwrap_or_default()
}

/// A size as pages show it, never less than the file holds: kilobytes
/// (1KB = 1,024 bytes) rounded up, from 1KB; from 1,000KB on, megabytes with
/// one decimal, rounded up (`1.3MB`).
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let kb = bytes.div_ceil(KIB).max(1);
    if kb < 1000 {
        return format!("{kb}KB");
    }
    let tenths = (u128::from(bytes) * 10).div_ceil(u128::from(MIB));
    format!("{}.{}MB", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_so_a_file_is_never_shown_smaller_than_it_is() {
        assert_eq!(size(0), "1KB");
        assert_eq!(size(1), "1KB");
        assert_eq!(size(1024), "1KB");
        assert_eq!(size(1025), "2KB");
        assert_eq!(size(42 * 1024), "42KB");
        assert_eq!(size(999 * 1024), "999KB");
        assert_eq!(size(999 * 1024 + 1), "1.0MB");
        assert_eq!(size(1024 * 1024), "1.0MB");
        assert_eq!(size(1024 * 1024 + 1), "1.1MB");
        assert_eq!(size(12 * 1024 * 1024 + 300_000), "12.3MB");
    }

    #[test]
    fn labels_name_the_type_by_its_extension() {
        assert_eq!(
            label("posters/poster-standard-a4-221007.pdf", 43_000),
            "PDF・42KB"
        );
        assert_eq!(label("data/events-221007.ics", 900), "ICS・1KB");
        assert_eq!(kind("data/adoption-national.json"), "JSON");
    }
}
