//! Resources and the elements inside them: each read through its type's one
//! description (`espi_model::schema::Element`), children matched by local name in the
//! resource's namespace, order and required elements checked, everything the schema
//! does not define kept as raw XML.

use super::Mode;
use super::cursor::{Inner, NameBuf, Step};
use crate::error::{Diagnostic, DiagnosticKind, Error};
use crate::namespace::Ns;
use crate::start_tag::raw_element;
use espi_model::raw::{RawElement, RawNode};
use espi_model::resource::{Namespace, Resource, ResourceBuilder, ResourceKind};
use espi_model::schema::{Element, ElementReader, Field, Scalar};
use std::io::BufRead;

impl<R: BufRead> Inner<R> {
    /// Reads a resource whose start tag has just been read (saved).
    pub(super) fn read_resource(
        &mut self,
        ns: Ns,
        local: &str,
        empty: bool,
        root: bool,
    ) -> Result<Resource, Error> {
        let namespace = match ns {
            Ns::Espi => Some(Namespace::Espi),
            Ns::Customer => Some(Namespace::Customer),
            _ => None,
        };
        let kind = namespace.map_or(ResourceKind::Unknown, |namespace| {
            ResourceKind::from_name(namespace, local)
        });
        if kind == ResourceKind::Unknown {
            let declared = match ns {
                Ns::Espi => ESPI_GLOBAL_ELEMENTS.contains(&local),
                Ns::Customer => CUSTOMER_GLOBAL_ELEMENTS.contains(&local),
                _ => false,
            };
            if !declared {
                let place = if root {
                    "the document root"
                } else {
                    "atom:content"
                };
                // Reported before the element is read, so the position is its start tag.
                let element = self.saved_name()?;
                self.invalid_or_diagnose(DiagnosticKind::UnknownElement, &format!(
                    "{element} as {place} is not an element the ESPI, customer or Atom schemas declare; kept as raw XML"
                ))?;
            }
            return self.capture_raw().map(Resource::Unknown);
        }
        self.check_attributes()?;
        // The children of a resource are in the resource's own namespace.
        self.content_ns = ns;
        let resource = kind.build(&mut ResourceElement { inner: self, empty })?;
        resource.ok_or_else(|| self.xml_error("internal: an untyped kind reached the typed reader"))
    }

    /// Reads an element of a complex type whose start tag has just been read.
    fn read_element<T: Element>(&mut self, empty: bool) -> Result<T, Error> {
        let mut value = T::default();
        self.read_element_into(&mut value, empty)?;
        Ok(value)
    }

    /// Reads the children of the element just started into `value`, then checks that
    /// the required ones are there.
    fn read_element_into<T: Element>(&mut self, value: &mut T, empty: bool) -> Result<(), Error> {
        if !empty {
            self.read_children(value)?;
        }
        let mut missing = value.missing_required();
        // A required child whose text did not fit its type is kept as raw XML and was
        // reported then; it is not missing a second time.
        missing.retain(|name| {
            !value
                .unknown_elements_mut()
                .iter()
                .any(|raw| raw.name.local == *name)
        });
        if !missing.is_empty() {
            self.invalid_or_diagnose(
                DiagnosticKind::MissingRequired,
                &format!(
                    "{} lacks required element(s) {}",
                    T::TYPE_NAME,
                    missing.join(", ")
                ),
            )?;
        }
        Ok(())
    }

    fn read_children<T: Element>(&mut self, value: &mut T) -> Result<(), Error> {
        let mut last_index = 0usize;
        let mut name = NameBuf::default();
        loop {
            let (ns, fits) = match self.next_step(&mut name)? {
                Step::End => return Ok(()),
                Step::Child(ns, fits) => (ns, fits),
                other => {
                    self.common_step(&other, T::TYPE_NAME)?;
                    continue;
                }
            };
            let known = ns == self.content_ns && fits;
            let mut index = if known {
                value.read_child(name.as_bytes(), self)?
            } else {
                None
            };
            if index.is_none() && known {
                index = self.read_recased_child(value, name.as_str())?;
            }
            match index {
                Some(index) => {
                    if index < last_index {
                        self.invalid_or_diagnose(
                            DiagnosticKind::OutOfOrder,
                            &format!(
                                "{} in {} is out of schema order (it belongs before {})",
                                T::FIELDS[index],
                                T::TYPE_NAME,
                                T::FIELDS[last_index]
                            ),
                        )?;
                    }
                    last_index = last_index.max(index);
                }
                None => {
                    // Reported before the element is read, so the position is its start tag.
                    let element = self.saved_name()?;
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        &format!(
                            "{element} is not an element of {}; kept as raw XML",
                            T::TYPE_NAME
                        ),
                    )?;
                    let raw = self.capture_raw()?;
                    value.unknown_elements_mut().push(raw);
                }
            }
            if let Some(raw) = self.pending_raw.take() {
                value.unknown_elements_mut().push(raw);
            }
        }
    }

    /// Lenient only: a child whose name differs from a field only in the case of its
    /// first letter (`ServiceDeliveryPoint` for `serviceDeliveryPoint` in pre-3.x files).
    fn read_recased_child<T: Element>(
        &mut self,
        value: &mut T,
        local: &str,
    ) -> Result<Option<usize>, Error> {
        if self.mode == Mode::Strict {
            return Ok(None);
        }
        let mut chars = local.chars();
        let Some(first) = chars.next() else {
            return Ok(None);
        };
        let swapped: String = if first.is_uppercase() {
            first.to_lowercase().chain(chars).collect()
        } else {
            first.to_uppercase().chain(chars).collect()
        };
        let Some(field) = T::FIELDS.iter().find(|field| **field == swapped) else {
            return Ok(None);
        };
        let position = self.position();
        self.diagnostics.push(Diagnostic {
            position,
            kind: DiagnosticKind::RecasedName,
            message: format!(
                "<{local}> in {} read as <{field}>, the schema's spelling",
                T::TYPE_NAME
            ),
        });
        value.read_child(field.as_bytes(), self)
    }
}

