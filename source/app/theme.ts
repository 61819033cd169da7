/**
 * Semantic colour tokens. Components name what a thing *is* (an error, a muted hint, the focused
 * row), never a raw colour. With NO_COLOR set, every token is undefined and Ink prints plain text.
 */
const noColor = (): boolean => {
  const v = process.env.NO_COLOR;
  return v !== undefined && v !== '';
};

const palette = {
  text: {primary: undefined, muted: 'gray', inverse: 'black', accent: 'cyan', link: 'blueBright'},
  status: {error: 'red', warning: 'yellow', success: 'green', info: 'cyan', pending: 'magenta'},
  focus: {selected: 'cyan', border: 'cyan'},
  border: {default: 'gray', error: 'red', secret: 'yellow'},
} as const;

type Tokens = {[G in keyof typeof palette]: {[K in keyof (typeof palette)[G]]: string | undefined}};

function build(): Tokens {
  if (!noColor()) return palette as unknown as Tokens;
  const out = {} as Record<string, Record<string, undefined>>;
  for (const [group, values] of Object.entries(palette)) {
    out[group] = Object.fromEntries(Object.keys(values).map((k) => [k, undefined]));
  }
  return out as unknown as Tokens;
}

export const theme: Tokens = build();
