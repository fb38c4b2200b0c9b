import { expect, test } from '@playwright/test';
import path from 'path';
import { asAdmin, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn } from './helpers';

test('an administrator imports a DECP file and reads its report', async ({ page }, info) => {
  await asAdmin(page);
  await goto(page, '/admin');
  await page.getByRole('link', { name: 'Import des marchés passés (DECP)' }).click();
  await expect(page.getByRole('heading', { name: 'Import des marchés passés (DECP)' })).toBeVisible();
  if (hasJs(info)) await expectAccessible(page);

  // Submitting without a file is refused by the browser (required field): nothing is posted.
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page).toHaveURL(/\/admin\/imports$/);

  await page.getByLabel('Fichier').setInputFiles(path.join(__dirname, '..', 'fixtures', 'decp-sample.json'));
  await page.getByRole('button', { name: 'Importer' }).click();
  await expect(page).toHaveURL(/\/admin\/imports\/\d+$/);
  await expect(page.getByRole('heading', { name: 'decp-sample.json' })).toBeVisible();

  // Without JavaScript the page offers a refresh link while the import runs; with it, it updates itself.
  const counts = page.locator('[data-test="import-counts"]');
  await expect(async () => {
    if (!hasJs(info)) await page.reload();
    await expect(page.getByText('Terminé')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(counts).toContainText('Acceptés1');
  await expect(counts).toContainText('Rejetés1');
  await expect(page.getByRole('cell', { name: "identifiant de l'acheteur absent" })).toBeVisible();
  if (hasJs(info)) await expectAccessible(page);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Télécharger les rejets (CSV)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^rejets-import-\d+\.csv$/);

  await goto(page, '/admin/imports');
  await expect(page.locator('[data-test="import-run"]').first()).toContainText('decp-sample.json');
});

test('the import pages are for administrators only', async ({ page }) => {
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/admin/imports', 403);
  await expect(page.getByRole('alert')).toContainText("Vous n'avez pas le droit");
});
