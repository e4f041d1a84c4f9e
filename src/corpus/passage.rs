//! Passage splitting: cuts an article body into the passages that zoek ranks and prints.
//!
//! A passage is a paragraph (blank-line separated). A paragraph longer than
//! [`MAX_PASSAGE_WORDS`] is cut at sentence ends into passages of at most about that many
//! words, because many news bodies are a single long paragraph.

/// Paragraphs longer than this many words are cut at sentence ends.
pub const MAX_PASSAGE_WORDS: usize = 100;
/// No passage is longer than this, whatever its words.
pub const MAX_PASSAGE_BYTES: usize = 4096;

/// One passage of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The passage with its line breaks folded into single spaces.
    pub text: String,
    /// 0-based line of the body on which the passage starts.
    pub line: usize,
}

/// A stretch of the body: byte range and the 0-based line it starts on.
struct Span {
    start: usize,
    end: usize,
}

/// Splits `body` into passages, in order.
pub fn split(body: &str) -> Vec<Passage> {
    let mut lines = LineCounter::default();
    spans(body)
        .iter()
        .map(|span| make(body, span, &mut lines))
        .collect()
}

/// How many passages [`split`] cuts `body` into.
pub fn count(body: &str) -> usize {
    spans(body).len()
}

/// The byte spans of the passages of `body`, in order.
fn spans(body: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    for paragraph in paragraphs(body) {
        let text = &body[paragraph.start..paragraph.end];
        if word_count(text) <= MAX_PASSAGE_WORDS && text.len() <= MAX_PASSAGE_BYTES {
            spans.push(paragraph);
            continue;
        }
        spans.extend(chunks(text).into_iter().map(|chunk| Span {
            start: paragraph.start + chunk.start,
            end: paragraph.start + chunk.end,
        }));
    }
    spans
}

/// Counts lines up to increasing offsets without rescanning the body.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    fn line_at(&mut self, body: &str, offset: usize) -> usize {
        self.line += body.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        self.line
    }
}

