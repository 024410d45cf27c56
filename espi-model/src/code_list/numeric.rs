//! The numeric code lists of espi.xsd, in the schema's order; rows follow the
//! schema's order inside each list too, so a table can be checked against the XSD
//! by eye.

use super::*;

code_list! {
    /// Classification of a billing line item (`LineItem/itemKind`).
    ItemKind, "ItemKind", u16;
    EnergyGenerationFee = 1, "Energy Generation Fee", "A charge for generation of energy.";
    EnergyDeliveryFee = 2, "Energy Delivery Fee", "A charge for delivery of energy.";
    EnergyUsageFee = 3, "Energy Usage Fee", "A charge for electricity, natural gas, water consumption.";
    AdministrativeFee = 4, "Administrative Fee", "A fee for administrative services.";
    Tax = 5, "Tax", "A local, state, or federal energy tax.";
    EnergyGenerationCredit = 6, "Energy Generation Credit", "A credit, discount or rebate for generation of energy.";
    EnergyDeliveryCredit = 7, "Energy Delivery Credit", "A credit, discount or rebate for delivery of energy.";
    AdministrativeCredit = 8, "Administrative Credit", "A credit, discount or rebate for administrative services.";
    Payment = 9, "Payment", "A payment for a previous billing.";
    Information = 10, "Information", "An informational line item.";
}

code_list! {
    /// How a value is accumulated over time (`ReadingType/accumulationBehaviour`).
    AccumulationKind, "AccumulationKind", u16;
    None = 0, "none", "Not applicable or implied by the unit of measure.";
    BulkQuantity = 1, "bulkQuantity", "A register value representing the bulk quantity of a commodity (the dial reading); rolls over at the maximum dial value.";
    ContinuousCumulative = 2, "continuousCumulative", "The sum of the previous billing period values and the present period value.";
    Cumulative = 3, "cumulative", "The sum of the previous billing period values.";
    DeltaData = 4, "deltaData", "The difference between the value at the end of the prescribed interval and the beginning of the interval (incremental interval data).";
    Indicating = 6, "indicating", "As if a needle is swung out on the meter face to a value to indicate the current value.";
    Summation = 9, "summation", "A form of accumulation which is selective with respect to time.";
    TimeDelay = 10, "timeDelay", "A form of computation which introduces a time delay characteristic to the data value.";
    Instantaneous = 12, "instantaneous", "Measured over the fastest period of time allowed by the definition of the metric.";
    LatchingQuantity = 13, "latchingQuantity", "A time-independent cumulative quantity like a bulk quantity, except that it latches at the maximum value until reset.";
    BoundedQuantity = 14, "boundedQuantity", "A time-independent cumulative quantity like a bulk quantity, except that accumulation stops at the maximum or minimum values.";
}

code_list! {
    /// Commodity classification (`ReadingType/commodity`, `UsageSummary/commodity`).
    CommodityKind, "CommodityKind", u16;
    None = 0, "none", "Not applicable.";
    ElectricitySecondaryMetered = 1, "electricity SecondaryMetered", "All types of metered quantities; the reading comes from the meter and is a secondary metered value.";
    ElectricityPrimaryMetered = 2, "electricity PrimaryMetered", "The metered value with the ratios of external VTs and/or CTs applied (the primary metered value).";
    Communication = 3, "communication", "A measurement of the communication infrastructure itself.";
    Air = 4, "air", "Air.";
    InsulativeGas = 5, "insulativeGas", "Insulative gas (SF6 is listed separately).";
    InsulativeOil = 6, "insulativeOil", "Insulative oil.";
    NaturalGas = 7, "naturalGas", "Natural gas.";
    Propane = 8, "propane", "Propane (C3H8).";
    PotableWater = 9, "potableWater", "Drinkable water.";
    Steam = 10, "steam", "Water in steam form, usually used for heating.";
    WasteWater = 11, "wasteWater", "Waste water (sewerage).";
    HeatingFluid = 12, "heatingFluid", "A heating fluid, likely liquid, not necessarily water based; it returns cooler than sent and the heat conveyed may be metered.";
    CoolingFluid = 13, "coolingFluid", "A cooling fluid; it returns warmer than sent and the heat conveyed may be metered.";
    NonpotableWater = 14, "nonpotableWater", "Reclaimed water, possibly used for irrigation but not treated enough to be safe for drinking.";
    Nox = 15, "nox", "Nitrous oxides (NOx).";
    So2 = 16, "so2", "Sulfur dioxide (SO2).";
    Ch4 = 17, "ch4", "Methane (CH4).";
    Co2 = 18, "co2", "Carbon dioxide (CO2).";
    Carbon = 19, "carbon", "Carbon.";
    Hch = 20, "hch", "Hexachlorocyclohexane (HCH).";
    Pfc = 21, "pfc", "Perfluorocarbons (PFC).";
    Sf6 = 22, "sf6", "Sulfur hexafluoride (SF6).";
    TvLicence = 23, "tvLicence", "Television.";
    Internet = 24, "internet", "Internet service.";
    Refuse = 25, "refuse", "Trash.";
    ElectricityTransmissionMetered = 26, "electricity TransmissionMetered", "Service taken directly from the transmission system without transformation from standard transmission voltages.";
}

code_list! {
    /// Currency of costs, as ISO 4217 numeric codes (`ReadingType/currency`, `UsageSummary/currency`).
    Currency, "Currency", u16;
    USD = 840, "USD", "US dollar.";
    EUR = 978, "EUR", "European euro.";
    AUD = 36, "AUD", "Australian dollar.";
    CAD = 124, "CAD", "Canadian dollar.";
    CHF = 756, "CHF", "Swiss francs.";
    CNY = 156, "CNY", "Chinese yuan renminbi.";
    DKK = 208, "DKK", "Danish crown.";
    GBP = 826, "GBP", "British pound.";
    JPY = 392, "JPY", "Japanese yen.";
    NOK = 578, "NOK", "Norwegian crown.";
    RUB = 643, "RUB", "Russian ruble.";
    SEK = 752, "SEK", "Swedish crown.";
    INR = 356, "INR", "India rupees.";
    /// Named `Another` because `Other` is the variant for unlisted codes.
    Another = 0, "other", "Another type of currency.";
}

