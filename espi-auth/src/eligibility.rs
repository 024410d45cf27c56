//! The Ameren Share My Usage eligibility rules ([`check_eligibility`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An Ameren Illinois electric delivery service (rate) class.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceClass {
    /// DS-1, residential. Eligible.
    Ds1,
    /// DS-2, small general service (< 150 kW). Eligible.
    Ds2,
    /// DS-3, general service 150–1,000 kW. Not eligible.
    Ds3,
    /// DS-3A, the small-commercial part of DS-3 that the program names. Eligible.
    Ds3A,
    /// DS-4, large general service (> 1,000 kW). Not eligible.
    Ds4,
    /// Any other class, by its name as the utility writes it. Not eligible.
    Other(String),
}

impl ServiceClass {
    /// Whether the program admits customers of this class: DS-1, DS-2 and DS-3A.
    pub fn is_eligible(&self) -> bool {
        matches!(
            self,
            ServiceClass::Ds1 | ServiceClass::Ds2 | ServiceClass::Ds3A
        )
    }
}

impl fmt::Display for ServiceClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceClass::Ds1 => "DS-1",
            ServiceClass::Ds2 => "DS-2",
            ServiceClass::Ds3 => "DS-3",
            ServiceClass::Ds3A => "DS-3A",
            ServiceClass::Ds4 => "DS-4",
            ServiceClass::Other(name) => name,
        })
    }
}

/// The state of the customer's service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceState {
    /// Illinois (Ameren Illinois). Eligible.
    Illinois,
    /// Missouri (Ameren Missouri). Not eligible.
    Missouri,
    /// Any other state, by name. Not eligible.
    Other(String),
}

impl fmt::Display for ServiceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceState::Illinois => "Illinois",
            ServiceState::Missouri => "Missouri",
            ServiceState::Other(name) => name,
        })
    }
}

/// The state of a third party's registration with Ameren Illinois.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ThirdPartyRegistration {
    /// Applied, not yet approved (the review takes 2–4 weeks).
    Pending,
    /// Registered and approved: active until discontinued or revoked.
    Approved,
    /// The third party discontinued its services with Ameren.
    Discontinued,
    /// Ameren revoked the third party's registration.
    Revoked,
}

/// The customer side of an eligibility check.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomerProfile {
    /// The delivery service class.
    pub class: ServiceClass,
    /// Whether the customer has an advanced (smart, AMI) meter that uses wireless /
    /// over-the-air billing.
    pub ami_over_the_air: bool,
    /// The state of the service.
    pub state: ServiceState,
}

/// The third-party side of an eligibility check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThirdParty {
    /// Whether the third party is a Retail Electric Supplier or acts as one's agent.
    pub is_res: bool,
    /// The registration with Ameren Illinois; `None` when the third party never
    /// registered.
    pub registration: Option<ThirdPartyRegistration>,
}

/// One reason a customer and third party are not eligible for Share My Usage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Error)]
pub enum Ineligible {
    /// The customer's service class is not DS-1, DS-2 or DS-3A.
    #[error("service class {0} is not eligible (residential DS-1, DS-2 and DS-3A are)")]
    ServiceClass(ServiceClass),
    /// The customer lacks an AMI meter with over-the-air billing.
    #[error("the customer has no smart (AMI) meter with over-the-air billing")]
    NoOverTheAirAmi,
    /// The service is not in Illinois (Ameren Missouri customers are excluded).
    #[error("the service is in {0}, not Illinois")]
    NotIllinois(ServiceState),
    /// The third party is a Retail Electric Supplier or a RES's agent.
    #[error("the third party is a Retail Electric Supplier or its agent")]
    RetailElectricSupplier,
    /// The third party has not registered.
    #[error("the third party is not registered")]
    NotRegistered,
    /// The registration is not approved yet.
    #[error("the third party's registration is pending approval")]
    RegistrationPending,
    /// The third party discontinued its registration.
    #[error("the third party's registration was discontinued")]
    RegistrationDiscontinued,
    /// Ameren revoked the registration.
    #[error("the third party's registration was revoked")]
    RegistrationRevoked,
}

