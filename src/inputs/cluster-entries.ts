/**
 * The `cluster-name` input: one cluster's name, or several entries (one per line or
 * comma-separated; blank lines and `#` lines ignored), each a name, a pattern (`*` any
 * characters, `?` one) or an exclusion (`!` before a name or pattern), as
 * actions/upload-artifact reads its `path`.
 */

export interface ClusterEntry {
  /** The name or pattern, without the `!`. */
  readonly text: string
  readonly exclude: boolean
  readonly pattern: boolean
}

// Atlas's own rule for cluster names (its limits page,
// https://www.mongodb.com/docs/atlas/reference/atlas-limits/): up to 64 characters,
// hyphens only in the first 23, underscores after them.
const CLUSTER_NAME = /^([a-zA-Z0-9]([a-zA-Z0-9-]){0,21}(?<!-)([\w]{0,42}))$/
const CLUSTER_NAME_MAX = 64
const PATTERN = /^[\w*?-]{1,64}$/

/** Parses the input, or throws an Error whose message says what is wrong (no input name). */
export function parseClusterEntries(text: string): ClusterEntry[] {
  const entries = text
    .split(/\r?\n/)
    .filter(line => !line.trim().startsWith('#'))
    .flatMap(line => line.split(','))
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
    .map(parseEntry)
  if (entries.length === 0) throw new Error('is required: the name of the Atlas cluster')
  if (entries.every(entry => entry.exclude)) {
    throw new Error(
      `has only exclusions (${entries.map(e => `!${e.text}`).join(', ')}): name the clusters to export too, or '*'`
    )
  }
  return entries
}

function parseEntry(raw: string): ClusterEntry {
  const exclude = raw.startsWith('!')
  const text = exclude ? raw.slice(1).trim() : raw
  const pattern = /[*?]/.test(text)
  if (pattern) {
    if (!PATTERN.test(text)) {
      throw new Error(`has the pattern '${raw}': patterns are letters, digits, hyphens, underscores, * and ?`)
    }
  } else {
    if (text.length > CLUSTER_NAME_MAX)
      throw new Error(`must be at most ${CLUSTER_NAME_MAX} characters, got ${text.length}`)
    if (!CLUSTER_NAME.test(text)) {
      throw new Error(
        `must be a cluster name as Atlas allows it: a letter or digit, then letters, digits and hyphens, then letters, digits and underscores (no hyphen last); got '${raw}'`
      )
    }
  }
  return { text, exclude, pattern }
}

/** Pure: a run of several clusters: more than one entry, or a pattern. */
export function isFleet(entries: readonly ClusterEntry[]): boolean {
  return entries.length > 1 || entries.some(entry => entry.pattern)
}

/** Pure: whether a cluster's name matches an entry (a pattern, or the name itself). */
export function matches(entry: ClusterEntry, name: string): boolean {
  if (!entry.pattern) return entry.text === name
  // PATTERN leaves no character a regular expression would read specially but these two.
  const source = entry.text.replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`).test(name)
}
