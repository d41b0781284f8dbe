//! PostgreSQL cannot store a NUL character in text: a string argument carrying one reached the
//! database and came back as an INTERNAL error. Every string argument (literal, variable or a
//! variable's default, at any depth of an input object or list) is checked here, once, before
//! anything runs: the request is refused as VALIDATION naming the field, and nothing is written.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Value as ConstValue, Variables};

/// The field (as the API names it: the input fields' path, without the `input` argument of a
/// mutation, e.g. `clientMutationId`; list items as `[i]`) of the first string argument that
/// contains a NUL character, if any.
pub fn field_with_nul(doc: &ExecutableDocument, variables: &Variables) -> Option<String> {
    let variable = Lookup {
        variables,
        defaults: doc
            .operations
            .iter()
            .flat_map(|(_, op)| &op.node.variable_definitions)
            .filter_map(|v| {
                let default = &v.node.default_value.as_ref()?.node;
                Some((v.node.name.node.as_str(), default))
            })
            .collect(),
    };
    let mut sets: Vec<&SelectionSet> = doc
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set.node)
        .chain(doc.fragments.values().map(|f| &f.node.selection_set.node))
        .collect();
    while let Some(set) = sets.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    for (name, value) in &field.node.arguments {
                        // With its variables filled in; an input object's fields are named
                        // without the argument's name.
                        let value = value
                            .node
                            .clone()
                            .into_const_with(|name| {
                                let value = variable.get(name.as_str()).cloned();
                                Ok::<_, std::convert::Infallible>(value.unwrap_or_default())
                            })
                            .unwrap_or_default();
                        let root = match value {
                            ConstValue::Object(_) => String::new(),
                            _ => name.node.to_string(),
                        };
                        if let Some(field) = in_const(root, &value) {
                            return Some(field);
                        }
                    }
                    sets.push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(inline) => sets.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    // A variable no argument uses is not stored, but it is refused all the same.
    variables
        .iter()
        .find_map(|(name, value)| in_const(name.to_string(), value))
}

/// A variable's value: as sent, or its default.
struct Lookup<'a> {
    variables: &'a Variables,
    defaults: Vec<(&'a str, &'a ConstValue)>,
}

impl Lookup<'_> {
    fn get(&self, name: &str) -> Option<&ConstValue> {
        self.variables.get(name).or_else(|| {
            self.defaults
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
        })
    }
}

fn in_const(root: String, value: &ConstValue) -> Option<String> {
    let mut pending: Vec<(String, &ConstValue)> = vec![(root, value)];
    while let Some((path, value)) = pending.pop() {
        match value {
            ConstValue::String(s) if s.contains('\0') => return Some(path),
            ConstValue::List(items) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{path}[{i}]"), item)),
            ),
            ConstValue::Object(fields) => pending.extend(
                fields
                    .iter()
                    .map(|(key, item)| (join(&path, key.as_str()), item)),
            ),
            _ => {}
        }
    }
    None
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nul(query: &str, variables: serde_json::Value) -> Option<String> {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        field_with_nul(&doc, &Variables::from_json(variables))
    }

    #[test]
    fn names_the_field_of_a_nul_in_literals_variables_and_defaults() {
        let none = serde_json::json!({});
        assert_eq!(nul(r#"mutation { a(name: "x") }"#, none.clone()), None);
        assert_eq!(
            nul(r#"mutation { a(name: "x\u0000") }"#, none.clone()),
            Some("name".into())
        );
        assert_eq!(
            nul(
                r#"mutation { copy(input: {clientMutationId: "\u0000"}) }"#,
                none.clone()
            ),
            Some("clientMutationId".into())
        );
        assert_eq!(
            nul(
                "mutation($i: In!) { copy(input: $i) }",
                serde_json::json!({"i": {"clientMutationId": "a\u{0}"}})
            ),
            Some("clientMutationId".into())
        );
        assert_eq!(
            nul(
                "mutation($s: String) { save(input: {skills: [{language: \"lv\"}, {language: $s}]}) }",
                serde_json::json!({"s": "\u{0}"})
            ),
            Some("skills[1].language".into())
        );
        assert_eq!(
            nul(
                r#"query($q: String = "\u0000") { search(text: $q) }"#,
                none.clone()
            ),
            Some("text".into())
        );
        assert_eq!(
            nul(
                "query { ...F } fragment F on Q { a { b(x: \"\\u0000\") } }",
                none
            ),
            Some("x".into())
        );
        assert_eq!(
            nul("{ a }", serde_json::json!({"unused": ["ok", "\u{0}"]})),
            Some("unused[1]".into())
        );
    }
}
