// A panel VS Code hands back after a reload can close while the extension still reads what to show
// in it: "Close All Editors" revives each hidden tab it passes on its way. Code after such a wait must
// not adopt the panel, or it keeps a disposed one and its next use throws "Webview is disposed".
// No vscode here, so tests pass a stand-in panel.

export interface ClosablePanel {
  onDidDispose(listener: () => void): { dispose(): void };
}

/** `work`'s value, and whether `panel` is still open after it. */
export async function whileOpen<T>(panel: ClosablePanel, work: () => Promise<T>): Promise<{ value: T; open: boolean }> {
  let open = true;
  const closing = panel.onDidDispose(() => (open = false));
  try {
    return { value: await work(), open };
  } finally {
    closing.dispose();
  }
}
