/**
 * Finds which of a set of names starts at a position of a text, longest name first. Names are
 * indexed by their first character, so a scan costs a few comparisons per character instead of
 * one per known name (~650 places).
 */
export class NameMatcher {
  private readonly byFirst = new Map<string, string[]>();

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.add(name);
  }

  add(name: string): void {
    if (name.length === 0) return;
    const list = this.byFirst.get(name[0]!) ?? [];
    if (list.includes(name)) return;
    list.push(name);
    list.sort((a, b) => b.length - a.length);
    this.byFirst.set(name[0]!, list);
  }

  /** The longest name that starts at `index` of `text`, if any. */
  matchAt(text: string, index: number): string | undefined {
    const candidates = this.byFirst.get(text[index] ?? "");
    return candidates?.find((name) => text.startsWith(name, index));
  }
}
