//! [`Router`]: which of a set of method and template pairs serves a request.

use http::Method;

use super::template::{Rank, Template, TemplateError};

/// Method and template pairs, each with a value of the caller's (the SDK's
/// handler, the host's operation), matched against requests the one way
/// both sides use.
#[derive(Debug, Clone)]
pub struct Router<T> {
    routes: Vec<Route<T>>,
}

#[derive(Debug, Clone)]
struct Route<T> {
    method: Method,
    template: Template,
    value: T,
}

/// What serves a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Match<'r, T> {
    /// This route, with the path parameters' decoded values in template order.
    Found {
        /// The route's value.
        route: &'r T,
        /// Parameter names and values.
        params: Vec<(&'r str, String)>,
    },
    /// The path has routes, none for this method: the methods it has, and
    /// their routes.
    MethodNotAllowed {
        /// The routes of the best-ranked templates that match the path.
        allowed: Vec<(&'r Method, &'r T)>,
    },
    /// No template matches the path, but the path with its trailing slash
    /// the other way round matches one, of any method: FastAPI (Starlette's
    /// `redirect_slashes`) answers `307` to it (see
    /// [`redirect::slash_location`](crate::redirect::slash_location)).
    RedirectSlash {
        /// The path with its trailing slash toggled.
        path: String,
    },
    /// No template matches the path, nor the path with its trailing slash
    /// toggled.
    NotFound,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router { routes: Vec::new() }
    }
}

impl<T> Router<T> {
    /// A router with no routes.
    pub fn new() -> Router<T> {
        Router::default()
    }

    /// Adds a route. A template that does not parse, or a method with a
    /// template of the same shape as one added before (`/a/{id}` and
    /// `/a/{name}` are the same shape), is refused: no two routes may claim
    /// the same request.
    pub fn add(&mut self, method: Method, template: &str, value: T) -> Result<(), TemplateError> {
        let template = Template::parse(template)?;
        if let Some(existing) = self
            .routes
            .iter()
            .find(|route| route.method == method && route.template.same_shape(&template))
        {
            return Err(TemplateError::duplicate(
                &method,
                &template,
                &existing.template,
            ));
        }
        self.routes.push(Route {
            method,
            template,
            value,
        });
        Ok(())
    }

    /// The routes in the order they were added.
    pub fn routes(&self) -> impl Iterator<Item = (&Method, &Template, &T)> {
        self.routes
            .iter()
            .map(|route| (&route.method, &route.template, &route.value))
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// The route for `method` and `path` (the path alone, no query): among
    /// the templates of the method that match, the best-ranked one; for
    /// `HEAD`, those of `GET` if `HEAD` has none.
    pub fn find(&self, method: &Method, path: &str) -> Match<'_, T> {
        let segments = super::segments(path);
        let best_for = |method: &Method| {
            self.routes
                .iter()
                .filter(|route| route.method == *method)
                .filter_map(|route| Some((route.template.rank(&segments)?, route)))
                .max_by(|(a, _), (b, _)| a.cmp(b))
                .map(|(_, route)| route)
        };
        let found = best_for(method).or_else(|| {
            (*method == Method::HEAD)
                .then(|| best_for(&Method::GET))
                .flatten()
        });
        if let Some(route) = found {
            return Match::Found {
                route: &route.value,
                params: route.template.values(&segments),
            };
        }
        let mut best: Option<(Rank, Vec<(&Method, &T)>)> = None;
        for route in &self.routes {
            let Some(rank) = route.template.rank(&segments) else {
                continue;
            };
            match &mut best {
                Some((best_rank, allowed)) if *best_rank == rank => {
                    allowed.push((&route.method, &route.value))
                }
                Some((best_rank, _)) if *best_rank > rank => {}
                _ => best = Some((rank, vec![(&route.method, &route.value)])),
            }
        }
        match best {
            Some((_, allowed)) => Match::MethodNotAllowed { allowed },
            None => match self.slash_toggled(path) {
                Some(path) => Match::RedirectSlash { path },
                None => Match::NotFound,
            },
        }
    }

    /// `path` with its trailing slash toggled (`/a` → `/a/`, `/a//` → `/a`),
    /// if a route of any method matches that; never for `/`.
    fn slash_toggled(&self, path: &str) -> Option<String> {
        let toggled = match path.trim_end_matches('/') {
            "" => return None,
            trimmed if trimmed.len() < path.len() => trimmed.to_owned(),
            _ => format!("{path}/"),
        };
        let segments = super::segments(&toggled);
        self.routes
            .iter()
            .any(|route| route.template.rank(&segments).is_some())
            .then_some(toggled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(Method, &str)]) -> Router<usize> {
        let mut router = Router::new();
        for (index, (method, template)) in routes.iter().enumerate() {
            router
                .add(method.clone(), template, index)
                .expect("valid template");
        }
        router
    }

