//! The string code lists of espi.xsd, in the schema's order.

use super::*;

string_code_list! {
    /// Client authentication method at the OAuth token endpoint (`ApplicationInformation/token_endpoint_auth_method`).
    TokenEndPointMethod, "TokenEndPointMethod", closed;
    ClientSecretBasic = "client_secret_basic", "The client uses HTTP Basic authentication (RFC 6749 section 2.3.1).";
}

string_code_list! {
    /// OAuth 2.0 grant types supported by ESPI (`ApplicationInformation/grant_types`, `Authorization/grant_type`).
    GrantType, "GrantType", closed;
    AuthorizationCode = "authorization_code", "Authorization code grant (RFC 6749 section 4.1).";
    ClientCredentials = "client_credentials", "Client credentials grant (RFC 6749 section 4.4).";
    RefreshToken = "refresh_token", "Refresh token flow (RFC 6749 section 6).";
}

string_code_list! {
    /// OAuth 2.0 response types supported by ESPI (`ApplicationInformation/response_types`).
    ResponseType, "ResponseType", closed;
    Code = "code", "A request for an authorization code (RFC 6749 section 4.1.1).";
}

string_code_list! {
    /// OAuth 2.0 token types supported by ESPI (`Authorization/token_type`).
    ///
    /// Matching is exact, as for every string code list: `"bearer"` is kept as
    /// `Other("bearer")`. RFC 6749 section 7.1 treats token type names
    /// case-insensitively, so a caller checking OAuth semantics should compare
    /// [`StringCodeList::as_wire`] with `eq_ignore_ascii_case`.
    TokenType, "TokenType", closed;
    Bearer = "Bearer", "A bearer token: any party in possession of it can use it, without proof of possession of a key (RFC 6750 section 1.2).";
}

string_code_list! {
    /// OAuth 2.0 error codes supported by ESPI (`Authorization/error`).
    OAuthError, "OAuthError", closed;
    InvalidRequest = "invalid_request", "The request is missing a required parameter, includes an unsupported parameter value, repeats a parameter, includes multiple credentials or authentication mechanisms, or is otherwise malformed (RFC 6749 sections 4.1.2.1 and 5.2).";
    InvalidClient = "invalid_client", "Client authentication failed (RFC 6749 section 5.2).";
    InvalidGrant = "invalid_grant", "The authorization code or refresh token is invalid, expired, revoked, does not match the redirection URI, or was issued to another client (RFC 6749 section 5.2).";
    UnauthorizedClient = "unauthorized_client", "The client is not authorized to use this grant type (RFC 6749 sections 4.1.2.1 and 5.2).";
    UnsupportedGrantType = "unsupported_grant_type", "The grant type is not supported by the authorization server (RFC 6749 section 5.2).";
    InvalidScope = "invalid_scope", "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner (RFC 6749 sections 4.1.2.1 and 5.2).";
    InvalidRedirectUri = "invalid_redirect_uri", "The value of one or more redirection URIs is invalid (RFC 7591 section 3.2.2).";
    InvalidClientMetadata = "invalid_client_metadata", "The value of a client metadata field is invalid and the server has rejected the request (RFC 7591 section 3.2.2).";
    /// Deprecated by the schema.
    InvalidClientId = "invalid_client_id", "Deprecated: client authentication failed.";
    AccessDenied = "access_denied", "The resource owner or authorization server denied the request (RFC 6749 section 4.1.2.1).";
    UnsupportedResponseType = "unsupported_response_type", "The authorization server does not support obtaining an authorization code this way (RFC 6749 section 4.1.2.1).";
    ServerError = "server_error", "The authorization server met an unexpected condition (RFC 6749 section 4.1.2.1).";
    TemporarilyUnavailable = "temporarily_unavailable", "The authorization server is temporarily overloaded or under maintenance (RFC 6749 section 4.1.2.1).";
}

