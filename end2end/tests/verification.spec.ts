import { expect, test } from '@playwright/test';
import { createOrganisation, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';

// A firm is "not verified" until a chamber checks it; a second claimant of its SIRET asks for a
// review, and the chamber's analyst gives them the organisation. One firm per project.
test('a second claimant asks for review and a chamber analyst gives them the firm', async ({ page }, info) => {
  const js = hasJs(info);
  const siret = js ? '44100000100004' : '44100000200002';
  const name = `Ébénisterie Claude ${info.project.name} (fictive)`;

  // Whoever registers the SIRET first: the firm is marked not verified, and says what it cannot do yet.
  await signUp(page, 'Paul Pressé (fictif)', uniqueEmail(info, 'premier'));
  await createOrganisation(page, { kind: 'Entreprise', siret, name, commune: 'Villeurbanne' });
  const mine = page.locator('[data-test="my-org"]', { hasText: name });
  await expect(mine).toContainText('En attente de vérification');
  await expect(mine.locator('[data-test="unverified-firm"]')).toContainText('une chambre consulaire doit confirmer');
  await logOut(page);

  // The real manager finds the SIRET taken, and claims it.
  const manager = uniqueEmail(info, 'gerante');
  await signUp(page, 'Claude Gérante (fictive)', manager);
  await createOrganisation(page, { kind: 'Entreprise', siret, name: 'Ébénisterie Claude' });
  await expect(page.locator('#f-siret-error')).toContainText('revendiquez-la');
  await page.locator('[data-test="claim-link"]').click();
  await expect(page.getByRole('heading', { name: 'Revendiquer une organisation' })).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByLabel('SIRET').fill(siret);
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.locator('#f-message-error')).not.toBeEmpty();
  await page.getByLabel('SIRET').fill(siret);
  await page.getByLabel('Votre rôle et ce qui le prouve').fill("Gérante depuis 2019 ; je peux montrer l'extrait Kbis.");
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page).toHaveURL(/\/compte\?ok=claim/);
  await expect(page.getByRole('status')).toContainText('Demande envoyée');
  await logOut(page);

  // The chamber's analyst reviews: the firm to verify, and the claim on it.
  await logIn(page, 'analyste@demo.passerelle.example', DEMO_PASSWORD);
  await page.getByRole('link', { name: 'Vérifications à faire' }).first().click();
  await expect(page.getByRole('heading', { name: 'Vérifications', level: 1 })).toBeVisible();
  await expect(page.locator('[data-test="to-verify"]', { hasText: name })).toContainText('Annuaire des entreprises');
  const claim = page.locator('[data-test="claim"]', { hasText: manager });
  await expect(claim).toContainText("je peux montrer l'extrait Kbis");
  if (js) await expectAccessible(page);
  await claim.getByRole('button', { name: `Accorder ${manager}` }).click();
  await expect(page.getByRole('status')).toHaveText('Revendication accordée. Le demandeur est responsable de l\'organisation.');
  await expect(page.locator('[data-test="claim"]', { hasText: manager })).toHaveCount(0);
  await expect(page.locator('[data-test="to-verify"]', { hasText: name })).toHaveCount(0);
  await logOut(page);

  // The manager owns the firm, verified; the first registrant lost it.
  await logIn(page, manager);
  await expect(page.locator('[data-test="my-org"]', { hasText: name })).toContainText('Vérifiée');
});