/// Reads the saved resource element as the type [`ResourceKind::build`] asks for.
struct ResourceElement<'a, R> {
    inner: &'a mut Inner<R>,
    empty: bool,
}

impl<R: BufRead> ResourceBuilder for ResourceElement<'_, R> {
    type Error = Error;
    fn build<T: Element>(&mut self) -> Result<T, Error> {
        self.inner.read_element(self.empty)
    }
}

impl<R: BufRead> ElementReader for Inner<R> {
    type Error = Error;

    fn scalar<T: Scalar>(&mut self, field: &'static Field) -> Result<Option<T>, Error> {
        // Typed children take no attributes; raw (xs:anyType) ones keep theirs.
        if self.saved.attributes {
            self.check_attributes()?;
        }
        if self.read_text(self.saved.empty)? {
            return Ok(None);
        }
        // XML whitespace is ASCII whitespace less form feed, which XML text cannot contain.
        let text = if T::TRIM {
            self.text.trim_ascii()
        } else {
            self.text.as_str()
        };
        match T::parse_text(text) {
            Ok(value) => {
                if let Err(reason) = value.check(field.facet) {
                    self.invalid_or_diagnose(
                        DiagnosticKind::FacetViolation,
                        &format!("<{}>: {reason}; kept", field.name),
                    )?;
                }
                Ok(Some(value))
            }
            Err(error) => {
                self.invalid_or_diagnose(
                    DiagnosticKind::InvalidValue,
                    &format!("<{}>: {error}; kept as raw XML", field.name),
                )?;
                let mut raw = raw_element(&self.xml, &self.saved.start(&self.buf))?;
                raw.children.push(RawNode::Text(self.text.clone()));
                self.pending_raw = Some(raw);
                Ok(None)
            }
        }
    }

    fn element<T: Element>(&mut self, value: &mut T) -> Result<(), Error> {
        if self.saved.attributes {
            self.check_attributes()?;
        }
        self.read_element_into(value, self.saved.empty)
    }

    // Cold (extensions are rare): kept out of line so that the typed fields' code
    // around it stays small enough to inline.
    #[inline(never)]
    #[cold]
    fn raw(&mut self) -> Result<RawElement, Error> {
        self.capture_raw()
    }

    fn repeated(&mut self, field: &'static Field) -> Result<(), Error> {
        self.invalid_or_diagnose(
            DiagnosticKind::RepeatedElement,
            &format!(
                "<{}> occurs more than once; the first is kept, the repeat as raw XML",
                field.name
            ),
        )?;
        let raw = self.capture_raw()?;
        self.pending_raw = Some(raw);
        Ok(())
    }
}

/// The global elements of espi.xsd 4.0 (the ones that may stand alone); the resources
/// among them are typed, the rest (IntervalReading, DateTimeInterval…) are kept as raw
/// XML when they stand alone.
const ESPI_GLOBAL_ELEMENTS: [&str; 20] = [
    "ApplicationInformation",
    "Authorization",
    "IntervalBlock",
    "IntervalReading",
    "MeterReading",
    "ReadingQuality",
    "ReadingType",
    "IdentifiedObject",
    "UsagePoint",
    "ElectricPowerQualitySummary",
    "ElectricPowerUsageSummary",
    "UsageSummary",
    "DateTimeInterval",
    "SummaryMeasurement",
    "BatchItemInfo",
    "Object",
    "ServiceStatus",
    "LocalTimeParameters",
    "ProgramIdMappings",
    "BatchList",
];

/// The global elements of customer.xsd 4.0; the resources among them are typed, the
/// rest may stand alone and are kept as raw XML.
const CUSTOMER_GLOBAL_ELEMENTS: [&str; 44] = [
    "AcceptanceTest",
    "AccountNotification",
    "Agreement",
    "Asset",
    "AssetContainer",
    "BatchItemInfo",
    "BatchList",
    "Customer",
    "CustomerAccount",
    "CustomerAgreement",
    "DateTimeInterval",
    "DemandResponseProgram",
    "Document",
    "ElectronicAddress",
    "EndDevice",
    "IdentifiedObject",
    "LifecycleDate",
    "LocalTimeParameters",
    "Location",
    "Meter",
    "MeterMultiplier",
    "Object",
    "Organisation",
    "OrganisationRole",
    "PositionPoint",
    "PricingStructure",
    "Priority",
    "ProgramDate",
    "ProgramDateIdMapping",
    "ProgramDateIdMappings",
    "ServiceLocation",
    "ServiceSupplier",
    "Statement",
    "StatementRef",
    "Status",
    "StreetAddress",
    "StreetDetail",
    "SummaryMeasurement",
    "TelephoneNumber",
    "TimeConfiguration",
    "TownDetail",
    "UsagePoint",
    "UsagePoints",
    "WorkLocation",
];
