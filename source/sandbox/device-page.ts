import type {Principal} from './world';

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!,
  );

export {escape as escapeHtml};

/** The sandbox's "enter the code" page: a person types the code and picks who signs in. */
export function renderDevicePage(opts: {
  users: Principal[];
  code: string;
  done?: string;
  error?: string;
}): string {
  const options = opts.users
    .map(
      (u) =>
        `<option value="${escape(u.objectId)}">${escape(u.name)} (${escape(u.displayName)})</option>`,
    )
    .join('');
  const notice = opts.done
    ? `<p class="ok">Done: ${escape(opts.done)}. You can close this page and return to your application.</p>`
    : opts.error
      ? `<p class="err">${escape(opts.error)}</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox sign-in</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input,select,button{font-size:1rem;padding:.4rem}
.ok{color:#0a7d32}.err{color:#b00020}</style></head>
<body><h1>Sign in to the aml-auth sandbox</h1>
<p>This is the local sandbox cloud (tenant contoso.sandbox), not Microsoft Entra ID.</p>
${notice}
<form method="post" action="/devicelogin">
<label for="code">Code shown by your application</label>
<input id="code" name="code" value="${escape(opts.code)}" autocomplete="off" autofocus required>
<label for="principal">Sign in as</label>
<select id="principal" name="principal">${options}</select>
<p><button type="submit" name="action" value="approve">Sign in</button>
<button type="submit" name="action" value="decline">Decline</button></p>
</form></body></html>
`;
}