code_list! {
    /// A salient attribute of the readings (`ReadingType/dataQualifier`).
    DataQualifierKind, "DataQualifierKind", u16;
    None = 0, "none", "Not applicable.";
    Average = 2, "average", "Average value.";
    Excess = 4, "excess", "The value represents an amount over which a threshold was exceeded.";
    HighThreshold = 5, "highThreshold", "The value represents a programmed threshold.";
    LowThreshold = 7, "lowThreshold", "The value represents a programmed threshold.";
    Maximum = 8, "maximum", "The highest value observed.";
    Minimum = 9, "minimum", "The smallest value observed.";
    Nominal = 11, "nominal", "Nominal.";
    Normal = 12, "normal", "Normal.";
    SecondMaximum = 16, "secondMaximum", "The second highest value observed.";
    SecondMinimum = 17, "secondMinimum", "The second smallest value observed.";
    ThirdMaximum = 23, "thirdMaximum", "The third highest value observed.";
    FourthMaximum = 24, "fourthMaximum", "The fourth highest value observed.";
    FifthMaximum = 25, "fifthMaximum", "The fifth highest value observed.";
    Sum = 26, "sum", "The accumulated sum.";
}

code_list! {
    /// Direction of flow for current-related readings (`ReadingType/flowDirection`).
    FlowDirectionKind, "FlowDirectionKind", u16;
    None = 0, "none", "Not applicable.";
    Forward = 1, "forward", "Delivered or imported (IEC 61968-2): energy supplied by the utility and consumed at the service.";
    Lagging = 2, "lagging", "A power factor lagging the reference value (typically inductive loading).";
    Leading = 3, "leading", "A power factor leading the reference value (typically capacitive loading).";
    Net = 4, "net", "|Forward| − |Reverse| (IEC 61968-2); may be negative in some systems.";
    Q1PlusQ2 = 5, "q1plusQ2", "Reactive positive quadrants (the term lagging is preferred).";
    Q1PlusQ3 = 7, "q1plusQ3", "Quadrants 1 and 3.";
    Q1PlusQ4 = 8, "q1plusQ4", "Quadrants 1 and 4, usually forward active energy.";
    Q1MinusQ4 = 9, "q1minusQ4", "Q1 minus Q4.";
    Q2PlusQ3 = 10, "q2plusQ3", "Quadrants 2 and 3, usually reverse active energy.";
    Q2PlusQ4 = 11, "q2plusQ4", "Quadrants 2 and 4.";
    Q2MinusQ3 = 12, "q2minusQ3", "Q2 minus Q3.";
    Q3PlusQ4 = 13, "q3plusQ4", "Reactive negative quadrants (the term leading is preferred).";
    Q3MinusQ2 = 14, "q3minusQ2", "Q3 minus Q2.";
    Quadrant1 = 15, "quadrant1", "Q1 only.";
    Quadrant2 = 16, "quadrant2", "Q2 only.";
    Quadrant3 = 17, "quadrant3", "Q3 only.";
    Quadrant4 = 18, "quadrant4", "Q4 only.";
    Reverse = 19, "reverse", "Received or exported (IEC 61968-2): energy backfed by the service onto the utility network; always a positive value.";
    Total = 20, "total", "|Forward| + |Reverse| (IEC 61968-2): the sum of the commodity in all quadrants.";
    TotalByPhase = 21, "totalByPhase", "The sum of the absolute values of the phase energies (polyphase metering).";
}

