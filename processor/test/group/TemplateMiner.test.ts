import { describe, expect, it } from 'vitest';
import { maskMessage } from '../../src/group/maskMessage.ts';
import { TemplateMiner } from '../../src/group/TemplateMiner.ts';

const mine = (miner: TemplateMiner, text: string, scope = 's') => miner.mine(scope, maskMessage(text));

describe('TemplateMiner', () => {
  it('starts a template, then generalises the positions that vary, saying what it was', () => {
    const miner = new TemplateMiner();
    const first = mine(miner, 'login of user alice from the kiosk');
    expect(first).toMatchObject({
      created: true,
      previousText: undefined,
      template: { text: 'login of user alice from the kiosk', count: 1 },
    });
    const second = mine(miner, 'login of user bob from the kiosk');
    expect(second.created).toBe(false);
    expect(second.previousText).toBe('login of user alice from the kiosk');
    expect(second.template).toBe(first.template);
    expect(second.template.text).toBe('login of user <*> from the kiosk');
    expect(mine(miner, 'login of user carol from the kiosk').previousText).toBeUndefined();
    expect(miner.size).toBe(1);
    expect(miner.find('s', 'login of user <*> from the kiosk')?.count).toBe(3);
    expect(miner.find('s', 'login of user alice from the kiosk')).toBeUndefined();
  });

  it('trusts leading words, as Drain does: a user name among the first tokens makes a template per name', () => {
    const miner = new TemplateMiner();
    mine(miner, 'user alice logged in from the kiosk');
    mine(miner, 'user bob logged in from the kiosk');
    expect(miner.size).toBe(2);
  });

  it('does not route by a leading qualified name: bundle ids or classes leading one message join one template', () => {
    const miner = new TemplateMiner();
    mine(miner, 'com.apple.CacheDelete.daily: told to run this job, but the start time is not for 65558 seconds');
    const second = mine(miner, 'com.apple.icloud.fmfd.heartbeat: told to run this job, but the start time is not for 441483 seconds');
    expect(second.created).toBe(false);
    expect(second.template.text).toBe('<*> told to run this job, but the start time is not for <duration>');
    // Two-part names route as words do, and the leaf's similarity still tells short messages apart.
    mine(miner, 'Worker.run crashed');
    mine(miner, 'Reaper.run crashed');
    mine(miner, 'org.example.Worker started');
    mine(miner, 'org.example.Reaper stopped');
    expect(miner.size).toBe(5);
    // An exception class leading a message says what happened: it routes as a word.
    mine(miner, 'java.io.IOException: Connection reset by peer');
    expect(mine(miner, 'java.net.SocketException: Connection reset by peer').created).toBe(true);
    expect(miner.size).toBe(7);
  });

  it('reaches the same template text whatever the order of the variants', () => {
    const variants = ['job 12 of alice failed on node-3', 'job 7 of bob failed on node-9', 'job 5 of carol failed on node-1'];
    const texts = [variants, [...variants].reverse()].map((order) => {
      const miner = new TemplateMiner();
      for (const text of order) mine(miner, text);
      return [...miner.templates()].map((template) => template.text);
    });
    expect(texts[0]).toEqual(['job <num> of <*> failed on <id>']);
    expect(texts[1]).toEqual(texts[0]);
  });

  it('keeps scopes, token counts and dissimilar messages apart', () => {
    const miner = new TemplateMiner();
    mine(miner, 'disk full on /var/lib/data');
    mine(miner, 'disk full on /var/lib/data', 'other');
    mine(miner, 'disk full on /var/lib/data now');
    mine(miner, 'cache miss for key 42');
    expect(miner.size).toBe(4);
  });

  it('counts a run of one placeholder as one variable of any length', () => {
    const miner = new TemplateMiner();
    expect(mine(miner, 'Supported channels 1 2 3 4 5').template.text).toBe('Supported channels <num>');
    expect(mine(miner, 'Supported channels 1 2 3').created).toBe(false);
  });

  it('seeds known templates: a message that matches one joins it', () => {
    const miner = new TemplateMiner();
    const seeded = miner.seed('s', 'login of user <*> from the kiosk');
    expect(miner.seed('s', 'login of user <*> from the kiosk')).toBe(seeded);
    const result = mine(miner, 'login of user dave from the kiosk');
    expect(result).toMatchObject({ created: false, previousText: undefined });
    expect(result.template).toBe(seeded);
  });

  it('sends tokens beyond maxChildren down one branch, and cuts messages at maxTokens', () => {
    const miner = new TemplateMiner({ maxChildren: 2, maxTokens: 4 });
    for (const word of ['alpha', 'beta', 'gamma', 'delta']) mine(miner, `${word} service is degraded`);
    expect([...miner.templates()].map((template) => template.text)).toEqual([
      'alpha service is degraded',
      'beta service is degraded',
      '<*> service is degraded',
    ]);
    expect(mine(miner, 'a b c d e f').template.tokens).toEqual(['a', 'b', 'c', 'd e f']);
  });

  it('refuses knobs out of range', () => {
    expect(() => new TemplateMiner({ similarity: 1.5 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ leadingTokens: -1 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxChildren: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ maxTokens: 1 })).toThrow(RangeError);
  });
});
