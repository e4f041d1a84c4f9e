//! Reading one article file: its bytes (or, for a big JSON Lines file, a stream of its
//! lines), its content hash, its text and then its articles, through the reader of its
//! format.

use std::fs;
use std::path::Path;

use super::article::{Article, FileRead, Problem};
use super::decode;
use super::format::{format_of, Format};
use super::{html, json, text};

/// Plain JSON Lines files from this size on are read line by line rather than whole, so
/// indexing an archive of gigabytes in one file takes little memory.
pub const STREAM_BYTES: u64 = 16 << 20;

/// FNV-1a of `bytes` continued from `hash` (start from [`FNV_START`]): the content hash
/// that tells a touched file from a changed one.
pub fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The FNV-1a offset basis.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// An article file opened for indexing: its size and content hash are known, its articles
/// not yet read.
pub struct OpenFile {
    len: u64,
    hash: u64,
    content: Content,
}

enum Content {
    /// The whole file, parsed at once.
    Bytes(Vec<u8>),
    /// A big JSON Lines file that is plain UTF-8: parsed line by line from the file.
    Lines(std::path::PathBuf),
}

/// Opens an article file: reads it, or, when it is a big plain JSON Lines file, only
/// scans it for its hash and encoding; says why it cannot.
pub fn open(path: &Path, display: &str) -> Result<OpenFile, Problem> {
    open_streaming_from(path, display, STREAM_BYTES)
}

fn open_streaming_from(path: &Path, display: &str, stream_bytes: u64) -> Result<OpenFile, Problem> {
    let cannot = |err: std::io::Error| Problem::new(display, None, format!("cannot read: {err}"));
    let len = fs::metadata(path).map_err(cannot)?.len();
    if len >= stream_bytes && format_of(path) == Ok((Format::JsonLines, false)) {
        if let Some(hash) = scan_plain_lines(path).map_err(cannot)? {
            return Ok(OpenFile {
                len,
                hash,
                content: Content::Lines(path.to_path_buf()),
            });
        }
    }
    let bytes = read_bytes(path, display)?;
    Ok(OpenFile {
        len: bytes.len() as u64,
        hash: fnv1a(FNV_START, &bytes),
        content: Content::Bytes(bytes),
    })
}

/// The content hash of a file that [`decode::text_of`] would take as it is (UTF-8 without
/// a byte order mark, no NUL byte in its beginning, not only white space), else `None`.
/// UTF-8 is checked line by line, which is the same as checking the whole: a line feed
/// never stands inside a multi-byte character.
fn scan_plain_lines(path: &Path) -> std::io::Result<Option<u64>> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, fs::File::open(path)?);
    let mut line = Vec::new();
    let mut hash = FNV_START;
    let mut offset = 0usize;
    let mut blank = true;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        if offset == 0 && encoding_rs::Encoding::for_bom(&line).is_some() {
            return Ok(None);
        }
        if offset < decode::BINARY_SNIFF_BYTES {
            let sniffed = (decode::BINARY_SNIFF_BYTES - offset).min(line.len());
            if line[..sniffed].contains(&0) {
                return Ok(None);
            }
        }
        if std::str::from_utf8(&line).is_err() {
            return Ok(None);
        }
        blank = blank && line.iter().all(|b| b.is_ascii_whitespace());
        hash = fnv1a(hash, &line);
        offset += line.len();
    }
    Ok((!blank).then_some(hash))
}

impl OpenFile {
    /// Bytes of the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// FNV-1a of the file's bytes.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Parses the file (`id` is its corpus-relative path) and hands each article to `each`
    /// as soon as it is read; the returned [`FileRead`] has the problems and no articles.
    pub fn parse(
        self,
        id: &str,
        path: &Path,
        display: &str,
        mut each: impl FnMut(Article),
    ) -> FileRead {
        match self.content {
            Content::Bytes(bytes) => {
                let mut read = parse_file(id, path, display, bytes);
                read.articles.drain(..).for_each(&mut each);
                read
            }
            Content::Lines(file) => {
                let mut read = FileRead {
                    bytes: self.len,
                    ..FileRead::default()
                };
                if let Err(err) = read_lines_from(&file, id, display, &mut read, &mut each) {
                    read.failures
                        .push(Problem::new(display, None, format!("cannot read: {err}")));
                }
                read
            }
        }
    }
}

