//! Event schema changes: old payloads are brought to the current shape when they are read, so
//! the append-only store never has to be rewritten. The same list serves the event store
//! (aggregates) and the projector (query tables), so both read every version alike.
//!
//! cqrs-es matches upcasters by event type and version only (not aggregate type): event type
//! names must stay unique across aggregates for this to be safe.

use cqrs_es::persist::{EventUpcaster, SemanticVersionEventUpcaster, SerializedEvent};
use serde_json::Value;
use std::sync::LazyLock;

/// Every upcaster, oldest version first (cqrs-es applies them in order).
pub fn all() -> Vec<Box<dyn EventUpcaster>> {
    vec![Box::new(SemanticVersionEventUpcaster::new(
        "BaseDataChanged",
        "1.1",
        Box::new(base_data_changed_1_1),
    ))]
}

/// `InstitutionEvent::BaseDataChanged` 1.0 → 1.1: version 1.1 records which fields changed;
/// 1.0 did not, so old events say "not recorded" (`null`) rather than guess.
fn base_data_changed_1_1(mut payload: Value) -> Value {
    if let Some(inner) = payload
        .get_mut("BaseDataChanged")
        .and_then(Value::as_object_mut)
    {
        inner.entry("changed_fields").or_insert(Value::Null);
    }
    payload
}

static UPCASTERS: LazyLock<Vec<Box<dyn EventUpcaster>>> = LazyLock::new(all);

/// Whether an event of this type and version is read in an older shape.
pub fn is_outdated(event_type: &str, event_version: &str) -> bool {
    UPCASTERS
        .iter()
        .any(|u| u.can_upcast(event_type, event_version))
}

/// Brings one serialised event to the current shape, as the event store does on loading.
pub fn upcast(event: SerializedEvent) -> SerializedEvent {
    UPCASTERS.iter().fold(event, |event, upcaster| {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            upcaster.upcast(event)
        } else {
            event
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::institution::InstitutionEvent;
    use serde_json::json;

    fn old_event() -> SerializedEvent {
        let base = json!({"name": "Rīgas skola", "address": null, "country": null,
                          "contact_person": null, "phone": null,
                          "email": {"pii": "info@skola.lv"}, "website": null});
        SerializedEvent::new(
            "i".into(),
            2,
            "institution".into(),
            "BaseDataChanged".into(),
            "1.0".into(),
            json!({"BaseDataChanged": {"base": base}}),
            json!({}),
        )
    }

    #[test]
    fn a_1_0_payload_does_not_decode_without_the_upcaster() {
        assert!(serde_json::from_value::<InstitutionEvent>(old_event().payload).is_err());
    }

    #[test]
    fn a_1_0_payload_is_upcast_to_1_1_without_changed_fields() {
        assert!(is_outdated("BaseDataChanged", "1.0"));
        let event = upcast(old_event());
        // cqrs-es writes the full semantic version.
        assert_eq!(event.event_version, "1.1.0");
        let decoded: InstitutionEvent = serde_json::from_value(event.payload).unwrap();
        assert!(matches!(
            decoded,
            InstitutionEvent::BaseDataChanged {
                changed_fields: None,
                ..
            }
        ));
    }

    #[test]
    fn current_payloads_are_left_alone() {
        assert!(!is_outdated("BaseDataChanged", "1.1"));
        let mut event = old_event();
        event.event_version = "1.1".into();
        event.payload["BaseDataChanged"]["changed_fields"] = json!(["name"]);
        assert_eq!(upcast(event.clone()), event);
    }
}