code_list! {
    /// Name of the physical measurement (`ReadingType/kind`).
    MeasurementKind, "MeasurementKind", u16;
    None = 0, "none", "Not applicable.";
    ApparentPowerFactor = 2, "apparentPowerFactor", "Apparent power factor.";
    Currency = 3, "currency", "Currency.";
    Current = 4, "current", "Current.";
    CurrentAngle = 5, "currentAngle", "Current angle.";
    CurrentImbalance = 6, "currentImbalance", "Current imbalance.";
    Date = 7, "date", "Date.";
    Demand = 8, "demand", "Demand.";
    Distance = 9, "distance", "Distance.";
    DistortionVoltAmperes = 10, "distortionVoltAmperes", "Distortion volt-amperes.";
    Energization = 11, "energization", "Energization.";
    Energy = 12, "energy", "Energy.";
    EnergizationLoadSide = 13, "energizationLoadSide", "Energization, load side.";
    Fan = 14, "fan", "Fan.";
    Frequency = 15, "frequency", "Frequency.";
    Funds = 16, "Funds", "Funds (a duplicate of `currency`).";
    Ieee1366Asai = 17, "ieee1366ASAI", "IEEE 1366 ASAI.";
    Ieee1366Asidi = 18, "ieee1366ASIDI", "IEEE 1366 ASIDI.";
    Ieee1366Asifi = 19, "ieee1366ASIFI", "IEEE 1366 ASIFI.";
    Ieee1366Caidi = 20, "ieee1366CAIDI", "IEEE 1366 CAIDI.";
    Ieee1366Caifi = 21, "ieee1366CAIFI", "IEEE 1366 CAIFI.";
    Ieee1366CemiN = 22, "ieee1366CEMIn", "IEEE 1366 CEMIn.";
    Ieee1366CemsmiN = 23, "ieee1366CEMSMIn", "IEEE 1366 CEMSMIn.";
    Ieee1366Ctaidi = 24, "ieee1366CTAIDI", "IEEE 1366 CTAIDI.";
    Ieee1366Maifi = 25, "ieee1366MAIFI", "IEEE 1366 MAIFI.";
    Ieee1366MaifiE = 26, "ieee1366MAIFIe", "IEEE 1366 MAIFIe.";
    Ieee1366Saidi = 27, "ieee1366SAIDI", "IEEE 1366 SAIDI.";
    Ieee1366Saifi = 28, "ieee1366SAIFI", "IEEE 1366 SAIFI.";
    LineLosses = 31, "lineLosses", "Line losses.";
    Losses = 32, "losses", "Losses.";
    NegativeSequence = 33, "negativeSequence", "Negative sequence.";
    PhasorPowerFactor = 34, "phasorPowerFactor", "Phasor power factor.";
    PhasorReactivePower = 35, "phasorReactivePower", "Phasor reactive power.";
    PositiveSequence = 36, "positiveSequence", "Positive sequence.";
    Power = 37, "power", "Power.";
    PowerFactor = 38, "powerFactor", "Power factor.";
    QuantityPower = 40, "quantityPower", "Quantity power.";
    Sag = 41, "sag", "Sag (voltage dip).";
    Swell = 42, "swell", "Swell.";
    SwitchPosition = 43, "switchPosition", "Switch position.";
    TapPosition = 44, "tapPosition", "Tap position.";
    TariffRate = 45, "tariffRate", "Tariff rate.";
    Temperature = 46, "temperature", "Temperature.";
    TotalHarmonicDistortion = 47, "totalHarmonicDistortion", "Total harmonic distortion.";
    TransformerLosses = 48, "transformerLosses", "Transformer losses.";
    UnipedeVoltageDip10to15 = 49, "unipedeVoltageDip10to15", "UNIPEDE voltage dip 10 to 15.";
    UnipedeVoltageDip15to30 = 50, "unipedeVoltageDip15to30", "UNIPEDE voltage dip 15 to 30.";
    UnipedeVoltageDip30to60 = 51, "unipedeVoltageDip30to60", "UNIPEDE voltage dip 30 to 60.";
    UnipedeVoltageDip60to90 = 52, "unipedeVoltageDip60to90", "UNIPEDE voltage dip 60 to 90.";
    UnipedeVoltageDip90to100 = 53, "unipedeVoltageDip90to100", "UNIPEDE voltage dip 90 to 100.";
    Voltage = 54, "voltage", "Voltage.";
    VoltageAngle = 55, "voltageAngle", "Voltage angle.";
    VoltageExcursion = 56, "voltageExcursion", "Voltage excursion.";
    VoltageImbalance = 57, "voltageImbalance", "Voltage imbalance.";
    Volume = 58, "volume", "Volume (fluid volume).";
    ZeroFlowDuration = 59, "zeroFlowDuration", "Zero flow duration.";
    ZeroSequence = 60, "zeroSequence", "Zero sequence.";
    DistortionPowerFactor = 64, "distortionPowerFactor", "Distortion power factor.";
    FrequencyExcursion = 81, "frequencyExcursion", "Frequency excursion (usually a count).";
    ApplicationContext = 90, "applicationContext", "Application context.";
    ApTitle = 91, "apTitle", "AP title.";
    AssetNumber = 92, "assetNumber", "Asset number.";
    Bandwidth = 93, "bandwidth", "Bandwidth.";
    BatteryVoltage = 94, "batteryVoltage", "Battery voltage.";
    BroadcastAddress = 95, "broadcastAddress", "Broadcast address.";
    DeviceAddressType1 = 96, "deviceAddressType1", "Device address type 1.";
    DeviceAddressType2 = 97, "deviceAddressType2", "Device address type 2.";
    DeviceAddressType3 = 98, "deviceAddressType3", "Device address type 3.";
    DeviceAddressType4 = 99, "deviceAddressType4", "Device address type 4.";
    DeviceClass = 100, "deviceClass", "Device class.";
    ElectronicSerialNumber = 101, "electronicSerialNumber", "Electronic serial number.";
    EndDeviceId = 102, "endDeviceID", "End device ID.";
    GroupAddressType1 = 103, "groupAddressType1", "Group address type 1.";
    GroupAddressType2 = 104, "groupAddressType2", "Group address type 2.";
    GroupAddressType3 = 105, "groupAddressType3", "Group address type 3.";
    GroupAddressType4 = 106, "groupAddressType4", "Group address type 4.";
    IpAddress = 107, "ipAddress", "IP address.";
    MacAddress = 108, "macAddress", "MAC address.";
    MfgAssignedConfigurationId = 109, "mfgAssignedConfigurationID", "Manufacturer-assigned configuration ID.";
    MfgAssignedPhysicalSerialNumber = 110, "mfgAssignedPhysicalSerialNumber", "Manufacturer-assigned physical serial number.";
    MfgAssignedProductNumber = 111, "mfgAssignedProductNumber", "Manufacturer-assigned product number.";
    MfgAssignedUniqueCommunicationAddress = 112, "mfgAssignedUniqueCommunicationAddress", "Manufacturer-assigned unique communication address.";
    MultiCastAddress = 113, "multiCastAddress", "Multicast address.";
    OneWayAddress = 114, "oneWayAddress", "One-way address.";
    SignalStrength = 115, "signalStrength", "Signal strength.";
    TwoWayAddress = 116, "twoWayAddress", "Two-way address.";
    SignalToNoiseRatio = 117, "signaltoNoiseRatio", "Signal-to-noise ratio.";
    Alarm = 118, "alarm", "Alarm.";
    BatteryCarryover = 119, "batteryCarryover", "Battery carryover.";
    DataOverflowAlarm = 120, "dataOverflowAlarm", "Data overflow alarm.";
    DemandLimit = 121, "demandLimit", "Demand limit.";
    DemandReset = 122, "demandReset", "Demand reset (usually a count per billing cycle).";
    Diagnostic = 123, "diagnostic", "Diagnostic.";
    EmergencyLimit = 124, "emergencyLimit", "Emergency limit.";
    EncoderTamper = 125, "encoderTamper", "Encoder tamper.";
    Ieee1366MomentaryInterruption = 126, "ieee1366MomentaryInterruption", "IEEE 1366 momentary interruption.";
    Ieee1366MomentaryInterruptionEvent = 127, "ieee1366MomentaryInterruptionEvent", "IEEE 1366 momentary interruption event.";
    Ieee1366SustainedInterruption = 128, "ieee1366SustainedInterruption", "IEEE 1366 sustained interruption.";
    InterruptionBehaviour = 129, "interruptionBehaviour", "Interruption behaviour.";
    InversionTamper = 130, "inversionTamper", "Inversion tamper.";
    LoadInterrupt = 131, "loadInterrupt", "Load interrupt.";
    LoadShed = 132, "loadShed", "Load shed.";
    Maintenance = 133, "maintenance", "Maintenance.";
    PhysicalTamper = 134, "physicalTamper", "Physical tamper.";
    PowerLossTamper = 135, "powerLossTamper", "Power loss tamper.";
    PowerOutage = 136, "powerOutage", "Power outage.";
    PowerQuality = 137, "powerQuality", "Power quality.";
    PowerRestoration = 138, "powerRestoration", "Power restoration.";
    Programmed = 139, "programmed", "Programmed.";
    Pushbutton = 140, "pushbutton", "Push button.";
    RelayActivation = 141, "relayActivation", "Relay activation.";
    RelayCycle = 142, "relayCycle", "Relay cycle (usually a count).";
    RemovalTamper = 143, "removalTamper", "Removal tamper.";
    ReprogrammingTamper = 144, "reprogrammingTamper", "Reprogramming tamper.";
    ReverseRotationTamper = 145, "reverseRotationTamper", "Reverse rotation tamper.";
    SwitchArmed = 146, "switchArmed", "Switch armed.";
    SwitchDisabled = 147, "switchDisabled", "Switch disabled.";
    Tamper = 148, "tamper", "Tamper.";
    WatchdogTimeout = 149, "watchdogTimeout", "Watchdog timeout.";
    BillLastPeriod = 150, "billLastPeriod", "Customer’s bill for the previous billing period (currency).";
    BillToDate = 151, "billToDate", "Customer’s bill as known so far within the present billing period (currency).";
    /// The schema text is truncated ("Customer’s bill for the (Currency)").
    BillCarryover = 152, "billCarryover", "Customer’s bill carryover (currency).";
    ConnectionFee = 153, "connectionFee", "Monthly fee for connection to the commodity.";
    AudibleVolume = 154, "audibleVolume", "Audible volume (sound).";
    VolumetricFlow = 155, "volumetricFlow", "Volumetric flow.";
}

