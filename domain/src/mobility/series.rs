//! The real Europass number series of one issuer and year: numbers are handed out in
//! sequence, never twice. Each allocation names the mobility it is for, so an auditor can
//! account for every number, including any an approval that failed afterwards left unused.

use crate::values::EuropassNumber;
use crate::Refusal;
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const SERIES_NAMESPACE: Uuid = Uuid::from_u128(0x1b0c_1f7e_55d2_4c3a_8e1e_6a0f_3d9b_2c41);

/// The aggregate id of the series of `prefix` in `year`.
pub fn series_id(prefix: &str, year: i32) -> Uuid {
    Uuid::new_v5(&SERIES_NAMESPACE, format!("{prefix}/{year}").as_bytes())
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NumberSeries {
    /// The next sequence number to hand out (1 for a new series).
    next: u32,
}

#[derive(Clone, Debug)]
pub enum SeriesCommand {
    /// Hands out `count` numbers starting at `expected_first`; refused with `SERIES_MOVED` when
    /// another allocation came first, so the caller re-reads and tries again.
    Allocate {
        prefix: String,
        year: i32,
        expected_first: u32,
        count: u32,
        mobility_id: Uuid,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SeriesEvent {
    NumbersAllocated {
        prefix: String,
        year: i32,
        first: u32,
        count: u32,
        mobility_id: Uuid,
    },
}

impl DomainEvent for SeriesEvent {
    fn event_type(&self) -> String {
        "NumbersAllocated".into()
    }

    fn event_version(&self) -> String {
        "1.0".into()
    }
}

impl NumberSeries {
    pub fn next_sequence(&self) -> u32 {
        self.next.max(1)
    }

    fn decide(&self, command: SeriesCommand) -> Result<Vec<SeriesEvent>, Refusal> {
        let SeriesCommand::Allocate {
            prefix,
            year,
            expected_first,
            count,
            mobility_id,
        } = command;
        if expected_first != self.next_sequence() {
            return Err(Refusal::rejected(
                "SERIES_MOVED",
                "another allocation came first; read the series again",
            ));
        }
        let last = u64::from(expected_first) + u64::from(count) - 1;
        if count == 0 || last > u64::from(EuropassNumber::MAX_SEQUENCE) {
            return Err(Refusal::rejected(
                "SERIES_EXHAUSTED",
                format!("the number series {prefix}/{year} cannot hand out {count} more numbers"),
            ));
        }
        // Proves the numbers are well-formed before they are promised.
        EuropassNumber::new(&prefix, year, expected_first)?;
        Ok(vec![SeriesEvent::NumbersAllocated {
            prefix,
            year,
            first: expected_first,
            count,
            mobility_id,
        }])
    }
}

/// The numbers an allocation event stands for.
pub fn allocated_numbers(event: &SeriesEvent) -> Result<Vec<EuropassNumber>, Refusal> {
    let SeriesEvent::NumbersAllocated {
        prefix,
        year,
        first,
        count,
        ..
    } = event;
    (*first..first + count)
        .map(|seq| EuropassNumber::new(prefix, *year, seq))
        .collect()
}

impl Aggregate for NumberSeries {
    const TYPE: &'static str = "number_series";
    type Command = SeriesCommand;
    type Event = SeriesEvent;
    type Error = Refusal;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        let SeriesEvent::NumbersAllocated { first, count, .. } = event;
        self.next = first + count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn allocate(expected_first: u32, count: u32) -> SeriesCommand {
        SeriesCommand::Allocate {
            prefix: "LV".into(),
            year: 2026,
            expected_first,
            count,
            mobility_id: Uuid::nil(),
        }
    }

    fn allocated(first: u32, count: u32) -> SeriesEvent {
        SeriesEvent::NumbersAllocated {
            prefix: "LV".into(),
            year: 2026,
            first,
            count,
            mobility_id: Uuid::nil(),
        }
    }

    #[test]
    fn a_new_series_starts_at_one() {
        TestFramework::<NumberSeries>::with(())
            .given_no_previous_events()
            .when(allocate(1, 15))
            .then_expect_events(vec![allocated(1, 15)]);
    }

    #[test]
    fn allocations_follow_each_other() {
        TestFramework::<NumberSeries>::with(())
            .given(vec![allocated(1, 15)])
            .when(allocate(16, 2))
            .then_expect_events(vec![allocated(16, 2)]);
    }

    #[test]
    fn a_stale_expectation_is_refused() {
        let err = TestFramework::<NumberSeries>::with(())
            .given(vec![allocated(1, 15)])
            .when(allocate(1, 2))
            .inspect_result()
            .unwrap_err();
        assert_eq!(err.reason, "SERIES_MOVED");
    }

    #[test]
    fn the_series_cannot_overflow() {
        let err = TestFramework::<NumberSeries>::with(())
            .given(vec![allocated(1, 999_990)])
            .when(allocate(999_991, 10))
            .inspect_result()
            .unwrap_err();
        assert_eq!(err.reason, "SERIES_EXHAUSTED");
    }

    #[test]
    fn allocated_numbers_carry_check_characters() {
        let numbers = allocated_numbers(&allocated(122, 3)).unwrap();
        let shown: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3);
        assert!(shown[1].starts_with("LV/2026/000123-"));
        for n in &shown {
            assert_eq!(EuropassNumber::parse(n).unwrap().to_string(), *n);
        }
    }
}
