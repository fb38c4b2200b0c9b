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
export const ADMIN_STATE = path.join(__dirname, '..', '..', 'target', 'e2e', 'admin-state.json');
/** The last 30-second step whose code a test typed, per key, across projects and workers. */
const STEPS_FILE = path.join(__dirname, '..', '..', 'target', 'e2e', 'totp-steps.json');

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
  if (test.info().project.name !== 'nojs') {
    await page.waitForFunction(() => (window as any).__passerelle_hydrated === true, null, { timeout: 15_000 });
    await expectNoInjectedStyle(page);
  }
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

/** Signs in through the login page; an account with a second factor (`secret`, the demo
 * administrator's by default) is asked its code next. */
export async function logIn(page: Page, email: string, password = PASSWORD, secret?: string) {
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
  const state = JSON.parse(fs.readFileSync(ADMIN_STATE, 'utf8'));
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
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `accessibility violations on ${page.url()}`).toEqual([]);
}

/** Chooses a CPV code by words in the picker `#pickerId`, as a person would: types the words,
 * (without JavaScript) asks for the matches, ticks the one whose label and code are given. */
export async function chooseCpv(page: Page, pickerId: string, words: string, labelAndCode: string) {
  const picker = page.locator(`#${pickerId}`);
  await picker.getByLabel('Chercher par mots (métier, produit, prestation)').fill(words);
  if (test.info().project.name === 'nojs') {
    await picker.getByRole('button', { name: 'Chercher', exact: true }).click();
  }
  await picker.getByLabel(labelAndCode, { exact: true }).check();
  if (test.info().project.name === 'nojs') {
    await expect(picker.getByLabel(labelAndCode, { exact: true })).toBeChecked();
  } else {
    // With JavaScript the ticked code becomes a chip at once (a thaw Tag, styled already).
    await expect(picker.locator('.cpv-picker__chosen')).toContainText(labelAndCode.replace(/ \d{8}$/, ''));
    await expectNoInjectedStyle(page);
  }
}
