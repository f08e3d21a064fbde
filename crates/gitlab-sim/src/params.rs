//! Request parameters the way Grape sees them.
//!
//! GitLab merges the query string with the body (JSON, or form-encoded with Rack's `key[]=`
//! arrays) into one bag, then coerces each declared parameter to its type. Failures are collected
//! per parameter and reported together as `"<param> <problem>, ..."`, which is what clients show,
//! so the coercion rules and the problem wording follow Grape.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};

/// Grape's wording for the validators GitLab's token endpoints use.
pub const MISSING: &str = "is missing";
pub const INVALID: &str = "is invalid";
pub const NOT_VALID_VALUE: &str = "does not have a valid value";
pub const NOT_ALLOWED: &str = "has a value not allowed";

/// The merged parameters of one request.
#[derive(Debug, Clone, Default)]
pub struct Params {
    map: Map<String, Value>,
}

/// A request's media type (`Content-Type` without parameters, lower case).
pub fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// Parses `a=1&b[]=2&b[]=3&c[d]=4` the way Rack does (last plain key wins, `[]` appends).
pub fn parse_form(input: &str) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in form_urlencoded::parse(input.as_bytes()) {
        let value = Value::String(value.into_owned());
        if let Some(base) = key.strip_suffix("[]") {
            match map.get_mut(base) {
                Some(Value::Array(items)) => items.push(value),
                _ => {
                    map.insert(base.to_owned(), Value::Array(vec![value]));
                }
            }
        } else if let Some((base, rest)) = key.split_once('[') {
            let inner = rest.trim_end_matches(']').to_owned();
            match map.get_mut(base) {
                Some(Value::Object(obj)) => {
                    obj.insert(inner, value);
                }
                _ => {
                    let mut obj = Map::new();
                    obj.insert(inner, value);
                    map.insert(base.to_owned(), Value::Object(obj));
                }
            }
        } else {
            map.insert(key.into_owned(), value);
        }
    }
    map
}

impl Params {
    pub fn from_query(query: Option<&str>) -> Self {
        Params {
            map: query.map(parse_form).unwrap_or_default(),
        }
    }

    /// Body parameters override query parameters, as in Rack's `GET.merge(POST)`.
    pub fn merge(&mut self, body: Map<String, Value>) {
        for (k, v) in body {
            self.map.insert(k, v);
        }
    }

    pub fn insert(&mut self, key: &str, value: Value) {
        self.map.insert(key.to_owned(), value);
    }

    pub fn entries(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.map.iter()
    }

    /// A present, non-null value.
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A value for a parameter of a type other than `String`: Grape's coercer reads an empty
    /// string there as nil ("absence of a value"), so it counts as not given.
    fn typed(&self, key: &str) -> Option<&Value> {
        self.raw(key).filter(|v| v.as_str() != Some(""))
    }

    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, &'static str> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(INVALID),
        }
    }

    pub fn integer(&self, key: &str) -> Result<Option<i64>, &'static str> {
        match self.typed(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Ok(Some(i)),
                (None, Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
                _ => Err(INVALID),
            },
            Some(Value::String(s)) => parse_integer(s).map(Some).ok_or(INVALID),
            Some(_) => Err(INVALID),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, &'static str> {
        match self.typed(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
            Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
            Some(Value::String(s)) => parse_bool(s).map(Some).ok_or(INVALID),
            Some(_) => Err(INVALID),
        }
    }

    pub fn date(&self, key: &str) -> Result<Option<NaiveDate>, &'static str> {
        match self.typed(key) {
            None => Ok(None),
            Some(Value::String(s)) => parse_date(s).map(Some).ok_or(INVALID),
            Some(_) => Err(INVALID),
        }
    }

    pub fn datetime(&self, key: &str) -> Result<Option<DateTime<Utc>>, &'static str> {
        match self.typed(key) {
            None => Ok(None),
            Some(Value::String(s)) => parse_datetime(s).map(Some).ok_or(INVALID),
            Some(_) => Err(INVALID),
        }
    }

    /// `Array[String]`: a JSON array or Rack `key[]=` values. A bare string is not an array to
    /// Grape, so `scopes=api` is invalid rather than `["api"]`.
    pub fn string_array(&self, key: &str) -> Result<Option<Vec<String>>, &'static str> {
        match self.raw(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(INVALID),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(INVALID),
        }
    }
}