    fn found(route: usize, params: &[(&'static str, &str)]) -> Match<'static, usize> {
        Match::Found {
            route: Box::leak(Box::new(route)),
            params: params.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        let r = router(&[
            (Method::GET, "/items/{id}"),
            (Method::GET, "/items/me"),
            (Method::GET, "/items/{id}/tags/{tag}"),
            (Method::GET, "/items/me/tags/{tag}"),
        ]);
        assert_eq!(r.find(&Method::GET, "/items/me"), found(1, &[]));
        assert_eq!(r.find(&Method::GET, "/items/7"), found(0, &[("id", "7")]));
        assert_eq!(
            r.find(&Method::GET, "/items/me/tags/x"),
            found(3, &[("tag", "x")])
        );
        assert_eq!(
            r.find(&Method::GET, "/items/7/tags/x"),
            found(2, &[("id", "7"), ("tag", "x")])
        );
        assert_eq!(r.find(&Method::GET, "/items/%6De"), found(1, &[]));
    }

    #[test]
    fn a_route_with_the_method_wins_over_a_more_literal_one_without() {
        let r = router(&[
            (Method::GET, "/items/{id}"),
            (Method::POST, "/items/special"),
        ]);
        assert_eq!(
            r.find(&Method::GET, "/items/special"),
            found(0, &[("id", "special")])
        );
    }

    #[test]
    fn head_falls_back_to_get() {
        let r = router(&[(Method::GET, "/a/{id}"), (Method::HEAD, "/a/me")]);
        assert_eq!(r.find(&Method::HEAD, "/a/me"), found(1, &[]));
        assert_eq!(r.find(&Method::HEAD, "/a/1"), found(0, &[("id", "1")]));
        assert!(matches!(
            r.find(&Method::GET, "/a/me"),
            Match::Found { route: 0, .. }
        ));
    }

    #[test]
    fn another_method_lists_the_allowed_ones() {
        let r = router(&[(Method::GET, "/items/{id}"), (Method::PUT, "/items/{id}")]);
        let Match::MethodNotAllowed { allowed } = r.find(&Method::DELETE, "/items/5") else {
            panic!("405 expected");
        };
        assert_eq!(
            allowed
                .iter()
                .map(|(m, _)| (*m).clone())
                .collect::<Vec<_>>(),
            [Method::GET, Method::PUT]
        );
        let lower = Method::from_bytes(b"get").expect("a method");
        assert!(matches!(
            r.find(&lower, "/items/5"),
            Match::MethodNotAllowed { .. }
        ));
    }

    #[test]
    fn a_path_with_its_trailing_slash_toggled_is_a_redirect() {
        let r = router(&[
            (Method::GET, "/catalog/"),
            (Method::POST, "/items"),
            (Method::GET, "/"),
        ]);
        let redirect = |path: &str| Match::RedirectSlash {
            path: path.to_owned(),
        };
        assert_eq!(r.find(&Method::GET, "/catalog"), redirect("/catalog/"));
        // Whatever the method: the redirect's target decides the answer.
        assert_eq!(r.find(&Method::POST, "/catalog"), redirect("/catalog/"));
        assert_eq!(r.find(&Method::GET, "/items/"), redirect("/items"));
        assert_eq!(r.find(&Method::GET, "/items///"), redirect("/items"));
        assert_eq!(r.find(&Method::GET, "/catalog//"), Match::NotFound);
        assert_eq!(r.find(&Method::GET, "//"), Match::NotFound);
        assert_eq!(r.find(&Method::GET, "/other"), Match::NotFound);
        // A path a route matches is that route's, whatever the method.
        assert!(matches!(
            r.find(&Method::GET, "/items"),
            Match::MethodNotAllowed { .. }
        ));
    }

    #[test]
    fn nothing_is_normalised() {
        let r = router(&[(Method::GET, "/items/{id}")]);
        for path in [
            "/items",
            "/items/",
            "//items/5",
            "/items//5",
            "/Items/5",
            "/items/./5",
            "/items%2F5",
            "/items;x/5",
        ] {
            assert_eq!(r.find(&Method::GET, path), Match::NotFound, "{path}");
        }
        assert_eq!(
            r.find(&Method::GET, "/items/5;x"),
            found(0, &[("id", "5;x")])
        );
        assert_eq!(r.find(&Method::GET, "/items/.."), found(0, &[("id", "..")]));
        assert_eq!(
            r.find(&Method::GET, "/items/a%2Fb"),
            found(0, &[("id", "a/b")])
        );
    }

    #[test]
    fn the_root_and_duplicates() {
        let r = router(&[(Method::GET, "/")]);
        assert_eq!(r.find(&Method::GET, "/"), found(0, &[]));
        assert_eq!(r.find(&Method::GET, ""), found(0, &[]));
        let mut r = router(&[(Method::GET, "/a/{b}")]);
        let error = r.add(Method::GET, "/a/{c}", 1).expect_err("same shape");
        assert!(
            error
                .to_string()
                .contains("matches the same paths as GET /a/{b}")
        );
        assert!(r.add(Method::GET, "/a/{b}", 1).is_err());
        assert!(r.add(Method::POST, "/a/{c}", 1).is_ok());
    }
}
