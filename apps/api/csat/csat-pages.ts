import { createHash } from 'node:crypto';
import { CSAT_SCORES, MAX_CSAT_COMMENT_LENGTH } from '../../../libs/domain/csat.js';
import type { CsatAnswer } from './csat.service.js';

/**
 * The customer's survey pages: plain HTML forms without any script, so they work in every mail client's browser.
 * The one inline style is allowed by its hash; nothing else may load, and the form may post to this origin only.
 */
const STYLE = `
body { font-family: system-ui, sans-serif; background: #f5f6f8; color: #1d2330; margin: 0; }
main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 0.5rem; box-shadow: 0 1px 3px rgba(0,0,0,0.12); }
h1 { font-size: 1.35rem; margin-top: 0; }
fieldset { border: 0; padding: 0; margin: 1.5rem 0; }
legend { font-weight: 600; margin-bottom: 0.5rem; }
.scores { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.scores label { border: 1px solid #c5cad3; border-radius: 0.375rem; padding: 0.5rem 0.75rem; cursor: pointer; }
label[for=comment] { display: block; font-weight: 600; margin-bottom: 0.5rem; }
textarea { width: 100%; box-sizing: border-box; font: inherit; }
button, .button { margin-top: 1rem; padding: 0.6rem 1.2rem; font: inherit; border: 0; border-radius: 0.375rem; background: #2457c5; color: #fff; text-decoration: none; display: inline-block; cursor: pointer; }
.note { color: #4a5261; }
.error { color: #a11a1a; }
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const CSAT_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  // The link's token is the customer's key to the survey: no cache keeps it, no referrer carries it away.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const SCORE_LABELS: Record<number, string> = { 1: '1 (poor)', 5: '5 (excellent)' };
const scoreLabel = (score: number) => SCORE_LABELS[score] ?? String(score);

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));

/** The survey: the question, the 1–5 rating and a comment; a saved answer is filled in and may be changed. */
export function surveyPage(accountName: string, question: string, answer: CsatAnswer | null): string {
  const scores = CSAT_SCORES.map(
    (score) =>
      `<label><input type="radio" name="score" value="${score}" required${answer?.score === score ? ' checked' : ''}> ${escapeHtml(scoreLabel(score))}</label>`,
  ).join('\n');
  const saved = answer ? `<p class="note">You answered on ${escapeHtml(longDate(answer.answeredAt))}. You can change your answer and send it again.</p>` : '';
  return page(
    `${accountName}: how did we do?`,
    `<h1>${escapeHtml(question)}</h1>
${saved}
<form method="post">
<fieldset>
<legend>Your rating, from 1 (poor) to 5 (excellent)</legend>
<div class="scores">
${scores}
</div>
</fieldset>
<label for="comment">Anything you would like to tell us? (optional)</label>
<textarea id="comment" name="comment" rows="5" maxlength="${MAX_CSAT_COMMENT_LENGTH}">${escapeHtml(answer?.comment ?? '')}</textarea>
<button type="submit">Send</button>
</form>`,
  );
}

export function thankYouPage(accountName: string, answer: CsatAnswer): string {
  return page(
    `${accountName}: thank you`,
    `<h1>Thank you for your answer</h1>
<p>You rated us ${answer.score} / 5.${answer.comment ? ' We have your comment too.' : ''}</p>
<p><a class="button" href="">Change your answer</a></p>`,
  );
}

/** Any refusal on the survey routes, in words for the customer; a refused answer links back to the form. */
export function problemPage(statusCode: number, message: string): string {
  if (statusCode === 404) {
    return page(
      'Survey not found',
      `<h1>This survey link does not work</h1>
<p>The link may be incomplete: open it again from the message you received, or copy all of it into the address bar.</p>`,
    );
  }
  const heading = statusCode === 429 ? 'Too many attempts' : statusCode >= 500 ? 'Something went wrong on our side' : 'Your answer was not saved';
  return page(
    heading,
    `<h1>${escapeHtml(heading)}</h1>
<p class="error">${escapeHtml(message)}</p>
<p><a class="button" href="">Back to the survey</a></p>`,
  );
}
