//! GitLab's offset pagination (`Gitlab::Pagination::OffsetPagination` over Kaminari).
//!
//! Quirks kept on purpose because clients see them: `per_page` above 100 is served as 100 but
//! echoed unclamped in `Link`; a page past the end is empty with no `X-Prev-Page`; `X-Total-Pages`
//! is at least 1; links carry every request parameter, sorted as Rails' `to_query` sorts them.

use serde_json::Value;

use crate::params::{Check, Params};

/// Kaminari's `max_per_page` on GitLab.
pub const MAX_PER_PAGE: i64 = 100;
pub const DEFAULT_PER_PAGE: i64 = 20;

/// The pagination parameters of one request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    /// The page served (Kaminari treats anything below 1 as page 1).
    pub page: usize,
    /// Items per page actually served.
    pub per_page: usize,
    /// The `per_page` value as Grape holds it, echoed into `Link` (unclamped; empty when an
    /// endpoint does not declare it and the client did not send it).
    pub per_page_echo: String,
}

impl PageRequest {
    /// Kaminari: a negative or non-numeric `per` keeps the default; above the maximum clamps.
    fn served_per_page(n: Option<i64>) -> usize {
        match n {
            Some(n) if n > 0 => n.min(MAX_PER_PAGE) as usize,
            _ => DEFAULT_PER_PAGE as usize,
        }
    }

    /// Endpoints that `use :pagination`: `page` and `per_page` are validated integers with
    /// defaults 1 and 20, and `per_page` may not be 0.
    pub fn declared(check: &mut Check<'_>) -> PageRequest {
        let page = check.integer("page").unwrap_or(1);
        let per_page = match check.integer("per_page") {
            Some(0) => {
                check.fail("per_page", crate::params::NOT_ALLOWED);
                DEFAULT_PER_PAGE
            }
            Some(n) => n,
            None => DEFAULT_PER_PAGE,
        };
        PageRequest {
            page: page.max(1) as usize,
            per_page: Self::served_per_page(Some(per_page)),
            per_page_echo: per_page.to_string(),
        }
    }

    /// Endpoints that paginate without declaring the parameters (the token lists): the raw
    /// strings reach Kaminari, which reads leading digits and ignores anything else.
    pub fn undeclared(params: &Params) -> PageRequest {
        let raw = |key: &str| params.string(key).ok().flatten();
        let leading = |s: &str| -> Option<i64> {
            let digits: String = s
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            digits.parse().ok()
        };
        let page = raw("page").as_deref().and_then(leading).unwrap_or(1);
        let per_page_raw = raw("per_page");
        PageRequest {
            page: page.max(1) as usize,
            per_page: Self::served_per_page(per_page_raw.as_deref().and_then(leading)),
            per_page_echo: per_page_raw.unwrap_or_default(),
        }
    }
}

/// One page of results plus the headers describing it.
pub struct Page<T> {
    pub items: Vec<T>,
    pub headers: Vec<(String, String)>,
}

/// Slices `all` and builds GitLab's pagination headers. `link_base` is the absolute URL of the
/// request without its query; `link_params` are the request's parameters as Grape holds them
/// (query plus route parameters such as `id`).
pub fn paginate<T>(
    all: Vec<T>,
    request: PageRequest,
    link_base: &str,
    link_params: &Params,
) -> Page<T> {
    let total = all.len();
    let per_page = request.per_page;
    let page = request.page;
    let total_pages = total.div_ceil(per_page).max(1);
    let out_of_range = page > total_pages;
    let next_page = (!out_of_range && page < total_pages).then_some(page + 1);
    let prev_page = (!out_of_range && page > 1).then_some(page - 1);
    let items: Vec<T> = all
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();

    let href = |p: usize| page_href(link_base, link_params, p, &request.per_page_echo);
    let mut links = Vec::new();
    if let Some(p) = prev_page {
        links.push(format!("<{}>; rel=\"prev\"", href(p)));
    }
    if let Some(p) = next_page {
        links.push(format!("<{}>; rel=\"next\"", href(p)));
    }
    links.push(format!("<{}>; rel=\"first\"", href(1)));
    links.push(format!("<{}>; rel=\"last\"", href(total_pages)));

    let show = |p: Option<usize>| p.map(|n| n.to_string()).unwrap_or_default();
    let headers = vec![
        ("X-Per-Page".to_owned(), per_page.to_string()),
        ("X-Page".to_owned(), page.to_string()),
        ("X-Next-Page".to_owned(), show(next_page)),
        ("X-Prev-Page".to_owned(), show(prev_page)),
        ("Link".to_owned(), links.join(", ")),
        ("X-Total".to_owned(), total.to_string()),
        ("X-Total-Pages".to_owned(), total_pages.to_string()),
    ];
    Page { items, headers }
}

