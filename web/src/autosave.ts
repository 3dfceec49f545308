// The editor's text, kept in IndexedDB so a reload (or a crash) loses nothing. Saves are
// debounced. Every save carries a stamp (time and the saving tab's id); before writing, a tab
// reads the stamp it would overwrite, and when another tab saved since this one last loaded or
// saved, it does not write but reports a conflict: the user chooses to load the other tab's text
// or to keep their own (which then overwrites it). A BroadcastChannel tells other tabs at once.
import { type IDBPDatabase, openDB } from "idb";

const DB = "noodle-playground";
const STORE = "drafts";
const KEY = "current";
const DEBOUNCE_MS = 400;

export interface Draft {
  text: string;
  savedAt: number;
  tab: string;
}

export interface AutosaveHooks {
  /** Another tab saved a different text since this tab last loaded or saved. */
  onConflict(theirs: Draft): void;
  onSaved(draft: Draft): void;
}

export class Autosave {
  readonly tab = crypto.randomUUID();
  /** The stamp of the draft this tab last loaded or wrote. */
  private known = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pendingText: string | undefined;
  private conflict: Draft | undefined;
  private readonly channel = "BroadcastChannel" in globalThis ? new BroadcastChannel(DB) : undefined;

  private constructor(
    private readonly db: IDBPDatabase,
    private readonly hooks: AutosaveHooks,
  ) {
    if (this.channel) this.channel.onmessage = () => void this.checkOthers();
  }

  static async open(hooks: AutosaveHooks): Promise<Autosave> {
    const db = await openDB(DB, 1, {
      upgrade(d) {
        d.createObjectStore(STORE);
      },
    });
    return new Autosave(db, hooks);
  }

  /** The saved draft, which this tab now counts as seen. */
  async load(): Promise<Draft | undefined> {
    const draft = (await this.db.get(STORE, KEY)) as Draft | undefined;
    if (draft) this.known = draft.savedAt;
    return draft;
  }

  /** Saves `text` after a pause in typing. */
  schedule(text: string): void {
    this.pendingText = text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  /** Writes pending text now, unless another tab's newer save is in the way. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    const text = this.pendingText;
    if (text === undefined || this.conflict) return;
    const tx = this.db.transaction(STORE, "readwrite");
    const stored = (await tx.store.get(KEY)) as Draft | undefined;
    if (stored && stored.tab !== this.tab && stored.savedAt > this.known && stored.text !== text) {
      await tx.done;
      this.raise(stored);
      return;
    }
    const draft: Draft = { text, savedAt: Math.max(Date.now(), (stored?.savedAt ?? 0) + 1), tab: this.tab };
    await tx.store.put(draft, KEY);
    await tx.done;
    if (this.pendingText === text) this.pendingText = undefined;
    this.known = draft.savedAt;
    this.channel?.postMessage({ savedAt: draft.savedAt });
    this.hooks.onSaved(draft);
  }

  /** Takes the other tab's text: later saves from here continue from it. */
  acceptTheirs(theirs: Draft): void {
    this.known = theirs.savedAt;
    this.conflict = undefined;
    this.pendingText = undefined;
  }

  /** Keeps this tab's text: it overwrites the other tab's save now. */
  async keepMine(text: string): Promise<void> {
    if (this.conflict) this.known = this.conflict.savedAt;
    this.conflict = undefined;
    this.pendingText = text;
    await this.flush();
  }

  private async checkOthers(): Promise<void> {
    const stored = (await this.db.get(STORE, KEY)) as Draft | undefined;
    if (stored && stored.tab !== this.tab && stored.savedAt > this.known) this.raise(stored);
  }

  private raise(theirs: Draft): void {
    this.conflict = theirs;
    this.hooks.onConflict(theirs);
  }
}
