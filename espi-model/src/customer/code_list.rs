//! Code lists of customer.xsd that espi.xsd does not have, or has in another form.
//!
//! customer.xsd repeats five numeric lists of espi.xsd with the same codes
//! (`CRUDOperation`, `Currency`, `StatusCode`, `UnitMultiplierKind`,
//! `UnitSymbolKind`); the customer types use the espi enums of
//! [`crate::code_list`] for those. The lists here are string lists:
//!
//! * most are an `xs:union` of an enumeration with `xs:string`, so any other text is
//!   schema-valid (`open`): [`CustomerKind`], [`EnrollmentStatus`], [`MediaType`],
//!   [`MeterMultiplierKind`], [`NotificationMethodKind`], [`ProgramDateKind`],
//!   [`RevenueKind`], [`SupplierKind`];
//! * [`ServiceKind`] is a plain `xs:string` enumeration (`closed`), unlike espi.xsd's
//!   numeric `ServiceKind`;
//! * [`EnrollmentStatus`] lists the same three literals as espi.xsd's, but there it
//!   is a closed enumeration and here an open union.
//!
//! Several lists name a literal `other`; its variant is `Another`, because `Other`
//! is the variant that keeps unlisted text (as for [`crate::code_list::Currency`]).
//! No element of customer.xsd uses [`RevenueKind`] or [`ServiceKind`]; they are
//! declared because the schema declares them.

use std::fmt;

use crate::code_list::{StringCodeList, string_code_list};

string_code_list! {
    /// Kind of customer (`Customer/kind`).
    CustomerKind, "CustomerKind", open;
    Residential = "residential", "Residential customer.";
    ResidentialAndCommercial = "residentialAndCommercial", "Residential and commercial customer.";
    ResidentialAndStreetlight = "residentialAndStreetlight", "Residential and streetlight customer.";
    ResidentialStreetlightOthers = "residentialStreetlightOthers", "Residential streetlight or other related customer.";
    ResidentialFarmService = "residentialFarmService", "Residential farm service customer.";
    CommercialIndustrial = "commercialIndustrial", "Commercial industrial customer.";
    PumpingLoad = "pumpingLoad", "Pumping load customer.";
    WindMachine = "windMachine", "Wind machine customer.";
    EnergyServiceSupplier = "energyServiceSupplier", "Customer as energy service supplier.";
    EnergyServiceScheduler = "energyServiceScheduler", "Customer as energy service scheduler.";
    Enterprise = "enterprise", "The owning enterprise.";
    RegionalOperator = "regionalOperator", "A local operator of a larger enterprise.";
    Subsidiary = "subsidiary", "A subsidiary of a larger enterprise.";
    InternalUse = "internalUse", "Internal use customer.";
    /// Named `Another` because `Other` is the variant for unlisted text.
    Another = "other", "Other kind of customer.";
}

string_code_list! {
    /// A retail customer's current Demand Response program enrollment status
    /// (`DemandResponseProgram/enrollmentStatus`).
    ///
    /// The same literals as [`crate::code_list::EnrollmentStatus`], but customer.xsd
    /// makes the list a union with `xs:string`, so other text is valid here.
    EnrollmentStatus, "EnrollmentStatus", open;
    Unenrolled = "unenrolled", "Currently not enrolled in the Demand Response program.";
    Enrolled = "enrolled", "Currently enrolled in the Demand Response program.";
    EnrolledPending = "enrolledPending", "Enrollment in the Demand Response program is pending.";
}

string_code_list! {
    /// IANA media type of a statement document (`StatementRef/mediaType`); the schema
    /// lists a subset and allows any other text.
    MediaType, "MediaType", open;
    ApplicationJson = "application/json", "JSON.";
    ApplicationPdf = "application/pdf", "PDF.";
    ApplicationVndMsExcel = "application/vnd.ms-excel", "Microsoft Excel.";
    ApplicationVndOasisOpendocumentSpreadsheet = "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet.";
    ApplicationVndOasisOpendocumentText = "application/vnd.oasis.opendocument.text", "OpenDocument text.";
    ApplicationVndOpenxmlformatsOfficedocumentSpreadsheetmlSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Office Open XML spreadsheet.";
    ApplicationZip = "application/zip", "ZIP archive.";
    ImageGif = "image/gif", "GIF image.";
    ImageJpeg = "image/jpeg", "JPEG image.";
    ImagePng = "image/png", "PNG image.";
    TextCsv = "text/csv", "CSV.";
    TextHtml = "text/html", "HTML.";
    TextPlain = "text/plain", "Plain text.";
    TextRtf = "text/rtf", "RTF.";
    TextXml = "text/xml", "XML.";
}

