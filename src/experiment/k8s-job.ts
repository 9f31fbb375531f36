// A sweep on Kubernetes: an Indexed Job whose pod i runs shard i of N (Kubernetes sets
// JOB_COMPLETION_INDEX; the manifest sets JOB_COMPLETIONS), every pod writing into one shared
// volume; a failed index is retried on its own (backoffLimitPerIndex, which needs restartPolicy
// Never). A second Job merges what the shards wrote. The objects follow batch/v1 and core/v1; a
// test checks every field against the Kubernetes client's API types.

import { stringify } from 'yaml';

export interface K8sSweepOptions {
  /** The Job's name: a DNS label (lowercase letters, digits, '-'). */
  readonly name: string;
  /** The image of the project (see the Dockerfile). */
  readonly image: string;
  /** Pods, one shard each. */
  readonly shards: number;
  /** The sweep file's path inside the image, relative to its working directory. */
  readonly sweepFile: string;
  /** Cores per pod: its --jobs and its CPU request. */
  readonly podCpus: number;
  /** Memory per pod, e.g. 2Gi. */
  readonly podMemory: string;
  /** A ReadWriteMany PersistentVolumeClaim the pods share. */
  readonly claimName: string;
  /** Retries of a failed index before it counts as failed. */
  readonly retriesPerIndex: number;
}

export const K8S_DEFAULTS = { image: 'stateful-cache-router:latest', podCpus: 2, podMemory: '2Gi', claimName: 'sweep-results', retriesPerIndex: 2 } as const;

const WORKDIR = '/app';
const MOUNT = '/results';

/** A DNS label (RFC 1123, ≤ 63 characters) made from `text`, for names Kubernetes accepts. */
export function dnsLabel(text: string): string {
  const label = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return label === '' ? 'sweep' : label;
}

type Manifest = Record<string, unknown>;

function podSpec(o: K8sSweepOptions, args: readonly string[], env: readonly { name: string; value: string }[]): Manifest {
  return {
    restartPolicy: 'Never',
    containers: [
      {
        name: 'sweep',
        image: o.image,
        workingDir: WORKDIR,
        command: ['npx', 'tsx', 'scenarios/sweep.ts', o.sweepFile, '--out', `${MOUNT}/${o.name}`, ...args],
        env: [{ name: 'CI', value: 'true' }, ...env],
        resources: { requests: { cpu: String(o.podCpus), memory: o.podMemory }, limits: { memory: o.podMemory } },
        volumeMounts: [{ name: 'results', mountPath: MOUNT }],
      },
    ],
    volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.claimName } }],
  };
}

/** The volume claim, the Indexed Job of the shards and the merge Job. */
export function k8sSweepManifests(o: K8sSweepOptions): { volume: Manifest; job: Manifest; merge: Manifest } {
  const labels = { 'app.kubernetes.io/name': 'stateful-cache-router', 'app.kubernetes.io/component': 'sweep', sweep: o.name };
  return {
    volume: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: o.claimName, labels },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
    },
    job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: o.name, labels },
      spec: {
        completionMode: 'Indexed',
        completions: o.shards,
        parallelism: o.shards,
        backoffLimitPerIndex: o.retriesPerIndex,
        template: {
          metadata: { labels },
          spec: podSpec(o, ['--jobs', String(o.podCpus), '--quiet'], [{ name: 'JOB_COMPLETIONS', value: String(o.shards) }]),
        },
      },
    },
    merge: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: dnsLabel(`${o.name}-merge`), labels },
      spec: {
        completions: 1,
        backoffLimit: o.retriesPerIndex,
        template: { metadata: { labels }, spec: podSpec(o, ['--merge'], []) },
      },
    },
  };
}

/** One manifest as YAML. */
export function manifestYaml(manifest: Manifest): string {
  return stringify(manifest, { lineWidth: 0, aliasDuplicateObjects: false });
}
