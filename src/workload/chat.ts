// Multi-turn chat, closed loop: S sessions of T turns. Turn t+1 of a session is submitted a
// think time after turn t completes, and its prompt is the whole conversation so far:
//
//   prompt(0)   = system prompt ‖ "User: q0\nAssistant:"
//   prompt(t+1) = prompt(t) ‖ answer(t) ‖ "\nUser: q(t+1)\nAssistant:"
//
// The answers are the tokens the cluster generated, so this is a driver, not a list. Questions,
// output lengths and think times are drawn up front, session by session, so the order in which
// completions arrive never changes what a session asks. A rejected or failed turn ends its session.

import { InFlight, type FinishOutcome, type WorkloadDriver } from './driver.ts';
import { checkLength, drawLength, type LengthSpec } from './lengths.ts';
import { checkInteger, checkPositive } from './option-checks.ts';
import { createPieceEncoder, joinPieces } from './piece-encoder.ts';
import { poissonArrivals } from './poisson.ts';
import { makeRequest, type CommonOptions, type Encode, type BuiltRequest } from './request.ts';
import { streamPrng } from './seeds.ts';
import { createTextGenerator } from './text-gen.ts';

export interface ChatOptions extends CommonOptions {
  readonly seed: number;
  readonly sessions: number;
  /** Turns per session. */
  readonly turns: number;
  readonly encode: Encode;
  /** The system prompt every session opens with (default DEFAULT_CHAT_SYSTEM_PROMPT). */
  readonly systemPrompt?: string;
  /** Words per user question (default 8 to 24). */
  readonly questionWords?: LengthSpec;
  /** Output tokens per turn (default 64). */
  readonly outputTokens?: LengthSpec;
  /** Think time in ms between a turn's completion and the next turn (default 1,000 to 5,000). */
  readonly thinkTimeMs?: LengthSpec;
  /** Poisson rate of session starts per second; without it every session starts at `start`. */
  readonly sessionRate?: number;
  /** Start of the first session in ms after driver.start (default 0). */
  readonly start?: number;
}

/** A chat turn as submitted; `at` is the virtual time it was submitted for. */
export interface ChatRequest extends BuiltRequest {
  readonly session: number;
  readonly turn: number;
}

/** A chat driver, which also lists what it has submitted. */
export interface ChatDriver extends WorkloadDriver {
  /** Every turn submitted so far, in submission order. */
  requests(): readonly ChatRequest[];
}

export const DEFAULT_CHAT_SYSTEM_PROMPT =
  'You are a friendly assistant in a long conversation. Keep track of what the user said earlier, ' +
  'answer each new question directly and refer back to earlier answers when they matter.';

interface Session {
  readonly questions: readonly string[];
  readonly maxTokens: readonly number[];
  /** thinkMs[t]: the pause after turn t completes, before turn t + 1. */
  readonly thinkMs: readonly number[];
  readonly startAt: number;
  /** The turn in flight (or the last one submitted). */
  turn: number;
  /** The last submitted prompt. */
  prompt: number[];
  /** The conversation as text, while every answer came with its text. */
  text: string | undefined;
}

/** The closed-loop chat driver: S sessions × T turns, each turn = history + previous answer + new question. */
export function chatSessions(options: ChatOptions): ChatDriver {
  const { seed, sessions, turns, encode, systemPrompt = DEFAULT_CHAT_SYSTEM_PROMPT } = options;
  const { questionWords = { min: 8, max: 24 }, outputTokens = 64, thinkTimeMs = { min: 1000, max: 5000 } } = options;
  const { sessionRate, start = 0, idPrefix = 'chat-' } = options;
  checkInteger('sessions', sessions, 0);
  checkInteger('turns', turns, 1);
  checkLength('questionWords', questionWords);
  checkLength('outputTokens', outputTokens);
  checkLength('thinkTimeMs', thinkTimeMs, 0);
  if (sessionRate !== undefined) checkPositive('sessionRate', sessionRate);

  const questionText = createTextGenerator(streamPrng(seed, 'questions'));
  const questionLengths = streamPrng(seed, 'question-lengths');
  const lengths = streamPrng(seed, 'output-lengths');
  const thinks = streamPrng(seed, 'think-times');
  const starts =
    sessionRate === undefined ? Array.from({ length: sessions }, () => start) : poissonArrivals(sessions, sessionRate, streamPrng(seed, 'session-starts'), start);
  const system = `${systemPrompt}\n\n`;
  const all: Session[] = starts.map((startAt) => ({
    questions: Array.from({ length: turns }, () => questionText.words(drawLength(questionWords, questionLengths)) + '?'),
    maxTokens: Array.from({ length: turns }, () => drawLength(outputTokens, lengths)),
    thinkMs: Array.from({ length: turns - 1 }, () => drawLength(thinkTimeMs, thinks)),
    startAt,
    turn: 0,
    prompt: [],
    text: system,
  }));

  const pieces = createPieceEncoder(encode);
  const flight = new InFlight();
  const submitted: ChatRequest[] = [];
  const sessionOf = new Map<string, number>(); // request id → session index
  let total = sessions * turns;

  const submitTurn = (s: number, at: number): void => {
    const session = all[s]!;
    const id = `${idPrefix}${s}-${session.turn}`;
    const request = makeRequest({
      id,
      at,
      prompt: session.prompt,
      maxTokens: session.maxTokens[session.turn]!,
      text: session.text,
      tenant: options.tenant,
      ignoreEos: options.ignoreEos ?? true,
    });
    submitted.push({ ...request, session: s, turn: session.turn });
    sessionOf.set(id, s);
    flight.submit(request, at);
  };

  const ask = (session: Session, prefix: readonly (readonly number[])[], answerText: string | undefined): void => {
    const question = `${session.turn === 0 ? '' : '\n'}User: ${session.questions[session.turn]!}\nAssistant:`;
    session.prompt = joinPieces([...prefix, pieces.encode(question)]);
    session.text = session.text === undefined || answerText === undefined ? undefined : session.text + answerText + question;
  };

  return {
    start(target) {
      const t0 = flight.bind(target).now();
      all.forEach((session, s) => {
        ask(session, [pieces.encode(system, true)], '');
        submitTurn(s, t0 + session.startAt);
      });
    },
    onFinished(requestId: string, outcome: FinishOutcome) {
      if (!flight.finish(requestId)) return;
      const s = sessionOf.get(requestId)!;
      const session = all[s]!;
      const ok = (outcome.status ?? 'completed') === 'completed';
      if (!ok) total -= turns - session.turn - 1; // the session ends here
      if (!ok || session.turn + 1 >= turns) return;
      const previous = session.prompt;
      const think = session.thinkMs[session.turn]!;
      session.turn++;
      ask(session, [previous, outcome.tokens], outcome.text);
      submitTurn(s, flight.bound.now() + think);
    },
    progress: () => flight.progress(total),
    requests: () => submitted,
  };
}
