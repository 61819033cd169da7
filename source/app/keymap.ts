import type {Key} from 'ink';

/**
 * Every shortcut of the app, in one place. Screens ask `matches(id, input, key)`; the footer and
 * the `?` help are generated from this table, so help never drifts from behaviour.
 */
export interface Binding {
  /** How the key is shown: `enter`, `esc`, `ctrl+c`, `r`. */
  label: string;
  /** One or two words for the footer. */
  hint: string;
  /** A sentence for the help screen. */
  description: string;
  /** Where it applies, for the help screen. */
  scope:
    | 'everywhere'
    | 'lists'
    | 'forms'
    | 'sign-in'
    | 'endpoints'
    | 'auth mode'
    | 'home'
    | 'roles'
    | 'credentials'
    | 'invoke'
    | 'deployments'
    | 'traffic log'
    | 'profiles';
  match: (input: string, key: Key) => boolean;
  /**
   * Left out of footers and help because another binding describes it (`move` stands for the
   * arrow keys, pages, home and end; `type` for editing keys).
   */
  detail?: true;
}

const ch = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;
const ctrl = (c: string) => (input: string, key: Key) => key.ctrl && input === c;

export const keymap = {
  quit: {
    label: 'ctrl+c',
    hint: 'quit',
    description: 'Quit at any moment; the terminal is restored.',
    scope: 'everywhere',
    match: ctrl('c'),
  },
  help: {
    label: '?',
    hint: 'help',
    description: 'Show or hide this help.',
    scope: 'everywhere',
    match: ch('?'),
  },
  sandboxPanel: {
    label: 'ctrl+s',
    hint: 'sandbox',
    description:
      "With --sandbox: show or hide the sandbox's cloud file and principals (client IDs, secrets masked), to try the secret, certificate and environment sign-in methods.",
    scope: 'everywhere',
    match: ctrl('s'),
  },
  sandboxReveal: {
    label: 'v',
    hint: 'reveal secrets',
    description: 'In the sandbox panel: reveal or mask the client secrets.',
    scope: 'everywhere',
    match: ch('v'),
  },
  signInAgain: {
    label: 's',
    hint: 'sign in again',
    description:
      'When an error says the sign-in can no longer get tokens: sign in again here (same method, account and tenant), then go on from this step.',
    scope: 'everywhere',
    match: ch('s'),
  },
  back: {
    label: 'esc',
    hint: 'back',
    description: 'Go back one step (in a list with a filter: clear the filter first).',
    scope: 'everywhere',
    match: (_i, k) => k.escape,
  },
  select: {
    label: 'enter',
    hint: 'choose',
    description: 'Choose the highlighted item.',
    scope: 'lists',
    match: (_i, k) => k.return,
  },
  move: {
    label: '↑↓',
    hint: 'move',
    description: 'Move the highlight (pgup/pgdn move a page).',
    scope: 'lists',
    match: (_i, k) => k.upArrow || k.downArrow,
  },
  up: {
    label: '↑',
    hint: 'up',
    description: 'Move up.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.upArrow,
  },
  down: {
    label: '↓',
    hint: 'down',
    description: 'Move down.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.downArrow,
  },
  pageUp: {
    label: 'pgup',
    hint: 'page up',
    description: 'Move a page up.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.pageUp,
  },
  pageDown: {
    label: 'pgdn',
    hint: 'page down',
    description: 'Move a page down.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.pageDown,
  },
  first: {
    label: 'home',
    hint: 'first',
    description: 'Move to the first item.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.home,
  },
  last: {
    label: 'end',
    hint: 'last',
    description: 'Move to the last item.',
    scope: 'lists',
    detail: true,
    match: (_i, k) => k.end,
  },
  left: {
    label: '←',
    hint: 'left',
    description: 'Previous choice.',
    scope: 'forms',
    detail: true,
    match: (_i, k) => k.leftArrow,
  },
  right: {
    label: '→',
    hint: 'right',
    description: 'Next choice.',
    scope: 'forms',
    detail: true,
    match: (_i, k) => k.rightArrow,
  },
  choose: {
    label: '←→',
    hint: 'choose',
    description: 'Change the choice of the highlighted field.',
    scope: 'forms',
    match: (_i, k) => k.leftArrow || k.rightArrow,
  },
  filter: {
    label: 'type',
    hint: 'filter',
    description: 'Typing filters the list; backspace edits the filter.',
    scope: 'lists',
    // `?` opens the help in a list, so it never filters.
    match: (input, key) => typedText(input, key) !== undefined && input !== '?',
  },
  type: {
    label: 'type',
    hint: 'edit',
    description: 'Typing edits the field; backspace erases, ctrl+u clears it.',
    scope: 'forms',
    match: (input, key) => typedText(input, key) !== undefined,
  },
  erase: {
    label: 'backspace',
    hint: 'erase',
    description: 'Erase the last character.',
    scope: 'forms',
    detail: true,
    match: (_i, k) => k.backspace || k.delete,
  },
  clearField: {
    label: 'ctrl+u',
    hint: 'clear',
    description: 'Clear the field.',
    scope: 'forms',
    detail: true,
    match: ctrl('u'),
  },
  reload: {
    label: 'ctrl+r',
    hint: 'reload',
    description: 'Load the list again from Azure.',
    scope: 'lists',
    match: ctrl('r'),
  },
  submit: {
    label: 'enter',
    hint: 'next',
    description: 'Go to the next field, or submit on the last one.',
    scope: 'forms',
    match: (_i, k) => k.return,
  },
  nextField: {
    label: 'tab',
    hint: 'field',
    description: 'Move between fields (shift+tab goes back).',
    scope: 'forms',
    match: (_i, k) => k.tab && !k.shift,
  },
  prevField: {
    label: 'shift+tab',
    hint: 'previous field',
    description: 'Move to the previous field.',
    scope: 'forms',
    detail: true,
    match: (_i, k) => k.tab && k.shift,
  },
  reveal: {
    label: 'ctrl+v',
    hint: 'show/mask',
    description: 'Show or mask the secret you are typing.',
    scope: 'forms',
    match: ctrl('v'),
  },
  copyCode: {
    label: 'c',
    hint: 'copy code',
    description:
      'Copy the device code to the clipboard (OSC 52 where there is no system clipboard).',
    scope: 'sign-in',
    match: ch('c'),
  },
  openBrowser: {
    label: 'o',
    hint: 'open browser',
    description: 'Open the sign-in page in a browser.',
    scope: 'sign-in',
    match: ch('o'),
  },
  copyUrl: {
    label: 'c',
    hint: 'copy URL',
    description:
      'Copy the browser sign-in URL to the clipboard (OSC 52 where there is no system clipboard).',
    scope: 'sign-in',
    match: ch('c'),
  },
  useDeviceCode: {
    label: 'd',
    hint: 'device code instead',
    description: 'Give up the browser sign-in and sign in with a device code (works everywhere).',
    scope: 'sign-in',
    match: ch('d'),
  },
  inspect: {
    label: 'i',
    hint: 'inspect token',
    description: 'Decode the management token locally (like jwt.ms) and check its audience.',
    scope: 'sign-in',
    match: ch('i'),
  },
  continue: {
    label: 'enter',
    hint: 'continue',
    description: 'Continue to the next step.',
    scope: 'everywhere',
    match: (_i, k) => k.return,
  },
  create: {
    label: 'ctrl+n',
    hint: 'new endpoint',
    description: 'Create a new online endpoint in this workspace.',
    scope: 'endpoints',
    match: ctrl('n'),
  },
  keep: {
    label: 'k',
    hint: 'keep mode',
    description: 'Keep the current auth mode and continue.',
    scope: 'auth mode',
    match: ch('k'),
  },
  confirm: {
    label: 'y',
    hint: 'yes',
    description: 'Confirm.',
    scope: 'everywhere',
    match: (i) => i === 'y' || i === 'Y',
  },
  deny: {
    label: 'n',
    hint: 'no',
    description: 'Cancel.',
    scope: 'everywhere',
    match: (i) => i === 'n' || i === 'N',
  },
  depCreate: {
    label: 'c',
    hint: 'create',
    description: 'Create a deployment from a registered model and environment.',
    scope: 'deployments',
    match: ch('c'),
  },
  depYaml: {
    label: 'f',
    hint: 'from YAML',
    description: "Create a deployment from a deployment YAML file (Azure ML's format).",
    scope: 'deployments',
    match: ch('f'),
  },
  depTraffic: {
    label: 't',
    hint: 'traffic',
    description: 'Edit the live traffic split and the mirror traffic.',
    scope: 'deployments',
    match: ch('t'),
  },
  depLogs: {
    label: 'l',
    hint: 'logs',
    description: "Read the highlighted deployment's container logs.",
    scope: 'deployments',
    match: ch('l'),
  },
  depDelete: {
    label: 'x',
    hint: 'delete',
    description: 'Delete the highlighted deployment (refused while it takes traffic).',
    scope: 'deployments',
    match: ch('x'),
  },
  depContainer: {
    label: 'tab',
    hint: 'container',
    description: 'In the logs: switch between inference-server and storage-initializer.',
    scope: 'deployments',
    match: (_i, k) => k.tab && !k.shift,
  },
  depRefresh: {
    label: 'r',
    hint: 'refresh',
    description: 'In the logs: fetch them again.',
    scope: 'deployments',
    match: ch('r'),
  },
  depColumn: {
    label: '←→',
    hint: 'live/mirror',
    description: 'In the traffic editor: switch between the live and the mirror column.',
    scope: 'deployments',
    match: (_i, k) => k.leftArrow || k.rightArrow,
  },
  openDeployments: {
    label: 'd',
    hint: 'deployments',
    description: 'After a 404 (no deployment with traffic): open the Deployments screen.',
    scope: 'invoke',
    match: ch('d'),
  },
  openLogs: {
    label: 'l',
    hint: 'logs',
    description: "After a model error (424, 502): open the answering deployment's logs.",
    scope: 'invoke',
    match: ch('l'),
  },
  leave: {
    label: 'q',
    hint: 'quit',
    description: 'Quit (from the endpoint home).',
    scope: 'home',
    match: ch('q'),
  },
  recheck: {
    label: 'r',
    hint: 're-check',
    description: 'Run the permission preflight again.',
    scope: 'roles',
    match: ch('r'),
  },
  assign: {
    label: 'a',
    hint: 'assign role',
    description: 'Assign a role (built-in, docs custom roles, or least-privilege score-only).',
    scope: 'roles',
    match: ch('a'),
  },
  principal: {
    label: 'p',
    hint: 'principal',
    description: 'Check another principal by object ID (User, Group or ServicePrincipal).',
    scope: 'roles',
    match: ch('p'),
  },
  assignments: {
    label: 'l',
    hint: 'assignments',
    description: 'List the role assignments at this scope (like az role assignment list).',
    scope: 'roles',
    match: ch('l'),
  },
  reveal2: {
    label: 'v',
    hint: 'reveal',
    description: 'Reveal or mask the credential.',
    scope: 'credentials',
    match: ch('v'),
  },
  copy: {
    label: 'c',
    hint: 'copy',
    description: 'Copy the credential (system clipboard, or OSC 52 over SSH).',
    scope: 'credentials',
    match: ch('c'),
  },
  copyUri: {
    label: 'u',
    hint: 'copy URI',
    description: 'Copy the scoring URI.',
    scope: 'credentials',
    match: ch('u'),
  },
  copyCurl: {
    label: 'k',
    hint: 'copy curl',
    description:
      'Copy a curl that scores with $DATA_PLANE_TOKEN (the export lines, e, set it); shown as copied.',
    scope: 'credentials',
    match: ch('k'),
  },
  regenerate: {
    label: 'g',
    hint: 'regenerate',
    description: 'Regenerate the highlighted key (asks first).',
    scope: 'credentials',
    match: ch('g'),
  },
  refresh: {
    label: 'r',
    hint: 'refresh',
    description: 'Fetch a fresh token now; in key mode, read the keys again.',
    scope: 'credentials',
    match: ch('r'),
  },
  autoRefresh: {
    label: 'a',
    hint: 'auto-refresh',
    description: 'Turn automatic refresh at refresh-after on or off.',
    scope: 'credentials',
    match: ch('a'),
  },
  exportView: {
    label: 'e',
    hint: 'export',
    description: 'Show export lines for SCORING_URI and DATA_PLANE_TOKEN.',
    scope: 'credentials',
    match: ch('e'),
  },
  send: {
    label: 'enter',
    hint: 'send',
    description: 'Validate the request file and send it.',
    scope: 'invoke',
    match: (_i, k) => k.return,
  },
  target: {
    label: 't',
    hint: 'target',
    description: 'Choose the deployment: traffic-routed or one by name.',
    scope: 'invoke',
    match: ch('t'),
  },
  repeat: {
    label: 'n',
    hint: 'send N',
    description: 'Send the request N times: p50/p95 latency and share per deployment.',
    scope: 'invoke',
    match: ch('n'),
  },
  curl: {
    label: 'k',
    hint: 'copy curl',
    description:
      'Copy the request as curl with $DATA_PLANE_TOKEN (K: with the secret, asks first).',
    scope: 'invoke',
    match: (i) => i === 'k' || i === 'K',
  },
  scroll: {
    label: 'pgup/dn',
    hint: 'scroll',
    description: 'Scroll a long response.',
    scope: 'invoke',
    match: (_i, k) => k.pageUp || k.pageDown,
  },
  file: {
    label: 'f',
    hint: 'file',
    description: 'Edit the request file path (enter keeps it).',
    scope: 'invoke',
    match: ch('f'),
  },
  rename: {
    label: 'ctrl+e',
    hint: 'rename',
    description: 'Rename the highlighted profile.',
    scope: 'profiles',
    match: ctrl('e'),
  },
  remove: {
    label: 'ctrl+d',
    hint: 'delete',
    description: 'Delete the highlighted profile (asks first).',
    scope: 'profiles',
    match: ctrl('d'),
  },
  copyCommands: {
    label: 'c',
    hint: 'copy',
    description:
      'Copy the commands to hand to an admin (when you cannot assign the role yourself).',
    scope: 'roles',
    match: ch('c'),
  },
  curlSecret: {
    label: 'K',
    hint: 'copy curl with secret',
    description: 'Copy the request as curl WITH the secret credential in it (asks first).',
    scope: 'invoke',
    // Described by `curl` (k / K).
    detail: true,
    match: (i) => i === 'K',
  },
  trafficEnable: {
    label: 'e',
    hint: 'turn on',
    description:
      'Turn traffic logging on: pick a Log Analytics workspace, confirm, and the diagnostic setting is created.',
    scope: 'traffic log',
    match: ch('e'),
  },
  trafficWindow: {
    label: 't',
    hint: 'window',
    description: 'Change the time window: last 15 min, 1 h, 24 h.',
    scope: 'traffic log',
    match: ch('t'),
  },
  trafficFailures: {
    label: 'f',
    hint: 'failures',
    description: 'Show only the requests that did not get a 200, or all of them.',
    scope: 'traffic log',
    match: ch('f'),
  },
  trafficAuthType: {
    label: 'a',
    hint: 'auth type',
    description: 'Show one auth type (key, aml_token, aad_token), or all.',
    scope: 'traffic log',
    match: ch('a'),
  },
  trafficIdentity: {
    label: 'i',
    hint: 'identity',
    description:
      'Show one caller (by the object ID the log holds), cycling through those seen, or all.',
    scope: 'traffic log',
    match: ch('i'),
  },
  trafficRequestId: {
    label: '/',
    hint: 'request ID',
    description: 'Find the row of one request by its x-request-id (did it arrive, as whom?).',
    scope: 'traffic log',
    match: ch('/'),
  },
  trafficLastRequest: {
    label: 'l',
    hint: 'my last request',
    description: 'Find the row of the last request sent from the Invoke screen.',
    scope: 'traffic log',
    match: ch('l'),
  },
  trafficClear: {
    label: 'x',
    hint: 'clear filters',
    description: 'Clear the failures, auth type, identity and request ID filters.',
    scope: 'traffic log',
    match: ch('x'),
  },
  trafficQuery: {
    label: 'k',
    hint: 'KQL',
    description: 'Show or hide the KQL the screen runs (for the Logs blade of the workspace).',
    scope: 'traffic log',
    match: ch('k'),
  },
  trafficCopy: {
    label: 'c',
    hint: 'copy KQL',
    description: 'Copy the KQL, to paste into the Logs blade of the Log Analytics workspace.',
    scope: 'traffic log',
    match: ch('c'),
  },
  trafficReload: {
    label: 'r',
    hint: 'reload',
    description: 'Query the log again (new records arrive after the ingestion delay).',
    scope: 'traffic log',
    match: ch('r'),
  },
} satisfies Record<string, Binding>;

