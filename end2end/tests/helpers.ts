import { expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const PASSWORD = 'une phrase de passe solide';
export const DEMO_PASSWORD = 'passerelle-demo';
export const DEMO_ADMIN = 'admin@demo.passerelle.example';
/** The demo administrator's TOTP key (README): public, like the demo password. */
export const DEMO_TOTP_SECRET = 'PASSERELLEDEMOADMINTOTPKEY234567';
/** The demo administrator's signed-in browser state, made once by admin.setup.ts. */
/** Where the demo administrator's signed-in session is kept for the run, one per server (the
 * phone project has its own server and database). */
export function adminState(info: TestInfo = test.info()): string {
  const port = new URL(String(info.project.use.baseURL)).port;
  // Beside the servers' folders, not in one: each server empties its own as it starts, and in
  // parallel parts (.ci/e2e.sh) one would start after the other's administrator signed in.
  return path.join(__dirname, '..', '..', 'target', 'e2e-admin', `admin-state-${port}.json`);
}

/** Whether the project runs with JavaScript (js, phone) or without (nojs). */
export function hasJs(info: TestInfo = test.info()): boolean {
  return info.project.use.javaScriptEnabled !== false;
}

/** Whether the project is the phone's (390 × 844, touch). */
export function onPhone(info: TestInfo = test.info()): boolean {
  return info.project.use.isMobile === true;
}
/** The last 30-second step whose code a test typed, per key, across projects and workers: per
 * part (playwright.config.ts), since each part has its own server, which sees only its codes. */
const STEPS_FILE = path.join(__dirname, '..', '..', 'target', 'e2e-admin', `totp-steps-${process.env.E2E_PART ?? 'all'}.json`);

/** The code an authenticator app shows for a base32 `secret` at 30-second `step` (RFC 6238). */
export function totpAt(secret: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/\s/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return n.toString().padStart(6, '0');
}

/** A code of `secret` that the server has not seen yet: a code is good once, so a second
 * sign-in within the same 30 seconds waits for the app's next code, as a person would. */
export async function freshCode(secret: string): Promise<string> {
  const steps: Record<string, number> = fs.existsSync(STEPS_FILE) ? JSON.parse(fs.readFileSync(STEPS_FILE, 'utf8')) : {};
  let step = Math.floor(Date.now() / 30_000);
  const last = steps[secret] ?? -1;
  if (step <= last) {
    await new Promise((r) => setTimeout(r, (last + 1) * 30_000 - Date.now() + 200));
    step = last + 1;
  }
  steps[secret] = step;
  fs.mkdirSync(path.dirname(STEPS_FILE), { recursive: true });
  fs.writeFileSync(STEPS_FILE, JSON.stringify(steps));
  return totpAt(secret, step);
}

/** An email unique to this test and project (js / nojs). */
export function uniqueEmail(info: TestInfo, who: string): string {
  return `${who}.${info.project.name}.${Date.now()}@exemple.fr`;
}

/** With JavaScript, waits until the page is hydrated, so clicks go through the client. */
export async function ready(page: Page) {
  if (hasJs()) {
    await page.waitForFunction(() => (window as any).__passerelle_hydrated === true, null, { timeout: 15_000 });
    await expectNoInjectedStyle(page);
  }
  if (onPhone()) await expectFitsPhone(page);
}

/** On the phone, nothing is wider than the screen: a wider element makes the browser zoom the
 * whole page out (the layout viewport grows to it), and every tap lands beside its target. */
export async function expectFitsPhone(page: Page) {
  const width = page.viewportSize()!.width;
  const wide = await page.evaluate((width) => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) {
      // What sticks out, leaving aside what a scrolling box (a table's) keeps inside itself.
      const clipped = (el: Element) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
        }
        return false;
      };
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).visibility !== 'hidden' && !clipped(el)) {
          out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)} px)`);
        }
      }
      // A word longer than its line (an email address) sticks out of a box that does not.
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        const host = n.parentElement;
        if (r.right > width + 1 && host && getComputedStyle(host).overflowX === 'visible' && !clipped(host)) {
          out.push(`text "${(n.textContent || '').trim().slice(0, 40)}" (${Math.round(r.right)} px)`);
        }
      }
      if (out.length === 0) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    }
    return out.slice(0, 5);
  }, width);
  expect(wide, `wider than the phone on ${page.url()}`).toEqual([]);
}

/** On the phone, every control is at least 44 × 44 CSS pixels to the finger (buttons, fields,
 * menus, the main menu's links; a checkbox or radio counts with its label, which taps it too). */
export async function expectTapTargets(page: Page) {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const controls = document.querySelectorAll(
      'main button, header button, main select, main textarea, summary, nav a, ' +
        'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file])',
    );
    for (const el of controls) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.height < 44 || r.width < 44) {
        out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    for (const el of document.querySelectorAll('main input[type=checkbox], main input[type=radio]')) {
      if (!visible(el)) continue;
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      const r = (label || el).getBoundingClientRect();
      if (r.height < 44) out.push(`${el.getAttribute('type')} "${(label?.textContent || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return [...new Set(out)];
  });
  expect(small, `tap targets under 44 px on ${page.url()}`).toEqual([]);
}

