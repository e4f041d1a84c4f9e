//! Decoding: turns a file's bytes (already decompressed) into text — byte order marks
//! honoured, Windows-1252 (the Latin-1 superset older Dutch archives use) recognised and
//! decoded instead of mangled, binary files refused.

/// Text of a file, with a note when it was not plain UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

/// How far into a file to look for NUL bytes, the mark of a binary file.
pub const BINARY_SNIFF_BYTES: usize = 8192;

/// The failure of a file that is only white space.
pub const EMPTY: &str = "empty file; nothing to index";
/// The failure of a file with NUL bytes near its start.
pub const BINARY: &str = "binary file (contains NUL bytes); not an article";

/// Decodes `bytes`; an error says why the file is not text.
pub fn text_of(bytes: Vec<u8>) -> Result<Decoded, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(EMPTY.into());
    }
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let note = (encoding != encoding_rs::UTF_8)
            .then(|| format!("{} text (byte order mark) decoded", encoding.name()));
        if had_errors && encoding == encoding_rs::UTF_8 {
            return decode_legacy(&bytes[bom..]);
        }
        return Ok(Decoded {
            text: text.into_owned(),
            note,
        });
    }
    if bytes.iter().take(BINARY_SNIFF_BYTES).any(|&b| b == 0) {
        return Err(BINARY.into());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded { text, note: None }),
        Err(err) => decode_legacy(err.as_bytes()),
    }
}

fn decode_legacy(bytes: &[u8]) -> Result<Decoded, String> {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    Ok(Decoded {
        text: text.into_owned(),
        note: Some("not UTF-8; decoded as Windows-1252 (Latin-1)".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_and_bom_is_dropped() {
        assert_eq!(text_of("café".into()).unwrap().text, "café");
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], "één".as_bytes()].concat();
        assert_eq!(
            text_of(with_bom).unwrap(),
            Decoded {
                text: "één".into(),
                note: None
            }
        );
    }

    #[test]
    fn windows_1252_is_decoded_with_a_note() {
        let decoded = text_of(b"Caf\xe9 in Gen\xe8ve, \x93quote\x94".to_vec()).unwrap();
        assert_eq!(decoded.text, "Café in Genève, “quote”");
        assert!(decoded.note.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "ruïne".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(text_of(bytes).unwrap().text, "ruïne");
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        let err = text_of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).unwrap_err();
        assert!(err.starts_with("binary file"), "{err}");
        assert!(text_of(Vec::new()).unwrap_err().starts_with("empty file"));
        assert!(text_of(b" \n\n".to_vec())
            .unwrap_err()
            .starts_with("empty file"));
    }
}
