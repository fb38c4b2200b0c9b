import { expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'une phrase de passe solide';
export const DEMO_PASSWORD = 'passerelle-demo';

/** An email unique to this test and project (js / nojs). */
export function uniqueEmail(info: TestInfo, who: string): string {
  return `${who}.${info.project.name}.${Date.now()}@exemple.fr`;
}

/** With JavaScript, waits until the page is hydrated, so clicks go through the client. */
export async function ready(page: Page) {
  if (test.info().project.name !== 'nojs') {
    await page.waitForFunction(() => (window as any).__passerelle_hydrated === true, null, { timeout: 15_000 });
  }
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

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await goto(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/compte/);
  await ready(page);
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
