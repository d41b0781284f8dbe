#!/usr/bin/env node
// GraphQL-over-HTTP conformance: runs every server audit of the npm package `graphql-http`
// against a running server and prints each result.
//
//   npm ci --prefix conformance --no-audit --no-fund
//   node conformance/audit.mjs http://127.0.0.1:18099/graphql
//
// Exit status: 0 when every MUST audit passes (SHOULD and MAY failures are printed as
// warn/notice only), 1 when a MUST audit fails, 2 on a usage or fatal error (server down).

import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <GraphQL endpoint URL, e.g. http://127.0.0.1:18099/graphql>');
  process.exit(2);
}

const level = (name) => name.split(' ', 1)[0];

async function describe(response) {
  if (!response) return '';
  let body = '';
  try {
    body = (await response.text()).replace(/\s+/g, ' ').slice(0, 200);
  } catch {
    // The audit already read the body.
  }
  const type = response.headers.get('content-type') ?? '-';
  return ` [HTTP ${response.status}, content-type ${type}${body ? `, body ${body}` : ''}]`;
}

const counts = {};
let failedMust = 0;
try {
  for (const { fn } of serverAudits({ url })) {
    // One at a time: the results are easier to read and the server is not flooded.
    const result = await fn();
    const req = level(result.name);
    const key = `${req} ${result.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if (result.status === 'ok') {
      console.log(`${req.padEnd(6)} ok     ${result.id} ${result.name}`);
    } else {
      const shown = result.status === 'notice' ? 'notice' : result.status;
      console.log(
        `${req.padEnd(6)} ${shown.padEnd(6)} ${result.id} ${result.name}: ${result.reason}${await describe(result.response)}`,
      );
      if (result.status === 'error' || req === 'MUST') failedMust += 1;
    }
  }
} catch (err) {
  console.error(`fatal: the audit could not run against ${url}: ${err?.stack ?? err}`);
  process.exit(2);
}

console.log('');
console.log(
  Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(', '),
);
if (failedMust > 0) {
  console.error(`${failedMust} MUST audit(s) failed`);
  process.exit(1);
}
console.log('every MUST audit passed');
