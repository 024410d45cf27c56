//! The query parameters of the resource GETs (Function Block 37) on request
//! URLs: espi-auth's [`Query`] written into a URL and read back from one.
//!
//! Date-times are sent as `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds: PG&E accepts
//! nothing else); a URL's own parameters (a notification's, a next page's) are read
//! with [`QuerySyntax::Lenient`].

use espi_auth::{Query, QuerySyntax};
use url::Url;

/// Adds the parameters of `query` to `url`, replacing any of the same names already
/// there.
pub(crate) fn apply(query: &Query, url: &mut Url) {
    let pairs = query.pairs();
    if pairs.is_empty() {
        return;
    }
    let names: Vec<&str> = pairs.iter().map(|(name, _)| *name).collect();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !names.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let mut text = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &kept {
        text.append_pair(name, value);
    }
    let mut text = text.finish();
    // Our values are digits, `-`, `:`, `T` and `Z`, all allowed in a query
    // (RFC 3986 §3.4): sent as they are, so that `published-min` reads
    // `2013-12-01T00:00:00Z` on the wire and not `2013-12-01T00%3A00%3A00Z`.
    for (name, value) in &pairs {
        if !text.is_empty() {
            text.push('&');
        }
        text.push_str(name);
        text.push('=');
        text.push_str(value);
    }
    url.set_query(Some(&text));
}

/// The [`Query`](espi_auth::Query) parameters of a URL's query (the rest are ignored); `None` when one of
/// them is malformed.
pub(crate) fn of_url(url: &Url) -> Option<Query> {
    Query::parse(url.query().unwrap_or_default(), QuerySyntax::Lenient).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_replaces_and_keeps_other_parameters() {
        let mut url = Url::parse("https://dc.example/r?start-index=5&x=y%20z").expect("url");
        apply(&Query::new().start_index(11), &mut url);
        assert_eq!(url.query(), Some("x=y+z&start-index=11"));
        apply(&Query::new().published_between(0, 60), &mut url);
        assert_eq!(
            url.query(),
            Some(
                "x=y+z&start-index=11&published-min=1970-01-01T00:00:00Z&published-max=1970-01-01T00:01:00Z"
            )
        );
        let back = of_url(&url).expect("parses");
        assert_eq!(back.start_index, Some(11));
        let bad = Url::parse("https://dc.example/r?max-results=many").expect("url");
        assert_eq!(of_url(&bad), None);
    }
}
