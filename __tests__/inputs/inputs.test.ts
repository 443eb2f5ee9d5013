import { describe, expect, test } from 'vitest'
import { getInputs, InputError, parseInputs } from '../../src/inputs/inputs.js'
import { actionYml } from '../../scripts/run-action.js'

const VALID: Record<string, string> = {
  'public-key': 'abcdefgh',
  'private-key': '3f2b6c1e-9d4a-4f7b-8c21-5e6d7a8b9c0d',
  'project-id': 'b0123456789abcdef012345b',
  'cluster-name': 'prod-1',
  'snapshot-id': 'latest',
  'export-bucket-id': '6a793f752c88faeba59bba56',
  'custom-data': '',
  wait: 'false',
  'wait-timeout': '1h',
  'poll-interval': '30s',
  'base-url': 'https://cloud.mongodb.com',
  envelope: 'false'
}

function parse(overrides: Record<string, string> = {}) {
  const values = { ...VALID, ...overrides }
  return parseInputs(name => values[name] ?? '')
}

function problems(overrides: Record<string, string>): string {
  try {
    parse(overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseInputs', () => {
  test('a complete Digest configuration', () => {
    expect(parse()).toEqual({
      credentials: { kind: 'digest', publicKey: 'abcdefgh', privateKey: VALID['private-key'] },
      projectId: 'b0123456789abcdef012345b',
      clusterName: 'prod-1',
      clusters: [{ text: 'prod-1', exclude: false, pattern: false }],
      fleet: false,
      snapshot: { kind: 'latest' },
      snapshotRetentionDays: 1,
      bucket: { kind: 'id', id: '6a793f752c88faeba59bba56' },
      customData: [],
      wait: false,
      waitTimeoutMs: 3_600_000,
      pollIntervalMs: 30_000,
      requestTimeoutMs: 30_000,
      baseUrl: 'https://cloud.mongodb.com',
      envelope: false,
      dryRun: false,
      ifExported: 'reuse',
      exportJobId: undefined
    })
  })

  test('if-exported: reuse or export-again; anything else is refused, naming the input', () => {
    expect(parse({ 'if-exported': 'export-again' }).ifExported).toBe('export-again')
    expect(problems({ 'if-exported': 'always' })).toBe(
      "Input 'if-exported' must be reuse or export-again; got 'always'"
    )
  })

  test('export-job-id: 24 hex digits; the bucket may then be left out (the job names its own)', () => {
    const inputs = parse({ 'export-job-id': '6a7945592c88faeba59d5e8e', 'export-bucket-id': '' })
    expect(inputs.exportJobId).toBe('6a7945592c88faeba59d5e8e')
    expect(inputs.bucket).toEqual({ kind: 'of-job' })
    expect(problems({ 'export-job-id': 'job-1' })).toBe(
      "Input 'export-job-id' must be 24 hexadecimal digits (0-9, a-f); got 'job-1'"
    )
  })

  test.each([
    ['snapshot-id', 'new', "'snapshot-id: new'"],
    ['export-bucket-name', 'test-bucket', "'export-bucket-name'"],
    ['if-exported', 'export-again', "'if-exported: export-again'"],
    ['dry-run', 'true', "'dry-run: true'"]
  ])('export-job-id with %s: %s is bad input naming both', (name, value, named) => {
    const extra: Record<string, string> = name === 'export-bucket-name' ? { 'export-bucket-id': '' } : {}
    expect(problems({ 'export-job-id': '6a7945592c88faeba59d5e8e', [name]: value, ...extra })).toContain(
      `Inputs 'export-job-id' and ${named} conflict`
    )
  })

  test('a service account, an explicit snapshot, waiting, Atlas for Government with a trailing slash', () => {
    const inputs = parse({
      'public-key': '',
      'private-key': '',
      'client-id': 'mdb_sa_id_6a7945592c88faeba59d5e8e',
      'client-secret': 'mdb_sa_sk_secret',
      'snapshot-id': '6a7944f22c88faeba59d3572',
      wait: 'True',
      'wait-timeout': '2h',
      'poll-interval': '90',
      'base-url': 'https://cloud.mongodbgov.com/',
      envelope: 'TRUE'
    })
    expect(inputs.credentials).toEqual({
      kind: 'service-account',
      clientId: 'mdb_sa_id_6a7945592c88faeba59d5e8e',
      clientSecret: 'mdb_sa_sk_secret'
    })
    expect(inputs.snapshot).toEqual({ kind: 'id', id: '6a7944f22c88faeba59d3572' })
    expect(inputs.wait).toBe(true)
    expect(inputs.waitTimeoutMs).toBe(7_200_000)
    expect(inputs.pollIntervalMs).toBe(90_000)
    expect(inputs.baseUrl).toBe('https://cloud.mongodbgov.com')
    expect(inputs.envelope).toBe(true)
  })

  test('snapshot new with its retention, a bucket by name, a dry run', () => {
    const inputs = parse({
      'snapshot-id': 'new',
      'snapshot-retention-days': '7',
      'export-bucket-id': '',
      'export-bucket-name': 'pre-migration.exports',
      'dry-run': 'true'
    })
    expect(inputs.snapshot).toEqual({ kind: 'new' })
    expect(inputs.snapshotRetentionDays).toBe(7)
    expect(inputs.bucket).toEqual({ kind: 'name', name: 'pre-migration.exports' })
    expect(inputs.dryRun).toBe(true)
  })

  test.each(['http://127.0.0.1:8080', 'http://localhost:1/', 'http://[::1]:9000', 'http://127.10.0.3'])(
    'plain http is allowed for loopback %s',
    url => {
      expect(parse({ 'base-url': url }).baseUrl).toBe(url.replace(/\/$/, ''))
    }
  )

  test('the result is frozen', () => {
    const inputs = parse({ 'custom-data': 'a=1' })
    expect(Object.isFrozen(inputs)).toBe(true)
    expect(Object.isFrozen(inputs.customData)).toBe(true)
  })

  test.each([
    [{ 'project-id': '' }, "Input 'project-id' is required"],
    [
      { 'project-id': '5F0C0123456789ABCDEF0123' },
      "Input 'project-id' must be 24 hexadecimal digits (0-9, a-f); got '5F0C0123456789ABCDEF0123'"
    ],
    [{ 'cluster-name': '' }, "Input 'cluster-name' is required"],
    [
      { 'cluster-name': '-prod' },
      "Input 'cluster-name' must be a cluster name as Atlas allows it: a letter or digit, then letters, digits and hyphens, then letters, digits and underscores (no hyphen last); got '-prod'"
    ],
    [{ 'cluster-name': 'prod-' }, "Input 'cluster-name' must be a cluster name as Atlas allows it"],
    [{ 'cluster-name': 'prod_a-b' }, "Input 'cluster-name' must be a cluster name as Atlas allows it"],
    [{ 'cluster-name': `a${'-'.repeat(23)}b` }, "Input 'cluster-name' must be a cluster name as Atlas allows it"],
    [{ 'cluster-name': 'prod.1' }, "Input 'cluster-name' must be a cluster name as Atlas allows it"],
    [{ 'cluster-name': 'a'.repeat(65) }, "Input 'cluster-name' must be at most 64 characters, got 65"],
    [
      { 'snapshot-id': 'newest' },
      "Input 'snapshot-id' must be 24 hexadecimal digits (0-9, a-f) or 'latest' or 'new'; got 'newest'"
    ],
    [{ 'export-bucket-id': '' }, "Input 'export-bucket-id' is required (or 'export-bucket-name')"],
    [{ 'export-bucket-name': 'exports' }, "Inputs 'export-bucket-id' and 'export-bucket-name' are both set"],
    [
      { 'export-bucket-id': '', 'export-bucket-name': 'a b' },
      "Input 'export-bucket-name' must be a bucket name of 3 to 63"
    ],
    [
      { 'export-bucket-id': '', 'export-bucket-name': 'ab' },
      "Input 'export-bucket-name' must be a bucket name of 3 to 63"
    ],
    [
      { 'snapshot-retention-days': '0' },
      "Input 'snapshot-retention-days' must be a whole number of days from 1 to 3650; got '0'"
    ],
    [{ 'snapshot-retention-days': '1.5' }, "Input 'snapshot-retention-days' must be a whole number"],
    [{ 'dry-run': 'perhaps' }, "Input 'dry-run' must be true or false; got 'perhaps'"],
    [{ 'export-bucket-id': '6a793f75' }, "Input 'export-bucket-id' must be 24 hexadecimal digits"],
    [{ 'custom-data': 'just words' }, "Input 'custom-data' line 1 is not key=value: 'just words'"],
    [{ wait: 'sometimes' }, "Input 'wait' must be true or false; got 'sometimes'"],
    [{ envelope: '1' }, "Input 'envelope' must be true or false; got '1'"],
    [
      { 'wait-timeout': '1x' },
      "Input 'wait-timeout' must be a duration like 90s, 15m or 1h30m (or a number of seconds); got '1x'"
    ],
    [{ 'wait-timeout': '0' }, "Input 'wait-timeout' must be between 1s and 168h; got '0'"],
    [{ 'wait-timeout': '200h' }, "Input 'wait-timeout' must be between 1s and 168h"],
    [{ 'poll-interval': '0s' }, "Input 'poll-interval' must be between 1s and 1h; got '0s'"],
    [
      { 'base-url': 'http://cloud.mongodb.com' },
      "Input 'base-url' must use https (plain http only for a loopback host such as 127.0.0.1)"
    ],
    [
      { 'base-url': 'cloud.mongodb.com' },
      "Input 'base-url' must be a URL like https://cloud.mongodb.com; got 'cloud.mongodb.com'"
    ],
    [{ 'base-url': 'ftp://cloud.mongodb.com' }, "Input 'base-url' must use https; got 'ftp://cloud.mongodb.com'"],
    [{ 'base-url': 'https://user:pw@cloud.mongodb.com' }, "Input 'base-url' must not contain a user name or password"],
    [{ 'base-url': 'https://cloud.mongodb.com/?x=1' }, "Input 'base-url' must not have a query or fragment"],
    [{ 'private-key': '' }, "Input 'private-key' is required with 'public-key' (or set MONGODB_ATLAS_PRIVATE_API_KEY)"],
    [{ 'public-key': '' }, "Input 'public-key' is required with 'private-key' (or set MONGODB_ATLAS_PUBLIC_API_KEY)"],
    [{ 'public-key': '', 'private-key': '' }, 'No Atlas credentials'],
    [{ 'client-id': 'mdb_sa_id_x' }, "Inputs 'public-key'/'private-key' and 'client-id'/'client-secret' are both set"],
    [
      { 'public-key': '', 'private-key': '', 'client-secret': 's' },
      "Input 'client-id' is required with 'client-secret'"
    ],
    [{ 'public-key': '', 'private-key': '', 'client-id': 'c' }, "Input 'client-secret' is required with 'client-id'"],
    [{ 'public-key': 'abc def' }, "Input 'public-key' must not contain white space"]
  ])('%j fails: %s', (overrides, message) => {
    expect(problems(overrides)).toContain(message)
  })

  test('every problem is reported at once, one line each', () => {
    const message = problems({ 'project-id': 'x', 'cluster-name': '', wait: 'maybe' })
    expect(message.split('\n')).toEqual([
      "Input 'project-id' must be 24 hexadecimal digits (0-9, a-f); got 'x'",
      "Input 'cluster-name' is required: the name of the Atlas cluster",
      "Input 'wait' must be true or false; got 'maybe'"
    ])
  })

  test('no secret value appears in a message about it', () => {
    const message = problems({ 'private-key': 'sec ret-value' })
    expect(message).toContain("Input 'private-key' must not contain white space")
    expect(message).not.toContain('sec ret-value')
  })
})

describe('getInputs', () => {
  function runner(inputs: Record<string, string>, env: Record<string, string>) {
    const masked: string[] = []
    const order: string[] = []
    return {
      masked,
      order,
      env,
      getInput: (name: string) => (order.push(`read ${name}`), inputs[name] ?? ''),
      mask: (secret: string) => (order.push(`mask ${secret}`), void masked.push(secret))
    }
  }

  test('falls back to MONGODB_ATLAS_* variables, first listed first, and masks the secret before validating', () => {
    const fake = runner(
      {
        ...VALID,
        'public-key': '',
        'private-key': '',
        'project-id': '',
        'cluster-name': 'prod',
        'client-id': '',
        'client-secret': ''
      },
      {
        MONGODB_ATLAS_PUBLIC_API_KEY: 'pubfirst',
        MONGODB_ATLAS_PUBLIC_KEY: 'pubsecond',
        MONGODB_ATLAS_PRIVATE_KEY: 'priv-from-env',
        MONGODB_ATLAS_PROJECT_ID: 'b0123456789abcdef012345b'
      }
    )
    const inputs = getInputs(fake)
    expect(inputs.credentials).toEqual({ kind: 'digest', publicKey: 'pubfirst', privateKey: 'priv-from-env' })
    expect(inputs.projectId).toBe('b0123456789abcdef012345b')
    expect(fake.masked).toEqual(['priv-from-env'])
    // Masked before any other input is read (a bad input's message may quote one).
    expect(fake.order.indexOf('mask priv-from-env')).toBeLessThan(fake.order.indexOf('read cluster-name'))
  })

  test('an input wins over its env variable; service-account variables work alike', () => {
    const fake = runner(
      { ...VALID, 'public-key': '', 'private-key': '', 'client-id': 'from-input', 'client-secret': '' },
      { MONGODB_ATLAS_CLIENT_ID: 'from-env', MONGODB_ATLAS_CLIENT_SECRET: 'sa-secret' }
    )
    const inputs = getInputs(fake)
    expect(inputs.credentials).toEqual({ kind: 'service-account', clientId: 'from-input', clientSecret: 'sa-secret' })
    expect(fake.masked).toEqual(['sa-secret'])
  })
})

describe("action.yml's defaults and the parser's agree", () => {
  // The runner applies action.yml's defaults; a local run, a test or a composite action
  // that passes '' gets the parser's. Both must mean the same run.
  const { inputs: declared } = actionYml()
  const required = { ...VALID }
  test.each(Object.entries(declared).filter(([, spec]) => spec.default !== undefined && spec.default !== ''))(
    '%s',
    (name, spec) => {
      const withDefault = parseInputs(n => (n === name ? String(spec.default) : (required[n] ?? '')))
      const withEmpty = parseInputs(n => (n === name ? '' : (required[n] ?? '')))
      expect(withEmpty).toEqual(withDefault)
    }
  )
})

describe('cluster names as Atlas allows them (its limits page)', () => {
  test.each([
    'prod_1',
    'a_b',
    'cluster-0123456789abcdefghij_with_underscores',
    `c${'x'.repeat(63)}`,
    `a${'-b'.repeat(10)}_${'c'.repeat(41)}`
  ])('%s is accepted', name => {
    expect(parseInputs(n => ({ ...VALID, 'cluster-name': name })[n] ?? '').clusterName).toBe(name)
  })
})
