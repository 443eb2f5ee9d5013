/** Atlas lists: `{links, results, totalCount}`, read page by page. */
import type { AtlasCall, AtlasClient, Expectation } from './client.js'
import { isRecord } from './json.js'

export interface Page<T> {
  readonly results: readonly T[]
  readonly links?: readonly { readonly rel?: string }[]
}

// 500 is Atlas's maximum page size: one request for all but the largest lists.
const PAGE_SIZE = 500
const MAX_PAGES = 200

/** A list page, whose every item passes `item` (when given). */
export function pageOf(what: string, item?: (value: unknown) => boolean): Expectation {
  return {
    what: `a page of ${what}`,
    test: data => isRecord(data) && Array.isArray(data.results) && (!item || data.results.every(item))
  }
}

/**
 * Every page of a list. Pages are asked for by number against our own base URL; the
 * `next` link's href is never followed, so credentials never go to a host Atlas names.
 */
export async function listAll<T>(
  client: AtlasClient,
  list: Omit<AtlasCall, 'method' | 'query' | 'body'> & { expect: Expectation }
): Promise<T[]> {
  const items: T[] = []
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const page = await client.call<Page<T>>({
      ...list,
      method: 'GET',
      query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false }
    })
    items.push(...page.results)
    const hasNext = page.links?.some(link => link.rel === 'next') ?? false
    if (page.results.length === 0 || (!hasNext && page.results.length < PAGE_SIZE)) break
  }
  return items
}