string_code_list! {
    /// Readiness of a usage point's metering for billing from AMI reads (`UsagePoint/amiBillingReady`).
    AmiBillingReadyKind, "AmiBillingReadyKind", closed;
    AmiCapable = "amiCapable", "Equipped with an AMI-capable meter not yet equipped with a communications module.";
    AmiDisabled = "amiDisabled", "Equipped with an AMI-capable meter whose AMI functionality is disabled or not used.";
    BillingApproved = "billingApproved", "Equipped with an operating AMI-capable meter whose accuracy is certified for billing.";
    Enabled = "enabled", "Equipped with an AMI-capable meter having communications capability.";
    NonAmi = "nonAmi", "Equipped with a meter that is not AMI capable.";
    NonMetered = "nonMetered", "Not currently equipped with a meter.";
    Operable = "operable", "Equipped with an AMI-capable meter that is functioning and communicating with the AMI network.";
}

string_code_list! {
    /// Connection of a usage point to the network (`UsagePoint/connectionState`).
    UsagePointConnectedKind, "UsagePointConnectedKind", closed;
    Connected = "connected", "Connected and able to receive or send the commodity.";
    LogicallyDisconnected = "logicallyDisconnected", "Disconnected by a disconnect function within the meter, often without a field crew.";
    PhysicallyDisconnected = "physicallyDisconnected", "Disconnected from the network upstream of the meter, often by a field crew.";
}

string_code_list! {
    /// Type of an aggregate pricing node (`UsagePoint/pnodeRefs/pnodeRef/apnodeType`).
    ApnodeType, "ApnodeType", closed;
    AG = "AG", "Aggregated generation.";
    CPZ = "CPZ", "Custom price zone.";
    DPZ = "DPZ", "Default price zone.";
    LAP = "LAP", "Load aggregation point.";
    TH = "TH", "Trading hub.";
    SYS = "SYS", "System zone.";
    CA = "CA", "Control area.";
    DCA = "DCA", "Designated congestion area.";
    GA = "GA", "Generic aggregation.";
    GH = "GH", "Generic hub.";
    EHV = "EHV", "500 kV extra-high-voltage aggregate price nodes.";
    ZN = "ZN", "Zone.";
    INT = "INT", "Interface.";
    BUS = "BUS", "Bus.";
}

string_code_list! {
    /// Type of an aggregated node (`UsagePoint/aggregateNodeRefs/aggregateNodeRef/anodeType`).
    #[allow(
        clippy::upper_case_acronyms,
        reason = "the variants are the schema's upper-case literals, e.g. LTAC"
    )]
    AnodeType, "AnodeType", closed;
    SYS = "SYS", "System zone/region.";
    RUC = "RUC", "RUC zone.";
    LFZ = "LFZ", "Load forecast zone.";
    REG = "REG", "Market energy/ancillary service region.";
    AGR = "AGR", "Aggregate generation resource.";
    POD = "POD", "Point of delivery.";
    ALR = "ALR", "Aggregate load resource.";
    LTAC = "LTAC", "Load transmission access charge (TAC) group.";
    ACA = "ACA", "Adjacent control area.";
    ASR = "ASR", "Aggregated system resource.";
    ECA = "ECA", "Embedded control area.";
}

string_code_list! {
    /// Type of billing tariff profile a program ID mapping uses (`ProgramIdMappings/programIdMapping/tOUorCPPorConsumptionTier`).
    TouOrCppOrConsumptionTier, "tOUorCPPorConsumptionTier", closed;
    Tou = "tou", "Time of use.";
    Cpp = "cpp", "Consumption peak period.";
    ConsumptionTier = "consumptiontier", "Consumption tier.";
}

string_code_list! {
    /// Participation in market power mitigation price measures. No element of espi.xsd uses this type.
    ParticipationCategoryMpm, "ParticipationCategoryMPM", closed;
    Y = "Y", "Participates in both LMPM and SMPM.";
    N = "N", "Not included in LMP price measures.";
    S = "S", "Participates in SMPM price measures.";
    L = "L", "Participates in LMPM price measures.";
}

string_code_list! {
    /// Current tariff rider enrollment status (`UsageSummary/tariffRiderRefs/tariffRiderRef/enrollmentStatus`).
    EnrollmentStatus, "EnrollmentStatus", closed;
    Unenrolled = "unenrolled", "Currently not enrolled in the tariff rider.";
    Enrolled = "enrolled", "Currently enrolled in the tariff rider.";
    EnrolledPending = "enrolledPending", "Enrollment in the tariff rider is pending.";
}
