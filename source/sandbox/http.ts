import type {IncomingMessage, ServerResponse} from 'node:http';
import {newGuid} from './util';

export type Surface = 'identity' | 'arm' | 'scoring' | 'logs' | 'admin';

/** One request as the surfaces see it. */
export class Exchange {
  readonly url: URL;
  readonly requestId = newGuid();
  /** Who made the call, once a surface has authenticated it (for the request log). */
  caller: string | undefined;
  private bodyPromise: Promise<Buffer> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    baseUrl: string,
  ) {
    // SDKs that join `/{scope}` onto `/` send `//subscriptions/…`; ARM folds repeated slashes,
    // and so must we, or the URL parser reads `//subscriptions` as a host name.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathPart = (q < 0 ? raw : raw.slice(0, q)).replace(/\/{2,}/g, '/');
    this.url = new URL(pathPart + (q < 0 ? '' : raw.slice(q)), baseUrl);
  }

  get method(): string {
    return (this.req.method ?? 'GET').toUpperCase();
  }

  /** The decoded path (ARM names may be percent-encoded by clients). */
  get path(): string {
    try {
      return decodeURIComponent(this.url.pathname);
    } catch {
      return this.url.pathname;
    }
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  /** Reads the whole body once; rejects with BodyTooLarge past `limit` bytes. */
  body(limit: number): Promise<Buffer> {
    this.bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const declared = Number(this.header('content-length') ?? 0);
      if (declared > limit) {
        reject(new BodyTooLarge(limit));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          reject(new BodyTooLarge(limit));
          this.req.removeAllListeners('data');
          this.req.resume();
          return;
        }
        chunks.push(chunk);
      });
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
    return this.bodyPromise;
  }

  send(status: number, body: string | Buffer, headers: Record<string, string | number> = {}): void {
    if (this.res.headersSent || this.res.destroyed) return;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    this.res.writeHead(status, {...headers, 'content-length': payload.length});
    this.res.end(this.method === 'HEAD' ? undefined : payload);
  }

  json(status: number, value: unknown, headers: Record<string, string | number> = {}): void {
    this.send(status, JSON.stringify(value), {
      'content-type': 'application/json; charset=utf-8',
      ...headers,
    });
  }
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** Parses an `application/x-www-form-urlencoded` body. */
export function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'));
}
