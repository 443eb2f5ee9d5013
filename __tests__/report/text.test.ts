import { expect, test, vi } from 'vitest'
import { clip, cutWhole } from '../../src/report/text.js'

test('cutWhole: at most so many UTF-16 units, never inside an emoji or a joined one', () => {
  expect(cutWhole('abc', 5)).toBe('abc')
  expect(cutWhole('ab🎉', 3)).toBe('ab')
  expect(cutWhole('ab🎉', 4)).toBe('ab🎉')
  expect(cutWhole('a👩‍👩‍👧', 6)).toBe('a')
  expect(cutWhole('e\u0301\u0301x', 2)).toBe('')
})

test('clip: the start and a visible mark, within the bound', () => {
  const text = 'x'.repeat(1_000)
  const clipped = clip(text, 100)
  expect(clipped.length).toBeLessThanOrEqual(100)
  expect(clipped).toMatch(/^x+… \(\d+ more characters\)$/)
  expect(clipped).toContain(`(${1_000 - clipped.indexOf('…')} more characters)`)
  expect(clip('short', 100)).toBe('short')
})

test('clipping megabytes looks at the start only (segmenting all of it takes seconds)', () => {
  const segment = vi.spyOn(Intl.Segmenter.prototype, 'segment')
  clip(`${'x'.repeat(8 * 1024 * 1024)}🎉`, 4_000)
  expect(segment).toHaveBeenCalledTimes(1)
  expect((segment.mock.calls[0]?.[0] as string).length).toBeLessThanOrEqual(4_000 + 64)
  segment.mockRestore()
})
