import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';

/**
 * What Fastify's default client-error handler does (fastify.js 5.12, defaultClientErrorHandler:
 * 408 for a request time-out, 431 for oversized headers, 400 otherwise), except the log line:
 * Fastify logs the error at trace level with its `rawPacket`, the request's raw bytes — an
 * `Authorization` header included. Here only the code and message are logged.
 */
export function clientErrorHandler(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 408 ? 'Client Timeout' : status === 431 ? 'Exceeded maximum allowed HTTP header size' : 'Client Error';
  const body = JSON.stringify({ error: STATUS_CODES[status], message, statusCode: status });
  this.log.trace({ code: error.code, reason: error.message }, `client error ${status}`);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