/// The reasons a customer is not eligible, in rule order; empty when eligible.
pub fn customer_ineligibility(customer: &CustomerProfile) -> Vec<Ineligible> {
    let mut reasons = Vec::new();
    if !customer.class.is_eligible() {
        reasons.push(Ineligible::ServiceClass(customer.class.clone()));
    }
    if !customer.ami_over_the_air {
        reasons.push(Ineligible::NoOverTheAirAmi);
    }
    if customer.state != ServiceState::Illinois {
        reasons.push(Ineligible::NotIllinois(customer.state.clone()));
    }
    reasons
}

/// The reasons a third party is not eligible, in rule order; empty when eligible.
pub fn third_party_ineligibility(third_party: &ThirdParty) -> Vec<Ineligible> {
    let mut reasons = Vec::new();
    if third_party.is_res {
        reasons.push(Ineligible::RetailElectricSupplier);
    }
    match third_party.registration {
        None => reasons.push(Ineligible::NotRegistered),
        Some(ThirdPartyRegistration::Pending) => reasons.push(Ineligible::RegistrationPending),
        Some(ThirdPartyRegistration::Approved) => {}
        Some(ThirdPartyRegistration::Discontinued) => {
            reasons.push(Ineligible::RegistrationDiscontinued)
        }
        Some(ThirdPartyRegistration::Revoked) => reasons.push(Ineligible::RegistrationRevoked),
    }
    reasons
}

