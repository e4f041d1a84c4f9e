//! Reading one article file that is read whole (within its cap) and parsed by the reader of
//! its format; JSON Lines files are streamed a record at a time instead ([`super::lines`]).
//! The content hash that tells a touched file from a changed one is made as the bytes go by.

use std::io::{self, Read};
use std::path::Path;

use super::article::{Article, Cap, FileRead, Limits, Problem};
use super::decode;
use super::file::{cannot, open_regular, ContentHash, Tally};
use super::format::{format_of, Format};
use super::{html, json, lines, text};

/// An article file read whole (every format but JSON Lines): its bytes after
/// decompression, its size and content hash; its articles not yet read.
pub struct OpenFile {
    len: u64,
    hash: u64,
    bytes: Vec<u8>,
    format: Format,
}

/// Reads an article file that is read whole, within its cap: a `.json` file up to the file
/// cap, a `.md`, `.txt` or `.html` file (one article) up to the record cap, both counted
/// after decompression. Says why it cannot.
pub fn open(path: &Path, display: &str, limits: Limits) -> Result<OpenFile, Problem> {
    let file = open_regular(path).map_err(|e| cannot(display, &e))?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut tally = Tally {
        inner: file,
        hash: ContentHash::new(),
        count: Default::default(),
    };
    let (format, gzipped) =
        format_of(path).map_err(|why| Problem::new(display, None, why.to_string()))?;
    let bytes = read_capped(&mut tally, format, gzipped, size, display, limits)?;
    Ok(OpenFile {
        len: tally.count.get(),
        hash: tally.hash.finish(),
        bytes,
        format,
    })
}

/// The cap on what is read of a file of `format` whole.
fn cap_of(format: Format, limits: Limits) -> (Cap, u64) {
    match format {
        Format::Json | Format::JsonLines => (Cap::File, limits.file_bytes),
        Format::Text | Format::Html => (Cap::Record, limits.record_bytes),
    }
}

/// Reads `reader` to its end (gunzipped when `gzipped`), failing once more than the cap of
/// `format` has come out.
fn read_capped(
    reader: &mut impl Read,
    format: Format,
    gzipped: bool,
    size: u64,
    display: &str,
    limits: Limits,
) -> Result<Vec<u8>, Problem> {
    let (cap, limit) = cap_of(format, limits);
    // A plain file is read into a buffer of its size (not one grown by doubling).
    let hint = if gzipped {
        0
    } else {
        size.min(limit) as usize + 1
    };
    let mut bytes = Vec::with_capacity(hint);
    let read = if gzipped {
        flate2::read::MultiGzDecoder::new(reader)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Problem::new(display, None, format!("not a valid gzip file ({e})")))?
    } else {
        reader
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| cannot(display, &e))?
    };
    if read as u64 > limit {
        return Err(Problem::over_cap(display, None, cap, read as u64, limit));
    }
    Ok(bytes)
}

impl OpenFile {
    /// Bytes of the file as stored.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The content hash of the file's bytes as stored.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Parses the file (`id` is its corpus-relative path) and hands each article to `each`;
    /// the returned [`FileRead`] has the problems and no articles.
    pub fn parse(
        self,
        id: &str,
        display: &str,
        limits: Limits,
        mut each: impl FnMut(Article),
    ) -> FileRead {
        let mut read = FileRead {
            bytes: self.len,
            ..FileRead::default()
        };
        parse_bytes(id, display, self.format, self.bytes, limits, &mut read);
        read.articles.drain(..).for_each(&mut each);
        read
    }
}

