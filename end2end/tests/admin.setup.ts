import { expect, test as setup } from '@playwright/test';
import { adminState, DEMO_ADMIN, DEMO_PASSWORD, logIn } from './helpers';

// The demo administrator signs in once, with its password and its authenticator's code; the
// tests that act as administrator reuse this session (helpers' asAdmin).
setup('the demo administrator signs in with the second factor', async ({ page }) => {
  await logIn(page, DEMO_ADMIN, DEMO_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Mon compte' })).toBeVisible();
  // Signed in with the factor: no warning that administration needs it.
  await expect(page.locator('[data-test="factor-needed"]')).toHaveCount(0);
  await page.context().storageState({ path: adminState() });
});
