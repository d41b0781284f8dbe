//! Scalars with GraphQL's conventional names: `Date` for a calendar date (async-graphql's
//! chrono support would call it `NaiveDate`, a Rust name), `DateTime` described for clients.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date without time or time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        date.0
    }
}

/// A calendar date without time of day or time zone, written as in ISO 8601 and RFC 3339
/// (`full-date`): `YYYY-MM-DD`, e.g. `2026-12-01`.
#[Scalar(
    name = "Date",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("{s:?} is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// The description of async-graphql's `DateTime` scalar (chrono's `DateTime<Utc>`), which
/// otherwise speaks of Rust types.
pub const DATE_TIME: &str = "A moment in time, written as in RFC 3339 (`date-time`) with its \
offset, e.g. `2026-12-01T09:30:00Z`. The service answers in UTC (`Z`); inputs may carry any \
offset.";