code_list! {
    /// Phases involved in a measurement (`ReadingType/phase`, `UsagePoint/phaseCode`).
    ///
    /// Phases 1 and 2 (S1, S2) are the hot wires of a split-phase secondary circuit, N the neutral.
    #[allow(
        clippy::upper_case_acronyms,
        reason = "phase codes are conventionally written in capitals, as the schema does"
    )]
    PhaseCodeKind, "PhaseCodeKind", u16;
    ABCN = 225, "ABCN", "ABC to neutral.";
    ABC = 224, "ABC", "Involving all phases.";
    ABN = 193, "ABN", "AB to neutral.";
    ACN = 41, "ACN", "Phases A, C and neutral.";
    BCN = 97, "BCN", "BC to neutral.";
    AB = 132, "AB", "Phases A to B.";
    AC = 96, "AC", "Phases A and C.";
    BC = 66, "BC", "Phases B to C.";
    AN = 129, "AN", "Phase A to neutral.";
    BN = 65, "BN", "Phase B to neutral.";
    CN = 33, "CN", "Phase C to neutral.";
    A = 128, "A", "Phase A.";
    B = 64, "B", "Phase B.";
    C = 32, "C", "Phase C.";
    N = 16, "N", "Neutral.";
    S2N = 272, "S2N", "Phase S2 to neutral.";
    S12N = 784, "S12N", "Phase S1, S2 to neutral (the IEC 61968-9 code).";
    S1N = 528, "S1N", "Phase S1 to neutral.";
    S2 = 256, "S2", "Phase S2.";
    S12 = 768, "S12", "Phase S1 to S2.";
    /// The schema gives code 769 the same name as 784; 769 is the code used in Green Button samples.
    S12NAlt = 769, "S12N", "Phase S1, S2 to N.";
    None = 0, "none", "Not applicable to any phase.";
    AtoAv = 136, "AtoAv", "Phase A current relative to phase A voltage.";
    BAv = 72, "BAv", "Phase B current or voltage relative to phase A voltage.";
    CAv = 40, "CAv", "Phase C current or voltage relative to phase A voltage.";
    NG = 17, "NG", "Neutral to ground.";
    S1 = 512, "S1", "Phase S1.";
}

code_list! {
    /// Power-of-ten multiplier of a unit (`ReadingType/powerOfTenMultiplier`, `SummaryMeasurement/powerOfTenMultiplier`).
    ///
    /// The code is the exponent itself: value × 10^code.
    UnitMultiplierKind, "UnitMultiplierKind", i16;
    Pico = -12, "p", "Pico, 10^-12.";
    Nano = -9, "n", "Nano, 10^-9.";
    Micro = -6, "micro", "Micro, 10^-6.";
    Milli = -3, "m", "Milli, 10^-3.";
    Centi = -2, "c", "Centi, 10^-2.";
    Deci = -1, "d", "Deci, 10^-1.";
    Kilo = 3, "k", "Kilo, 10^3.";
    Mega = 6, "M", "Mega, 10^6.";
    Giga = 9, "G", "Giga, 10^9.";
    Tera = 12, "T", "Tera, 10^12.";
    None = 0, "none", "Not applicable, or ×1.";
    Deca = 1, "da", "Deca, 10^1.";
    Hecto = 2, "h", "Hecto, 10^2.";
}

