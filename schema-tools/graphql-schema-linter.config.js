// graphql-schema-linter's configuration for the europass schema (see README, "API conventions
// for portals"). Every rule of the linter is on except the four that demand alphabetical
// order: the schema lists fields, input fields and enum values in the order a portal shows
// them and the certificate prints them (a document's sections, surname before first name,
// CEFR levels A1 to C2, a mobility's status PENDING → APPROVED → REJECTED), and GraphiQL and
// generated types keep that order. Sorting would make the schema harder to read without
// helping any client.
module.exports = {
  rules: [
    // Descriptions on every type, field, argument, input field and enum value.
    'types-have-descriptions',
    'fields-have-descriptions',
    'arguments-have-descriptions',
    'input-object-values-have-descriptions',
    'enum-values-have-descriptions',
    'descriptions-are-capitalized',
    'deprecations-have-a-reason',
    // GraphQL's naming conventions.
    'types-are-capitalized',
    'fields-are-camel-cased',
    'input-object-values-are-camel-cased',
    'enum-values-all-caps',
    // No type that nothing reaches.
    'defined-types-are-used',
    // Relay cursor connections: `edges { cursor node }`, `pageInfo` with all four fields,
    // first/after (and last/before where a list pages backward).
    'relay-connection-types-spec',
    'relay-connection-arguments-spec',
    'relay-page-info-spec',
    // Off, see above: 'type-fields-sorted-alphabetically',
    // 'input-object-fields-sorted-alphabetically', 'enum-values-sorted-alphabetically',
    // 'interface-fields-sorted-alphabetically'.
  ],
};
