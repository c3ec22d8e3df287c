import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { hashPassword } from '../../libs/accounts/passwords.js';
import type { Orm } from '../../libs/persistence/orm.js';

/** Debian's chromium (scripts/setup.sh installs it when it can); playwright-core drives it, no browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
/** The console's build, which `npm test` makes before jest starts (scripts/test.sh). */
export const consoleBuilt = existsSync(path.resolve('dist/console/index.html'));

/** `describe` when the browser tests can run here, else `describe.skip` with a line saying why. */
export function browserTestsSkippedBecause(): string | null {
  if (!chromiumAvailable) return `no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!consoleBuilt) return 'the console is not built (npm run build:console)';
  return null;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Gives a test user a password, as accepting an invitation would. */
export async function setPassword(orm: Orm, userId: string, password: string): Promise<void> {
  await orm.em.fork().execute('UPDATE users SET password_hash = ? WHERE id = ?', [await hashPassword(password), userId]);
}

/** A fresh browser context signed in to the console through its own sign-in form. */
export async function signIntoConsole(
  browser: Browser,
  baseUrl: string,
  credentials: { email: string; password: string },
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/Berlin', locale: 'en-GB', ...options });
  const page = await context.newPage();
  // A script error in the console shows in the test's output, not only as a locator that times out.
  page.on('pageerror', (error) => process.stderr.write(`console page error: ${error.message}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`console error: ${message.text()}\n`);
  });
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Inbox' }).waitFor();
  return page;
}

/**
 * A screenshot for docs/screenshots (linked from the README) when UPDATE_SCREENSHOTS=1, otherwise into the temp
 * folder, so an ordinary test run leaves the checkout as it was.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const folder = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : path.join(os.tmpdir(), 'console-screenshots');
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
