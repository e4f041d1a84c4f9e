//! JSON Lines files, streamed a line at a time whatever their size (gzipped ones too): each
//! line within the record cap is handed over with its number and content hash, a longer one
//! only as its hash and size (it is read through, never held), so memory does not grow
//! with a file or a record. Lines are decoded one by one ([`super::json::read_line_bytes`]).
//! A file is refused as binary (NUL bytes near its start) before its first line; UTF-16
//! (byte order mark) is decoded whole, within the file cap.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::rc::Rc;

use super::article::{Cap, FileRead, Limits, Problem};
use super::decode::{BINARY, BINARY_SNIFF_BYTES, EMPTY};
use super::file::{cannot, open_regular, ContentHash};
use super::format::format_of;
use super::json;

/// A reader that counts the bytes it passes on (the file's bytes as stored, for progress).
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// One non-blank line of a JSON Lines file.
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The line without its line ending; empty when the line is over the record cap.
    pub bytes: &'a [u8],
    /// Bytes of the line without its line ending.
    pub len: u64,
    /// Content hash of the line as read, line ending included.
    pub hash: u64,
    pub over_cap: bool,
    /// Where the line starts in the file, when the file can be read from there again
    /// ([`Lines::open_at`]): a plain file (not gzipped, not UTF-16).
    pub offset: Option<u64>,
}

/// The lines of one JSON Lines file.
pub struct Lines {
    reader: Box<dyn BufRead>,
    /// Bytes of the file as stored read so far.
    raw: Rc<Cell<u64>>,
    number: usize,
    records: usize,
    cap: u64,
    buf: Vec<u8>,
    display: String,
    gzipped: bool,
    note: Option<String>,
    /// Bytes of the text before the next line, and how many bytes before the text start
    /// in the file (a byte order mark); `None` when offsets in the text are not offsets in
    /// the file.
    pos: u64,
    start: Option<u64>,
}

impl Lines {
    /// Opens the JSON Lines file at `path` (a regular file only; gzipped by its name).
    pub fn open(path: &Path, display: &str, limits: Limits) -> Result<Lines, Problem> {
        let file = open_regular(path).map_err(|e| cannot(display, &e))?;
        let gzipped = format_of(path).is_ok_and(|(_, gz)| gz);
        Lines::from_reader(
            Box::new(io::BufReader::with_capacity(1 << 20, file)),
            gzipped,
            display,
            limits,
            Rc::default(),
        )
    }

