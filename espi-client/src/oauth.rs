//! OAuth 2.0 as ESPI uses it (see [`AuthorizationRequest`] for the flow).

use crate::error::{CallbackError, Error, Result};
use crate::http::Transport;
use crate::secret::Secret;
use crate::token::{Grant, GrantedScope, TokenSet};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use url::Url;

/// The ESPI members of a token response: the URIs espi.xsd's `Authorization` carries,
/// as GBA's token-response examples and OpenESPI's Data Custodian send them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EspiTokenFields {
    #[serde(rename = "resourceURI", default)]
    resource_uri: Option<String>,
    #[serde(rename = "authorizationURI", default)]
    authorization_uri: Option<String>,
    #[serde(rename = "customerResourceURI", default)]
    customer_resource_uri: Option<String>,
}

impl ExtraTokenFields for EspiTokenFields {}

/// A boxed `Send` future (see [`TokenHttp`]).
type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

type EspiTokenResponse = StandardTokenResponse<EspiTokenFields, BasicTokenType>;

type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    EspiTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An authorization request: where to send the customer, and what to keep until the
/// callback.
///
/// OAuth 2.0 as ESPI uses it (RFC 6749, client_secret_basic as espi.xsd's
/// `TokenEndPointMethod` names, and the ESPI members of the token response that
/// [`TokenSet`] keeps) is the authorization request, the
/// callback check, and the token requests (code exchange, refresh,
/// client_credentials) with client_secret_basic and the ESPI token fields.
///
/// The protocol mechanics come from the `oauth2` crate (PKCE S256, `state`, request
/// encoding, RFC 6749 responses and errors); every request it makes goes through this
/// crate's transport ([`check_url`](crate::check_url)): retries, mutual TLS, timeouts, and no
/// redirects from the token endpoint.
///
/// Token requests are retried like resource requests (connection failures, 429,
/// 5xx, within the [`RetryPolicy`](crate::RetryPolicy)). A code exchange whose answer
/// was lost on the way back then fails with `invalid_grant`, since a code is
/// single-use: start the authorization again.
///
/// The flow, as a web application runs it:
///
/// 1. [`Client::authorization_request`](crate::Client::authorization_request) gives
///    the URL to send the customer to and a [`PendingAuthorization`] to keep (in the
///    customer's session) until the callback.
/// 2. The Data Custodian redirects the browser to the redirect URI;
///    [`PendingAuthorization::check_callback`] checks `state` and returns the code, or
///    the Data Custodian's error as [`CallbackError::Refused`].
/// 3. [`Client::exchange_code`](crate::Client::exchange_code) trades the code for a
///    [`TokenSet`], stored under its authorization URI.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// The authorization endpoint URL with `response_type=code`, `client_id`,
    /// `redirect_uri`, `scope`, `state` and, with PKCE, `code_challenge` and
    /// `code_challenge_method=S256`.
    pub url: Url,
    /// What the callback check and the code exchange need.
    pub pending: PendingAuthorization,
}

/// The state of an authorization request between the redirect to the Data Custodian
/// and the callback: `state`, the PKCE verifier, the redirect URI and the scope.
/// `Debug` shows neither the state nor the verifier.
///
/// A web application that keeps it elsewhere between requests rebuilds it with
/// [`PendingAuthorization::restore`].
#[derive(Debug, Clone)]
pub struct PendingAuthorization {
    state: Secret,
    pkce_verifier: Option<Secret>,
    redirect_uri: Option<Url>,
    scope: String,
}

impl PendingAuthorization {
    /// Rebuilds a pending authorization from its parts.
    pub fn restore(
        state: Secret,
        pkce_verifier: Option<Secret>,
        redirect_uri: Option<Url>,
        scope: impl Into<String>,
    ) -> PendingAuthorization {
        PendingAuthorization {
            state,
            pkce_verifier,
            redirect_uri,
            scope: scope.into(),
        }
    }

    /// The `state` sent.
    pub fn state(&self) -> &Secret {
        &self.state
    }

