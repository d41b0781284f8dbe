// Keeps the README's GraphQL in step with the schema:
//   node check-readme.mjs <schema.graphql> <README.md> <operations.graphql>
// - every curl example of the README (`gql '{"query": …}'`) must validate against the schema;
// - every ```graphql block of the README must validate, and each operation in it must be
//   identical to the operation of the same name in operations.graphql (the file GraphQL Code
//   Generator reads), so the README shows what the generated types were made from.
import { readFileSync } from 'node:fs';
import { buildSchema, parse, print, validate } from 'graphql';

const [schemaPath, readmePath, operationsPath] = process.argv.slice(2);
if (!operationsPath) {
  console.error('usage: node check-readme.mjs <schema.graphql> <README.md> <operations.graphql>');
  process.exit(2);
}

const schema = buildSchema(readFileSync(schemaPath, 'utf8'));
const readme = readFileSync(readmePath, 'utf8');
const operations = new Map(
  parse(readFileSync(operationsPath, 'utf8'))
    .definitions.filter((d) => d.kind === 'OperationDefinition' && d.name)
    .map((d) => [d.name.value, print(d)]),
);

let failures = 0;
let checked = 0;

function check(where, source) {
  checked += 1;
  let document;
  try {
    document = parse(source);
  } catch (err) {
    failures += 1;
    console.error(`${where}: does not parse: ${err.message}`);
    console.error(source);
    return null;
  }
  const errors = validate(schema, document);
  for (const error of errors) {
    failures += 1;
    console.error(`${where}: ${error.message}`);
  }
  if (errors.length > 0) console.error(source);
  return document;
}

for (const match of readme.matchAll(/gql '(\{.*\})'/g)) {
  const line = readme.slice(0, match.index).split('\n').length;
  let payload;
  try {
    payload = JSON.parse(match[1]);
  } catch (err) {
    failures += 1;
    console.error(`${readmePath}:${line}: the curl example's body is not JSON: ${err.message}`);
    continue;
  }
  check(`${readmePath}:${line}`, payload.query);
}

for (const match of readme.matchAll(/```graphql\n([\s\S]*?)```/g)) {
  const line = readme.slice(0, match.index).split('\n').length;
  const document = check(`${readmePath}:${line}`, match[1]);
  for (const definition of document?.definitions ?? []) {
    if (definition.kind !== 'OperationDefinition') continue;
    const name = definition.name?.value;
    if (!name) {
      failures += 1;
      console.error(`${readmePath}:${line}: an operation of a graphql block needs a name`);
    } else if (operations.get(name) !== print(definition)) {
      failures += 1;
      console.error(
        `${readmePath}:${line}: operation ${name} differs from operations.graphql ` +
          `(${operations.has(name) ? 'changed' : 'missing there'})`,
      );
    }
  }
}

if (checked === 0) {
  console.error('no GraphQL found in the README');
  process.exit(1);
}
if (failures > 0) {
  console.error(`${failures} problem(s) in the README's GraphQL`);
  process.exit(1);
}
console.log(`README: ${checked} GraphQL examples valid against the schema`);
