import {createContext, useContext, useEffect} from 'react';
import type {Services} from '../domain/services';
import type {RetryNotice} from '../domain/types';
import type {CopyOutcome} from '../lib/clipboard';
import type {Hub} from '../lib/hub';
import type {ListCache} from './list-cache';
import type {ProfilesPort} from './profiles-port';

/** A principal of the embedded sandbox, as its panel shows it. */
export interface SandboxPanelPrincipal {
  kind: 'user' | 'servicePrincipal' | 'managedIdentity';
  name: string;
  objectId: string;
  clientId?: string;
  /** Shown masked until revealed; never logged. */
  clientSecret?: string;
  certificateFile?: string;
}

/** The embedded sandbox (`--sandbox`), as plain data: the app never imports the sandbox. */
export interface SandboxPanelInfo {
  url: string;
  cloudFile: string;
  caCertFile: string;
  tenantId: string;
  principals: SandboxPanelPrincipal[];
  identityEndpoint?: string;
}

/** What the wizard needs from the outside world; tests pass fakes. */
export interface AppEnvironment {
  services: Services;
  profiles: ProfilesPort;
  /** How profiles name the current cloud: a built-in name, `sandbox`, or a cloud file path. */
  cloudRef: string;
  /** Copies to a clipboard, saying where — or that nothing could be (lib/clipboard.ts). */
  copy: (text: string) => Promise<CopyOutcome>;
  openUrl: (url: string) => Promise<boolean>;
  /**
   * AZURE_CLIENT_SECRET when it is set: resuming a service-principal profile signs in with it
   * instead of asking again, as the commands do. Kept in memory only.
   */
  environmentSecret?: string;
  /** A line about the cloud that every screen shows (e.g. "this is the sandbox"). */
  banner?: string;
  /** The request file the invoke step offers first (the bundled assets/sample-request.json). */
  sampleRequest?: string;
  /** Notices for the first screen (e.g. where a corrupt profile file was moved). */
  notices?: string[];
  /** With `--sandbox`: what its panel (ctrl+s) shows. */
  sandbox?: SandboxPanelInfo;
  /** Resource Manager retries as they are about to happen (the app shows the wait). */
  retries?: Hub<RetryNotice>;
}

const EnvContext = createContext<AppEnvironment | undefined>(undefined);
export const EnvProvider = EnvContext.Provider;

export function useEnv(): AppEnvironment {
  const env = useContext(EnvContext);
  if (!env) throw new Error('useEnv outside the app');
  return env;
}

/** Told after each frame Ink draws (runWizard provides it), for what measures the layout. */
export const FramesContext = createContext<Hub<void> | undefined>(undefined);

/** The session's list cache (runWizard provides one); without it every list is fetched. */
export const ListCacheContext = createContext<ListCache | undefined>(undefined);
export const useListCache = (): ListCache | undefined => useContext(ListCacheContext);

/** Screens with a text field say so, so that `?` types a question mark instead of opening help. */
export const TextEntryContext = createContext<(active: boolean) => void>(() => {});

export function useTextEntry(active: boolean): void {
  const set = useContext(TextEntryContext);
  useEffect(() => {
    set(active);
    return () => set(false);
  }, [active, set]);
}

/**
 * Signing in again in place (the wizard provides it): an error panel whose error says the sign-in
 * can no longer get tokens counts itself in (`offer(1)`, `offer(-1)` when it goes), and while one
 * is on screen the wizard's `s` key signs in again. `available`: the wizard can do that here.
 */
export interface SignInAgainPort {
  available: boolean;
  /** An error saying so is on screen and the key works now (the footer shows it). */
  offered: boolean;
  offer: (delta: 1 | -1) => void;
}

export const SignInAgainContext = createContext<SignInAgainPort>({
  available: false,
  offered: false,
  offer: () => {},
});

/** Counts an error that says "sign in again" in while it is on screen. */
export function useSignInAgainOffer(needed: boolean): SignInAgainPort {
  const port = useContext(SignInAgainContext);
  const {offer} = port;
  useEffect(() => {
    if (!needed) return;
    offer(1);
    return () => offer(-1);
  }, [needed, offer]);
  return port;
}
