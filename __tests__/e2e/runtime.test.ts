/** Which Node runs the bundle here: each vitest project says, so a report shows both ran. */
import { execFileSync } from 'node:child_process'
import { expect, test } from 'vitest'
import { actionYml } from '../../scripts/run-action.js'

test('action.yml runs the bundle on node24; this project runs it on the Node it names', () => {
  expect(actionYml().runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  const node = process.env.ACTION_NODE ?? process.execPath
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  expect(version).toMatch(process.env.ACTION_NODE ? /^v24\./ : /^v(20|22|24)\./)
})