    /// The PKCE code verifier, when PKCE is used.
    pub fn pkce_verifier(&self) -> Option<&Secret> {
        self.pkce_verifier.as_ref()
    }

    /// The redirect URI sent.
    pub fn redirect_uri(&self) -> Option<&Url> {
        self.redirect_uri.as_ref()
    }

    /// The scope requested.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Checks the callback (the redirect URI as the browser arrived at it, or just its
    /// query string) and returns the authorization code.
    ///
    /// In order: every parameter appears once (RFC 6749 §3.1); `state` is present and
    /// equal to the one sent (else the callback may be forged, and nothing else in it
    /// is believed); an `error` is returned as [`CallbackError::Refused`] with its
    /// description; otherwise the `code`.
    ///
    /// ```
    /// use espi_client::{CallbackError, PendingAuthorization, Secret};
    /// let pending = PendingAuthorization::restore(Secret::new("xyz"), None, None, "FB=4_5");
    /// let code = pending.check_callback("https://tp.example/cb?code=abc&state=xyz")?;
    /// assert_eq!(code.expose(), "abc");
    /// assert!(matches!(
    ///     pending.check_callback("?code=abc&state=evil"),
    ///     Err(CallbackError::StateMismatch)
    /// ));
    /// let denied = pending.check_callback("error=access_denied&error_description=no&state=xyz");
    /// assert!(matches!(denied, Err(CallbackError::Refused { error, .. }) if error == "access_denied"));
    /// # Ok::<(), CallbackError>(())
    /// ```
    pub fn check_callback(&self, callback: &str) -> Result<Secret, CallbackError> {
        let query = callback_query(callback)?;
        let mut parameters: Vec<(String, String)> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if parameters.iter().any(|(seen, _)| *seen == name) {
                return Err(CallbackError::RepeatedParameter(name.into_owned()));
            }
            parameters.push((name.into_owned(), value.into_owned()));
        }
        let get = |name: &str| {
            parameters
                .iter()
                .find(|(key, value)| key == name && !value.is_empty())
                .map(|(_, value)| value.clone())
        };
        let state = get("state").ok_or(CallbackError::MissingState)?;
        if !self.state.matches(&state) {
            return Err(CallbackError::StateMismatch);
        }
        if let Some(error) = get("error") {
            return Err(CallbackError::Refused {
                error,
                description: get("error_description"),
                uri: get("error_uri"),
            });
        }
        get("code")
            .map(Secret::new)
            .ok_or(CallbackError::MissingCode)
    }
}

/// The query string of a callback given as a URL, a `?query` or a bare query.
fn callback_query(callback: &str) -> Result<String, CallbackError> {
    let callback = callback.trim();
    if callback.contains("://") {
        let url =
            Url::parse(callback).map_err(|error| CallbackError::Malformed(format!("{error}")))?;
        return Ok(url.query().unwrap_or_default().to_owned());
    }
    Ok(callback.trim_start_matches('?').to_owned())
}

/// Options of an authorization request; see
/// [`Client::authorization_request`](crate::Client::authorization_request).
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct AuthorizationOptions {
    /// Send a PKCE S256 challenge (RFC 7636). On by default.
    pub pkce: bool,
    /// The `state` to send; a random one by default.
    pub state: Option<Secret>,
    /// A redirect URI other than the configured one.
    pub redirect_uri: Option<Url>,
    /// More parameters, e.g. a Data Custodian's own login hints.
    pub extra: Vec<(String, String)>,
}

impl fmt::Debug for AuthorizationOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationOptions")
            .field("pkce", &self.pkce)
            .field("state", &self.state)
            .field("redirect_uri", &self.redirect_uri.as_ref().map(Url::as_str))
            .field("extra", &self.extra)
            .finish()
    }
}

impl AuthorizationOptions {
    /// PKCE on, random state, the configured redirect URI.
    pub fn new() -> AuthorizationOptions {
        AuthorizationOptions {
            pkce: true,
            ..AuthorizationOptions::default()
        }
    }

