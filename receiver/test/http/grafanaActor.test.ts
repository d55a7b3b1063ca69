import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { actorOf } from '../../src/http/grafanaActor.ts';

// As Grafana's plugin proxy sends it: json.Marshal of the signed-in user, its UTF-8 bytes as they are.
const context = (user: Record<string, unknown>) => Buffer.from(JSON.stringify(user), 'utf8').toString('latin1');

/** The two fields actorOf reads, as the auth plugin leaves them on a request. */
const request = (role: FastifyRequest['role'], header?: string) =>
  ({ role, headers: header === undefined ? {} : { 'x-grafana-context': header } }) as unknown as FastifyRequest;

describe('actorOf', () => {
  const ada = context({ Login: 'ada', Name: 'Ada', IsAnonymous: false });

  it("believes the header on the tokens only Grafana's app and the operator hold: editor and admin", () => {
    expect(actorOf(request('editor', ada), 'api')).toBe('grafana:ada');
    expect(actorOf(request('admin', ada), 'api')).toBe('grafana:ada');
    expect(actorOf(request('admin', context({ Login: 'zoë' })), 'api')).toBe('grafana:zoë');
  });

  it('ignores it with the viewer token or none, and when it names nobody usable', () => {
    expect(actorOf(request('viewer', ada), 'api')).toBe('api');
    expect(actorOf(request(undefined, ada), 'api')).toBe('api');
    expect(actorOf(request('admin'), 'api')).toBe('api');
    expect(actorOf(request('admin', '{not json'), 'api')).toBe('api');
    expect(actorOf(request('admin', context({ Login: 'anon', IsAnonymous: true })), 'api')).toBe('api');
    expect(actorOf(request('admin', context({ Login: 'a\nb' })), 'api')).toBe('api');
    expect(actorOf(request('admin', context({ Login: 'x'.repeat(191) })), 'api')).toBe('api');
  });
});
