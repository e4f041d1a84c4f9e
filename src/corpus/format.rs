//! The article formats zoek reads, told by a file's name.

use std::path::Path;

use super::article::Skip;

/// The article formats zoek reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    JsonLines,
    Json,
    Html,
}

/// The format of a file by its name, and whether it is gzipped (`.jsonl.gz`, `.json.gz`).
pub fn format_of(path: &Path) -> Result<(Format, bool), Skip> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (name, gzipped) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_string(), true),
        None => (name, false),
    };
    let ext = Path::new(&name)
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = match ext.as_str() {
        "md" | "markdown" | "txt" if !gzipped => Format::Text,
        "html" | "htm" if !gzipped => Format::Html,
        "jsonl" => Format::JsonLines,
        "json" => Format::Json,
        "" if gzipped => return Err(Skip::NotArticle(".gz".into())),
        "" => return Err(Skip::NotArticle("no extension".into())),
        other if gzipped => return Err(Skip::NotArticle(format!(".{other}.gz"))),
        other => return Err(Skip::NotArticle(format!(".{other}"))),
    };
    Ok((format, gzipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a.MD")), Ok((Format::Text, false)));
        assert_eq!(
            format_of(Path::new("a.jsonl")),
            Ok((Format::JsonLines, false))
        );
        assert_eq!(
            format_of(Path::new("a.jsonl.gz")),
            Ok((Format::JsonLines, true))
        );
        assert_eq!(format_of(Path::new("a.json.GZ")), Ok((Format::Json, true)));
        assert_eq!(format_of(Path::new("a.htm")), Ok((Format::Html, false)));
        assert_eq!(
            format_of(Path::new("a.png")),
            Err(Skip::NotArticle(".png".into()))
        );
        assert_eq!(
            format_of(Path::new("a.txt.gz")),
            Err(Skip::NotArticle(".txt.gz".into()))
        );
        assert_eq!(
            format_of(Path::new("Makefile")),
            Err(Skip::NotArticle("no extension".into()))
        );
    }
}
