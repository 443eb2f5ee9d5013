import { describe, expect, test } from 'vitest'
import { AtlasError } from '../src/atlas/errors.js'
import { ConnectionError } from '../src/atlas/transport.js'
import { createOnce } from '../src/create-once.js'

const atlasError = (status: number): AtlasError =>
  new AtlasError({ status, method: 'POST', url: 'https://cloud.mongodb.com/x', responseHeaders: new Headers(), body: '{}', authKind: 'digest' })

function spec(outcomes: Array<string | Error>, found: Array<string | undefined>) {
  const log: string[] = []
  let creates = 0
  let finds = 0
  return {
    log,
    counts: () => ({ creates, finds }),
    spec: {
      what: 'the create',
      create: async () => {
        creates++
        const next = outcomes.shift()
        if (next instanceof Error) throw next
        return next as string
      },
      find: async () => (finds++, found.shift()),
      found: (value: string) => `found ${value}`,
      info: (message: string) => log.push(message)
    }
  }
}

describe('createOnce', () => {
  test('an ambiguous failure is followed by a look; what was made is used, not made again', async () => {
    const s = spec([atlasError(500)], ['job-1'])
    await expect(createOnce(s.spec)).resolves.toEqual({ value: 'job-1', recovered: true })
    expect(s.counts()).toEqual({ creates: 1, finds: 1 })
    expect(s.log).toEqual(['Atlas answered 500 to the create, which may have reached Atlas: looking before trying again.', 'found job-1'])
  })

  test('nothing found: sent again, at most three times in all', async () => {
    const reset = new ConnectionError('other side closed', 'POST x', true, false)
    const s = spec([reset, reset, reset], [undefined, undefined, undefined])
    await expect(createOnce(s.spec)).rejects.toBe(reset)
    expect(s.counts()).toEqual({ creates: 3, finds: 3 })
  })

  test('answers that are not ambiguous are thrown at once, with no look', async () => {
    for (const error of [atlasError(400), atlasError(409), atlasError(503), new ConnectionError('refused', 'POST x', false, false)]) {
      const s = spec([error], [])
      await expect(createOnce(s.spec)).rejects.toBe(error)
      expect(s.counts()).toEqual({ creates: 1, finds: 0 })
    }
  })
})
