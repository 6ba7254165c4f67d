//! Fingerprints: a stable 64-bit hash (xxh3) of bytes. A build compares them
//! to tell whether a file's contents, or the inputs it was made from, changed
//! since the previous build; the same bytes give the same fingerprint on every
//! machine and in every run.

use std::io::{self, Read};
use std::path::Path;

/// The fingerprint of `bytes`.
pub fn of(bytes: &[u8]) -> u64 {
    twox_hash::XxHash3_64::oneshot(bytes)
}

/// The fingerprint of a file's bytes (the same as [`of`] them), read in
/// pieces, and its length.
pub fn of_file(path: &Path) -> io::Result<(u64, u64)> {
    use std::hash::Hasher;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = twox_hash::XxHash3_64::default();
    let mut buffer = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok((hasher.finish(), total));
        }
        total += n as u64;
        hasher.write(&buffer[..n]);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_read_in_pieces_has_the_fingerprint_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            super::of_file(&path).unwrap(),
            (super::of(&bytes), bytes.len() as u64)
        );
        let mut other = bytes.clone();
        other[150_000] ^= 1;
        assert_ne!(super::of(&other), super::of(&bytes));
    }
}
