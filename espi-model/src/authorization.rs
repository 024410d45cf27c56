//! Authorization: a permission a retail customer (or the Data Custodian) granted to a
//! Third Party, as the Data Custodian publishes it (espi.xsd `Authorization`).
//!
//! It is [`Resource::Authorization`](crate::resource::Resource::Authorization) inside
//! `atom:content`; [`admin_link`](crate::admin_link) checks its URIs against the
//! entry's links. The lifecycle rules (grant, refresh, revoke, expire) live in
//! `espi-auth`'s `lifecycle` module.

use crate::code_list::{AuthorizationStatus, GrantType, OAuthError, TokenType};
use crate::identified_object::BatchItemInfo;
use crate::interval::DateTimeInterval;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// A permission granted by an owner for access to a resource (espi.xsd
    /// `Authorization`), with every element of the schema in
    /// schema order.
    ///
    /// The schema requires `status`, `expires_at`, `scope`, `token_type`, `resourceURI`
    /// and `authorizationURI`; they are `Option` so that a lenient read keeps what is
    /// there, and [`missing_required`](crate::schema::Element::missing_required) names
    /// the absent ones.
    ///
    /// ```
    /// use espi_model::authorization::Authorization;
    /// use espi_model::code_list::{AuthorizationStatus, GrantType, TokenType};
    /// use espi_model::interval::DateTimeInterval;
    /// use espi_model::schema::Element;
    ///
    /// let base = "https://example.com/DataCustodian/espi/1_1/resource";
    /// let authorization = Authorization {
    ///     authorized_period: Some(DateTimeInterval::new(1_333_252_800, 31_536_000)),
    ///     status: Some(AuthorizationStatus::Active),
    ///     expires_at: Some(1_403_190_000),
    ///     grant_type: Some(GrantType::AuthorizationCode),
    ///     scope: Some("FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=94608000".to_owned()),
    ///     token_type: Some(TokenType::Bearer),
    ///     resource_uri: Some(format!("{base}/Batch/Subscription/5")),
    ///     authorization_uri: Some(format!("{base}/Authorization/7")),
    ///     ..Authorization::default()
    /// };
    /// assert!(authorization.missing_required().is_empty());
    /// assert!(authorization.is_active());
    /// ```
    pub struct Authorization: "Authorization" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Window in which requests and subscriptions are allowed; a duration of 0
        /// means open-ended (the schema's documentation of `authorizedPeriod`).
        pub authorized_period: Option<DateTimeInterval> = "authorizedPeriod",
        /// Only objects published inside this interval may be accessed.
        pub published_period: Option<DateTimeInterval> = "publishedPeriod",
        /// Revoked (0), Active (1) or Denied (2) (espi.xsd `AuthorizationStatus`).
        pub status: Option<AuthorizationStatus> = "status" required,
        /// Absolute expiry of the access token, epoch seconds (TimeType).
        pub expires_at: Option<i64> = "expires_at" required,
        /// The OAuth grant being negotiated for.
        pub grant_type: Option<GrantType> = "grant_type",
        /// The negotiated ESPI scope (String256: at most 256 characters).
        pub scope: Option<String> = "scope" required (MaxLength(256)),
        /// The token type, `Bearer`.
        pub token_type: Option<TokenType> = "token_type" required,
        /// Last OAuth error returned to the Third Party (espi.xsd `OAuthError`).
        pub error: Option<OAuthError> = "error",
        /// Free text describing the last error (String256).
        pub error_description: Option<String> = "error_description" (MaxLength(256)),
        /// URI describing the last error (xs:anyURI).
        pub error_uri: Option<String> = "error_uri",
        /// URI of the energy-usage subscription the Third Party may read, e.g.
        /// `.../espi/1_1/resource/Batch/Subscription/1` (xs:anyURI).
        pub resource_uri: Option<String> = "resourceURI" required,
        /// URI to update or delete this Authorization (xs:anyURI).
        pub authorization_uri: Option<String> = "authorizationURI" required,
        /// URI of the customer (PII) subscription, in a different namespace from
        /// `resourceURI` (xs:anyURI).
        pub customer_resource_uri: Option<String> = "customerResourceURI",
    }
}

impl Authorization {
    /// Whether the status is Active (1). Says nothing about expiry: see `espi-auth`'s
    /// lifecycle rules for whether a token is usable at a given time.
    pub fn is_active(&self) -> bool {
        self.status == Some(AuthorizationStatus::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Scalar;
    use crate::schema::{Element, Facet};

    #[test]
    fn empty_authorization_lists_every_required_element() {
        let empty = Authorization::default();
        assert_eq!(
            empty.missing_required(),
            vec![
                "status",
                "expires_at",
                "scope",
                "token_type",
                "resourceURI",
                "authorizationURI"
            ]
        );
    }

    #[test]
    fn fields_are_in_schema_order() {
        assert_eq!(
            Authorization::FIELDS,
            &[
                "extension",
                "batchItemInfo",
                "authorizedPeriod",
                "publishedPeriod",
                "status",
                "expires_at",
                "grant_type",
                "scope",
                "token_type",
                "error",
                "error_description",
                "error_uri",
                "resourceURI",
                "authorizationURI",
                "customerResourceURI",
            ]
        );
        assert_eq!(Authorization::TYPE_NAME, "Authorization");
    }

    #[test]
    fn string_code_lists_keep_their_wire_text() {
        assert_eq!(TokenType::parse_text("Bearer"), Ok(TokenType::Bearer));
        assert_eq!(
            TokenType::parse_text("bearer"),
            Ok(TokenType::Other("bearer".to_owned()))
        );
        let mut out = String::new();
        GrantType::RefreshToken.write_text(&mut out);
        OAuthError::AccessDenied.write_text(&mut out);
        assert_eq!(out, "refresh_tokenaccess_denied");
    }

    #[test]
    fn scope_is_a_string256() {
        let long = "x".repeat(257);
        assert!(long.check(Facet::MaxLength(256)).is_err());
        assert!("x".repeat(256).check(Facet::MaxLength(256)).is_ok());
    }

    #[test]
    fn is_active_needs_status_1() {
        let mut authorization = Authorization::default();
        assert!(!authorization.is_active());
        authorization.status = Some(AuthorizationStatus::Revoked);
        assert!(!authorization.is_active());
        authorization.status = Some(AuthorizationStatus::Active);
        assert!(authorization.is_active());
    }
}