    /// Turns PKCE on or off (some Data Custodians reject unknown parameters).
    pub fn pkce(mut self, pkce: bool) -> Self {
        self.pkce = pkce;
        self
    }

    /// Sends this `state`.
    pub fn state(mut self, state: impl Into<Secret>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Uses this redirect URI.
    pub fn redirect_uri(mut self, redirect_uri: Url) -> Self {
        self.redirect_uri = Some(redirect_uri);
        self
    }

    /// Adds a parameter.
    pub fn extra(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }
}

/// `oauth2`'s HTTP client: our transport. A named type with a boxed `Send` future
/// (a closure's anonymous future trips the compiler's `Send` inference for futures
/// that borrow).
struct TokenHttp<'t>(&'t Transport);

impl<'c, 't> oauth2::AsyncHttpClient<'c> for TokenHttp<'t> {
    type Error = Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse>> + Send + 'c>,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.0.send_token_request(request))
    }
}

/// The `oauth2` client and the endpoints, for [`crate::Client`].
pub(crate) struct OAuth {
    client: OAuthClient,
    token_url: String,
    redirect_uri: Option<Url>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl OAuth {
    pub(crate) fn new(config: &crate::ClientConfig) -> OAuth {
        let client = oauth2::Client::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.expose().to_owned()))
            .set_auth_uri(AuthUrl::from_url(config.endpoints.authorization.clone()))
            .set_token_uri(TokenUrl::from_url(config.endpoints.token.clone()))
            .set_auth_type(AuthType::BasicAuth);
        OAuth {
            client,
            token_url: config.endpoints.token.to_string(),
            redirect_uri: config.redirect_uri.clone(),
        }
    }

    pub(crate) fn authorization_request(
        &self,
        scope: &str,
        options: AuthorizationOptions,
    ) -> Result<AuthorizationRequest> {
        let redirect_uri = options.redirect_uri.or_else(|| self.redirect_uri.clone());
        if let Some(uri) = &redirect_uri {
            crate::http::check_url(uri)?;
        }
        let state = options
            .state
            .unwrap_or_else(|| Secret::new(CsrfToken::new_random().secret().clone()));
        let state_for_request = state.expose().to_owned();
        let mut request = self
            .client
            .authorize_url(move || CsrfToken::new(state_for_request.clone()))
            .add_scope(oauth2::Scope::new(scope.to_owned()));
        let mut verifier = None;
        if options.pkce {
            let (challenge, code_verifier) = PkceCodeChallenge::new_random_sha256();
            request = request.set_pkce_challenge(challenge);
            verifier = Some(Secret::new(code_verifier.secret().clone()));
        }
        if let Some(uri) = &redirect_uri {
            request = request.set_redirect_uri(Cow::Owned(RedirectUrl::from_url(uri.clone())));
        }
        for (name, value) in options.extra {
            request = request.add_extra_param(name, value);
        }
        let (url, _) = request.url();
        Ok(AuthorizationRequest {
            url,
            pending: PendingAuthorization {
                state,
                pkce_verifier: verifier,
                redirect_uri,
                scope: scope.to_owned(),
            },
        })
    }

    pub(crate) fn exchange_code<'a>(
        &'a self,
        transport: &'a Transport,
        pending: &'a PendingAuthorization,
        code: &'a Secret,
    ) -> BoxFuture<'a, Result<TokenSet>> {
        Box::pin(async move {
            let http = TokenHttp(transport);
            let mut request = self
                .client
                .exchange_code(oauth2::AuthorizationCode::new(code.expose().to_owned()));
            if let Some(verifier) = &pending.pkce_verifier {
                request =
                    request.set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()));
            }
            let redirect;
            if let Some(uri) = &pending.redirect_uri {
                redirect = RedirectUrl::from_url(uri.clone());
                request = request.set_redirect_uri(Cow::Borrowed(&redirect));
            }
            let response = request
                .request_async(&http)
                .await
                .map_err(|error| self.token_error(error))?;
            let now = transport.now();
            token_set(response, Grant::AuthorizationCode, now, now, None)
                .map_err(|error| self.unusable(error))
        })
    }

    pub(crate) fn refresh<'a>(
        &'a self,
        transport: &'a Transport,
        tokens: &'a TokenSet,
    ) -> BoxFuture<'a, Result<TokenSet>> {
        Box::pin(async move {
            let now = transport.now();
            match &tokens.grant {
                Grant::ClientCredentials { scope } => {
                    let mut renewed = self.client_credentials(transport, scope.as_deref()).await?;
                    renewed.granted_at = tokens.granted_at;
                    Ok(renewed)
                }
                Grant::AuthorizationCode => {
                    let Some(refresh_token) = &tokens.refresh_token else {
                        return Err(Error::AuthorizationEnded {
                        key: tokens.key().to_string(),
                        reason: "the access token can no longer be used and there is no refresh token".to_owned(),
                    });
                    };
                    let http = TokenHttp(transport);
                    let refresh = oauth2::RefreshToken::new(refresh_token.expose().to_owned());
                    let response = self
                        .client
                        .exchange_refresh_token(&refresh)
                        .request_async(&http)
                        .await
                        .map_err(|error| self.token_error(error))?;
                    token_set(
                        response,
                        Grant::AuthorizationCode,
                        tokens.granted_at,
                        now,
                        Some(tokens),
                    )
                    .map_err(|error| self.unusable(error))
                }
            }
        })
    }

    pub(crate) fn client_credentials<'a>(
        &'a self,
        transport: &'a Transport,
        scope: Option<&'a str>,
    ) -> BoxFuture<'a, Result<TokenSet>> {
        Box::pin(async move {
            let http = TokenHttp(transport);
            let mut request = self.client.exchange_client_credentials();
            if let Some(scope) = scope {
                request = request.add_scope(oauth2::Scope::new(scope.to_owned()));
            }
            let response = request
                .request_async(&http)
                .await
                .map_err(|error| self.token_error(error))?;
            let now = transport.now();
            token_set(
                response,
                Grant::ClientCredentials {
                    scope: scope.map(str::to_owned),
                },
                now,
                now,
                None,
            )
            .map_err(|error| self.unusable(error))
        })
    }

    /// Our error for a token response that parsed but cannot be used.
    fn unusable(&self, error: TokenResponseError) -> Error {
        Error::TokenResponse {
            url: self.token_url.clone(),
            reason: error.to_string(),
        }
    }

    /// Our error for an `oauth2` failure. A response that does not parse is described
    /// by where and how it failed, never by its content (it may hold a token).
    fn token_error(&self, error: RequestTokenError<Error, BasicErrorResponse>) -> Error {
        let url = self.token_url.clone();
        match error {
            RequestTokenError::ServerResponse(response) => Error::OAuth {
                url,
                error: response.error().to_string(),
                description: response.error_description().cloned(),
                uri: response.error_uri().cloned(),
            },
            RequestTokenError::Request(error) => error,
            RequestTokenError::Parse(error, _) => Error::TokenResponse {
                url,
                reason: TokenResponseError::from(error).to_string(),
            },
            RequestTokenError::Other(reason) => Error::TokenResponse { url, reason },
        }
    }
}

