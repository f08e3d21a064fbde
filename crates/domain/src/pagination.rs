//! Offset pagination from GitLab's headers (`X-Page`, `X-Next-Page`, `X-Total`, `Link`).
//!
//! GitLab omits `X-Total`/`X-Total-Pages` for very large lists and proxies may drop headers, so
//! when nothing tells us, a page shorter than requested is taken to be the last.

/// Where a list page sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PageInfo {
    pub page: u32,
    pub per_page: u32,
    pub next_page: Option<u32>,
    pub prev_page: Option<u32>,
    pub total: Option<u64>,
    pub total_pages: Option<u32>,
}

fn number<T: std::str::FromStr>(v: Option<String>) -> Option<T> {
    v.and_then(|s| s.trim().parse().ok())
}

/// The `page` parameter of the `Link` entry with the given `rel`.
fn link_page(link: &str, rel: &str) -> Option<u32> {
    link.split(',').find_map(|entry| {
        let (url, params) = entry.split_once(';')?;
        let wanted = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == format!("rel=\"{rel}\""));
        if !wanted {
            return None;
        }
        let url = url.trim().trim_start_matches('<').trim_end_matches('>');
        let query = url.split_once('?')?.1;
        query.split('&').find_map(|kv| match kv.split_once('=') {
            Some(("page", v)) => v.parse().ok(),
            _ => None,
        })
    })
}

impl PageInfo {
    /// `header` looks a response header up by (case-insensitive) name; `requested` is the page
    /// and size asked for; `count` the number of items received.
    pub fn from_headers(
        header: impl Fn(&str) -> Option<String>,
        requested_page: u32,
        requested_per_page: u32,
        count: usize,
    ) -> PageInfo {
        let page = number(header("x-page")).unwrap_or(requested_page.max(1));
        let per_page = number(header("x-per-page")).unwrap_or(requested_per_page);
        let link = header("link").unwrap_or_default();
        let total = number(header("x-total"));
        let total_pages = number(header("x-total-pages"));
        // An empty X-Next-Page means "no next page"; a missing one means "unknown".
        let next_page = match header("x-next-page") {
            Some(v) => v.trim().parse().ok(),
            None => link_page(&link, "next").or_else(|| {
                if link.is_empty()
                    && total_pages.is_none()
                    && count >= per_page as usize
                    && count > 0
                {
                    Some(page + 1)
                } else {
                    total_pages.filter(|t| page < *t).map(|_| page + 1)
                }
            }),
        };
        let prev_page = match header("x-prev-page") {
            Some(v) => v.trim().parse().ok(),
            None => link_page(&link, "prev").or(if page > 1 { Some(page - 1) } else { None }),
        };
        // Headers that point back at this page or behind it (a proxy's mix-up, a list that
        // shifted) would send a client in circles: they mean "no such page".
        let next_page = next_page.filter(|n| *n > page);
        let prev_page = prev_page.filter(|p| *p < page && *p > 0);
        PageInfo {
            page,
            per_page,
            next_page,
            prev_page,
            total,
            total_pages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn headers(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect();
        move |k| map.get(&k.to_ascii_lowercase()).cloned()
    }

    #[test]
    fn pages_that_point_backwards_are_no_pages() {
        let info = PageInfo::from_headers(
            headers(&[("X-Page", "3"), ("X-Next-Page", "3"), ("X-Prev-Page", "7")]),
            3,
            20,
            20,
        );
        assert_eq!((info.next_page, info.prev_page), (None, None));
    }

    #[test]
    fn reads_gitlab_x_headers() {
        let h = headers(&[
            ("X-Page", "2"),
            ("X-Per-Page", "20"),
            ("X-Next-Page", "3"),
            ("X-Prev-Page", "1"),
            ("X-Total", "45"),
            ("X-Total-Pages", "3"),
        ]);
        let p = PageInfo::from_headers(h, 2, 20, 20);
        assert_eq!(
            p,
            PageInfo {
                page: 2,
                per_page: 20,
                next_page: Some(3),
                prev_page: Some(1),
                total: Some(45),
                total_pages: Some(3)
            }
        );
        let last = PageInfo::from_headers(
            headers(&[("X-Page", "3"), ("X-Next-Page", ""), ("X-Prev-Page", "2")]),
            3,
            20,
            5,
        );
        assert_eq!(last.next_page, None);
    }

    #[test]
    fn falls_back_to_link_header() {
        let link = r#"<https://gl.example/api/v4/projects?membership=true&page=3&per_page=2>; rel="next", <https://gl.example/api/v4/projects?page=1&per_page=2>; rel="first""#;
        let p = PageInfo::from_headers(headers(&[("Link", link)]), 2, 2, 2);
        assert_eq!(p.next_page, Some(3));
        assert_eq!(p.prev_page, Some(1));
        let p = PageInfo::from_headers(
            headers(&[("Link", r#"<https://x/?page=1>; rel="first""#)]),
            4,
            2,
            2,
        );
        assert_eq!(p.next_page, None);
    }

    #[test]
    fn without_headers_a_short_page_is_the_last() {
        let none = headers(&[]);
        assert_eq!(PageInfo::from_headers(&none, 1, 20, 20).next_page, Some(2));
        assert_eq!(PageInfo::from_headers(&none, 1, 20, 19).next_page, None);
        assert_eq!(PageInfo::from_headers(&none, 1, 20, 0).next_page, None);
        assert_eq!(
            PageInfo::from_headers(headers(&[("X-Page", "nonsense")]), 1, 20, 3).page,
            1
        );
    }
}
