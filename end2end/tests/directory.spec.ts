import { expect, test } from '@playwright/test';
import { createOrganisation, expectAccessible, goto, signUp, uniqueEmail } from './helpers';

test('a public organisation has a profile page reached from the account page', async ({ page }, info) => {
  await signUp(page, 'Paul Menuisier (fictif)', uniqueEmail(info, 'profil'));
  const siret = info.project.name === 'js' ? '120 027 016 00035' : '120 027 016 00043';
  const name = `Menuiserie Paul ${info.project.name} (fictive)`;
  await createOrganisation(page, { kind: 'Entreprise', siret, name, commune: 'Villeurbanne' });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');

  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Voir sa fiche publique' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('[data-test="org-identity"]')).toContainText('Villeurbanne (69)');
  await expect(page.locator('[data-test="org-identity"]')).toContainText(siret.replace(/ /g, ''));
  await expect(page.locator('[data-test="org-won"]')).toContainText('Aucun marché public remporté');
  await expect(page).toHaveTitle(`${name} — Passerelle`);
  if (info.project.name === 'js') await expectAccessible(page);

  // The owner edits the profile; the directory shows the change.
  await goto(page, '/compte');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Modifier' }).click();
  await expect(page.getByLabel('Nom *')).toHaveValue(name);
  await page.getByLabel('Site web').fill('pas une adresse');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByLabel('Site web')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Site web').fill('https://menuiserie-paul.example');
  await page.getByLabel('Présentation').fill('Escaliers et agencements en chêne du Beaujolais.');
  await page.getByLabel('Taille').selectOption({ label: 'Microentreprise (moins de 10 salariés)' });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByRole('status')).toHaveText('Enregistré.');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Voir sa fiche publique' }).click();
  await expect(page.getByText('Escaliers et agencements en chêne du Beaujolais.')).toBeVisible();
  await expect(page.locator('[data-test="org-identity"]')).toContainText('Microentreprise');
  await expect(page.getByRole('link', { name: /menuiserie-paul\.example/ })).toHaveAttribute('href', 'https://menuiserie-paul.example');

  const res = await page.goto('/annuaire/999999');
  expect(res?.status()).toBe(404);
});
