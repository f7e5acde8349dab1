/** Prints one result line, `name: value unit`. */
export type Report = (name: string, value: number, unit: string) => void;

export interface BenchModule {
  /** Runs the benchmarks of one area; uses its own temporary data folders and removes them. */
  run(report: Report): Promise<void>;
}
