import { expect, test } from '@playwright/test';
import { asAdmin, expectAccessible, goto, hasJs } from './helpers';

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
  test.skip(!hasJs(info), AXE_NEEDS_JS);
  for (const path of PUBLIC_PAGES) {
    await goto(page, path);
    await expectAccessible(page);
  }
  await goto(page, '/page-inexistante', 404);
  await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
  await expectAccessible(page);
});

test('signed-in pages are accessible', async ({ page }, info) => {
  test.skip(!hasJs(info), AXE_NEEDS_JS);
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
  if (hasJs(info)) await expectAccessible(page);
});

// thaw's component CSS and theme are in the stylesheet, so a page looks the same before and
// after hydration and without JavaScript; thaw finds its styles there and injects none, so the
// CSP holds without 'unsafe-inline' (docs/decisions.md, "thaw's styles").
test("thaw's styles come with the page, and the CSP refuses nothing", async ({ page }, info) => {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  const res = await page.goto('/programmation');
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/style-src 'self' 'nonce-[^']+'/);
  expect(csp).not.toContain('unsafe-inline');
  await goto(page, '/programmation');
  // The theme's variables apply from the stylesheet alone, on the site's tokens: thaw's brand
  // colour is the site's --brand-80 (#0b5cad), not thaw's own blue (#0f6cbd).
  const brand = await page.locator('.thaw-config-provider').evaluate((e) =>
    getComputedStyle(e).getPropertyValue('--colorBrandBackground').trim(),
  );
  expect(brand).toBe('#0b5cad');
  // Every style element in the head is one of the page's own (with its nonce): none injected.
  const styles = await page.locator('head style').evaluateAll((els) =>
    els.map((e) => `${e.id}:${(e as HTMLStyleElement).nonce ? 'nonce' : 'none'}`),
  );
  expect(styles.length).toBeGreaterThan(0);
  for (const s of styles) expect(s).toMatch(/^thaw-id-[a-z-]+:nonce$/);
  if (hasJs(info)) {
    // thaw's theme style is filled in the browser (allowed by its nonce), the rest stay empty.
    const text = (id: string) => page.locator(`head style#${id}`).evaluate((e) => e.textContent ?? '');
    await expect.poll(() => text('thaw-id-passerelle')).toContain('--colorBrandBackground');
    expect(await text('thaw-id-tag')).toBe('');
  }
  expect(refused).toEqual([]);
});
