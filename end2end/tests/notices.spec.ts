import { expect, Page, test } from '@playwright/test';
import { AddressInfo } from 'node:net';
import http from 'node:http';
import { asAdmin, DEMO_PASSWORD, expectAccessible, expectFitsPhone, expectTapTargets, goto, hasJs, logIn, onPhone, ready } from './helpers';

/** Today in Paris as the portal writes dates, and its quarter as the programming's field takes it. */
function today(): { day: string; quarter: string; inDays: (n: number) => string } {
  const now = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return {
    day: iso(now),
    quarter: `T${Math.floor(now.getUTCMonth() / 3) + 1} ${now.getUTCFullYear()}`,
    inDays: (n) => `${iso(new Date(now.getTime() + n * 86_400_000))}T10:00:00+00:00`,
  };
}

/**
 * A BOAMP open-data API on 127.0.0.1 (the documented shape: `total_count`, `results`, each
 * notice's document in `donnees`), serving two calls for tenders published today: the Ville de
 * Lyon's (its SIRET in the document), whose subject is `roofTitle`, and one of a commune without
 * a plan on Passerelle, `fountainTitle`.
 */
async function boamp(project: string, roofTitle: string, fountainTitle: string): Promise<http.Server> {
  const t = today();
  const donnees = JSON.stringify({
    EFORMS: {
      ContractNotice: {
        'cac:ContractingParty': { 'cac:Party': { 'cac:PartyLegalEntity': { 'cbc:CompanyID': { '#text': '21690123100011' } } } },
        'cac:ProcurementProjectLot': [
          { 'cac:ProcurementProject': { 'cbc:Name': { '#text': 'Couverture' } } },
          { 'cac:ProcurementProject': { 'cbc:Name': { '#text': 'Zinguerie' } } },
        ],
      },
    },
  });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const offset = url.searchParams.get('offset');
    const port = (server.address() as AddressInfo).port;
    const results =
      offset === '0'
        ? [
            {
              idweb: `26-E2E-${project}`,
              objet: roofTitle,
              nomacheteur: 'Ville de Lyon',
              dateparution: t.day,
              datelimitereponse: t.inDays(30),
              nature: 'APPEL_OFFRE',
              code_departement: ['69'],
              url_avis: `http://127.0.0.1:${port}/avis/26-E2E-${project}`,
              donnees,
            },
            {
              idweb: `26-E2F-${project}`,
              objet: fountainTitle,
              nomacheteur: 'Commune de Saint-Genis-Laval (test)',
              dateparution: t.day,
              datelimitereponse: t.inDays(20),
              nature: 'APPEL_OFFRE',
              code_departement: ['69'],
              url_avis: `http://127.0.0.1:${port}/avis/26-E2F-${project}`,
              donnees: null,
            },
          ]
        : [];
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ total_count: 2, results }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Reloads the source's page until its last run has ended as `status`. */
async function waitForRun(page: Page, status: string) {
  await expect(async () => {
    await page.reload();
    await ready(page);
    await expect(page.locator('[data-test="source-run"]').first()).toContainText(status, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

test('a BOAMP notice read by a source publishes the buyer’s plan once she confirms it, and a firm finds a live call in “Consultations en cours”', async ({ page }, info) => {
  const js = hasJs(info);
  const project = info.project.name;
  const roofTitle = `Réfection de la toiture du marché couvert ${project}`;
  const fountainTitle = `Entretien des fontaines publiques ${project}`;
  const server = await boamp(project, roofTitle, fountainTitle);
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/explore/v2.1/catalog/datasets/boamp/records`;
  try {
    // The buyer plans the procurement for this quarter.
    await logIn(page, 'acheteuse@demo.passerelle.example', DEMO_PASSWORD);
    await page.locator('[data-test="my-org"]').getByRole('link', { name: 'Programmation' }).click();
    await page.getByLabel("Objet de l'achat *").fill(roofTitle);
    await page.getByLabel('Procédure envisagée *').selectOption({ label: 'Procédure adaptée (MAPA)' });
    await page.getByLabel('Publication prévue *').fill(today().quarter);
    await page.getByRole('button', { name: "Publier l'achat prévu" }).click();
    await expect(page.getByRole('status')).toContainText('Achat prévu publié');
    await page.getByRole('link', { name: 'Voir la page publique' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(roofTitle);
    const planUrl = page.url();
    await expect(page.locator('[data-test="plan-status"]')).toHaveText('Prévu');
    const buyer = await page.context().cookies();
    await page.context().clearCookies();

    // The administrator declares the BOAMP source and reads it now.
    await asAdmin(page);
    await goto(page, '/admin/sources');
    await page.getByLabel('Nom *').fill(`boamp-${project}`);
    await page.getByLabel('Type *').selectOption({ label: 'Avis du BOAMP' });
    await page.getByLabel('Adresse *').fill('pas une adresse');
    await page.getByLabel('Fréquence (heures) *').fill('24');
    await page.getByLabel('Départements').fill('69');
    await page.getByRole('button', { name: 'Ajouter la source' }).click();
    await expect(page.getByText('Une adresse http:// ou https:// complète, sans espace.')).toBeVisible();
    if (!js) {
      await page.getByLabel('Nom *').fill(`boamp-${project}`);
      await page.getByLabel('Type *').selectOption({ label: 'Avis du BOAMP' });
      await page.getByLabel('Départements').fill('69');
    }
    await page.getByLabel('Adresse *').fill(api);
    await page.getByRole('button', { name: 'Ajouter la source' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`boamp-${project}`);
    await expect(page.getByRole('status')).toContainText('Source ajoutée');
    if (js) await expectAccessible(page);
    await page.getByRole('button', { name: 'Lire maintenant' }).click();
    await waitForRun(page, 'terminée');
    const run = page.locator('[data-test="source-run"]').first();
    await expect(run).toContainText(/Lus\s*2/);
    await expect(run).toContainText(/Nouveaux\s*2/);
    if (js) await expectAccessible(page);
    await page.context().clearCookies();

    // The buyer, back, confirms the notice proposed on her plan's page: published, with its link.
    await page.context().addCookies(buyer);
    await page.goto(planUrl);
    await ready(page);
    const proposal = page.locator('[data-test="plan-proposal"]');
    await expect(proposal).toContainText(roofTitle);
    await expect(proposal).toContainText('Zinguerie');
    if (js) await expectAccessible(page);
    if (onPhone(info)) await expectFitsPhone(page);
    await proposal.getByRole('button', { name: 'Oui, cet avis publie cet achat' }).click();
    await expect(page.getByRole('status')).toContainText("L'avis est lié à cet achat");
    await expect(page.locator('[data-test="plan-status"]')).toHaveText('Publié');
    await expect(page.locator('[data-test="plan-proposal"]')).toHaveCount(0);
    await expect(page.locator('[data-test="plan-notice"]').getByRole('link', { name: /Lire l'avis/ })).toHaveAttribute(
      'href',
      new RegExp(`/avis/26-E2E-${project}$`),
    );
    await page.context().clearCookies();

    // A firm finds the commune's live call and signals its interest, once.
    await logIn(page, 'menuisier@demo.passerelle.example', DEMO_PASSWORD);
    await goto(page, '/programmation');
    await page.getByRole('link', { name: 'Consultations en cours des autres acheteurs (BOAMP, TED)' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Consultations en cours');
    const card = page.locator('[data-test="call"]', { hasText: fountainTitle });
    await expect(card).toContainText('Commune de Saint-Genis-Laval (test)');
    await expect(card).toContainText('Date limite de réponse');
    // The confirmed call is no longer a live consultation: it is the plan's.
    await expect(page.locator('[data-test="call"]', { hasText: roofTitle })).toHaveCount(0);
    if (js) await expectAccessible(page);
    if (onPhone(info)) {
      await expectFitsPhone(page);
      await expectTapTargets(page);
    }
    await card.getByRole('button', { name: /^Je suis intéressé/ }).click();
    await expect(page.getByRole('status')).toContainText('Intérêt signalé');
    const after = page.locator('[data-test="call"]', { hasText: fountainTitle });
    await expect(after).toContainText('1 entreprise(s) intéressée(s)');
    await expect(after.getByRole('button', { name: /^Retirer mon intérêt/ })).toBeVisible();
    // Looking for partners for it: the request's form opens filled with the call, unsaved.
    await after.getByRole('link', { name: /^Chercher des partenaires/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Publier une recherche de partenaires');
    await expect(page.locator('input[name="form[title]"]')).toHaveValue(`Partenaires pour « ${fountainTitle} »`);
    await expect(page.locator('textarea[name="form[description]"]')).toContainText('Commune de Saint-Genis-Laval (test)');
    if (js) await expectAccessible(page);
  } finally {
    server.close();
  }
});
