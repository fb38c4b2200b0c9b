import { expect, test } from '@playwright/test';
import { expectAccessible, goto, logIn, signUp, uniqueEmail, DEMO_PASSWORD } from './helpers';

test('the administrator gives a right and finds it in the audit trail, filtered', async ({ page }, info) => {
  const js = info.project.name === 'js';
  const email = uniqueEmail(info, 'analyste');
  await signUp(page, 'Claire Analyste (fictive)', email);
  await page.context().clearCookies();

  await logIn(page, 'admin@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/admin');
  await page.locator('#analysts').getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: "Donner le droit d'analyste" }).click();
  await expect(page.getByRole('status')).toHaveText("Droit d'analyste donné.");

  await page.getByRole('link', { name: "Journal d'audit" }).click();
  await expect(page.getByRole('heading', { name: "Journal d'audit" })).toBeVisible();
  // The demo's own history is there: its verifications and label decisions.
  await expect(page.locator('[data-test="journal"]')).toContainText('Organisation vérifiée');
  await page.getByLabel('Action').selectOption({ label: "Droit d'analyste donné" });
  await page.getByLabel('Par (adresse e-mail)').fill('admin@demo');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/action=analyst_given/);
  const row = page.locator('[data-test="journal"] tbody tr', { hasText: email });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Alice Admin (fictive)');
  await expect(row).toContainText('127.0.0.1');
  await expect(page.locator('[data-test="journal"] tbody tr', { hasText: 'Organisation vérifiée' })).toHaveCount(0);
  if (js) await expectAccessible(page);
});

test('signing out the other devices ends the session left on another browser', async ({ page, browser }, info) => {
  const js = info.project.name === 'js';
  const email = uniqueEmail(info, 'nomade');
  await signUp(page, 'Nora Nomade (fictive)', email);
  const other = await browser.newContext({ javaScriptEnabled: js });
  const laptop = await other.newPage();
  await logIn(laptop, email);

  await goto(page, '/compte');
  await expect(page.locator('[data-test="session-count"]')).toContainText('connecté sur 2 appareil(s)');
  await page.getByRole('button', { name: 'Déconnecter mes autres appareils' }).click();
  await expect(page.getByRole('status')).toHaveText('Vos autres appareils ont été déconnectés.');
  await expect(page.locator('[data-test="session-count"]')).toContainText('connecté sur 1 appareil(s)');
  if (js) await expectAccessible(page);

  await goto(laptop, '/compte', 401);
  await expect(laptop.getByText('Connectez-vous pour continuer.')).toBeVisible();
  await other.close();
});

test('a common password is refused, saying why', async ({ page }, info) => {
  await goto(page, '/inscription');
  await page.getByLabel('Nom et prénom').fill('Paul Pressé (fictif)');
  await page.getByLabel('Adresse e-mail').fill(uniqueEmail(info, 'presse'));
  await page.getByLabel('Mot de passe *', { exact: true }).fill('Azertyuiop2024');
  await page.getByLabel('Confirmez le mot de passe').fill('Azertyuiop2024');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.locator('#f-password-error')).toContainText('parmi les plus courants');
  await expect(page).toHaveURL(/\/inscription/);
});
