import { expect, test } from '@playwright/test';
import { expectAccessible, goto, hasJs } from './helpers';

// The demo seeds the real DECP records of the Métropole de Lyon (2018–2019).
test('a visitor filters past contracts, shares the URL and opens one', async ({ page }, info) => {
  await goto(page, '/marches');
  await expect(page.getByRole('heading', { level: 1, name: 'Marchés passés' })).toBeVisible();
  const count = page.locator('[data-test="result-count"]');
  await expect(count).toHaveText(/^\d+ marchés$/);
  const all = Number((await count.textContent())!.split(' ')[0]);
  await expect(page.locator('[data-test="contract-row"]')).toHaveCount(25);

  // With JavaScript the list is filtered in place (the page is not loaded again), the URL
  // following the filters.
  if (hasJs(info)) await page.evaluate(() => ((window as any).__same_page = true));
  await page.getByLabel('Procédure').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Tri').selectOption({ label: 'Montant décroissant' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/procedure=ao_ouvert/);
  await expect(page).toHaveURL(/tri=montant-desc/);
  await expect(count).not.toHaveText(`${all} marchés`);
  if (hasJs(info)) expect(await page.evaluate(() => (window as any).__same_page)).toBe(true);
  const filtered = Number((await count.textContent())!.split(' ')[0]);
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(all);

  // The URL is the list: opened again, it shows the same filtered results.
  const shared = page.url();
  await goto(page, shared);
  await expect(count).toHaveText(`${filtered} marchés`);
  await expect(page.getByLabel('Procédure')).toHaveValue('ao_ouvert');
  if (hasJs(info)) await expectAccessible(page);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger cette liste (CSV)' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe('marches-passes.csv');
  const text = require('fs').readFileSync(await csv.path(), 'utf8') as string;
  expect(text.trim().split('\n').length).toBe(filtered + 1);

  const first = page.locator('[data-test="contract-row"]').first().getByRole('link');
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('dd', { hasText: "Appel d'offres ouvert" })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sources (enregistrements tels que publiés)' })).toBeVisible();
  if (hasJs(info)) await expectAccessible(page);
});

test('a search without results says so, and pages keep the filters', async ({ page }) => {
  await goto(page, '/marches?q=zzzz-introuvable');
  await expect(page.getByText('Aucun marché ne correspond à ces critères.')).toBeVisible();
  await goto(page, '/marches?annee=2019');
  await page.getByRole('link', { name: 'Page suivante' }).click();
  await expect(page).toHaveURL(/annee=2019&page=2/);
  await expect(page.getByText(/Page 2 \//)).toBeVisible();
  await goto(page, '/marches/999999', 404);
});

test("a buyer's page shows its figures and leads to its awardees", async ({ page }, info) => {
  await goto(page, '/marches?acheteur=21690123100011');
  await page.locator('[data-test="contract-row"]').first().getByRole('link').click();
  await page.getByRole('link', { name: 'Page de cet acheteur' }).click();
  await expect(page).toHaveURL(/\/acheteurs\/21690123100011$/);
  await expect(page.getByText('Acheteur public · 21690123100011')).toBeVisible();
  await expect(page.locator('[data-test="party-totals"]')).toContainText('Marchés');
  await expect(page.getByRole('table', { name: 'Par année' })).toBeVisible();
  if (hasJs(info)) await expectAccessible(page);
  await page.getByRole('table', { name: 'Principaux titulaires' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/titulaires\//);
  await expect(page.getByRole('table', { name: 'Principaux acheteurs' })).toContainText('21690123100011');
  if (hasJs(info)) await expectAccessible(page);
});

test('a filter set by a link is shown and can be removed', async ({ page }) => {
  await goto(page, '/marches?acheteur=21690123100011&annee=2019');
  const chips = page.locator('[data-test="active-filters"]');
  await expect(chips).toContainText('Acheteur : 21690123100011');
  await chips.getByRole('link', { name: 'Retirer le filtre 21690123100011' }).click();
  await expect(page).toHaveURL(/\/marches\?annee=2019$/);
  await expect(page.locator('[data-test="active-filters"] li')).toHaveCount(0);
});

test('a French search finds plurals and accents, and facets refine it', async ({ page }, info) => {
  await goto(page, '/marches');
  await page.locator('#f-q').fill('menuiserie');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/q=menuiserie/);
  const rows = page.locator('[data-test="contract-row"]');
  await expect(rows.first()).toContainText(/menuiseries/i);
  // Best match first: the words are in the object of the first results.
  await expect(rows.first().getByRole('heading')).toContainText(/menuiserie/i);

  await goto(page, '/marches?q=electricite');
  await expect(rows.first()).toContainText(/électricité/i);
  const count = page.locator('[data-test="result-count"]');
  const total = Number((await count.textContent())!.split(' ')[0]);
  expect(total).toBeGreaterThan(0);

  // A facet value is a link that adds its filter; its count is the new total.
  const facets = page.locator('[data-test="facets"]');
  await expect(facets.getByRole('heading', { name: 'Affiner' })).toBeVisible();
  const year = facets.getByRole('link', { name: /^2019/ }).first();
  const expected = Number((await year.locator('.facet__count').textContent())!);
  await year.click();
  await expect(page).toHaveURL(/q=electricite&annee=2019/);
  await expect(count).toHaveText(expected === 1 ? '1 marché' : `${expected} marchés`);
  if (hasJs(info)) await expectAccessible(page);
  // The current value removes its filter.
  await facets.getByRole('link', { name: /^2019/ }).first().click();
  await expect(page).not.toHaveURL(/annee=/);
});

test('a filtered list downloads as an OCDS release package', async ({ page }) => {
  await goto(page, '/marches?q=menuiserie');
  const count = page.locator('[data-test="result-count"]');
  const total = Number((await count.textContent())!.split(' ')[0]);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Format OCDS 1.1 (JSON)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('marches-passes.ocds.json');
  const pkg = JSON.parse(require('fs').readFileSync(await file.path(), 'utf8'));
  expect(pkg.version).toBe('1.1');
  const ocids = new Set(pkg.releases.map((r: { ocid: string }) => r.ocid));
  expect(ocids.size).toBe(total);
  for (const id of ocids) expect(id).toMatch(/^ocds-78apv2-/);
});
