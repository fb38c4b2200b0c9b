import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { asAdmin, expectAccessible, freshCode, goto, hasJs, logIn, logOut, PASSWORD, signUp, uniqueEmail } from './helpers';

test('the administrator gives a right and finds it in the audit trail, filtered', async ({ page }, info) => {
  const js = hasJs(info);
  const email = uniqueEmail(info, 'analyste');
  await signUp(page, 'Claire Analyste (fictive)', email);
  await page.context().clearCookies();

  await asAdmin(page);
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
  const js = hasJs(info);
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

test('a person downloads their data, then deletes their account', async ({ page }, info) => {
  const js = hasJs(info);
  const email = uniqueEmail(info, 'partante');
  await signUp(page, 'Paule Partante (fictive)', email);
  await goto(page, '/compte');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger mes données' }).click(),
  ]);
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(data.account.email).toBe(email);
  expect(data.account.display_name).toBe('Paule Partante (fictive)');
  expect(JSON.stringify(data)).not.toContain('argon2');

  await page.getByText('Supprimer mon compte').click();
  if (js) await expectAccessible(page);
  // Without the box ticked: refused, and said why.
  await page.getByLabel('Votre mot de passe, pour confirmer').fill(PASSWORD);
  await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
  if (!js) await page.getByText('Supprimer mon compte').click();
  await expect(page.locator('#f-confirm-error')).toHaveText('Cochez la case pour confirmer la suppression.');
  await page.getByLabel('Votre mot de passe, pour confirmer').fill(PASSWORD);
  await page.getByLabel("Je comprends que c'est définitif").check();
  await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
  await expect(page).toHaveURL(/\/confidentialite\?compte=supprime/);
  await expect(page.getByRole('status')).toHaveText('Votre compte a été supprimé. Vos données personnelles sont effacées.');
  await expect(page.getByRole('heading', { name: 'Données personnelles' })).toBeVisible();
  if (js) await expectAccessible(page);

  await goto(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('alert').first()).toContainText('incorrect');
});

test('a person turns the second factor on, then signs in with a recovery code', async ({ page }, info) => {
  const js = hasJs(info);
  const email = uniqueEmail(info, 'prudente');
  await signUp(page, 'Prune Prudente (fictive)', email);
  await page.getByRole('link', { name: 'Gérer la double authentification' }).click();
  await expect(page.getByRole('heading', { name: 'Double authentification', level: 1 })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Code QR à scanner' })).toBeVisible();
  if (js) await expectAccessible(page);
  const secret = (await page.locator('[data-test="totp-secret"]').textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code first: refused, said why, the same key still offered.
  await page.getByLabel("Code à 6 chiffres affiché par l'application").fill('12345');
  await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer' }).click();
  await expect(page.locator('#f-code-error')).toContainText('6 chiffres');
  expect((await page.locator('[data-test="totp-secret"]').textContent())!.replace(/\s/g, '')).toBe(secret);
  await page.getByLabel("Code à 6 chiffres affiché par l'application").fill(await freshCode(secret));
  await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
  await page.getByRole('button', { name: 'Activer' }).click();
  const codes = page.locator('[data-test="recovery-codes"] li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!.trim();
  expect(recovery).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  await expect(page.locator('[data-test="second-factor-on"]')).toBeVisible();
  if (js) await expectAccessible(page);

  // Signing in now asks for a code after the password; a wrong one is refused.
  await logOut(page);
  await goto(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/connexion\/code/);
  await expect(page.getByRole('heading', { name: 'Code de vérification' })).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByLabel('Code', { exact: true }).fill('ZZZZZ-ZZZZZ');
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.locator('#f-code-error')).toContainText('Code incorrect');
  // The phone is lost: a recovery code, once.
  await page.getByLabel('Code', { exact: true }).fill(recovery.toLowerCase());
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page).toHaveURL(/\/compte\/double-authentification\?secours=9/);
  await expect(page.getByRole('status').first()).toContainText('Il vous en reste 9');
  await expect(page.getByText('Codes de secours encore utilisables : 9.')).toBeVisible();
});
