//! Where and why a JSON document is malformed, in the words of Python's `json`
//! module, which is what FastAPI reports.
//!
//! FastAPI answers a malformed JSON body with
//! `{"type":"json_invalid","loc":["body",<pos>],"msg":"JSON decode error","input":{},"ctx":{"error":<message>}}`,
//! where `pos` (a character offset) and `message` come from CPython's C scanner.
//! serde_json finds the same documents invalid but describes them differently,
//! so this module re-scans an invalid document the way CPython does, following
//! `Modules/_json.c` step by step. It runs only after serde_json has failed.

use serde_json::json;

use super::error::{ErrorDetail, LocItem};

/// The `json_invalid` error for a body serde_json could not parse.
pub(crate) fn json_invalid(text: &str, serde_error: &serde_json::Error) -> ErrorDetail {
    let (position, message) = python_error(text).unwrap_or_else(|| {
        // Documents Python accepts but serde_json does not (NaN, lone
        // surrogates, nesting beyond serde_json's limit): report serde_json's
        // reason at its position.
        (
            char_offset(text, serde_error.line(), serde_error.column()),
            serde_error.to_string(),
        )
    });
    ErrorDetail::new(
        "json_invalid",
        [LocItem::from("body"), LocItem::from(position)],
        json!({}),
    )
    .with_ctx("error", message)
}

/// Character offset of a 1-based line and column.
fn char_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            return offset + content.chars().take(column.saturating_sub(1)).count();
        }
        offset += content.chars().count();
    }
    offset
}

/// Python's `(pos, msg)` for an invalid document, or `None` if Python accepts it.
pub(crate) fn python_error(text: &str) -> Option<(usize, String)> {
    let scanner = Scanner {
        chars: text.chars().collect(),
    };
    let start = scanner.skip_whitespace(0);
    let end = match scanner.scan_once(start, 0) {
        Ok(end) => end,
        Err(Fail::Stop(position)) => return Some((position, "Expecting value".into())),
        Err(Fail::Error(position, message)) => return Some((position, message.into())),
        Err(Fail::TooDeep) => return None,
    };
    let end = scanner.skip_whitespace(end);
    (end != scanner.chars.len()).then(|| (end, "Extra data".into()))
}

/// Deeper documents are left to serde_json's own report.
const MAX_DEPTH: usize = 512;

enum Fail {
    /// No value starts here (Python's `StopIteration`): "Expecting value".
    Stop(usize),
    Error(usize, &'static str),
    TooDeep,
}

struct Scanner {
    chars: Vec<char>,
}

fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Scanner {
    fn at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    fn skip_whitespace(&self, mut index: usize) -> usize {
        while self.at(index).is_some_and(is_whitespace) {
            index += 1;
        }
        index
    }

    fn matches(&self, index: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(offset, c)| self.at(index + offset) == Some(c))
    }

    fn scan_once(&self, index: usize, depth: usize) -> Result<usize, Fail> {
        if depth > MAX_DEPTH {
            return Err(Fail::TooDeep);
        }
        let Some(c) = self.at(index) else {
            return Err(Fail::Stop(index));
        };
        match c {
            '"' => self.string(index + 1),
            '{' => self.object(index + 1, depth + 1),
            '[' => self.array(index + 1, depth + 1),
            'n' if self.matches(index, "null") => Ok(index + 4),
            't' if self.matches(index, "true") => Ok(index + 4),
            'f' if self.matches(index, "false") => Ok(index + 5),
            'N' if self.matches(index, "NaN") => Ok(index + 3),
            'I' if self.matches(index, "Infinity") => Ok(index + 8),
            '-' if self.matches(index, "-Infinity") => Ok(index + 9),
            _ => self.number(index),
        }
    }

