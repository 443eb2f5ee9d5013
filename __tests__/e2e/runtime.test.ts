/** Which Node runs the bundle here: each vitest project says, so a report shows both ran. */
import { execFileSync } from 'node:child_process'
import { expect, test } from 'vitest'
import { actionYml } from '../../scripts/run-action.js'

test('action.yml runs the bundle on node24; this project runs it on the Node its name says', () => {
  expect(actionYml().runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  const node = process.env.ACTION_NODE ?? process.execPath
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  // bundle-on-node24 and bundle-on-node26 run it on the Node installed in .node24/ and .node26/.
  const named = /\.node(\d+)\//.exec(process.env.ACTION_NODE ?? '')?.[1]
  expect(version).toMatch(process.env.ACTION_NODE ? /^v(24|26)\./ : /^v(20|22|24)\./)
  if (process.env.ACTION_NODE) expect(version.startsWith(`v${named}.`)).toBe(true)
})
