/**
 * What a person is told about the browser sign-in's page, in the wizard and on a command's
 * stderr alike: the browser opened, or why none could be and how to open the URL by hand (on
 * this machine, or from another through an SSH port forward of the loopback port).
 */
import {visible} from '../lib/visible';
import type {BrowserPrompt} from './types';

/** `ssh -L` for the loopback port, so a browser on the user's own machine reaches it. */
export const portForward = (port: number): string => `ssh -L ${port}:localhost:${port} <this host>`;

export interface BrowserNotice {
  /** One line: opened, or "No browser could be opened here: <why>." */
  headline: string;
  /** Where to open the URL by hand. */
  how: string;
  /** The URL, control characters shown visibly (it came from the SDK). */
  url: string;
}

export function browserNotice(prompt: BrowserPrompt): BrowserNotice {
  const url = visible(prompt.url);
  if (prompt.opened) {
    return {
      headline: 'Opened the sign-in page in your browser; finish signing in there.',
      how: 'If no browser window appeared, open this URL by hand:',
      url,
    };
  }
  const forward = prompt.port
    ? `, or on your own machine through an SSH port forward of port ${prompt.port} (${portForward(prompt.port)})`
    : '';
  return {
    headline: `No browser could be opened here: ${visible(prompt.reason ?? 'no browser opener works here')}.`,
    how: `Open this URL in a browser on this machine${forward}:`,
    url,
  };
}
