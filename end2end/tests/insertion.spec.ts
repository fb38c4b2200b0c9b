import { expect, Page, test } from '@playwright/test';
import { asAdmin, chooseCpv, DEMO_PASSWORD, expectAccessible, goto, hasJs, logIn, logOut, ready, signUp } from './helpers';

/** Adds to the plan being edited a 1.2 M€ masonry lot with an insertion clause, its trade chosen
 * by words and no hours typed (Passerelle proposes them). */
async function addWorksLot(page: Page) {
  const lots = page.locator('#lots');
  await lots.getByLabel('Intitulé du lot *').fill('Gros œuvre');
  await chooseCpv(page, 'lot-cpv', 'maçonnerie', 'Travaux de maçonnerie et de briquetage 45262500');
  await lots.getByLabel('Montant estimé minimum (€ HT)').fill('1 200 000');
  await lots.getByLabel('Montant estimé maximum (€ HT)').fill('1 200 000');
  await lots.getByLabel("Levier d'insertion").selectOption({ label: "Clause d'exécution (heures réservées)" });
  await lots.getByRole('button', { name: 'Ajouter un lot' }).click();
  await expect(page.getByRole('status')).toHaveText('Lot ajouté.');
}

test('a buyer adds an insertion clause to a 1.2 M€ works lot and reads the proposed hours with their formula', async ({ page }, info) => {
  const js = hasJs(info);
  const title = `Extension du groupe scolaire ${info.project.name}`;
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await page.getByLabel("Objet de l'achat *").fill(title);
  await page.getByLabel('Procédure envisagée *').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Publication prévue *').fill('T3 2027');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('status')).toContainText('Achat prévu publié');

  // The works lot, its trade chosen by words; no hours typed: Passerelle proposes them.
  await addWorksLot(page);
  const lot = page.locator('[data-test="edit-lots"] > li').first();
  await expect(lot.locator('[data-test="insertion-lever"]')).toHaveText(/^Clause d'exécution \(heures réservées\) · 1\s000\sh$/);
  await expect(lot.locator('[data-test="insertion-formula"]')).toContainText(
    /1\s200\s000\s€ HT × 50 % de main-d'œuvre \(Gros œuvre, maçonnerie\) × 5 % d'insertion ÷ 30\s€\/h ≈ 1\s000\sh/,
  );
  if (js) await expectAccessible(page);

  // A criterion without its weight is explained; the buyer's own number is then kept.
  await lot.getByText('Insertion du lot — Gros œuvre').click();
  const form = lot.locator('details form');
  await form.getByLabel("Levier d'insertion").selectOption({ label: "Clause d'exécution et critère d'attribution" });
  await form.getByLabel("Heures d'insertion").fill('1 500');
  await form.getByRole('button', { name: "Enregistrer l'insertion du lot" }).click();
  await expect(form.getByText("Indiquez le poids du critère d'attribution, en pourcentage.")).toBeVisible();
  if (!js) {
    // Without JavaScript the page came back: the lot's form is reopened to say why.
    await form.getByLabel("Levier d'insertion").selectOption({ label: "Clause d'exécution et critère d'attribution" });
    await form.getByLabel("Heures d'insertion").fill('1 500');
  }
  await form.getByLabel('Poids du critère (%)').fill('10');
  await form.getByRole('button', { name: "Enregistrer l'insertion du lot" }).click();
  await expect(page.getByRole('status')).toHaveText('Insertion du lot enregistrée.');
  const saved = page.locator('[data-test="edit-lots"] > li').first();
  await expect(saved.locator('[data-test="insertion-lever"]')).toHaveText(/^Clause d'exécution et critère d'attribution \(10\s%\) · 1\s500\sh$/);
  await expect(saved.locator('[data-test="insertion-formula"]')).toHaveCount(0);

  // Everyone reads the lever on the plan's page; the guide explains the method.
  await page.getByRole('link', { name: 'Voir la page publique' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('[data-test="plan-lots"]')).toContainText(/Clause d'exécution et critère d'attribution \(10\s%\) · 1\s500\sh/);
  await expect(page.locator('[data-test="plan-levers"]')).toContainText("Clause d'insertion : voir les lots");
  if (js) await expectAccessible(page);
  await goto(page, '/programmation/guide#insertion');
  await expect(page.locator('[data-test="sizing-method"]')).toContainText('environ 833 heures');
});

test('an administrator reads the sizing figures with their origin, and a figure out of bounds changes nothing', async ({ page }, info) => {
  await asAdmin(page);
  await goto(page, '/admin/insertion');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Dimensionnement des clauses d'insertion");
  const table = page.locator('[data-test="insertion-trades"]');
  await expect(table.getByRole('row', { name: /Peinture et vitrerie/ })).toContainText('Publié par des facilitateurs');
  await expect(table.getByRole('row', { name: /Nettoyage de locaux/ })).toContainText("Estimation de l'équipe, à confirmer");
  await expect(table.getByLabel('Peinture et vitrerie')).toHaveValue('70');
  if (hasJs(info)) await expectAccessible(page);
  await page.getByLabel("Taux d'insertion (% de la main-d'œuvre) *").fill('0');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(page.getByLabel("Taux d'insertion (% de la main-d'œuvre) *")).toHaveAttribute('aria-invalid', 'true');
  await goto(page, '/admin/insertion');
  await expect(page.getByLabel("Taux d'insertion (% de la main-d'œuvre) *")).toHaveValue('5');
});

/** Goes from `start` to the page of its list that holds the plan `title`, following "next"
 * (other tests add plans before it). */
async function pageWithPlan(page: Page, start: string, title: string) {
  await goto(page, start);
  for (let n = 0; n < 20; n++) {
    if ((await page.getByRole('link', { name: title, exact: true }).count()) > 0) return;
    await page.locator('a[rel="next"]').click();
    await ready(page);
  }
  throw new Error(`no plan ${title} from ${start}`);
}

/** Opens a plan with an insertion lever by its title. */
async function openPlan(page: Page, title: string) {
  await pageWithPlan(page, '/programmation?levier=insertion', title);
  await page.getByRole('link', { name: title, exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
}

test("the Métropole's facilitator follows the plans with insertion, writes a note, and the buyer reads it", async ({ page }, info) => {
  const js = hasJs(info);
  const note = `Taux de 7 % tenable pour ce lot (${info.project.name}).`;
  await logIn(page, 'insertion@demo.passerelle.example', DEMO_PASSWORD);
  await page.getByRole('link', { name: 'Achats à suivre' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Achats à suivre');
  await pageWithPlan(page, '/compte/insertion', 'Nettoyage des bâtiments administratifs en journée');
  await expect(page.locator('.lead')).toContainText('Métropole de Lyon');
  const row = page.locator('[data-test="plan-row"]', { hasText: 'Nettoyage des bâtiments administratifs en journée' });
  await expect(row).toContainText(/\d+ note\(s\)/);
  // The countryside's plans are another facilitator's.
  await expect(page.locator('[data-test="followed-plans"]')).not.toContainText('Entretien des routes départementales');
  if (js) await expectAccessible(page);

  await row.getByRole('link', { name: "Suivi de l'insertion" }).click();
  const follow = page.locator('[data-test="insertion-follow"]');
  await expect(follow.locator('[data-test="follow-notes"]')).toContainText('Pensez à l\'ETTI');
  await expect(follow.locator('[data-test="follow-facilitators"]')).toContainText('Farid Facilitateur (fictif)');
  // A blank note is explained and nothing is added.
  await follow.getByRole('button', { name: 'Ajouter la note' }).click();
  await expect(page.locator('[data-test="insertion-follow"]').getByText('Ce champ est obligatoire.')).toBeVisible();
  await page.locator('[data-test="insertion-follow"]').getByLabel('Votre note').fill(note);
  await page.locator('[data-test="insertion-follow"]').getByRole('button', { name: 'Ajouter la note' }).click();
  await expect(page.locator('[data-test="insertion-follow"]').getByRole('status')).toHaveText('Note ajoutée.');
  await expect(page.locator('[data-test="follow-notes"] li').last()).toContainText(note);
  await expect(page.locator('[data-test="follow-notes"] li').last()).toContainText('Facilitateur');
  if (js) await expectAccessible(page);
  await logOut(page);

  // The buyer reads it on the plan's page (and under the bell); a firm does not.
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await openPlan(page, 'Nettoyage des bâtiments administratifs en journée');
  await expect(page.locator('[data-test="follow-notes"]')).toContainText(note);
  await logOut(page);
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await openPlan(page, 'Nettoyage des bâtiments administratifs en journée');
  await expect(page.locator('[data-test="insertion-follow"]')).toHaveCount(0);
});

test('an administrator gives a territory to a facilitator and takes it back', async ({ page }, info) => {
  const email = `plie-${info.project.name}-${Date.now()}@exemple.fr`;
  await signUp(page, 'Paule Plie', email);
  await asAdmin(page);
  await goto(page, '/admin');
  const panel = page.locator('#facilitators');
  await panel.getByLabel('Adresse e-mail').fill(email);
  await panel.getByLabel('Territoire').selectOption({ label: 'Rhône (hors Métropole)' });
  await panel.getByRole('button', { name: 'Confier ce territoire' }).click();
  await expect(page.getByRole('status')).toHaveText('Territoire confié.');
  const listed = page.locator('[data-test="facilitators"] li', { hasText: email });
  await expect(listed).toContainText('Rhône (hors Métropole)');
  if (hasJs(info)) await expectAccessible(page);
  await listed.getByRole('button', { name: `Retirer le rôle ${email}` }).click();
  await expect(page.getByRole('status')).toHaveText('Rôle de facilitateur retiré.');
  await expect(page.locator('[data-test="facilitators"] li', { hasText: email })).toHaveCount(0);
});

test("a firm finds the territory's inclusive structures of a plan's trade, and goes to invite one into its consortium", async ({ page }, info) => {
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await openPlan(page, 'Nettoyage des bâtiments administratifs en journée');
  const panel = page.locator('[data-test="inclusive-partners"]');
  await expect(panel.getByRole('heading', { name: 'Structures inclusives du territoire' })).toBeVisible();
  const first = panel.locator('li').first();
  await expect(first.locator('.badge')).toHaveText(/\((EI|ETTI|AI|EITI|GEIQ|ACI|EA)\)|ESAT/);
  if (hasJs(info)) await expectAccessible(page);
  await first.getByRole('link', { name: /^Inviter dans un groupement/ }).click();
  await expect(page).toHaveURL(/\/compte\/groupements\?inviter=\d{14}$/);
  await expect(page.locator('[data-test="choose-consortium"]')).toBeVisible();
});

test('after award the awardee records 600 h subcontracted to an SIAE, the facilitator validates them, and the plan and the analyses show them', async ({ page }, info) => {
  const js = hasJs(info);
  const title = `Rénovation du gymnase ${info.project.name} ${Date.now()}`;
  await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
  await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
  await page.getByLabel("Objet de l'achat *").fill(title);
  await page.getByLabel('Procédure envisagée *').selectOption({ label: "Appel d'offres ouvert" });
  await page.getByLabel('Publication prévue *').fill('T1 2026');
  await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
  await expect(page.getByRole('status')).toContainText('Achat prévu publié');
  const id = /\/compte\/achats\/(\d+)/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  await addWorksLot(page);

  // Published, then awarded; the buyer names the awardee by its name in the directory.
  const stage = page.locator('[data-test="plan-stage"]');
  await stage.getByLabel('Publié').check();
  await stage.getByLabel('Adresse de la consultation').fill('https://marches.example/avis/gymnase');
  await stage.getByRole('button', { name: "Changer d'état" }).click();
  await expect(page.getByRole('status')).toHaveText('État mis à jour.');
  await page.locator('[data-test="plan-stage"]').getByLabel('Attribué').check();
  await page.locator('[data-test="plan-stage"]').getByRole('button', { name: "Changer d'état" }).click();
  await expect(page.getByRole('status')).toHaveText('État mis à jour.');
  const award = page.locator('#award');
  await award.getByLabel('Entreprise titulaire').fill('Menuiserie inconnue');
  await award.getByRole('button', { name: 'Enregistrer le titulaire' }).click();
  await expect(page.locator('#award').getByText("Aucune entreprise de l'annuaire ne porte ce nom")).toBeVisible();
  await page.locator('#award').getByLabel('Entreprise titulaire').fill('Menuiserie des Monts (fictive)');
  await page.locator('#award').getByRole('button', { name: 'Enregistrer le titulaire' }).click();
  await expect(page.getByRole('status')).toHaveText('Titulaire enregistré.');
  await expect(page.locator('[data-test="award-awardee"]')).toContainText('Menuiserie des Monts (fictive)');
  if (js) await expectAccessible(page);
  await logOut(page);

  // The awardee records: a negative number is explained and changes nothing; then 600 h.
  await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, `/programmation/${id}`);
  const hours = () => page.locator('[data-test="insertion-hours"]');
  await expect(hours().locator('[data-test="hours-progress"]')).toHaveText(/^0 \/ 1\s000\sh$/);
  await hours().getByLabel("Type d'heures *").selectOption({ label: 'Sous-traitance ou cotraitance avec une SIAE' });
  await hours().getByLabel("Nombre d'heures *").fill('-600');
  await hours().getByRole('button', { name: 'Enregistrer les heures' }).click();
  await expect(hours().getByText('Le nombre d\'heures ne peut pas être négatif')).toBeVisible();
  await expect(hours().locator('[data-test="hours-entries"]')).toHaveCount(0);
  await hours().getByLabel("Type d'heures *").selectOption({ label: 'Sous-traitance ou cotraitance avec une SIAE' });
  await hours().getByLabel("Nombre d'heures *").fill('600');
  await hours().getByRole('button', { name: 'Enregistrer les heures' }).click();
  await expect(hours().getByRole('status')).toHaveText('Heures enregistrées : le facilitateur du territoire les validera.');
  await expect(hours().locator('[data-test="hours-pending"]')).toHaveText('600 h saisies en attente de validation.');
  await expect(hours().locator('[data-test="hours-entries"]')).toContainText('En attente de validation');
  if (js) await expectAccessible(page);
  await logOut(page);

  // The territory's facilitator validates; the plan shows 600 / 1 000 h to everyone.
  await logIn(page, 'insertion@demo.passerelle.example', DEMO_PASSWORD);
  await goto(page, `/programmation/${id}`);
  await hours().getByRole('button', { name: /^Valider / }).click();
  await expect(hours().getByRole('status')).toHaveText('Heures validées.');
  await expect(hours().locator('[data-test="hours-entries"]')).toContainText('Validées par Farid Facilitateur (fictif)');
  if (js) await expectAccessible(page);
  await logOut(page);
  await goto(page, `/programmation/${id}`);
  await expect(hours().locator('[data-test="hours-progress"]')).toHaveText(/^600 \/ 1\s000\sh$/);
  await expect(hours().locator('[data-test="hours-by-kind"]')).toContainText('Sous-traitance ou cotraitance avec une SIAE : 600');
  await expect(hours().locator('[data-test="hours-entries"]')).toHaveCount(0);

  // The analyses count them, by type, trade and buyer, with the CSV.
  await goto(page, '/analyses');
  await page.getByRole('link', { name: 'Insertion', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("L'insertion dans les achats du territoire");
  await expect(page.locator('[data-test="insertion-kinds"]')).toContainText('Sous-traitance ou cotraitance avec une SIAE');
  await expect(page.locator('[data-test="chart"]')).toBeVisible();
  await expect(page.locator('[data-test="table-acheteurs"]')).toContainText('Ville de Lyon');
  await expect(page.locator('[data-test="csv-acheteurs"]')).toHaveAttribute('href', '/analyses/insertion.csv?tableau=acheteurs');
  if (js) await expectAccessible(page);
});