string_code_list! {
    /// Kind of multiplier applied at a meter (`MeterMultiplier/kind`).
    MeterMultiplierKind, "MeterMultiplierKind", open;
    Kh = "kH", "Meter kh (watthour) constant: watthours per disk revolution or per pulse.";
    TransformerRatio = "transformerRatio", "Ratio of the transformer's primary and secondary windings.";
    Kr = "kR", "Register multiplier: multiply the register reading by it to get kWh.";
    Ke = "kE", "Test constant.";
    CtRatio = "ctRatio", "Current transformer ratio.";
    PtRatio = "ptRatio", "Potential transformer ratio.";
}

string_code_list! {
    /// How the customer was notified (`AccountNotification/methodKind`).
    NotificationMethodKind, "NotificationMethodKind", open;
    Call = "call", "By phone, by a customer service representative.";
    Email = "email", "By email.";
    Letter = "letter", "By letter.";
    /// Named `Another` because `Other` is the variant for unlisted text.
    Another = "other", "By other means.";
    Ivr = "ivr", "Through an interactive voice response system.";
}

string_code_list! {
    /// Type of a Demand Response program date (`ProgramDateIdMapping/programDateType`).
    ///
    /// The schema makes it a union with `String64`: other text of at most 64
    /// characters is valid.
    #[allow(
        clippy::enum_variant_names,
        reason = "the variants follow the schema literals, which all end in DATE"
    )]
    ProgramDateKind, "ProgramDateKind", open;
    CustDrProgramEnrollmentDate = "CUST_DR_PROGRAM_ENROLLMENT_DATE", "Date the customer enrolled in the Demand Response program.";
    CustDrProgramDeEnrollmentDate = "CUST_DR_PROGRAM_DE_ENROLLMENT_DATE", "Date the customer ended enrollment in the Demand Response program.";
    CustDrProgramTermDateRegardlessFinancial = "CUST_DR_PROGRAM_TERM_DATE_REGARDLESS_FINANCIAL", "Earliest date the customer can end enrollment, regardless of financial impact.";
    CustDrProgramTermDateWithoutFinancial = "CUST_DR_PROGRAM_TERM_DATE_WITHOUT_FINANCIAL", "Earliest date the customer can end enrollment without financial impact.";
}

string_code_list! {
    /// Accounting classification of the revenue collected under a customer agreement.
    /// No element of customer.xsd uses this type.
    RevenueKind, "RevenueKind", open;
    Residential = "residential", "Residential revenue.";
    NonResidential = "nonResidential", "Non-residential revenue.";
    Commercial = "commercial", "Commercial revenue.";
    Industrial = "industrial", "Industrial revenue.";
    Irrigation = "irrigation", "Irrigation revenue.";
    StreetLight = "streetLight", "Streetlight revenue.";
    /// Named `Another` because `Other` is the variant for unlisted text.
    Another = "other", "Other revenue kind.";
}

string_code_list! {
    /// Kind of service, as text (customer.xsd `ServiceKind`). No element of
    /// customer.xsd uses this type.
    ///
    /// espi.xsd's `ServiceKind` ([`crate::code_list::ServiceKind`]) is numeric (0 for
    /// electricity, …); this one is a closed enumeration of the names, plus `other`.
    ServiceKind, "ServiceKind", closed;
    Electricity = "electricity", "Electricity service.";
    Gas = "gas", "Gas service.";
    Water = "water", "Water service.";
    Time = "time", "Time service.";
    Heat = "heat", "Heat service.";
    Refuse = "refuse", "Refuse (waste) service.";
    Sewerage = "sewerage", "Sewerage service.";
    Rates = "rates", "Rates (tax, charge, toll, duty, tariff…) service.";
    TvLicence = "tvLicence", "TV licence service.";
    Internet = "internet", "Internet service.";
    /// Named `Another` because `Other` is the variant for unlisted text.
    Another = "other", "Other kind of service.";
}

