import { expect, test } from '@playwright/test';
import { expectAccessible, goto } from './helpers';

// Lists are filtered by a field of activity chosen by words, never by typing a CPV code: the
// words give choices (live with JavaScript, by the form's own button without it), each with its
// label and its code.
test('the catalogue is filtered by a field of activity found by the word "menuiserie"', async ({ page }, info) => {
  const js = info.project.name === 'js';
  await goto(page, '/catalogue');
  await page.locator('details.filters__more summary').click();
  const filter = page.locator('#c-cpv');
  await filter.getByLabel('Chercher par mots (métier, produit, prestation)').fill('menuiserie');
  if (!js) await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(filter.getByLabel('Travaux de menuiserie et de charpenterie 4542', { exact: true })).toBeVisible();
  if (js) await expectAccessible(page);
  await filter.getByLabel('Travaux de menuiserie 45421', { exact: true }).check();
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/cpv=45421(&|$)/);
  const rows = page.locator('[data-test="offer-row"]');
  await expect(rows.filter({ hasText: 'Remplacement de fenêtres dans les bâtiments publics' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: /\bpain\b/i })).toHaveCount(0);
  // The filter is shown by its label, and can be lifted.
  await expect(filter.getByLabel('Travaux de menuiserie 45421', { exact: true })).toBeChecked();
  await filter.getByLabel('Tous les codes (retirer ce filtre)').check();
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).not.toHaveURL(/cpv=4/);
  if (js) await expectAccessible(page);
});

test('words that match no code say so', async ({ page }, info) => {
  await goto(page, '/programmation?cpv_q=zzzqqq');
  await expect(page.locator('#p-cpv')).toContainText('Aucun code ne contient ces mots');
  if (info.project.name === 'js') await expectAccessible(page);
});
