//! `.md` and `.txt` articles: optional front matter (`title`, `date`, `source`, `url`
//! between `---` lines), else a leading `# heading` as title, else a title made from the file
//! name; a file name that starts with a date gives the date.

use std::collections::BTreeMap;
use std::path::Path;

use time::Date;

use super::article::{checked_date, parse_date, Article, FileRead, Problem};

/// Front matter keys zoek knows.
const FRONT_MATTER_KEYS: [&str; 4] = ["title", "date", "source", "url"];

/// A `.md`/`.txt` article: optional front matter, else a leading `# heading` as title, else a
/// title made from the file name.
pub fn read(id: &str, display: &str, text: &str, read: &mut FileRead) {
    let lines: Vec<&str> = text.lines().collect();
    let mut fields: BTreeMap<&str, (String, usize)> = BTreeMap::new();
    let mut body_start = 0;
    if lines.first().map(|l| l.trim_end()) == Some("---") {
        match lines.iter().skip(1).position(|l| l.trim_end() == "---") {
            Some(close) => {
                for (i, line) in lines[1..=close].iter().enumerate() {
                    let number = i + 2;
                    if line.trim().is_empty() || line.trim_start().starts_with('#') {
                        continue;
                    }
                    let Some((key, value)) = line.split_once(':') else {
                        read.warnings.push(Problem::new(
                            display,
                            Some(number),
                            "front matter line is not 'key: value'; ignored",
                        ));
                        continue;
                    };
                    let key = key.trim();
                    if !FRONT_MATTER_KEYS.contains(&key) {
                        read.warnings.push(Problem::new(
                            display,
                            Some(number),
                            format!(
                                "unknown front matter key '{key}' ignored (known: {})",
                                FRONT_MATTER_KEYS.join(", ")
                            ),
                        ));
                        continue;
                    }
                    fields.insert(key, (unquote(value.trim()).to_string(), number));
                }
                body_start = close + 2;
            }
            None => read.warnings.push(Problem::new(
                display,
                Some(1),
                "front matter has no closing '---'; read as text",
            )),
        }
    }
    while body_start < lines.len() && lines[body_start].trim().is_empty() {
        body_start += 1;
    }
    let mut title = fields.remove("title").map(|(t, _)| t).unwrap_or_default();
    if title.is_empty() {
        if let Some(heading) = lines
            .get(body_start)
            .and_then(|l| l.trim_start().strip_prefix("# "))
        {
            title = heading.trim().to_string();
            body_start += 1;
        }
    }
    let stem = Path::new(id)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name_date, name_title) = split_dated_name(&stem);
    if title.is_empty() {
        title = title_from_name(name_title);
    }
    let date = match fields.remove("date") {
        Some((value, line)) => checked_date(&value, display, Some(line), &mut read.warnings),
        None => name_date,
    };
    let body = lines.get(body_start..).unwrap_or_default().join("\n");
    read.warnings.sort_by_key(|w| w.line);
    read.push(Article {
        id: id.to_string(),
        title,
        date,
        source: fields.remove("source").map(|(s, _)| s).unwrap_or_default(),
        url: fields.remove("url").map(|(u, _)| u).unwrap_or_default(),
        path: display.to_string(),
        line: body_start + 1,
        body_has_lines: true,
        body,
        explicit_id: false,
    });
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// `2019-03-12-storm-in-zeeland` → the date and `storm-in-zeeland`.
fn split_dated_name(stem: &str) -> (Option<Date>, &str) {
    if stem.len() > 10 && stem.is_char_boundary(10) {
        if let Some(date) = parse_date(&stem[..10]) {
            let rest = stem[10..].trim_start_matches(['-', '_', ' ']);
            return (Some(date), rest);
        }
    }
    (None, stem)
}

/// `storm-raast-over-zeeland` → `Storm raast over zeeland`.
fn title_from_name(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_article(name: &str, text: &str) -> FileRead {
        let mut read = FileRead::default();
        super::read(name, name, text, &mut read);
        read
    }

    #[test]
    fn front_matter_gives_metadata_and_body_line() {
        let read = text_article(
            "a.md",
            "---\ntitle: \"Storm\"\ndate: 2019-03-12\nsource: Nieuwsbode\nurl: https://x.example/1\n---\n\nDe storm.\n",
        );
        let a = &read.articles[0];
        assert_eq!(a.title, "Storm");
        assert_eq!(a.date, parse_date("2019-03-12"));
        assert_eq!(a.source, "Nieuwsbode");
        assert_eq!(a.url, "https://x.example/1");
        assert_eq!(a.line, 8);
        assert_eq!(a.body, "De storm.");
        assert!(read.warnings.is_empty());
    }

    #[test]
    fn heading_is_title_when_there_is_no_front_matter() {
        let read = text_article("b.txt", "# Kop van het stuk\n\nTekst.");
        assert_eq!(read.articles[0].title, "Kop van het stuk");
        assert_eq!(read.articles[0].body, "\nTekst.");
        assert_eq!(read.articles[0].line, 2);
    }

    #[test]
    fn title_comes_from_file_name_not_from_a_long_first_paragraph() {
        let read = text_article(
            "2020-11-18-trump-ontslaat-krebs.txt",
            "De Amerikaanse president heeft iemand ontslagen via Twitter.\n\nMeer.",
        );
        let a = &read.articles[0];
        assert_eq!(a.title, "Trump ontslaat krebs");
        assert_eq!(a.date, parse_date("2020-11-18"));
        assert_eq!(a.line, 1);
    }

    #[test]
    fn bad_date_and_unknown_keys_warn_with_line_numbers() {
        let read = text_article(
            "c.md",
            "---\ntitle: T\ndate: 18 november\nauteur: X\n---\nTekst",
        );
        assert_eq!(read.articles[0].date, None);
        let messages: Vec<String> = read.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(messages.len(), 2);
        assert!(
            messages[0].starts_with("c.md:3: date '18 november'"),
            "{messages:?}"
        );
        assert!(messages[1].starts_with("c.md:4: unknown front matter key 'auteur'"));
    }
}
