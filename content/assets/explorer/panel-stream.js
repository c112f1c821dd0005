// Step 5: the streaming API (written by the streaming work; a placeholder until then).

export function streamPanel() {
  return { renderStream() {} };
}
