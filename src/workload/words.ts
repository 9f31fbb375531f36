// The vocabulary of the built-in corpus: common English words by part of speech, enough for
// text that reads like (dull) English and tokenizes like it. Verbs are in their base form.

export const NOUNS: readonly string[] = [
  'system', 'network', 'model', 'cache', 'request', 'server', 'river', 'city', 'market', 'garden',
  'library', 'engine', 'report', 'method', 'theory', 'process', 'student', 'teacher', 'company', 'village',
  'mountain', 'bridge', 'window', 'signal', 'record', 'budget', 'harvest', 'journey', 'machine', 'painting',
  'kitchen', 'council', 'forest', 'island', 'battery', 'station', 'contract', 'pattern', 'question', 'answer',
  'service', 'energy', 'climate', 'history', 'language', 'measure', 'memory', 'number', 'policy', 'product',
  'project', 'region', 'result', 'sample', 'season', 'surface', 'treaty', 'valley', 'voyage', 'worker',
  'author', 'border', 'channel', 'culture', 'design', 'doctor', 'factory', 'festival', 'highway', 'harbor',
  'lesson', 'manager', 'museum', 'ocean', 'orchard', 'planet', 'queue', 'recipe', 'schedule', 'storm',
];

export const VERBS: readonly string[] = [
  'improve', 'describe', 'reach', 'support', 'change', 'measure', 'follow', 'protect', 'explain', 'carry',
  'connect', 'reduce', 'produce', 'deliver', 'study', 'share', 'store', 'reflect', 'shape', 'replace',
  'observe', 'require', 'extend', 'limit', 'guide', 'record', 'balance', 'predict', 'transform', 'answer',
  'collect', 'compare', 'cover', 'define', 'enable', 'fix', 'gather', 'handle', 'inspect', 'mix',
];

export const ADJECTIVES: readonly string[] = [
  'small', 'large', 'quiet', 'early', 'modern', 'ancient', 'careful', 'bright', 'narrow', 'common',
  'local', 'global', 'simple', 'complex', 'steady', 'rapid', 'gentle', 'heavy', 'useful', 'rare',
  'northern', 'central', 'private', 'public', 'fragile', 'robust', 'distant', 'familiar', 'hidden', 'open',
];

export const ADVERBS: readonly string[] = [
  'often', 'rarely', 'slowly', 'quickly', 'usually', 'carefully', 'still', 'always', 'seldom', 'quietly',
];

export const PREPOSITIONS: readonly string[] = [
  'in', 'near', 'across', 'under', 'beyond', 'within', 'along', 'behind', 'through', 'after',
];

export const DETERMINERS: readonly string[] = ['the', 'a', 'each', 'every', 'this', 'that', 'one'];

export const CONNECTIVES: readonly string[] = ['because', 'while', 'although', 'since', 'whenever', 'until'];

export const QUESTION_STARTS: readonly string[] = ['how does', 'why does', 'when does', 'where does', 'what makes'];
