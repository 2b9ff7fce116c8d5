/** One thing the doctor found about a client's setup. */
export interface Finding {
  severity: 'problem' | 'warning' | 'ok';
  /** What defeats the setup… */
  message: string;
  /** …and how to fix it. */
  fix: string;
}
