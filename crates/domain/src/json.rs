//! GitLab's JSON, read and written by hand.
//!
//! One small pull reader serves every response: models ask for the fields they know
//! ([`FromJson`]), lenient fields and error bodies take any value as a [`Loose`], and everything
//! else is passed over without being copied, so a secret in a field tokenwarden does not read
//! (a trigger's token in a list) is never duplicated outside the response body, which the client
//! wipes. Request bodies are written with [`ObjectWriter`]. Both are far smaller in the page
//! than a derive-based framework with its error machinery.
//!
//! The reader accepts exactly RFC 8259 JSON: one value, surrounded by whitespace only, nested at
//! most [`MAX_DEPTH`] deep. A key given twice in one object is read twice; the later value wins.

use std::borrow::Cow;

/// Objects and lists nested deeper than this are refused rather than read recursively.
pub const MAX_DEPTH: u32 = 128;

/// Where reading stopped, as a byte offset into the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error(usize);

impl Error {
    /// The line and column (both from 1, the column in bytes) of the character reading stopped
    /// at in `text`, the text that was read.
    pub fn position(self, text: &str) -> (usize, usize) {
        // Past the end means the last character, where the text ran out.
        let at = self.0.min(text.len().saturating_sub(1));
        let before = &text.as_bytes()[..at];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        (line, at + 1 - line_start)
    }
}

/// A value read from a whole text: the text is one `T`, surrounded by whitespace only.
pub trait FromJson: Sized {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error>;
}

/// Reads all of `text` as a `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, Error> {
    let mut r = Reader::new(text);
    let value = T::read(&mut r)?;
    r.end()?;
    Ok(value)
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let mut items = Vec::new();
        r.array(&mut |r| {
            items.push(T::read(r)?);
            Ok(())
        })?;
        Ok(items)
    }
}

/// Any JSON value, kept only as far as tokenwarden looks: objects keep their order.
#[derive(Debug, PartialEq)]
pub enum Loose {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Loose>),
    Object(Vec<(String, Loose)>),
    /// Null, fractions and integers out of range.
    Other,
}

