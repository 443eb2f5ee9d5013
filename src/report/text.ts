/** Text cut as text: on whole characters (grapheme clusters), never inside an emoji. */

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Pure: the longest start of `text` of at most `max` UTF-16 units that ends on a whole character. */
export function cutWhole(text: string, max: number): string {
  if (text.length <= max) return text
  let end = 0
  for (const { segment, index } of GRAPHEMES.segment(text)) {
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
