/**
 * Text PostgreSQL can store: NUL (which no text column accepts) and unpaired UTF-16 surrogates
 * (which have no UTF-8 form) become U+FFFD, so a quarantined message keeps everything else it said.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point: no PostgreSQL text column accepts it
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

export function storableTextOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storableText(text);
}

/** Whether PostgreSQL can store the text as it is (no NUL, no unpaired UTF-16 surrogate). */
export function isStorableText(text: string): boolean {
  UNSTORABLE.lastIndex = 0;
  const found = UNSTORABLE.test(text);
  UNSTORABLE.lastIndex = 0;
  return !found;
}
