//! Query cost: how many fields a document makes the server resolve, with every fragment spread
//! expanded. The complexity limit of the GraphQL engine counts a fragment once however often it
//! is spread and ignores `__typename`, so fragments that spread the next one twice, 20 levels
//! deep, cost it almost nothing while the server resolves 2^20 fields. This count is taken
//! right after parsing, before validation and execution, and is itself cheap: each fragment's
//! cost is computed once (memoized), without recursion (a long chain of fragments cannot
//! exhaust the stack), and a cycle of fragments is refused.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use std::collections::HashMap;

/// Most fields one operation may resolve, counted statically (a list field counts once, not per
/// item: page sizes are bounded by the complexity limit). The standard introspection query
/// resolves about 300.
pub const MAX_FIELDS: usize = 2_000;

/// Why a document was refused before validation.
#[derive(Debug, PartialEq, Eq)]
pub enum CostRefusal {
    /// The fragment named spreads itself, directly or through others.
    FragmentCycle(String),
}

/// The largest number of fields any operation of `doc` resolves, fragment spreads expanded
/// (saturating). `@skip`/`@include` are ignored: this is an upper bound. An undefined fragment
/// counts nothing here (validation refuses it).
pub fn expanded_fields(doc: &ExecutableDocument) -> Result<usize, CostRefusal> {
    let fragments = fragment_costs(doc)?;
    Ok(doc
        .operations
        .iter()
        .map(|(_, op)| {
            let (fields, spreads) = own_cost(&op.node.selection_set.node);
            spreads.iter().fold(fields, |total, name| {
                total.saturating_add(fragments.get(name).copied().unwrap_or(0))
            })
        })
        .max()
        .unwrap_or(0))
}

/// The fields written in `set` (nested fields included, fragments not entered) and the names
/// of the fragments it spreads, once per spread.
fn own_cost(set: &SelectionSet) -> (usize, Vec<&str>) {
    let mut fields = 0usize;
    let mut spreads = vec![];
    let mut pending = vec![set];
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    fields += 1;
                    pending.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(inline) => pending.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    spreads.push(spread.node.fragment_name.node.as_str())
                }
            }
        }
    }
    (fields, spreads)
}

/// Each fragment's expanded cost, in one depth-first pass over the spread graph kept on an
/// explicit stack.
fn fragment_costs(doc: &ExecutableDocument) -> Result<HashMap<&str, usize>, CostRefusal> {
    let own: HashMap<&str, (usize, Vec<&str>)> = doc
        .fragments
        .iter()
        .map(|(name, f)| (name.as_str(), own_cost(&f.node.selection_set.node)))
        .collect();
    let mut done: HashMap<&str, usize> = HashMap::with_capacity(own.len());
    let mut on_path: std::collections::HashSet<&str> = Default::default();
    for &root in own.keys() {
        if done.contains_key(root) {
            continue;
        }
        // (fragment, index of the next spread to look at)
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        on_path.insert(root);
        while let Some((name, next)) = stack.last_mut() {
            let spreads = &own[*name].1;
            if let Some(&child) = spreads.get(*next) {
                *next += 1;
                if done.contains_key(child) || !own.contains_key(child) {
                    continue;
                }
                if !on_path.insert(child) {
                    return Err(CostRefusal::FragmentCycle(child.to_string()));
                }
                stack.push((child, 0));
            } else {
                let (fields, spreads) = &own[*name];
                let cost = spreads.iter().fold(*fields, |total, child| {
                    total.saturating_add(done.get(child).copied().unwrap_or(0))
                });
                let name = *name;
                done.insert(name, cost);
                on_path.remove(name);
                stack.pop();
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(query: &str) -> Result<usize, CostRefusal> {
        expanded_fields(&async_graphql::parser::parse_query(query).unwrap())
    }

    /// `fragment F0 on Query { __typename ...F1 a0: __typename ...F1 }` … `levels` deep.
    fn doubling(levels: usize) -> String {
        let mut query = String::from("query { ...F0 }");
        for i in 0..levels {
            query.push_str(&format!(
                " fragment F{i} on Query {{ __typename ...F{n} a{i}: __typename ...F{n} }}",
                n = i + 1
            ));
        }
        query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
        query
    }

    #[test]
    fn counts_every_field_once_per_spread_typename_included() {
        assert_eq!(cost("{ __typename }"), Ok(1));
        assert_eq!(cost("{ a { b c { d } } }"), Ok(4));
        assert_eq!(
            cost("{ ...F x: __typename ...F } fragment F on Q { a { b } }"),
            Ok(5)
        );
        assert_eq!(cost("{ ... on Q { a ...F } } fragment F on Q { b }"), Ok(2));
        // The larger of two operations; an undefined fragment counts nothing.
        assert_eq!(cost("query A { a } query B { a b ...Missing }"), Ok(2));
    }

    #[test]
    fn doubling_fragments_are_counted_expanded() {
        // Level i resolves 2 + 2 * cost(i + 1); the last resolves 1.
        assert_eq!(cost(&doubling(1)), Ok(4));
        assert_eq!(cost(&doubling(2)), Ok(10));
        assert!(cost(&doubling(20)).unwrap() > 2_000_000);
        // Saturates instead of overflowing.
        assert_eq!(cost(&doubling(80)), Ok(usize::MAX));
    }

    #[test]
    fn fragment_cycles_are_refused_without_recursing() {
        assert_eq!(
            cost("{ ...A } fragment A on Q { ...A }"),
            Err(CostRefusal::FragmentCycle("A".into()))
        );
        assert!(matches!(
            cost("{ ...A } fragment A on Q { x ...B } fragment B on Q { ...C } fragment C on Q { ...A }"),
            Err(CostRefusal::FragmentCycle(_))
        ));
        // A long chain is counted on the heap, not the stack.
        let mut chain = String::from("{ ...F0 }");
        for i in 0..50_000 {
            chain.push_str(&format!(" fragment F{i} on Q {{ a ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F50000 on Q { a }");
        assert_eq!(cost(&chain), Ok(50_001));
    }
}
