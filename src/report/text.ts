/** Text cut as text: on whole characters (grapheme clusters), never inside an emoji. */

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Pure: the longest start of `text` of at most `max` UTF-16 units that ends on a whole character. */
export function cutWhole(text: string, max: number): string {
  if (text.length <= max) return text
  // Only the start is segmented: segmenting megabytes a server sent takes seconds.
  let end = 0
  for (const { segment, index } of GRAPHEMES.segment(text.slice(0, max + 64))) {
    if (index + segment.length > max) break
    end = index + segment.length
  }
  return text.slice(0, end)
}

/** Pure: `text`, or its start and a visible mark saying how much was left out, within `max` UTF-16 units. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const mark = (left: number): string => `… (${left} more characters)`
  const kept = cutWhole(text, Math.max(0, max - mark(text.length).length))
  return `${kept}${mark(text.length - kept.length)}`
}

/**
 * Pure: `value` as JSON of at most `maxBytes` (UTF-8), still valid JSON: when it is
 * larger, its strings are clipped, shorter and shorter, until it fits.
 */
export function jsonWithin(value: unknown, maxBytes: number): string {
  let json = JSON.stringify(value)
  for (const max of [4_000, 400, 40]) {
    if (Buffer.byteLength(json) <= maxBytes) return json
    json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? clip(v, max) : v))
  }
  return json
}