code_list! {
    /// Quality of a reading (`ReadingQuality/quality`, `ReadingType/defaultQuality`, `UsageSummary/qualityOfReading`).
    QualityOfReading, "QualityOfReading", u16;
    Valid = 0, "valid", "Data that has gone through all required validation checks and either passed them all or has been verified.";
    ManuallyEdited = 7, "manually edited", "Replaced or approved by a human.";
    EstimatedUsingReferenceDay = 8, "estimated using reference day", "Replaced by a machine-computed value based on historical data of the same type of measurement.";
    EstimatedUsingLinearInterpolation = 9, "estimated using linear interpolation", "Computed by linear interpolation from the readings before and after it.";
    Questionable = 10, "questionable", "Data that has failed one or more checks.";
    Derived = 11, "derived", "Data that has been calculated (using logic or mathematical operations).";
    Projected = 12, "projected (forecast)", "Data calculated as a projection or forecast of future readings.";
    Mixed = 13, "mixed", "The quality of this reading has mixed characteristics.";
    Raw = 14, "raw", "Data that has not gone through validation.";
    NormalizedForWeather = 15, "normalized for weather", "The values have been adjusted to account for weather.";
    /// Named `OtherCharacteristic` because `Other` is the variant for unlisted codes.
    OtherCharacteristic = 16, "other", "A characteristic applies other than those defined.";
    Validated = 17, "validated", "Data validated and possibly edited and/or estimated in accordance with approved procedures.";
    Verified = 18, "verified", "Data that failed at least one required validation check but was determined to represent actual usage.";
    RevenueQuality = 19, "revenue-quality", "Data that is valid and acceptable for billing purposes.";
}

code_list! {
    /// Kind of service of a UsagePoint (`ServiceCategory/kind`).
    ServiceKind, "ServiceKind", u16;
    Electricity = 0, "electricity", "Electricity service.";
    Gas = 1, "gas", "Gas service.";
    Water = 2, "water", "Water service.";
    Time = 3, "time", "Time service.";
    Heat = 4, "heat", "Heat service.";
    Refuse = 5, "refuse", "Refuse (waste) service.";
    Sewerage = 6, "sewerage", "Sewerage service.";
    Rates = 7, "rates", "Rates (e.g. tax, charge, toll, duty, tariff) service.";
    TvLicence = 8, "tvLicence", "TV licence service.";
    Internet = 9, "internet", "Internet service.";
}

code_list! {
    /// Interval method of the readings (`ReadingType/measuringPeriod`).
    ///
    /// Note the schema's naming: `measuringPeriod` has this type, while
    /// `ReadingType/timeAttribute` has type [`TimePeriodOfInterest`].
    TimeAttributeKind, "TimeAttributeKind", u16;
    None = 0, "none", "Not applicable.";
    TenMinute = 1, "tenMinute", "10-minute.";
    FifteenMinute = 2, "fifteenMinute", "15-minute.";
    OneMinute = 3, "oneMinute", "1-minute.";
    TwentyFourHour = 4, "twentyfourHour", "24-hour.";
    ThirtyMinute = 5, "thirtyMinute", "30-minute.";
    FiveMinute = 6, "fiveMinute", "5-minute.";
    SixtyMinute = 7, "sixtyMinute", "60-minute.";
    TwoMinute = 10, "twoMinute", "2-minute.";
    ThreeMinute = 14, "threeMinute", "3-minute.";
    Present = 15, "present", "Within the present period of time.";
    Previous = 16, "previous", "Shifted within the previous monthly cycle and data set.";
    TwentyMinute = 31, "twentyMinute", "20-minute interval.";
    FixedBlock60Min = 50, "fixedBlock60Min", "60-minute fixed block.";
    FixedBlock30Min = 51, "fixedBlock30Min", "30-minute fixed block.";
    FixedBlock20Min = 52, "fixedBlock20Min", "20-minute fixed block.";
    FixedBlock15Min = 53, "fixedBlock15Min", "15-minute fixed block.";
    FixedBlock10Min = 54, "fixedBlock10Min", "10-minute fixed block.";
    FixedBlock5Min = 55, "fixedBlock5Min", "5-minute fixed block.";
    FixedBlock1Min = 56, "fixedBlock1Min", "1-minute fixed block.";
    RollingBlock60MinIntvl30MinSubIntvl = 57, "rollingBlock60MinIntvl30MinSubIntvl", "60-minute rolling block with 30-minute sub-intervals.";
    RollingBlock60MinIntvl20MinSubIntvl = 58, "rollingBlock60MinIntvl20MinSubIntvl", "60-minute rolling block with 20-minute sub-intervals.";
    RollingBlock60MinIntvl15MinSubIntvl = 59, "rollingBlock60MinIntvl15MinSubIntvl", "60-minute rolling block with 15-minute sub-intervals.";
    RollingBlock60MinIntvl12MinSubIntvl = 60, "rollingBlock60MinIntvl12MinSubIntvl", "60-minute rolling block with 12-minute sub-intervals.";
    RollingBlock60MinIntvl10MinSubIntvl = 61, "rollingBlock60MinIntvl10MinSubIntvl", "60-minute rolling block with 10-minute sub-intervals.";
    RollingBlock60MinIntvl6MinSubIntvl = 62, "rollingBlock60MinIntvl6MinSubIntvl", "60-minute rolling block with 6-minute sub-intervals.";
    RollingBlock60MinIntvl5MinSubIntvl = 63, "rollingBlock60MinIntvl5MinSubIntvl", "60-minute rolling block with 5-minute sub-intervals.";
    RollingBlock60MinIntvl4MinSubIntvl = 64, "rollingBlock60MinIntvl4MinSubIntvl", "60-minute rolling block with 4-minute sub-intervals.";
    RollingBlock30MinIntvl15MinSubIntvl = 65, "rollingBlock30MinIntvl15MinSubIntvl", "30-minute rolling block with 15-minute sub-intervals.";
    RollingBlock30MinIntvl10MinSubIntvl = 66, "rollingBlock30MinIntvl10MinSubIntvl", "30-minute rolling block with 10-minute sub-intervals.";
    RollingBlock30MinIntvl6MinSubIntvl = 67, "rollingBlock30MinIntvl6MinSubIntvl", "30-minute rolling block with 6-minute sub-intervals.";
    RollingBlock30MinIntvl5MinSubIntvl = 68, "rollingBlock30MinIntvl5MinSubIntvl", "30-minute rolling block with 5-minute sub-intervals.";
    RollingBlock30MinIntvl3MinSubIntvl = 69, "rollingBlock30MinIntvl3MinSubIntvl", "30-minute rolling block with 3-minute sub-intervals.";
    RollingBlock30MinIntvl2MinSubIntvl = 70, "rollingBlock30MinIntvl2MinSubIntvl", "30-minute rolling block with 2-minute sub-intervals.";
    RollingBlock15MinIntvl5MinSubIntvl = 71, "rollingBlock15MinIntvl5MinSubIntvl", "15-minute rolling block with 5-minute sub-intervals.";
    RollingBlock15MinIntvl3MinSubIntvl = 72, "rollingBlock15MinIntvl3MinSubIntvl", "15-minute rolling block with 3-minute sub-intervals.";
    RollingBlock15MinIntvl1MinSubIntvl = 73, "rollingBlock15MinIntvl1MinSubIntvl", "15-minute rolling block with 1-minute sub-intervals.";
    RollingBlock10MinIntvl5MinSubIntvl = 74, "rollingBlock10MinIntvl5MinSubIntvl", "10-minute rolling block with 5-minute sub-intervals.";
    RollingBlock10MinIntvl2MinSubIntvl = 75, "rollingBlock10MinIntvl2MinSubIntvl", "10-minute rolling block with 2-minute sub-intervals.";
    RollingBlock10MinIntvl1MinSubIntvl = 76, "rollingBlock10MinIntvl1MinSubIntvl", "10-minute rolling block with 1-minute sub-intervals.";
    RollingBlock5MinIntvl1MinSubIntvl = 77, "rollingBlock5MinIntvl1MinSubIntvl", "5-minute rolling block with 1-minute sub-intervals.";
}

