/**
 * Opens a page in Debian's headless `chromium` (driven by playwright-core
 * over CDP, no browser download) and reports what a reader would see: every
 * request the page made, console errors, and each chart's drawn marks.
 * scripts/test-setup.mjs installs the browser when it is missing.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Where Debian's package puts the browser; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** A chart as drawn. */
export interface DrawnChart {
  readonly id: string;
  /** `path` and `rect` elements of the chart's own marks (axes and legends not counted). */
  readonly marks: number;
  readonly width: number;
  readonly height: number;
}

/** What the page did in the browser. */
export interface PageVisit {
  /** Every URL requested, the page itself included. */
  readonly requests: readonly string[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  readonly charts: readonly DrawnChart[];
  readonly title: string;
}

/** Loads `htmlPath` from disk, saves a full-page screenshot to `screenshotPath`. */
export async function visitPage(htmlPath: string, screenshotPath: string): Promise<PageVisit> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, offline: true });
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const url = pathToFileURL(htmlPath).href;
    // Anything but the page itself is refused (and recorded above).
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart') ?? '',
          marks: f.querySelectorAll('g.role-mark path, g.role-mark rect, g.role-mark line').length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      }),
    );
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { requests, consoleErrors, pageErrors, charts, title: await page.title() };
  } finally {
    await browser.close();
  }
}