/// A token response body the client does not take: where and how its JSON failed, or
/// why the token it carries cannot be used. Never its content (it may hold a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenResponseError {
    /// The body does not fit RFC 6749 §5.1 with the ESPI members.
    #[error("the JSON does not fit at {path:?} ({category} error at line {line} column {column})")]
    Json {
        /// The JSON path where reading stopped, such as `access_token`.
        path: String,
        /// serde_json's category of the failure (`Syntax`, `Data`, `Eof` or `Io`).
        category: String,
        /// 1-based line of the failure.
        line: usize,
        /// 1-based column of the failure.
        column: usize,
    },
    /// `token_type` is not `Bearer` (in any case): RFC 6749 §7.1 forbids using a token
    /// whose type the client does not understand, and ESPI tokens are bearer tokens
    /// (espi.xsd `TokenType`).
    #[error("token_type {0:?} is not Bearer; a token of an unknown type must not be used")]
    TokenType(String),
    /// `access_token` is empty.
    #[error("the access_token is empty")]
    EmptyAccessToken,
}

impl From<serde_path_to_error::Error<serde_json::Error>> for TokenResponseError {
    fn from(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        TokenResponseError::Json {
            path: error.path().to_string(),
            category: format!("{:?}", error.inner().classify()),
            line: error.inner().line(),
            column: error.inner().column(),
        }
    }
}