/// Reads a plain JSON Lines file line by line, as [`json::read_lines`] reads its text.
fn read_lines_from(
    file: &Path,
    id: &str,
    display: &str,
    read: &mut FileRead,
    each: &mut impl FnMut(Article),
) -> std::io::Result<()> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, fs::File::open(file)?);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        number += 1;
        // As str::lines: the line ending is "\n" or "\r\n".
        let text = match line.strip_suffix('\n') {
            Some(text) => text.strip_suffix('\r').unwrap_or(text),
            None => &line,
        };
        json::read_line(id, display, number, text, read);
        read.articles.drain(..).for_each(&mut *each);
    }
}

/// Reads the bytes of an article file, or says why it cannot.
pub fn read_bytes(path: &Path, display: &str) -> Result<Vec<u8>, Problem> {
    fs::read(path).map_err(|err| Problem::new(display, None, format!("cannot read: {err}")))
}

/// Parses the bytes of an article file found by [`walk`]; `id` is its corpus-relative path.
pub fn parse_file(id: &str, path: &Path, display: &str, bytes: Vec<u8>) -> FileRead {
    let mut read = FileRead {
        bytes: bytes.len() as u64,
        ..FileRead::default()
    };
    let (format, gzipped) = match format_of(path) {
        Ok(found) => found,
        Err(why) => {
            read.failures
                .push(Problem::new(display, None, why.to_string()));
            return read;
        }
    };
    let text = match decode::text_of(bytes, gzipped) {
        Ok(decoded) => {
            if let Some(note) = decoded.note {
                read.warnings.push(Problem::new(display, None, note));
            }
            decoded.text
        }
        Err(message) => {
            read.failures.push(Problem::new(display, None, message));
            return read;
        }
    };
    match format {
        Format::Text => text::read(id, display, &text, &mut read),
        Format::JsonLines => json::read_lines(id, display, &text, &mut read),
        Format::Json => json::read_document(id, display, &text, &mut read),
        Format::Html => html::read(id, display, &text, &mut read),
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading a file gives, through `open` with streaming from `stream_bytes` on.
    fn read_through(path: &Path, stream_bytes: u64) -> (u64, u64, Vec<Article>, Vec<String>) {
        let file = open_streaming_from(path, "c/a.jsonl", stream_bytes).unwrap();
        let (len, hash) = (file.len(), file.hash());
        let mut articles = Vec::new();
        let read = file.parse("a.jsonl", path, "c/a.jsonl", |a| articles.push(a));
        assert!(read.articles.is_empty());
        let problems = read
            .failures
            .iter()
            .chain(&read.warnings)
            .map(|p| p.to_string())
            .collect();
        (len, hash, articles, problems)
    }

    #[test]
    fn big_json_lines_files_stream_to_the_same_articles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        let cases: [&[u8]; 6] = [
            b"{\"id\":\"x\",\"body\":\"Een.\"}\r\n\n{kapot\n{\"body\":\"Twee\",\"date\":\"gisteren\"}\n  \n{\"title\":\"geen body\"}\n{\"body\":\"Laatste\"}",
            "{\"body\":\"caf\u{e9} \u{e9}\u{e9}n\"}\n{\"body\":\"x\"}\r".as_bytes(),
            // A byte order mark, Latin-1, NUL bytes, only blanks: read whole, as before.
            b"\xef\xbb\xbf{\"body\":\"Een.\"}\n",
            b"{\"body\":\"caf\xe9\"}\n",
            b"{\"body\":\"a\"}\n\x00\n",
            b"  \n\n",
        ];
        for bytes in cases {
            std::fs::write(&path, bytes).unwrap();
            let whole = read_through(&path, u64::MAX);
            let streamed = read_through(&path, 0);
            assert_eq!(whole, streamed, "{}", String::from_utf8_lossy(bytes));
            assert_eq!(whole.1, fnv1a(FNV_START, bytes));
        }
    }
}
