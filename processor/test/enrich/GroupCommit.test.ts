import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/enrich/GroupCommit.ts';

describe('GroupCommit', () => {
  it('writes at once when idle, and what arrives during a write in the next one', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const commit = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = commit.add(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = [commit.add(2), commit.add(3), commit.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
    await commit.flushed();
  });

  it('rejects the items of a failed write, reports the failure once, and goes on with the next', async () => {
    const reported: Array<[string, number]> = [];
    let fail = true;
    const commit = new GroupCommit<string>(
      async () => {
        if (fail) throw new Error('store down');
      },
      (error, items) => reported.push([(error as Error).message, items]),
    );
    const results = await Promise.allSettled([commit.add('a'), commit.add('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(reported).toEqual([['store down', 2]]);
    fail = false;
    await expect(commit.add('c')).resolves.toBeUndefined();
  });
});
