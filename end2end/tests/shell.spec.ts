import { expect, test } from '@playwright/test';
import { asAdmin, expectAccessible, goto } from './helpers';

const PUBLIC_PAGES = [
  '/',
  '/connexion',
  '/connexion/code',
  '/inscription',
  '/mot-de-passe-oublie',
  '/reinitialiser?jeton=abc',
  '/accessibilite',
  '/confidentialite',
  '/marches',
  '/annuaire',
  '/catalogue',
  '/programmation',
  '/programmation?vue=calendrier',
  '/programmation/guide',
  '/labels',
  '/sourcage',
  '/groupements',
  '/analyses',
  '/donnees',
];

// axe-core runs inside the page, which the nojs project forbids; the js project checks the same
// server-rendered markup once hydrated.
const AXE_NEEDS_JS = 'axe-core needs JavaScript in the page';

test('every public page is accessible (axe-core, WCAG 2.1 AA)', async ({ page }, info) => {
  test.skip(info.project.name === 'nojs', AXE_NEEDS_JS);
  for (const path of PUBLIC_PAGES) {
    await goto(page, path);
    await expectAccessible(page);
  }
  await goto(page, '/page-inexistante', 404);
  await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
  await expectAccessible(page);
});

test('signed-in pages are accessible', async ({ page }, info) => {
  test.skip(info.project.name === 'nojs', AXE_NEEDS_JS);
  await asAdmin(page);
  for (const path of ['/compte', '/compte/double-authentification', '/verifications', '/compte/organisations/revendiquer', '/compte/organisations/nouvelle', '/compte/organisations/rejoindre', '/admin', '/admin/journal', '/labels/gestion', '/labels/instruction']) {
    await goto(page, path);
    await expectAccessible(page);
  }
});

test('the main menu leads to the territory analytics', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await goto(page, '/');
  await page.locator('.nav-wide').getByRole('link', { name: 'Analyses' }).click();
  await expect(page).toHaveURL(/\/analyses$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Analyses du territoire');
});

test('English can be chosen and is remembered', async ({ page }) => {
  await goto(page, '/annuaire');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Directory of local actors');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await goto(page, '/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Local public procurement, made simpler for everyone');
  await page.getByRole('link', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});

test('the layout fits a phone screen', async ({ page }, info) => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ['/annuaire', '/marches', '/programmation', '/programmation?vue=calendrier', '/labels', '/catalogue', '/']) {
    await goto(page, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await expect(page.getByText('Menu', { exact: true })).toBeVisible();
  if (info.project.name !== 'nojs') await expectAccessible(page);
});
