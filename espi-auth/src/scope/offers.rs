//! The several scopes an ApplicationInformation offers.

use thiserror::Error;

use super::{Scope, ScopeError, ScopeWarning};

/// The scopes an ApplicationInformation offers: each `<scope>` element is one alternative
/// (espi.xsd `ApplicationInformation`: `scope maxOccurs=unbounded`, each a `String256`).
///
/// ```
/// use espi_auth::OfferedScopes;
///
/// let offers = OfferedScopes::parse([
///     "FB=1_3_4_5_13_31_37_39;IntervalDuration=900;BlockDuration=daily;HistoryLength=63072000",
///     "FB=1_3_4_10_13_15_31_37_39;IntervalDuration=3600;BlockDuration=Daily",
/// ])?;
/// assert_eq!(offers.scopes().len(), 2);
/// assert_eq!(offers.warnings().len(), 1);
/// assert_eq!(offers.warnings()[0].0, 1); // the second offer spells `Daily`
/// # Ok::<(), espi_auth::OfferError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferedScopes {
    scopes: Vec<Scope>,
    warnings: Vec<(usize, ScopeWarning)>,
}

/// An offered scope that could not be parsed, with its index among the offers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("offered scope {index}: {error}")]
pub struct OfferError {
    /// Zero-based index of the offer.
    pub index: usize,
    /// Why it could not be parsed.
    #[source]
    pub error: ScopeError,
}

impl OfferedScopes {
    /// Parses each offer leniently, keeping the warnings with the offer's index.
    pub fn parse<I, S>(offers: I) -> Result<OfferedScopes, OfferError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut result = OfferedScopes::default();
        for (index, offer) in offers.into_iter().enumerate() {
            let parsed =
                Scope::parse(offer.as_ref()).map_err(|error| OfferError { index, error })?;
            result.scopes.push(parsed.scope);
            result
                .warnings
                .extend(parsed.warnings.into_iter().map(|w| (index, w)));
        }
        Ok(result)
    }

    /// Parses each offer strictly.
    pub fn parse_strict<I, S>(offers: I) -> Result<OfferedScopes, OfferError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut result = OfferedScopes::default();
        for (index, offer) in offers.into_iter().enumerate() {
            let scope =
                Scope::parse_strict(offer.as_ref()).map_err(|error| OfferError { index, error })?;
            result.scopes.push(scope);
        }
        Ok(result)
    }

    /// Offers already parsed, in order.
    pub fn from_scopes(scopes: Vec<Scope>) -> OfferedScopes {
        OfferedScopes {
            scopes,
            warnings: Vec::new(),
        }
    }

    /// The offers, in the order given.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Each tolerated deviation with the index of its offer.
    pub fn warnings(&self) -> &[(usize, ScopeWarning)] {
        &self.warnings
    }

    /// The indexes of offers whose canonical form is longer than 256 characters.
    pub fn too_long(&self) -> Vec<usize> {
        self.scopes
            .iter()
            .enumerate()
            .filter(|(_, scope)| !scope.fits_authorization())
            .map(|(index, _)| index)
            .collect()
    }
}
