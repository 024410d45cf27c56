//! The building blocks shared by the customer resources: the `Object` and
//! `IdentifiedObject` bases, addresses, phone numbers, electronic addresses,
//! organisations, status, priority and the customer form of `DateTimeInterval`.

use chrono::{DateTime, Utc};

crate::schema::espi_base! {
    /// The root of every customer.xsd class (customer.xsd `Object`): only the
    /// extension mechanism. Every type that extends it starts with its `extension`
    /// field.
    pub struct Object: "Object" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: crate::raw::RawList = "extension",
    }
}

crate::schema::espi_base! {
    /// The naming base of the customer resources (customer.xsd `IdentifiedObject`,
    /// extends `Object`).
    ///
    /// Unlike espi.xsd's `IdentifiedObject` it has a (deprecated) `name` after
    /// `batchItemInfo`, so every resource of customer.xsd has that element too.
    pub struct IdentifiedObject: "IdentifiedObject" extends Object {
        /// Batch processing information.
        pub batch_item_info: Option<crate::identified_object::BatchItemInfo> = "batchItemInfo",
        /// Identifier of the object instance (deprecated by the schema; at most 64 characters).
        pub name: Option<String> = "name" (MaxLength(64)),
    }
}

crate::schema::espi_element! {
    /// An interval of date and time (customer.xsd `DateTimeInterval`, extends `Object`):
    /// `start` in epoch seconds and `duration` in seconds; the end is derived.
    ///
    /// Unlike espi.xsd's [`crate::interval::DateTimeInterval`], where both children
    /// are required, customer.xsd makes both optional, so strict reading accepts an
    /// interval without a start (an open-ended validity, for instance).
    ///
    /// ```
    /// use espi_model::customer::DateTimeInterval;
    /// let open = DateTimeInterval { start: Some(1_700_000_000), ..DateTimeInterval::default() };
    /// assert_eq!(open.end(), None);
    /// let day = DateTimeInterval { start: Some(0), duration: Some(86_400), ..DateTimeInterval::default() };
    /// assert_eq!(day.end(), Some(86_400));
    /// ```
    pub struct DateTimeInterval: "DateTimeInterval" extends Object {
        /// Duration of the interval in seconds.
        pub duration: Option<u32> = "duration",
        /// Start, seconds since 1970-01-01T00:00:00Z.
        pub start: Option<i64> = "start",
    }
}

impl DateTimeInterval {
    /// start + duration in epoch seconds, when both are present.
    pub fn end(&self) -> Option<i64> {
        self.start?.checked_add(i64::from(self.duration?))
    }

    /// The start as a UTC date-time.
    pub fn start_time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.start?, 0)
    }

    /// The end as a UTC date-time.
    pub fn end_time(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.end()?, 0)
    }
}

impl From<crate::interval::DateTimeInterval> for DateTimeInterval {
    /// The customer form of an espi.xsd interval (the same values).
    fn from(interval: crate::interval::DateTimeInterval) -> Self {
        DateTimeInterval {
            duration: interval.duration,
            start: interval.start,
            unknown_elements: interval.unknown_elements,
            ..DateTimeInterval::default()
        }
    }
}