impl Loose {
    pub fn into_str(self) -> Option<String> {
        match self {
            Loose::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A string, or the strings of a list: how GitLab writes one or several messages.
    pub fn into_texts(self) -> Vec<String> {
        match self {
            Loose::Str(s) => vec![s],
            Loose::List(items) => items.into_iter().filter_map(Loose::into_str).collect(),
            _ => Vec::new(),
        }
    }
}

impl FromJson for Loose {
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.loose()
    }
}

/// A cursor over JSON text. Every method reads one value at the cursor (after any whitespace)
/// or fails where the text stops making sense.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            at: 0,
            depth: 0,
        }
    }

    /// An error at the cursor.
    pub fn fail(&self) -> Error {
        Error(self.at)
    }

    /// Only whitespace is left.
    pub fn end(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.fail()),
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.fail())
        }
    }

    fn word(&mut self, word: &str) -> Result<(), Error> {
        self.peek();
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.fail())
        }
    }

    /// One nesting level more, refused past [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail());
        }
        Ok(())
    }

    /// An object: `field` is called with each key, the cursor on its value, which it must read
    /// or [`skip`](Self::skip).
    pub fn object(
        &mut self,
        field: &mut dyn FnMut(&mut Self, &str) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.expect(b'{')?;
        self.enter()?;
        if !self.eat(b'}') {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(self.fail());
                }
                let key = self.text(true)?;
                self.expect(b':')?;
                field(self, &key)?;
                if !self.eat(b',') {
                    self.expect(b'}')?;
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// A list: `item` is called with the cursor on each element, which it must read or skip.
    pub fn array(
        &mut self,
        item: &mut dyn FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.expect(b'[')?;
        self.enter()?;
        if !self.eat(b']') {
            loop {
                item(self)?;
                if !self.eat(b',') {
                    self.expect(b']')?;
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Consumes a `null` if there is one.
    pub fn null(&mut self) -> Result<bool, Error> {
        if self.peek() == Some(b'n') {
            self.word("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    pub fn string(&mut self) -> Result<String, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.fail());
        }
        Ok(self.text(true)?.into_owned())
    }

    pub fn bool(&mut self) -> Result<bool, Error> {
        match self.peek() {
            Some(b't') => self.word("true").map(|_| true),
            _ => self.word("false").map(|_| false),
        }
    }

    /// A non-negative integer.
    pub fn u64(&mut self) -> Result<u64, Error> {
        let start = self.at;
        match self.number()? {
            Some((negative, n)) if !negative || n == 0 => Ok(n),
            _ => Err(Error(start.max(self.at - 1))),
        }
    }

    /// A string, or `null` as the empty string.
    pub fn nullable_string(&mut self) -> Result<String, Error> {
        if self.null()? {
            return Ok(String::new());
        }
        self.string()
    }

    /// A boolean, or `null` as false.
    pub fn nullable_bool(&mut self) -> Result<bool, Error> {
        Ok(!self.null()? && self.bool()?)
    }

    /// A list of strings, or `null` as an empty list.
    pub fn nullable_strings(&mut self) -> Result<Vec<String>, Error> {
        let mut items = Vec::new();
        if !self.null()? {
            self.array(&mut |r| {
                items.push(r.string()?);
                Ok(())
            })?;
        }
        Ok(items)
    }

    /// Any value, kept.
    pub fn loose(&mut self) -> Result<Loose, Error> {
        self.value(true)
    }

    /// Any value, passed over: nothing in it is copied.
    pub fn skip(&mut self) -> Result<(), Error> {
        self.value(false).map(drop)
    }

    fn value(&mut self, keep: bool) -> Result<Loose, Error> {
        Ok(match self.peek() {
            Some(b'"') => match self.text(keep)? {
                text if keep => Loose::Str(text.into_owned()),
                _ => Loose::Other,
            },
            Some(b'{') => {
                let mut entries = Vec::new();
                self.object(&mut |r, key| {
                    let value = r.value(keep)?;
                    if keep {
                        entries.push((key.to_owned(), value));
                    }
                    Ok(())
                })?;
                Loose::Object(entries)
            }
            Some(b'[') => {
                let mut items = Vec::new();
                self.array(&mut |r| {
                    items.push(r.value(keep)?);
                    Ok(())
                })?;
                Loose::List(items)
            }
            Some(b't' | b'f') => Loose::Bool(self.bool()?),
            Some(b'n') => {
                self.word("null")?;
                Loose::Other
            }
            _ => match self.number()? {
                Some((false, n)) => i64::try_from(n).map_or(Loose::Other, Loose::Int),
                Some((true, n)) if n <= 1 << 63 => Loose::Int(0u64.wrapping_sub(n) as i64),
                _ => Loose::Other,
            },
        })
    }

    /// A number: its sign and magnitude when it is an integer that fits in a `u64`, None for
    /// fractions, exponents and larger integers (which are still read, then ignored).
    fn number(&mut self) -> Result<Option<(bool, u64)>, Error> {
        let negative = self.eat(b'-');
        let bytes = self.text.as_bytes();
        let digits = |r: &mut Self| {
            let start = r.at;
            while bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            if r.at == start {
                Err(r.fail())
            } else {
                Ok(&bytes[start..r.at])
            }
        };
        let whole = digits(self)?;
        if whole.len() > 1 && whole[0] == b'0' {
            return Err(Error(self.at - whole.len() + 1));
        }
        let mut integer = true;
        if bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            digits(self)?;
            integer = false;
        }
        if let Some(b'e' | b'E') = bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = bytes.get(self.at) {
                self.at += 1;
            }
            digits(self)?;
            integer = false;
        }
        let mut n: Option<u64> = Some(0);
        for d in whole {
            n = n
                .and_then(|n| n.checked_mul(10))
                .and_then(|n| n.checked_add(u64::from(d - b'0')));
        }
        Ok(n.filter(|_| integer).map(|n| (negative, n)))
    }

    /// A string at the cursor (which is on its opening quote). With `keep` false nothing is
    /// copied and the result is empty; escapes are still checked.
    fn text(&mut self, keep: bool) -> Result<Cow<'a, str>, Error> {
        self.at += 1;
        let text = self.text;
        let bytes = text.as_bytes();
        let mut owned: Option<String> = None;
        let mut run = self.at;
        loop {
            match bytes.get(self.at) {
                Some(b'"') => {
                    let rest = &text[run..self.at];
                    self.at += 1;
                    return Ok(match owned {
                        Some(mut s) => {
                            s.push_str(rest);
                            Cow::Owned(s)
                        }
                        None if keep => Cow::Borrowed(rest),
                        None => Cow::Borrowed(""),
                    });
                }
                Some(b'\\') => {
                    let escape_at = self.at;
                    self.at += 2;
                    let c = match bytes.get(escape_at + 1) {
                        Some(b'"') => Some('"'),
                        Some(b'\\') => Some('\\'),
                        Some(b'/') => Some('/'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'n') => Some('\n'),
                        Some(b'r') => Some('\r'),
                        Some(b't') => Some('\t'),
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(Error(escape_at + 1)),
                    };
                    if keep {
                        let c = c.ok_or(Error(self.at - 1))?;
                        let s = owned.get_or_insert_with(String::new);
                        s.push_str(&text[run..escape_at]);
                        s.push(c);
                    }
                    run = self.at;
                }
                Some(0..=0x1f) | None => return Err(self.fail()),
                Some(_) => self.at += 1,
            }
        }
    }

    /// The character of a `\u` escape whose hex digits are at the cursor, a surrogate pair
    /// taken together; None for an unpaired surrogate.
    fn unicode_escape(&mut self) -> Result<Option<char>, Error> {
        let high = self.hex4()?;
        if (0xD800..0xDC00).contains(&high) && self.text[self.at..].starts_with("\\u") {
            self.at += 2;
            let low = self.hex4()?;
            return Ok((0xDC00..0xE000)
                .contains(&low)
                .then(|| 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                .and_then(char::from_u32));
        }
        Ok(char::from_u32(high))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self
                .text
                .as_bytes()
                .get(self.at)
                .and_then(|&b| char::from(b).to_digit(16))
                .ok_or(Error(self.at))?;
            n = n * 16 + digit;
            self.at += 1;
        }
        Ok(n)
    }
}

/// A JSON object written one member at a time, in order (request bodies).
pub struct ObjectWriter(String);

impl ObjectWriter {
    /// `capacity` sized for the whole body keeps a secret in it from being copied as it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        ObjectWriter(String::with_capacity(capacity))
    }

    /// Starts a member; its value is written next.
    fn key(&mut self, key: &str) -> &mut String {
        let out = &mut self.0;
        out.push(if out.is_empty() { '{' } else { ',' });
        push_string(out, key);
        out.push(':');
        out
    }

    pub fn string(&mut self, key: &str, value: &str) {
        push_string(self.key(key), value);
    }

    /// A number or `true`/`false`, written as is.
    pub fn literal(&mut self, key: &str, value: &dyn std::fmt::Display) {
        use std::fmt::Write;
        let _ = write!(self.key(key), "{value}");
    }

    pub fn strings(&mut self, key: &str, values: &[String]) {
        let out = self.key(key);
        out.push('[');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(out, value);
        }
        out.push(']');
    }

    pub fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// `s` as a JSON string: quotes, backslashes and control characters escaped, nothing else.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\0'..='\u{1f}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[c as usize >> 4]));
                out.push(char::from(HEX[c as usize & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loose(text: &str) -> Result<Loose, Error> {
        from_str(text)
    }

    #[test]
    fn reads_any_shape_in_order() {
        assert_eq!(
            loose(r#"{"b":[1,"x",null],"a":{"c":true},"d":1.5}"#).unwrap(),
            Loose::Object(vec![
                (
                    "b".into(),
                    Loose::List(vec![Loose::Int(1), Loose::Str("x".into()), Loose::Other])
                ),
                (
                    "a".into(),
                    Loose::Object(vec![("c".into(), Loose::Bool(true))])
                ),
                ("d".into(), Loose::Other),
            ])
        );
        assert_eq!(
            Loose::List(vec![Loose::Str("a".into()), Loose::Int(2)]).into_texts(),
            vec!["a"]
        );
        assert_eq!(Loose::Int(2).into_texts(), Vec::<String>::new());
    }

    #[test]
    fn integers_keep_their_range_and_the_rest_is_other() {
        let cases = [
            ("0", Loose::Int(0)),
            ("-0", Loose::Int(0)),
            ("-12", Loose::Int(-12)),
            ("9223372036854775807", Loose::Int(i64::MAX)),
            ("-9223372036854775808", Loose::Int(i64::MIN)),
            ("9223372036854775808", Loose::Other),
            ("-9223372036854775809", Loose::Other),
            ("18446744073709551616", Loose::Other),
            ("1e3", Loose::Other),
            ("2.50", Loose::Other),
            ("-1.5E-3", Loose::Other),
        ];
        for (text, want) in cases {
            assert_eq!(loose(text), Ok(want), "{text}");
        }
        assert_eq!(from_str::<U64>("18446744073709551615"), Ok(U64(u64::MAX)));
        for text in ["-1", "1.0", "18446744073709551616", "\"1\"", "null"] {
            assert!(from_str::<U64>(text).is_err(), "{text}");
        }
    }

    #[derive(Debug, PartialEq)]
    struct U64(u64);

    impl FromJson for U64 {
        fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
            r.u64().map(U64)
        }
    }

    #[test]
    fn strings_unescape() {
        assert_eq!(
            loose(r#""a\"b\\c\/d\b\f\n\r\t \u00e9 \ud83d\ude00 é""#),
            Ok(Loose::Str("a\"b\\c/d\u{8}\u{c}\n\r\t é \u{1f600} é".into()))
        );
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            "\"tab\tinside\"",
            r#""open"#,
        ] {
            assert!(loose(bad).is_err(), "{bad}");
        }
        // A field nobody reads may hold a lone surrogate: only its form is checked.
        let mut r = Reader::new(r#"["\ud83d", "\ud83d\u0041"]"#);
        assert_eq!(r.array(&mut |r| r.skip()).and_then(|_| r.end()), Ok(()));
        assert!(Reader::new(r#""\u12""#).skip().is_err());
    }

    #[test]
    fn only_one_json_value_is_accepted() {
        for bad in [
            "",
            " ",
            "{",
            "[1,]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            "[1 2]",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "tru",
            "nul",
            "NaN",
            "{} {}",
            "[] x",
            "'a'",
        ] {
            assert!(loose(bad).is_err(), "{bad:?}");
        }
        assert_eq!(loose(" \t\r\n[ ] \n"), Ok(Loose::List(Vec::new())));
        assert_eq!(loose("{ }"), Ok(Loose::Object(Vec::new())));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(loose(&deep(MAX_DEPTH as usize)).is_ok());
        assert!(loose(&deep(MAX_DEPTH as usize + 1)).is_err());
        assert!(loose(&deep(100_000)).is_err());
    }

    #[test]
    fn skipped_strings_are_not_copied() {
        let text = r#"{"token":"glptt-secret","id":1}"#;
        let mut r = Reader::new(text);
        let mut seen = Vec::new();
        r.object(&mut |r, key| {
            seen.push(key.to_owned());
            if key == "token" {
                assert_eq!(r.value(false)?, Loose::Other);
                Ok(())
            } else {
                r.skip()
            }
        })
        .unwrap();
        assert_eq!(seen, ["token", "id"]);
        assert_eq!(Reader::new(r#""glptt""#).text(false), Ok(Cow::Borrowed("")));
    }

    #[test]
    fn errors_say_where() {
        let at = |text: &str| loose(text).unwrap_err().position(text);
        assert_eq!(at("<html>"), (1, 1));
        assert_eq!(at("{\n  \"a\": tru\n}"), (2, 8));
        assert_eq!(at("[1,\n2,\n]"), (3, 1));
        assert_eq!(at("[1"), (1, 2));
        assert_eq!(at(""), (1, 1));
        let text = "[12, -3]";
        let mut r = Reader::new(text);
        let err = r.array(&mut |r| r.u64().map(drop)).unwrap_err();
        assert_eq!(err.position(text), (1, 7));
    }

    #[test]
    fn writes_members_in_order_and_escapes_strings() {
        let mut w = ObjectWriter::with_capacity(0);
        w.string("name", "a \"b\" \\ \n\t\u{1}\u{1f} é/");
        w.literal("access_level", &30);
        w.literal("can_push", &false);
        w.strings("scopes", &["api".into(), "read_api".into()]);
        w.strings("none", &[]);
        assert_eq!(
            w.finish(),
            r#"{"name":"a \"b\" \\ \n\t\u0001\u001f é/","access_level":30,"can_push":false,"scopes":["api","read_api"],"none":[]}"#
        );
        assert_eq!(ObjectWriter::with_capacity(2).finish(), "{}");
    }

    #[test]
    fn agrees_with_serde_json() {
        // Both readers on the same texts: same verdict, same value, same message strings.
        let texts = [
            r#"{"message":{"name":["has already been taken"],"base":["x\u00e9"]}}"#,
            r#"[{"id":1,"name":"a\nb","n":-5,"f":0.5,"big":123456789012345678901234567890}]"#,
            r#"{"error":"insufficient_scope","scope":"api read_api"}"#,
            "\"\\ud800\\udc00\"",
            "[true,false,null,{},[]]",
            "{\"a\":1}x",
            "[\"\\u0000\"]",
            "123abc",
        ];
        for text in texts {
            let ours = loose(text);
            let theirs = serde_json::from_str::<serde_json::Value>(text);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{text}");
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                // serde_json's map sorts its keys; compare as sets of members.
                assert_eq!(sorted(ours), from_value(theirs), "{text}");
            }
        }
        for s in [
            "plain",
            "quote\" slash\\ nl\n",
            "\u{0}\u{7f}\u{1b}é\u{1f600}</",
        ] {
            let mut w = ObjectWriter::with_capacity(0);
            w.string("k", s);
            assert_eq!(
                w.finish(),
                serde_json::json!({ "k": s }).to_string(),
                "{s:?}"
            );
        }
    }

    fn sorted(v: Loose) -> Loose {
        match v {
            Loose::List(items) => Loose::List(items.into_iter().map(sorted).collect()),
            Loose::Object(entries) => {
                let mut entries: Vec<_> =
                    entries.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Loose::Object(entries)
            }
            other => other,
        }
    }

    fn from_value(v: serde_json::Value) -> Loose {
        use serde_json::Value;
        match v {
            Value::String(s) => Loose::Str(s),
            Value::Bool(b) => Loose::Bool(b),
            Value::Number(n) => n.as_i64().map_or(Loose::Other, Loose::Int),
            Value::Array(items) => Loose::List(items.into_iter().map(from_value).collect()),
            Value::Object(entries) => Loose::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, from_value(v)))
                    .collect(),
            ),
            Value::Null => Loose::Other,
        }
    }
}