code_list! {
    /// Period of interest of the readings (`ReadingType/timeAttribute`).
    TimePeriodOfInterest, "TimePeriodOfInterest", u16;
    None = 0, "none", "Not applicable.";
    BillingPeriod = 8, "billingPeriod", "The billing period, starting at midnight of its first day; for the current period, from its start until now.";
    Daily = 11, "daily", "The day, starting at midnight; for the current day, from midnight until now.";
    Monthly = 13, "monthly", "The month, starting at midnight of its first day; for the current month, from its start until now.";
    Seasonal = 22, "seasonal", "A season spanning several months; for the current season, from its start until now.";
    Weekly = 24, "weekly", "The week, from midnight of its first day to just before midnight of its last; for the current week, from its start until now.";
    SpecifiedPeriod = 32, "specifiedPeriod", "The period defined by the start and end of the TimePeriod element in the message.";
}

code_list! {
    /// Base unit of measure (`ReadingType/uom`, `SummaryMeasurement/uom`), scaled by a [`UnitMultiplierKind`].
    ///
    /// Variant names follow the schema names with a capital first letter,
    /// except `Henry` (`H`) and `Hour` (`h`), which would otherwise clash.
    /// See [`UnitSymbolKind::symbol`] and [`unit_label`] for display.
    UnitSymbolKind, "UnitSymbolKind", u16;
    VA = 61, "VA", "Apparent power, volt-ampere (VA).";
    W = 38, "W", "Real power, watt (W): one joule per second.";
    VAr = 63, "VAr", "Reactive power, volt-ampere reactive (VAr).";
    VAh = 71, "VAh", "Apparent energy, volt-ampere hours (VAh).";
    Wh = 72, "Wh", "Real energy, watt-hours (Wh).";
    VArh = 73, "VArh", "Reactive energy, volt-ampere reactive hours (VArh).";
    V = 29, "V", "Electric potential, volt (W/A).";
    Ohm = 30, "ohm", "Electric resistance, ohm (V/A), Ω.";
    A = 5, "A", "Current, ampere (A).";
    /// The schema gives `°C` as this unit's symbol; the farad's symbol is F.
    F = 25, "F", "Electric capacitance, farad (C/V), F.";
    Henry = 28, "H", "Electric inductance, henry (Wb/A), H.";
    DegC = 23, "degC", "Relative temperature in degrees Celsius (°C); `degC` distinguishes it from the coulomb (C).";
    Sec = 27, "sec", "Time, seconds (s).";
    Min = 159, "min", "Time, minute = 60 s (min).";
    Hour = 160, "h", "Time, hour = 60 min (h).";
    Deg = 9, "deg", "Plane angle, degrees (°).";
    Rad = 10, "rad", "Plane angle, radian (m/m).";
    J = 31, "J", "Energy, joule (N·m = C·V = W·s).";
    N = 32, "n", "Force, newton (kg·m/s²), N.";
    Siemens = 53, "siemens", "Electric conductance, siemens (A/V = 1/Ω), S.";
    None = 0, "none", "Not applicable, no unit.";
    Hz = 33, "Hz", "Frequency, hertz (1/s).";
    G = 3, "g", "Mass, gram (g).";
    Pa = 39, "pa", "Pressure, pascal (N/m²), Pa; absolute or relative pressure is implied.";
    M = 2, "m", "Length, metre (m).";
    M2 = 41, "m2", "Area, square metre (m²).";
    M3 = 42, "m3", "Volume, cubic metre (m³).";
    A2 = 69, "A2", "Amperes squared (A²).";
    A2h = 105, "A2h", "Ampere-squared hours (A²h).";
    A2s = 70, "A2s", "Ampere-squared seconds (A²s).";
    Ah = 106, "Ah", "Ampere-hours (Ah).";
    APerA = 152, "APerA", "Current ratio, amperes per ampere (A/A).";
    APerM = 103, "APerM", "Magnetic field strength, amperes per metre (A/m).";
    As = 68, "As", "Ampere-seconds (As).";
    B = 79, "b", "Sound pressure level, bel (B SPL); with multiplier `d`, dB (SPL).";
    Bm = 113, "bm", "Signal strength, bel-milliwatts normalised to 1 mW (Bm); with multiplier `d`, dBm.";
    Bq = 22, "bq", "Radioactivity, becquerel (1/s), Bq.";
    Btu = 132, "btu", "Energy, British thermal units (BTU).";
    BtuPerH = 133, "btuPerH", "Power, BTU per hour (BTU/h).";
    Cd = 8, "cd", "Luminous intensity, candela (cd).";
    Char = 76, "char", "Number of characters (char).";
    HzPerSec = 75, "HzPerSec", "Rate of change of frequency, hertz per second (Hz/s).";
    Code = 114, "code", "Application value, encoded value (code).";
    CosTheta = 65, "cosTheta", "Power factor, dimensionless (cos θ).";
    Count = 111, "count", "Counter value (count).";
    Ft3 = 119, "ft3", "Volume, cubic feet (ft³).";
    Ft3Compensated = 120, "ft3compensated", "Volume, compensated cubic feet (ft³(compensated)).";
    Ft3CompensatedPerH = 123, "ft3compensatedPerH", "Volumetric flow rate, compensated cubic feet per hour (ft³(compensated)/h).";
    GM2 = 78, "gM2", "Turbine inertia, gram·metre² (g·m²); with multiplier `k`, kg·m².";
    GPerG = 144, "gPerG", "Concentration, mass of solute per mass of solution (g/g).";
    Gy = 21, "gy", "Absorbed dose, gray (J/kg), Gy.";
    HzPerHz = 150, "HzPerHz", "Frequency ratio (Hz/Hz).";
    CharPerSec = 77, "charPerSec", "Data rate, characters per second (char/s).";
    ImperialGal = 130, "imperialGal", "Volume, imperial gallons.";
    ImperialGalPerH = 131, "imperialGalPerH", "Volumetric flow rate, imperial gallons per hour.";
    JPerK = 51, "jPerK", "Heat capacity, joules per kelvin (J/K).";
    JPerKg = 165, "jPerKg", "Specific energy, joules per kilogram (J/kg).";
    K = 6, "K", "Temperature, kelvin (K).";
    Kat = 158, "kat", "Catalytic activity, katal = mol/s (kat).";
    /// The schema gives `M` as this unit's symbol.
    KgM = 47, "kgM", "Moment of mass, kilogram metre (kg·m).";
    /// Despite the schema name, the unit is g/m³; the schema says to combine it with multiplier `k` for kg/m³.
    KgPerM3 = 48, "kgPerM3", "Density, grams per cubic metre (g/m³).";
    Litre = 134, "litre", "Volume, litre = dm³ = m³/1000 (L).";
    LitreCompensated = 157, "litreCompensated", "Volume, litres compensated for weather effects (L(compensated)).";
    LitreCompensatedPerH = 138, "litreCompensatedPerH", "Volumetric flow rate, compensated litres per hour (L(compensated)/h).";
    LitrePerH = 137, "litrePerH", "Volumetric flow rate, litres per hour (L/h).";
    LitrePerLitre = 143, "litrePerLitre", "Concentration, volume of solute per volume of solution (L/L).";
    LitrePerSec = 82, "litrePerSec", "Volumetric flow rate, litres per second (L/s).";
    LitreUncompensated = 156, "litreUncompensated", "Volume, litres uncompensated for weather effects (L(uncompensated)).";
    LitreUncompensatedPerH = 139, "litreUncompensatedPerH", "Volumetric flow rate, uncompensated litres per hour (L(uncompensated)/h).";
    Lm = 35, "lm", "Luminous flux, lumen (cd·sr), lm.";
    /// The schema gives `L(uncompensated)/h` as this unit's symbol.
    Lx = 34, "lx", "Illuminance, lux (lm/m²), lx.";
    M2PerSec = 49, "m2PerSec", "Viscosity, square metres per second (m²/s).";
    M3Compensated = 167, "m3compensated", "Volume, cubic metres compensated for weather effects (m³(compensated)).";
    M3CompensatedPerH = 126, "m3compensatedPerH", "Volumetric flow rate, compensated cubic metres per hour (m³(compensated)/h).";
    M3PerH = 125, "m3PerH", "Volumetric flow rate, cubic metres per hour (m³/h).";
    M3PerSec = 45, "m3PerSec", "Volumetric flow rate, cubic metres per second (m³/s).";
    M3Uncompensated = 166, "m3uncompensated", "Volume, cubic metres uncompensated for weather effects (m³(uncompensated)).";
    M3UncompensatedPerH = 127, "m3uncompensatedPerH", "Volumetric flow rate, uncompensated cubic metres per hour (m³(uncompensated)/h).";
    MeCode = 118, "meCode", "End device event: the value is an EndDeviceEventCode (meCode).";
    Mol = 7, "mol", "Amount of substance, mole (mol).";
    MolPerKg = 147, "molPerKg", "Concentration, molality: moles of solute per kilogram of solvent (mol/kg).";
    MolPerM3 = 145, "molPerM3", "Concentration, moles per cubic metre of solution (mol/m³).";
    MolPerMol = 146, "molPerMol", "Concentration, molar fraction (mol/mol).";
    Money = 80, "money", "Generic monetary unit (¤); the specific currency is given by [`Currency`].";
    MPerM = 148, "mPerM", "Length ratio (m/m).";
    MPerM3 = 46, "mPerM3", "Fuel efficiency, metres per cubic metre (m/m³).";
    MPerSec = 43, "mPerSec", "Velocity, metres per second (m/s).";
    MPerSec2 = 44, "mPerSec2", "Acceleration, metres per second squared (m/s²).";
    OhmM = 102, "ohmM", "Resistivity, ρ (Ω·m).";
    PaA = 155, "paA", "Pressure, pascal absolute (PaA).";
    PaG = 140, "paG", "Pressure, pascal gauge (PaG).";
    PsiA = 141, "psiA", "Pressure, pounds per square inch absolute (psiA).";
    PsiG = 142, "psiG", "Pressure, pounds per square inch gauge (psiG).";
    Q = 100, "q", "Quantity power (Q).";
    Q45 = 161, "q45", "Quantity power, Q measured at 45° (Q45).";
    Q45h = 163, "q45h", "Quantity energy, Q measured at 45° (Q45h).";
    Q60 = 162, "q60", "Quantity power, Q measured at 60° (Q60).";
    Q60h = 164, "q60h", "Quantity energy, Qh measured at 60° (Q60h).";
    Qh = 101, "qh", "Quantity energy (Qh).";
    RadPerSec = 54, "radPerSec", "Angular velocity, radians per second (rad/s).";
    Rev = 154, "rev", "Amount of rotation, revolutions (rev).";
    RevPerSec = 4, "revPerSec", "Rotational speed, revolutions per second (rev/s).";
    SecPerSec = 149, "secPerSec", "Time ratio (s/s), e.g. a clock drift rate in µs/s with a multiplier.";
    Sr = 11, "sr", "Solid angle, steradian (m²/m²), sr.";
    Status = 109, "status", "State: 1 = true, live, on, high, set; 0 = false, dead, off, low, cleared.";
    Sv = 24, "sv", "Dose equivalent, sievert (J/kg), Sv.";
    T = 37, "t", "Magnetic flux density, tesla (Wb/m²), T.";
    Therm = 169, "therm", "Energy, therm.";
    TimeStamp = 108, "timeStamp", "Timestamp, time and date per ISO 8601.";
    UsGal = 128, "usGal", "Volume, US gallons.";
    UsGalPerH = 129, "usGalPerH", "Volumetric flow rate, US gallons per hour.";
    V2 = 67, "V2", "Volts squared (W²/A²), V².";
    V2h = 104, "V2h", "Volt-squared hours (V²h).";
    VAhPerRev = 117, "VAhPerRev", "Apparent energy metering constant, Kh-VAh (VAh/rev).";
    VArhPerRev = 116, "VArhPerRev", "Reactive energy metering constant, Kh-VArh (VArh/rev).";
    VPerHz = 74, "VPerHz", "Magnetic flux, volts per hertz (V/Hz).";
    VPerV = 151, "VPerV", "Voltage ratio, e.g. mV/V (V/V).";
    Vs = 66, "Vs", "Volt-seconds (Ws/A), Vs.";
    Wb = 36, "wb", "Magnetic flux, weber (V·s), Wb.";
    WhPerM3 = 107, "WhPerM3", "Energy per volume, watt-hours per cubic metre (Wh/m³).";
    WhPerRev = 115, "WhPerRev", "Active energy metering constant, Kh-Wh (Wh/rev).";
    WPerMK = 50, "wPerMK", "Thermal conductivity, watts per metre kelvin (W/(m·K)).";
    WPerSec = 81, "WPerSec", "Ramp rate, watts per second (W/s).";
    WPerVA = 153, "WPerVA", "Power factor, watts per volt-ampere (W/VA).";
    WPerW = 168, "WPerW", "Signal strength, power ratio (W/W).";
}

