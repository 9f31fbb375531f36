import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, progressEnabled, type ProgressStream } from '../../src/report/progress.ts';

/** A stream that keeps what is written to it, posing as a terminal or not. */
function makeStream(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY, columns: 160, text: () => chunks.join('') });
}

/** A host clock that moves 500 ms per reading. */
const steppingClock = () => {
  let t = 0;
  return () => (t += 500);
};

describe('createProgress', () => {
  it.each([
    ['turned off by the caller', { enabled: false, tty: true, env: {} }],
    ['not a TTY', { enabled: true, tty: false, env: {} }],
    ['CI is set', { enabled: true, tty: true, env: { CI: 'true' } }],
  ])('writes nothing at all when %s', (_, { enabled, tty, env }) => {
    const stream = makeStream(tty);
    const progress = createProgress({ total: 10, label: 'cache-aware', enabled, stream, env });
    progress.update(3, { simulatedMs: 1500 });
    progress.update(10);
    progress.stop();
    progress.stop();
    expect(progress.enabled).toBe(false);
    expect(stream.text()).toBe('');
  });

  it('shows the label, requests done of total, simulated time and rate on a terminal', () => {
    const stream = makeStream(true);
    const listeners = process.listenerCount('SIGINT');
    const progress = createProgress({ total: 10, label: 'cache-aware', stream, env: {}, now: steppingClock() });
    expect(progress.enabled).toBe(true);
    expect(process.listenerCount('SIGINT'), 'restores the terminal on Ctrl-C').toBe(listeners + 1);
    progress.update(10, { simulatedMs: 12_345 });
    progress.stop();
    const text = stream.text();
    expect(text).toContain('cache-aware');
    expect(text).toContain('10/10 requests');
    expect(text).toContain('sim 12.3 s');
    expect(text).toMatch(/\d+ req\/s/);
    progress.update(11);
    expect(stream.text(), 'nothing after stop').toBe(text);
    expect(process.listenerCount('SIGINT'), 'stop removes its signal handlers').toBe(listeners);
  });
});

describe('progressEnabled', () => {
  it('needs enabled, a TTY and CI unset or empty', () => {
    expect(progressEnabled({ stream: makeStream(true), env: {} })).toBe(true);
    expect(progressEnabled({ stream: makeStream(true), env: { CI: '' } })).toBe(true);
    expect(progressEnabled({ stream: makeStream(true), env: { CI: '1' } })).toBe(false);
    expect(progressEnabled({ stream: makeStream(false), env: {} })).toBe(false);
    expect(progressEnabled({ enabled: false, stream: makeStream(true), env: {} })).toBe(false);
  });
});
