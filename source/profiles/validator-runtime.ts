/**
 * What the generated profile validator (validate.generated.ts) needs at run time besides the
 * date-time format of ajv-formats: a string's length in Unicode code points, as JSON Schema's
 * minLength/maxLength count it (a surrogate pair is one character) — what Ajv's own runtime
 * helper computes.
 */
export function ucs2length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    length++;
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      if ((text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
  }
  return length;
}