    /// The lines of what `reader` gives (the file as stored); `raw` counts its bytes.
    pub fn from_reader(
        reader: Box<dyn Read>,
        gzipped: bool,
        display: &str,
        limits: Limits,
        raw: Rc<Cell<u64>>,
    ) -> Result<Lines, Problem> {
        let counted = Counted {
            inner: reader,
            count: Rc::clone(&raw),
        };
        let mut text: Box<dyn Read> = if gzipped {
            Box::new(flate2::read::MultiGzDecoder::new(counted))
        } else {
            Box::new(counted)
        };
        let fail = |err: io::Error| {
            if gzipped {
                Problem::new(display, None, format!("not a valid gzip file ({err})"))
            } else {
                cannot(display, &err)
            }
        };
        // The first bytes tell a binary file, and a byte order mark.
        let mut head = Vec::with_capacity(BINARY_SNIFF_BYTES);
        (&mut text)
            .take(BINARY_SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(fail)?;
        let mut note = None;
        let mut start = (!gzipped).then_some(0);
        let rest: Box<dyn Read> = match encoding_rs::Encoding::for_bom(&head) {
            Some((encoding, bom)) if encoding == encoding_rs::UTF_8 => {
                head.drain(..bom);
                start = start.map(|_| bom as u64);
                Box::new(io::Cursor::new(head).chain(text))
            }
            Some((encoding, bom)) => {
                // UTF-16: lines cannot be cut before decoding; decoded whole.
                let mut bytes = head.split_off(bom);
                (&mut text)
                    .take(limits.file_bytes + 1)
                    .read_to_end(&mut bytes)
                    .map_err(fail)?;
                if bytes.len() as u64 > limits.file_bytes {
                    return Err(Problem::over_cap(
                        display,
                        None,
                        Cap::File,
                        bytes.len() as u64,
                        limits.file_bytes,
                    ));
                }
                let (decoded, _) = encoding.decode_without_bom_handling(&bytes);
                note = Some(format!(
                    "{} text (byte order mark) decoded",
                    encoding.name()
                ));
                Box::new(io::Cursor::new(decoded.into_owned().into_bytes()))
            }
            None if head.contains(&0) => return Err(Problem::new(display, None, BINARY)),
            None => Box::new(io::Cursor::new(head).chain(text)),
        };
        Ok(Lines {
            reader: Box::new(io::BufReader::with_capacity(1 << 20, rest)),
            raw,
            number: 0,
            records: 0,
            cap: limits.record_bytes,
            buf: Vec::new(),
            display: display.to_string(),
            gzipped,
            note,
            pos: 0,
            start,
        })
    }

    /// Opens a plain JSON Lines file at `offset` (a [`Line::offset`] of an earlier read),
    /// whose line is line `number`: an update that needs only the records after that line
    /// does not read the file again from its start.
    pub fn open_at(
        path: &Path,
        display: &str,
        limits: Limits,
        offset: u64,
        number: usize,
    ) -> Result<Lines, Problem> {
        use std::io::Seek;
        let mut file = open_regular(path).map_err(|e| cannot(display, &e))?;
        file.seek(io::SeekFrom::Start(offset))
            .map_err(|e| cannot(display, &e))?;
        let raw = Rc::new(Cell::new(offset));
        let counted = Counted {
            inner: file,
            count: Rc::clone(&raw),
        };
        Ok(Lines {
            reader: Box::new(io::BufReader::with_capacity(1 << 20, counted)),
            raw,
            number: number.saturating_sub(1),
            records: 0,
            cap: limits.record_bytes,
            buf: Vec::new(),
            display: display.to_string(),
            gzipped: false,
            note: None,
            pos: offset,
            start: Some(0),
        })
    }

    /// The next non-blank line, `None` at the end; an error when the file cannot be read
    /// further (what was handed over stays valid).
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, Problem> {
        loop {
            self.buf.clear();
            let mut hash = ContentHash::new();
            let (mut len, mut over, mut blank, mut ended) = (0u64, false, true, false);
            while !ended {
                let available = match self.reader.fill_buf() {
                    Ok(available) => available,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(self.failed(&err)),
                };
                if available.is_empty() {
                    break;
                }
                let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                    Some(at) => (&available[..=at], true),
                    None => (available, false),
                };
                hash.update(chunk);
                len += chunk.len() as u64;
                blank = blank && chunk.iter().all(u8::is_ascii_whitespace);
                if !over {
                    if (self.buf.len() + chunk.len()) as u64 > self.cap + 2 {
                        over = true;
                        self.buf = Vec::new();
                    } else {
                        self.buf.extend_from_slice(chunk);
                    }
                }
                let used = chunk.len();
                self.reader.consume(used);
                ended = done;
            }
            if len == 0 {
                return Ok(None);
            }
            let at = self.pos;
            self.pos += len;
            self.number += 1;
            if blank {
                continue;
            }
            self.records += 1;
            // As str::lines: the line ending is "\n" or "\r\n".
            let mut content = &self.buf[..];
            if let Some(rest) = content.strip_suffix(b"\n") {
                content = rest.strip_suffix(b"\r").unwrap_or(rest);
            }
            let content_len = if over {
                len - u64::from(ended)
            } else {
                content.len() as u64
            };
            let over = over || content_len > self.cap;
            return Ok(Some(Line {
                number: self.number,
                bytes: if over { &[] } else { content },
                len: content_len,
                hash: hash.finish(),
                over_cap: over,
                offset: self.start.map(|start| start + at),
            }));
        }
    }

    fn failed(&self, err: &io::Error) -> Problem {
        let problem = if self.gzipped {
            Problem::new(
                &self.display,
                None,
                format!("not a valid gzip file ({err})"),
            )
        } else {
            cannot(&self.display, err)
        };
        Problem {
            line: Some(self.number + 1),
            ..problem
        }
    }

    /// How many non-blank lines were read.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Bytes of the file as stored read so far.
    pub fn raw_bytes(&self) -> u64 {
        self.raw.get()
    }

