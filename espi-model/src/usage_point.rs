//! UsagePoint: a metered service point, and the types only it uses.

use crate::code_list::{
    AmiBillingReadyKind, AnodeType, ApnodeType, PhaseCodeKind, ServiceKind, UsagePointConnectedKind,
};
use crate::hex::HexBinary;
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;
use crate::usage_summary::{SummaryMeasurement, TariffRiderRefs};

crate::schema::espi_element! {
    /// The kind of service of a UsagePoint (espi.xsd `ServiceCategory`).
    pub struct ServiceCategory: "ServiceCategory" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Electricity, gas, water, … (required by the schema).
        pub kind: Option<ServiceKind> = "kind" required,
    }
}

crate::schema::espi_element! {
    /// Where the service is delivered (espi.xsd `ServiceDeliveryPoint`).
    pub struct ServiceDeliveryPoint: "ServiceDeliveryPoint" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Name of the service delivery point.
        pub name: Option<String> = "name" (MaxLength(256)),
        /// Tariff profile.
        pub tariff_profile: Option<String> = "tariffProfile" (MaxLength(256)),
        /// Customer agreement reference.
        pub customer_agreement: Option<String> = "customerAgreement" (MaxLength(256)),
        /// Tariff riders.
        pub tariff_rider_refs: Option<TariffRiderRefs> = "tariffRiderRefs",
    }
}

crate::schema::espi_element! {
    /// A pricing node reference (espi.xsd `PnodeRef`).
    pub struct PnodeRef: "PnodeRef" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Type of the pricing node.
        pub apnode_type: Option<ApnodeType> = "apnodeType" required,
        /// The node reference.
        pub reference: Option<String> = "ref" required (MaxLength(256)),
        /// Start of effectiveness (epoch seconds).
        pub start_effective_date: Option<i64> = "startEffectiveDate",
        /// End of effectiveness (epoch seconds).
        pub end_effective_date: Option<i64> = "endEffectiveDate",
    }
}

crate::schema::espi_element! {
    /// Pricing node references of a UsagePoint (espi.xsd `PnodeRefs`).
    pub struct PnodeRefs: "PnodeRefs" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// The references (at least one).
        pub pnode_ref: Vec<PnodeRef> = "pnodeRef" required,
    }
}

crate::schema::espi_element! {
    /// An aggregate node reference (espi.xsd `AggregateNodeRef`).
    pub struct AggregateNodeRef: "AggregateNodeRef" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Type of the aggregate node.
        pub anode_type: Option<AnodeType> = "anodeType" required,
        /// The node reference.
        pub reference: Option<String> = "ref" required (MaxLength(256)),
        /// Start of effectiveness (epoch seconds).
        pub start_effective_date: Option<i64> = "startEffectiveDate",
        /// End of effectiveness (epoch seconds).
        pub end_effective_date: Option<i64> = "endEffectiveDate",
        /// Pricing nodes of the aggregate.
        pub pnode_ref: Vec<PnodeRef> = "pnodeRef",
    }
}

crate::schema::espi_element! {
    /// Aggregate node references of a UsagePoint (espi.xsd `AggregateNodeRefs`).
    pub struct AggregateNodeRefs: "AggregateNodeRefs" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// The references (at least one).
        pub aggregate_node_ref: Vec<AggregateNodeRef> = "aggregateNodeRef" required,
    }
}

crate::schema::espi_element! {
    /// A logical point on the network where consumption or production is measured
    /// (espi.xsd `UsagePoint`), with every element of the schema including the
    /// extension elements.
    pub struct UsagePoint: "UsagePoint" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Role flags (espi.xsd `UsagePoint.roleFlags`, a `HexBinary16`): bit 1 isMirror, bit 2
        /// isPremisesAggregationPoint, bit 3 isPEV, bit 4 isDER, bit 5 isRevenueQuality, bit 6 isDC.
        pub role_flags: Option<HexBinary> = "roleFlags" (MaxOctets(2)),
        /// The kind of service.
        pub service_category: Option<ServiceCategory> = "ServiceCategory",
        /// 0 off, 1 on.
        pub status: Option<u8> = "status",
        /// Service delivery point. Some pre-3.x files spell it `ServiceDeliveryPoint`;
        /// the lenient reader accepts that with a diagnostic.
        pub service_delivery_point: Option<ServiceDeliveryPoint> = "serviceDeliveryPoint",
        /// AMI billing readiness.
        pub ami_billing_ready: Option<AmiBillingReadyKind> = "amiBillingReady",
        /// Whether billing must be checked.
        pub check_billing: Option<bool> = "checkBilling",
        /// Connection state.
        pub connection_state: Option<UsagePointConnectedKind> = "connectionState",
        /// Estimated load.
        pub estimated_load: Option<SummaryMeasurement> = "estimatedLoad",
        /// Whether the point is grounded.
        pub grounded: Option<bool> = "grounded",
        /// Whether this is a service delivery point.
        pub is_sdp: Option<bool> = "isSdp",
        /// Whether this is a virtual point.
        pub is_virtual: Option<bool> = "isVirtual",
        /// Whether minimal usage is expected.
        pub minimal_usage_expected: Option<bool> = "minimalUsageExpected",
        /// Nominal service voltage.
        pub nominal_service_voltage: Option<SummaryMeasurement> = "nominalServiceVoltage",
        /// Outage region.
        pub outage_region: Option<String> = "outageRegion" (MaxLength(256)),
        /// Phase code.
        pub phase_code: Option<PhaseCodeKind> = "phaseCode",
        /// Rated current.
        pub rated_current: Option<SummaryMeasurement> = "ratedCurrent",
        /// Rated power.
        pub rated_power: Option<SummaryMeasurement> = "ratedPower",
        /// Read cycle.
        pub read_cycle: Option<String> = "readCycle" (MaxLength(256)),
        /// Read route.
        pub read_route: Option<String> = "readRoute" (MaxLength(256)),
        /// Remark about service delivery.
        pub service_delivery_remark: Option<String> = "serviceDeliveryRemark" (MaxLength(256)),
        /// Service priority.
        pub service_priority: Option<String> = "servicePriority" (MaxLength(32)),
        /// Pricing node references.
        pub pnode_refs: Option<PnodeRefs> = "pnodeRefs",
        /// Aggregate node references.
        pub aggregate_node_refs: Option<AggregateNodeRefs> = "aggregateNodeRefs",
    }
}

impl UsagePoint {
    /// The service kind, when the ServiceCategory gives one.
    pub fn service_kind(&self) -> Option<ServiceKind> {
        self.service_category.as_ref()?.kind
    }
}