/// Whether `customer` may share usage data with `third_party` under Share My Usage:
/// `Ok(())`, or every reason not, customer reasons first.
///
/// Ameren Illinois "Share My Usage" eligibility as explicit rules, from the program's
/// pages for third parties (<https://www.ameren.com/partners/account-and-data/share-my-usage>).
///
/// [`check_eligibility`] applies every rule to a [`CustomerProfile`] and a [`ThirdParty`] and returns
/// either `Ok(())` or **every** reason the pair is not eligible, in a fixed order
/// (customer rules first, then third-party rules), so a consent page or a registration
/// review can show them all at once.
///
/// The rules:
///
/// * **Customer — service class.** Residential (DS-1) and small commercial DS-2 and
///   DS-3A are eligible; DS-3, DS-4 and any other class are not ("Must be an Ameren
///   Illinois residential or small commercial (DS-2 & DS-3A) customer").
/// * **Customer — meter.** An advanced ("smart", AMI) meter that uses wireless /
///   over-the-air billing; the program page lists both, and the data shared is AMI
///   interval data, so they are one yes/no fact here: [`CustomerProfile::ami_over_the_air`].
/// * **Customer — state.** Ameren *Illinois* only; not available to Ameren Missouri
///   customers (the program's pages).
/// * **Third party — not a RES.** A Retail Electric Supplier, or its agent, is outside
///   the program (ICC Docket 15-0073 covers "Third Parties Other Than Retail Electric
///   Suppliers"): [`ThirdParty::is_res`] is true for either.
/// * **Third party — registration.** The third party must be registered and approved;
///   an approved registration stays active until the third party discontinues it or
///   Ameren revokes it ([`ThirdPartyRegistration`]). Not registered at all is its own reason.
///
/// ```
/// use espi_auth::{
///     check_eligibility, CustomerProfile, Ineligible, ThirdPartyRegistration, ServiceClass, ServiceState, ThirdParty,
/// };
///
/// let customer = CustomerProfile {
///     class: ServiceClass::Ds1,
///     ami_over_the_air: true,
///     state: ServiceState::Illinois,
/// };
/// let approved = ThirdParty { is_res: false, registration: Some(ThirdPartyRegistration::Approved) };
/// assert_eq!(check_eligibility(&customer, &approved), Ok(()));
///
/// let large = CustomerProfile { class: ServiceClass::Ds4, ..customer.clone() };
/// let pending = ThirdParty { registration: Some(ThirdPartyRegistration::Pending), ..approved };
/// assert_eq!(
///     check_eligibility(&large, &pending),
///     Err(vec![
///         Ineligible::ServiceClass(ServiceClass::Ds4),
///         Ineligible::RegistrationPending,
///     ])
/// );
/// ```
pub fn check_eligibility(
    customer: &CustomerProfile,
    third_party: &ThirdParty,
) -> Result<(), Vec<Ineligible>> {
    let mut reasons = customer_ineligibility(customer);
    reasons.extend(third_party_ineligibility(third_party));
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> CustomerProfile {
        CustomerProfile {
            class: ServiceClass::Ds1,
            ami_over_the_air: true,
            state: ServiceState::Illinois,
        }
    }

    fn third_party() -> ThirdParty {
        ThirdParty {
            is_res: false,
            registration: Some(ThirdPartyRegistration::Approved),
        }
    }

    fn only(customer: &CustomerProfile, third_party: &ThirdParty) -> Ineligible {
        match check_eligibility(customer, third_party) {
            Err(reasons) if reasons.len() == 1 => reasons[0].clone(),
            other => panic!("expected one reason, got {other:?}"),
        }
    }

    #[test]
    fn eligible_classes() {
        for class in [ServiceClass::Ds1, ServiceClass::Ds2, ServiceClass::Ds3A] {
            let customer = CustomerProfile {
                class,
                ..customer()
            };
            assert_eq!(check_eligibility(&customer, &third_party()), Ok(()));
        }
    }

    #[test]
    fn ineligible_classes() {
        for class in [
            ServiceClass::Ds3,
            ServiceClass::Ds4,
            ServiceClass::Other("DS-5".to_owned()),
        ] {
            let customer = CustomerProfile {
                class: class.clone(),
                ..customer()
            };
            assert_eq!(
                only(&customer, &third_party()),
                Ineligible::ServiceClass(class)
            );
        }
    }

    #[test]
    fn meter_without_over_the_air_billing() {
        let customer = CustomerProfile {
            ami_over_the_air: false,
            ..customer()
        };
        assert_eq!(only(&customer, &third_party()), Ineligible::NoOverTheAirAmi);
    }

    #[test]
    fn missouri_and_other_states() {
        for state in [ServiceState::Missouri, ServiceState::Other("Iowa".into())] {
            let customer = CustomerProfile {
                state: state.clone(),
                ..customer()
            };
            assert_eq!(
                only(&customer, &third_party()),
                Ineligible::NotIllinois(state)
            );
        }
    }

    #[test]
    fn retail_electric_supplier() {
        let res = ThirdParty {
            is_res: true,
            ..third_party()
        };
        assert_eq!(only(&customer(), &res), Ineligible::RetailElectricSupplier);
    }

    #[test]
    fn registration_states() {
        let cases = [
            (None, Some(Ineligible::NotRegistered)),
            (
                Some(ThirdPartyRegistration::Pending),
                Some(Ineligible::RegistrationPending),
            ),
            (Some(ThirdPartyRegistration::Approved), None),
            (
                Some(ThirdPartyRegistration::Discontinued),
                Some(Ineligible::RegistrationDiscontinued),
            ),
            (
                Some(ThirdPartyRegistration::Revoked),
                Some(Ineligible::RegistrationRevoked),
            ),
        ];
        for (registration, reason) in cases {
            let party = ThirdParty {
                registration,
                ..third_party()
            };
            match reason {
                None => assert_eq!(check_eligibility(&customer(), &party), Ok(())),
                Some(reason) => assert_eq!(only(&customer(), &party), reason),
            }
        }
    }

    #[test]
    fn every_reason_is_listed_in_rule_order() {
        let customer = CustomerProfile {
            class: ServiceClass::Ds4,
            ami_over_the_air: false,
            state: ServiceState::Missouri,
        };
        let party = ThirdParty {
            is_res: true,
            registration: Some(ThirdPartyRegistration::Revoked),
        };
        assert_eq!(
            check_eligibility(&customer, &party),
            Err(vec![
                Ineligible::ServiceClass(ServiceClass::Ds4),
                Ineligible::NoOverTheAirAmi,
                Ineligible::NotIllinois(ServiceState::Missouri),
                Ineligible::RetailElectricSupplier,
                Ineligible::RegistrationRevoked,
            ])
        );
        assert_eq!(
            Ineligible::ServiceClass(ServiceClass::Ds3).to_string(),
            "service class DS-3 is not eligible (residential DS-1, DS-2 and DS-3A are)"
        );
    }
}
