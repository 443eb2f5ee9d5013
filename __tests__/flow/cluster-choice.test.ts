import { describe, expect, test } from 'vitest'
import type { ProjectCluster } from '../../src/backup/clusters.js'
import { selectClusters } from '../../src/flow/cluster-choice.js'
import { parseClusterEntries } from '../../src/inputs/cluster-entries.js'

const dedicated = {
  replicationSpecs: [{ regionConfigs: [{ providerName: 'AWS', electableSpecs: { instanceSize: 'M10' } }] }]
}
const cluster = (name: string, extra: Partial<ProjectCluster> = {}): ProjectCluster => ({
  name,
  backupEnabled: true,
  paused: false,
  ...dedicated,
  ...extra
})
const project = [
  cluster('prod-b'),
  cluster('prod-a'),
  cluster('prod-off', { backupEnabled: false }),
  cluster('prod-free', {
    replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', electableSpecs: { instanceSize: 'M0' } }] }]
  }),
  cluster('orders-dev'),
  cluster('orders')
]
const select = (text: string, clusters: ProjectCluster[] | undefined = project) =>
  selectClusters(parseClusterEntries(text), clusters)

describe('selectClusters', () => {
  test("a pattern's exportable matches by name; what it passes over, and why", () => {
    expect(select('prod-*')).toEqual({
      picked: ['prod-a', 'prod-b'],
      passedOver: [
        { name: 'prod-free', why: 'shared tier' },
        { name: 'prod-off', why: 'backup off' }
      ]
    })
  })

  test('entries in their order, each cluster once, exclusions last', () => {
    expect(select('orders\n*\n!*-dev\n!prod-b').picked).toEqual(['orders', 'prod-a'])
  })

  test('a name given exactly is exported as named, even one a pattern would pass over', () => {
    expect(select('prod-off, orders', undefined)).toEqual({ picked: ['prod-off', 'orders'], passedOver: [] })
  })

  test('an entry that picks nothing is a bad input naming it and listing the project', () => {
    expect(() => select('prod-*, staging-*')).toThrow(
      "Input 'cluster-name': 'staging-*' picks no cluster that can be exported. The project's clusters: orders, orders-dev, prod-a, prod-b, prod-free (shared tier), prod-off (backup off)."
    )
    expect(() => select('prod-off-*', [])).toThrow('The project has no cluster.')
    expect(() => select('prod-*\n!prod-*')).toThrow('picks no cluster once the exclusions are applied')
  })
})
