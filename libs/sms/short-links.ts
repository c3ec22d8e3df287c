import { createHash } from 'node:crypto';

/** http(s) URLs in a text, up to whitespace; trailing sentence punctuation is not part of the URL. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/gi;

export interface ShortLink {
  code: string;
  url: string;
}

/**
 * Replaces every URL in an outbound SMS with `<publicUrl>/l/<code>`. Codes derive from the message id
 * and the URL's position, so a retried delivery produces the same text and the same links.
 */
export function shortenLinks(body: string, messageId: string, publicUrl: string): { body: string; links: ShortLink[] } {
  const links: ShortLink[] = [];
  const base = publicUrl.replace(/\/+$/, '');
  const shortened = body.replace(URL_IN_TEXT, (url) => {
    const code = createHash('sha256').update(`${messageId}\n${links.length}\n${url}`).digest('base64url').slice(0, 10);
    links.push({ code, url });
    return `${base}/l/${code}`;
  });
  return { body: shortened, links };
}