crate::schema::espi_element! {
    /// Current status information of an entity (customer.xsd `Status`, extends `Object`).
    pub struct Status: "Status" extends Object {
        /// Status value at `dateTime`.
        pub value: Option<String> = "value" (MaxLength(256)),
        /// When the status value applies (epoch seconds).
        pub date_time: Option<i64> = "dateTime",
        /// Free-form remark on the current value.
        pub remark: Option<String> = "remark" (MaxLength(256)),
        /// Reason code or explanation for the current value.
        pub reason: Option<String> = "reason" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// A priority (customer.xsd `Priority`, extends `Object`).
    pub struct Priority: "Priority" extends Object {
        /// The rank: the lower the number the higher the priority; 0 means no
        /// priority (the lowest). The schema type is the unbounded `xs:integer`;
        /// it is read as a 64-bit integer, like espi.xsd's `RationalNumber/numerator`.
        pub rank: Option<i64> = "rank" required,
        /// What the rank means, e.g. high, emergency (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Justification for the rank.
        pub justification: Option<String> = "justification" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// Electronic address information (customer.xsd `ElectronicAddress`, extends `Object`).
    pub struct ElectronicAddress: "ElectronicAddress" extends Object {
        /// Address on a local area network.
        pub lan: Option<String> = "lan" (MaxLength(256)),
        /// MAC (media access control) address.
        pub mac: Option<String> = "mac" (MaxLength(256)),
        /// Primary email address.
        pub email1: Option<String> = "email1" (MaxLength(256)),
        /// Alternate email address.
        pub email2: Option<String> = "email2" (MaxLength(256)),
        /// Web address.
        pub web: Option<String> = "web" (MaxLength(256)),
        /// Radio address.
        pub radio: Option<String> = "radio" (MaxLength(256)),
        /// User ID needed to log in.
        pub user_id: Option<String> = "userID" (MaxLength(256)),
        /// Password needed to log in.
        pub password: Option<String> = "password" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// A telephone number (customer.xsd `TelephoneNumber`, extends `Object`).
    pub struct TelephoneNumber: "TelephoneNumber" extends Object {
        /// Country code.
        pub country_code: Option<String> = "countryCode" (MaxLength(256)),
        /// Area or region code.
        pub area_code: Option<String> = "areaCode" (MaxLength(256)),
        /// City code.
        pub city_code: Option<String> = "cityCode" (MaxLength(256)),
        /// Main (local) part of the number.
        pub local_number: Option<String> = "localNumber" (MaxLength(256)),
        /// Extension of the number.
        pub ext: Option<String> = "ext" (MaxLength(256)),
        /// Dial-out code, e.g. to call outside an enterprise.
        pub dial_out: Option<String> = "dialOut" (MaxLength(256)),
        /// Prefix used to call an international number.
        pub international_prefix: Option<String> = "internationalPrefix" (MaxLength(256)),
        /// The number according to ITU E.164.
        pub itu_phone: Option<String> = "ituPhone" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// Street details of an address (customer.xsd `StreetDetail`, extends `Object`).
    pub struct StreetDetail: "StreetDetail" extends Object {
        /// Designator of the location on the street (the house number).
        pub number: Option<String> = "number" (MaxLength(256)),
        /// Name of the street.
        pub name: Option<String> = "name" (MaxLength(256)),
        /// Suffix to the street name, e.g. North.
        pub suffix: Option<String> = "suffix" (MaxLength(256)),
        /// Prefix to the street name, e.g. North.
        pub prefix: Option<String> = "prefix" (MaxLength(256)),
        /// Type of street: street, avenue, road… (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Reference code of the street in an external system.
        pub code: Option<String> = "code" (MaxLength(256)),
        /// Name of the building the place is inside.
        pub building_name: Option<String> = "buildingName" (MaxLength(256)),
        /// Number of the apartment or suite.
        pub suite_number: Option<String> = "suiteNumber" (MaxLength(256)),
        /// First line of a free-form address.
        pub address_general: Option<String> = "addressGeneral" (MaxLength(256)),
        /// Second line of a free-form address.
        pub address_general2: Option<String> = "addressGeneral2" (MaxLength(256)),
        /// Third line of a free-form address.
        pub address_general3: Option<String> = "addressGeneral3" (MaxLength(256)),
        /// Whether the street is within the legal boundaries of the town.
        pub within_town_limits: Option<bool> = "withinTownLimits",
    }
}

crate::schema::espi_element! {
    /// Town details of an address (customer.xsd `TownDetail`, extends `Object`).
    pub struct TownDetail: "TownDetail" extends Object {
        /// Town code.
        pub code: Option<String> = "code" (MaxLength(256)),
        /// Town section.
        pub section: Option<String> = "section" (MaxLength(256)),
        /// Town name.
        pub name: Option<String> = "name" (MaxLength(256)),
        /// Name of the county.
        pub county: Option<String> = "county" (MaxLength(256)),
        /// Name of the state or province.
        pub state_or_province: Option<String> = "stateOrProvince" (MaxLength(256)),
        /// Name of the country.
        pub country: Option<String> = "country" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// A street and postal address (customer.xsd `StreetAddress`, extends `Object`).
    pub struct StreetAddress: "StreetAddress" extends Object {
        /// Street detail.
        pub street_detail: Option<StreetDetail> = "streetDetail",
        /// Town detail.
        pub town_detail: Option<TownDetail> = "townDetail",
        /// Status of the address.
        pub status: Option<Status> = "status",
        /// Postal code.
        pub postal_code: Option<String> = "postalCode" (MaxLength(256)),
        /// Post office box.
        pub po_box: Option<String> = "poBox" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// An organisation that may act as utility, supplier, customer… (customer.xsd
    /// `Organisation`, extends `IdentifiedObject`).
    pub struct Organisation: "Organisation" extends IdentifiedObject {
        /// Street address.
        pub street_address: Option<StreetAddress> = "streetAddress",
        /// Postal address, possibly different from the street address.
        pub postal_address: Option<StreetAddress> = "postalAddress",
        /// Phone number.
        pub phone1: Option<TelephoneNumber> = "phone1",
        /// Additional phone number.
        pub phone2: Option<TelephoneNumber> = "phone2",
        /// Electronic address.
        pub electronic_address: Option<ElectronicAddress> = "electronicAddress",
        /// Name of the organisation.
        pub organisation_name: Option<String> = "organisationName" (MaxLength(256)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Element;

    #[test]
    fn intervals_need_neither_start_nor_duration() {
        assert!(DateTimeInterval::default().missing_required().is_empty());
        assert_eq!(DateTimeInterval::default().end(), None);
        let espi = crate::interval::DateTimeInterval::new(1_293_868_800, 86_400);
        let interval = DateTimeInterval::from(espi);
        assert_eq!(interval.end(), Some(1_293_955_200));
        assert_eq!(
            interval.end_time().map(|end| end.to_rfc3339()),
            Some("2011-01-02T08:00:00+00:00".to_owned())
        );
        assert_eq!(
            interval.start_time().map(|start| start.timestamp()),
            interval.start
        );
    }

    #[test]
    fn priority_requires_its_rank() {
        assert_eq!(Priority::default().missing_required(), ["rank"]);
        let priority = Priority {
            rank: Some(0),
            ..Priority::default()
        };
        assert!(priority.missing_required().is_empty());
    }
}