/// Reads a token response body as a [`Session`](crate::Session)'s token requests do:
/// the JSON object of RFC 6749 §5.1 with the ESPI members ([`TokenSet::resource_uri`] and the
/// two after it), read
/// through the `oauth2` crate's response type, into a [`TokenSet`] obtained at `now`.
///
/// For a response that arrives outside the client (a token handed over by another
/// service) and for checking bodies offline.
///
/// ```
/// use espi_client::Grant;
/// use espi_client::{TokenResponseError, read_token_response};
///
/// let body = br#"{"access_token":"a","token_type":"Bearer","expires_in":3600,
///                 "scope":"FB=4_5_15","resourceURI":"https://dc.example/espi/1_1/resource/Batch/Subscription/9"}"#;
/// let tokens = read_token_response(body, Grant::AuthorizationCode, 1_000)?;
/// assert_eq!(tokens.expires_at, Some(4_600));
/// assert_eq!(tokens.subscription_id(), Some("9".into()));
///
/// let missing = read_token_response(br#"{"token_type":"Bearer"}"#, Grant::AuthorizationCode, 0);
/// assert!(matches!(missing, Err(TokenResponseError::Json { .. })));
/// let mac = read_token_response(br#"{"access_token":"a","token_type":"mac"}"#, Grant::AuthorizationCode, 0);
/// assert_eq!(mac.unwrap_err(), TokenResponseError::TokenType("mac".into()));
/// # Ok::<(), espi_client::TokenResponseError>(())
/// ```
pub fn read_token_response(
    body: &[u8],
    grant: Grant,
    now: i64,
) -> std::result::Result<TokenSet, TokenResponseError> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let response: EspiTokenResponse = serde_path_to_error::deserialize(&mut json)?;
    token_set(response, grant, now, now, None)
}

