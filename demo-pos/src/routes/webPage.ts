import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { fileURLToPath } from 'node:url';

/** Where the till page lives: demo-pos/public, next to src. */
export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

/** The browser till at `/`: plain HTML and JS that talk to the same API as everyone else. */
export const webPage: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: 'index.html' });
};
