//! Opening a corpus file and hashing its content: only a regular file is opened, and never
//! so that the open could block (a FIFO put in a file's place after the walk is refused);
//! the content hash is fast enough to run over every byte read.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use super::article::Problem;

/// FNV-1a of `bytes` continued from `hash` (start from [`FNV_START`]): a stable hash of
/// short keys (article ids).
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The FNV-1a offset basis.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The content hash of files and JSON Lines records: eight bytes at a time (a file of
/// 100 MB in a few tens of milliseconds), the same however the bytes are cut into the
/// pieces given to [`ContentHash::update`], with the length mixed in.
#[derive(Debug, Clone, Default)]
pub struct ContentHash {
    state: u64,
    tail: [u8; 8],
    tail_len: usize,
    len: u64,
}

const MIX: u64 = 0x9e37_79b9_7f4a_7c15;

impl ContentHash {
    pub fn new() -> Self {
        ContentHash::default()
    }

    fn word(&mut self, word: u64) {
        self.state = (self.state.rotate_left(5) ^ word).wrapping_mul(MIX);
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.tail_len > 0 {
            let take = (8 - self.tail_len).min(bytes.len());
            self.tail[self.tail_len..self.tail_len + take].copy_from_slice(&bytes[..take]);
            self.tail_len += take;
            bytes = &bytes[take..];
            if self.tail_len < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.tail));
            self.tail_len = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.tail_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let mut done = self.clone();
        if done.tail_len > 0 {
            let mut last = [0u8; 8];
            last[..done.tail_len].copy_from_slice(&done.tail[..done.tail_len]);
            done.word(u64::from_le_bytes(last));
        }
        done.word(done.len);
        // A final avalanche (SplitMix64's), so that nearby inputs differ in every bit.
        let mut z = done.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The hash of `bytes` in one piece.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut hash = ContentHash::new();
        hash.update(bytes);
        hash.finish()
    }
}

/// A reader that hashes and counts the bytes it passes on.
pub(super) struct Tally<R> {
    pub inner: R,
    pub hash: ContentHash,
    /// Shared with whoever reports progress.
    pub count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Opens `path` for reading if it is a regular file. The open never blocks: a FIFO that
/// took a file's place after the walk is refused rather than waited on.
pub fn open_regular(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::other(format!(
            "not a regular file ({})",
            super::walk::kind_of(&kind)
        )));
    }
    Ok(file)
}

/// The message for a file that cannot be read.
pub(super) fn cannot(display: &str, err: &io::Error) -> Problem {
    let message = if err.kind() == io::ErrorKind::Other && err.get_ref().is_some() {
        err.to_string()
    } else {
        format!("cannot read: {err}")
    };
    Problem::new(display, None, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_hash_does_not_depend_on_how_bytes_are_cut() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = ContentHash::of(&bytes);
        for cut in [1, 3, 7, 8, 9, 64, 999] {
            let mut hash = ContentHash::new();
            for piece in bytes.chunks(cut) {
                hash.update(piece);
            }
            assert_eq!(hash.finish(), whole, "pieces of {cut}");
        }
        // Trailing zero bytes and the empty input are told apart by their length.
        assert_ne!(ContentHash::of(b"abc"), ContentHash::of(b"abc\0"));
        assert_ne!(ContentHash::of(b""), ContentHash::of(b"\0"));
        let mut changed = bytes.clone();
        changed[500] ^= 1;
        assert_ne!(ContentHash::of(&changed), whole);
    }
}