code_list! {
    /// Status code of a transaction (`BatchItemInfo/statusCode`); HTTP status codes.
    StatusCode, "StatusCode", u16;
    Ok = 200, "Ok", "OK.";
    Created = 201, "Created", "Created.";
    Accepted = 202, "Accepted", "Accepted.";
    NoContent = 204, "No Content", "No content.";
    MovedPermanently = 301, "Moved Permanently", "Moved permanently.";
    Redirect = 302, "Redirect", "Redirect.";
    NotModified = 304, "Not Modified", "Not modified.";
    BadRequest = 400, "Bad Request", "Bad request.";
    Unauthorized = 401, "Unauthorized", "Unauthorized.";
    Forbidden = 403, "Forbidden", "Forbidden.";
    NotFound = 404, "Not Found", "Not found.";
    MethodNotAllowed = 405, "Method Not Allowed", "Method not allowed.";
    Gone = 410, "Gone", "Gone.";
    InternalServerError = 500, "Internal Server Error", "Internal server error.";
}

code_list! {
    /// Operation requested of an item (`BatchItemInfo/operation`).
    CRUDOperation, "CRUDOperation", u16;
    Create = 0, "Create", "Create.";
    Read = 1, "Read", "Read.";
    Update = 2, "Update", "Update.";
    Delete = 3, "Delete", "Delete.";
}

