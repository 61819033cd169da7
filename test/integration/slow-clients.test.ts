import {connect} from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {slowClientLimits, SLOW_CLIENT_DEFAULTS} from '../../source/sandbox/limits';
import {request, startTestSandbox} from '../helpers/sandbox';

// Slow clients (issue 14): a client that trickles its request — the headers a byte at a time, or
// the body slower than the request may take — never gets a whole request in. The sandbox answers
// 408 and closes the connection at the configured limit (checked every connectionsCheckingInterval,
// set short here so the test is quick), while other clients keep getting answers meanwhile.

const HEADERS_TIMEOUT = 1_500;
const REQUEST_TIMEOUT = 3_000;
/** One byte per 200 ms, as a slowloris client sends. */
const BYTE_EVERY = 200;
/** The trickle gives up after this many bytes (ten times the limit): not cut off means failed. */
const MAX_BYTES = Math.ceil((10 * REQUEST_TIMEOUT) / BYTE_EVERY);

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({
    headersTimeoutMs: HEADERS_TIMEOUT,
    requestTimeoutMs: REQUEST_TIMEOUT,
    connectionsCheckingIntervalMs: 100,
  });
});
afterAll(() => sandbox?.stop());

interface Trickled {
  /** What the server sent back before it closed the connection. */
  reply: string;
  /** Bytes trickled before the connection closed. */
  sent: number;
  /** The server closed it (not the trickle giving up). */
  cut: boolean;
}

/** Sends `head` at once, then `trickle` one byte per BYTE_EVERY, until the server closes. */
function trickle(head: string, trickleBytes: string): Promise<Trickled> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sent = 0;
    let cut = true;
    let timer: NodeJS.Timeout | undefined;
    const socket = connect({host: '127.0.0.1', port: sandbox.port, ca: sandbox.caPem}, () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= MAX_BYTES || sent >= trickleBytes.length) {
          cut = false;
          clearInterval(timer);
          socket.destroy();
          return;
        }
        if (socket.writable) socket.write(trickleBytes[sent++]!);
      }, BYTE_EVERY);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({reply: Buffer.concat(chunks).toString('latin1'), sent, cut});
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close while a byte is on its way.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
  });
}

/** Normal requests on other connections, one after another, until `done` settles. */
async function meanwhile(done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const statuses: number[] = [];
  while (!finished) {
    const res = await request(sandbox, `/${sandbox.descriptor.tenantId}/discovery/v2.0/keys`, {
      headers: {connection: 'close'},
    });
    statuses.push(res.status);
    await new Promise((r) => setTimeout(r, 100));
  }
  return statuses;
}

describe('slow clients', () => {
  it('headers trickled a byte per 200 ms are cut off with 408; other clients are answered meanwhile', async () => {
    const slow = trickle(
      `GET /${sandbox.descriptor.tenantId}/discovery/v2.0/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `,
      'a'.repeat(MAX_BYTES),
    );
    const others = await meanwhile(slow);
    const result = await slow;
    expect(result.cut, 'the server never closed the trickling connection').toBe(true);
    expect(result.reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(result.reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(result.sent).toBeLessThan(MAX_BYTES);
    // The sandbox kept answering everyone else while the slow client held its connection.
    expect(others.length).toBeGreaterThanOrEqual(2);
    expect(new Set(others)).toEqual(new Set([200]));
  }, 60_000);

  it('a body trickled slower than the request timeout is cut off with 408, and the sandbox keeps serving', async () => {
    const body = 'grant_type=client_credentials&client_id=x&'.padEnd(2_000, 'x');
    const slow = trickle(
      `POST /${sandbox.descriptor.tenantId}/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    const others = await meanwhile(slow);
    const result = await slow;
    expect(result.cut, 'the server never closed the trickling connection').toBe(true);
    expect(result.reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // Past the headers timeout (the headers were whole): the request timeout cut it.
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThan(body.length);
    expect(new Set(others)).toEqual(new Set([200]));
    const after = await request(sandbox, `/${sandbox.descriptor.tenantId}/discovery/v2.0/keys`);
    expect(after.status).toBe(200);
  }, 60_000);

  it('the limits default as documented and must be consistent', () => {
    expect(slowClientLimits({})).toEqual({
      headersTimeout: SLOW_CLIENT_DEFAULTS.headersTimeoutMs,
      requestTimeout: SLOW_CLIENT_DEFAULTS.requestTimeoutMs,
      connectionsCheckingInterval: SLOW_CLIENT_DEFAULTS.connectionsCheckingIntervalMs,
    });
    expect(SLOW_CLIENT_DEFAULTS).toEqual({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 120_000,
      connectionsCheckingIntervalMs: 1_000,
    });
    expect(() => slowClientLimits({headersTimeoutMs: 5_000, requestTimeoutMs: 1_000})).toThrow(
      /headers timeout/,
    );
    expect(() => slowClientLimits({requestTimeoutMs: 0})).toThrow(/positive/);
  });
});
