import type {ClientCertificate} from './certs';
import type {Clock} from './clock';
import type {FaultInjector} from './faults';
import type {Surface} from './http';
import type {TokenSigner} from './jwt';
import type {Principal, World} from './world';

export interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenantId: string;
  scopes: string[];
  expiresAt: number;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  principalId?: string;
  /** Someone opened the device page while this code was pending: auto-approval stands aside. */
  pageOpened: boolean;
}

/** A code the authorize endpoint issued (browser sign-in), redeemed once at the token endpoint. */
export interface AuthorizationCodeGrant {
  code: string;
  clientId: string;
  tenantId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  principalId: string;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  principalId: string;
  clientId: string;
  tenantId: string;
  /** When it was issued (sandbox clock, epoch ms): a revocation after it makes it useless. */
  issuedAt: number;
}

export interface RequestLogEntry {
  seq: number;
  time: string;
  surface: Surface;
  method: string;
  path: string;
  status: number;
  caller?: string;
  durationMs: number;
}

export interface Lifetimes {
  /** Entra access tokens (ARM and ML audiences). */
  entraSeconds: number;
  /** Azure ML tokens from an endpoint's `token` operation. */
  amlSeconds: number;
}

/** Everything the surfaces share: one per running sandbox. */
export interface SandboxContext {
  world: World;
  clock: Clock;
  baseUrl: string;
  adminToken: string;
  entraSigner: TokenSigner;
  amlSigner: TokenSigner;
  lifetimes: Lifetimes;
  provisioningDelayMs: number;
  pageSize: number;
  /** The user that approves device codes automatically, if any. */
  autoApprove: Principal | undefined;
  autoApproveDelayMs: number;
  deviceCodes: Map<string, DeviceCodeGrant>;
  refreshTokens: Map<string, RefreshGrant>;
  /** Authorization codes of browser sign-ins, by code. */
  authorizationCodes: Map<string, AuthorizationCodeGrant>;
  faults: FaultInjector;
  /** Requests in flight per deployment (endpoint key + deployment name), for 429s. */
  scoringInFlight: Map<string, number>;
  log: RequestLogEntry[];
  timers: Set<NodeJS.Timeout>;
  /** Certificates registered on applications, by client ID (lower case). */
  clientCertificates: Map<string, ClientCertificate>;
  /** The App Service style managed identity endpoint's secret header (`IDENTITY_HEADER`). */
  identityHeader: string;
  /** How long a traffic-log row takes to become visible to queries (Azure: minutes). */
  ingestionDelayMs: number;
  /**
   * Long-running operations still to fail (the admin API's `failNextOperations`): each started
   * create or update takes one and ends `Failed` with this error.
   */
  failingOperations: {count: number; error: {code: string; message: string}};
  /**
   * A user's `TokensValidFrom` (sandbox clock, epoch ms) by object ID, set when their sign-in
   * sessions are revoked (Graph `revokeSignInSessions`): refresh tokens issued before it are
   * refused with AADSTS50173. Access tokens already issued stay valid until they expire.
   */
  tokensValidFrom: Map<string, number>;
}

export const MANAGEMENT_AUDIENCES = [
  'https://management.azure.com',
  'https://management.azure.com/',
  'https://management.core.windows.net',
  'https://management.core.windows.net/',
];
export const ML_AUDIENCE = 'https://ml.azure.com';
export const LOG_ANALYTICS_AUDIENCE = 'https://api.loganalytics.io';
