//! Which component serves a request path: the manifest's routes, longest
//! prefix first. Below the manifest, which parses its routes with
//! [`RoutePattern`]; imports nothing of the host.

use std::fmt;

/// A component's route, as written in the manifest: `/x` serves exactly `/x`;
/// `/x/...` serves `/x` and every path below it; `/...` serves everything.
/// Components see the original request path either way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoutePattern {
    /// The path without the trailing `/...`; empty for `/...`.
    prefix: String,
    wildcard: bool,
}

impl RoutePattern {
    /// Parses a route; the error says what is wrong.
    pub fn parse(route: &str) -> Result<RoutePattern, String> {
        if !route.starts_with('/') {
            return Err(format!("{route:?} must start with '/'"));
        }
        let (prefix, wildcard) = match route.strip_suffix("/...") {
            Some(prefix) => (prefix, true),
            None => (route, false),
        };
        if prefix.contains("...") {
            return Err(format!(
                "{route:?}: '...' may only end a route, as in \"/items/...\""
            ));
        }
        if prefix
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#')
        {
            return Err(format!("{route:?} is not a path"));
        }
        let prefix = if wildcard || prefix == "/" {
            prefix.trim_end_matches('/')
        } else {
            prefix
        };
        Ok(RoutePattern {
            prefix: prefix.to_owned(),
            wildcard,
        })
    }

    /// `/...`: every path.
    pub fn everything() -> RoutePattern {
        RoutePattern {
            prefix: String::new(),
            wildcard: true,
        }
    }

    fn matches(&self, path: &str) -> bool {
        if self.wildcard {
            path == self.prefix
                || path
                    .strip_prefix(&self.prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        } else {
            path == self.prefix || (self.prefix.is_empty() && path == "/")
        }
    }

    /// Orders matches: a longer prefix wins, and an exact route wins over a
    /// wildcard of the same prefix.
    fn specificity(&self) -> (usize, bool) {
        (self.prefix.len(), !self.wildcard)
    }
}

impl fmt::Display for RoutePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.wildcard, self.prefix.is_empty()) {
            (true, _) => write!(f, "{}/...", self.prefix),
            (false, true) => f.write_str("/"),
            (false, false) => f.write_str(&self.prefix),
        }
    }
}

/// What serves each route, found by request path.
#[derive(Debug, Clone)]
pub struct RouteTable<T> {
    routes: Vec<(RoutePattern, T)>,
}

impl<T> RouteTable<T> {
    /// A table of routes and what serves each.
    pub fn new(routes: impl IntoIterator<Item = (RoutePattern, T)>) -> RouteTable<T> {
        RouteTable {
            routes: routes.into_iter().collect(),
        }
    }

    /// What serves `path`, if anything: the most specific route that matches
    /// it.
    pub fn find(&self, path: &str) -> Option<&T> {
        self.routes
            .iter()
            .filter(|(route, _)| route.matches(path))
            .max_by_key(|(route, _)| route.specificity())
            .map(|(_, served_by)| served_by)
    }

    /// What serves each route, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.routes.iter_mut().map(|(_, served_by)| served_by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(routes: &[&str]) -> RouteTable<usize> {
        RouteTable::new(
            routes
                .iter()
                .map(|r| RoutePattern::parse(r).expect("valid route"))
                .zip(0..),
        )
    }

    #[test]
    fn longest_prefix_wins() {
        let t = table(&["/...", "/items/...", "/items/special/...", "/hello"]);
        assert_eq!(t.find("/"), Some(&0));
        assert_eq!(t.find("/other"), Some(&0));
        assert_eq!(t.find("/items"), Some(&1));
        assert_eq!(t.find("/items/5"), Some(&1));
        assert_eq!(t.find("/items/special/5"), Some(&2));
        assert_eq!(t.find("/hello"), Some(&3));
        assert_eq!(t.find("/hello/x"), Some(&0));
    }

    #[test]
    fn prefixes_end_at_segment_boundaries() {
        let t = table(&["/hello/...", "/exact"]);
        assert_eq!(t.find("/helloworld"), None);
        assert_eq!(t.find("/hello/"), Some(&0));
        assert_eq!(t.find("/exact/"), None);
        assert_eq!(t.find("/exactly"), None);
    }

    #[test]
    fn exact_beats_wildcard_of_the_same_path() {
        let t = table(&["/items/...", "/items"]);
        assert_eq!(t.find("/items"), Some(&1));
        assert_eq!(t.find("/items/1"), Some(&0));
    }

    #[test]
    fn bad_routes_are_explained() {
        assert!(RoutePattern::parse("items").is_err());
        assert!(RoutePattern::parse("/a/.../b").is_err());
        assert!(RoutePattern::parse("/a b").is_err());
        assert_eq!(
            RoutePattern::parse("/...").map(|r| r.to_string()),
            Ok("/...".into())
        );
        assert_eq!(
            RoutePattern::parse("/").map(|r| r.to_string()),
            Ok("/".into())
        );
        assert_eq!(
            RoutePattern::parse("/x/...").map(|r| r.to_string()),
            Ok("/x/...".into())
        );
    }
}
