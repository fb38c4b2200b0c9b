import { expect, test } from '@playwright/test';
import { asAdmin, createOrganisation, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';

test('sign up, create a business, log out, log in and find it again', async ({ page }, info) => {
  const email = uniqueEmail(info, 'artisane');
  await signUp(page, 'Jeanne Artisane (fictive)', email);
  await expect(page.getByText("Vous n'êtes membre d'aucune organisation")).toBeVisible();

  const siret = hasJs(info) ? '120 027 016 00019' : '120 027 016 00027';
  await createOrganisation(page, { kind: 'Entreprise', siret, name: `Atelier Jeanne ${info.project.name} (fictif)`, commune: 'Villeurbanne' });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  const org = page.locator('[data-test="my-org"]');
  await expect(org).toContainText(`Atelier Jeanne ${info.project.name} (fictif)`);
  // A new firm waits for a chamber's verification, and says what it may not do until then.
  await expect(org).toContainText('En attente de vérification');
  await expect(org.locator('[data-test="unverified-firm"]')).toContainText('Vous pouvez déjà publier des offres');

  await logOut(page);
  await goto(page, '/compte', 401);
  await expect(page.getByText('Connectez-vous pour continuer.')).toBeVisible();

  await logIn(page, email);
  await expect(page.locator('[data-test="my-org"]')).toContainText(`Atelier Jeanne ${info.project.name} (fictif)`);
});

test('an invalid SIRET is explained next to the field and nothing is created', async ({ page }, info) => {
  await signUp(page, 'Louis Erreur (fictif)', uniqueEmail(info, 'erreur'));
  await createOrganisation(page, { kind: 'Entreprise', siret: '123 456 789 00010', name: 'Entreprise mal saisie (fictive)' });
  const siret = page.getByLabel('SIRET');
  await expect(siret).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#f-siret-error')).toHaveText(/clé de contrôle incorrecte/);
  await expect(page.getByRole('alert')).toContainText('Corrigez les champs signalés');
  await goto(page, '/compte');
  await expect(page.getByText("Vous n'êtes membre d'aucune organisation")).toBeVisible();
});

test('bad sign-up input gets a message per field', async ({ page }, info) => {
  await goto(page, '/inscription');
  await page.getByLabel('Nom et prénom').fill('X');
  await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
  await page.getByLabel('Mot de passe *', { exact: true }).fill('court');
  await page.getByLabel('Confirmez le mot de passe').fill('court');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.locator('#f-email-error')).toContainText('Adresse e-mail invalide');
  await expect(page.locator('#f-password-error')).toContainText('au moins 10 caractères');
  await expect(page).toHaveURL(/\/inscription/);
});

test('the sign-up form checks each field once left, with the messages the server gives', async ({ page }, info) => {
  const js = hasJs(info);
  await goto(page, '/inscription');
  const email = page.getByLabel('Adresse e-mail');
  const emailError = page.locator('#f-email-error');
  await email.fill('marie@exemple');
  // Nothing under the first letters of an address.
  await expect(emailError).toHaveCount(0);
  await email.press('Tab');
  if (!js) {
    // Without JavaScript the server is the one to say it, when the form is sent.
    await expect(emailError).toHaveCount(0);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
  }
  await expect(emailError).toHaveText('Adresse e-mail invalide (exemple : nom@domaine.fr).');
  await expect(page.getByLabel('Adresse e-mail')).toHaveAttribute('aria-invalid', 'true');
  if (!js) return;
  // Mended as the person types: the message goes without leaving the field.
  await email.pressSequentially('.fr');
  await expect(emailError).toHaveCount(0);
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Mot de passe *', { exact: true }).fill('une phrase de passe solide');
  const confirm = page.getByLabel('Confirmez le mot de passe');
  await confirm.fill('une phrase de passe');
  await confirm.press('Tab');
  await expect(page.locator('#f-password_confirm-error')).toHaveText('Les deux mots de passe ne sont pas identiques.');
  // The server still decides: a name left empty is refused when the form is sent.
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.locator('#f-display_name-error')).toBeVisible();
  await expect(page).toHaveURL(/\/inscription/);
});

test('a public buyer is verified by an admin before acting as a buyer', async ({ page }, info) => {
  const email = uniqueEmail(info, 'acheteur');
  await signUp(page, 'Paul Acheteur (fictif)', email);
  // Real buyers from the DECP samples that the demo leaves out, one per project: Dardilly, Chaponost.
  const siret = hasJs(info) ? '21690072000014' : '21690043100018';
  const name = hasJs(info) ? 'Ville de Dardilly' : 'Commune de Chaponost';
  await createOrganisation(page, { kind: 'Acheteur public', siret, name });
  await expect(page.locator('[data-test="my-org"]')).toContainText('En attente de vérification');
  await logOut(page);

  await asAdmin(page);
  await goto(page, '/admin');
  const row = page.locator('[data-test="pending-org"]', { hasText: name });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: `Vérifier ${name}` }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation vérifiée.');
  await expect(page.locator('[data-test="pending-org"]', { hasText: name })).toHaveCount(0);
  await page.context().clearCookies();

  await logIn(page, email);
  await expect(page.locator('[data-test="my-org"]')).toContainText('Vérifiée');
});

test('only admins reach the administration', async ({ page }, info) => {
  await signUp(page, 'Curieux (fictif)', uniqueEmail(info, 'curieux'));
  await goto(page, '/admin', 403);
  await expect(page.getByRole('alert')).toContainText("Vous n'avez pas le droit");
});
