//! Token kinds and the endpoints each may reach ([`may_reach`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::endpoint::{Captures, Endpoint, Method, Separators, find, segments};

/// The five token kinds of the ESPI API matrix, "ACUDR".
///
/// The letters are those of the API table of the Green Button Connect My Data
/// specification ("Appendix B: Data Custodian Connect My Data APIs", published by the
/// Green Button Alliance) and GBA's access-token page; the URIs each kind is bound to
/// are those OpenESPI's Data Custodian gives its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TokenKind {
    /// A: `access_token` from the authorization-code flow, bound to
    /// `.../Batch/Subscription/{subscriptionId}` (or, for customer data, to the
    /// `customerResourceURI` `.../Batch/RetailCustomer/{retailCustomerId}`).
    Access,
    /// C: `client_access_token` (client_credentials), for Bulk and the Third Party's
    /// Authorizations; bound to `.../resource/*` or `.../Batch/Bulk/**`.
    Client,
    /// U: `upload_access_token`, bound to `.../Batch/RetailCustomer/**/UsagePoint`.
    Upload,
    /// D: `datacustodian_access_token`, bound to `.../resource/` (everything).
    DataCustodian,
    /// R: `registration_access_token`, bound to
    /// `.../ApplicationInformation/{applicationInformationId}`.
    Registration,
}

impl TokenKind {
    /// Every kind, in the order of the letters "ACUDR".
    pub const ALL: [TokenKind; 5] = [
        TokenKind::Access,
        TokenKind::Client,
        TokenKind::Upload,
        TokenKind::DataCustodian,
        TokenKind::Registration,
    ];

    /// The letter of the API matrix.
    ///
    /// ```
    /// use espi_auth::TokenKind;
    /// let letters: String = TokenKind::ALL.iter().map(|kind| kind.letter()).collect();
    /// assert_eq!(letters, "ACUDR");
    /// ```
    pub fn letter(self) -> char {
        match self {
            TokenKind::Access => 'A',
            TokenKind::Client => 'C',
            TokenKind::Upload => 'U',
            TokenKind::DataCustodian => 'D',
            TokenKind::Registration => 'R',
        }
    }

    /// Whether a Third Party holds tokens of this kind (access, client, registration):
    /// the kinds whose reach the granted scope limits. The data custodian and upload
    /// tokens are the Data Custodian's own, issued by administrative action.
    pub fn is_third_party(self) -> bool {
        matches!(
            self,
            TokenKind::Access | TokenKind::Client | TokenKind::Registration
        )
    }

    /// The OAuth name of the token.
    pub fn oauth_name(self) -> &'static str {
        match self {
            TokenKind::Access => "access_token",
            TokenKind::Client => "client_access_token",
            TokenKind::Upload => "upload_access_token",
            TokenKind::DataCustodian => "datacustodian_access_token",
            TokenKind::Registration => "registration_access_token",
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.oauth_name())
    }
}

/// Why a token may not make a request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OutOfReach {
    /// The path has an empty, `.` or `..` segment; it is refused rather than normalised.
    #[error("malformed resource path {path:?}")]
    MalformedPath {
        /// The path as given.
        path: String,
    },
    /// The path matches no row of [`ENDPOINTS`](crate::ENDPOINTS).
    #[error("{path:?} is not an endpoint of the ESPI catalogue")]
    UnknownEndpoint {
        /// The path as given.
        path: String,
    },
    /// The endpoint exists but no token kind may use this method on it.
    #[error("{method} is not defined on {endpoint}")]
    MethodNotDefined {
        /// The method.
        method: Method,
        /// The catalogue row.
        endpoint: &'static str,
    },
    /// The endpoint and method exist but this kind of token may not use them.
    #[error("a {kind} may not {method} {endpoint}")]
    KindNotAllowed {
        /// The token kind.
        kind: TokenKind,
        /// The method.
        method: Method,
        /// The catalogue row.
        endpoint: &'static str,
    },
    /// The resource URI is not one a token of this kind is bound to ([`TokenKind`]).
    #[error("a {kind} cannot be bound to {bound:?}")]
    UnrecognizedBinding {
        /// The token kind.
        kind: TokenKind,
        /// The bound resource URI as given.
        bound: String,
    },
    /// The request names another resource than the one the token is bound to, e.g.
    /// subscription 6 with a token for subscription 5.
    #[error("a {kind} bound to {bound:?} cannot reach {placeholder} {requested:?}")]
    OutsideBinding {
        /// The token kind.
        kind: TokenKind,
        /// The id segment of the row, e.g. `subscriptionId`.
        placeholder: &'static str,
        /// The id requested.
        requested: String,
        /// The bound resource URI as given.
        bound: String,
    },
}

