import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dnsLabel, k8sSweepManifests, manifestYaml, type K8sSweepOptions } from '../../src/experiment/k8s-job.ts';
import { k8sProblems } from './k8s-schema.ts';

const options: K8sSweepOptions = { name: 'kv-delay', image: 'registry.example/scr:1', shards: 3, sweepFile: 'examples/sweeps/strategy-kv-delay.json', podCpus: 2, podMemory: '2Gi', claimName: 'sweep-results', retriesPerIndex: 2 };

describe('k8sSweepManifests', () => {
  const manifests = k8sSweepManifests(options);
  // What kubectl would read: the YAML text, parsed back.
  const asApplied = (m: Record<string, unknown>) => parse(manifestYaml(m)) as Record<string, unknown>;

  it('writes manifests whose every field exists on the Kubernetes API types with the right type', () => {
    expect(k8sProblems(asApplied(manifests.job), 'V1Job')).toEqual([]);
    expect(k8sProblems(asApplied(manifests.merge), 'V1Job')).toEqual([]);
    expect(k8sProblems(asApplied(manifests.volume), 'V1PersistentVolumeClaim')).toEqual([]);
  });

  it('the checker itself refuses a misspelt field and a wrong type', () => {
    const job = asApplied(manifests.job) as { spec: Record<string, unknown> };
    expect(k8sProblems({ ...job, spec: { ...job.spec, completionsMode: 'Indexed' } }, 'V1Job')).toEqual(['$.spec.completionsMode: no such field in V1JobSpec']);
    expect(k8sProblems({ ...job, spec: { ...job.spec, completions: '3' } }, 'V1Job')).toEqual(['$.spec.completions: expected a number, got "3"']);
  });

  it('is an Indexed Job with one pod per shard, retried per index, each told the shard count', () => {
    const job = asApplied(manifests.job) as { apiVersion: string; kind: string; spec: { completionMode: string; completions: number; parallelism: number; backoffLimitPerIndex: number; template: { spec: { restartPolicy: string; containers: { command: string[]; env: { name: string; value: string }[]; resources: { requests: { cpu: string } } }[] } } } };
    expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 2 });
    const pod = job.spec.template.spec;
    // backoffLimitPerIndex requires restartPolicy Never.
    expect(pod.restartPolicy).toBe('Never');
    const container = pod.containers[0]!;
    expect(container.command).toEqual(['npx', 'tsx', 'scenarios/sweep.ts', 'examples/sweeps/strategy-kv-delay.json', '--out', '/results/kv-delay', '--jobs', '2', '--quiet']);
    expect(container.env).toContainEqual({ name: 'JOB_COMPLETIONS', value: '3' });
    expect(container.resources.requests.cpu).toBe('2');
  });

  it('merges from the same volume and folder the shards wrote to', () => {
    const merge = asApplied(manifests.merge) as { metadata: { name: string }; spec: { template: { spec: { containers: { command: string[] }[]; volumes: unknown[] } } } };
    expect(merge.metadata.name).toBe('kv-delay-merge');
    expect(merge.spec.template.spec.containers[0]!.command.slice(-3)).toEqual(['--out', '/results/kv-delay', '--merge']);
    expect(merge.spec.template.spec.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: 'sweep-results' } }]);
    expect((asApplied(manifests.volume) as { spec: { accessModes: string[] } }).spec.accessModes).toEqual(['ReadWriteMany']);
  });

  it('names things as DNS labels', () => {
    expect(dnsLabel('Strategy × KV_delay')).toBe('strategy-kv-delay');
    expect(dnsLabel('x'.repeat(80))).toHaveLength(63);
    expect(dnsLabel('***')).toBe('sweep');
  });
});