fn parse_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// dry-types' `Params::Bool` vocabulary.
fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
        "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// Grape's `Date`: a calendar date, optionally followed by a time that is dropped.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// Grape's `DateTime`: RFC 3339, a zone-less timestamp (UTC), or a date (midnight UTC).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(crate::state::SimState::midnight)
}

/// Collects Grape validation failures for one endpoint, in declaration order.
pub struct Check<'a> {
    params: &'a Params,
    problems: Vec<String>,
}

impl<'a> Check<'a> {
    pub fn new(params: &'a Params) -> Self {
        Check {
            params,
            problems: Vec::new(),
        }
    }

    fn note<T>(&mut self, key: &str, result: Result<Option<T>, &'static str>) -> Option<T> {
        match result {
            Ok(value) => value,
            Err(problem) => {
                self.problems.push(format!("{key} {problem}"));
                None
            }
        }
    }

    pub fn fail(&mut self, key: &str, problem: &str) {
        self.problems.push(format!("{key} {problem}"));
    }

    pub fn required_string(&mut self, key: &str) -> Option<String> {
        if !self.params.has(key) {
            self.fail(key, MISSING);
            return None;
        }
        let result = self.params.string(key);
        self.note(key, result)
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        let result = self.params.string(key);
        self.note(key, result)
    }

    pub fn string_in(&mut self, key: &str, allowed: &[&str]) -> Option<String> {
        let value = self.string(key)?;
        if allowed.contains(&value.as_str()) {
            Some(value)
        } else {
            self.fail(key, NOT_VALID_VALUE);
            None
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<i64> {
        let result = self.params.integer(key);
        self.note(key, result)
    }

    pub fn integer_in(&mut self, key: &str, allowed: &[i64]) -> Option<i64> {
        let value = self.integer(key)?;
        if allowed.contains(&value) {
            Some(value)
        } else {
            self.fail(key, NOT_VALID_VALUE);
            None
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let result = self.params.boolean(key);
        self.note(key, result)
    }

    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let result = self.params.date(key);
        self.note(key, result)
    }

    pub fn datetime(&mut self, key: &str) -> Option<DateTime<Utc>> {
        let result = self.params.datetime(key);
        self.note(key, result)
    }

    /// A required `Array[String]` whose every element must be in `allowed`.
    pub fn required_strings_in(&mut self, key: &str, allowed: &[&str]) -> Option<Vec<String>> {
        if !self.params.has(key) {
            self.fail(key, MISSING);
            return None;
        }
        let result = self.params.string_array(key);
        let values = self.note(key, result)?;
        if values.iter().all(|v| allowed.contains(&v.as_str())) {
            Some(values)
        } else {
            self.fail(key, NOT_VALID_VALUE);
            None
        }
    }

    pub fn finish(self) -> ApiResult<()> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rack_style_form_arrays() {
        let params = Params {
            map: parse_form("name=a+b&scopes[]=api&scopes[]=read_api&x=1&x=2"),
        };
        assert_eq!(params.string("name").unwrap().unwrap(), "a b");
        assert_eq!(
            params.string_array("scopes").unwrap().unwrap(),
            vec!["api", "read_api"]
        );
        assert_eq!(params.integer("x").unwrap(), Some(2));
        assert_eq!(params.string_array("name"), Err(INVALID));
    }

    #[test]
    fn grape_coercions() {
        let mut params = Params::default();
        params.merge(
            serde_json::from_str::<Map<String, Value>>(
                r#"{"a":"40","b":"4x","c":"yes","d":"2025-01-31T10:00:00Z","e":"2025-13-01"}"#,
            )
            .unwrap(),
        );
        assert_eq!(params.integer("a"), Ok(Some(40)));
        assert_eq!(params.integer("b"), Err(INVALID));
        assert_eq!(params.boolean("c"), Ok(Some(true)));
        assert_eq!(params.date("d"), Ok(NaiveDate::from_ymd_opt(2025, 1, 31)));
        assert_eq!(params.date("e"), Err(INVALID));
    }

    #[test]
    fn empty_strings_are_absent_for_typed_parameters() {
        let params = Params {
            map: parse_form("a=&b[]="),
        };
        assert_eq!(params.integer("a"), Ok(None));
        assert_eq!(params.boolean("a"), Ok(None));
        assert_eq!(params.date("a"), Ok(None));
        assert_eq!(params.datetime("a"), Ok(None));
        assert_eq!(params.string("a"), Ok(Some(String::new())));
        assert!(params.has("a"));
    }
}
