// English-like text from the word list and a tiny grammar: sentences, paragraphs, questions.
// Everything comes from the PRNG it is given, so a seed fixes every word.

import { ADJECTIVES, ADVERBS, CONNECTIVES, DETERMINERS, NOUNS, PREPOSITIONS, QUESTION_STARTS, VERBS } from './words.ts';

export interface TextGenerator {
  /** One sentence, capitalised and ending in a full stop. */
  sentence(): string;
  /** `min`..`max` sentences joined by spaces. */
  paragraph(min?: number, max?: number): string;
  /** One question, capitalised and ending in a question mark. */
  question(): string;
  /** Exactly `count` words of running text (sentences cut at the last word). */
  words(count: number): string;
}

/** The third person singular of a base-form verb: 'carry' → 'carries', 'reach' → 'reaches'. */
export function thirdPerson(verb: string): string {
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(verb)) return `${verb}es`;
  return `${verb}s`;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A text generator drawing every choice from `random`. */
export function createTextGenerator(random: () => number): TextGenerator {
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)]!;
  const chance = (p: number): boolean => random() < p;
  const nounPhrase = (): string => {
    const det = pick(DETERMINERS);
    const words = chance(0.5) ? `${pick(ADJECTIVES)} ${pick(NOUNS)}` : pick(NOUNS);
    // 'a' before a vowel would need 'an'; 'the' instead keeps the grammar tiny.
    return `${det === 'a' && /^[aeiou]/.test(words) ? 'the' : det} ${words}`;
  };
  const clause = (): string => {
    const adverb = chance(0.3) ? `${pick(ADVERBS)} ` : '';
    const place = chance(0.5) ? ` ${pick(PREPOSITIONS)} ${nounPhrase()}` : '';
    return `${nounPhrase()} ${adverb}${thirdPerson(pick(VERBS))} ${nounPhrase()}${place}`;
  };
  const sentence = (): string => {
    const tail = chance(0.35) ? ` ${pick(CONNECTIVES)} ${clause()}` : '';
    return `${capitalise(clause())}${tail}.`;
  };
  const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  return {
    sentence,
    paragraph: (min = 3, max = 6) => Array.from({ length: between(min, max) }, sentence).join(' '),
    question: () => {
      const place = chance(0.5) ? ` ${pick(PREPOSITIONS)} ${nounPhrase()}` : '';
      return `${capitalise(pick(QUESTION_STARTS))} ${nounPhrase()} ${pick(VERBS)} ${nounPhrase()}${place}?`;
    },
    words: (count) => {
      const out: string[] = [];
      while (out.length < count) out.push(...sentence().split(' '));
      return out.slice(0, count).join(' ');
    },
  };
}
