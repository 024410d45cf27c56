//! The scope parser, lenient or strict, with the byte position of every finding.

use super::terms::{is_bulk_id_byte, is_extension_key_byte, is_extension_value_byte};
use super::{
    BulkId, ExtensionTerm, HistoryLength, MONTHS_THRESHOLD, NamedFrequency, Period, Scope,
    ScopeError, ScopeIrregularity, ScopeWarning,
};

/// The keys of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    FunctionBlocks,
    IntervalDuration,
    BlockDuration,
    HistoryLength,
    SubscriptionFrequency,
    AccountCollection,
    BulkId,
}

impl Key {
    const ALL: [Key; 7] = [
        Key::FunctionBlocks,
        Key::IntervalDuration,
        Key::BlockDuration,
        Key::HistoryLength,
        Key::SubscriptionFrequency,
        Key::AccountCollection,
        Key::BulkId,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Key::FunctionBlocks => "FB",
            Key::IntervalDuration => "IntervalDuration",
            Key::BlockDuration => "BlockDuration",
            Key::HistoryLength => "HistoryLength",
            Key::SubscriptionFrequency => "SubscriptionFrequency",
            Key::AccountCollection => "AccountCollection",
            Key::BulkId => "BR",
        }
    }

    pub(super) fn from_str_ignore_case(text: &str) -> Option<Key> {
        Key::ALL
            .into_iter()
            .find(|key| key.as_str().eq_ignore_ascii_case(text))
    }

    /// The group of the grammar: FBTerms, ValueTerms, ResourceTerms ([`Scope`](crate::Scope)).
    fn group(self) -> u8 {
        match self {
            Key::FunctionBlocks => 0,
            Key::IntervalDuration
            | Key::BlockDuration
            | Key::HistoryLength
            | Key::SubscriptionFrequency => 1,
            Key::AccountCollection | Key::BulkId => 2,
        }
    }
}

/// The value of one grammar term, before it is put in the [`Scope`].
enum Value {
    FunctionBlocks(Vec<u16>),
    IntervalDuration(Vec<Period>),
    BlockDuration(Vec<Period>),
    HistoryLength(HistoryLength),
    SubscriptionFrequency(Period),
    AccountCollection(u64),
    BulkId(BulkId),
}

impl Value {
    fn set(self, scope: &mut Scope) {
        match self {
            Value::FunctionBlocks(blocks) => scope.function_blocks = blocks,
            Value::IntervalDuration(periods) => scope.interval_duration = periods,
            Value::BlockDuration(periods) => scope.block_duration = periods,
            Value::HistoryLength(history) => scope.history_length = Some(history),
            Value::SubscriptionFrequency(period) => scope.subscription_frequency = Some(period),
            Value::AccountCollection(count) => scope.account_collection = Some(count),
            Value::BulkId(id) => scope.bulk_id = Some(id),
        }
    }

    /// Whether `scope` already holds this value (a list as a set: order and repeats
    /// do not change what it grants).
    fn same_as_in(&self, scope: &Scope) -> bool {
        fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
            a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
        }
        match self {
            Value::FunctionBlocks(blocks) => same_set(blocks, &scope.function_blocks),
            Value::IntervalDuration(periods) => same_set(periods, &scope.interval_duration),
            Value::BlockDuration(periods) => same_set(periods, &scope.block_duration),
            Value::HistoryLength(history) => scope.history_length == Some(*history),
            Value::SubscriptionFrequency(period) => scope.subscription_frequency == Some(*period),
            Value::AccountCollection(count) => scope.account_collection == Some(*count),
            Value::BulkId(id) => scope.bulk_id.as_ref() == Some(id),
        }
    }
}

/// One parse of one input; `strict` decides whether an [`ScopeIrregularity`] is a warning or an error.
pub(super) struct Parser<'a> {
    pub(super) input: &'a str,
    pub(super) strict: bool,
    pub(super) warnings: Vec<ScopeWarning>,
}

/// A piece of the input with its byte offset.
#[derive(Clone, Copy)]
struct Span<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Span<'a> {
    /// Splits on `separator`, keeping each piece's offset.
    fn split(self, separator: char) -> impl Iterator<Item = Span<'a>> {
        let base = self.position;
        let text = self.text;
        // `split` yields consecutive pieces, so each offset is the previous end plus one.
        let mut next = 0;
        text.split(separator).map(move |piece| {
            let span = Span {
                text: piece,
                position: base + next,
            };
            next += piece.len() + separator.len_utf8();
            span
        })
    }
}

fn is_space(c: char) -> bool {
    c.is_ascii_whitespace()
}

