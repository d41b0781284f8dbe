// What a portal written in TypeScript does with the generated types: page through a
// connection with its cursors, and handle a lookup that may be null. Type-checked with
// `tsc --strict` in .ci/run; never run.
import type {
  DocumentCompletenessQuery,
  Issuer,
  NecQueueQueryVariables,
  SearchDocumentsQuery,
  SearchDocumentsQueryVariables,
} from './generated/graphql';

type Fetch<Q, V> = (variables: V) => Promise<Q>;

/** Every Europass number a search finds, page by page (at most 100 per page). */
export async function allNumbers(
  search: Fetch<SearchDocumentsQuery, SearchDocumentsQueryVariables>,
  holderName: string,
): Promise<string[]> {
  const numbers: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const page = await search({ holderName, first: 100, after });
    for (const edge of page.searchDocuments.edges) {
      numbers.push(edge.node.europassNumber);
    }
    if (!page.searchDocuments.pageInfo.hasNextPage) {
      return numbers;
    }
    after = page.searchDocuments.pageInfo.endCursor;
  }
}

/** The missing fields' labels, or null when the document does not exist (or is not ours). */
export function missingLabels(answer: DocumentCompletenessQuery): string[] | null {
  const document = answer.document;
  if (document === null || document === undefined) {
    return null;
  }
  return document.missingFields.map((field) => `${field.path}: ${field.label}`);
}

/** The NEC's overdue queue for one issuer (an enum, not a string). */
export function overdueFor(issuer: Issuer): NecQueueQueryVariables {
  return { issuer, first: 20 };
}

export const latvia: Issuer = 'NEC_LV';
