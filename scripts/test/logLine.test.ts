import { describe, expect, it } from 'vitest';
import { readableLogLine } from '../lib/logLine.ts';

describe('readableLogLine', () => {
  it("turns the receiver's pino JSON into a level and the message, with the error's own words", () => {
    const line = JSON.stringify({
      level: 40,
      time: 1,
      pid: 7,
      msg: 'Jira: ticket stage failed',
      err: { type: 'Error', message: 'boom', stack: '…' },
    });
    expect(readableLogLine(line)).toBe('WARN Jira: ticket stage failed (boom)');
    expect(readableLogLine(JSON.stringify({ level: 50, msg: 'it failed: boom', err: { message: 'boom' } }))).toBe('ERROR it failed: boom');
    expect(readableLogLine(JSON.stringify({ level: 35, msg: 'custom' }))).toBe('LEVEL 35 custom');
  });

  it('leaves any other line as it is', () => {
    for (const line of ['StackLens API at http://127.0.0.1:4318/api', '{not json', '{"level":"x","msg":"y"}', '{"level":30}', '[1,2]']) {
      expect(readableLogLine(line)).toBe(line);
    }
  });
});