fn make(body: &str, span: &Span, lines: &mut LineCounter) -> Passage {
    let stretch = &body[span.start..span.end];
    let mut text = String::with_capacity(stretch.len());
    for word in stretch.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    Passage {
        text,
        line: lines.line_at(body, span.start),
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Byte spans of the blank-line separated paragraphs, trimmed.
fn paragraphs(body: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if let Some(s) = start.take() {
                spans.push(Span { start: s, end });
            }
        } else {
            let lead = content.len() - content.trim_start().len();
            start.get_or_insert(offset + lead);
            end = offset + content.trim_end().len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        spans.push(Span { start: s, end });
    }
    spans
}

/// Sentence ends: `.`, `!`, `?` or `…` (optionally followed by closing quotes or brackets),
/// then white space, then something that can start a sentence.
fn sentence_spans(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if matches!(q, '"' | '\'' | '”' | '’' | ')' | '»' | '.' | '!' | '?') {
                end = j + q.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() {
            continue;
        }
        let starts_sentence = trimmed
            .chars()
            .next()
            .is_some_and(|n| n.is_uppercase() || n.is_numeric() || "\"'“‘(«".contains(n));
        if starts_sentence {
            spans.push(Span { start, end });
            start = text.len() - trimmed.len();
        }
    }
    if start < text.len() {
        spans.push(Span {
            start,
            end: text.len(),
        });
    }
    spans
}

/// Groups the sentences of a long paragraph into chunks of at most [`MAX_PASSAGE_WORDS`]
/// words; a single sentence longer than that is cut between words.
fn chunks(text: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut current: Option<(Span, usize)> = None;
    for sentence in sentence_spans(text) {
        for piece in cut_words(text, sentence) {
            let words = word_count(&text[piece.start..piece.end]);
            current = match current.take() {
                Some((span, n))
                    if n + words <= MAX_PASSAGE_WORDS
                        && piece.end - span.start <= MAX_PASSAGE_BYTES =>
                {
                    Some((
                        Span {
                            start: span.start,
                            end: piece.end,
                        },
                        n + words,
                    ))
                }
                Some((span, _)) => {
                    out.push(span);
                    Some((piece, words))
                }
                None => Some((piece, words)),
            };
        }
    }
    if let Some((span, _)) = current {
        out.push(span);
    }
    out
}

/// Cuts a span into pieces of at most [`MAX_PASSAGE_WORDS`] words and
/// [`MAX_PASSAGE_BYTES`] bytes; a single longer "word" (a URL, base64, a minified blob) is
/// cut at character boundaries.
fn cut_words(text: &str, span: Span) -> Vec<Span> {
    let mut pieces = Vec::new();
    let mut current: Option<(usize, usize, usize)> = None; // start, end, words
    let mut at = span.start;
    for word in text[span.start..span.end].split_whitespace() {
        let start = at + text[at..].find(word).unwrap_or(0);
        let end = start + word.len();
        at = end;
        if let Some((piece_start, piece_end, words)) = current {
            if words < MAX_PASSAGE_WORDS && end - piece_start <= MAX_PASSAGE_BYTES {
                current = Some((piece_start, end, words + 1));
                continue;
            }
            pieces.push(Span {
                start: piece_start,
                end: piece_end,
            });
        }
        let mut word_start = start;
        while end - word_start > MAX_PASSAGE_BYTES {
            let mut cut = word_start + MAX_PASSAGE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            pieces.push(Span {
                start: word_start,
                end: cut,
            });
            word_start = cut;
        }
        current = Some((word_start, end, 1));
    }
    if let Some((start, end, _)) = current {
        pieces.push(Span { start, end });
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_passages_with_their_lines() {
        let body = "Eerste alinea\nloopt door.\n\n\nTweede alinea.\n   \nDerde.";
        let passages = split(body);
        assert_eq!(
            passages,
            vec![
                Passage {
                    text: "Eerste alinea loopt door.".into(),
                    line: 0
                },
                Passage {
                    text: "Tweede alinea.".into(),
                    line: 4
                },
                Passage {
                    text: "Derde.".into(),
                    line: 6
                },
            ]
        );
    }

    #[test]
    fn long_paragraph_is_cut_at_sentence_ends() {
        let sentence = "Dit is een zin van precies tien woorden lang hier. ";
        let body = sentence.repeat(25);
        let passages = split(&body);
        assert_eq!(
            passages.len(),
            3,
            "250 words in sentences of 10 make 3 passages"
        );
        for p in &passages {
            let words = word_count(&p.text);
            assert!(words <= MAX_PASSAGE_WORDS, "{words} words");
            assert!(p.text.ends_with('.'), "cut at a sentence end: {}", p.text);
            assert!(p.text.starts_with("Dit"));
        }
        let total: usize = passages.iter().map(|p| word_count(&p.text)).sum();
        assert_eq!(total, 250, "no word lost");
    }

    #[test]
    fn a_sentence_without_end_is_cut_between_words() {
        let body = "woord ".repeat(230);
        let passages = split(&body);
        let sizes: Vec<usize> = passages.iter().map(|p| word_count(&p.text)).collect();
        assert_eq!(sizes, [100, 100, 30]);
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_sentences() {
        let spans = sentence_spans("Het kost 3.5 miljoen, o.a. voor wegen. Daarna volgt meer.");
        assert_eq!(spans.len(), 2);
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let text = "\"Dit is waar.\" Zei hij. Klaar";
        let spans: Vec<&str> = sentence_spans(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(spans, ["\"Dit is waar.\"", "Zei hij.", "Klaar"]);
    }

    #[test]
    fn a_huge_word_is_cut_into_bounded_passages() {
        let body = format!("begin {} einde", "é".repeat(5000));
        let passages = split(&body);
        assert!(passages.iter().all(|p| p.text.len() <= MAX_PASSAGE_BYTES));
        assert_eq!(passages.len(), 4, "begin, 2 full cuts, the rest with einde");
        let joined: String = passages.iter().map(|p| p.text.replace(' ', "")).collect();
        assert_eq!(joined, body.replace(' ', ""), "nothing lost");
    }

    #[test]
    fn empty_body_has_no_passages() {
        assert!(split("").is_empty());
        assert!(split("\n\n  \n").is_empty());
    }
}
