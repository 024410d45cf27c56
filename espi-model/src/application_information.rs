//! ApplicationInformation: a Third Party's registration with a Data Custodian, its
//! OAuth 2.0 client data and endpoints (espi.xsd `ApplicationInformation`).

use crate::code_list::{
    DataCustodianApplicationStatus, GrantType, ResponseType, ThirdPartyApplicationStatus,
    ThirdPartyApplicationType, ThirdPartyApplicationUse, TokenEndPointMethod,
};
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// The registration of a Third Party application with a Data Custodian (espi.xsd
    /// `ApplicationInformation`), every element in schema order.
    ///
    /// The schema requires several elements (the custodian id and status, the notify
    /// URI, the OAuth endpoints, client id, name and secret, software id and version,
    /// issue and expiry times, at least one scope and `redirect_uri`, at least two
    /// `grant_types`); they are `Option`/`Vec` so that a lenient read keeps what a
    /// file has, and [`missing_required`](crate::schema::Element::missing_required)
    /// names the absent ones. `client_secret` and `registration_access_token` are
    /// secrets: applications should not log them.
    ///
    /// ```
    /// use espi_model::application_information::ApplicationInformation;
    /// use espi_model::code_list::GrantType;
    ///
    /// let app = ApplicationInformation {
    ///     client_id: Some("third_party".to_owned()),
    ///     grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
    ///     scope: vec!["FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13".to_owned()],
    ///     ..ApplicationInformation::default()
    /// };
    /// assert!(app.supports(&GrantType::RefreshToken));
    /// assert!(!app.supports(&GrantType::ClientCredentials));
    /// ```
    pub struct ApplicationInformation: "ApplicationInformation" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// The Data Custodian's identifier (String64).
        pub data_custodian_id: Option<String> = "dataCustodianId" required (MaxLength(64)),
        /// The application's status as the Data Custodian sets it.
        pub data_custodian_application_status: Option<DataCustodianApplicationStatus> = "dataCustodianApplicationStatus" required,
        /// Description of the application (String256).
        pub third_party_application_description: Option<String> = "thirdPartyApplicationDescription" (MaxLength(256)),
        /// The application's status as the Third Party reports it.
        pub third_party_application_status: Option<ThirdPartyApplicationStatus> = "thirdPartyApplicationStatus",
        /// Web, desktop, mobile or device.
        pub third_party_application_type: Option<ThirdPartyApplicationType> = "thirdPartyApplicationType",
        /// The expected use of the data.
        pub third_party_application_use: Option<ThirdPartyApplicationUse> = "thirdPartyApplicationUse",
        /// The Third Party's phone number (String32).
        pub third_party_phone: Option<String> = "thirdPartyPhone" (MaxLength(32)),
        /// Base URI of the authorization server.
        pub authorization_server_uri: Option<String> = "authorizationServerUri",
        /// Where the Data Custodian POSTs BatchList notifications of new data.
        pub third_party_notify_uri: Option<String> = "thirdPartyNotifyUri" required,
        /// OAuth 2.0 authorization endpoint.
        pub authorization_server_authorization_endpoint: Option<String> = "authorizationServerAuthorizationEndpoint" required,
        /// Dynamic client registration endpoint.
        pub authorization_server_registration_endpoint: Option<String> = "authorizationServerRegistrationEndpoint",
        /// OAuth 2.0 token endpoint.
        pub authorization_server_token_endpoint: Option<String> = "authorizationServerTokenEndpoint" required,
        /// URI of the Batch/Bulk resource for client-credentials (bulk) requests.
        pub data_custodian_bulk_request_uri: Option<String> = "dataCustodianBulkRequestURI" required,
        /// Base URI of the ESPI resources, e.g. `.../espi/1_1/resource`.
        pub data_custodian_resource_endpoint: Option<String> = "dataCustodianResourceEndpoint" required,
        /// The Third Party's scope selection screen.
        pub third_party_scope_selection_screen_uri: Option<String> = "thirdPartyScopeSelectionScreenURI",
        /// The Third Party's user portal.
        pub third_party_user_portal_screen_uri: Option<String> = "thirdPartyUserPortalScreenURI",
        /// OAuth client secret (String512). A secret.
        pub client_secret: Option<String> = "client_secret" required (MaxLength(512)),
        /// Logo of the application.
        pub logo_uri: Option<String> = "logo_uri",
        /// Name shown to the customer (String256).
        pub client_name: Option<String> = "client_name" required (MaxLength(256)),
        /// Home page of the application.
        pub client_uri: Option<String> = "client_uri",
        /// Registered OAuth redirect URIs (at least one).
        pub redirect_uri: Vec<String> = "redirect_uri" required,
        /// OAuth client identifier (String64).
        pub client_id: Option<String> = "client_id" required (MaxLength(64)),
        /// Terms of service.
        pub tos_uri: Option<String> = "tos_uri",
        /// Privacy policy.
        pub policy_uri: Option<String> = "policy_uri",
        /// Identifier of the client software (String256).
        pub software_id: Option<String> = "software_id" required (MaxLength(256)),
        /// Version of the client software (String32).
        pub software_version: Option<String> = "software_version" required (MaxLength(32)),
        /// When the client id was issued (TimeType, epoch seconds; some Data
        /// Custodians write milliseconds).
        pub client_id_issued_at: Option<i64> = "client_id_issued_at" required,
        /// When the client secret expires (TimeType; 0 means never).
        pub client_secret_expires_at: Option<i64> = "client_secret_expires_at" required,
        /// Contacts of the Third Party (String256 each).
        pub contacts: Vec<String> = "contacts" (MaxLength(256)),
        /// Client authentication at the token endpoint.
        pub token_endpoint_auth_method: Option<TokenEndPointMethod> = "token_endpoint_auth_method" required,
        /// The scopes the Data Custodian offers the application (String256 each, at
        /// least one), each an alternative offer in the ESPI scope grammar.
        pub scope: Vec<String> = "scope" required (MaxLength(256)),
        /// The OAuth grants the application may use (the schema wants at least two).
        pub grant_types: Vec<GrantType> = "grant_types" required[2],
        /// The OAuth response type, `code`.
        pub response_types: Option<ResponseType> = "response_types" required,
        /// URI where the client manages its registration (untyped in the schema; kept
        /// as text).
        pub registration_client_uri: Option<String> = "registration_client_uri" required,
        /// Token for the registration resource (untyped in the schema; kept as text).
        /// A secret.
        pub registration_access_token: Option<String> = "registration_access_token" required,
        /// The Data Custodian's scope selection screen (untyped in the schema; kept as
        /// text).
        pub data_custodian_scope_selection_screen_uri: Option<String> = "dataCustodianScopeSelectionScreenURI",
    }
}

impl ApplicationInformation {
    /// Whether `grant` is among the registered grant types.
    pub fn supports(&self, grant: &GrantType) -> bool {
        self.grant_types.contains(grant)
    }
}
