import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFolder } from '../../scenarios/lib/output-folder.ts';

describe('checkOutputFolder', () => {
  it('lets runs that start at once into the same new folder all go on, leaving no probe behind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'scr-out-race-'));
    for (let i = 0; i < 20; i++) {
      const dir = join(root, String(i), 'results', 'replay');
      const checks = await Promise.allSettled(Array.from({ length: 6 }, () => checkOutputFolder(dir)));
      expect(checks.filter((c) => c.status === 'rejected'), `folder ${i}`).toEqual([]);
      expect(statSync(dir).isDirectory()).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    }
  });
});
