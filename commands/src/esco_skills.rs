//! Issue 23: the ESCO skills a document's learning outcomes name, for the credential's
//! `relatedESCOSkill` references. The portal's "add text" puts a found ESCO item's preferred
//! label on a line of its own; a line that is exactly a skill's preferred label (in the
//! certificate's language) is that skill. `api` wires this port to the ESCO index (or the
//! ESCO web API), so that `commands` never depends on the `esco` crate.

use futures::future::BoxFuture;

/// Looks up ESCO skills by their exact preferred label.
pub trait EscoSkills: Send + Sync {
    /// The URI of the ESCO skill whose preferred label in `language` (`en` or `lv`) is
    /// exactly `label`, if any.
    fn skill<'a>(
        &'a self,
        label: &'a str,
        language: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<String>>>;
}

/// The lines of learning-outcome texts that could be an ESCO label: trimmed, non-empty, at
/// most 200 characters (the search's limit), each once.
pub fn candidate_lines<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut lines: Vec<&str> = texts
        .into_iter()
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().count() <= 200)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_line_is_a_candidate_once() {
        let lines = super::candidate_lines([
            "Welding in the workshop\nuse welding equipment\n\n",
            "  use welding equipment ",
        ]);
        assert_eq!(lines, ["Welding in the workshop", "use welding equipment"]);
        assert!(super::candidate_lines([&*"x".repeat(201)]).is_empty());
    }
}
