//! Places: the service location (premises) with its `WorkLocation` and `Location`
//! bases, position points, and the usage points served there (customer.xsd
//! `ServiceLocation`, `WorkLocation`, `Location`, `PositionPoint`, `UsagePoints`,
//! `UsagePoint`).

/// A usage point as customer.xsd refers to it (customer.xsd `UsagePoint`): a
/// complex type with simple content that extends `xs:anyURI` without attributes,
/// so its value is the URI text, e.g. the URL of an espi.xsd
/// [`UsagePoint`](crate::usage_point::UsagePoint) resource.
pub type UsagePoint = String;

crate::schema::espi_element! {
    /// A point given by coordinates in the location's coordinate system
    /// (customer.xsd `PositionPoint`, extends `Object`). The coordinates are text
    /// (String256) in the schema.
    pub struct PositionPoint: "PositionPoint" extends Object {
        /// X axis position.
        pub x_position: Option<String> = "xPosition" (MaxLength(256)),
        /// Y axis position.
        pub y_position: Option<String> = "yPosition" (MaxLength(256)),
        /// Z axis position.
        pub z_position: Option<String> = "zPosition" (MaxLength(256)),
    }
}

crate::schema::espi_base! {
    /// A place where something is, was or will be (customer.xsd `Location`, extends
    /// `IdentifiedObject`); the base of [`WorkLocation`] and [`ServiceLocation`].
    pub struct Location: "Location" extends IdentifiedObject {
        /// Utility classification of the location (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Main address.
        pub main_address: Option<crate::customer::StreetAddress> = "mainAddress",
        /// Secondary address, e.g. a PO box.
        pub secondary_address: Option<crate::customer::StreetAddress> = "secondaryAddress",
        /// Phone number.
        pub phone1: Option<crate::customer::TelephoneNumber> = "phone1",
        /// Additional phone number.
        pub phone2: Option<crate::customer::TelephoneNumber> = "phone2",
        /// Electronic address.
        pub electronic_address: Option<crate::customer::ElectronicAddress> = "electronicAddress",
        /// Reference to a geographical information source.
        pub geo_info_reference: Option<String> = "geoInfoReference" (MaxLength(256)),
        /// Directions for field crews to find the place.
        pub direction: Option<String> = "direction" (MaxLength(256)),
        /// Status of the location.
        pub status: Option<crate::customer::Status> = "status",
        /// Points describing the location.
        pub position_points: Vec<crate::customer::PositionPoint> = "positionPoints",
    }
}

crate::schema::espi_base! {
    /// A location for various forms of work (customer.xsd `WorkLocation`, extends
    /// `Location` without adding elements).
    pub struct WorkLocation: "WorkLocation" extends Location {}
}

crate::schema::espi_element! {
    /// A list of usage point URIs (customer.xsd `UsagePoints`, extends `Object`).
    ///
    /// The schema repeats a sequence (`minOccurs="0" maxOccurs="unbounded"`) of one
    /// `UsagePoint`, so an empty list is valid.
    pub struct UsagePoints: "UsagePoints" extends Object {
        /// The usage points (URIs).
        pub usage_point: Vec<UsagePoint> = "UsagePoint",
    }
}

crate::schema::espi_element! {
    /// A real estate location, the premises (customer.xsd `ServiceLocation`, extends
    /// `WorkLocation`).
    pub struct ServiceLocation: "ServiceLocation" extends WorkLocation {
        /// How a service person gets in, e.g. where to obtain a key.
        pub access_method: Option<String> = "accessMethod" (MaxLength(256)),
        /// Problems met on earlier visits: bad dog, obstructions, hazards…
        pub site_access_problem: Option<String> = "siteAccessProblem" (MaxLength(256)),
        /// Whether the facilities here need an inspection.
        pub needs_inspection: Option<bool> = "needsInspection",
        /// Usage points delivering service to this location.
        pub usage_points: Vec<UsagePoints> = "UsagePoints",
        /// Outage block identifier (at most 32 characters).
        pub outage_block: Option<String> = "outageBlock" (MaxLength(32)),
    }
}

impl ServiceLocation {
    /// Every usage point URI of the location, across its `UsagePoints` lists.
    pub fn usage_point_uris(&self) -> impl Iterator<Item = &str> {
        self.usage_points
            .iter()
            .flat_map(|list| list.usage_point.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_point_uris_span_every_list() {
        let list = |uris: &[&str]| UsagePoints {
            usage_point: uris.iter().map(|uri| (*uri).to_owned()).collect(),
            ..UsagePoints::default()
        };
        let location = ServiceLocation {
            usage_points: vec![
                list(&["https://dc.example/UsagePoint/1"]),
                list(&[]),
                list(&["https://dc.example/UsagePoint/2"]),
            ],
            ..ServiceLocation::default()
        };
        let uris: Vec<&str> = location.usage_point_uris().collect();
        assert_eq!(
            uris,
            [
                "https://dc.example/UsagePoint/1",
                "https://dc.example/UsagePoint/2"
            ]
        );
    }
}