impl ServiceKind {
    /// The espi.xsd numeric service kind with the same name; `None` for `other`
    /// and for unlisted text, which have no espi.xsd code.
    ///
    /// ```
    /// use espi_model::code_list::ServiceKind as EspiServiceKind;
    /// use espi_model::customer::ServiceKind;
    ///
    /// assert_eq!(ServiceKind::Gas.to_espi(), Some(EspiServiceKind::Gas));
    /// assert_eq!(ServiceKind::Another.to_espi(), None);
    /// ```
    pub fn to_espi(&self) -> Option<crate::code_list::ServiceKind> {
        use crate::code_list::ServiceKind as Espi;
        let kind = match self {
            Self::Electricity => Espi::Electricity,
            Self::Gas => Espi::Gas,
            Self::Water => Espi::Water,
            Self::Time => Espi::Time,
            Self::Heat => Espi::Heat,
            Self::Refuse => Espi::Refuse,
            Self::Sewerage => Espi::Sewerage,
            Self::Rates => Espi::Rates,
            Self::TvLicence => Espi::TvLicence,
            Self::Internet => Espi::Internet,
            Self::Another | Self::Other(_) => return None,
        };
        Some(kind)
    }
}

string_code_list! {
    /// Kind of service supplier (`ServiceSupplier/kind`).
    SupplierKind, "SupplierKind", open;
    Utility = "utility", "Entity that delivers the service to the customer.";
    Retailer = "retailer", "Entity that sells the service but does not deliver it (deregulated markets).";
    /// Named `Another` because `Other` is the variant for unlisted text.
    Another = "other", "Other kind of supplier.";
    Lse = "lse", "Load serving entity.";
    Mdma = "mdma", "Meter data management agent.";
    Msp = "msp", "Meter service provider.";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Listed literals round-trip and unlisted text is kept as `Other`.
    fn check<T: StringCodeList + From<String>>(listed: &[T], schema_count: usize) {
        assert_eq!(listed.len(), schema_count, "{}", T::TYPE_NAME);
        assert_eq!(T::LISTED_WIRE.len(), schema_count, "{}", T::TYPE_NAME);
        for (value, wire) in listed.iter().zip(T::LISTED_WIRE) {
            assert_eq!(value.as_wire(), *wire);
            assert_eq!(&T::from_wire(wire), value);
            assert_eq!(&T::from((*wire).to_owned()), value);
        }
        let odd = T::from_wire("not in the schema");
        assert!(!listed.contains(&odd));
        assert_eq!(odd.as_wire(), "not in the schema");
    }

    #[test]
    fn counts_match_the_schema() {
        // xs:enumeration counts of customer.xsd 4.0.20231213.
        check(CustomerKind::LISTED, 15);
        check(EnrollmentStatus::LISTED, 3);
        check(MediaType::LISTED, 15);
        check(MeterMultiplierKind::LISTED, 6);
        check(NotificationMethodKind::LISTED, 5);
        check(ProgramDateKind::LISTED, 4);
        check(RevenueKind::LISTED, 7);
        check(ServiceKind::LISTED, 11);
        check(SupplierKind::LISTED, 6);
    }

    #[test]
    fn openness_follows_the_schema() {
        use crate::schema::{Facet, Scalar};
        // Only ServiceKind is a plain enumeration; the others are unions with a string type.
        let closed = [
            CustomerKind::CLOSED,
            EnrollmentStatus::CLOSED,
            MediaType::CLOSED,
            MeterMultiplierKind::CLOSED,
            NotificationMethodKind::CLOSED,
            ProgramDateKind::CLOSED,
            RevenueKind::CLOSED,
            ServiceKind::CLOSED,
            SupplierKind::CLOSED,
        ];
        assert_eq!(
            closed,
            [false, false, false, false, false, false, false, true, false]
        );
        // Unlisted text is valid in an open list and invalid in a closed one.
        assert!(
            CustomerKind::from_wire("cooperative")
                .check(Facet::None)
                .is_ok()
        );
        assert!(
            EnrollmentStatus::from_wire("suspended")
                .check(Facet::None)
                .is_ok()
        );
        assert!(
            crate::code_list::EnrollmentStatus::from_wire("suspended")
                .check(Facet::None)
                .is_err()
        );
        assert!(ServiceKind::from_wire("steam").check(Facet::None).is_err());
        assert_eq!(CustomerKind::from_wire("other"), CustomerKind::Another);
    }

    #[test]
    fn service_kind_maps_to_the_espi_code() {
        use crate::code_list::CodeList;
        for kind in ServiceKind::LISTED {
            match kind.to_espi() {
                Some(espi) => assert_eq!(espi.name(), Some(kind.as_wire())),
                None => assert_eq!(kind, &ServiceKind::Another),
            }
        }
    }
}