/// Rails' `Hash#to_query`: `key=value` pairs (arrays as `key[]=v`), form-encoded, sorted.
fn page_href(base: &str, params: &Params, page: usize, per_page: &str) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let encode = |k: &str, v: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair(k, v)
            .finish()
    };
    for (key, value) in params.entries() {
        if key == "page" || key == "per_page" {
            continue;
        }
        match value {
            // Rails keeps an array's items in order as one unit; only whole keys are sorted.
            Value::Array(items) => pairs.push(
                items
                    .iter()
                    .map(|item| encode(&format!("{key}[]"), &scalar(item)))
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
            Value::Object(map) => {
                for (inner, item) in map {
                    pairs.push(encode(&format!("{key}[{inner}]"), &scalar(item)));
                }
            }
            Value::Null => {}
            other => pairs.push(encode(key, &scalar(other))),
        }
    }
    pairs.push(encode("page", &page.to_string()));
    pairs.push(encode("per_page", per_page));
    pairs.sort();
    format!("{base}?{}", pairs.join("&"))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(page: usize, per_page: i64) -> PageRequest {
        PageRequest {
            page,
            per_page: PageRequest::served_per_page(Some(per_page)),
            per_page_echo: per_page.to_string(),
        }
    }

    fn header<'a>(page: &'a Page<u32>, name: &str) -> &'a str {
        page.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap()
    }

    #[test]
    fn middle_page_links_both_ways() {
        let params = Params::from_query(Some("search=we b&page=2"));
        let page = paginate(
            (1..=45).collect(),
            request(2, 20),
            "http://h/api/v4/x",
            &params,
        );
        assert_eq!(page.items, (21..=40).collect::<Vec<_>>());
        assert_eq!(header(&page, "X-Next-Page"), "3");
        assert_eq!(header(&page, "X-Prev-Page"), "1");
        assert_eq!(header(&page, "X-Total-Pages"), "3");
        assert_eq!(
            header(&page, "Link"),
            "<http://h/api/v4/x?page=1&per_page=20&search=we+b>; rel=\"prev\", \
             <http://h/api/v4/x?page=3&per_page=20&search=we+b>; rel=\"next\", \
             <http://h/api/v4/x?page=1&per_page=20&search=we+b>; rel=\"first\", \
             <http://h/api/v4/x?page=3&per_page=20&search=we+b>; rel=\"last\""
        );
    }

    #[test]
    fn out_of_range_and_clamping() {
        let params = Params::default();
        let page = paginate((1..=5).collect(), request(9, 500), "http://h/x", &params);
        assert!(page.items.is_empty());
        assert_eq!(header(&page, "X-Per-Page"), "100");
        assert_eq!(header(&page, "X-Prev-Page"), "");
        assert_eq!(header(&page, "X-Next-Page"), "");
        let empty = paginate(Vec::<u32>::new(), request(1, 20), "http://h/x", &params);
        assert_eq!(header(&empty, "X-Total-Pages"), "1");
        assert_eq!(header(&empty, "X-Total"), "0");
    }
}
