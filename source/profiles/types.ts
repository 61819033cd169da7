import type {AuthMode, SignInMethod} from '../domain/types';

/** How a profile signs in: the method and its non-secret parameters only. */
export interface ProfileSignIn {
  method: SignInMethod;
  clientId?: string;
  certificatePath?: string;
  /** The serialized @azure/identity AuthenticationRecord (JSON, no secrets): silent sign-in across runs. */
  authenticationRecord?: string;
}

/** One finished setup, remembered so the next run can jump straight to credentials or scoring. */
export interface Profile {
  name: string;
  /** A built-in cloud name (`AzureCloud`, …) or the path of a custom cloud file. */
  cloud: string;
  tenantId: string;
  signIn: ProfileSignIn;
  subscription: {id: string; name: string};
  resourceGroup: string;
  workspace: string;
  endpoint: string;
  authMode: AuthMode;
  deployment?: string;
  /**
   * The endpoint's scoring URI when the profile was last used (not a secret). With it a command
   * skips reading the endpoint while the profile's auth mode still holds.
   */
  scoringUri?: string;
  lastRequestFile?: string;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601; `list()` orders by it, most recent first. */
  lastUsedAt: string;
}

/** What a command learned about a profile's endpoint, recorded by `touch()`. */
export type EndpointFacts = Partial<Pick<Profile, 'scoringUri' | 'authMode'>>;

/** What `save()` takes: the times are filled in when absent. */
export type ProfileInput = Omit<Profile, 'createdAt' | 'lastUsedAt'> &
  Partial<Pick<Profile, 'createdAt' | 'lastUsedAt'>>;

/** The whole file, as written at the current schema version. */
export interface ProfileFile {
  [key: string]: unknown;
  schemaVersion: number;
  profiles: Record<string, Profile>;
}