export type BindingId = keyof typeof keymap;

export function matches(id: BindingId, input: string, key: Key): boolean {
  return keymap[id].match(input, key);
}

/** The first of `ids` whose binding matches the key, in the order given. */
export function bindingFor<Id extends BindingId>(
  ids: readonly Id[],
  input: string,
  key: Key,
): Id | undefined {
  return ids.find((id) => keymap[id].match(input, key));
}

/** The printable text a key press carries (a pasted chunk too), or undefined for control keys. */
export function typedText(input: string, key: Key): string | undefined {
  if (key.ctrl || key.meta || key.tab || key.return || key.escape || key.backspace || key.delete)
    return undefined;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return undefined;
  if (key.pageUp || key.pageDown || key.home || key.end) return undefined;
  const text = input.replace(/[\r\n]/g, '');
  return text || undefined;
}

/** Footer hints for the keys a screen listens to. */
export function hints(ids: BindingId[]): {label: string; hint: string}[] {
  return ids.map((id) => ({label: keymap[id].label, hint: keymap[id].hint}));
}

/** The help screen: every binding, grouped by where it applies. */
export function helpSections(): {scope: Binding['scope']; bindings: Binding[]}[] {
  const order: Binding['scope'][] = [
    'everywhere',
    'lists',
    'forms',
    'sign-in',
    'endpoints',
    'auth mode',
    'home',
    'roles',
    'credentials',
    'invoke',
    'deployments',
    'traffic log',
    'profiles',
  ];
  const all = (Object.values(keymap) as Binding[]).filter((b) => !b.detail);
  return order
    .map((scope) => ({scope, bindings: all.filter((b) => b.scope === scope)}))
    .filter((s) => s.bindings.length > 0);
}
