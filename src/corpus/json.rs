//! JSON articles: `.jsonl` (one article per line) and `.json` (one article object or an
//! array of them). The text is in `body`, or `text`/`content`; `id`, `title`, `date`,
//! `source`, `url` are optional. A malformed record fails alone, with its line.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::article::{bad_date, checked_date, Article, Cap, FileRead, Limits, Problem};

/// One JSON article record. Fields are taken as any JSON value and checked one by one, so a
/// field of the wrong type costs a warning, not the record.
#[derive(Deserialize)]
struct Record {
    id: Option<Value>,
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    date: Option<Value>,
    #[serde(default)]
    source: Option<Value>,
    #[serde(default)]
    url: Option<Value>,
    #[serde(alias = "text", alias = "content")]
    body: Option<Value>,
}

/// A text field of a record: a string, else (with a warning) nothing.
fn text_field(
    value: Option<Value>,
    name: &str,
    display: &str,
    line: usize,
    read: &mut FileRead,
) -> Option<String> {
    match value? {
        Value::String(text) => Some(text),
        Value::Null => None,
        other => {
            read.warnings.push(Problem::new(
                display,
                Some(line),
                format!("'{name}' is {}, not text; ignored", kind_of(&other)),
            ));
            None
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Turns one record's JSON into an article, or a failure for `display:line`.
/// `fallback_id` names the article when the record has no `id`.
fn article_of(json: &str, display: &str, line: usize, fallback_id: String, read: &mut FileRead) {
    let record: Record = match serde_json::from_str(json) {
        Ok(record) => record,
        Err(err) => {
            read.failures.push(Problem::new(
                display,
                Some(line),
                format!("not a JSON article: {err}"),
            ));
            return;
        }
    };
    let (id, explicit_id) = match record.id {
        // A blank id (white space only) names nothing: the fallback does.
        Some(Value::String(s)) if !s.trim().is_empty() => (s, true),
        Some(Value::Number(n)) => (n.to_string(), true),
        _ => (fallback_id, false),
    };
    let date = match record.date {
        None | Some(Value::Null) => None,
        Some(Value::String(d)) => checked_date(&d, display, Some(line), &mut read.warnings),
        // One rule for every date that cannot be used: warn, keep the record.
        Some(other) => {
            let mut shown = other.to_string();
            if shown.len() > 40 {
                shown = format!("({})", kind_of(&other));
            }
            read.warnings.push(bad_date(display, Some(line), &shown));
            None
        }
    };
    let title = text_field(record.title, "title", display, line, read);
    let source = text_field(record.source, "source", display, line, read);
    let url = text_field(record.url, "url", display, line, read);
    let body = text_field(record.body, "body", display, line, read);
    read.push(Article {
        id,
        title: title.unwrap_or_default(),
        date,
        source: source.unwrap_or_default(),
        url: url.unwrap_or_default(),
        path: display.to_string(),
        line,
        body_has_lines: false,
        body: body.unwrap_or_default(),
        explicit_id,
    });
}

/// The id a JSON Lines record without an id of its own gets: `file:LINE`.
pub fn line_id(file_id: &str, number: usize) -> String {
    format!("{file_id}:{number}")
}

/// A JSON Lines file's text: one article per non-blank line.
pub fn read_lines(file_id: &str, display: &str, text: &str, read: &mut FileRead) {
    for (i, line) in text.lines().enumerate() {
        read_line(file_id, display, i + 1, line, read);
    }
}

/// Line `number` (1-based) of a JSON Lines file, without its line ending.
pub fn read_line(file_id: &str, display: &str, number: usize, line: &str, read: &mut FileRead) {
    if !line.trim().is_empty() {
        article_of(line, display, number, line_id(file_id, number), read);
    }
}

/// Line `number` of a JSON Lines file as bytes, without its line ending: decoded on its
/// own (UTF-8, else Windows-1252 with a warning for that line), so one line of Latin-1
/// does not change how the others are read.
pub fn read_line_bytes(
    file_id: &str,
    display: &str,
    number: usize,
    bytes: &[u8],
    read: &mut FileRead,
) {
    match std::str::from_utf8(bytes) {
        Ok(line) => read_line(file_id, display, number, line, read),
        Err(_) => {
            let (line, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            read.warnings.push(Problem::new(
                display,
                Some(number),
                "not UTF-8; line decoded as Windows-1252 (Latin-1)",
            ));
            read_line(file_id, display, number, &line, read);
        }
    }
}

/// A JSON file: one article object, or an array of them.
pub fn read_document(file_id: &str, display: &str, text: &str, read: &mut FileRead) {
    read_document_within(file_id, display, text, Limits::default(), read);
}

/// A JSON file whose records may be at most `limits.record_bytes` long.
pub fn read_document_within(
    file_id: &str,
    display: &str,
    text: &str,
    limits: Limits,
    read: &mut FileRead,
) {
    // Lines are counted as the items go by (offsets only grow), never from the start again.
    let mut lines = LineCounter {
        text,
        at: 0,
        line: 1,
    };
    let trimmed = text.trim_start();
    if !trimmed.starts_with('[') {
        let start = text.len() - trimmed.len();
        let line = lines.line_at(start);
        if trimmed.trim_end().len() as u64 > limits.record_bytes {
            read.failures.push(Problem::over_cap(
                display,
                Some(line),
                Cap::Record,
                trimmed.trim_end().len() as u64,
                limits.record_bytes,
            ));
        } else {
            article_of(text, display, line, file_id.to_string(), read);
        }
        return;
    }
    // An array: its items are read one at a time, never collected.
    let mut count = 0;
    let mut each = |item: &RawValue| {
        count += 1;
        let json = item.get();
        let line = lines.line_at(json.as_ptr() as usize - text.as_ptr() as usize);
        if json.len() as u64 > limits.record_bytes {
            read.failures.push(Problem::over_cap(
                display,
                Some(line),
                Cap::Record,
                json.len() as u64,
                limits.record_bytes,
            ));
        } else {
            article_of(json, display, line, format!("{file_id}#{count}"), read);
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = serde::Deserializer::deserialize_seq(&mut deserializer, Items(&mut each))
        .and_then(|()| deserializer.end());
    if let Err(err) = result {
        read.failures.push(Problem::new(
            display,
            Some(err.line()),
            format!("not valid JSON: {err}"),
        ));
    }
}

/// Line numbers of offsets into a text, counted from the last offset asked.
struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> usize {
        if offset > self.at {
            self.line += self.text.as_bytes()[self.at..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.at = offset;
        }
        self.line
    }
}

/// Hands each item of a JSON array to a function as it is parsed.
struct Items<'f, F>(&'f mut F);

impl<'de, F: FnMut(&'de RawValue)> serde::de::Visitor<'de> for Items<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of articles")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            (self.0)(item);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_records_with_body_aliases_and_bad_lines() {
        let mut read = FileRead::default();
        let text = concat!(
            "{\"id\":\"x1\",\"title\":\"Een\",\"date\":\"2019-03-01\",\"body\":\"Tekst een.\"}\n",
            "{\"title\":\"Twee\",\"text\":\"Tekst twee.\"}\n",
            "\n",
            "{kapot\n",
            "{\"title\":\"Vier\",\"content\":\"Tekst vier.\",\"date\":null}\n",
            "{\"title\":\"Vijf\"}\n",
        );
        read_lines("dir/a.jsonl", "corpus/dir/a.jsonl", text, &mut read);
        let ids: Vec<&str> = read.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            ["x1", "dir/a.jsonl:2", "dir/a.jsonl:5", "dir/a.jsonl:6"]
        );
        assert_eq!(read.articles[1].body, "Tekst twee.");
        assert_eq!(read.articles[2].line, 5);
        // A record with a title and no text is its title.
        assert_eq!(read.articles[3].body, "Vijf");
        assert_eq!(read.title_only, 1);
        let failures: Vec<String> = read.failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(failures.len(), 1);
        assert!(failures[0].starts_with("corpus/dir/a.jsonl:4: not a JSON article"));
    }

    #[test]
    fn blank_id_falls_back_to_the_file_and_line() {
        // Found by fuzzing (fuzz/regressions/readers/blank-json-id): an id of spaces and a
        // no-break space was taken as the article's id.
        let mut read = FileRead::default();
        let text = "{\"id\":\"  \\u00a0 \",\"body\":\"Tekst.\"}\n{\"id\":\"\",\"body\":\"Meer.\"}";
        read_lines("a.jsonl", "c/a.jsonl", text, &mut read);
        let ids: Vec<&str> = read.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a.jsonl:1", "a.jsonl:2"]);
    }

    #[test]
    fn json_document_with_one_object_or_an_array() {
        let mut read = FileRead::default();
        read_document(
            "a.json",
            "c/a.json",
            "{\"title\":\"Een\",\"body\":\"Tekst.\"}",
            &mut read,
        );
        assert_eq!(read.articles.len(), 1);
        assert_eq!(read.articles[0].id, "a.json");

        let mut read = FileRead::default();
        let text = "[\n  {\"id\":\"x\",\"body\":\"Een.\"},\n  {\"title\":\"geen body\"},\n  {\"body\":\"Drie.\"}\n]";
        read_document("b.json", "c/b.json", text, &mut read);
        let ids: Vec<(&str, usize)> = read
            .articles
            .iter()
            .map(|a| (a.id.as_str(), a.line))
            .collect();
        assert_eq!(ids, [("x", 2), ("b.json#2", 3), ("b.json#3", 4)]);
        assert!(read.failures.is_empty());
    }

    #[test]
    fn broken_json_document_fails_with_its_line() {
        let mut read = FileRead::default();
        read_document(
            "b.json",
            "c/b.json",
            "[\n {\"body\": \"x\"},\n {oops}\n]",
            &mut read,
        );
        // The items before the break are read, the rest fails with the line.
        assert_eq!(read.articles.len(), 1);
        assert!(
            read.failures[0]
                .to_string()
                .starts_with("c/b.json:3: not valid JSON"),
            "{:?}",
            read.failures
        );
    }

    #[test]
    fn every_bad_date_warns_and_keeps_the_record() {
        let mut read = FileRead::default();
        let text = concat!(
            "{\"body\":\"Een.\",\"date\":20190312}\n",
            "{\"body\":\"Twee.\",\"date\":\"12 maart\"}\n",
            "{\"body\":\"Drie.\",\"date\":[2019]}\n",
            "{\"body\":\"Vier.\",\"title\":7,\"date\":\"2019-03-12\"}\n",
        );
        read_lines("a.jsonl", "c/a.jsonl", text, &mut read);
        assert_eq!(read.articles.len(), 4);
        assert!(read.failures.is_empty());
        let warnings: Vec<String> = read.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "c/a.jsonl:1: date 20190312 is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date",
                "c/a.jsonl:2: date '12 maart' is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date",
                "c/a.jsonl:3: date [2019] is not YYYY-MM-DD, DD-MM-YYYY or D maand YYYY; article indexed without a date",
                "c/a.jsonl:4: 'title' is a number, not text; ignored",
            ]
        );
        assert!(read.articles[3].date.is_some());
    }

    #[test]
    fn a_record_with_neither_title_nor_text_is_skipped_with_a_reason() {
        let mut read = FileRead::default();
        read_lines(
            "a.jsonl",
            "c/a.jsonl",
            "{\"id\":\"x\",\"body\":\" \"}\n{\"title\":\"\"}",
            &mut read,
        );
        assert!(read.articles.is_empty() && read.failures.is_empty());
        let skipped: Vec<String> = read.skipped.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            skipped,
            [
                "c/a.jsonl:1: neither a title nor text; nothing to index",
                "c/a.jsonl:2: neither a title nor text; nothing to index"
            ]
        );
    }

    #[test]
    fn one_latin1_line_is_decoded_alone() {
        let mut read = FileRead::default();
        for (i, line) in [
            &b"{\"body\":\"caf\xe9\"}"[..],
            "{\"body\":\"No\u{eb}l\"}".as_bytes(),
        ]
        .iter()
        .enumerate()
        {
            read_line_bytes("a.jsonl", "c/a.jsonl", i + 1, line, &mut read);
        }
        let bodies: Vec<&str> = read.articles.iter().map(|a| a.body.as_str()).collect();
        assert_eq!(bodies, ["café", "Noël"]);
        assert_eq!(read.warnings.len(), 1);
        assert_eq!(
            read.warnings[0].to_string(),
            "c/a.jsonl:1: not UTF-8; line decoded as Windows-1252 (Latin-1)"
        );
    }

    #[test]
    fn a_json_item_over_the_record_cap_fails_alone() {
        let mut read = FileRead::default();
        let big = "x".repeat(200);
        let text = format!("[{{\"body\":\"{big}\"}},\n{{\"body\":\"klein\"}}]");
        let limits = Limits {
            record_bytes: 100,
            ..Limits::default()
        };
        read_document_within("b.json", "c/b.json", &text, limits, &mut read);
        assert_eq!(read.articles.len(), 1);
        assert_eq!(read.articles[0].id, "b.json#2");
        assert_eq!(
            read.failures[0].to_string(),
            "c/b.json:1: record of more than 100 B is over the record cap of 100 B; not indexed"
        );
    }
}
