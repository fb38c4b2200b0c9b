import { expect, test } from '@playwright/test';
import { asAdmin, chooseCpv, createOrganisation, expectAccessible, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';

/** The smallest PDF a chamber would read. */
const PDF = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';

test('the territorial label, from the referential to the badge a buyer filters on', async ({ page }, info) => {
  const js = hasJs(info);
  // Names of their own per project: both projects share one database.
  const word = js ? 'Verveine' : 'Sarriette';
  const labelName = `Saveurs du Lyonnais ${word}`;
  const analystEmail = uniqueEmail(info, 'analyste');
  const firmEmail = uniqueEmail(info, 'maraicher');

  // An analyst's account, given its right by an administrator.
  await signUp(page, 'Claire Analyste (fictive)', analystEmail);
  await logOut(page);
  await asAdmin(page);
  await goto(page, '/admin');
  await page.locator('#analysts').getByLabel('Adresse e-mail').fill(analystEmail);
  await page.getByRole('button', { name: "Donner le droit d'analyste" }).click();
  await expect(page.getByRole('status')).toHaveText("Droit d'analyste donné.");
  await expect(page.locator('[data-test="analysts"]')).toContainText(analystEmail);
  if (js) await expectAccessible(page);
  await page.context().clearCookies();

  // The analyst writes a referential: a criterion with evidence, then opens it.
  await logIn(page, analystEmail);
  await page.getByRole('link', { name: 'Référentiels du label territorial' }).click();
  await page.getByLabel('Nom du label *').fill(labelName);
  await page.getByLabel('Ce que le label distingue *').selectOption({ label: 'Pour une offre' });
  await page.getByLabel('Durée de validité (mois) *').fill('0');
  await page.getByRole('button', { name: 'Créer le référentiel' }).click();
  await expect(page.getByLabel('Durée de validité (mois) *')).toHaveAttribute('aria-invalid', 'true');
  // Without JavaScript the refused form comes back empty: everything is typed again.
  await page.getByLabel('Nom du label *').fill(labelName);
  await page.getByLabel('Ce que le label distingue *').selectOption({ label: 'Pour une offre' });
  await page.getByLabel('Durée de validité (mois) *').fill('24');
  await page.getByRole('button', { name: 'Créer le référentiel' }).click();
  await expect(page.getByRole('status')).toContainText('Référentiel créé');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(labelName);
  await page.getByLabel('Question posée').fill('Où sont cultivés les produits ?');
  await page.getByLabel('Justificatif demandé (facultatif)').fill('Attestation de la MSA');
  await page.getByRole('button', { name: 'Ajouter un critère' }).click();
  await expect(page.getByRole('status')).toHaveText('Critère ajouté.');
  await expect(page.locator('[data-test="scheme-criteria"]')).toContainText('Où sont cultivés les produits ?');
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Ouvrir aux demandes' }).click();
  await expect(page.getByRole('status')).toHaveText('Référentiel ouvert aux demandes.');
  await logOut(page);

  // A business publishes an offer, then applies for the label for it.
  await signUp(page, 'Paul Maraîcher (fictif)', firmEmail);
  await createOrganisation(page, {
    kind: 'Entreprise',
    siret: js ? '120 027 016 00092' : '120 027 016 00100',
    name: `Jardins ${word} (fictif)`,
    commune: 'Vaulx-en-Velin',
  });
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  const title = `Paniers de légumes ${word}`;
  await page.getByLabel('Titre *').fill(title);
  await page.getByLabel("Type d'offre *").selectOption({ label: 'Fournitures' });
  await page.getByRole('button', { name: 'Créer le brouillon' }).click();
  await expect(page.getByRole('status')).toContainText('Brouillon créé');
  await chooseCpv(page, 'offer-cpv', 'légumes', 'Légumes 03221000');
  await page.getByRole('button', { name: 'Enregistrer les codes' }).click();
  await expect(page.getByRole('status')).toHaveText('Codes CPV mis à jour.');
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('status')).toHaveText('Offre publiée.');

  await goto(page, '/compte');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Labels' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes demandes de label');
  await page.getByLabel('Référentiel *').selectOption({ label: `${labelName} (Pour une offre)` });
  await page.getByLabel('Pour *').selectOption({ label: `Offre — ${title}` });
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Commencer la demande' }).click();
  await expect(page.getByRole('status')).toContainText('Demande créée');

  // Sending too early says what is missing; then the answer and the evidence.
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByText('Répondez à ce critère avant d')).toBeVisible();
  await page.getByLabel('Où sont cultivés les produits ?').fill('À Vaulx-en-Velin, sur nos 4 hectares.');
  await page.getByRole('button', { name: 'Enregistrer les réponses' }).click();
  await expect(page.getByRole('status')).toHaveText('Réponses enregistrées.');
  await page.getByLabel('Ajouter un fichier').setInputFiles({ name: 'attestation-msa.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  await expect(page.getByRole('status')).toHaveText('Justificatif ajouté.');
  await expect(page.getByRole('link', { name: 'attestation-msa.pdf' })).toBeVisible();
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await expect(page.getByRole('status')).toContainText('Demande envoyée');
  await expect(page.locator('[data-test="dossier-status"]')).toHaveText('Envoyée, en instruction');
  const dossier = page.url().replace(/\?.*$/, '');
  await logOut(page);

  // The analyst grants it from the queue.
  await logIn(page, analystEmail);
  await goto(page, '/labels/instruction');
  await page.locator('[data-test="queue"]').getByRole('link', { name: new RegExp(title) }).click();
  await expect(page).toHaveURL(dossier);
  await expect(page.locator('[data-test="dossier-answers"]')).toContainText('sur nos 4 hectares');
  if (js) await expectAccessible(page);
  await page.getByLabel('Refuser').check();
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page.getByText('Ce champ est obligatoire')).toBeVisible();
  await page.getByLabel('Accorder le label').check();
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(page.getByRole('status')).toHaveText('Label accordé.');
  await expect(page.locator('[data-test="dossier-history"]')).toContainText('Label accordé');
  await logOut(page);

  // A buyer sees the badge and filters the catalogue by the label.
  await expect(async () => {
    await goto(page, '/catalogue');
    await page.locator('[data-test="facets"]').getByRole('link', { name: new RegExp(labelName) }).click({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page).toHaveURL(/label_territorial=\d+/);
  await expect(page.locator('[data-test="offer-row"]')).toHaveCount(1);
  const row = page.locator('[data-test="offer-row"]');
  await expect(row.getByRole('link', { name: title })).toBeVisible();
  await expect(row.locator('[data-test="territorial-badge"]')).toContainText(labelName);
  if (js) await expectAccessible(page);
  await row.getByRole('link', { name: title }).click();
  await page.locator('[data-test="territorial-badge"]').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(labelName);
  await expect(page.locator('[data-test="label-holders"]')).toContainText(title);
  if (js) await expectAccessible(page);
});