/// What a bound resource URI ([`TokenKind`]) restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding<'a> {
    /// `.../resource/`, `.../resource/*` or `.../resource/**`: everything.
    Everything,
    /// `Batch/Subscription/{id}`.
    Subscription(&'a str),
    /// `Batch/RetailCustomer/{id}` (a `customerResourceURI`).
    RetailCustomer(&'a str),
    /// `Batch/Bulk/{id}`, or any bulk for `Batch/Bulk`, `Batch/Bulk/*`, `Batch/Bulk/**`.
    Bulk(Option<&'a str>),
    /// `Batch/RetailCustomer/{id}/UsagePoint`, or any customer for `**` / `*`.
    Upload(Option<&'a str>),
    /// `ApplicationInformation/{id}`.
    ApplicationInformation(&'a str),
}

/// Whether a bound segment is a wildcard.
fn is_wildcard(segment: &str) -> bool {
    segment == "*" || segment == "**"
}

/// The binding a resource URI names, if it names one of [`TokenKind`]'s.
fn binding<'a>(segments: &[&'a str]) -> Option<Binding<'a>> {
    match segments {
        [] => Some(Binding::Everything),
        [any] if is_wildcard(any) => Some(Binding::Everything),
        ["Batch", "Subscription", id] if !is_wildcard(id) => Some(Binding::Subscription(id)),
        ["Batch", "RetailCustomer", id] if !is_wildcard(id) => Some(Binding::RetailCustomer(id)),
        ["Batch", "Bulk"] => Some(Binding::Bulk(None)),
        ["Batch", "Bulk", any] if is_wildcard(any) => Some(Binding::Bulk(None)),
        ["Batch", "Bulk", id] => Some(Binding::Bulk(Some(id))),
        ["Batch", "RetailCustomer", any, "UsagePoint"] if is_wildcard(any) => {
            Some(Binding::Upload(None))
        }
        ["Batch", "RetailCustomer", id, "UsagePoint"] => Some(Binding::Upload(Some(id))),
        ["ApplicationInformation", id] if !is_wildcard(id) => {
            Some(Binding::ApplicationInformation(id))
        }
        _ => None,
    }
}

/// Whether a token of `kind` may carry `binding` ([`TokenKind`]).
fn binding_fits(kind: TokenKind, binding: Binding<'_>) -> bool {
    match kind {
        TokenKind::Access => matches!(
            binding,
            Binding::Subscription(_) | Binding::RetailCustomer(_)
        ),
        TokenKind::Client => matches!(binding, Binding::Everything | Binding::Bulk(_)),
        TokenKind::Upload => matches!(binding, Binding::Everything | Binding::Upload(_)),
        TokenKind::DataCustodian => binding == Binding::Everything,
        TokenKind::Registration => matches!(binding, Binding::ApplicationInformation(_)),
    }
}

/// Whether a token of `kind`, bound to the resource URI `bound`, may make the request
/// `method path`.
///
/// `path` is relative to `.../espi/1_1/resource` (a full URL is cut after that prefix;
/// query and fragment are ignored). `bound` is the resource URI the token was issued
/// for: for an access token the Authorization's `resourceURI` (or
/// `customerResourceURI`), for a registration token its ApplicationInformation URI,
/// for data-custodian, client and upload tokens `.../resource/` or the narrower URIs of
/// [`TokenKind`].
///
/// Rules, in order: the path must be a catalogue row; some kind must be allowed the
/// method there; `kind` must be one of them; `bound` must be a URI a token of `kind`
/// is bound to; and every id of the request the binding fixes must equal the bound
/// one. An access token bound to a subscription reaches that subscription's rows and
/// the shared `LocalTimeParameters` and `ReadingType` rows; one bound to a
/// `customerResourceURI` reaches that RetailCustomer's rows.
///
/// ```
/// use espi_auth::{may_reach, TokenKind};
/// use espi_auth::Method;
///
/// let app = "https://example.com/DataCustodian/espi/1_1/resource/ApplicationInformation/3";
/// assert!(may_reach(TokenKind::Registration, Method::Put, "ApplicationInformation/3", app).is_ok());
/// assert!(may_reach(TokenKind::Registration, Method::Get, "ApplicationInformation/4", app).is_err());
/// ```
///
/// The answer comes from two sources:
///
/// - the token columns of the endpoint catalogue, [`ENDPOINTS`](crate::ENDPOINTS):
///   which kinds may use which method on which path;
/// - the resource URI the token is bound to ([`TokenKind`]): an access token reaches only its
///   own subscription (or, for a `customerResourceURI`, its own RetailCustomer), a
///   registration token only its own ApplicationInformation, a client token bound to
///   one Bulk only that bulk, an upload token bound to one RetailCustomer only that
///   customer's upload path.
///
/// What a Third Party's scope must grant to reach a row is decided from the row's
/// [`Serves`](crate::Serves) column ([`crate::decide`]), not here.
///
/// Ids are compared as opaque strings, as written. Paths outside the catalogue are
/// denied for every kind, the data custodian's included: the catalogue is what this
/// function knows. An encoded `/`, `\\` or `.` in a path is refused rather than
/// decoded: some servers decode before routing, and the check would then judge
/// another path than the one served.
///
/// ```
/// use espi_auth::{may_reach, OutOfReach, TokenKind};
/// use espi_auth::Method;
///
/// let bound = "https://example.com/DataCustodian/espi/1_1/resource/Batch/Subscription/5";
/// assert!(may_reach(TokenKind::Access, Method::Get, "/Batch/Subscription/5", bound).is_ok());
/// assert!(matches!(
///     may_reach(TokenKind::Access, Method::Get, "/Batch/Subscription/6", bound),
///     Err(OutOfReach::OutsideBinding { .. })
/// ));
/// ```
pub fn may_reach(
    kind: TokenKind,
    method: Method,
    path: &str,
    bound: &str,
) -> Result<(), OutOfReach> {
    reach(kind, method, path, bound).map(|_| ())
}

/// [`may_reach`], returning the row the path matched and its ids (as written).
pub(crate) fn reach<'p>(
    kind: TokenKind,
    method: Method,
    path: &'p str,
    bound: &str,
) -> Result<(&'static Endpoint, Captures<'p>), OutOfReach> {
    let request_segments =
        segments(path, Separators::Refused).ok_or_else(|| OutOfReach::MalformedPath {
            path: path.to_owned(),
        })?;
    let (endpoint, captures) =
        find(&request_segments).ok_or_else(|| OutOfReach::UnknownEndpoint {
            path: path.to_owned(),
        })?;
    let kinds = endpoint.kinds(method);
    if kinds.is_empty() {
        return Err(OutOfReach::MethodNotDefined {
            method,
            endpoint: endpoint.path,
        });
    }
    if !kinds.contains(&kind) {
        return Err(OutOfReach::KindNotAllowed {
            kind,
            method,
            endpoint: endpoint.path,
        });
    }
    let unrecognized = || OutOfReach::UnrecognizedBinding {
        kind,
        bound: bound.to_owned(),
    };
    let bound_segments = segments(bound, Separators::Refused).ok_or_else(unrecognized)?;
    let binding = binding(&bound_segments)
        .filter(|binding| binding_fits(kind, *binding))
        .ok_or_else(unrecognized)?;
    check_ids(kind, binding, &captures, bound)?;
    Ok((endpoint, captures))
}

