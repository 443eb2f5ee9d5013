import { expect, test } from 'vitest'
import { whyNotExportableCluster, type ProjectCluster } from '../../src/backup/clusters.js'
import { findRecorded } from '../support/recorded.js'

const regions = (providerName: string, instanceSize: string) => ({
  replicationSpecs: [{ regionConfigs: [{ providerName, electableSpecs: { instanceSize } }] }]
})

test('what Cloud Backup can export: backup on, not paused, a dedicated tier', () => {
  const on = { name: 'c', backupEnabled: true, paused: false }
  expect(whyNotExportableCluster({ ...on, ...regions('AWS', 'M10') })).toBeUndefined()
  expect(whyNotExportableCluster({ ...on, backupEnabled: false, ...regions('AWS', 'M10') })).toBe('backup off')
  expect(whyNotExportableCluster({ name: 'c', ...regions('AWS', 'M10') })).toBe('backup off')
  expect(whyNotExportableCluster({ ...on, paused: true, ...regions('AWS', 'M10') })).toBe('paused')
  expect(whyNotExportableCluster({ ...on, ...regions('TENANT', 'M0') })).toBe('shared tier')
  expect(whyNotExportableCluster({ ...on, ...regions('AWS', 'M5') })).toBe('shared tier')
  expect(whyNotExportableCluster({ ...on, ...regions('FLEX', 'FLEX') })).toBe('shared tier')
})

test("Atlas's recorded cluster lists read as they are: both clusters have backup off; the export test's own has it on", () => {
  const list = (step: string) =>
    (JSON.parse(findRecorded('Clusters', step).body) as { results: ProjectCluster[] }).results
  expect(list('List__').map(c => [c.name, whyNotExportableCluster(c)])).toEqual([['cluster-712', 'backup off']])
  expect(list('List_sharded').map(c => [c.name, whyNotExportableCluster(c)])).toEqual([['cluster-759', 'backup off']])
  const created = JSON.parse(findRecorded('Clusters', 'Create_backup_cluster').body) as ProjectCluster
  expect(whyNotExportableCluster(created)).toBeUndefined()
})
