import { expect, test } from '@playwright/test';
import path from 'path';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut } from './helpers';

test('a buyer imports a prior information notice as a draft, reviews it and publishes it', async ({ page }, info) => {
  const js = hasJs(info);
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  const programme = page.url();
  if (js) await expectAccessible(page);

  // Each project its own notice (the same one twice is refused, as the end shows).
  const file = path.join(__dirname, '..', 'fixtures', js ? 'pin-only_24_lots.xml' : 'pin-only_24.xml');
  const title = js ? 'Fusion21 Materials Supply Framework' : 'ProPrName1234';
  await page.getByLabel("Fichier de l'avis (XML eForms)").setInputFiles(file);
  await page.getByRole('button', { name: "Importer l'avis" }).click();
  await expect(page.getByRole('status')).toContainText('Avis importé en brouillon');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  if (js) await expect(page.locator('[data-test="edit-lots"] li')).toHaveCount(10);
  await expect(page.locator('[data-test="plan-stage"]')).toContainText('Brouillon importé');
  if (js) await expectAccessible(page);
  const editor = page.url().replace(/\?.*$/, '');
  const publicPage = editor.replace('/compte/achats/', '/programmation/');
  await logOut(page);

  // Nobody else sees the draft.
  await goto(page, publicPage, 404);

  // Reviewed and published: it joins the programming.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, editor);
  await page.getByLabel('Prévu', { exact: true }).check();
  await page.getByRole('button', { name: "Changer d'état" }).click();
  await expect(page.locator('[data-test="plan-stage"]')).toContainText('Prévu');
  await goto(page, programme);
  await expect(page.locator('[data-test="my-plans"]')).toContainText(title);
  // The same notice again: refused, with its reason.
  await page.getByLabel("Fichier de l'avis (XML eForms)").setInputFiles(file);
  await page.getByRole('button', { name: "Importer l'avis" }).click();
  await expect(page.getByRole('alert')).toHaveText('Cet avis est déjà importé dans votre programmation.');
  await goto(page, programme);
  await logOut(page);
  await goto(page, publicPage);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  if (js) await expect(page.locator('[data-test="plan-lots"] li')).toHaveCount(10);
});
