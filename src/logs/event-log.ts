// Runtime events as JSON lines: a worker or node lost, a task run again, an actor restarted, a
// frame refused. Each line is one object with the same first keys, `time` (ISO 8601), `level`,
// `event`, `node`, `task` and `actor` (null where they do not apply), then the event's own fields.
// The log is platform-neutral: where lines go (stderr, a file) is its writer's business.

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface EventFields {
  task?: string | number;
  actor?: string | number;
  [field: string]: unknown;
}

export type LogEvent = (level: LogLevel, event: string, fields?: EventFields) => void;

export class EventLog {
  private readonly rank: number;

  constructor(
    readonly level: LogLevel,
    private readonly write: (line: string) => void,
    /** The node these events happen on (a cluster node's name; null for a program on its own). */
    private readonly node: string | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.rank = LOG_LEVELS.indexOf(level);
  }

  /** Whether events of `level` are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= this.rank;
  }

  readonly log: LogEvent = (level, event, fields = {}) => {
    if (!this.enabled(level)) return;
    const { task = null, actor = null, ...rest } = fields;
    this.write(`${JSON.stringify({ time: this.now().toISOString(), level, event, node: this.node, task, actor, ...rest })}\n`);
  };
}

/** The level named `text`, or undefined. */
export function logLevelOf(text: string): LogLevel | undefined {
  return (LOG_LEVELS as readonly string[]).includes(text) ? (text as LogLevel) : undefined;
}