    fn number(&self, start: usize) -> Result<usize, Fail> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut index = start;
        if self.at(index) == Some('-') {
            index += 1;
        }
        match self.at(index) {
            Some('1'..='9') => {
                index += 1;
                while digit(index) {
                    index += 1;
                }
            }
            Some('0') => index += 1,
            _ => return Err(Fail::Stop(start)),
        }
        if self.at(index) == Some('.') && digit(index + 1) {
            index += 2;
            while digit(index) {
                index += 1;
            }
        }
        if matches!(self.at(index), Some('e' | 'E')) {
            let exponent_start = index;
            index += 1;
            if matches!(self.at(index), Some('-' | '+')) {
                index += 1;
            }
            let digits_start = index;
            while digit(index) {
                index += 1;
            }
            if index == digits_start {
                index = exponent_start;
            }
        }
        Ok(index)
    }

    /// `index` is just after the opening quote.
    fn string(&self, mut index: usize) -> Result<usize, Fail> {
        let begin = index - 1;
        let len = self.chars.len();
        let unterminated = Fail::Error(begin, "Unterminated string starting at");
        loop {
            let mut next = index;
            while let Some(c) = self.at(next) {
                if c == '"' || c == '\\' {
                    break;
                }
                if u32::from(c) <= 0x1f {
                    return Err(Fail::Error(next, "Invalid control character at"));
                }
                next += 1;
            }
            let Some(terminator) = self.at(next) else {
                return Err(unterminated);
            };
            next += 1;
            if terminator == '"' {
                return Ok(next);
            }
            let Some(escape) = self.at(next) else {
                return Err(unterminated);
            };
            if escape != 'u' {
                if !matches!(escape, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') {
                    return Err(Fail::Error(next - 1, "Invalid \\escape"));
                }
                index = next + 1;
                continue;
            }
            next += 1;
            let mut end = next + 4;
            if end >= len {
                return Err(Fail::Error(next - 1, "Invalid \\uXXXX escape"));
            }
            let code = self
                .hex4(next)
                .ok_or(Fail::Error(end - 5, "Invalid \\uXXXX escape"))?;
            next = end;
            let high_surrogate = (0xD800..=0xDBFF).contains(&code);
            if high_surrogate
                && end + 6 < len
                && self.at(next) == Some('\\')
                && self.at(next + 1) == Some('u')
            {
                end += 6;
                let low = self
                    .hex4(next + 2)
                    .ok_or(Fail::Error(end - 5, "Invalid \\uXXXX escape"))?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    end -= 6;
                }
            }
            index = end;
        }
    }

    fn hex4(&self, index: usize) -> Option<u32> {
        (index..index + 4).try_fold(0u32, |code, i| Some(code * 16 + self.at(i)?.to_digit(16)?))
    }

    /// `index` is just after `{`.
    fn object(&self, index: usize, depth: usize) -> Result<usize, Fail> {
        let mut index = self.skip_whitespace(index);
        if self.at(index) == Some('}') {
            return Ok(index + 1);
        }
        loop {
            if self.at(index) != Some('"') {
                return Err(Fail::Error(
                    index,
                    "Expecting property name enclosed in double quotes",
                ));
            }
            index = self.skip_whitespace(self.string(index + 1)?);
            if self.at(index) != Some(':') {
                return Err(Fail::Error(index, "Expecting ':' delimiter"));
            }
            index = self.skip_whitespace(index + 1);
            index = self.skip_whitespace(self.scan_once(index, depth)?);
            match self.at(index) {
                Some('}') => return Ok(index + 1),
                Some(',') => index = self.skip_whitespace(index + 1),
                _ => return Err(Fail::Error(index, "Expecting ',' delimiter")),
            }
        }
    }

    /// `index` is just after `[`.
    fn array(&self, index: usize, depth: usize) -> Result<usize, Fail> {
        let mut index = self.skip_whitespace(index);
        if self.at(index) == Some(']') {
            return Ok(index + 1);
        }
        loop {
            index = self.skip_whitespace(self.scan_once(index, depth)?);
            match self.at(index) {
                Some(']') => return Ok(index + 1),
                Some(',') => index = self.skip_whitespace(index + 1),
                _ => return Err(Fail::Error(index, "Expecting ',' delimiter")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::python_error;

    /// Answers recorded from CPython 3.11's `json.loads`; regenerate with
    /// `python3 -c 'import json,sys; json.loads(sys.argv[1])' '<doc>'`.
    #[test]
    fn matches_cpython() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "{bad",
                1,
                "Expecting property name enclosed in double quotes",
            ),
            ("{\"name\": \"a\",\n \"price\": }", 24, "Expecting value"),
            ("", 0, "Expecting value"),
            ("   ", 3, "Expecting value"),
            ("{", 1, "Expecting property name enclosed in double quotes"),
            ("[", 1, "Expecting value"),
            ("[1,]", 3, "Expecting value"),
            (
                "{\"a\":1,}",
                7,
                "Expecting property name enclosed in double quotes",
            ),
            ("{\"a\" 1}", 5, "Expecting ':' delimiter"),
            ("{\"a\":1 \"b\":2}", 7, "Expecting ',' delimiter"),
            ("[1 2]", 3, "Expecting ',' delimiter"),
            ("{\"a\":1} x", 8, "Extra data"),
            ("01", 1, "Extra data"),
            ("\"abc", 0, "Unterminated string starting at"),
            ("{\"a\":\"x\ty\"}", 7, "Invalid control character at"),
            ("\"a\\qb\"", 2, "Invalid \\escape"),
            ("\"\\u12x4\"", 2, "Invalid \\uXXXX escape"),
            ("-", 0, "Expecting value"),
            ("tru", 0, "Expecting value"),
            ("[1.]", 2, "Expecting ',' delimiter"),
            ("{\"é\": ✓}", 6, "Expecting value"),
        ];
        for (doc, position, message) in cases {
            assert_eq!(
                python_error(doc),
                Some((*position, (*message).to_owned())),
                "document {doc:?}"
            );
        }
        for valid in [
            "{}",
            "[1, 2.5e3, -0, \"\\u00e9\"]",
            "NaN",
            " {\"a\": [true, false, null]} ",
        ] {
            assert_eq!(python_error(valid), None, "document {valid:?}");
        }
    }
}
