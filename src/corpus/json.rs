//! JSON articles: `.jsonl` (one article per line) and `.json` (one article object or an
//! array of them). The text is in `body`, or `text`/`content`; `id`, `title`, `date`,
//! `source`, `url` are optional. A malformed record fails alone, with its line.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::article::{checked_date, Article, FileRead, Problem};

/// One JSON article record.
#[derive(Deserialize)]
struct Record {
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(alias = "text", alias = "content")]
    body: Option<String>,
}

/// Turns one record's JSON into an article, or a failure for `display:line`.
/// `fallback_id` names the article when the record has no `id`.
fn article_of(json: &str, display: &str, line: usize, fallback_id: String, read: &mut FileRead) {
    let fail = |message: String| Problem::new(display, Some(line), message);
    let record: Record = match serde_json::from_str(json) {
        Ok(record) => record,
        Err(err) => {
            read.failures
                .push(fail(format!("not a JSON article: {err}")));
            return;
        }
    };
    let Some(body) = record.body else {
        read.failures.push(fail(
            "record has no 'body' (or 'text'/'content') field".into(),
        ));
        return;
    };
    let id = match record.id {
        // A blank id (white space only) names nothing: the fallback does.
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    let date = record
        .date
        .and_then(|d| checked_date(&d, display, Some(line), &mut read.warnings));
    read.articles.push(Article {
        id,
        title: record.title.unwrap_or_default(),
        date,
        source: record.source.unwrap_or_default(),
        url: record.url.unwrap_or_default(),
        path: display.to_string(),
        line,
        body_has_lines: false,
        body,
    });
}

/// A JSON Lines file: one article per non-blank line.
pub fn read_lines(file_id: &str, display: &str, text: &str, read: &mut FileRead) {
    for (i, line) in text.lines().enumerate() {
        read_line(file_id, display, i + 1, line, read);
    }
}

/// Line `number` (1-based) of a JSON Lines file, without its line ending.
pub fn read_line(file_id: &str, display: &str, number: usize, line: &str, read: &mut FileRead) {
    if !line.trim().is_empty() {
        article_of(line, display, number, format!("{file_id}:{number}"), read);
    }
}

/// A JSON file: one article object, or an array of them.
pub fn read_document(file_id: &str, display: &str, text: &str, read: &mut FileRead) {
    let line_of = |part: &str| {
        let offset = part.as_ptr() as usize - text.as_ptr() as usize;
        text[..offset].bytes().filter(|&b| b == b'\n').count() + 1
    };
    match serde_json::from_str::<Vec<&RawValue>>(text) {
        Ok(items) => {
            for (i, item) in items.iter().enumerate() {
                let json = item.get();
                article_of(
                    json,
                    display,
                    line_of(json),
                    format!("{file_id}#{}", i + 1),
                    read,
                );
            }
        }
        Err(_) if text.trim_start().starts_with('[') => {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(_) => read.failures.push(Problem::new(
                    display,
                    None,
                    "JSON array of unexpected shape",
                )),
                Err(err) => read.failures.push(Problem::new(
                    display,
                    Some(err.line()),
                    format!("not valid JSON: {err}"),
                )),
            }
        }
        Err(_) => {
            let start = text.len() - text.trim_start().len();
            article_of(
                text,
                display,
                line_of(&text[start..]),
                file_id.to_string(),
                read,
            );
        }
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
        assert_eq!(ids, ["x1", "dir/a.jsonl:2", "dir/a.jsonl:5"]);
        assert_eq!(read.articles[1].body, "Tekst twee.");
        assert_eq!(read.articles[2].line, 5);
        let failures: Vec<String> = read.failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(failures.len(), 2);
        assert!(failures[0].starts_with("corpus/dir/a.jsonl:4: not a JSON article"));
        assert!(failures[1].starts_with("corpus/dir/a.jsonl:6: record has no 'body'"));
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
        assert_eq!(ids, [("x", 2), ("b.json#3", 4)]);
        assert_eq!(read.failures.len(), 1);
        assert!(read.failures[0]
            .to_string()
            .starts_with("c/b.json:3: record has no 'body'"));
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
        assert!(read.articles.is_empty());
        assert!(
            read.failures[0]
                .to_string()
                .starts_with("c/b.json:3: not valid JSON"),
            "{:?}",
            read.failures
        );
    }
}
