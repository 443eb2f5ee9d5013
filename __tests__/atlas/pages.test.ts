import { expect, test } from 'vitest'
import type { AtlasClient } from '../../src/atlas/client.js'
import { listAll, pageOf } from '../../src/atlas/pages.js'
import { recordingLog } from '../support/recording-log.js'

/** A client whose every page is full and says there is another: a list without end. */
function endlessList(): { client: AtlasClient; pages: () => number; log: ReturnType<typeof recordingLog> } {
  let pages = 0
  const log = recordingLog()
  const client = {
    log,
    call: async () => {
      pages++
      return { results: Array.from({ length: 500 }, (_, i) => ({ id: `${pages}-${i}` })), links: [{ rel: 'next' }] }
    }
  } as unknown as AtlasClient
  return { client, pages: () => pages, log }
}

const list = {
  path: '/x',
  version: '2023-01-01',
  expect: pageOf('things', item => typeof (item as { id?: unknown }).id === 'string')
}

test('a list past the page limit fails after 200 pages, rather than deciding from part of it', async () => {
  const { client, pages } = endlessList()
  await expect(listAll(client, list)).rejects.toThrow(
    "Atlas's list of things goes on past 200 pages of 500: nothing is decided from part of it."
  )
  expect(pages()).toBe(200)
})

test('items the run cannot use are left out, said under debug; the rest are read', async () => {
  const log = recordingLog()
  const client = {
    log,
    call: async () => ({ results: [{ id: 'a' }, { id: null }, 'odd', { id: 'b' }] })
  } as unknown as AtlasClient
  expect(await listAll(client, list)).toEqual([{ id: 'a' }, { id: 'b' }])
  expect(log.lines.debug).toEqual(['Left out 2 of the things on page 1: not in a shape this action can use.'])
})
