import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { MessageQueue } from './MessageQueue.ts';

/**
 * A WebSocket client written against RFC 6455 by hand, for the clients a
 * library will not play: one that never answers pings, one that stops
 * reading. It also sees the HTTP status of a refused upgrade.
 */

export type RawFrame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'ping'; data: Buffer }
  | { kind: 'pong'; data: Buffer }
  | { kind: 'close'; code: number | undefined; reason: string };

export interface RawClientOptions {
  /** Answer pings with pongs (default true). */
  autoPong?: boolean;
}

export type UpgradeResult =
  | { upgraded: true; client: RawWebSocket }
  | { upgraded: false; status: number; headers: Record<string, string | string[] | undefined>; body: string };

export async function rawUpgrade(url: string, options: RawClientOptions = {}): Promise<UpgradeResult> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws/, 'http'), {
      agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' },
    });
    req.on('upgrade', (response, socket, head) => {
      if (response.statusCode !== 101) return reject(new Error(`unexpected upgrade status ${response.statusCode}`));
      resolve({ upgraded: true, client: new RawWebSocket(socket, head, options) });
    });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          upgraded: false,
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

export class RawWebSocket {
  readonly socket: Socket;
  readonly frames = new MessageQueue<RawFrame>();
  /** Resolves when the TCP connection is gone. */
  readonly closed: Promise<void>;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #autoPong: boolean;

  constructor(socket: Socket, head: Buffer, options: RawClientOptions) {
    this.socket = socket;
    this.#autoPong = options.autoPong ?? true;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    if (head.length > 0) this.#receive(head);
  }

  /** The next text message, parsed. */
  async nextJson(timeoutMs?: number): Promise<unknown> {
    const frame = await this.frames.until((item) => item.kind === 'text', timeoutMs);
    return JSON.parse((frame as { text: string }).text);
  }

  sendText(text: string): void {
    this.socket.write(encodeFrame(0x1, Buffer.from(text)));
  }

  /** Stops reading: the kernel buffers fill, then the server's. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const frame = decodeFrame(this.#buffer);
      if (!frame) return;
      this.#buffer = this.#buffer.subarray(frame.size);
      const { opcode, payload } = frame;
      if (opcode === 0x1) this.frames.push({ kind: 'text', text: payload.toString('utf8') });
      else if (opcode === 0x2) this.frames.push({ kind: 'binary', data: payload });
      else if (opcode === 0x9) {
        this.frames.push({ kind: 'ping', data: payload });
        if (this.#autoPong) this.socket.write(encodeFrame(0xa, payload));
      } else if (opcode === 0xa) this.frames.push({ kind: 'pong', data: payload });
      else if (opcode === 0x8) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        this.frames.push({ kind: 'close', code, reason: payload.subarray(2).toString('utf8') });
        // Answer the close handshake as RFC 6455 §5.5.1 asks, then end the connection.
        this.socket.end(encodeFrame(0x8, payload.subarray(0, 2)));
      }
    }
  }
}

/** A server frame (unmasked, never fragmented by ws for our messages), or undefined until it is complete. */
function decodeFrame(buffer: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return undefined;
  return { opcode, payload: buffer.subarray(offset, offset + length), size: offset + length };
}

/** A client frame: FIN set, masked as RFC 6455 requires of clients. */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigLength(payload.length)]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}

function bigLength(length: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(length));
  return buffer;
}
