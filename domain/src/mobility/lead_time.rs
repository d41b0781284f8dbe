//! R-10WEEKS: a request is refused if the mobility starts more than 10 weeks after today. A
//! request after the mobility has started or ended is allowed.

use crate::Refusal;
use chrono::{Days, NaiveDate};

/// The furthest a start date may lie ahead of the request: 10 weeks.
pub const MAX_DAYS_AHEAD: u64 = 70;

/// The first day on which a mobility starting on `start` can be requested.
pub fn earliest_request_date(start: NaiveDate) -> NaiveDate {
    start
        .checked_sub_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MIN)
}

pub(super) fn check(start: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    match today.checked_add_days(Days::new(MAX_DAYS_AHEAD)) {
        Some(latest_start) if start > latest_start => Err(Refusal::validation(
            "startDate",
            "START_TOO_FAR_AHEAD",
            format!(
                "the mobility starts on {start}, more than 10 weeks after today; \
                 the request can be made from {} on",
                earliest_request_date(start)
            ),
        )),
        _ => Ok(()),
    }
}
