import type {SandboxContext} from '../context';
import type {Exchange} from '../http';
import {type ArmCall, methodNotAllowed} from './common';

export type Params = Record<string, string>;
export type Handler = (
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  params: Params,
) => Promise<void> | void;

export interface Route {
  /** e.g. `/subscriptions/:sub/resourceGroups/:rg`; literals match case-insensitively. */
  pattern: string;
  methods: Partial<Record<'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE', Handler>>;
}

export function matchPattern(pattern: string, segments: string[]): Params | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const seg = segments[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part.toLowerCase() !== seg.toLowerCase()) return undefined;
  }
  return params;
}

/** Finds the route for the path; undefined when none matches. */
export function resolveRoute(
  routes: Route[],
  ex: Exchange,
  segments: string[],
): {handler: Handler; params: Params} | undefined {
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (!params) continue;
    const method = (ex.method === 'HEAD' ? 'GET' : ex.method) as keyof Route['methods'];
    const handler = route.methods[method];
    if (!handler) methodNotAllowed(ex, Object.keys(route.methods));
    return {handler, params};
  }
  return undefined;
}
