/**
 * The `custom-data` input: Atlas copies these labels into the export's `.complete`
 * file, in the order sent. Two forms are accepted: `key=value` lines, or one JSON object.
 */

export interface CustomDatum {
  readonly key: string
  readonly value: string
}

/** Parses the input, or throws an Error whose message says what is wrong (no input name). */
export function parseCustomData(text: string): CustomDatum[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  const pairs = trimmed.startsWith('{') ? parseJsonObject(trimmed) : parseLines(trimmed)
  const seen = new Set<string>()
  for (const { key } of pairs) {
    if (seen.has(key)) throw new Error(`has the key '${key}' twice`)
    seen.add(key)
  }
  return pairs
}

function parseLines(text: string): CustomDatum[] {
  const pairs: CustomDatum[] = []
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq < 0) throw new Error(`line ${index + 1} is not key=value: '${line}'`)
    const key = line.slice(0, eq).trim()
    if (key === '') throw new Error(`line ${index + 1} has an empty key: '${line}'`)
    pairs.push({ key, value: line.slice(eq + 1).trim() })
  })
  return pairs
}

// JSON.parse moves integer-like keys to the front of an object; the user's order is
// what Atlas should get, so the members are read in the order they are written.
const JSON_STRING = String.raw`"(?:[^"\\]|\\.)*"`
const MEMBER = new RegExp(String.raw`\s*(${JSON_STRING})\s*:\s*(${JSON_STRING}|[^\s,{}\[\]"]+)\s*(,|\})`, 'y')

function parseJsonObject(text: string): CustomDatum[] {
  let whole: unknown
  try {
    whole = JSON.parse(text)
  } catch (error) {
    throw new Error(`is not valid JSON (${(error as Error).message})`, { cause: error })
  }
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) {
    throw new Error('must be a JSON object of strings, or key=value lines')
  }
  for (const [key, value] of Object.entries(whole)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new Error(`value of '${key}' must be a string, got ${value === null ? 'null' : typeof value}`)
    }
  }
  const pairs: CustomDatum[] = []
  MEMBER.lastIndex = text.indexOf('{') + 1
  if (/^\{\s*\}$/.test(text)) return pairs
  for (;;) {
    const match = MEMBER.exec(text)
    if (!match) throw new Error('must be a flat JSON object of strings')
    const key = JSON.parse(match[1] as string) as string
    const token = match[2] as string
    // A number is kept as written (12345678901234567890, 1.10): String(JSON.parse(...))
    // would round the one and shorten the other.
    const value = token.startsWith('"') ? (JSON.parse(token) as string) : token
    if (key === '') throw new Error('has an empty key')
    pairs.push({ key, value })
    if (match[3] === '}') return pairs
  }
}
