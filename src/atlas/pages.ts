/** Atlas lists: `{links, results, totalCount}`, read page by page, item by item. */
import type { AtlasCall, AtlasClient, Expectation } from './client.js'
import { isRecord } from './json.js'

export interface Page<T> {
  readonly results: readonly T[]
  readonly links?: readonly { readonly rel?: string }[]
}

/** A page of a list: its shape, and which of its items the run can use. */
export interface PageExpectation extends Expectation {
  /** `export jobs`, for messages. */
  readonly items: string
  readonly usable: (value: unknown) => boolean
}

// 500 is Atlas's maximum page size: one request for all but the largest lists.
const PAGE_SIZE = 500
const MAX_PAGES = 200

/**
 * A list page: a record with a `results` array. Its items are read one by one: an item
 * the run cannot use (an old job whose state is null) is left out of every decision,
 * and does not make the page, or every later run, unreadable.
 */
export function pageOf(what: string, usable: (value: unknown) => boolean = () => true): PageExpectation {
  return { what: `a page of ${what}`, items: what, usable, test: data => isRecord(data) && Array.isArray(data.results) }
}

/** Pure: the items of a page the run can use, and how many it left out. */
export function usableItems<T>(page: Page<unknown>, expect: PageExpectation): { items: T[]; skipped: number } {
  const items = page.results.filter(expect.usable) as T[]
  return { items, skipped: page.results.length - items.length }
}

/**
 * Every page of a list. Pages are asked for by number against our own base URL; the
 * `next` link's href is never followed, so credentials never go to a host Atlas names.
 * A list that repeats a page, or goes on past the page limit, fails: nothing is decided
 * from part of a list.
 */
export async function listAll<T>(
  client: AtlasClient,
  list: Omit<AtlasCall, 'method' | 'query' | 'body'> & { expect: PageExpectation }
): Promise<T[]> {
  const items: T[] = []
  let previous: string | undefined
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const page = await client.call<Page<unknown>>({
      ...list,
      method: 'GET',
      query: { pageNum, itemsPerPage: PAGE_SIZE, includeCount: false }
    })
    const seen = JSON.stringify(page.results)
    if (page.results.length > 0 && seen === previous) {
      throw new Error(
        `Atlas sent the same page of ${list.expect.items} twice (pages ${pageNum - 1} and ${pageNum}): the list cannot be read whole, and nothing is decided from part of it.`
      )
    }
    previous = seen
    const usable = usableItems<T>(page, list.expect)
    if (usable.skipped > 0) {
      client.log.debug(
        `Left out ${usable.skipped} of the ${list.expect.items} on page ${pageNum}: not in a shape this action can use.`
      )
    }
    items.push(...usable.items)
    const hasNext = page.links?.some(link => link.rel === 'next') ?? false
    if (page.results.length === 0 || (!hasNext && page.results.length < PAGE_SIZE)) return items
  }
  throw new Error(
    `Atlas's list of ${list.expect.items} goes on past ${MAX_PAGES} pages of ${PAGE_SIZE}: nothing is decided from part of it.`
  )
}
