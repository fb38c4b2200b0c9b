import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut } from './helpers';
import * as fs from 'fs';

test('an analyst opens the shortage view, filters a trade and downloads the CSV', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, 'analyste@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/analyses');
  await page.getByRole('navigation', { name: 'Analyses du territoire' }).getByRole('link', { name: 'Tensions par métier' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tensions par métier');
  const cards = page.locator('[data-test="tensions"] > li');
  // Several trades: waited for (after a client-side navigation the heading comes before the
  // data; counting at once raced it on the phone project).
  await expect(cards.nth(1)).toBeVisible();
  // Every trade says why: its reasons are listed.
  await expect(cards.first().locator('ul li').first()).toBeVisible();
  if (js) await expectAccessible(page);

  // The second trade of the ranking, kept alone by the filter.
  const trade = (await cards.nth(1).getAttribute('data-trade'))!;
  const name = (await cards.nth(1).locator('h2').textContent())!.trim();
  await page.getByLabel('Métier', { exact: true }).selectOption(trade);
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await expect(page).toHaveURL(new RegExp(`metier=${trade}`));
  await expect(cards).toHaveCount(1);
  await expect(cards.first().locator('h2')).toHaveText(name);
  if (js) await expectAccessible(page);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger le tableau (CSV)' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toBe('analyses-tensions.csv');
  const lines = fs.readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  expect(lines[0]).toBe('Rang,Code,Métier,Indicateur,Achats prévus (12 mois),Marchés par an,Offre unique,Médiane des offres,Fournisseurs locaux,Besoins non couverts');
  expect(lines.length).toBe(2);
  expect(lines[1]).toContain(`,${trade},`);
});

test('an analyst reads the territory\'s food purchases against EGalim and the products nobody offered', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, 'analyste@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/analyses/tensions');
  await page.getByRole('navigation', { name: 'Analyses du territoire' }).getByRole('link', { name: 'Alimentation et EGalim' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alimentation : EGalim et produits demandés');
  // Each buyer with its shares: Lyon meets both targets.
  const lyon = page.locator('[data-test="food-buyers"] tbody tr', { hasText: 'Ville de Lyon' });
  await expect(lyon).toContainText('Objectif atteint');
  await expect(page.locator('[data-test="food-meeting"]')).toContainText(/\d+ acheteur\(s\) sur \d+ atteignent les deux objectifs/);
  // The territory's shares, and how they are computed.
  await expect(page.locator('[data-test="egalim-quality"]')).toHaveText(/\d+,\d %/);
  // The lentils nobody offered, in words, leading to the trades' tension.
  await expect(page.locator('[data-test="food-least"] li', { hasText: 'Lentilles' })).toContainText('sans offre');
  await expect(page.locator('[data-test="food-products"] tbody tr').first()).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByRole('link', { name: 'Voir les tensions des métiers de l\'alimentation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tensions par métier');
  await expect(page.locator('[data-test="tensions"] > li[data-trade="agriculture"]')).toContainText('demande de devis');

  // A buyer is told the page is the chamber's.
  await logOut(page);
  await logIn(page, 'cuisine@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/analyses/alimentation', 403);
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.locator('[data-test="food-buyers"]')).toHaveCount(0);
});

test('the dashboards filter by the URL, show their data, and keep the finer views for analysts', async ({ page }, info) => {
  const js = hasJs(info);
  await goto(page, '/analyses');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Analyses du territoire');
  const summary = page.locator('[data-test="analytics-summary"]');
  const all = parseInt((await summary.textContent())!.replace(/\D.*$/, ''), 10);
  expect(all).toBeGreaterThan(10);
  await expect(page.locator('[data-test="buyers-locked"]')).toBeVisible();
  await expect(page.locator('svg[role="img"]').first()).toBeVisible();
  // The departments around the Métropole are beside its map, with their counts.
  await expect(page.locator('[data-test="m-executed-69D"]')).toContainText('Rhône (hors Métropole)');
  if (js) await expectAccessible(page);

  // The open tenders only: fewer contracts, and the URL says so.
  await page.getByLabel('Procédure', { exact: true }).selectOption('ao_ouvert');
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await expect(page).toHaveURL(/procedure=ao_ouvert/);
  await expect(summary).not.toHaveText(new RegExp(`^${all} `));
  const open = parseInt((await summary.textContent())!.replace(/\D.*$/, ''), 10);
  expect(open).toBeLessThan(all);
  // A table opens under its chart.
  await page.locator('#a-years ~ details summary').first().click();
  await expect(page.locator('[data-test="table-annees"] tbody tr').first()).toBeVisible();

  // An analyst sees the buyers' table.
  await logIn(page, 'analyste@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/analyses');
  await expect(page.locator('[data-test="buyers-locked"]')).toHaveCount(0);
  await expect(page.locator('[data-test="table-acheteurs"]')).toHaveCount(1);
  await expect(page.getByLabel('Acheteur (SIRET)')).toBeVisible();
  if (js) await expectAccessible(page);
  await logOut(page);
});