/// Decodes bytes (already decompressed) of a file read whole and reads its articles.
fn parse_bytes(
    id: &str,
    display: &str,
    format: Format,
    bytes: Vec<u8>,
    limits: Limits,
    read: &mut FileRead,
) {
    let text = match decode::text_of(bytes) {
        Ok(decoded) => {
            if let Some(note) = decoded.note {
                read.warnings.push(Problem::new(display, None, note));
            }
            decoded.text
        }
        Err(message) => {
            read.failures.push(Problem::new(display, None, message));
            return;
        }
    };
    match format {
        Format::Text => text::read(id, display, &text, read),
        Format::JsonLines => json::read_lines(id, display, &text, read),
        Format::Json => json::read_document_within(id, display, &text, limits, read),
        Format::Html => html::read(id, display, &text, read),
    }
}

/// Reads every article of the file at `path` as `zoek index` does (JSON Lines streamed a
/// record at a time, other formats whole), handing each to `each`; the returned
/// [`FileRead`] has the problems and the bytes read. For tools such as the speed benchmark.
pub fn read_file(
    path: &Path,
    id: &str,
    display: &str,
    limits: Limits,
    mut each: impl FnMut(Article),
) -> FileRead {
    if format_of(path).is_ok_and(|(format, _)| format == Format::JsonLines) {
        let mut read = FileRead::default();
        let mut source = match lines::Lines::open(path, display, limits) {
            Ok(source) => source,
            Err(problem) => {
                read.failures.push(problem);
                return read;
            }
        };
        loop {
            match source.next_line() {
                Ok(Some(line)) => {
                    lines::read_record(id, display, &line, limits, &mut read);
                    read.articles.drain(..).for_each(&mut each);
                }
                Ok(None) => break,
                Err(problem) => {
                    read.failures.push(problem);
                    break;
                }
            }
        }
        read.bytes = source.raw_bytes();
        return read;
    }
    match open(path, display, limits) {
        Ok(file) => file.parse(id, display, limits, each),
        Err(problem) => FileRead {
            failures: vec![problem],
            ..FileRead::default()
        },
    }
}

/// Reads the articles of a file's bytes as stored (gzipped ones too) as `zoek index` reads
/// the file, with the default caps; `id` is its corpus-relative path. For tests and the
/// fuzz targets.
pub fn parse_file(id: &str, path: &Path, display: &str, bytes: Vec<u8>) -> FileRead {
    let limits = Limits::default();
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
    if format == Format::JsonLines {
        let source = lines::Lines::from_reader(
            Box::new(io::Cursor::new(bytes)),
            gzipped,
            display,
            limits,
            Default::default(),
        );
        let mut source = match source {
            Ok(source) => source,
            Err(problem) => {
                read.failures.push(problem);
                return read;
            }
        };
        loop {
            match source.next_line() {
                Ok(Some(line)) => lines::read_record(id, display, &line, limits, &mut read),
                Ok(None) => break,
                Err(problem) => {
                    read.failures.push(problem);
                    return read;
                }
            }
        }
        if source.records() == 0 {
            read.failures.push(lines::empty(display));
        }
        return read;
    }
    let size = bytes.len() as u64;
    match read_capped(
        &mut io::Cursor::new(bytes),
        format,
        gzipped,
        size,
        display,
        limits,
    ) {
        Ok(bytes) => parse_bytes(id, display, format, bytes, limits, &mut read),
        Err(problem) => read.failures.push(problem),
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_files_over_their_cap_fail_with_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "# Kop\n\n".to_string() + &"tekst ".repeat(400)).unwrap();
        let limits = Limits {
            record_bytes: 1024,
            ..Limits::default()
        };
        let err = open(&path, "c/a.md", limits).err().unwrap();
        assert_eq!(
            err.to_string(),
            "c/a.md: article file of more than 1 KB is over the record cap of 1 KB; not indexed"
        );
        assert_eq!(err.cap, Some(Cap::Record));
        assert!(open(&path, "c/a.md", Limits::default()).is_ok());
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pijp.md");
        let status = std::process::Command::new("mkfifo").arg(&path).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let err = open(&path, "c/pijp.md", Limits::default()).err().unwrap();
        assert_eq!(err.to_string(), "c/pijp.md: not a regular file (FIFO)");
    }
}
