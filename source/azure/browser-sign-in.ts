/**
 * The browser sign-in's page, as the sign-in flow sees it: @azure/identity (MSAL Node) opens it
 * through our `open` (source/lib/browser-opener.ts), which tells us whether a browser started.
 * Here that becomes a BrowserPrompt for the caller (the loopback port read from the URL's
 * redirect), and an abort ends MSAL's wait: MSAL Node's interactive request takes no AbortSignal
 * and would keep its loopback server listening, so a cancelled sign-in posts an `access_denied`
 * answer with the request's state to that server, which settles it and closes the port.
 */
import {request} from 'node:http';
import {onBrowserLaunch, type BrowserLaunch} from '../lib/browser-opener';
import type {BrowserPrompt, SignInCallbacks} from '../domain/types';

/** The loopback redirect and state of an authorize URL, if it has them. */
export function loopbackOf(url: string): {redirect: URL; port: number; state: string} | undefined {
  try {
    const q = new URL(url).searchParams;
    const redirect = new URL(q.get('redirect_uri') ?? '');
    const state = q.get('state');
    const port = Number(redirect.port);
    if (redirect.protocol !== 'http:' || !port || !state) return undefined;
    return {redirect, port, state};
  } catch {
    return undefined;
  }
}

export function browserPrompt(launch: BrowserLaunch): BrowserPrompt {
  const port = loopbackOf(launch.url)?.port;
  return {
    url: launch.url,
    opened: launch.opened,
    ...(launch.reason ? {reason: launch.reason} : {}),
    ...(port ? {port} : {}),
  };
}

/** Settles MSAL's loopback wait for this authorize URL as a cancelled sign-in. */
export function cancelLoopback(url: string): Promise<void> {
  const loopback = loopbackOf(url);
  if (!loopback) return Promise.resolve();
  const body = new URLSearchParams({
    error: 'access_denied',
    error_description: 'The sign-in was cancelled in aml-auth.',
    state: loopback.state,
  }).toString();
  return new Promise((resolve) => {
    // MSAL Node listens on 127.0.0.1 whatever the redirect's host name says.
    const req = request(
      {
        host: '127.0.0.1',
        port: loopback.port,
        path: '/',
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

/**
 * While a browser sign-in runs: every launch goes to `callbacks.onBrowser`; an abort (now, or
 * before the URL is known) cancels MSAL's wait. Returns the function that stops watching.
 */
export function watchBrowserSignIn(callbacks: SignInCallbacks, signal?: AbortSignal): () => void {
  let url: string | undefined;
  const stop = onBrowserLaunch((launch) => {
    url = launch.url;
    if (signal?.aborted) void cancelLoopback(launch.url);
    else callbacks.onBrowser?.(browserPrompt(launch));
  });
  const onAbort = () => {
    if (url) void cancelLoopback(url);
  };
  signal?.addEventListener('abort', onAbort, {once: true});
  return () => {
    stop();
    signal?.removeEventListener('abort', onAbort);
  };
}
