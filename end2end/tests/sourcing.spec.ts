import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut } from './helpers';

test('a buyer runs sourcing: a call with questions and a meeting with slots; a firm answers and books; the summary is published', async ({ page }, info) => {
  const js = hasJs(info);
  const suffix = js ? 'Part-Dieu' : 'Confluence';
  const title = `Entretien des espaces verts ${suffix}`;
  const call = `Appel au marché ${suffix}`;
  const meeting = `Entretiens fournisseurs ${suffix}`;

  // The buyer plans a procurement, then opens a call and a meeting from its editor.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await page.getByLabel("Objet de l'achat *").fill(title);
  await page.getByLabel('Procédure envisagée *').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Publication prévue *').fill('T3 2027');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  const editor = page.url().replace(/\?.*$/, '');

  await page.getByText('Ouvrir un appel au sourçage').click();
  await page.getByLabel("Titre de l'appel *").fill(call);
  await page.locator('#f-intro').fill('Nous voulons connaître les pratiques sans pesticides du territoire.');
  await page.getByLabel('Date limite des réponses *').fill('2027-05-31');
  await page.getByRole('button', { name: "Créer l'appel (brouillon)" }).click();
  await expect(page.getByRole('status')).toContainText('Appel créé en brouillon');
  await page.getByLabel('Question *').fill('Quels délais pour une première intervention ?');
  await page.getByLabel('Réponse obligatoire').check();
  await page.getByRole('button', { name: 'Ajouter une question' }).click();
  await expect(page.getByRole('status')).toHaveText('Question ajoutée.');
  // A choice with a single option is explained, then corrected.
  await page.getByLabel('Question *').fill('Travaillez-vous sans produits phytosanitaires ?');
  await page.getByLabel('Type de réponse').selectOption({ label: 'Choix dans une liste' });
  await page.getByLabel('Choix proposés').fill('Oui');
  await page.getByRole('button', { name: 'Ajouter une question' }).click();
  await expect(page.getByText('Proposez au moins deux choix')).toBeVisible();
  await page.getByLabel('Question *').fill('Travaillez-vous sans produits phytosanitaires ?');
  await page.getByLabel('Type de réponse').selectOption({ label: 'Choix dans une liste' });
  await page.getByLabel('Choix proposés').fill('Oui\nNon\nEn partie');
  await page.getByRole('button', { name: 'Ajouter une question' }).click();
  await expect(page.getByRole('status')).toHaveText('Question ajoutée.');
  await expect(page.locator('[data-test="questions"] li')).toHaveCount(2);
  if (js) await expectAccessible(page);
  await page.getByRole('button', { name: "Ouvrir l'appel aux entreprises" }).click();
  await expect(page.getByRole('status')).toContainText('Appel ouvert');
  const callEditor = page.url().replace(/\?.*$/, '');

  await goto(page, editor);
  if (js) await expectAccessible(page);
  await page.getByText('Organiser une rencontre').click();
  await page.getByLabel('Titre de la rencontre *').fill(meeting);
  if (js) {
    // With JavaScript a day already passed, or an end before the start, is said as the form is
    // filled (the server's rules and words, the browser's clock), and goes once mended.
    await page.getByLabel('Date *', { exact: true }).fill('2020-06-15');
    await page.getByLabel('Début (heure de Paris) *').fill('10:00');
    await page.getByLabel('Fin (heure de Paris) *').fill('09:00');
    await page.getByLabel('Fin (heure de Paris) *').blur();
    await expect(page.getByText('Cette date est déjà passée.')).toBeVisible();
    await expect(page.getByLabel('Fin (heure de Paris) *')).toHaveAttribute('aria-invalid', 'true');
  }
  await page.getByLabel('Date *', { exact: true }).fill('2027-06-15');
  await page.getByLabel('Début (heure de Paris) *').fill('10:00');
  await page.getByLabel('Fin (heure de Paris) *').fill('11:00');
  if (js) {
    await expect(page.getByText('Cette date est déjà passée.')).toBeHidden();
    await expect(page.getByLabel('Fin (heure de Paris) *')).not.toHaveAttribute('aria-invalid', 'true');
  }
  await page.getByLabel('Lieu', { exact: true }).fill('Hôtel de ville, salle des commissions');
  await page.getByLabel('Entretiens individuels de (minutes)').fill('20');
  await page.getByLabel("Inscriptions jusqu'au *").fill('2027-06-10');
  await page.getByRole('button', { name: 'Créer la rencontre' }).click();
  await expect(page.getByRole('status')).toContainText('Rencontre créée');
  await expect(page.locator('[data-test="meeting-facts"]')).toContainText('3 créneau(x) libre(s) sur 3');
  await logOut(page);

  // A firm finds both on /sourcage, answers the call and books a slot.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/sourcage');
  if (js) await expectAccessible(page);
  await page.locator('[data-test="open-calls"]').getByRole('link', { name: call }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(call);
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect(page.getByText('Ce champ est obligatoire.')).toBeVisible();
  await page.getByLabel('Quels délais pour une première intervention ?').fill('Sous huit jours, toute la Métropole.');
  await page.getByLabel('Travaillez-vous sans produits phytosanitaires ?').selectOption('Oui');
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect(page.getByRole('status')).toContainText('Réponse enregistrée');
  await expect(page.locator('[data-test="my-answers"]')).toContainText('Sous huit jours');
  if (js) await expectAccessible(page);

  await goto(page, '/sourcage');
  await page.locator('[data-test="next-meetings"]').getByRole('link', { name: meeting }).click();
  await page.getByLabel('10:20–10:40').check();
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();
  await expect(page.getByRole('status')).toHaveText('Inscription confirmée.');
  await expect(page.locator('[data-test="my-registrations"]')).toContainText('créneau 10:20–10:40');
  await expect(page.locator('[data-test="meeting-facts"]')).toContainText('2 créneau(x) libre(s) sur 3');
  if (js) await expectAccessible(page);
  await goto(page, '/compte/reunions');
  await expect(page.locator('[data-test="my-meetings"]')).toContainText(meeting);
  // The demo firm is shared by both projects: the second one renews the address.
  await page.getByRole('button', { name: /Créer l'adresse de mon agenda|Renouveler l'adresse/ }).click();
  await expect(page.locator('[data-test="feed-url"]')).toHaveValue(/\/agenda\/[0-9a-f]{32}\.ics$/);
  if (js) await expectAccessible(page);
  await logOut(page);

  // The buyer reads the answer, then publishes the summary every firm reads.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Tableau du sourçage' }).click();
  await expect(page.locator('[data-test="board-meetings"]')).toContainText(meeting);
  if (js) await expectAccessible(page);
  await goto(page, callEditor);
  await expect(page.locator('[data-test="responses"]')).toContainText('Sous huit jours');
  await expect(page.getByRole('link', { name: 'Télécharger les réponses (CSV)' })).toBeVisible();
  await page.getByLabel('Synthèse du sourçage').fill('Plusieurs entreprises locales interviennent **sans pesticides** sous huit jours.');
  await page.getByRole('button', { name: 'Publier la synthèse' }).click();
  await expect(page.getByRole('status')).toContainText('Synthèse publiée');
  if (js) await expectAccessible(page);
  await logOut(page);

  await goto(page, '/sourcage');
  await page.locator('[data-test="summaries"]').getByRole('link', { name: call }).click();
  await expect(page.locator('[data-test="call-summary"] .prose strong')).toHaveText('sans pesticides');
  await expect(page.locator('[data-test="call-stats"]')).toContainText('Oui : 1');
  await expect(page.getByText('Sous huit jours, toute la Métropole.')).toHaveCount(0);
  if (js) await expectAccessible(page);
});
