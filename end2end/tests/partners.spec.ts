import { expect, test } from '@playwright/test';
import { chooseCpv, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, signUp, uniqueEmail } from './helpers';
import { MAIL_URL } from '../playwright.config';

test('a firm opens a partner request on a lot, sees proposed partners with reasons, accepts an answer, invites two firms, they accept and the consortium is formed; two firms get in direct contact', async ({ page, request }, info) => {
  const js = hasJs(info);
  // A hydration that fails says why in the run's log (it once timed out in CI, not reproduced).
  page.on('pageerror', (e) => console.log(`PAGEERROR ${page.url()}: ${e.message}`));
  const suffix = js ? 'Gerland' : 'Croix-Rousse';
  const title = `Rénovation de l'école ${suffix}`;
  const elecName = `Électricité ${suffix} (fictive)`;
  const elecEmail = uniqueEmail(info, 'electricienne');

  // An electrician of Lyon joins the platform and publishes its offer (among the demo's dozen
  // electricians, the one next door with the very code asked comes first).
  await signUp(page, 'Élise Électricienne (fictive)', elecEmail);
  await goto(page, '/compte/organisations/nouvelle');
  await page.getByLabel("Type d'organisation").selectOption({ label: 'Entreprise' });
  await page.getByLabel('SIRET').fill(js ? '120 027 016 00183' : '120 027 016 00191');
  await page.getByLabel('Nom *').fill(elecName);
  await page.getByLabel('Commune').fill('Lyon');
  await page.getByLabel('Activité principale (NAF/APE)').fill('43.21A');
  await page.getByRole('button', { name: "Créer l'organisation" }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation créée.');
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Offres (catalogue)' }).click();
  await page.getByLabel('Titre *').fill(`Installations électriques ${suffix}`);
  await page.getByLabel("Type d'offre *").selectOption({ label: 'Travaux' });
  await page.getByRole('button', { name: 'Créer le brouillon' }).click();
  await expect(page.getByRole('status')).toContainText('Brouillon créé');
  await chooseCpv(page, 'offer-cpv', 'équipement électrique', "Travaux d'équipement électrique 45310000");
  await page.getByRole('button', { name: 'Enregistrer les codes' }).click();
  await expect(page.getByRole('status')).toHaveText('Codes CPV mis à jour.');
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByRole('status')).toHaveText('Offre publiée.');
  await logOut(page);

  // The chamber verifies the new firm: until then it could not join a consortium in its name.
  await logIn(page, 'analyste@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/verifications');
  await page.locator('[data-test="to-verify"]', { hasText: elecName }).getByRole('button', { name: `Vérifier ${elecName}` }).click();
  await expect(page.getByRole('status')).toHaveText('Organisation vérifiée.');
  await logOut(page);

  // The buyer plans a procurement with an electricity lot.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await page.getByLabel("Objet de l'achat *").fill(title);
  await page.getByLabel('Procédure envisagée *').selectOption({ label: 'Procédure adaptée (MAPA)' });
  await page.getByLabel('Publication prévue *').fill('T4 2027');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await page.getByLabel('Intitulé du lot *').fill('Électricité');
  await chooseCpv(page, 'lot-cpv', 'équipement électrique', "Travaux d'équipement électrique 45310000");
  await page.getByRole('button', { name: 'Ajouter un lot' }).click();
  await expect(page.getByRole('status')).toHaveText('Lot ajouté.');
  const planId = page.url().match(/\/compte\/achats\/(\d+)/)![1];
  await logOut(page);

  // A joiner looks for a partner for that lot, from the procurement's page.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  // The procurement's possible consortia, around the joiner's firm.
  await goto(page, `/programmation/${planId}/groupements`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Groupements possibles pour cet achat');
  await page.getByLabel('Autour de votre entreprise').selectOption({ label: 'Menuiserie des Monts (fictive)' });
  await page.getByRole('button', { name: 'Afficher' }).click();
  await expect(page.getByRole('heading', { name: 'Partenaires qui complètent Menuiserie des Monts (fictive)' })).toBeVisible();
  await expect(page.locator('[data-test="proposed-partners"]')).toContainText('Électricité Saône Services (fictive)');
  if (js) await expectAccessible(page);
  await goto(page, `/programmation/${planId}`);
  await page.locator('[data-test="plan-lots"]').getByRole('link', { name: 'Chercher des partenaires pour ce lot' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Publier une recherche de partenaires');
  // The form starts from the lot: its title and code, the buyer's commune.
  await expect(page.getByLabel('Titre *')).toHaveValue('Lot 1 — Électricité');
  const skills = page.locator('#partner-cpv .cpv-picker__chosen');
  await expect(skills).toContainText("Travaux d'équipement électrique");
  await expect(skills).toContainText('45310000');
  // The joiner also wants the school's green spaces kept during the works: chosen by words.
  await chooseCpv(page, 'partner-cpv', 'entretien espaces verts', "Réalisation et entretien d'espaces verts 77310000");
  await expect(page.getByLabel('Titre *')).toHaveValue('Lot 1 — Électricité');
  await expect(page.getByLabel("Lieu d'intervention (commune)")).toHaveValue(/Lyon/);
  if (js) await expectAccessible(page);
  // A deadline already passed is explained and nothing is published.
  await page.getByLabel('Titre *').fill(`Électricien pour ${title}`);
  await page.getByLabel('Date limite des réponses *').fill('2020-01-15');
  if (js) {
    // With JavaScript the date is judged once the field is left, before anything is sent.
    await page.getByLabel('Date limite des réponses *').blur();
    await expect(page.getByText('Cette date est déjà passée.')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Publier la recherche' }).click();
  await expect(page.getByText('Cette date est déjà passée.')).toBeVisible();
  if (!js) {
    // Without JavaScript the refused form comes back empty (known, app-wide): type it again.
    await page.getByLabel('Titre *').fill(`Électricien pour ${title}`);
    await chooseCpv(page, 'partner-cpv', 'équipement électrique', "Travaux d'équipement électrique 45310000");
    await chooseCpv(page, 'partner-cpv', 'entretien espaces verts', "Réalisation et entretien d'espaces verts 77310000");
    await page.getByLabel("Lieu d'intervention (commune)").fill('Lyon');
  }
  await page.getByLabel('Date limite des réponses *').fill('2027-09-30');
  await page.getByRole('button', { name: 'Publier la recherche' }).click();
  await expect(page.getByRole('status')).toContainText('Votre recherche est publiée');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Électricien pour ${title}`);
  const requestUrl = page.url().replace(/\?.*$/, '');

  // Proposed partners, with their reasons: the electrician by its offer, next door.
  const partners = page.locator('[data-test="proposed-partners"]');
  await expect(partners.locator('li').filter({ hasText: elecName })).toContainText('offre publiée sous le code 45310000 ; à 0 km');
  await expect(page.locator('[data-test="proposed-consortia"]')).toContainText('45310000');
  if (js) await expectAccessible(page);

  // The board lists it, found by a word.
  await goto(page, `/groupements?q=${encodeURIComponent('électricien ' + suffix)}`);
  await expect(page.locator('[data-test="partner-requests"]')).toContainText(`Électricien pour ${title}`);
  if (js) await expectAccessible(page);
  await logOut(page);

  // Another firm answers; it reads its own answer only.
  await logIn(page, 'maraichere@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, requestUrl);
  await page.getByLabel('Message').fill(`Nous entretenons les abords de l'école ${suffix} et travaillons avec un électricien.`);
  await page.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect(page.getByRole('status')).toContainText('Réponse envoyée');
  await expect(page.locator('[data-test="my-answers"]')).toContainText(`abords de l'école ${suffix}`);
  if (js) await expectAccessible(page);
  await logOut(page);

  // The poster reads it and accepts; the firm is told by email.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, requestUrl);
  const answer = page.locator('[data-test="answer"]').filter({ hasText: `abords de l'école ${suffix}` });
  await expect(answer).toContainText('Les Jardins du Val (fictifs)');
  await answer.getByRole('button', { name: 'Accepter' }).click();
  await expect(page.getByRole('status')).toContainText('Réponse acceptée');
  await expect(page.locator('[data-test="answer"]').filter({ hasText: `abords de l'école ${suffix}` }).locator('[data-test="answer-status"]')).toHaveText('Acceptée');
  await expect(async () => {
    const messages: { to: string[]; subject: string }[] = await (await request.get(MAIL_URL)).json();
    expect(messages.some((m) => m.to.includes('maraichere@demo.passerelle.example') && m.subject.includes(`Électricien pour ${title}`) && m.subject.includes('acceptée'))).toBe(true);
  }).toPass({ timeout: 10_000 });

  // From the proposals, the joiner forms the consortium of the electrician and the gardeners.
  const proposal = page
    .locator('[data-test="proposed-consortium"]')
    .filter({ hasText: elecName })
    .filter({ hasText: 'Les Jardins du Val (fictifs)' })
    .first();
  await proposal.getByRole('button', { name: 'Former ce groupement (inviter ces entreprises)' }).click();
  await expect(page.getByRole('status')).toContainText('Groupement créé');
  const workspace = page.url().replace(/\?.*$/, '');
  const members = page.locator('[data-test="consortium-members"]');
  await expect(members).toContainText(elecName);
  await expect(members).toContainText('Les Jardins du Val (fictifs)');
  if (js) await expectAccessible(page);
  await logOut(page);

  // Both invited firms accept.
  for (const [email, password] of [[elecEmail, undefined], ['maraichere@demo.passerelle.example', DEMO_PASSWORD]] as const) {
    await logIn(page, email, password);
    await goto(page, '/compte/groupements');
    await page.locator('[data-test="my-consortia"]').getByRole('link', { name: `Électricien pour ${title}` }).click();
    await expect(page.locator('[data-test="invitation"]')).toBeVisible();
    if (js) await expectAccessible(page);
    await page.getByRole('button', { name: "Accepter l'invitation" }).click();
    await expect(page.getByRole('status')).toContainText('Vous avez rejoint le groupement');
    await logOut(page);
  }

  // The lead declares it formed and writes to its members.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, workspace);
  await expect(page.locator('[data-test="member-status"]').filter({ hasText: 'Invitée' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Déclarer le groupement formé' }).click();
  await expect(page.locator('[data-test="consortium-stage"]')).toHaveText('Formé');
  await page.getByLabel('Votre message').fill(`Réunion de chantier lundi à 8 h, école ${suffix}.`);
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(page.locator('[data-test="messages"]')).toContainText(`Réunion de chantier lundi à 8 h, école ${suffix}.`);
  if (js) await expectAccessible(page);
  await logOut(page);
  // Direct contact: the electrician asks the gardeners from their profile; they accept; they talk.
  await logIn(page, elecEmail);
  await goto(page, '/annuaire?q=jardins');
  await page.getByRole('link', { name: 'Les Jardins du Val (fictifs)' }).first().click();
  await page.getByLabel('Votre message').fill(`Bonjour, travaillons ensemble sur d'autres écoles que ${suffix} ?`);
  await page.getByRole('button', { name: 'Envoyer la demande de contact' }).click();
  await expect(page.getByRole('status')).toContainText('Demande envoyée');
  await expect(page.locator('[data-test="contact-status"]')).toHaveText('En attente');
  await logOut(page);
  await logIn(page, 'maraichere@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, '/compte/contacts');
  await page.locator('[data-test="contacts"]').getByRole('link', { name: elecName }).click();
  await expect(page.getByText(`d'autres écoles que ${suffix}`)).toBeVisible();
  await page.getByRole('button', { name: 'Accepter le contact' }).click();
  await expect(page.locator('[data-test="contact-status"]')).toHaveText('Accepté');
  await page.getByLabel('Votre message').fill(`Avec plaisir, appelons-nous (${suffix}).`);
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(page.locator('[data-test="contact-messages"]')).toContainText(`Avec plaisir, appelons-nous (${suffix}).`);
  if (js) await expectAccessible(page);
  await logOut(page);
});

test('the board and a procurement’s possible consortia are public and accessible', async ({ page }, info) => {
  await goto(page, '/groupements');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recherches de partenaires');
  await goto(page, '/groupements/999999', 404);
  await expect(page.getByRole('alert')).toBeVisible();
  if (hasJs(info)) await expectAccessible(page);
});
