import {escapeHtml as escape} from './device-page';
import type {Principal} from './world';

const STYLE = `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}select,button{font-size:1rem;padding:.4rem}
.err{color:#b00020}code{word-break:break-all}</style>`;

/**
 * The sandbox's browser sign-in page: pick the sandbox user who signs in. The authorize request's
 * fields ride along as hidden inputs, so the POST is the same request with the choice added.
 */
export function renderAuthorizePage(opts: {
  users: Principal[];
  fields: [string, string][];
  selected?: string;
  error?: string;
}): string {
  const options = opts.users
    .map(
      (u) =>
        `<option value="${escape(u.objectId)}"${u.objectId === opts.selected ? ' selected' : ''}>${escape(u.name)} (${escape(u.displayName)})</option>`,
    )
    .join('');
  const hidden = opts.fields
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox sign-in</title>
${STYLE}</head>
<body><h1>Sign in to the aml-auth sandbox</h1>
<p>This is the local sandbox cloud (tenant contoso.sandbox), not Microsoft Entra ID. An application on this machine asked you to sign in.</p>
${opts.error ? `<p class="err">${escape(opts.error)}</p>` : ''}
<form method="post">
${hidden}
<label for="principal">Sign in as</label>
<select id="principal" name="principal">${options}</select>
<p><button type="submit" name="action" value="approve">Sign in</button>
<button type="submit" name="action" value="decline">Cancel</button></p>
</form></body></html>
`;
}

/** Entra's error page, for a request whose redirect cannot be trusted with the error. */
export function renderAuthorizeError(message: string, timestamp: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox sign-in: error</title>
${STYLE}</head>
<body><h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="err">${escape(message)}</p>
<p>Timestamp: ${escape(timestamp)}</p></body></html>
`;
}

/** `response_mode=form_post`: a page that posts the answer's fields to the redirect. */
export function renderFormPost(action: string, fields: [string, string][]): string {
  const hidden = fields
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Working…</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escape(action)}">
${hidden}
<noscript><p>Script is disabled. Press Continue to go on.</p><button type="submit">Continue</button></noscript>
</form></body></html>
`;
}
