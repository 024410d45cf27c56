//! Devices: the meter and end device with their `AssetContainer` and `Asset`
//! bases, lifecycle dates, acceptance tests and meter multipliers (customer.xsd
//! `Meter`, `EndDevice`, `AssetContainer`, `Asset`, `LifecycleDate`,
//! `AcceptanceTest`, `MeterMultiplier`).

use super::code_list::MeterMultiplierKind;

crate::schema::espi_element! {
    /// Dates of the lifecycle events of an asset, in epoch seconds (customer.xsd
    /// `LifecycleDate`, extends `Object`).
    pub struct LifecycleDate: "LifecycleDate" extends Object {
        /// When the asset was manufactured.
        pub manufactured_date: Option<i64> = "manufacturedDate",
        /// When the asset was purchased.
        pub purchase_date: Option<i64> = "purchaseDate",
        /// When the asset was received into inventory.
        pub received_date: Option<i64> = "receivedDate",
        /// When the current installation was completed.
        pub installation_date: Option<i64> = "installationDate",
        /// When the asset was last removed from service.
        pub removal_date: Option<i64> = "removalDate",
        /// When the asset was permanently retired from service.
        pub retired_date: Option<i64> = "retiredDate",
    }
}

crate::schema::espi_element! {
    /// An acceptance test of an asset (customer.xsd `AcceptanceTest`, extends `Object`).
    pub struct AcceptanceTest: "AcceptanceTest" extends Object {
        /// Type of test performed (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Whether the asset passed and may be placed in service.
        pub success: Option<bool> = "success",
        /// When the asset was last tested (epoch seconds).
        pub date_time: Option<i64> = "dateTime",
    }
}

crate::schema::espi_element! {
    /// A multiplier applied at a meter (customer.xsd `MeterMultiplier`, extends `Object`).
    pub struct MeterMultiplier: "MeterMultiplier" extends Object {
        /// Kind of multiplier.
        pub kind: Option<MeterMultiplierKind> = "kind",
        /// The multiplier (xs:float: `INF`, `-INF` and `NaN` included).
        pub value: Option<f32> = "value",
    }
}

crate::schema::espi_base! {
    /// A tangible resource of the utility (customer.xsd `Asset`, extends
    /// `IdentifiedObject`); the base of [`AssetContainer`].
    pub struct Asset: "Asset" extends IdentifiedObject {
        /// Utility-specific classification of the asset (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Uniquely tracked commodity (UTC) number.
        pub utc_number: Option<String> = "utcNumber" (MaxLength(256)),
        /// Serial number.
        pub serial_number: Option<String> = "serialNumber" (MaxLength(256)),
        /// Manufacturing lot number.
        pub lot_number: Option<String> = "lotNumber" (MaxLength(256)),
        /// Purchase price (Int48; the schema gives no unit).
        pub purchase_price: Option<i64> = "purchasePrice" (Int48),
        /// Whether the asset is critical.
        pub critical: Option<bool> = "critical",
        /// Electronic address.
        pub electronic_address: Option<crate::customer::ElectronicAddress> = "electronicAddress",
        /// Lifecycle dates.
        pub lifecycle: Option<crate::customer::LifecycleDate> = "lifecycle",
        /// Acceptance test.
        pub acceptance_test: Option<crate::customer::AcceptanceTest> = "acceptanceTest",
        /// Condition in inventory or at installation: new, rebuilt…
        pub initial_condition: Option<String> = "initialCondition" (MaxLength(256)),
        /// Percentage of expected life already used when reconditioned; 0 for new
        /// devices (PerCent: 0 to 100).
        pub initial_loss_of_life: Option<i64> = "initialLossOfLife" (Range(0, 100)),
        /// Status of the asset.
        pub status: Option<crate::customer::Status> = "status",
    }
}

crate::schema::espi_base! {
    /// An asset made of other assets (customer.xsd `AssetContainer`, extends `Asset`
    /// without adding elements); the base of [`EndDevice`].
    pub struct AssetContainer: "AssetContainer" extends Asset {}
}

crate::schema::espi_base! {
    /// A device performing end device functions: metering, load management,
    /// connect/disconnect… (customer.xsd `EndDevice`, extends `AssetContainer`).
    pub struct EndDevice: "EndDevice" extends AssetContainer {
        /// Whether there is no physical device (e.g. a virtual meter aggregating others).
        pub is_virtual: Option<bool> = "isVirtual",
        /// Whether this is a premises area network (PAN) device.
        pub is_pan: Option<bool> = "isPan",
        /// Installation code.
        pub install_code: Option<String> = "installCode" (MaxLength(256)),
        /// AMR or other system that communicates with the device.
        pub amr_system: Option<String> = "amrSystem" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// The physical asset that meters a usage point (customer.xsd `Meter`, extends
    /// `EndDevice`).
    pub struct Meter: "Meter" extends EndDevice {
        /// Meter form designation (ANSI C12.10 or another standard).
        pub form_number: Option<String> = "formNumber" (MaxLength(256)),
        /// Multipliers applied at the meter.
        pub meter_multipliers: Vec<MeterMultiplier> = "MeterMultipliers",
        /// Current interval length in seconds.
        pub interval_length: Option<u32> = "intervalLength",
    }
}