/** thaw found every style it uses in the stylesheet: no style element but the page's own (they
 * carry the nonce) was added — one would be refused by the CSP and leave its component bare.
 * A thaw component whose id is missing from style/thaw-components.txt fails here. */
export async function expectNoInjectedStyle(page: Page) {
  const injected = await page.evaluate(() =>
    [...document.head.querySelectorAll('style')].filter((s) => !(s as HTMLStyleElement).nonce).map((s) => s.id),
  );
  expect(injected, `styles injected on ${page.url()}`).toEqual([]);
}

/** Opens a page of the site and checks the status it answered with (200 unless the page is
 * expected to refuse: 401, 403, 404…), then waits for it to be ready. */
export async function goto(page: Page, path: string, status = 200) {
  const res = await page.goto(path);
  expect(res?.status(), `status of ${path}`).toBe(status);
  await ready(page);
}

export async function signUp(page: Page, name: string, email: string, password = PASSWORD) {
  await goto(page, '/inscription');
  await page.getByLabel('Nom et prénom').fill(name);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe *', { exact: true }).fill(password);
  await page.getByLabel('Confirmez le mot de passe').fill(password);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page).toHaveURL(/\/compte/);
  await expect(page.getByRole('heading', { name: 'Mon compte' })).toBeVisible();
}

/** The address each sign-in comes from: a new one every time. The suite signs in a hundred
 * people from one machine faster than any office would, and the throttle counts sign-ins per
 * address (20 a minute: it is tested in server/tests/security.rs); the e2e servers trust
 * X-Forwarded-For (playwright.config.ts), so each sign-in is a person at their own address. */
let signIns = 0;
function nextAddress(info: TestInfo = test.info()): string {
  signIns += 1;
  const project = ['js', 'nojs', 'phone'].indexOf(info.project.name) + 1;
  return `10.${project}.${Math.floor(signIns / 250) % 250}.${(signIns % 250) + 1}`;
}

/** Signs in through the login page; an account with a second factor (`secret`, the demo
 * administrator's by default) is asked its code next. */
export async function logIn(page: Page, email: string, password = PASSWORD, secret?: string) {
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': nextAddress() });
  await goto(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  secret ??= email === DEMO_ADMIN ? DEMO_TOTP_SECRET : undefined;
  if (secret) {
    await expect(page).toHaveURL(/\/connexion\/code/);
    await ready(page);
    await page.getByLabel('Code', { exact: true }).fill(await freshCode(secret));
    await page.getByRole('button', { name: 'Valider' }).click();
  }
  await expect(page).toHaveURL(/\/compte/);
  await ready(page);
}

/** Continues as the demo administrator, signed in with its second factor once for the whole
 * run (admin.setup.ts): each sign-in would otherwise wait for a new code. Leave with
 * `clearCookies`, never by logging out (that would end the shared session). */
export async function asAdmin(page: Page) {
  // The administrator's requests come from the machine's own address (the audit trail says so).
  await page.setExtraHTTPHeaders({});
  const state = JSON.parse(fs.readFileSync(adminState(), 'utf8'));
  await page.context().clearCookies();
  await page.context().addCookies(state.cookies);
}

export async function logOut(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByRole('link', { name: 'Se connecter' })).toBeVisible();
  await ready(page);
}

export async function createOrganisation(
  page: Page,
  org: { kind: string; siret: string; name: string; commune?: string },
) {
  await goto(page, '/compte/organisations/nouvelle');
  await page.getByLabel("Type d'organisation").selectOption({ label: org.kind });
  await page.getByLabel('SIRET').fill(org.siret);
  await page.getByLabel('Nom *').fill(org.name);
  if (org.commune) await page.getByLabel('Commune').fill(org.commune);
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
}

/** axe-core on the current page: no WCAG 2.1 A/AA violation. */
export async function expectAccessible(page: Page) {
  if (onPhone()) await expectTapTargets(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** Chooses a CPV code by words in the picker `#pickerId`, as a person would: types the words,
 * (without JavaScript) asks for the matches, ticks the one whose label and code are given. */
export async function chooseCpv(page: Page, pickerId: string, words: string, labelAndCode: string) {
  const picker = page.locator(`#${pickerId}`);
  await picker.getByLabel('Chercher par mots (métier, produit, prestation)').fill(words);
  if (!hasJs()) {
    await picker.getByRole('button', { name: 'Chercher', exact: true }).click();
  }
  await picker.getByLabel(labelAndCode, { exact: true }).check();
  if (!hasJs()) {
    await expect(picker.getByLabel(labelAndCode, { exact: true })).toBeChecked();
  } else {
    // With JavaScript the ticked code becomes a chip at once (a thaw Tag, styled already).
    await expect(picker.locator('.cpv-picker__chosen')).toContainText(labelAndCode.replace(/ \d{8}$/, ''));
    await expectNoInjectedStyle(page);
  }
}
