/**
 * Copies text with the async clipboard API; false when the page may not (no permission, not
 * focused, not a secure context), so the caller can select the text for Ctrl+C instead.
 */
export async function copyText(text: string, clipboard: Pick<Clipboard, 'writeText'> | undefined = navigator.clipboard): Promise<boolean> {
  try {
    if (!clipboard) return false;
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
