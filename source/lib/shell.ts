/**
 * One POSIX shell word holding exactly `value`: single quotes, and each `'` inside written as
 * `'\''`. Nothing is special inside single quotes in bash, zsh, dash or ksh — not `$`, `` ` ``,
 * `\`, `!` (history expansion is off in scripts and in `eval`) nor newlines.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell value cannot hold a NUL character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