code_list! {
    /// Status of a third-party application as set by the Data Custodian (`ApplicationInformation/dataCustodianApplicationStatus`).
    DataCustodianApplicationStatus, "DataCustodianApplicationStatus", u16;
    Review = 1, "Review", "Review.";
    Production = 2, "Production (Live)", "Production (live).";
    OnHold = 3, "On Hold", "On hold.";
    Revoked = 4, "Revoked", "Revoked.";
}

code_list! {
    /// Status of a third-party application as reported by the Third Party (`ApplicationInformation/thirdPartyApplicationStatus`).
    ///
    /// The schema misspells the type name `ThirdPartyApplicatonStatus`; `TYPE_NAME` keeps that spelling.
    ThirdPartyApplicationStatus, "ThirdPartyApplicatonStatus", u16;
    Development = 1, "Development", "Development.";
    ReviewTest = 2, "ReviewTest", "Review/test.";
    Production = 3, "Production", "Live.";
    Retired = 4, "Retired", "Removed.";
}

code_list! {
    /// Type of a third-party application (`ApplicationInformation/thirdPartyApplicationType`).
    ThirdPartyApplicationType, "ThirdPartyApplicationType", u16;
    Web = 1, "Web", "The application is on the web.";
    Desktop = 2, "Desktop", "The application is on a desktop.";
    Mobile = 3, "Mobile", "The application is on a mobile device.";
    Device = 4, "Device", "The application is on another device.";
}

code_list! {
    /// Expected use of a third-party application (`ApplicationInformation/thirdPartyApplicationUse`).
    ThirdPartyApplicationUse, "ThirdPartyApplicationUse", u16;
    EnergyManagement = 1, "EnergyManagement", "Energy management.";
    Comparisons = 2, "Comparisons", "Analytical.";
    Government = 3, "Government", "Governmental.";
    Academic = 4, "Academic", "Academic.";
    LawEnforcement = 5, "LawEnforcement", "Law enforcement.";
}

code_list! {
    /// Status of an Authorization (`Authorization/status`).
    AuthorizationStatus, "AuthorizationStatus", u16;
    Revoked = 0, "Revoked", "Revoked.";
    Active = 1, "Active", "Active.";
    Denied = 2, "Denied", "Denied.";
}

code_list! {
    /// Current status of the Data Custodian's service (`ServiceStatus/currentStatus`).
    ServiceStatusCode, "ESPIServiceStatus", u16;
    Unavailable = 0, "Unavailable", "Unavailable.";
    Normal = 1, "Normal", "Normal; operational.";
}
