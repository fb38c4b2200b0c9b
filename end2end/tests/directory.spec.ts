import { expect, test } from '@playwright/test';
import { createOrganisation, expectAccessible, goto, hasJs, signUp, uniqueEmail } from './helpers';

test('a public organisation has a profile page reached from the account page', async ({ page }, info) => {
  await signUp(page, 'Paul Menuisier (fictif)', uniqueEmail(info, 'profil'));
  const siret = hasJs(info) ? '120 027 016 00035' : '120 027 016 00043';
  const name = `Menuiserie Paul ${info.project.name} (fictive)`;
  await createOrganisation(page, { kind: 'Entreprise', siret, name, commune: 'Villeurbanne' });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');

  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Voir sa fiche publique' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('[data-test="org-identity"]')).toContainText('Villeurbanne (69)');
  await expect(page.locator('[data-test="org-identity"]')).toContainText(siret.replace(/ /g, ''));
  await expect(page.locator('[data-test="org-won"]')).toContainText('Aucun marché public remporté');
  await expect(page).toHaveTitle(`${name} — Passerelle`);
  if (hasJs(info)) await expectAccessible(page);

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

  await goto(page, '/annuaire/999999', 404);
});

test('a buyer finds a firm in the directory by a French word, a facet and the map', async ({ page }, info) => {
  await signUp(page, 'Zoé Traiteur (fictive)', uniqueEmail(info, 'annuaire'));
  const js = hasJs(info);
  const siret = js ? '120 027 016 00050' : '120 027 016 00068';
  // A word of its own per project: both projects share one database.
  const word = js ? 'Zébulon' : 'Zéphyrin';
  const name = `Traiteur ${word} (fictif)`;
  await goto(page, '/compte/organisations/nouvelle');
  await page.getByLabel("Type d'organisation").selectOption({ label: 'Entreprise' });
  await page.getByLabel('SIRET').fill(siret);
  await page.getByLabel('Nom *').fill(name);
  await page.getByLabel('Commune').fill('Vénissieux');
  await page.getByLabel('Taille').selectOption({ label: 'Microentreprise (moins de 10 salariés)' });
  await page.getByLabel('Présentation').fill('Plats cuisinés de saison, buffets et plateaux-repas bio.');
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');

  // Plural and without accents; the index follows the database within a few seconds.
  const query = `${word.replace('é', 'e').toLowerCase()} buffet`;
  await expect(async () => {
    await goto(page, '/annuaire');
    await page.getByLabel('Rechercher', { exact: true }).fill(query);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect(page.locator('[data-test="org-row"]')).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page).toHaveURL(/\/annuaire\?q=/);
  await expect(page.locator('[data-test="org-row"]').getByRole('link')).toHaveText(name);
  await expect(page.locator('[data-test="result-count"]')).toHaveText('1 organisation');

  // A facet narrows the list and is marked as the current one.
  await page.locator('[data-test="facets"]').getByRole('link', { name: /Microentreprise/ }).click();
  await expect(page).toHaveURL(/taille=micro/);
  await expect(page.locator('[data-test="facets"]').getByRole('link', { name: /Microentreprise/ })).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('[data-test="org-row"]')).toHaveCount(1);

  // The map: Vénissieux is shaded and is a link to its results.
  const map = page.locator('[data-test="directory-map"]');
  await map.getByRole('link', { name: 'Vénissieux : 1 organisation' }).click();
  await expect(page).toHaveURL(/commune=69259/);
  await expect(page.locator('[data-test="active-filters"]')).toContainText('Vénissieux');
  await expect(page.locator('[data-test="org-row"]')).toHaveCount(1);
  if (js) await expectAccessible(page);

  // Within 2 km of Lyon there is no such firm; the list says so and offers the whole directory.
  await goto(page, `/annuaire?q=${encodeURIComponent(query)}&pres_de=69123&km=2`);
  await expect(page.locator('[data-test="org-row"]')).toHaveCount(0);
  await expect(page.getByText('Aucune organisation ne correspond à cette recherche.')).toBeVisible();
  await page.getByRole('link', { name: "Voir tout l'annuaire" }).click();
  await expect(page).toHaveURL(/\/annuaire$/);
  if (js) await expectAccessible(page);
});