    /// A note about how the file was decoded (UTF-16), once.
    pub fn take_note(&mut self) -> Option<Problem> {
        self.note
            .take()
            .map(|note| Problem::new(&self.display, None, note))
    }

    /// The cap on one line.
    pub fn cap(&self) -> u64 {
        self.cap
    }
}

/// Reads one line's record into `read`: its article, or why not.
pub fn read_record(file_id: &str, display: &str, line: &Line, limits: Limits, read: &mut FileRead) {
    if line.over_cap {
        read.failures.push(Problem::over_cap(
            display,
            Some(line.number),
            Cap::Record,
            line.len,
            limits.record_bytes,
        ));
    } else {
        json::read_line_bytes(file_id, display, line.number, line.bytes, read);
    }
}

/// The failure of a JSON Lines file without a non-blank line.
pub fn empty(display: &str) -> Problem {
    Problem::new(display, None, EMPTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8], cap: u64) -> Vec<(usize, String, u64, bool)> {
        let limits = Limits {
            record_bytes: cap,
            ..Limits::default()
        };
        let mut lines = Lines::from_reader(
            Box::new(io::Cursor::new(bytes.to_vec())),
            false,
            "c/a.jsonl",
            limits,
            Rc::default(),
        )
        .unwrap();
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push((
                line.number,
                String::from_utf8_lossy(line.bytes).into_owned(),
                line.len,
                line.over_cap,
            ));
        }
        out
    }

    #[test]
    fn lines_are_numbered_blank_ones_skipped_and_long_ones_read_through() {
        let long = "x".repeat(100);
        let text = format!("een\r\n\n  \ntwee\n{long}\ndrie");
        assert_eq!(
            lines_of(text.as_bytes(), 50),
            [
                (1, "een".to_string(), 3, false),
                (4, "twee".to_string(), 4, false),
                (5, String::new(), 100, true),
                (6, "drie".to_string(), 4, false),
            ]
        );
    }

    #[test]
    fn a_huge_blank_line_costs_no_memory_and_is_no_record() {
        let text = " ".repeat(5 << 20);
        assert!(lines_of(text.as_bytes(), 1024).is_empty());
    }

    #[test]
    fn the_hash_of_a_line_is_its_bytes_with_the_line_ending() {
        let hashes = |text: &[u8]| {
            let mut lines = Lines::from_reader(
                Box::new(io::Cursor::new(text.to_vec())),
                false,
                "c",
                Limits::default(),
                Rc::default(),
            )
            .unwrap();
            let mut out = Vec::new();
            while let Some(line) = lines.next_line().unwrap() {
                out.push(line.hash);
            }
            out
        };
        let a = hashes(b"een\ntwee\n");
        assert_eq!(a, [ContentHash::of(b"een\n"), ContentHash::of(b"twee\n")]);
        assert_eq!(hashes(b"een\ntwee\ndrie\n")[..2], a[..]);
        assert_ne!(hashes(b"een\ntwee")[1], a[1]);
    }

    #[test]
    fn binary_files_are_refused_before_the_first_line() {
        let err = Lines::from_reader(
            Box::new(io::Cursor::new(b"{\"body\":\"a\"}\n\0\0".to_vec())),
            false,
            "c/a.jsonl",
            Limits::default(),
            Rc::default(),
        )
        .err()
        .unwrap();
        assert_eq!(err.to_string(), format!("c/a.jsonl: {BINARY}"));
    }

    #[test]
    fn a_plain_file_can_be_read_again_from_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        std::fs::write(&path, b"\xef\xbb\xbfeen\n\ntwee\r\ndrie\n").unwrap();
        let mut lines = Lines::open(&path, "a", Limits::default()).unwrap();
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            seen.push((line.number, line.offset.unwrap(), line.hash));
        }
        assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), [3, 8, 14]);
        let (number, offset, hash) = seen[1];
        let mut again = Lines::open_at(&path, "a", Limits::default(), offset, number).unwrap();
        let line = again.next_line().unwrap().unwrap();
        assert_eq!(
            (line.number, line.bytes, line.hash),
            (3, &b"twee"[..], hash)
        );
        assert_eq!(again.next_line().unwrap().unwrap().number, 4);
    }
}