/// Our token set from a token response, when its token can be used. A refresh keeps
/// what the response leaves out (the refresh token when not rotated, the scope and ESPI
/// URIs when not repeated).
fn token_set(
    response: EspiTokenResponse,
    grant: Grant,
    granted_at: i64,
    now: i64,
    previous: Option<&TokenSet>,
) -> std::result::Result<TokenSet, TokenResponseError> {
    let token_type = response.token_type().as_ref();
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(TokenResponseError::TokenType(token_type.to_owned()));
    }
    if response.access_token().secret().is_empty() {
        return Err(TokenResponseError::EmptyAccessToken);
    }
    let extra = response.extra_fields();
    let scope = response.scopes().map(|scopes| {
        scopes
            .iter()
            .map(|scope| scope.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let expires_at = response
        .expires_in()
        .map(|duration| now.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)));
    let keep = |new: Option<String>, old: fn(&TokenSet) -> &Option<String>| {
        new.or_else(|| previous.and_then(|tokens| old(tokens).clone()))
    };
    let scope = scope
        .map(GrantedScope::new)
        .or_else(|| previous.and_then(|tokens| tokens.scope.clone()));
    Ok(TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|token| Secret::new(token.secret().clone()))
            .or_else(|| previous.and_then(|tokens| tokens.refresh_token.clone())),
        token_type: response.token_type().as_ref().to_owned(),
        expires_at,
        scope,
        resource_uri: keep(extra.resource_uri.clone(), |tokens| &tokens.resource_uri),
        authorization_uri: keep(extra.authorization_uri.clone(), |tokens| {
            &tokens.authorization_uri
        }),
        customer_resource_uri: keep(extra.customer_resource_uri.clone(), |tokens| {
            &tokens.customer_resource_uri
        }),
        grant,
        granted_at,
        obtained_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingAuthorization {
        PendingAuthorization::restore(Secret::new("st"), None, None, "FB=4")
    }

    #[test]
    fn callbacks_are_checked_in_order() {
        let pending = pending();
        assert_eq!(
            pending.check_callback("code=c").unwrap_err(),
            CallbackError::MissingState
        );
        assert_eq!(
            pending
                .check_callback("error=access_denied&state=other")
                .unwrap_err(),
            CallbackError::StateMismatch
        );
        assert_eq!(
            pending
                .check_callback("state=st&state=st&code=c")
                .unwrap_err(),
            CallbackError::RepeatedParameter("state".into())
        );
        assert_eq!(
            pending.check_callback("state=st").unwrap_err(),
            CallbackError::MissingCode
        );
        assert_eq!(
            pending
                .check_callback("http://127.0.0.1/cb?state=st&error=invalid_scope&error_description=too+much&error_uri=u")
                .unwrap_err(),
            CallbackError::Refused {
                error: "invalid_scope".into(),
                description: Some("too much".into()),
                uri: Some("u".into())
            }
        );
        assert_eq!(
            pending
                .check_callback("?state=st&code=a%2Bb")
                .expect("a code")
                .expose(),
            "a+b"
        );
        assert!(matches!(
            pending.check_callback("http://[::1/cb?state=st"),
            Err(CallbackError::Malformed(_))
        ));
    }

    #[test]
    fn token_responses_keep_the_espi_fields_and_what_a_refresh_leaves_out() {
        let json = r#"{"access_token":"a1","token_type":"bearer","expires_in":3600,
            "refresh_token":"r1","scope":"FB=1_3_4_5_13_14_39;IntervalDuration=3600",
            "resourceURI":"https://dc/r/Batch/Subscription/5",
            "authorizationURI":"https://dc/r/Authorization/7","extra":"ignored"}"#;
        let response: EspiTokenResponse = serde_json::from_str(json).expect("parses");
        let first =
            token_set(response, Grant::AuthorizationCode, 100, 100, None).expect("a bearer token");
        assert_eq!(first.expires_at, Some(3700));
        assert_eq!(
            first.resource_uri.as_deref(),
            Some("https://dc/r/Batch/Subscription/5")
        );
        assert_eq!(first.authorization_id(), Some("7".into()));
        assert_eq!(first.token_type.to_ascii_lowercase(), "bearer");
        assert_eq!(
            first.scope.as_deref(),
            Some("FB=1_3_4_5_13_14_39;IntervalDuration=3600")
        );
        let refreshed: EspiTokenResponse =
            serde_json::from_str(r#"{"access_token":"a2","token_type":"Bearer"}"#).expect("parses");
        let second = token_set(refreshed, Grant::AuthorizationCode, 100, 200, Some(&first))
            .expect("a bearer token");
        assert_eq!(second.access_token.expose(), "a2");
        assert_eq!(
            second.refresh_token.as_ref().map(Secret::expose),
            Some("r1")
        );
        assert_eq!(second.authorization_uri, first.authorization_uri);
        assert_eq!(second.expires_at, None);
        assert_eq!((second.granted_at, second.obtained_at), (100, 200));
    }

    /// Found by the token_response fuzz target: an empty token_type was taken and the
    /// token used as a bearer token.
    #[test]
    fn tokens_of_another_or_no_type_and_empty_tokens_are_refused() {
        let read = |json: &str| read_token_response(json.as_bytes(), Grant::AuthorizationCode, 0);
        assert_eq!(
            read(r#"{"access_token":"a","token_type":""}"#).unwrap_err(),
            TokenResponseError::TokenType(String::new())
        );
        assert_eq!(
            read(r#"{"access_token":"a","token_type":"mac"}"#).unwrap_err(),
            TokenResponseError::TokenType("mac".into())
        );
        assert_eq!(
            read(r#"{"access_token":"","token_type":"Bearer"}"#).unwrap_err(),
            TokenResponseError::EmptyAccessToken
        );
        assert!(read(r#"{"access_token":"a","token_type":"BEARER"}"#).is_ok());
    }
}
