import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiTokens } from './apiTokens.ts';
import { ApiError } from './ApiError.ts';

export type Role = 'viewer' | 'editor' | 'admin';

/** Each role may do what the ones before it may. */
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler that lets through requests whose bearer token has this role or a higher one (admin > editor > viewer). */
    requireRole(role: Role): preHandlerAsyncHookHandler;
  }
  interface FastifyRequest {
    role?: Role;
  }
}

export interface AuthOptions {
  tokens: Pick<ApiTokens, 'viewer' | 'editor' | 'admin'>;
}

/** Bearer-token roles for every /api route: 401 without a known token, 403 with too weak a one. */
export const authPlugin = fp<AuthOptions>(
  async (app, { tokens }) => {
    const viewer = digest(tokens.viewer);
    const admin = digest(tokens.admin);
    const editor = tokens.editor === undefined ? undefined : digest(tokens.editor);

    const roleOf = (request: FastifyRequest): Role | undefined => {
      const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
      if (!match) return undefined;
      const presented = digest(match[1]!);
      if (timingSafeEqual(presented, admin)) return 'admin';
      if (editor && timingSafeEqual(presented, editor)) return 'editor';
      if (timingSafeEqual(presented, viewer)) return 'viewer';
      return undefined;
    };

    app.decorateRequest('role', undefined);
    app.decorate('requireRole', (required: Role): preHandlerAsyncHookHandler => async (request) => {
      const role = roleOf(request);
      if (!role) throw new ApiError('UNAUTHORIZED', 'a valid bearer token is required');
      if (RANK[role] < RANK[required]) {
        throw new ApiError(
          'FORBIDDEN',
          required === 'admin' ? 'this action needs the admin token' : 'this action needs the editor or admin token',
        );
      }
      request.role = role;
    });
  },
  { name: 'stacklens-auth' },
);

// Comparing fixed-length digests keeps the comparison constant-time whatever the input's length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