/// Checks the ids of a request against what the binding fixes.
fn check_ids(
    kind: TokenKind,
    binding: Binding<'_>,
    captures: &[(&'static str, &str)],
    bound: &str,
) -> Result<(), OutOfReach> {
    let id_of = |name: &str| {
        captures
            .iter()
            .find(|(placeholder, _)| *placeholder == name)
            .map(|(_, id)| *id)
    };
    let outside = |placeholder: &'static str, requested: &str| OutOfReach::OutsideBinding {
        kind,
        placeholder,
        requested: requested.to_owned(),
        bound: bound.to_owned(),
    };
    // Each binding fixes one id; (placeholder, bound id, whether a request without
    // that id is still inside the binding).
    let (placeholder, fixed, without_id_allowed) = match binding {
        Binding::Everything | Binding::Bulk(None) | Binding::Upload(None) => return Ok(()),
        // Shared, non-customer rows (LocalTimeParameters, ReadingType) are part of
        // every subscription's data.
        Binding::Subscription(id) => ("subscriptionId", id, true),
        Binding::RetailCustomer(id) => ("retailCustomerId", id, false),
        // A client token bound to one bulk still reaches the Authorization rows.
        Binding::Bulk(Some(id)) => ("bulkId", id, true),
        Binding::Upload(Some(id)) => ("retailCustomerId", id, false),
        Binding::ApplicationInformation(id) => ("applicationInformationId", id, false),
    };
    match id_of(placeholder) {
        Some(requested) if requested == fixed => {}
        Some(requested) => return Err(outside(placeholder, requested)),
        None if without_id_allowed => {}
        None => return Err(outside(placeholder, "")),
    }
    // An access token for a subscription never reaches a customer's PII rows, nor one
    // for a customer the subscription rows; the kind columns alone cannot say that.
    if let Binding::Subscription(_) = binding
        && let Some(requested) = id_of("retailCustomerId")
    {
        return Err(outside("retailCustomerId", requested));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
