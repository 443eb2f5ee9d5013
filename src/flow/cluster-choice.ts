/**
 * Which clusters a fleet run exports: the names given, and the project's exportable
 * clusters that the patterns match, less the exclusions. The project's clusters are
 * listed only when a pattern needs them.
 */
import type { AtlasClient } from '../atlas/client.js'
import { listClusters, whyNotExportableCluster, type ProjectCluster } from '../backup/clusters.js'
import { matches, type ClusterEntry } from '../inputs/cluster-entries.js'
import { InputError } from '../inputs/inputs.js'
import type { Log } from '../runner/log.js'
import type { PassedOver } from '../report/record.js'

export interface ClusterChoice {
  /** In the order the entries name them, a pattern's matches by name; each once. */
  readonly picked: readonly string[]
  /** Clusters a pattern matched but that cannot be exported. */
  readonly passedOver: readonly PassedOver[]
}

/**
 * Pure: the clusters the entries pick from the project's (undefined when no entry is a
 * pattern). An entry that picks nothing is a bad input naming it and what the project has.
 */
export function selectClusters(
  entries: readonly ClusterEntry[],
  clusters: readonly ProjectCluster[] | undefined
): ClusterChoice {
  const picked = new Set<string>()
  const passedOver = new Map<string, string>()
  const empty: string[] = []
  const byName = [...(clusters ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries.filter(e => !e.exclude)) {
    if (!entry.pattern) {
      // A name given exactly is exported as named: Atlas's answer decides.
      picked.add(entry.text)
      continue
    }
    let any = false
    for (const cluster of byName.filter(c => matches(entry, c.name))) {
      const why = whyNotExportableCluster(cluster)
      if (why) passedOver.set(cluster.name, why)
      else {
        picked.add(cluster.name)
        any = true
      }
    }
    if (!any) empty.push(entry.text)
  }
  const excluded = (name: string): boolean => entries.some(e => e.exclude && matches(e, name))
  const chosen = [...picked].filter(name => !excluded(name))
  if (empty.length > 0 || chosen.length === 0) throw new InputError(nothingPicked(empty, byName))
  return {
    picked: chosen,
    passedOver: [...passedOver].filter(([name]) => !excluded(name)).map(([name, why]) => ({ name, why }))
  }
}

function nothingPicked(empty: readonly string[], clusters: readonly ProjectCluster[]): string {
  const what =
    empty.length > 0
      ? `${empty.map(e => `'${e}'`).join(', ')} picks no cluster that can be exported`
      : 'picks no cluster once the exclusions are applied'
  const project =
    clusters.length === 0
      ? 'The project has no cluster.'
      : `The project's clusters: ${clusters.map(c => `${c.name}${whyNotExportableCluster(c) ? ` (${whyNotExportableCluster(c)})` : ''}`).join(', ')}.`
  return `Input 'cluster-name': ${what}. ${project}`
}

/** The clusters of a fleet run: the project's listed (every page) when a pattern needs them. */
export async function chooseClusters(
  client: AtlasClient,
  projectId: string,
  entries: readonly ClusterEntry[],
  log: Log
): Promise<ClusterChoice> {
  const clusters = entries.some(entry => entry.pattern) ? await listClusters(client, projectId) : undefined
  const choice = selectClusters(entries, clusters)
  const over = choice.passedOver.map(p => `${p.name} (${p.why})`).join(', ')
  log.info(
    `Exporting ${choice.picked.length} cluster${choice.picked.length === 1 ? '' : 's'}: ${choice.picked.join(', ')}${over ? `; passed over: ${over}` : ''}.`
  )
  return choice
}
