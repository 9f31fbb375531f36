import { describe, expect, it } from 'vitest';
import { chatSessions, type ChatOptions, type ChatRequest } from '../../src/workload/chat.ts';
import { WorkloadOptionError } from '../../src/workload/option-checks.ts';
import { FakeTarget, answerOf, runDriver, type RunOptions } from './helpers.ts';

const options = (overrides: Partial<ChatOptions> = {}): ChatOptions => ({ seed: 11, sessions: 3, turns: 4, encode: (t) => [...t].map((c) => c.charCodeAt(0)), ...overrides });

/** Runs a chat driver on a fake target; returns the submitted turns and the target. */
function runChat(overrides: Partial<ChatOptions> = {}, run: RunOptions = {}): { turns: readonly ChatRequest[]; target: FakeTarget } {
  const driver = chatSessions(options(overrides));
  const target = new FakeTarget();
  runDriver(driver, target, run);
  expect(driver.progress().done).toBe(true);
  return { turns: driver.requests(), target };
}

const turnsOf = (turns: readonly ChatRequest[], session: number): ChatRequest[] => turns.filter((r) => r.session === session);

describe('chatSessions', () => {
  it('runs every session for every turn', () => {
    const { turns } = runChat();
    expect(turns).toHaveLength(12);
    expect(turnsOf(turns, 1).map((r) => r.id)).toEqual(['chat-1-0', 'chat-1-1', 'chat-1-2', 'chat-1-3']);
  });

  it('starts turn t+1 with turn t\'s prompt and its answer, then a new question', () => {
    const { turns } = runChat();
    for (let s = 0; s < 3; s++) {
      const session = turnsOf(turns, s);
      for (let t = 0; t + 1 < session.length; t++) {
        const history = [...session[t]!.prompt, ...answerOf(session[t]!.id)];
        expect(session[t + 1]!.prompt.slice(0, history.length)).toEqual(history);
        expect(session[t + 1]!.prompt.length).toBeGreaterThan(history.length);
      }
    }
  });

  it('keeps the conversation as text while answers come with text', () => {
    const { turns } = runChat({}, { outcome: (s) => ({ tokens: [...`<${s.id}>`].map((c) => c.charCodeAt(0)), text: `<${s.id}>` }) });
    const [first, second] = turnsOf(turns, 0);
    expect(first!.text).toMatch(/^You are a friendly assistant[^\n]*\n\nUser: [^\n]+\?\nAssistant:$/);
    expect(second!.text).toBe(`${first!.text}<chat-0-0>\nUser: ${second!.text!.split('\nUser: ')[2]}`);
    // With this character encoder the tokens spell the text.
    expect(String.fromCharCode(...second!.prompt)).toBe(second!.text);
  });

  it('drops the text once an answer comes without it', () => {
    const { turns } = runChat();
    expect(turnsOf(turns, 0).map((r) => r.text === undefined)).toEqual([false, true, true, true]);
  });

  it('submits the next turn a seeded think time after the previous one finishes', () => {
    const { target } = runChat({ thinkTimeMs: { min: 500, max: 900 } }, { latency: () => 100 });
    const byId = new Map(target.submissions.map((s) => [s.id, s]));
    for (const s of target.submissions) {
      const [, session, turn] = s.id.split('-').map(Number);
      if (turn === 0) continue;
      const previous = byId.get(`chat-${session}-${turn! - 1}`)!;
      const finish = previous.at + 100;
      expect(s.calledAt).toBe(finish);
      expect(s.at - finish).toBeGreaterThanOrEqual(500);
      expect(s.at - finish).toBeLessThanOrEqual(900);
    }
  });

  it('starts sessions together, or as a Poisson process at sessionRate', () => {
    expect(runChat().turns.filter((r) => r.turn === 0).map((r) => r.at)).toEqual([0, 0, 0]);
    const starts = runChat({ sessions: 5, sessionRate: 2 }).turns.filter((r) => r.turn === 0).map((r) => r.at);
    expect(starts[0]).toBe(0);
    expect(starts.every((t, i) => i === 0 || t > starts[i - 1]!)).toBe(true);
  });

  it('asks the same questions whatever order completions arrive in', () => {
    const fast = runChat({}, { latency: () => 10 }).turns;
    const uneven = runChat({}, { latency: (s) => (s.id.startsWith('chat-0') ? 5000 : 10) }).turns;
    const promptById = (turns: readonly ChatRequest[]) => new Map(turns.map((r) => [r.id, r.prompt]));
    expect(promptById(uneven)).toEqual(promptById(fast));
    expect(uneven.map((r) => r.id)).not.toEqual(fast.map((r) => r.id)); // submission order did change
  });

  it('ends a session at a rejected turn', () => {
    const driver = chatSessions(options());
    const target = new FakeTarget();
    runDriver(driver, target, { outcome: (s) => (s.id === 'chat-2-1' ? { tokens: [], status: 'rejected' } : { tokens: answerOf(s.id) }) });
    expect(turnsOf(driver.requests(), 2).map((r) => r.turn)).toEqual([0, 1]);
    expect(driver.progress()).toEqual({ total: 10, submitted: 10, finished: 10, inFlight: 0, done: true });
  });

  it('is deterministic: the same seed gives identical turns, another seed different ones', () => {
    expect(runChat().turns).toEqual(runChat().turns);
    expect(runChat({ seed: 12 }).turns.map((r) => r.prompt)).not.toEqual(runChat().turns.map((r) => r.prompt));
  });

  it('names a bad option', () => {
    expect(() => chatSessions(options({ turns: 0 }))).toThrow(WorkloadOptionError);
    expect(() => chatSessions(options({ thinkTimeMs: -1 }))).toThrow('thinkTimeMs is -1; expected an integer ≥ 0');
  });
});