impl Parser<'_> {
    fn tolerate(&mut self, position: usize, kind: ScopeIrregularity) -> Result<(), ScopeError> {
        if self.strict {
            Err(ScopeError::Irregular { position, kind })
        } else {
            self.warnings.push(ScopeWarning { position, kind });
            Ok(())
        }
    }

    /// Removes leading whitespace, tolerating it where present.
    fn trim_start<'s>(&mut self, span: Span<'s>) -> Result<Span<'s>, ScopeError> {
        let text = span.text.trim_start_matches(is_space);
        let leading = span.text.len() - text.len();
        if leading > 0 {
            self.tolerate(span.position, ScopeIrregularity::Whitespace)?;
        }
        Ok(Span {
            text,
            position: span.position + leading,
        })
    }

    /// Removes trailing whitespace, tolerating it where present.
    fn trim_end<'s>(&mut self, span: Span<'s>) -> Result<Span<'s>, ScopeError> {
        let text = span.text.trim_end_matches(is_space);
        if text.len() < span.text.len() {
            self.tolerate(span.position + text.len(), ScopeIrregularity::Whitespace)?;
        }
        Ok(Span {
            text,
            position: span.position,
        })
    }

    pub(super) fn scope(&mut self) -> Result<Scope, ScopeError> {
        let mut scope = Scope::default();
        let whole = Span {
            text: self.input,
            position: 0,
        };
        let terms: Vec<Span<'_>> = whole.split(';').collect();
        // Where each grammar key was first seen, for duplicates.
        let mut seen: Vec<(Key, usize)> = Vec::new();
        let mut previous_empty = false;
        for (index, raw) in terms.iter().enumerate() {
            let is_last = index + 1 == terms.len();
            if raw.text.trim_matches(is_space).is_empty() {
                self.trim_start(*raw)?;
                if !is_last {
                    self.tolerate(raw.position, ScopeIrregularity::EmptyTerm)?;
                } else if index > 0 && !previous_empty {
                    // The empty piece after a final `;`; after an empty term, that `;`
                    // was reported as ending it.
                    self.tolerate(raw.position - 1, ScopeIrregularity::TrailingDelimiter)?;
                }
                previous_empty = true;
                continue;
            }
            previous_empty = false;
            // Whitespace is tolerated in input order: before the key, after the key,
            // before the value, after the value.
            let term = self.trim_start(*raw)?;
            self.term(term, &mut scope, &mut seen)?;
        }
        Ok(scope)
    }

    fn term(
        &mut self,
        term: Span<'_>,
        scope: &mut Scope,
        seen: &mut Vec<(Key, usize)>,
    ) -> Result<(), ScopeError> {
        let Some(equals) = term.text.find('=') else {
            return Err(ScopeError::MissingEquals {
                position: term.position,
                term: term.text.to_string(),
            });
        };
        let raw_key = Span {
            text: &term.text[..equals],
            position: term.position,
        };
        let raw_value = Span {
            text: &term.text[equals + 1..],
            position: term.position + equals + 1,
        };
        let key = self.trim_end(raw_key)?;
        if key.text.is_empty() {
            return Err(ScopeError::EmptyKey {
                position: term.position + equals,
            });
        }
        let key_text = key.text;
        let value = self.trim_start(raw_value)?;
        let value = self.trim_end(value)?;
        if value.text.is_empty() {
            return Err(ScopeError::EmptyValue {
                position: value.position,
                key: key_text.to_string(),
            });
        }

        let Some(key) = Key::from_str_ignore_case(key_text) else {
            return self.extension(key_text, term.position, value, scope);
        };
        if key.as_str() != key_text {
            self.tolerate(
                term.position,
                ScopeIrregularity::KeyCase {
                    found: key_text.to_string(),
                    expected: key.as_str(),
                },
            )?;
        }
        // The grammar: FBTerms, then ValueTerms, then ResourceTerms.
        if let Some(&(later, _)) = seen.iter().find(|(k, _)| k.group() > key.group()) {
            self.tolerate(
                term.position,
                ScopeIrregularity::TermOutOfOrder {
                    key: key.as_str(),
                    after: later.as_str(),
                },
            )?;
        }
        let parsed = self.value(key, key_text, value)?;
        match seen.iter().find(|(k, _)| *k == key) {
            None => {
                seen.push((key, term.position));
                parsed.set(scope);
                Ok(())
            }
            Some(&(_, first)) if parsed.same_as_in(scope) => self.tolerate(
                term.position,
                ScopeIrregularity::DuplicateTerm {
                    key: key.as_str(),
                    first,
                },
            ),
            Some(&(_, first)) => Err(ScopeError::DuplicateKey {
                position: term.position,
                key: key.as_str(),
                first,
            }),
        }
    }

    /// The value of a grammar term.
    fn value(&mut self, key: Key, key_text: &str, value: Span<'_>) -> Result<Value, ScopeError> {
        Ok(match key {
            Key::FunctionBlocks => Value::FunctionBlocks(self.function_blocks(key_text, value)?),
            Key::IntervalDuration => Value::IntervalDuration(self.periods(key, key_text, value)?),
            Key::BlockDuration => Value::BlockDuration(self.periods(key, key_text, value)?),
            Key::HistoryLength => {
                let months_or_seconds = number(key_text, value)?;
                if months_or_seconds <= MONTHS_THRESHOLD {
                    self.tolerate(
                        value.position,
                        ScopeIrregularity::HistoryLengthInMonths {
                            value: months_or_seconds,
                        },
                    )?;
                }
                Value::HistoryLength(HistoryLength(months_or_seconds))
            }
            Key::SubscriptionFrequency => {
                Value::SubscriptionFrequency(self.period(key_text, value)?)
            }
            Key::AccountCollection => Value::AccountCollection(number(key_text, value)?),
            Key::BulkId => {
                if let Some(bad) = value.text.bytes().position(|b| !is_bulk_id_byte(b)) {
                    return Err(ScopeError::InvalidValue {
                        position: value.position + bad,
                        key: key_text.to_string(),
                        found: value.text.to_string(),
                        expected: "a bulk id of 0-9, A-Z, a-z and `-`",
                    });
                }
                Value::BulkId(BulkId(value.text.to_string()))
            }
        })
    }

    fn extension(
        &mut self,
        key: &str,
        key_position: usize,
        value: Span<'_>,
        scope: &mut Scope,
    ) -> Result<(), ScopeError> {
        if let Some(bad) = key.bytes().position(|b| !is_extension_key_byte(b)) {
            return Err(ScopeError::InvalidValue {
                position: key_position + bad,
                key: key.to_string(),
                found: key.to_string(),
                expected: "a key of 0-9, A-Z, a-z, `_`, `-` and `.`",
            });
        }
        if let Some(bad) = value.text.bytes().position(|b| !is_extension_value_byte(b)) {
            return Err(ScopeError::InvalidValue {
                position: value.position + bad,
                key: key.to_string(),
                found: value.text.to_string(),
                expected: "printable ASCII without spaces",
            });
        }
        scope.extensions.push(ExtensionTerm {
            key: key.to_string(),
            value: value.text.to_string(),
        });
        Ok(())
    }

    /// The items of a `_`-separated list, trimmed; empty items and whitespace around
    /// items are tolerated, a list without any item is [`ScopeError::EmptyValue`].
    fn list_items<'s>(&mut self, key: Key, value: Span<'s>) -> Result<Vec<Span<'s>>, ScopeError> {
        let mut items = Vec::new();
        for item in value.split('_') {
            let trimmed = self.trim_start(item)?;
            let trimmed = self.trim_end(trimmed)?;
            if trimmed.text.is_empty() {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::EmptyListItem { key: key.as_str() },
                )?;
            } else {
                items.push(trimmed);
            }
        }
        if items.is_empty() {
            return Err(ScopeError::EmptyValue {
                position: value.position,
                key: key.as_str().to_string(),
            });
        }
        Ok(items)
    }

    fn function_blocks(&mut self, key: &str, value: Span<'_>) -> Result<Vec<u16>, ScopeError> {
        let mut numbers: Vec<u16> = Vec::new();
        for item in self.list_items(Key::FunctionBlocks, value)? {
            // FB ids are arbitrary positive integers (the lists disagree on which
            // exist), leading zeros allowed.
            let parsed = digits(item.text).and_then(|d| d.parse::<u16>().ok());
            let Some(number) = parsed else {
                return Err(ScopeError::InvalidValue {
                    position: item.position,
                    key: key.to_string(),
                    found: item.text.to_string(),
                    expected: "a Function Block number (0 to 65535)",
                });
            };
            if numbers.contains(&number) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::DuplicateFunctionBlock { number },
                )?;
            } else if let Some(&previous) = numbers.last().filter(|&&p| p > number) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::FunctionBlocksOutOfOrder {
                        previous,
                        found: number,
                    },
                )?;
            }
            numbers.push(number);
        }
        Ok(numbers)
    }

    fn periods(
        &mut self,
        key: Key,
        key_text: &str,
        value: Span<'_>,
    ) -> Result<Vec<Period>, ScopeError> {
        let mut periods: Vec<Period> = Vec::new();
        for item in self.list_items(key, value)? {
            let period = self.period(key_text, item)?;
            if periods.contains(&period) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::DuplicatePeriod {
                        key: key.as_str(),
                        period,
                    },
                )?;
            }
            periods.push(period);
        }
        Ok(periods)
    }

    fn period(&mut self, key: &str, item: Span<'_>) -> Result<Period, ScopeError> {
        if digits(item.text).is_some() {
            return number(key, item).map(Period::Seconds);
        }
        let Some(named) = NamedFrequency::from_str_ignore_case(item.text) else {
            return Err(ScopeError::InvalidValue {
                position: item.position,
                key: key.to_string(),
                found: item.text.to_string(),
                expected: "a number of seconds or one of billingPeriod, daily, monthly, seasonal, weekly",
            });
        };
        if named.as_str() != item.text {
            self.tolerate(
                item.position,
                ScopeIrregularity::ValueCase {
                    found: item.text.to_string(),
                    expected: named,
                },
            )?;
        }
        Ok(Period::Named(named))
    }
}

/// `text` when it is one or more ASCII digits (`nonNegativeNumber`).
fn digits(text: &str) -> Option<&str> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

fn number(key: &str, value: Span<'_>) -> Result<u64, ScopeError> {
    digits(value.text)
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or_else(|| ScopeError::InvalidValue {
            position: value.position,
            key: key.to_string(),
            found: value.text.to_string(),
            expected: "a non-negative number (at most 18446744073709551615)",
        })
}
